"""Every public page in every language: what link previews read, fallbacks, query budgets."""

import json
import re
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.test import Client

from roles.models import Duty, FormerSlug, Quality, Role, RoleQuality, RoleScenario, Scenario

pytestmark = pytest.mark.django_db

LANGUAGES = [code for code, _name in settings.LANGUAGES]
PAGES = [
    "/{lang}/",
    "/{lang}/roles/associate/",
    "/{lang}/roles/agent/",
    "/{lang}/roles/manager/",
    "/{lang}/qualities/patience/",
    "/{lang}/scenarios/",
    "/{lang}/scenarios/faulty-device/",
    "/{lang}/workplaces/hotels/",
    "/{lang}/about/",
]


class Head(HTMLParser):
    """The parts of a page that machines read."""

    def __init__(self):
        super().__init__()
        self.html_lang = None
        self.title = ""
        self.links: list[dict] = []
        self.meta: dict[str, list[str]] = {}
        self.json_ld: list[str] = []
        self.h1 = 0
        self._in = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.html_lang = attrs.get("lang")
        elif tag == "link":
            self.links.append(attrs)
        elif tag == "meta" and ("property" in attrs or "name" in attrs):
            key = attrs.get("property") or attrs.get("name")
            self.meta.setdefault(key, []).append(attrs.get("content", ""))
        elif tag == "h1":
            self.h1 += 1
        elif tag == "title" or (tag == "script" and attrs.get("type") == "application/ld+json"):
            self._in = tag
            if tag == "script":
                self.json_ld.append("")

    def handle_endtag(self, tag):
        self._in = None

    def handle_data(self, data):
        if self._in == "title":
            self.title += data
        elif self._in == "script":
            self.json_ld[-1] += data

    def hreflang(self) -> dict[str, str]:
        return {
            link["hreflang"]: link["href"]
            for link in self.links
            if link.get("rel") == "alternate" and "hreflang" in link
        }


def head(client, url) -> Head:
    response = client.get(url)
    assert response.status_code == 200, url
    parsed = Head()
    parsed.feed(response.content.decode())
    return parsed


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_in_every_language(client, seeded, page, lang):
    url = page.format(lang=lang)
    page_head = head(client, url)

    assert page_head.html_lang == lang
    assert page_head.title.strip()
    assert page_head.meta["og:title"][0] in page_head.title  # the object's own name, or the site's
    assert page_head.h1 == 1
    canonical = [link["href"] for link in page_head.links if link.get("rel") == "canonical"]
    assert canonical == [f"http://testserver{url}"]
    alternates = page_head.hreflang()
    assert set(alternates) == {*LANGUAGES, "x-default"}
    assert alternates[lang] == canonical[0]
    # Reciprocal: every alternate names the same set.
    for code in LANGUAGES:
        assert (
            head(client, alternates[code].removeprefix("http://testserver")).hreflang()
            == alternates
        )
    for key in ("og:title", "og:description", "og:url", "og:site_name", "twitter:card"):
        assert page_head.meta[key][0].strip(), key
    assert page_head.meta["og:locale"] == [settings.OPEN_GRAPH_LOCALES[lang]]
    assert set(page_head.meta["og:locale:alternate"]) == {
        settings.OPEN_GRAPH_LOCALES[code] for code in LANGUAGES if code != lang
    }


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_role_page_previews_with_the_roles_title_and_summary(client, seeded, lang):
    agent = Role.objects.get(key="agent")
    page_head = head(client, f"/{lang}/roles/agent/")

    assert page_head.meta["og:title"] == [getattr(agent, f"title_{lang}")]
    assert page_head.meta["og:description"] == [getattr(agent, f"summary_{lang}")]
    assert page_head.hreflang()["x-default"] == "http://testserver/roles/agent/"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_role_pages_carry_occupation_json_ld(client, seeded, lang):
    manager = Role.objects.get(key="manager")
    (raw,) = head(client, f"/{lang}/roles/manager/").json_ld
    data = json.loads(raw)

    assert data["@type"] == "Occupation"
    assert data["name"] == getattr(manager, f"title_{lang}")
    assert "inLanguage" not in data  # not a property of Occupation: the page has it
    assert data["mainEntityOfPage"] == {
        "@type": "WebPage",
        "@id": f"http://testserver/{lang}/roles/manager/",
        "inLanguage": lang,
    }
    assert len(data["responsibilities"]) == manager.duties.count()
    assert len(data["skills"]) == manager.qualities.count()
    codes = {c["inCodeSet"]["name"]: c for c in data["occupationalCategory"]}
    assert codes["ISCO-08"]["codeValue"] == "1439"
    assert codes["ESCO occupations"]["@id"] == manager.esco_uri


def test_json_ld_cannot_be_closed_by_a_text(client, seeded):
    Role.objects.filter(key="agent").update(title_nb="</script><script>alert(1)</script>")
    content = client.get("/nb/roles/agent/").content.decode()
    assert "<script>alert(1)" not in content
    (raw,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', content, re.S)
    assert json.loads(raw)["name"] == "</script><script>alert(1)</script>"


def test_a_missing_translation_is_shown_in_another_language_and_says_so(client, seeded):
    Role.objects.filter(key="agent").update(summary_da="")
    Duty.objects.filter(role__key="agent", order=1).update(text_da=None)
    agent = Role.objects.get(key="agent")

    content = client.get("/da/roles/agent/").content.decode()

    assert '<html lang="da">' in content
    assert f'<div lang="nb" class="fallback"><p>{agent.summary_nb}</p></div>' in content
    duty = agent.duties.get(order=1)
    assert f'<span lang="nb" class="fallback">{duty.text_nb}</span>' in content
    # The language is named in the reader's language.
    assert content.count("Endnu ikke oversat: vises på norsk bokmål.") == 2


def test_a_fallback_note_stays_out_of_headings_and_link_names(client, seeded):
    Role.objects.filter(key="agent").update(title_el="")

    content = client.get("/el/roles/agent/").content.decode()

    note = "Δεν έχει μεταφραστεί ακόμη: εμφανίζεται στα νορβηγικά μποκμάλ."
    assert re.search(
        r'<h1><span lang="nb" class="fallback">Kundeserviceagent</span></h1>\s*'
        r'<small class="fallback-note">' + re.escape(note),
        content,
    )
    home = client.get("/el/").content.decode()
    assert re.search(
        r'<a href="/el/roles/agent/"><span lang="nb" class="fallback">Kundeserviceagent</span></a>',
        home,
    )


def test_section_anchors_are_the_same_in_every_language(client, seeded):
    ids = [
        set(re.findall(r'id="([^"]+)"', client.get(f"/{c}/roles/manager/").content.decode()))
        for c in LANGUAGES
    ]
    assert ids[0] == ids[1] == ids[2]
    assert {"duties", "qualities", "scenarios", "workplaces", "career", "sources", "share"} <= ids[
        0
    ]
    assert all(i.isascii() for i in ids[0])


def test_the_copy_link_control_shows_the_link_without_javascript(client, seeded):
    content = client.get("/el/roles/agent/for-employers/").content.decode()
    assert 'id="permalink" type="text" readonly value="http://testserver/roles/agent/"' in content
    assert re.search(r'<button type="button" class="copy-button"[^>]* hidden>', content)


@pytest.mark.parametrize(
    "url",
    [
        "/nb/roles/cashier/",
        "/el/qualities/nope/",
        "/da/scenarios/nope/",
        "/nb/workplaces/nope/",
        "/xx/roles/agent/",
        "/nb/roles/AGENT/",
    ],
)
def test_unknown_addresses_are_a_404(client, seeded, url):
    assert client.get(url, follow=True).status_code == 404


@pytest.mark.parametrize(
    ("model", "slug", "page"),
    [(Quality, "patience", "qualities"), (Scenario, "faulty-device", "scenarios")],
)
def test_drafts_are_hidden_from_readers_and_previewed_for_editors(
    editor_client, seeded, model, slug, page
):
    model.objects.filter(slug=slug).update(published=False)

    assert Client().get(f"/nb/{page}/{slug}/").status_code == 404
    assert (
        f"/{page}/{slug}/"
        not in Client().get("/nb/" if page == "qualities" else "/nb/scenarios/").content.decode()
    )
    response = editor_client.get(f"/nb/{page}/{slug}/")
    assert response.status_code == 200
    assert 'class="banner"' in response.content.decode()


def test_renaming_a_slug_in_admin_keeps_the_old_links_working(editor_client, seeded):
    from tests.helpers import form_data

    quality = Quality.objects.get(slug="patience")
    url = f"/admin/roles/quality/{quality.pk}/change/"
    data = form_data(editor_client.get(url).content.decode(), "quality_form")
    data["slug"] = ["patience-and-calm"]
    assert editor_client.post(url, data).status_code == 302

    reader = Client()
    response = reader.get("/el/qualities/patience/")
    assert response.status_code == 301
    assert response.headers["Location"] == "/el/qualities/patience-and-calm/"
    assert (
        reader.get("/qualities/patience/", HTTP_ACCEPT_LANGUAGE="da", follow=True).redirect_chain[
            -1
        ][0]
        == "/da/qualities/patience-and-calm/"
    )
    assert reader.get("/el/qualities/patience-and-calm/").status_code == 200

    # Renamed back: the slug is current again, not a redirect to itself.
    data = form_data(editor_client.get(url).content.decode(), "quality_form")
    data["slug"] = ["patience"]
    editor_client.post(url, data)
    assert reader.get("/el/qualities/patience/").status_code == 200
    assert reader.get("/el/qualities/patience-and-calm/").status_code == 301
    assert FormerSlug.objects.count() == 1


@pytest.mark.parametrize(
    "accept",
    ["", "*", "el;q=abc", "xx-YY, ;;;, el", "ελληνικά", "da" * 500, "en-US,en;q=0.9"],
)
def test_permalinks_survive_garbage_accept_language(client, seeded, accept):
    response = client.get("/roles/agent/", HTTP_ACCEPT_LANGUAGE=accept)
    assert response.status_code == 302
    assert re.fullmatch(r"/(nb|el|da)/roles/agent/", response.headers["Location"])


def test_quality_permalinks_negotiate_too(client, seeded):
    response = client.get("/qualities/listening/", HTTP_ACCEPT_LANGUAGE="el")
    assert response.headers["Location"] == "/el/qualities/listening/"
    assert "Accept-Language" in response.headers["Vary"]


def test_the_language_switcher_remembers_the_choice(client, seeded):
    response = client.get("/language/el/", {"next": "/da/roles/agent/"})

    assert response.status_code == 302
    assert response.headers["Location"] == "/el/roles/agent/"
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "el"
    assert client.get("/roles/manager/").headers["Location"] == "/el/roles/manager/"


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)"]
)
def test_the_language_switcher_never_leaves_the_site(client, target):
    response = client.get("/language/da/", {"next": target})
    assert response.headers["Location"] == "/da/"


def test_an_unknown_language_cannot_be_chosen(client):
    assert client.get("/language/xx/", {"next": "/nb/"}).status_code == 404


def test_the_sitemap_lists_every_public_page_in_every_language(client, seeded):
    Scenario.objects.filter(slug="wrong-price").update(published=False)

    content = client.get("/sitemap.xml").content.decode()

    locations = re.findall(r"<loc>(.*?)</loc>", content)
    for lang in LANGUAGES:
        for page in PAGES:
            assert f"http://testserver{page.format(lang=lang)}" in locations
    assert not [loc for loc in locations if "wrong-price" in loc]
    assert all(loc.isascii() for loc in locations)
    public = Role.objects.count() + Quality.objects.count() + Scenario.objects.count() - 1
    assert len(locations) >= (public + 3) * len(LANGUAGES)
    assert content.count('hreflang="x-default"') == len(locations)


def test_robots_txt_points_to_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.headers["Content-Type"].startswith("text/plain")
    assert "Sitemap: http://testserver/sitemap.xml" in response.content.decode()


def test_every_public_page_keeps_to_its_query_budget(client, seeded, django_assert_max_num_queries):
    """However many duties, qualities and scenarios a role has, a page runs at most 10 queries."""
    agent = Role.objects.get(key="agent")
    for index in range(40):
        Duty.objects.create(
            role=agent, key=f"extra-{index}", order=100 + index, text_nb=f"Plikt {index}."
        )
        quality = Quality.objects.create(
            slug=f"extra-{index}", name_nb=f"Egenskap {index}", published=True
        )
        RoleQuality.objects.create(role=agent, quality=quality, order=100 + index, note_nb="Fordi.")
        scenario = Scenario.objects.create(
            slug=f"extra-{index}",
            title_nb=f"Scenario {index}",
            situation_nb="Noe skjer.",
            steps_nb="Gjør noe.",
            published=True,
        )
        RoleScenario.objects.create(role=agent, scenario=scenario, order=100 + index)
    for page in PAGES:
        with django_assert_max_num_queries(10):
            assert client.get(page.format(lang="el")).status_code == 200


def test_a_draft_role_is_not_named_on_the_home_page(seeded):
    Role.objects.filter(key="manager").update(published=False, title_nb="HEMMELIG UTKAST")
    assert "HEMMELIG UTKAST" not in Client().get("/nb/").content.decode()


@pytest.mark.parametrize("host", ["evil.example", "localhost:80x", "a b"])
def test_a_bad_host_gets_the_400_page(seeded, host):
    response = Client().get("/nb/", HTTP_HOST=host)
    assert response.status_code == 400
    content = response.content.decode()
    assert 'name="robots" content="noindex"' in content and "site.css" in content


@pytest.mark.parametrize("url", ["/el/roles/cashier/x/", "/el/nothing/"])
def test_the_switcher_on_a_404_page_leads_to_the_other_languages_home(client, url):
    content = client.get(url).content.decode()
    assert 'name="robots" content="noindex"' in content
    assert 'rel="canonical"' not in content
    switch = re.search(r'<a href="(/language/da/[^"]+)"', content)[1].replace("&amp;", "&")
    assert client.get(switch).headers["Location"] == "/da/"


def test_a_form_post_without_a_token_gets_the_sites_403_page(seeded):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/el/roles/agent/")
    assert response.status_code == 403
    assert '<html lang="el">' in response.content.decode()
    assert "site.css" in response.content.decode()


def test_a_renamed_qualitys_old_permalink_goes_to_its_new_permalink(client, seeded):
    from roles.slugs import remember_former_slug

    quality = Quality.objects.get(slug="patience")
    quality.slug = "patience-and-calm"
    quality.save()
    remember_former_slug(obj=quality, former="patience")

    response = client.get("/qualities/patience/")
    assert response.status_code == 301
    assert response.headers["Location"] == "/qualities/patience-and-calm/"


@pytest.mark.parametrize(
    "page", ["/nb/roles/agent/", "/el/roles/agent/v/1/", "/da/qualities/patience/"]
)
def test_each_source_links_to_its_entry_on_the_about_page(client, seeded, page):
    content = client.get(page).content.decode()
    about = client.get(page[:4] + "about/").content.decode()
    keys = re.findall(r'href="/\w+/about/#source-([\w-]+)"', content)
    assert keys, "no source is linked"
    assert all(f'id="source-{key}"' in about for key in keys)


def test_norwegian_bokmal_is_named_as_its_readers_write_it(client, seeded):
    content = client.get("/nb/about/").content.decode()
    assert "(norsk bokmål)" in content and "(norsk (bokmål))" not in content


@pytest.mark.parametrize("page", ["/da/scenarios/wrong-price/", "/el/roles/associate/"])
def test_what_to_do_and_what_to_avoid_are_told_apart(client, seeded, page):
    content = client.get(page).content.decode()
    do, dont = (
        content.index('class="callout callout--do"'),
        content.index('class="callout callout--dont"'),
    )
    assert do < dont  # what to do, then what to avoid, each in its own callout


@pytest.mark.parametrize("code", ["nb", "el", "da"])
def test_the_language_switcher_names_bokmal_as_its_readers_write_it(client, seeded, code):
    """Its conventions file's name, not Django's "norsk (bokmål)"; the others keep Django's."""
    content = client.get(f"/{code}/").content.decode()
    names = dict(re.findall(r'<(?:a|span) [^>]*lang="(\w+)"[^>]*>([^<]+)</', content))
    assert names == {"nb": "norsk bokmål", "el": "Ελληνικά", "da": "dansk"}
    assert "norsk (bokmål)" not in content
