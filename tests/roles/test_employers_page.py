"""A role's page for employers, /<language>/roles/<key>/for-employers/: the job-posting kit in
four steps, linked from the role page, where the kit used to be."""

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from roles.models import Role, RoleVersion

pytestmark = pytest.mark.django_db

LANGUAGES = [code for code, _name in settings.LANGUAGES]
STEPS = ["step-link", "step-embed", "step-job-posting", "step-qr-code"]


def steps(page: str) -> list[str]:
    return re.findall(r'<li class="step" id="([^"]+)">', page)


@pytest.mark.parametrize("code", LANGUAGES)
def test_it_shows_the_kit_in_four_steps_in_each_language(client, seeded, code):
    agent = Role.objects.get(key="agent")
    response = client.get(f"/{code}/roles/agent/for-employers/")

    assert response.status_code == 200
    page = response.text
    assert f'<html lang="{code}">' in page
    assert steps(page) == STEPS
    assert '<ol class="steps">' in page
    title = getattr(agent, f"title_{code}")
    assert re.search(rf"<title>[^<]*{re.escape(title)}[^<]*</title>", page)
    assert re.search(rf'<meta name="description" content="[^"]*{re.escape(title)}', page)
    # Each step has what it names: links, the card's code, the JobPosting and the QR code.
    assert 'id="permalink" type="text" readonly value="http://testserver/roles/agent/"' in page
    assert 'id="kit-pinned" type="text" readonly value="http://testserver/roles/agent/v/1/"' in page
    assert f"http://testserver/embed/roles/agent/?lang={code}" in page
    assert '<textarea id="embed-code-pinned"' in page
    assert '<textarea id="job-posting"' in page
    assert "<svg " in page and 'href="/roles/agent/qr.svg"' in page


@pytest.mark.parametrize("code", LANGUAGES)
def test_it_has_a_canonical_address_and_one_in_every_language(client, seeded, code):
    page = client.get(f"/{code}/roles/agent/for-employers/", {"kit": "el"}).text

    canonical = f"http://testserver/{code}/roles/agent/for-employers/"
    assert f'<link rel="canonical" href="{canonical}">' in page  # without ?kit=
    for other in LANGUAGES:
        assert (
            f'<link rel="alternate" hreflang="{other}" '
            f'href="http://testserver/{other}/roles/agent/for-employers/">'
        ) in page
    assert 'hreflang="x-default" href="http://testserver/roles/agent/for-employers/"' in page
    assert 'name="robots"' not in page  # indexed: HR staff search for it


def test_its_name_reverses_in_the_pages_language(seeded):
    with override("el"):
        assert reverse("roles:role-employers", args=["agent"]) == "/el/roles/agent/for-employers/"


def test_each_link_says_whether_it_follows_edits_or_is_pinned(client, seeded):
    page = client.get("/nb/roles/agent/for-employers/").text
    # Two links follow the role as it changes, two are pinned to version 1; so are the two cards.
    assert page.count('<div class="choice">') == 3
    assert page.count('<div class="choice choice--pinned">') == 3


def test_a_role_with_no_version_in_force_has_no_pinned_choice(editor_client, seeded):
    RoleVersion.objects.filter(role_key="associate").update(withdrawn_at=timezone.now())
    page = editor_client.get("/nb/roles/associate/for-employers/").text
    assert steps(page) == STEPS
    assert "choice--pinned" not in page
    assert "embed-code-pinned" not in page


def test_it_says_that_only_https_pages_may_frame_the_card(client, seeded):
    page = client.get("/da/roles/agent/for-employers/").text
    assert "https://" in page[page.index('id="step-embed"') : page.index('id="step-job-posting"')]


def test_it_names_the_sites_that_may_frame_the_card_when_they_are_listed(client, seeded, settings):
    settings.EMBED_FRAME_ANCESTORS = ["https://jobs.example.com", "https://intranet.example.org"]
    page = client.get("/da/roles/agent/for-employers/").text
    embed = page[page.index('id="step-embed"') : page.index('id="step-job-posting"')]
    assert (
        "<code>https://jobs.example.com</code>, <code>https://intranet.example.org</code>" in embed
    )


def test_the_role_page_links_to_it_in_one_line_and_has_no_kit(client, seeded):
    page = client.get("/nb/roles/agent/").text

    line = re.search(r'<p id="share" class="share share--line">.*?</p>', page, re.S)
    assert line and 'href="/nb/roles/agent/for-employers/"' in line[0]
    for kit in ("kit-language", "job-posting", "embed-code", "kit-pinned", "qr.svg", "<svg "):
        assert kit not in page, kit


@pytest.mark.parametrize("method", ["get", "head"])
def test_the_kit_on_a_role_page_redirects_to_the_page_for_employers(client, seeded, method):
    response = getattr(client, method)("/da/roles/agent/", {"kit": "el"})
    assert response.status_code == 302
    assert response["Location"] == "/da/roles/agent/for-employers/?kit=el"


def test_an_odd_kit_choice_is_passed_on_encoded_and_answered_in_the_pages_language(client, seeded):
    response = client.get("/nb/roles/agent/", {"kit": "<script>"}, follow=True)
    assert response.redirect_chain == [("/nb/roles/agent/for-employers/?kit=%3Cscript%3E", 302)]
    assert '<option value="nb" lang="nb" selected>' in response.text
    assert "<script>" not in response.text[response.text.index("<main") :]


def test_the_role_page_itself_is_not_redirected(client, seeded):
    assert client.get("/nb/roles/agent/").status_code == 200
    assert client.get("/nb/roles/agent/", {"utm_source": "board"}).status_code == 200


def test_an_unknown_role_is_a_404(client, seeded):
    assert client.get("/nb/roles/no-such-role/for-employers/").status_code == 404
    assert client.get("/nb/roles/no-such-role/", {"kit": "da"}, follow=True).status_code == 404


def test_a_draft_is_a_404_for_readers_and_a_preview_for_editors(editor_client, seeded):
    Role.objects.filter(key="associate").update(published=False)
    reader = Client()
    assert reader.get("/nb/roles/associate/for-employers/").status_code == 404

    response = editor_client.get("/nb/roles/associate/for-employers/")
    assert response.status_code == 200
    assert steps(response.text) == STEPS
    assert 'class="banner" role="note"' in response.text  # the draft banner
    assert reader.get("/nb/roles/associate/for-employers/").status_code == 404  # nor kept


def test_the_wrong_method_is_refused(client, seeded):
    assert client.post("/nb/roles/agent/for-employers/").status_code == 405


def test_readers_get_it_from_the_page_cache(client, seeded):
    assert client.get("/el/roles/agent/for-employers/")["X-Cache"] == "miss"
    assert client.get("/el/roles/agent/for-employers/")["X-Cache"] == "hit"


def test_the_sitemap_lists_it_for_each_published_role_in_every_language(client, seeded):
    Role.objects.filter(key="manager").update(published=False)
    sitemap = client.get("/sitemap.xml").content.decode()
    for code, _name in settings.LANGUAGES:
        assert f"/{code}/roles/agent/for-employers/</loc>" in sitemap
        assert f"/{code}/roles/manager/for-employers/" not in sitemap
