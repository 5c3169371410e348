"""Reader-facing lists come in the alphabetical order of the page's language, on SQLite (the
collations roles.collation registers) and on PostgreSQL (its ICU collations) alike."""

import re

import pytest
from django.conf import settings
from django.db import connection

from roles.collation import collation_name, sort_key
from roles.models import (
    Quality,
    Role,
    RoleQuality,
    RoleScenario,
    Scenario,
    Source,
    Workplace,
)

pytestmark = pytest.mark.django_db

# Six names per language, planted under the slugs a…f so that neither slug order nor code point
# order is the alphabetical one. An empty or missing text falls back (da to nb, el to nb).
NAMES = {
    "a": {"nb": "Åpenhet", "da": "Åbenhed", "el": "Υπομονή"},
    "b": {"nb": "Ærlighet", "da": "Ærlighed", "el": "Ακρίβεια"},
    "c": {"nb": "Ømhet", "da": "Ømhed", "el": "Άμεση βοήθεια"},
    "d": {"nb": "Zen-ro", "da": "Zenro", "el": "Ευγένεια"},
    "e": {"nb": "Empati", "da": "", "el": None},
    "f": {"nb": "Tålmodighet", "da": "Tålmodighed", "el": "Ήρεμη φωνή"},
}
ORDER = {
    "nb": ["e", "f", "d", "b", "c", "a"],  # Empati, Tålmodighet, Zen-ro, Ærlighet, Ømhet, Åpenhet
    "da": ["e", "f", "d", "b", "c", "a"],  # Empati (the nb text), Tålmodighed, Zenro, Æ, Ø, Å
    # Accents aside: Ακρίβεια, Άμεση, Ευγένεια, Ήρεμη, Υπομονή; then Empati, in Latin letters.
    "el": ["b", "c", "d", "f", "a", "e"],
}
# The three roles on one step of the ladder, so that only their titles order them.
ROLE_TITLES = {
    "agent": {"nb": "Åpningsleder", "da": "Åbningsleder", "el": "Βοηθός"},
    "associate": {"nb": "Ærendsmedarbeider", "da": "Ærindemedarbejder", "el": "Ήρεμος βοηθός"},
    "manager": {"nb": "Avdelingsleder", "da": "Afdelingsleder", "el": "Ειδικός"},
}
ROLE_ORDER = {
    "nb": ["manager", "associate", "agent"],
    "da": ["manager", "associate", "agent"],
    "el": ["agent", "manager", "associate"],
}
LANGUAGES = list(ORDER)


def texts(field: str, names: dict) -> dict:
    return {f"{field}_{code}": value for code, value in names.items()}


@pytest.fixture
def planted():
    sources = [
        Source.objects.create(
            key=slug, language=settings.LANGUAGE_CODE, file=f"{slug}.md", **texts("title", names)
        )
        for slug, names in NAMES.items()
    ]
    roles = [
        Role.objects.create(key=key, level=1, published=True, **texts("title", titles))
        for key, titles in ROLE_TITLES.items()
    ]
    for slug, names in NAMES.items():
        quality = Quality.objects.create(slug=slug, published=True, **texts("name", names))
        workplace = Workplace.objects.create(slug=slug, published=True, **texts("name", names))
        scenario = Scenario.objects.create(
            slug=slug, published=True, situation_nb="S.", steps_nb="Ett.", **texts("title", names)
        )
        for content in (quality, workplace, scenario):
            content.sources.set(sources)
    for order, role in enumerate(roles):  # the editorial order of each role's own lists
        RoleQuality.objects.create(role=role, quality=Quality.objects.get(slug="a"), order=order)
        RoleScenario.objects.create(role=role, scenario=Scenario.objects.get(slug="a"), order=order)
        role.workplaces.set(Workplace.objects.all())


def section(client, path: str, name: str) -> str:
    response = client.get(path)
    assert response.status_code == 200
    content = response.content.decode()
    start = content.index(f'id="{name}"')
    return content[start : content.index("</section>", start)]


def linked(html: str, language: str, kind: str) -> list[str]:
    """The slugs (or keys) of the links to `kind` pages, in the order they come."""
    return re.findall(rf'href="/{language}/{kind}/([\w-]+)/', html)


def in_order_of_appearance(html: str, language: str) -> list[str]:
    """The planted slugs, in the order their texts come in `html`."""
    shown = {
        slug: names[language] or NAMES[slug][settings.LANGUAGE_CODE]
        for slug, names in NAMES.items()
    }
    found = [slug for slug in shown if shown[slug] in html]
    assert len(found) == len(NAMES)
    return sorted(found, key=lambda slug: html.index(shown[slug]))


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_home_page_lists_qualities_and_workplaces_alphabetically(client, planted, language):
    home = f"/{language}/"
    assert linked(section(client, home, "qualities"), language, "qualities") == ORDER[language]
    assert linked(section(client, home, "workplaces"), language, "workplaces") == ORDER[language]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_scenario_list_is_alphabetical(client, planted, language):
    response = client.get(f"/{language}/scenarios/")
    assert linked(response.content.decode(), language, "scenarios") == ORDER[language]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_about_page_lists_its_sources_alphabetically(client, planted, language):
    sources = section(client, f"/{language}/about/", "sources")
    assert in_order_of_appearance(sources, language) == ORDER[language]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", ["qualities", "scenarios", "workplaces"])
def test_a_page_lists_the_roles_of_one_step_and_its_sources_alphabetically(
    client, planted, language, kind
):
    page = f"/{language}/{kind}/a/"
    assert linked(section(client, page, "roles"), language, "roles") == ROLE_ORDER[language]
    assert in_order_of_appearance(section(client, page, "sources"), language) == ORDER[language]


def test_roles_on_different_steps_stay_in_the_ladders_order(client, planted):
    Role.objects.filter(key="agent").update(level=2)
    for kind in ("qualities", "scenarios", "workplaces"):
        roles = section(client, f"/nb/{kind}/a/", "roles")
        assert linked(roles, "nb", "roles") == ["manager", "associate", "agent"]
    Role.objects.filter(key="manager").update(level=3)
    for kind in ("qualities", "scenarios", "workplaces"):
        roles = section(client, f"/nb/{kind}/a/", "roles")
        assert linked(roles, "nb", "roles") == ["associate", "agent", "manager"]


# What the database's collation does with harder words: the same order on SQLite and PostgreSQL.
WORDS = {
    "nb": "1 kunde|De|Ende|Étude|Ny kunde|Ny-kunde|Nyhet|Tå|Über|Yngve|Zz|Ærlig|Ärlig|Øst|Öst"
    "|Ål|Aarhus|Ωmega",
    "da": "Anna|anna|Ende|Étude|Über|Yngve|Zz|Ærlig|Ærø|Østen|Åben|Aalborg",
    "el": "αβγό|Άλφα|Βήτα|Ήλιος|ημέρα|ιδέα|ίσως|ομάδα|όμορφος|ΣΙΓΜΑ|σοφός|Ωμέγα|Zeta",
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_database_sorts_as_the_language_does(language):
    expected = WORDS[language].split("|")
    for number, word in enumerate(reversed(expected)):
        Workplace.objects.create(slug=f"w{number}", **{f"name_{language}": word, "name_nb": word})

    names = Workplace.objects.alphabetical(language).values_list(f"name_{language}", flat=True)

    assert list(names) == expected
    assert sorted(expected[::-1], key=lambda word: sort_key(language, word)) == expected


def test_every_language_of_the_site_has_its_collation_on_this_database():
    with connection.cursor() as cursor:
        for code, _name in settings.LANGUAGES:
            cursor.execute(f'SELECT %s COLLATE "{collation_name(code)}"', ["a"])
            assert cursor.fetchone() == ("a",)
