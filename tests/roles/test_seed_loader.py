import io

import pytest
import yaml
from django.core import serializers
from django.core.management import CommandError, call_command

from roles.models import (
    Duty,
    Quality,
    Role,
    RoleQuality,
    RoleScenario,
    Scenario,
    SeedRecord,
    Source,
    Workplace,
)
from roles.seeds.files import SeedError
from roles.seeds.loading import load_seeds

pytestmark = pytest.mark.django_db

MODELS = [Source, Workplace, Role, Duty, Quality, RoleQuality, Scenario, RoleScenario, SeedRecord]


def dump() -> str:
    """Everything the loader writes, timestamps included."""
    return "\n".join(
        serializers.serialize("json", model.objects.order_by("pk")) for model in MODELS
    )


def edit(directory, name, change):
    """Load a seed file, let `change` edit the data, write it back."""
    path = directory / name
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))


def role_entry(data, key):
    return next(role for role in data["roles"] if role["key"] == key)


def test_it_loads_every_kind_of_content(seeds_copy):
    report = load_seeds(directory=seeds_copy)

    assert Source.objects.count() == 5
    assert set(Role.objects.values_list("key", flat=True)) == {"associate", "agent", "manager"}
    assert Duty.objects.count() >= 18
    assert Quality.objects.count() >= 5
    assert Scenario.objects.count() >= 4
    assert Workplace.objects.count() >= 10
    assert report.kept == []
    manager = Role.objects.get(key="manager")
    assert manager.leads_from.count() >= 1
    assert manager.scenarios.exists() and manager.qualities.exists() and manager.workplaces.exists()


def test_loading_twice_leaves_the_database_as_it_was(seeds_copy):
    load_seeds(directory=seeds_copy)
    before = dump()

    report = load_seeds(directory=seeds_copy)

    assert dump() == before
    assert (report.created, report.updated, report.kept) == ([], [], [])


def test_it_keeps_what_an_editor_changed_and_says_so(seeds_copy):
    load_seeds(directory=seeds_copy)
    Role.objects.filter(key="agent").update(title_el="Τίτλος από τον επιμελητή")

    report = load_seeds(directory=seeds_copy)

    assert Role.objects.get(key="agent").title_el == "Τίτλος από τον επιμελητή"
    assert report.kept == ["role agent: title_el (changed in admin)"]
    # And on every later load too, until forced.
    assert load_seeds(directory=seeds_copy).kept == report.kept


def test_force_overwrites_what_an_editor_changed(seeds_copy):
    load_seeds(directory=seeds_copy)
    seeded_title = Role.objects.get(key="agent").title_el
    Role.objects.filter(key="agent").update(title_el="Τίτλος από τον επιμελητή")

    report = load_seeds(directory=seeds_copy, force=True)

    assert Role.objects.get(key="agent").title_el == seeded_title
    assert report.updated == ["role agent: title_el"]
    assert load_seeds(directory=seeds_copy).kept == []


def test_a_changed_seed_text_updates_what_no_editor_touched(seeds_copy):
    load_seeds(directory=seeds_copy)
    Role.objects.filter(key="manager").update(title_da="Chefens egen titel")

    def change(data):
        role_entry(data, "manager")["summary"]["da"] = "Ny opsummering."
        role_entry(data, "manager")["title"]["da"] = "Ny titel fra frøfilen"

    edit(seeds_copy, "roles.yaml", change)
    report = load_seeds(directory=seeds_copy)

    manager = Role.objects.get(key="manager")
    assert manager.summary_da == "Ny opsummering."
    assert manager.title_da == "Chefens egen titel"
    assert report.kept == ["role manager: title_da (changed in admin)"]


def test_an_object_an_editor_deleted_is_not_recreated_unless_forced(seeds_copy):
    load_seeds(directory=seeds_copy)
    duty = Duty.objects.filter(role__key="agent").first()
    duty.delete()

    report = load_seeds(directory=seeds_copy)

    assert not Duty.objects.filter(role__key="agent", key=duty.key).exists()
    assert f"duty agent/{duty.key} (deleted in admin, not recreated)" in report.kept
    load_seeds(directory=seeds_copy, force=True)
    assert Duty.objects.filter(role__key="agent", key=duty.key).exists()


def test_reordering_the_seed_reorders_without_collisions(seeds_copy):
    load_seeds(directory=seeds_copy)
    keys = list(Duty.objects.filter(role__key="agent").values_list("key", flat=True))

    edit(seeds_copy, "roles.yaml", lambda data: role_entry(data, "agent")["duties"].reverse())
    load_seeds(directory=seeds_copy)

    assert list(Duty.objects.filter(role__key="agent").values_list("key", flat=True)) == keys[::-1]
    assert list(Duty.objects.filter(role__key="agent").values_list("order", flat=True)) == list(
        range(1, len(keys) + 1)
    )


def test_a_new_duty_in_the_seed_is_added_in_its_place(seeds_copy):
    load_seeds(directory=seeds_copy)

    def change(data):
        role_entry(data, "agent")["duties"].insert(
            0, {"key": "new-duty", "text": {"nb": "Ny plikt."}, "origin": {"nb": "source"}}
        )

    edit(seeds_copy, "roles.yaml", change)
    load_seeds(directory=seeds_copy)

    first = Duty.objects.filter(role__key="agent").first()
    assert (first.key, first.order, first.text_nb) == ("new-duty", 1, "Ny plikt.")
    assert not first.text_el  # waits for a translator; readers get the fallback


def test_a_malformed_file_changes_nothing_and_names_the_place(seeds_copy):
    load_seeds(directory=seeds_copy)
    before = dump()
    edit(
        seeds_copy,
        "workplaces.yaml",
        lambda data: data["workplaces"][0]["name"].update(nb="Endret"),
    )
    roles = seeds_copy / "roles.yaml"
    lines = roles.read_text().splitlines()
    lines.insert(5, "    title: [unclosed")
    roles.write_text("\n".join(lines))

    with pytest.raises(SeedError) as error:
        load_seeds(directory=seeds_copy)

    assert str(error.value).startswith("seeds/roles.yaml:")
    assert "not valid YAML" in str(error.value)
    assert dump() == before


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: role_entry(d, "agent")["title"].pop("nb"),
            "'title' has no text in the default language (nb)",
        ),
        (
            lambda d: role_entry(d, "agent")["title"].update(xx="?"),
            "'title' has an unknown language 'xx'",
        ),
        (lambda d: role_entry(d, "agent")["workplaces"].append("moon"), "unknown workplace 'moon'"),
        (
            lambda d: role_entry(d, "agent").update(leads_to="agent"),
            "'leads_to' must be the key of another role",
        ),
        (lambda d: role_entry(d, "agent").update(isco08="42"), "'isco08' has the wrong format"),
        (
            lambda d: role_entry(d, "agent").update(key="cashier"),
            "'key' must be one of associate, agent, manager",
        ),
        (
            lambda d: role_entry(d, "agent")["origin"].update(el="google"),
            "'origin' in 'el' must be one of",
        ),
        (
            lambda d: role_entry(d, "agent")["duties"].append(role_entry(d, "agent")["duties"][0]),
            "is used twice",
        ),
    ],
)
def test_an_invalid_entry_is_refused_with_its_place(seeds_copy, change, message):
    edit(seeds_copy, "roles.yaml", change)

    with pytest.raises(SeedError) as error:
        load_seeds(directory=seeds_copy)

    assert message in str(error.value)
    assert str(error.value).split(":")[0] == "seeds/roles.yaml"
    assert str(error.value).split(":")[1].isdigit()


def test_a_duplicate_key_in_a_mapping_is_refused(seeds_copy):
    path = seeds_copy / "sources.yaml"
    path.write_text(
        path.read_text().replace("    language: nb\n", "    language: nb\n    language: da\n", 1)
    )

    with pytest.raises(
        SeedError, match=r"^seeds/sources.yaml:\d+:\d+: not valid YAML: duplicate key 'language'"
    ):
        load_seeds(directory=seeds_copy)


def test_the_command_reports_and_refuses(seeds_copy):
    out = io.StringIO()
    call_command("load_seeds", directory=seeds_copy, stdout=out)
    assert "Seeds loaded:" in out.getvalue()

    (seeds_copy / "scenarios.yaml").write_text("scenarios: {}\n")
    with pytest.raises(
        CommandError,
        match=r"Nothing was loaded\. seeds/scenarios.yaml:1: 'scenarios' must be a list",
    ):
        call_command("load_seeds", directory=seeds_copy, stdout=out)


def test_a_value_the_database_would_refuse_rolls_back_the_whole_load(seeds_copy):
    load_seeds(directory=seeds_copy)
    before = dump()
    # Workplaces are written before roles: their change must be undone too.
    edit(seeds_copy, "workplaces.yaml", lambda data: data["workplaces"][0]["name"].update(nb="Ny"))
    edit(
        seeds_copy,
        "roles.yaml",
        lambda data: role_entry(data, "manager")["title"].update(el="Τ" * 201),
    )

    with pytest.raises(SeedError) as error:
        load_seeds(directory=seeds_copy)

    assert str(error.value).startswith("seeds/roles.yaml:")
    assert "200" in str(error.value)  # the length limit, in the validator's words
    assert dump() == before


def test_a_role_deleted_in_admin_is_reported_not_recreated(seeds_copy):
    load_seeds(directory=seeds_copy)
    Role.objects.filter(key="manager").delete()

    report = load_seeds(directory=seeds_copy)

    assert not Role.objects.filter(key="manager").exists()
    assert "role manager (deleted in admin, not recreated)" in report.kept
    assert Role.objects.get(key="agent").leads_to is None


def test_what_was_taken_out_of_the_seed_files_stays_and_is_reported(seeds_copy):
    load_seeds(directory=seeds_copy)
    removed = role_entry(yaml.safe_load((seeds_copy / "roles.yaml").read_text()), "agent")[
        "duties"
    ][1]

    edit(seeds_copy, "roles.yaml", lambda data: role_entry(data, "agent")["duties"].pop(1))
    report = load_seeds(directory=seeds_copy)

    duties = list(Duty.objects.filter(role__key="agent").values_list("key", "order"))
    assert duties[-1] == (removed["key"], len(duties))  # kept, moved after the listed ones
    assert [order for _key, order in duties] == list(range(1, len(duties) + 1))
    assert report.removed == [f"duty agent/{removed['key']}"]
    assert report.kept == []
    again = load_seeds(directory=seeds_copy)
    assert (again.updated, again.kept, again.removed) == ([], [], report.removed)
