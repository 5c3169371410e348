"""Occupation codes on roles (ISCO-08, ESCO, O*NET-SOC) and ESCO skills on qualities: validated in
admin and by the seed loader, shown with links on the pages, in the API and the JSON-LD."""

import json

import pytest
import yaml
from django.conf import settings
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext, override

from roles.models import Quality, Role
from roles.occupation_codes import (
    esco_occupation_validator,
    esco_skill_validator,
    isco08_validator,
    onet_soc_validator,
)
from roles.seeds.files import SeedError
from roles.seeds.loading import load_seeds
from tests.api.test_api import get
from tests.helpers import form_data
from tests.roles.test_public_site import head

pytestmark = pytest.mark.django_db

ESCO_SKILL = "http://data.europa.eu/esco/skill/adc6dc11-3376-467b-96c5-9b0a21edc869"


def change_form(client, obj):
    url = reverse(f"admin:roles_{obj._meta.model_name}_change", args=[obj.pk])
    return url, form_data(client.get(url).content.decode(), f"{obj._meta.model_name}_form")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("isco08", "42x"),
        ("isco08", "42221"),
        ("esco_uri", "https://esco.ec.europa.eu/en/classification/occupation"),
        ("esco_uri", ESCO_SKILL),  # a skill is not an occupation
        ("onet_soc", "43-4051"),
        ("onet_soc", "434051.00"),
        ("onet_soc", "43-4051.0a"),
    ],
)
def test_an_invalid_role_code_is_refused_in_admin_with_a_message(
    editor_client, seeded, field, value
):
    agent = Role.objects.get(key="agent")
    url, data = change_form(editor_client, agent)
    data[field] = [value]

    response = editor_client.post(url, data)

    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert getattr(Role.objects.get(pk=agent.pk), field) == getattr(agent, field)


def test_the_messages_say_what_a_code_looks_like(editor_client, seeded):
    url, data = change_form(editor_client, Role.objects.get(key="agent"))
    data.update(isco08=["42x"], esco_uri=[ESCO_SKILL], onet_soc=["43"])

    page = editor_client.post(url, data).content.decode()

    for validator in (isco08_validator, esco_occupation_validator, onet_soc_validator):
        with override(settings.LANGUAGE_CODE):  # the admin's language: no cookie, no header
            assert escape(str(validator.message)) in page


def test_valid_role_codes_are_saved_in_admin(editor_client, seeded):
    manager = Role.objects.get(key="manager")
    url, data = change_form(editor_client, manager)
    data["onet_soc"] = ["11-9199.00"]
    data["isco08"] = ["1439"]

    response = editor_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Role.objects.get(pk=manager.pk).onet_soc == "11-9199.00"


@pytest.mark.parametrize(
    "value",
    [
        "http://data.europa.eu/esco/occupation/b7b75eb6-34bc-462d-b412-eed393cc1397",
        "https://data.europa.eu/esco/skill/adc6dc11-3376-467b-96c5-9b0a21edc869",
        "http://data.europa.eu/esco/skill/solve-problems",
    ],
)
def test_an_invalid_esco_skill_is_refused_in_admin(editor_client, seeded, value):
    quality = Quality.objects.get(slug="staying-positive")
    url, data = change_form(editor_client, quality)
    data["esco_skill_uri"] = [value]

    response = editor_client.post(url, data)

    assert response.status_code == 200
    assert "esco_skill_uri" in response.context["adminform"].form.errors
    with override(settings.LANGUAGE_CODE):
        assert escape(str(esco_skill_validator.message)) in response.content.decode()
    assert Quality.objects.get(pk=quality.pk).esco_skill_uri == ""


def test_a_valid_esco_skill_is_saved_in_admin(editor_client, seeded):
    quality = Quality.objects.get(slug="staying-positive")
    url, data = change_form(editor_client, quality)
    data["esco_skill_uri"] = [ESCO_SKILL]

    response = editor_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Quality.objects.get(pk=quality.pk).esco_skill_uri == ESCO_SKILL


@pytest.mark.parametrize("lang", ["nb", "el", "da"])
def test_the_role_page_shows_the_codes_with_links_at_a_glance(client, seeded, lang):
    agent = Role.objects.get(key="agent")
    page = client.get(f"/{lang}/roles/agent/").content.decode()
    glance = page[page.index('<section id="at-a-glance"') :]
    glance = glance[: glance.index("</section>")]
    codes = glance[glance.index('<div id="occupation-codes">') :]

    assert '<a href="http://data.europa.eu/esco/isco/C4222">ISCO-08 4222</a>' in codes
    with override(lang):
        assert f'<a href="{agent.esco_uri}">{gettext("ESCO occupation")}</a>' in codes
    assert (
        '<a href="https://www.onetonline.org/link/summary/43-4051.00">O*NET-SOC 43-4051.00</a>'
        in codes
    )


def test_a_code_not_set_is_not_shown(client, seeded):
    page = client.get("/nb/roles/manager/").content.decode()
    assert "C1439" in page and "onetonline" not in page
    Role.objects.filter(key="manager").update(isco08="", esco_uri="")
    page = client.get("/nb/roles/manager/").content.decode()
    assert 'id="occupation-codes"' not in page and 'href="#occupation-codes"' not in page


def test_the_quality_page_links_its_esco_skill(client, seeded):
    patience = Quality.objects.get(slug="patience")
    page = client.get("/el/qualities/patience/").content.decode()
    assert f'<a href="{patience.esco_skill_uri}">' in page
    assert 'id="esco-skill"' not in client.get("/el/qualities/staying-positive/").content.decode()


def test_the_api_gives_the_codes(client, seeded):
    agent = get(client, "/api/v1/roles/agent/").json()
    assert (agent["isco08"], agent["onet_soc"]) == ("4222", "43-4051.00")
    assert agent["esco_uri"] == Role.objects.get(key="agent").esco_uri
    assert get(client, "/api/v1/roles/manager/").json()["onet_soc"] is None
    patience = get(client, "/api/v1/qualities/patience/?lang=da").json()
    assert patience["esco_skill_uri"] == Quality.objects.get(slug="patience").esco_skill_uri
    assert get(client, "/api/v1/qualities/staying-positive/").json()["esco_skill_uri"] is None


def test_the_json_ld_gives_every_code_as_a_category_code(client, seeded):
    (raw,) = head(client, "/da/roles/associate/").json_ld
    codes = {code["inCodeSet"]["name"]: code for code in json.loads(raw)["occupationalCategory"]}

    esco_uri = Role.objects.get(key="associate").esco_uri
    assert codes["ISCO-08"] == {
        "@type": "CategoryCode",
        "codeValue": "4225",
        "url": "http://data.europa.eu/esco/isco/C4225",
        "inCodeSet": {
            "@type": "CategoryCodeSet",
            "name": "ISCO-08",
            "url": "http://data.europa.eu/esco/concept-scheme/isco",
        },
    }
    assert codes["ESCO occupations"] == {
        "@type": "CategoryCode",
        "@id": esco_uri,
        "codeValue": esco_uri,  # ESCO's code is its URI
        "url": esco_uri,
        "inCodeSet": {
            "@type": "CategoryCodeSet",
            "name": "ESCO occupations",
            "url": "http://data.europa.eu/esco/concept-scheme/occupations",
        },
    }
    assert codes["O*NET-SOC"] == {
        "@type": "CategoryCode",
        "codeValue": "43-4051.00",
        "url": "https://www.onetonline.org/link/summary/43-4051.00",
        "inCodeSet": {
            "@type": "CategoryCodeSet",
            "name": "O*NET-SOC",
            "url": "https://www.onetcenter.org/taxonomy.html",
        },
    }
    (raw,) = head(client, "/da/roles/manager/").json_ld
    names = {code["inCodeSet"]["name"] for code in json.loads(raw)["occupationalCategory"]}
    assert names == {"ISCO-08", "ESCO occupations"}


def test_the_seeds_set_onet_for_the_front_line_roles_only(seeded):
    assert dict(Role.objects.values_list("key", "onet_soc")) == {
        "associate": "43-4051.00",
        "agent": "43-4051.00",
        "manager": "",
    }
    linked = set(Quality.objects.exclude(esco_skill_uri="").values_list("slug", flat=True))
    assert {"patience", "listening", "willingness-to-learn", "problem-solving"} <= linked
    for quality in Quality.objects.all():
        quality.full_clean()


@pytest.mark.parametrize(
    ("name", "kind", "key", "field", "value"),
    [
        ("roles.yaml", "roles", "agent", "onet_soc", "43-4051"),
        ("qualities.yaml", "qualities", "patience", "esco_skill", "http://example.com/skill/1"),
    ],
)
def test_the_seed_loader_refuses_a_code_of_the_wrong_format(
    seeds_copy, name, kind, key, field, value
):
    path = seeds_copy / name
    data = yaml.safe_load(path.read_text())
    entry = next(e for e in data[kind] if key in (e.get("key"), e.get("slug")))
    entry[field] = value
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))

    with pytest.raises(SeedError, match=f"'{field}' has the wrong format"):
        load_seeds(directory=seeds_copy)


@pytest.mark.parametrize("value", ["４２２２", "٤٢٢٢"])
def test_only_ascii_digits_make_an_isco_code(value):
    from django.core.exceptions import ValidationError

    from roles.occupation_codes import isco08_validator, onet_soc_validator

    with pytest.raises(ValidationError):
        isco08_validator(value)
    with pytest.raises(ValidationError):
        onet_soc_validator("४३-४०५१.००")
