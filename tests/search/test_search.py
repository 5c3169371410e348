"""Search in each language: stemming, accents, typos, isolation, ranking, bad input. Runs on the
database in use (PostgreSQL in CI); the SQLite fallback's matching is tested directly too."""

import html
import re

import pytest
from django.db import connection
from django.urls import reverse
from django.utils.html import strip_tags

from kb.search import queries as search
from kb.search.models import SearchEntry
from roles.models import Quality, Role
from tests.helpers import form_data

pytestmark = pytest.mark.django_db


def found(query, language):
    results = search.search(query=query, language=language)
    return [hit.title for hit in results.page.object_list] if results.page else []


def test_every_published_text_is_indexed_in_its_own_language(seeded):
    assert SearchEntry.objects.filter(kind="role", public=True).count() == 3 * 3
    agent = Role.objects.get(key="agent")
    entry = SearchEntry.objects.get(kind="role", object_id=agent.pk, language="el")
    assert entry.title == agent.title_el and entry.url == "/el/roles/agent/"


def test_stemming_finds_other_forms_of_a_word(seeded):
    Quality.objects.create(slug="t", name_nb="Bruke sykkelhjelm", published=True)
    assert "Bruke sykkelhjelm" in found("sykkelhjelmer", "nb")
    assert "Sint kunde med et apparat som ikke virker" in found("kunder apparat", "nb")


def test_a_query_without_accents_finds_words_with_them(seeded):
    titles = found("πελατες", "el")
    assert titles and any("πελάτ" in title for title in titles)


def test_a_typo_still_finds_the_word(seeded):
    assert "Tålmodighed" in found("tålmodiged", "da")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the lexicon is PostgreSQL's")
def test_a_misspelt_query_is_searched_as_corrected_and_says_so(client, seeded):
    response = client.get("/da/search/", {"q": "tålmodiged"})
    results = response.context["results"]
    assert results.corrected.startswith("tålmodig")
    assert 'class="corrected"' in response.content.decode()
    assert search.search(query="tålmodighed", language="da").corrected == ""


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the lexicon is PostgreSQL's")
def test_the_lexicon_holds_published_words_only_and_follows_saves(seeded):
    from kb.search.models import SearchWord

    draft = Quality.objects.create(slug="d", name_nb="Hemmeligordet", published=False)
    assert not SearchWord.objects.filter(word="hemmeligordet").exists()
    assert found("hemmeligordt", "nb") == []

    draft.published = True
    draft.save()
    assert SearchWord.objects.filter(language="nb", word="hemmeligordet").exists()
    assert found("hemmeligordt", "nb") == ["Hemmeligordet"]
    assert SearchWord.objects.get(language="el", word="υπομονή").folded == "υπομονη"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the lexicon is PostgreSQL's")
def test_rebuilding_the_index_drops_words_no_text_has(seeded):
    import io

    from django.core.management import call_command

    from kb.search.models import SearchWord

    quality = Quality.objects.create(slug="g", name_nb="Glemmeordet", published=True)
    quality.delete()
    assert SearchWord.objects.filter(word="glemmeordet").exists()
    entries = SearchEntry.objects.count()

    call_command("rebuild_search_index", stdout=io.StringIO())
    assert not SearchWord.objects.filter(word="glemmeordet").exists()
    assert SearchEntry.objects.count() == entries
    assert "Tålmodighed" in found("tålmodiged", "da")


def test_a_query_in_another_language_finds_nothing_here(seeded):
    assert found("tålmodighed", "el") == []
    assert found("Υπομονή", "da") == []


def test_a_title_match_ranks_above_a_body_match(seeded):
    Quality.objects.create(
        slug="a", name_nb="Noe annet", description_nb="Om zebrastriper.", published=True
    )
    Quality.objects.create(
        slug="b", name_nb="Zebrastriper", description_nb="Tekst.", published=True
    )
    assert found("zebrastriper", "nb")[:2] == ["Zebrastriper", "Noe annet"]


def test_unpublished_content_is_not_found(seeded):
    quality = Quality.objects.get(slug="patience")
    quality.published = False
    quality.save()
    assert "Tålmodighet" not in found("tålmodighet", "nb")


def test_an_edit_in_admin_is_searchable_at_once(editor_client, seeded):
    agent = Role.objects.get(key="agent")
    url = reverse("admin:roles_role_change", args=[agent.pk])
    data = form_data(editor_client.get(url).content.decode(), "role_form")
    data["title_el"] = ["Εκπρόσωπος τηλεφωνικού κέντρου"]
    assert editor_client.post(url, data).status_code == 302

    assert "Εκπρόσωπος τηλεφωνικού κέντρου" in found("τηλεφωνικου", "el")


@pytest.mark.parametrize("lang", ["nb", "el", "da"])
def test_the_results_page_groups_and_highlights(client, seeded, lang):
    query = {"nb": "klager", "el": "παράπονα", "da": "klager"}[lang]
    response = client.get(f"/{lang}/search/", {"q": query})
    assert response.status_code == 200
    content = response.content.decode()
    assert f'<html lang="{lang}">' in content
    assert "<mark>" in content
    assert response.context["results"].groups


def test_no_match_says_so_and_offers_ways_on(client, seeded):
    response = client.get("/da/search/", {"q": "xylofonorkester"})
    content = response.content.decode()
    assert 'class="no-results"' in content
    assert 'href="/da/scenarios/"' in content


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "og",
        "x" * 10_000,
        "\x00kunde",
        '"unclosed',
        "'; DROP TABLE roles_role; --",
        "{{ 7*7 }} {% debug %}",
        "<script>alert(1)</script>",
        "a & b | !c <-> d",
        "(((",
        "*:*",
    ],
)
def test_bad_input_never_fails_and_is_never_reflected_unescaped(client, seeded, query):
    response = client.get("/nb/search/", {"q": query})
    assert response.status_code == 200
    content = response.content.decode()
    assert "<script>alert(1)" not in content
    assert "{% debug %}" not in content or "{% debug %}" in query  # shown as text, not run
    assert "49" not in content.split('id="content"')[1].split("</main>")[0] or "49" in query
    assert Role.objects.count() == 3


def test_invalid_utf8_in_the_address_is_handled(client, seeded):
    assert client.get("/nb/search/?q=%ff%fe%00").status_code == 200


def test_results_are_paginated(client, seeded):
    for index in range(45):
        Quality.objects.create(slug=f"p{index}", name_nb=f"Pagineringstest {index}", published=True)
    first = client.get("/nb/search/", {"q": "pagineringstest"}).context["results"]
    assert first.page.paginator.count == 45 and len(first.page.object_list) == 20
    third = client.get("/nb/search/", {"q": "pagineringstest", "page": "3"}).context["results"]
    assert len(third.page.object_list) == 5
    assert client.get("/nb/search/", {"q": "pagineringstest", "page": "abc"}).status_code == 200


def test_the_fallback_matching_folds_accents_case_and_endings():
    assert search.matches(search.fold("Kunder"), search.fold("kunde"))
    assert search.matches(search.fold("πελατες"), search.fold("Πελάτες"))
    assert search.matches(search.fold("tålmodiged"), search.fold("tålmodighed"))
    assert not search.matches(search.fold("kat"), search.fold("katalog"))


def test_the_fallback_search_works_on_any_database(seeded):
    first_id, kind, _rank = search._folded("tålmodighed", "da")[0]
    assert kind == "quality" and SearchEntry.objects.get(pk=first_id).title == "Tålmodighed"
    assert search._folded("tålmodighed", "el") == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's own search")
def test_postgresql_uses_each_languages_configuration_and_indexes(seeded):
    assert search.config("nb") == "norwegian" and search.config("da") == "danish"
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename LIKE 'roles_search%'")
        names = {row[0] for row in cursor.fetchall()}
    assert {"search_entry_public_document", "search_word_trgm"} <= names
    assert SearchEntry.objects.exclude(document=None).count() == SearchEntry.objects.count()


def test_the_synthetic_corpus_is_made_indexed_and_removed(seeded):
    import io

    from django.core.management import call_command

    from roles.models import Duty

    out = io.StringIO()
    call_command("make_synthetic_corpus", roles=2, duties_per_role=5, stdout=out)

    assert Duty.objects.filter(key__startswith="synthetic-").count() == 10
    assert "2/2 role profiles" in out.getvalue()
    # 10 duties, 2 qualities and 2 scenarios, each in three languages.
    assert SearchEntry.objects.filter(url__contains="synthetic-").count() == 14 * 3
    call_command("make_synthetic_corpus", remove=True, stdout=out)
    assert not Duty.objects.filter(key__startswith="synthetic-").exists()
    assert not SearchEntry.objects.filter(url__contains="synthetic-").exists()


def _excerpt(snippet: str) -> tuple[str, bool, bool]:
    """A snippet's text without marks, and whether it says text was left out before and after."""
    text = html.unescape(strip_tags(snippet))
    before, after = text.startswith("… "), text.endswith(" …")
    return text.removeprefix("… ").removesuffix(" …"), before, after


@pytest.mark.parametrize(
    "lang, query", [("nb", "tålmodighet"), ("da", "tålmodighed"), ("el", "υπομονή")]
)
def test_snippets_start_and_end_at_whole_words(client, seeded, lang, query):
    hits = client.get(f"/{lang}/search/", {"q": query}).context["results"].page.object_list
    assert any(_excerpt(hit.snippet)[1] for hit in hits)  # some text is left out before
    for hit in hits:
        entry = SearchEntry.objects.get(url=hit.url, language=lang)
        text = (entry.body or entry.title).replace("\n", " ")
        excerpt, before, after = _excerpt(hit.snippet)
        at = text.index(excerpt)
        assert not re.match(r"\w\w", text[at - 1 : at + 1] if at else "")
        assert not re.match(r"\w\w", text[at + len(excerpt) - 1 : at + len(excerpt) + 1])
        assert before == bool(re.search(r"\w", text[:at]))
        assert after == bool(re.search(r"\w", text[at + len(excerpt) :]))


@pytest.mark.parametrize("query", ["Tålmodighet", "TALMODIGHET"])
def test_an_exact_title_match_is_listed_first(client, seeded, query):
    response = client.get("/nb/search/", {"q": query})
    kind, hits = response.context["results"].groups[0]
    assert (kind, hits[0].title) == ("quality", "Tålmodighet")
    content = response.content.decode()
    assert content.index(">Tålmodighet</a>") < content.index(">Kundeserviceagent</a>")


def test_a_title_with_the_query_comes_before_texts_that_mention_it(seeded):
    for slug, name in [("a", "Noe annet"), ("b", "Om zebrastriper i byen"), ("c", "Zebrastriper")]:
        description = "Zebrastriper, zebrastriper og zebrastriper." if slug == "a" else "Tekst."
        Quality.objects.create(slug=slug, name_nb=name, description_nb=description, published=True)
    assert found("zebrastriper", "nb") == ["Zebrastriper", "Om zebrastriper i byen", "Noe annet"]


def test_a_typo_finds_what_the_correct_spelling_finds_and_no_more(seeded):
    assert found("tålmodighed", "da") == found("tålmodiged", "da")
    assert len(found("tålmodighed", "da")) == 3  # the scenario's "Vær tålmodig" too


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the lexicon is PostgreSQL's")
@pytest.mark.parametrize("typo", ["tålmodiged", "stilligen"])
def test_a_corrected_query_shows_what_its_correction_finds(seeded, typo):
    corrected = search.search(query=typo, language="da").corrected
    assert corrected
    assert found(typo, "da") == found(corrected, "da")
