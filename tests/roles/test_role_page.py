from unittest import mock

import pytest
from django.test import Client
from django.utils.html import escape
from django.utils.translation import gettext, override

from roles.models import Role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("key", ["associate", "agent", "manager"])
def test_every_role_page_renders_in_every_language(client, seeded, key, languages):
    role = Role.objects.get(key=key)
    for code in languages:
        response = client.get(f"/{code}/roles/{key}/")
        assert response.status_code == 200
        content = response.content.decode()
        assert f'<html lang="{code}">' in content
        assert getattr(role, f"title_{code}") in content
        for duty in role.duties.all():
            assert getattr(duty, f"text_{code}") in content
        for section in ("duties", "qualities", "scenarios", "workplaces", "career", "sources"):
            assert f'id="{section}"' in content


def test_the_home_page_draws_the_ladder_from_the_top_step_down(client, seeded):
    """The top step first; below it, side by side, the steps that lead to it, the lower first
    (read left to right: "Step 1" before "Step 2")."""
    response = client.get("/da/")
    assert response.status_code == 200
    titles = [Role.objects.get(key=key).title_da for key in ("manager", "agent", "associate")]
    assert [role.level for role in Role.objects.order_by("level")][:2] == [1, 2]
    content = response.content.decode()
    assert [content.index(title) for title in titles] == sorted(content.index(t) for t in titles)


def test_the_home_page_draws_both_roles_that_lead_to_the_manager_below_it_side_by_side(
    client, seeded
):
    """The agent and the associate both lead to the manager: neither is drawn under the other."""
    content = client.get("/nb/").content.decode()
    ladder = content[content.index('<ol class="ladder">') :]
    manager, below = ladder.index("/nb/roles/manager/"), ladder.index('<ol class="ladder-below">')
    end = ladder.index("</ol>", below)
    assert manager < below
    branches = ladder[below:end]
    assert "/nb/roles/agent/" in branches and "/nb/roles/associate/" in branches
    assert branches.count('<ol class="ladder-below">') == 1  # neither nested under the other


def test_the_root_redirects_to_a_language(client):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="el")
    assert response.status_code == 302
    assert response.headers["Location"] == "/el/"


def test_an_unknown_role_is_a_404(client, seeded):
    assert client.get("/nb/roles/cashier/").status_code == 404


def test_an_unpublished_role_is_hidden_from_readers_and_previewed_for_editors(
    editor_client, seeded
):
    Role.objects.filter(key="manager").update(published=False)

    assert Client().get("/nb/roles/manager/").status_code == 404
    assert "/nb/roles/manager/" not in Client().get("/nb/").content.decode()
    response = editor_client.get("/nb/roles/manager/")
    assert response.status_code == 200
    assert 'class="banner"' in response.content.decode()


def test_the_language_switcher_links_to_the_same_page(client, seeded):
    content = client.get("/el/roles/agent/").content.decode()
    assert 'href="/language/nb/?next=%2Fel%2Froles%2Fagent%2F"' in content
    assert 'href="/language/da/?next=%2Fel%2Froles%2Fagent%2F"' in content
    response = client.get("/language/da/?next=%2Fel%2Froles%2Fagent%2F")
    assert response.headers["Location"] == "/da/roles/agent/"


def test_a_missing_translation_falls_back_along_the_chain(client, seeded):
    Role.objects.filter(key="agent").update(title_da=None, title_el="")
    agent = Role.objects.get(key="agent")

    assert agent.title_nb in client.get("/da/roles/agent/").content.decode()
    assert agent.title_nb in client.get("/el/roles/agent/").content.decode()


def test_the_role_page_links_the_roles_before_and_after_it(client, seeded):
    content = client.get("/nb/roles/associate/").content.decode()
    assert 'href="/nb/roles/manager/"' in content

    content = client.get("/nb/roles/manager/").content.decode()
    assert 'href="/nb/roles/agent/"' in content and 'href="/nb/roles/associate/"' in content


def test_the_role_page_runs_a_fixed_number_of_queries(
    client, seeded, django_assert_max_num_queries
):
    with django_assert_max_num_queries(10):
        assert client.get("/nb/roles/manager/").status_code == 200


# Each language with one its fallback chain does not reach (nb → da, el → nb, da → nb).
@pytest.mark.parametrize(("code", "unread"), [("nb", "el"), ("el", "da"), ("da", "el")])
def test_a_rendered_role_page_reads_the_role_once_and_each_list_once(
    client, seeded, settings, code, unread, django_assert_num_queries
):
    settings.PAGE_CACHE = False  # every request renders the whole page
    client.get(f"/{code}/roles/agent/")
    # The role with the role it leads to, then its duties, qualities, scenarios, workplaces, the
    # roles leading to it and its sources, and its current published version (the line naming
    # it); only the columns of the page's language and fallbacks. (The JobPosting, which read the
    # version's texts too, is on the page for employers.)
    with django_assert_num_queries(8) as queries:
        assert client.get(f"/{code}/roles/agent/").status_code == 200
    assert all(f'_{unread}"' not in query["sql"] for query in queries.captured_queries)


def _glance(content: str) -> str:
    glance = content[content.index('<section id="at-a-glance"') :]
    return glance[: glance.index("</section>")]


@pytest.mark.parametrize("code", ["nb", "el", "da"])
def test_a_role_page_opens_with_its_facts_at_a_glance_before_the_prose(client, seeded, code):
    agent = Role.objects.get(key="agent")
    content = client.get(f"/{code}/roles/agent/").content.decode()
    glance = _glance(content)

    assert content.index('id="at-a-glance"') < content.index('id="about-the-role"')
    with override(code):
        assert gettext("Step %(level)s of %(steps)s") % {"level": 1, "steps": 3} in glance
        assert gettext("Next step") in glance and gettext("Earlier steps") not in glance
    assert Role.objects.get(key="manager").get_absolute_url() in glance  # where it leads
    for workplace in agent.workplaces.all():
        assert getattr(workplace, f"name_{code}") in glance
    qualities = [link.quality for link in agent.role_qualities.all()]
    for quality in qualities[:3]:  # the role's first (most important) three
        assert getattr(quality, f"name_{code}") in glance
    assert getattr(qualities[3], f"name_{code}") not in glance
    assert "ISCO-08 4222" in glance


def test_the_top_role_names_the_steps_before_it_and_no_next_step(client, seeded):
    glance = _glance(client.get("/da/roles/manager/").content.decode())
    with override("da"):
        assert gettext("Step %(level)s of %(steps)s") % {"level": 3, "steps": 3} in glance
        assert gettext("Earlier steps") in glance and gettext("Next step") not in glance
    for key in ("agent", "associate"):
        assert Role.objects.get(key=key).get_absolute_url() in glance


def test_the_ladder_counts_only_the_steps_a_reader_may_see(client, seeded):
    """A draft top step is not counted: the agent is then the top of the ladder it is on."""
    Role.objects.filter(key="manager").update(published=False)
    glance = _glance(client.get("/nb/roles/agent/").content.decode())
    with override("nb"):
        assert gettext("Step %(level)s of %(steps)s") % {"level": 1, "steps": 1} in glance
        assert gettext("Next step") not in glance


def test_a_loop_in_the_ladder_written_around_the_model_still_renders(client, seeded):
    Role.objects.filter(key="manager").update(leads_to=Role.objects.get(key="agent"))
    assert client.get("/nb/roles/agent/").status_code == 200


def test_a_scenario_on_the_role_page_keeps_its_advice_in_the_page_behind_a_control(client, seeded):
    """Collapsed with <details>, which opens without JavaScript; the steps are in the page."""
    content = client.get("/el/roles/agent/").content.decode()
    link = Role.objects.get(key="agent").role_scenarios.first()
    scenario = content[content.index(f'id="scenario-{link.scenario.slug}"') :]
    scenario = scenario[: scenario.index("</article>")]
    details = scenario[scenario.index('<details class="scenario-advice">') :]
    for step in link.scenario.steps_el.splitlines():
        if step.strip():
            assert escape(step.strip()) in details


@pytest.mark.parametrize("code", ["nb", "el", "da"])
def test_a_rendered_role_page_compiles_no_query_once_its_reads_are_compiled(
    client, seeded, settings, code
):
    """The role page's reads are built and compiled by the ORM once per process and language
    (roles/models/compiled.py), then only run: a second rendering compiles no SQL at all."""
    from django.db.models.sql.compiler import SQLCompiler

    settings.PAGE_CACHE = False  # every request renders the whole page
    client.get(f"/{code}/roles/manager/")
    with mock.patch.object(SQLCompiler, "as_sql", autospec=True) as compiled:
        assert client.get(f"/{code}/roles/agent/").status_code == 200
    assert compiled.call_count == 0


def test_a_rendered_role_page_prints_its_sections_with_jinja2(client, seeded, settings):
    """The parts every uncached request prints are Jinja2 templates (roles/jinja2.py)."""
    from django.template import engines

    settings.PAGE_CACHE = False
    env = engines["jinja2"].env
    with mock.patch.object(env, "get_template", wraps=env.get_template) as loaded:
        client.get("/nb/roles/agent/")
    names = {call.args[0] for call in loaded.call_args_list}
    assert {
        "roles/parts/role_sections.html",
        "roles/parts/role_head.html",
        "includes/site_header.html",
        "includes/site_footer.html",
        "includes/page_meta.html",
    } <= names


def test_a_link_named_by_a_fallback_text_marks_it_and_notes_it_after_the_link(client, seeded):
    """link_to() prints what `<a>{% text … note=False %}</a>{% fallback_note … %}` prints."""
    from roles.models import Workplace
    from roles.templatetags.kb import fallback_note, text

    workplace = Role.objects.get(key="agent").workplaces.first()
    workplace.name_el = ""
    workplace.save()
    workplace = Workplace.objects.get(pk=workplace.pk)
    page = client.get("/el/roles/agent/").content.decode()
    with override("el"):
        name, note = text(workplace, "name", note=False), fallback_note(workplace, "name")
        expected = f'<a href="{workplace.get_absolute_url()}">{name}</a>{note}'
    assert 'lang="nb" class="fallback"' in name and "fallback-note" in note
    assert expected in _glance(page)
