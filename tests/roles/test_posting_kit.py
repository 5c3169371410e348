"""The job-posting kit on each role's page for employers: links, the card and a schema.org
JobPosting in the language the posting is written in, chosen with a GET form that works without
JavaScript."""

import html
import json
import re

import pytest
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext, override

from roles.models import Duty, Role, RoleVersion
from roles.sharing.posting_kit import to_script_text
from roles.versions import publishing
from tests.helpers import form_data

pytestmark = pytest.mark.django_db

LANGUAGES = [code for code, _name in settings.LANGUAGES]


def panel(page: str) -> str:
    return page[page.index('<article class="employers">') :]


def snippet(page: str) -> str:
    """The text of the JobPosting textarea, as a browser shows it (and copies it)."""
    found = re.search(r'<textarea id="job-posting"[^>]*>(.*?)</textarea>', page, re.S)
    assert found, "no JobPosting textarea"
    return html.unescape(found.group(1))


def posting(page: str) -> dict:
    return json.loads(snippet(page))


def markers(language: str) -> tuple[str, str]:
    """How placeholders begin in `language`: required, and optional ones."""
    with override(language):
        return (
            gettext("[[FILL IN: %(what)s]]").split("%(what)s")[0],
            gettext("[[FILL IN OR DELETE: %(what)s]]").split("%(what)s")[0],
        )


def test_the_snippet_is_a_job_posting_for_the_roles_occupation(client, seeded):
    agent = Role.objects.get(key="agent")
    data = posting(client.get("/nb/roles/agent/for-employers/").content.decode())

    assert data["@context"] == "https://schema.org" and data["@type"] == "JobPosting"
    occupation = data["relevantOccupation"]
    assert occupation["@type"] == "Occupation" and "@context" not in occupation
    assert occupation["name"] == data["title"] == agent.title_nb
    assert occupation["url"] == "http://testserver/nb/roles/agent/v/1/"  # pinned, see below
    assert len(occupation["responsibilities"]) == agent.duties.count()
    codes = {code["inCodeSet"]["name"]: code for code in occupation["occupationalCategory"]}
    assert codes["ISCO-08"]["codeValue"] == "4222"
    assert codes["ESCO occupations"]["@id"] == agent.esco_uri
    assert codes["ESCO occupations"]["codeValue"] == agent.esco_uri
    assert codes["O*NET-SOC"]["codeValue"] == "43-4051.00"
    assert all(code["@type"] == "CategoryCode" for code in codes.values())
    assert all(code["inCodeSet"]["url"].startswith("http") for code in codes.values())


def test_a_role_without_an_onet_code_has_none_in_its_posting(client, seeded):
    data = posting(client.get("/nb/roles/manager/for-employers/").content.decode())
    names = {
        code["inCodeSet"]["name"] for code in data["relevantOccupation"]["occupationalCategory"]
    }
    assert names == {"ISCO-08", "ESCO occupations"}


def test_what_the_knowledge_base_knows_is_filled_and_the_rest_is_marked_for_hr(client, seeded):
    agent = Role.objects.get(key="agent")
    data = posting(client.get("/da/roles/agent/for-employers/").content.decode())
    required, optional = markers("da")

    # Search engines require these; the knowledge base fills what it knows.
    assert data["title"] == agent.title_da
    assert agent.summary_da in data["description"]
    for duty in agent.duties.all():
        assert html.escape(duty.text_da) in data["description"]
    # The link to the role is to its current published version, pinned (see below).
    assert 'href="http://testserver/da/roles/agent/v/1/"' in data["description"]
    # ...and only the employer knows these: marked, in the posting's language.
    assert data["datePosted"].startswith(required)
    assert data["hiringOrganization"]["name"].startswith(required)
    address = data["jobLocation"]["address"]
    for part in ("streetAddress", "postalCode", "addressLocality", "addressCountry"):
        assert address[part].startswith(required), part
    assert required in data["description"]  # a paragraph about this particular job
    # Recommended, not required: HR may fill them in or delete them.
    assert data["validThrough"].startswith(optional)
    assert data["employmentType"].startswith(optional)
    assert data["baseSalary"]["currency"].startswith(optional)
    assert data["identifier"]["value"].startswith(optional)
    assert data["directApply"].startswith(optional)
    assert data["jobLocationType"].startswith(optional)
    assert data["applicantLocationRequirements"]["name"].startswith(optional)


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_kit_is_in_the_pages_language_by_default(client, seeded, code):
    agent = Role.objects.get(key="agent")
    page = client.get(f"/{code}/roles/agent/for-employers/").content.decode()
    kit = panel(page)

    assert posting(page)["title"] == getattr(agent, f"title_{code}")
    assert f'<option value="{code}" lang="{code}" selected>' in kit
    assert f'value="http://testserver/{code}/roles/agent/"' in kit
    assert 'value="http://testserver/roles/agent/"' in kit  # the language-neutral link
    for section in ("duties", "qualities", "scenarios"):
        assert f'href="http://testserver/{code}/roles/agent/#{section}"' in kit
        assert f'href="http://testserver/roles/agent/#{section}"' in kit
    assert f'lang="{code}">{{' in kit  # the textarea says which language its text is in


def test_the_markers_are_translated_in_every_language(languages):
    # A posting in Greek must not ask Greek HR staff to replace English words.
    assert len({markers(code) for code in languages}) == len(languages)


def test_the_kit_language_is_chosen_with_a_form_that_works_without_javascript(client, seeded):
    agent = Role.objects.get(key="agent")
    page = client.get("/nb/roles/agent/for-employers/").content.decode()
    assert '<form method="get" class="kit-language"' in page  # the same page, with ?kit=
    data = form_data(page, "kit-language-form")
    assert data == {"kit": ["nb"]}

    data["kit"] = ["el"]
    page = client.get("/nb/roles/agent/for-employers/", data).content.decode()

    assert '<html lang="nb">' in page  # the page itself stays in its language
    kit = panel(page)
    assert '<option value="el" lang="el" selected>' in kit
    assert 'value="http://testserver/el/roles/agent/"' in kit
    assert 'href="http://testserver/el/roles/agent/#duties"' in kit
    assert "/embed/roles/agent/?lang=el" in kit  # the card follows the posting's language
    data = posting(page)
    assert data["title"] == agent.title_el
    assert data["relevantOccupation"]["mainEntityOfPage"]["inLanguage"] == "el"
    assert data["relevantOccupation"]["url"] == "http://testserver/el/roles/agent/v/1/"
    assert data["datePosted"].startswith(markers("el")[0])


@pytest.mark.parametrize("asked", ["fr", "EL", "el-gr", "x" * 300, "da\x00", "<script>"])
def test_an_unknown_kit_language_falls_back_to_the_pages_language(client, seeded, asked):
    response = client.get("/da/roles/agent/for-employers/", {"kit": asked})

    assert response.status_code == 200
    page = response.content.decode()
    assert posting(page)["title"] == Role.objects.get(key="agent").title_da
    assert '<option value="da" lang="da" selected>' in page
    assert 'class="banner" role="note"' in panel(page)
    assert "<script>" not in panel(page)


def test_an_empty_choice_is_the_default_without_a_word(client, seeded):
    page = client.get("/da/roles/agent/for-employers/", {"kit": ""}).content.decode()
    assert 'class="banner"' not in panel(page)
    assert '<option value="da" lang="da" selected>' in page


def test_the_wrong_method_is_refused(client, seeded):
    assert client.post("/nb/roles/agent/for-employers/", {"kit": "el"}).status_code == 405


def test_each_kit_language_is_kept_apart_by_the_page_cache(client, seeded):
    agent = Role.objects.get(key="agent")
    assert client.get("/nb/roles/agent/for-employers/?kit=el")["X-Cache"] == "miss"
    danish = client.get("/nb/roles/agent/for-employers/?kit=da")
    assert danish["X-Cache"] == "miss"
    assert posting(danish.content.decode())["title"] == agent.title_da
    greek = client.get("/nb/roles/agent/for-employers/?kit=el")
    assert greek["X-Cache"] == "hit"
    assert posting(greek.content.decode())["title"] == agent.title_el
    assert (
        posting(client.get("/nb/roles/agent/for-employers/").content.decode())["title"]
        == agent.title_nb
    )


def test_editors_get_each_kit_in_its_language_from_kept_parts(
    editor_client, seeded, django_assert_max_num_queries
):
    agent = Role.objects.get(key="agent")
    editor_client.get("/nb/roles/agent/for-employers/?kit=el")  # keeps the Greek posting
    editor_client.get("/nb/roles/agent/for-employers/?kit=da")
    with django_assert_max_num_queries(4):  # session, user, version, role
        greek = editor_client.get("/nb/roles/agent/for-employers/?kit=el").content.decode()
    assert posting(greek)["title"] == agent.title_el
    with django_assert_max_num_queries(4):
        danish = editor_client.get("/nb/roles/agent/for-employers/?kit=da").content.decode()
    assert posting(danish)["title"] == agent.title_da
    duty = Duty.objects.filter(role=agent).first()
    duty.text_el = "Νέο καθήκον"
    duty.save()
    publishing.publish(agent)

    greek = posting(editor_client.get("/nb/roles/agent/for-employers/?kit=el").content.decode())
    assert "Νέο καθήκον" in greek["relevantOccupation"]["responsibilities"]


@pytest.mark.parametrize("code", LANGUAGES)
def test_a_kit_in_another_language_keeps_to_the_query_budget(
    client, seeded, code, django_assert_max_num_queries
):
    client.get("/nb/roles/agent/for-employers/")  # the nb posting is kept; this kit is not
    with django_assert_max_num_queries(10):
        assert client.get("/nb/roles/agent/for-employers/", {"kit": code}).status_code == 200


def test_a_kit_in_another_language_reads_only_what_its_posting_needs(
    client, seeded, django_assert_num_queries
):
    client.get("/nb/roles/agent/for-employers/")  # the nb posting is kept; this kit is not
    # The content version, the role, its current version and that version's texts.
    with django_assert_num_queries(4):
        assert client.get("/nb/roles/agent/for-employers/", {"kit": "el"}).status_code == 200


def test_a_text_missing_in_the_kits_language_is_pointed_out(client, seeded):
    Role.objects.filter(key="agent").update(summary_el="")
    publishing.publish(Role.objects.get(key="agent"))
    page = client.get("/nb/roles/agent/for-employers/?kit=el").content.decode()
    assert 'class="banner" role="note"' in panel(page)
    assert posting(page)["description"].startswith("<p>" + Role.objects.get(key="agent").summary_nb)
    assert 'class="banner"' not in panel(
        client.get("/nb/roles/agent/for-employers/?kit=da").content.decode()
    )


def test_no_text_can_end_the_script_element_the_snippet_is_pasted_into(client, seeded):
    title = "</script><!--<script>alert(1)</SCRIPT>"
    Role.objects.filter(key="agent").update(title_nb=title)
    publishing.publish(Role.objects.get(key="agent"))
    raw = snippet(client.get("/nb/roles/agent/for-employers/").content.decode())

    assert "</" not in raw and "<!--" not in raw
    assert json.loads(raw)["title"] == title


def test_script_text_is_the_same_json():
    data = {"a": "</p><!-- x -->", "b": ["<\\/", "<!"]}
    assert json.loads(to_script_text(data)) == data


def test_the_kit_pins_the_current_version_and_the_posting_links_to_it(client, seeded):
    page = client.get("/da/roles/agent/for-employers/?kit=el").text
    kit = panel(page)
    assert 'value="http://testserver/roles/agent/v/1/"' in kit  # language-neutral, pinned
    assert 'value="http://testserver/el/roles/agent/v/1/"' in kit  # pinned, in the kit's language
    assert "Fast link: version 1, udgivet" in kit
    description = posting(page)["description"]
    assert 'href="http://testserver/el/roles/agent/v/1/"' in description

    role = Role.objects.get(key="agent")
    role.summary_el = "Νέα περίληψη του ρόλου."
    role.save()
    publishing.publish(role)

    kit = panel(client.get("/da/roles/agent/for-employers/?kit=el").text)
    assert 'value="http://testserver/roles/agent/v/2/"' in kit
    assert "/v/1/" not in kit


def test_a_role_never_published_has_no_pinned_link(editor_client, seeded):
    from roles.models import RoleVersion

    Role.objects.filter(key="agent").update(published=False)
    RoleVersion.objects.filter(role_key="agent").update(
        withdrawn_at="2026-12-01T00:00:00Z", withdrawal_reason="test"
    )
    page = editor_client.get("/nb/roles/agent/for-employers/").text
    assert "kit-pinned" not in panel(page)
    assert 'href="http://testserver/nb/roles/agent/"' in posting(page)["description"]


def test_the_posting_describes_the_pinned_version_not_later_edits(client, seeded):
    """The posting links to the pinned version: it says what that page says, not the edits made
    since (which are on the role's page until a new version is published)."""
    agent = Role.objects.get(key="agent")
    published_title = agent.title_el
    agent.title_el = "Εκπρόσωπος (δεν έχει δημοσιευτεί ακόμη)"
    agent.save()
    Duty.objects.create(
        role=agent, key="new-duty", order=900, text_nb="Ny oppgave.", text_el="Ένα νέο καθήκον."
    )

    data = posting(client.get("/nb/roles/agent/for-employers/?kit=el").text)
    assert data["title"] == published_title
    assert "Ένα νέο καθήκον." not in data["relevantOccupation"]["responsibilities"]
    assert data["relevantOccupation"]["url"] == "http://testserver/el/roles/agent/v/1/"

    publishing.publish(agent)
    data = posting(client.get("/nb/roles/agent/for-employers/?kit=el").text)
    assert data["title"] == "Εκπρόσωπος (δεν έχει δημοσιευτεί ακόμη)"
    assert "Ένα νέο καθήκον." in data["relevantOccupation"]["responsibilities"]
    assert data["relevantOccupation"]["url"] == "http://testserver/el/roles/agent/v/2/"

    # Withdrawn, version 2 gives way to version 1 again: its text, its link.
    publishing.withdraw(RoleVersion.objects.of("agent").get(number=2), user=None, reason="Early.")
    data = posting(client.get("/nb/roles/agent/for-employers/?kit=el").text)
    assert data["title"] == published_title
    assert "Ένα νέο καθήκον." not in data["relevantOccupation"]["responsibilities"]
    assert data["relevantOccupation"]["url"] == "http://testserver/el/roles/agent/v/1/"


def test_a_role_with_no_version_in_force_is_described_as_its_page_is(editor_client, seeded):
    associate = Role.objects.get(key="associate")
    RoleVersion.objects.filter(role_key="associate").update(withdrawn_at=timezone.now())
    data = posting(editor_client.get("/da/roles/associate/for-employers/").text)
    assert data["title"] == associate.title_da
    assert data["relevantOccupation"]["url"] == "http://testserver/da/roles/associate/"
    assert len(data["relevantOccupation"]["responsibilities"]) == associate.duties.count()


def test_a_role_with_no_version_in_force_is_described_in_the_kits_language(editor_client, seeded):
    associate = Role.objects.get(key="associate")
    RoleVersion.objects.filter(role_key="associate").update(withdrawn_at=timezone.now())
    data = posting(editor_client.get("/da/roles/associate/for-employers/?kit=el").text)
    assert data["title"] == associate.title_el
    assert data["relevantOccupation"]["url"] == "http://testserver/el/roles/associate/"
