"""The site with Swedish added in settings (tests.fourth_language.settings) and nothing else: no
Swedish text, no catalogue, no conventions file. Every part of the product takes it in."""

import json
import re
import xml.etree.ElementTree as ET
from io import StringIO
from unittest import mock

import polib
import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import OperationalError, connection
from django.test import Client
from django.utils import translation

from kb.search import index
from kb.search.models import SearchEntry
from kb.warmup import warm_up
from roles import collation
from roles.editorial import groups
from roles.editorial.translation_files import export_po, import_file
from roles.editorial.translation_status import MISSING, UNREVIEWED, dashboard, status_of
from roles.languages import conventions_file, language_name, native_name
from roles.models import Role
from roles.seeds.loading import load_seeds
from tests.helpers import form_data, member

pytestmark = pytest.mark.django_db

NEW = "sv"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"


def test_the_settings_add_swedish_last():
    assert [code for code, _name in settings.LANGUAGES] == ["nb", "el", "da", NEW]


@pytest.mark.parametrize(
    "path", ["/sv/", "/sv/roles/agent/", "/sv/scenarios/", "/sv/about/", "/sv/compare/"]
)
def test_its_pages_answer_with_its_prefix_in_it(client, seeded, path):
    response = client.get(path)
    assert response.status_code == 200
    content = response.content.decode()
    assert '<html lang="sv"' in content
    assert response["Content-Language"] == NEW


def test_every_page_links_its_swedish_alternate_and_the_switcher_lists_it(client, seeded):
    for path in ("/nb/roles/agent/", "/sv/roles/agent/"):
        content = client.get(path).content.decode()
        assert '<link rel="alternate" hreflang="sv" href="http://testserver/sv/roles/agent/">' in (
            content
        )
        # The switcher names it as its readers write it (Django's "svenska": no conventions file).
        assert native_name(NEW) == "svenska"
        assert re.search(r'hreflang="sv" lang="sv"[^>]*>svenska</a>|lang="sv">svenska<', content)
    assert '<meta property="og:locale" content="sv_SE">' in client.get("/sv/").content.decode()
    assert '<meta property="og:locale:alternate" content="sv_SE">' in (
        client.get("/nb/").content.decode()
    )


def test_the_sitemap_lists_the_swedish_pages_with_their_alternates(client, seeded):
    root = ET.fromstring(client.get("/sitemap.xml").content)
    urls = [url.findtext(f"{SITEMAP}loc") for url in root.iter(f"{SITEMAP}url")]
    assert "http://testserver/sv/roles/agent/" in urls
    for url in root.iter(f"{SITEMAP}url"):
        alternates = {link.get("hreflang") for link in url.iter(f"{XHTML}link")}
        assert {"nb", "el", "da", NEW, "x-default"} <= alternates


def test_a_swedish_page_shows_the_fallback_text_and_names_its_language(client, seeded):
    agent = Role.objects.get(key="agent")
    content = client.get("/sv/roles/agent/").content.decode()
    # The chain of tests.fourth_language.settings: Danish, then Norwegian.
    assert f'<h1><span lang="da" class="fallback">{agent.title_da}</span>' in content
    with translation.override(NEW):
        note = translation.gettext("Not yet translated: shown in %(language)s.") % {
            "language": str(dict(settings.LANGUAGES)["da"])
        }
    assert note in content
    # A Danish page, where Danish has no text, shows the Swedish one and says so (da → sv, nb).
    agent.summary_da, agent.summary_sv = "", "Hjälper kunderna i telefon och chatt."
    agent.save()
    content = client.get("/da/roles/agent/").content.decode()
    assert re.search(r'<div lang="sv" class="fallback"><p>Hjälper kunderna i telefon', content)
    with translation.override("da"):
        note = translation.gettext("Not yet translated: shown in %(language)s.") % {
            "language": language_name(NEW)
        }
        assert language_name(NEW) == "svensk"  # Django's Danish catalogue
    assert note in content
    # A Swedish text, once written, is shown as the page's own.
    agent.title_sv = "Kundtjänstmedarbetare"
    agent.save()
    content = client.get("/sv/roles/agent/").content.decode()
    assert "<h1>Kundtjänstmedarbetare" in content


def test_the_api_json_ld_and_the_kit_speak_swedish(client, seeded):
    answer = client.get("/api/v1/roles/agent/?lang=sv")
    assert answer.status_code == 200 and answer["Content-Language"] == NEW
    assert client.get("/api/v1/roles/agent/?lang=xx").status_code == 400
    content = client.get("/sv/roles/agent/").content.decode()
    scripts = re.findall(r'<script type="application/ld\+json">(.*?)</script>', content, re.S)
    assert '"inLanguage": "sv"' in json.dumps([json.loads(script) for script in scripts])
    kit = client.get("/nb/roles/agent/for-employers/?kit=sv")
    assert kit.status_code == 200
    chosen = kit.context["kit"]
    assert chosen["language"] == NEW and not chosen["refused"]
    assert {"code": NEW, "name": "svenska"} in chosen["choices"]


def test_the_api_describes_swedish_among_its_languages(client, seeded):
    described = json.dumps(client.get("/api/v1/openapi.json").json())
    assert '"enum": ["nb", "el", "da", "sv"]' in described


def test_the_seed_files_take_swedish_texts(seeds_copy):
    roles = seeds_copy / "roles.yaml"
    text = roles.read_text(encoding="utf-8")
    danish = '      da: "Kundeservicemedarbejder"\n'
    assert danish in text
    roles.write_text(
        text.replace(danish, danish + '      sv: "Kundtjänstmedarbetare"\n', 1), encoding="utf-8"
    )
    load_seeds(directory=seeds_copy)
    assert Role.objects.get(key="associate").title_sv == "Kundtjänstmedarbetare"


def test_an_outage_is_told_in_swedish_and_the_warm_up_loads_it(seeded, caplog):
    client = Client(raise_request_exception=False)
    lost = OperationalError("connection refused")
    with mock.patch("kb.pagecache.store._stored_version", side_effect=lost):
        response = client.get("/sv/roles/agent/")
    assert response.status_code == 503 and '<html lang="sv">' in response.content.decode()
    warm_up()
    assert not [record for record in caplog.records if record.name == "kb.warmup"]


def test_admin_shows_a_swedish_tab_for_every_translated_field(editor_client, seeded):
    agent = Role.objects.get(key="agent")
    content = editor_client.get(f"/admin/roles/role/{agent.pk}/change/").content.decode()
    # modeltranslation's tabs are made from these fields' classes (mt-field-<field>-<code>).
    for field in ("title", "summary", "body", "career"):
        assert f'name="{field}_sv"' in content
        assert re.search(rf'class="[^"]*mt-field-{field}-sv', content), field


def test_its_translator_and_reviewer_groups_are_the_other_languages(seeded):
    def grants(code):
        return {
            kind: sorted(
                p.codename.replace(f"_{code}", "_<code>")
                for p in Group.objects.get(name=f"{kind} ({code})").permissions.all()
            )
            for kind in ("Translators", "Reviewers")
        }

    assert grants(NEW) == grants("el")
    assert Group.objects.get(name="Editors").permissions.filter(codename="translate_sv").exists()
    # Made again by the same function as the migration (made for an existing database), alike.
    Group.objects.filter(name__endswith=f"({NEW})").delete()
    from django.apps import apps

    groups.create_groups(apps, [NEW])
    assert grants(NEW) == grants("el")
    with translation.override("en"):
        assert groups.group_label("Translators (sv)") == "Translators (Swedish)"


def test_search_indexes_swedish_texts_with_its_configuration(client, seeded, settings):
    agent = Role.objects.get(key="agent")
    agent.title_sv = "Kundtjänstmedarbetare"
    agent.summary_sv = "Hjälper kunderna i telefon och chatt."
    agent.save()
    assert SearchEntry.objects.filter(language=NEW, object_id=agent.pk).exists()
    found = client.get("/sv/search/", {"q": "kunderna"}).content.decode()
    assert "Kundtjänstmedarbetare" in found
    if connection.vendor == "postgresql":
        assert index.config(NEW) == "swedish"
        # Swedish stemming: "kund" finds "kunderna".
        assert "Kundtjänstmedarbetare" in client.get("/sv/search/", {"q": "kund"}).content.decode()
        # A language whose configuration the server lacks (or has none) is searched with "simple".
        settings.SEARCH_CONFIGS = {**settings.SEARCH_CONFIGS, "tlh": "klingon"}
        assert index.config("tlh") == "simple" and index.config("xx") == "simple"


def test_the_translation_files_export_swedish_with_every_text_missing(seeded, tmp_path):
    output = tmp_path / "sv.po"
    call_command("export_translations", "--lang", NEW, "-o", str(output))
    po = polib.pofile(str(output))
    assert po.metadata["Language"] == NEW
    assert len(po) > 50 and all(entry.msgstr == "" for entry in po)
    xliff = StringIO()
    call_command("export_translations", "--lang", NEW, "--format", "xliff", stdout=xliff)
    assert 'trgLang="sv"' in xliff.getvalue()


def test_a_swedish_translators_file_fills_the_swedish_texts(seeded):
    po = export_po(language=NEW)
    title = next(entry for entry in po if entry.msgctxt == "role:agent:title")
    title.msgstr = "Kundtjänstmedarbetare"
    report = import_file(path_or_text=str(po), dry_run=False)
    assert report.applied, report
    assert Role.objects.get(key="agent").title_sv == "Kundtjänstmedarbetare"
    assert status_of(Role.objects.get(key="agent"), "title", NEW) == UNREVIEWED


def test_a_swedish_translator_edits_the_swedish_texts_only(django_user_model, seeded):
    translator = member(django_user_model, "sven", "Translators (sv)")
    agent = Role.objects.get(key="agent")
    url = f"/admin/roles/role/{agent.pk}/change/"
    content = translator.get(url).content.decode()
    data = form_data(content, "role_form")
    assert "title_sv" in data and "title_el" not in data  # the others' fields are read-only
    data["title_sv"] = ["Kundtjänstmedarbetare"]
    assert translator.post(url, data).status_code == 302
    assert Role.objects.get(key="agent").title_sv == "Kundtjänstmedarbetare"


def test_a_swedish_reader_is_sent_to_the_swedish_pages(client, seeded):
    response = client.get("/", headers={"accept-language": "sv-SE,sv;q=0.9,en;q=0.5"})
    assert response.status_code == 302 and response["Location"] == "/sv/"


def test_the_dashboard_counts_every_swedish_text_missing(editor_client, seeded):
    reports = {report.language: report for report in dashboard()}
    swedish = reports[NEW]
    assert swedish.total == reports["el"].total > 0
    assert swedish.counts == {MISSING: swedish.total} and swedish.complete == 0
    page = editor_client.get("/admin/content/translations/")
    assert page.status_code == 200
    (shown,) = [report for report in page.context["reports"] if report["code"] == NEW]
    assert shown["complete"] == 0 and shown["total"] == swedish.total


def test_swedish_sorts_without_a_conventions_file(client, seeded):
    assert conventions_file(NEW) == ("", {})
    assert collation.order(NEW) == collation.Order()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_collation WHERE collname = 'sv-x-icu'")
            assert cursor.fetchone()
    assert client.get("/sv/scenarios/").status_code == 200


def test_the_translation_checks_check_the_swedish_texts(seeded):
    """Without a conventions file, the checks every language shares (docs/translation-style.md)."""
    agent = Role.objects.get(key="agent")
    agent.summary_sv = "Hjälper kunderna  i telefon och chatt."
    agent.save()
    out = StringIO()
    call_command("check_translations", "--database", stdout=out)
    findings = [line for line in out.getvalue().splitlines() if "[sv]" in line]
    assert findings and all(line.startswith("role:agent summary [sv]") for line in findings), (
        out.getvalue()
    )
