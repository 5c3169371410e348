"""The seed content: complete in every language, faithful to the articles, free of their errors."""

import re

import pytest
from django.conf import settings

from roles.completeness import text_fields
from roles.models import Duty, Origin, Quality, Role, RoleQuality, Scenario, Source, Workplace

pytestmark = pytest.mark.django_db

TRANSLATED = [Source, Workplace, Role, Duty, Quality, RoleQuality, Scenario]

# Errors of the machine-translated articles that must not reach the knowledge base.
KNOWN_ERRORS = [
    r"prosessavkastning",
    r"CustoMer",
    r"Clientele",
    r"Klientell",
    r"£",
    r"9,30",
    r"krigsførende",
    r"ansvaretregner",
    r"Bureau of Labor",
    r"verktøysselskap",
    r"hjemmeverktøy",
    r"kundeservice tilknyttet",
    r"Opholder Positive",
]


def all_texts():
    for model in TRANSLATED:
        for obj in model.objects.all():
            for field in text_fields(model):
                for code, _name in settings.LANGUAGES:
                    yield (
                        f"{model.__name__} {obj.pk} {field}_{code}",
                        getattr(obj, f"{field}_{code}"),
                    )


def test_every_text_is_written_in_every_language(seeded):
    missing = []
    for model in TRANSLATED:
        for code, _name in settings.LANGUAGES:
            missing += [f"{model.__name__} {obj}: {code}" for obj in model.objects.missing_in(code)]
    assert missing == []


def test_no_error_of_the_source_articles_is_carried_over(seeded):
    found = [
        (where, error)
        for where, text in all_texts()
        for error in KNOWN_ERRORS
        if text and re.search(error, text)
    ]
    assert found == []


def test_no_text_has_stray_markup_or_spacing(seeded):
    bad = [
        where
        for where, text in all_texts()
        if text and (text != text.strip() or "  " in text or re.search(r"\s[,.;:]", text))
    ]
    assert bad == []


def test_greek_texts_are_greek_and_scandinavian_texts_are_not(seeded):
    greek = re.compile(r"[\u0370-\u03ff\u1f00-\u1fff]")
    for where, text in all_texts():
        if not text or where.endswith("origin"):
            continue
        if where.endswith("_el"):
            assert greek.search(text), where
        else:
            assert not greek.search(text), where


def test_the_roles_form_a_career_ladder(seeded):
    roles = {role.key: role for role in Role.objects.select_related("leads_to")}
    assert roles["agent"].level == 1  # entry level (the agent article)
    assert roles["associate"].level < roles["manager"].level
    assert roles["agent"].leads_to == roles["manager"]
    assert roles["associate"].leads_to == roles["manager"]
    assert roles["manager"].leads_to is None


def test_occupation_codes_are_set_and_valid(seeded):
    for role in Role.objects.all():
        role.full_clean()
    assert dict(Role.objects.values_list("key", "isco08")) == {
        "associate": "4225",
        "agent": "4222",
        "manager": "1439",
    }


def test_every_role_has_duties_qualities_scenarios_and_workplaces(seeded):
    for role in Role.objects.all():
        assert role.published
        assert role.duties.count() >= 6, role.key
        assert role.qualities.count() >= 4, role.key
        assert role.scenarios.count() >= 3, role.key
        assert role.workplaces.count() >= 4, role.key
        assert role.sources.exists(), role.key


def test_the_qualities_the_articles_name_are_there(seeded):
    assert {
        "patience",
        "listening",
        "making-customers-feel-important",
        "willingness-to-learn",
        "staying-positive",
        "problem-solving",
    } <= set(Quality.objects.values_list("slug", flat=True))


def test_the_scenarios_the_articles_describe_are_there(seeded):
    scenarios = dict(Scenario.objects.values_list("slug", "role_scenarios__role__key"))
    assert scenarios["faulty-device"] == "agent"
    assert scenarios["wrong-price"] == "associate"
    assert {"return-for-refund", "hotel-room-change"} <= set(scenarios)
    for scenario in Scenario.objects.all():
        assert len(scenario.step_list) >= 3, scenario.slug


def test_origins_say_which_texts_come_from_an_article_in_their_language(seeded):
    sources = {source.key: source for source in Source.objects.all()}
    assert {s.language for s in sources.values()} == {"nb", "el", "da"}
    for model in (Workplace, Role, Duty, Quality, Scenario):
        for obj in model.objects.prefetch_related("sources"):
            languages = {source.language for source in obj.sources.all()}
            for code, _name in settings.LANGUAGES:
                if getattr(obj, f"origin_{code}") == Origin.SOURCE:
                    assert code in languages, f"{model.__name__} {obj}: {code} has no article"
    # Nothing is marked reviewed before a reviewer has read it.
    for model in TRANSLATED:
        for code, _name in settings.LANGUAGES:
            assert not model.objects.filter(**{f"origin_{code}": Origin.REVIEWED}).exists()


def test_the_articles_are_kept_as_received(seeded):
    for source in Source.objects.all():
        text = (settings.SEEDS_DIR / source.file).read_text(encoding="utf-8")
        assert text.splitlines()[0].strip() == source.original_title
