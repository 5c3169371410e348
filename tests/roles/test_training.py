"""Practising the scenarios: practice mode on a scenario's page (the situation and a prompt, then
each step and what to avoid behind its own <details>), and a role's training pack to print
(/<language>/roles/<key>/training/: a page for the facilitator, then a card per scenario)."""

import re
from html import unescape

import pytest
from django.utils.html import escape
from django.utils.translation import gettext, override

from roles.models import Role, Scenario
from roles.texts import text
from tests.helpers import member

pytestmark = pytest.mark.django_db

LANGUAGES = ["nb", "el", "da"]
KEYS = ["associate", "agent", "manager"]


def _scenarios(key: str) -> list[Scenario]:
    """The role's published scenarios in its page's order: those its pack shows."""
    role = Role.objects.get(key=key)
    return [
        link.scenario for link in role.role_scenarios.order_by("order") if link.scenario.published
    ]


def _card(content: str, slug: str) -> str:
    start = content.index(f'<section class="training-card" id="card-{slug}"')
    return content[start : content.index("</section>", start)]


def _steps(scenario, code: str) -> list[str]:
    with override(code):
        return [line.strip() for line in text(scenario, "steps").value.splitlines() if line.strip()]


def _shown(obj, field: str, code: str) -> str:
    with override(code):
        return escape(text(obj, field).value)


# The training pack


@pytest.mark.parametrize("code", LANGUAGES)
@pytest.mark.parametrize("key", KEYS)
def test_the_pack_has_a_card_per_scenario_with_its_situation_steps_and_what_to_avoid(
    client, seeded, code, key
):
    content = client.get(f"/{code}/roles/{key}/training/").content.decode()

    scenarios = _scenarios(key)
    assert scenarios
    assert re.findall(r'class="training-card" id="card-([\w-]+)"', content) == [
        scenario.slug for scenario in scenarios
    ]
    for number, scenario in enumerate(scenarios, 1):
        card = _card(content, scenario.slug)
        front, back = card.split('class="card-fold"')
        assert _shown(scenario, "title", code) in front
        for paragraph in _shown(scenario, "situation", code).split("\n\n"):
            assert paragraph.strip() in front
        for step in _steps(scenario, code):
            assert f"<li>{escape(step)}</li>" in back
        assert scenario.avoid  # every seeded scenario says what to avoid
        assert _shown(scenario, "avoid", code).split("\n")[0] in back
        with override(code):
            total = len(scenarios)
            assert (
                gettext("Card %(number)s of %(total)s: the front")
                % {
                    "number": number,
                    "total": total,
                }
                in front
            )
            assert gettext("What would you do first?") in front
            assert gettext("What to do") in back and gettext("What to avoid") in back
        assert f'href="http://testserver/{code}/scenarios/{scenario.slug}/"' in back


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_facilitators_page_links_each_quality_to_its_page_in_the_same_language(
    client, seeded, code
):
    content = client.get(f"/{code}/roles/manager/training/").content.decode()
    guide = content[
        content.index('class="training-guide"') : content.index('class="training-card"')
    ]

    role = Role.objects.get(key="manager")
    links = role.role_qualities.order_by("order").filter(quality__published=True)
    assert re.findall(r'href="http://testserver/(\w+)/qualities/([\w-]+)/"', guide) == [
        (code, link.quality.slug) for link in links
    ]
    for link in links:
        assert _shown(link.quality, "name", code) in guide
        assert _shown(link, "note", code).split("\n")[0] in guide
    with override(code):
        assert gettext("How to run a role-play") in guide
        assert gettext("Qualities to watch for") in guide


def test_the_pack_says_in_which_language_an_untranslated_text_is_shown(client, seeded):
    scenario = _scenarios("agent")[0]
    Scenario.objects.filter(pk=scenario.pk).update(steps_el="", avoid_el="")
    scenario.refresh_from_db()

    card = _card(client.get("/el/roles/agent/training/").content.decode(), scenario.slug)

    with override("el"):
        shown = text(scenario, "steps")
        note = gettext("Not yet translated: shown in %(language)s.").split("%")[0]
    assert shown.fallback and shown.language != "el"
    assert f'<div lang="{shown.language}" class="fallback"><ol>' in card
    assert card.count(note) == 2  # the steps' and what to avoid's


def test_a_draft_scenario_is_not_in_the_pack(client, seeded):
    draft = _scenarios("agent")[0]
    Scenario.objects.filter(pk=draft.pk).update(published=False)

    content = client.get("/nb/roles/agent/training/").content.decode()

    assert f'id="card-{draft.slug}"' not in content
    assert content.count('class="training-card"') == len(_scenarios("agent"))


def test_an_unknown_role_has_no_pack(client, seeded):
    assert client.get("/nb/roles/nobody/training/").status_code == 404


def test_a_draft_roles_pack_is_a_preview_for_editors_only(client, seeded, django_user_model):
    Role.objects.filter(key="manager").update(published=False)

    assert client.get("/nb/roles/manager/training/").status_code == 404
    assert member(django_user_model, "sam").get("/nb/roles/manager/training/").status_code == 404
    translator = member(django_user_model, "eleni", "Translators (el)")
    response = translator.get("/nb/roles/manager/training/")
    assert response.status_code == 200
    with override("nb"):
        preview = gettext("Preview: this is not published. Readers cannot see it.")
    assert preview in response.content.decode()


def test_the_pack_is_only_read(client, seeded):
    assert client.post("/nb/roles/agent/training/").status_code == 405
    assert client.head("/nb/roles/agent/training/").status_code == 200


def test_the_pack_is_not_for_search_engines_and_not_in_the_sitemap(client, seeded):
    content = client.get("/da/roles/agent/training/").content.decode()
    sitemap = client.get("/sitemap.xml").content.decode()

    assert '<meta name="robots" content="noindex">' in content
    assert "/training/" not in sitemap


def test_the_pack_tells_how_to_print_it_without_a_script(client, seeded):
    content = client.get("/nb/roles/agent/training/").content.decode()

    main = content[content.index("<main") : content.index("</main>")]
    assert "<script" not in main and "onclick" not in main
    with override("nb"):
        how = gettext(
            "To print it, use your browser's Print command (Ctrl+P, or ⌘P on a Mac) and choose A4 "
            "paper."
        )
    assert how in unescape(main)


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_role_page_links_its_training_pack(client, seeded, code):
    content = client.get(f"/{code}/roles/agent/").content.decode()

    scenarios = content[content.index('<section id="scenarios">') :]
    scenarios = scenarios[: scenarios.index("</section>")]
    assert f'href="/{code}/roles/agent/training/"' in scenarios


@pytest.mark.parametrize("code", LANGUAGES)
def test_a_rendered_pack_reads_the_role_its_scenarios_and_its_qualities_once(
    client, seeded, settings, code, django_assert_num_queries
):
    settings.PAGE_CACHE = False  # every request renders the whole page
    client.get(f"/{code}/roles/manager/training/")
    with django_assert_num_queries(3):  # the role, its scenarios, its qualities
        assert client.get(f"/{code}/roles/manager/training/").status_code == 200


def test_the_page_cache_keeps_the_pack_for_readers(client, seeded, django_assert_num_queries):
    assert client.get("/nb/roles/agent/training/")["X-Cache"] == "miss"
    with django_assert_num_queries(1):  # the content version only
        assert client.get("/nb/roles/agent/training/")["X-Cache"] == "hit"


# Practice mode on a scenario's page


def _outside_details(content: str) -> str:
    return re.sub(r"<details\b.*?</details>", "", content, flags=re.S)


@pytest.mark.parametrize("code", LANGUAGES)
def test_practice_mode_shows_the_situation_and_a_prompt_and_hides_each_step_in_a_disclosure(
    client, seeded, code
):
    scenario = Scenario.objects.get(slug="faulty-device")
    content = client.get(f"/{code}/scenarios/faulty-device/").content.decode()
    main = content[content.index("<main") : content.index("</main>")]
    steps = _steps(scenario, code)

    disclosures = re.findall(
        r'<details class="practice-step"><summary>(.*?)</summary>(.*?)</details>', main, re.S
    )
    assert len(disclosures) == len(steps) + 1  # each step, then what to avoid
    with override(code):
        prompt = gettext("What would you do first?")
        assert [unescape(summary) for summary, _ in disclosures] == [
            gettext("Step %(number)s of %(total)s") % {"number": n, "total": len(steps)}
            for n in range(1, len(steps) + 1)
        ] + [gettext("Show what to avoid")]
    assert [body for _, body in disclosures[:-1]] == [f"<p>{escape(step)}</p>" for step in steps]
    assert _shown(scenario, "avoid", code).split("\n")[0] in disclosures[-1][1]
    # The situation and the prompt are in view; no step and nothing to avoid is, until opened.
    shown = _outside_details(main)
    assert _shown(scenario, "situation", code) in shown and prompt in shown
    assert shown.index(_shown(scenario, "situation", code)) < shown.index(prompt)
    assert not any(escape(step) in shown for step in steps)
    assert _shown(scenario, "avoid", code) not in shown
    assert "<details open" not in main


def test_practice_mode_marks_steps_shown_in_another_language(client, seeded):
    Scenario.objects.filter(slug="faulty-device").update(steps_el="")
    scenario = Scenario.objects.get(slug="faulty-device")
    with override("el"):
        shown = text(scenario, "steps")

    main = client.get("/el/scenarios/faulty-device/").content.decode()

    steps = re.findall(r'</summary><p lang="(\w+)" class="fallback">', main)
    assert shown.fallback and steps == [shown.language] * len(_steps(scenario, "el"))
    assert 'class="fallback-note"' in main


@pytest.mark.parametrize("url", ["/nb/scenarios/faulty-device/", "/el/roles/manager/training/"])
def test_practising_remembers_nothing_about_the_reader(client, seeded, url):
    response = client.get(url)

    assert response.status_code == 200
    assert not response.cookies  # no Set-Cookie: no session, no language cookie
    assert not client.cookies  # the client keeps none either


def test_a_role_without_published_scenarios_has_an_empty_pack_and_no_link_to_it(client, seeded):
    Scenario.objects.filter(roles__key="agent").update(published=False)

    content = client.get("/nb/roles/agent/training/").content.decode()
    role_page = client.get("/nb/roles/agent/").content.decode()

    assert 'class="training-card"' not in content
    with override("nb"):
        assert gettext("This role has no scenarios yet.") in content
    assert "/nb/roles/agent/training/" not in role_page
