"""The compare page: two or three roles side by side, the address being the whole state."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.html import escape

from roles.models import Duty, Quality, Role, RoleQuality
from roles.views import compare as views

pytestmark = pytest.mark.django_db

BOTH = "?roles=agent&roles=manager"


def columns(content: str) -> list[str]:
    """The role pages the column headers link to, in order."""
    return re.findall(r'<th scope="col"><a href="([^"]+)"', content)


def checked(content: str) -> list[str]:
    return re.findall(r'name="roles" value="([^"]+)" checked', content)


def test_it_shows_each_roles_duties_side_by_side_in_every_language(client, seeded, languages):
    roles = [Role.objects.get(key="agent"), Role.objects.get(key="manager")]
    for code in languages:
        response = client.get(f"/{code}/compare/{BOTH}")

        assert response.status_code == 200
        content = response.content.decode()
        assert f'<html lang="{code}">' in content
        assert columns(content) == [f"/{code}/roles/agent/", f"/{code}/roles/manager/"]
        for role in roles:
            assert escape(getattr(role, f"title_{code}")) in content
            assert escape(getattr(role, f"summary_{code}")) in content
            for duty in role.duties.all():
                assert f"<li>{escape(getattr(duty, f'text_{code}'))}</li>" in content
            for link in role.role_qualities.all():
                assert f'href="/{code}/qualities/{link.quality.slug}/"' in content
            for workplace in role.workplaces.all():
                assert f'href="/{code}/workplaces/{workplace.slug}/"' in content


def test_it_is_an_accessible_table(client, seeded):
    content = client.get(f"/nb/compare/{BOTH}").content.decode()

    assert content.count("<table") == 1 and "<caption" in content
    assert content.count('<th scope="col">') == 2
    agent, manager = (Role.objects.get(key=key) for key in ("agent", "manager"))
    qualities = {q.quality_id for q in RoleQuality.objects.filter(role__in=[agent, manager])}
    workplaces = set(agent.workplaces.all()) | set(manager.workplaces.all())
    # Five rows of texts, a row per quality and per workplace, under a heading of each group.
    assert content.count('<th scope="row">') == 5 + len(qualities) + len(workplaces)
    assert content.count('<th scope="rowgroup"') == 2
    # The table scrolls sideways in a region keyboards can reach, named by the caption.
    assert re.search(
        r'<div class="compare-scroll" role="region" aria-labelledby="compare-caption" '
        r'tabindex="0">',
        content,
    )
    assert 'id="compare-caption"' in content
    assert "style=" not in content


def matrix_rows(content: str, group: int) -> list[tuple[str, list[bool]]]:
    """The rows of a matrix group of the table (0: qualities, 1: workplaces): each item's page and
    whether each column's role has it."""
    body = re.findall(r'<tbody class="compare-matrix">(.*?)</tbody>', content, re.S)[group]
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        link = re.search(r'<th scope="row"><a href="([^"]+)"', row)
        if link:
            rows.append(
                (link[1], ["✓" in cell for cell in re.findall(r"<td[^>]*>(.*?)</td>", row)])
            )
    return rows


def test_qualities_and_workplaces_are_a_matrix_with_the_shared_ones_first(client, seeded):
    content = client.get(f"/nb/compare/{BOTH}").content.decode()
    agent, manager = (Role.objects.get(key=key) for key in ("agent", "manager"))
    rows = matrix_rows(content, 0)
    for role, column in ((agent, 0), (manager, 1)):
        mine = {link.quality.get_absolute_url() for link in role.role_qualities.all()}
        assert {url for url, marks in rows if marks[column]} == mine
    shared = [all(marks) for _url, marks in rows]
    assert shared == sorted(shared, reverse=True)  # the shared ones first
    assert any(shared) and not all(shared)  # the seeds have both kinds
    places = matrix_rows(content, 1)
    assert {url for url, marks in places if marks[0]} == {
        w.get_absolute_url() for w in agent.workplaces.all()
    }


def test_the_role_picker_is_above_the_table(client, seeded):
    content = client.get(f"/nb/compare/{BOTH}").content.decode()
    assert content.index('class="compare-form"') < content.index("<table")


def test_it_says_where_each_role_leads_and_what_leads_to_it(client, seeded):
    content = client.get("/nb/compare/?roles=agent&roles=associate&roles=manager").content.decode()
    rows = re.findall(r'<th scope="row">[^<]*</th>\s*(.*?)\s*</tr>', content, re.S)
    leads_to, led_from = rows[-2], rows[-1]
    cells = re.findall(r"<td>(.*?)</td>", leads_to, re.S)
    assert 'href="/nb/roles/manager/"' in cells[0] and 'href="/nb/roles/manager/"' in cells[1]
    with translation.override("nb"):
        assert translation.gettext("Top of the ladder") in cells[2]
    cells = re.findall(r"<td>(.*?)</td>", led_from, re.S)
    assert 'class="visually-hidden"' in cells[0]  # nothing leads to the agent: a dash, named
    assert 'href="/nb/roles/agent/"' in cells[2] and 'href="/nb/roles/associate/"' in cells[2]


def test_columns_follow_the_order_given(client, seeded):
    content = client.get("/nb/compare/?roles=manager&roles=agent").content.decode()
    assert columns(content) == ["/nb/roles/manager/", "/nb/roles/agent/"]


def test_link_previews_name_the_roles(client, seeded, languages):
    for code in languages:
        agent, manager = (Role.objects.get(key=key) for key in ("agent", "manager"))
        with translation.override(code):
            names = translation.gettext("%(items)s and %(last)s") % {
                "items": getattr(agent, f"title_{code}"),
                "last": getattr(manager, f"title_{code}"),
            }
            title = translation.gettext("Compare: %(roles)s") % {"roles": names}
        content = client.get(f"/{code}/compare/{BOTH}").content.decode()
        assert f'<meta property="og:title" content="{escape(title)}">' in content
        assert f"<title>{escape(title)} – " in content


def test_the_comma_form_is_redirected_to_the_repeated_form(client, seeded):
    response = client.get("/el/compare/?roles=agent,manager")
    assert response.status_code == 301
    assert response.headers["Location"] == f"/el/compare/{BOTH}"

    response = client.get("/el/compare/?roles=agent,%20manager", follow=True)
    assert response.redirect_chain == [(f"/el/compare/{BOTH}", 301)]
    assert columns(response.content.decode()) == ["/el/roles/agent/", "/el/roles/manager/"]


def test_repeats_and_blanks_collapse(client, seeded):
    response = client.get("/nb/compare/?roles=agent&roles=&roles=agent,manager,agent")
    assert response.headers["Location"] == f"/nb/compare/{BOTH}"
    assert client.get("/nb/compare/?roles=").headers["Location"] == "/nb/compare/"


def test_links_in_other_languages_keep_the_comparison(client, seeded, languages):
    content = client.get(f"/nb/compare/{BOTH}").content.decode()

    canonical = "http://testserver/nb/compare/?roles=agent&amp;roles=manager"
    assert f'<link rel="canonical" href="{canonical}">' in content
    for code in languages:
        url = f"http://testserver/{code}/compare/?roles=agent&amp;roles=manager"
        assert f'<link rel="alternate" hreflang="{code}" href="{url}">' in content
    other = languages[1]
    switch = re.search(rf'<a href="(/language/{other}/[^"]+)"', content)[1].replace("&amp;", "&")
    assert client.get(switch).headers["Location"] == f"/{other}/compare/{BOTH}"
    # x-default: the language-neutral address answers in the reader's language.
    x_default = "http://testserver/compare/?roles=agent&amp;roles=manager"
    assert f'<link rel="alternate" hreflang="x-default" href="{x_default}">' in content
    response = Client().get(f"/compare/{BOTH}", HTTP_ACCEPT_LANGUAGE=other)
    assert response.headers["Location"] == f"/{other}/compare/{BOTH}"


def test_unknown_keys_are_named_and_the_others_compared(client, seeded):
    response = client.get("/nb/compare/?roles=agent&roles=cashier&roles=manager")

    assert response.status_code == 200
    content = response.content.decode()
    assert columns(content) == ["/nb/roles/agent/", "/nb/roles/manager/"]
    assert re.search(r'<p class="banner" role="note">[^<]*cashier', content)
    # The canonical address is what is shown.
    assert 'rel="canonical" href="http://testserver/nb/compare/?roles=agent&amp;roles=manager"' in (
        content
    )


def test_only_unknown_keys_show_the_form_and_name_them(client, seeded):
    response = client.get("/nb/compare/?roles=cashier&roles=ceo")

    assert response.status_code == 200
    content = response.content.decode()
    assert "<table" not in content
    assert re.search(r'<p class="banner" role="note">[^<]*cashier, ceo', content)
    assert content.count('type="checkbox"') == 3 and checked(content) == []


def test_many_unknown_keys_are_named_five_at_most(client, seeded):
    query = "&".join(f"roles=nope{index}" for index in range(40))
    content = client.get(f"/nb/compare/?{query}").content.decode()
    assert "nope4, …" in content and "nope5" not in content


@pytest.mark.parametrize(
    "query",
    [
        "roles=%3Cscript%3Ealert(1)%3C/script%3E&roles=agent",
        "roles=agent&roles=%22%3E%3Cscript%3Ealert(1)%3C/script%3E",
    ],
)
def test_a_hostile_key_is_escaped(client, seeded, query):
    response = client.get(f"/nb/compare/?{query}")

    assert response.status_code == 200
    content = response.content.decode()
    assert "<script>alert(1)" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content


@pytest.mark.parametrize(
    "query",
    [
        "roles=%00",
        "roles=agent%00",
        "roles=%ff%fe",
        "roles=" + "x" * 5000,
        "roles=πελάτης",
        "roles=,",
    ],
)
def test_garbage_is_never_a_server_error(client, seeded, query):
    response = client.get(f"/nb/compare/?{query}", follow=True)
    assert response.status_code == 200


def test_one_role_shows_the_form_and_asks_for_another(client, seeded):
    agent = Role.objects.get(key="agent")

    response = client.get("/nb/compare/?roles=agent")

    assert response.status_code == 200
    content = response.content.decode()
    assert "<table" not in content
    assert checked(content) == ["agent"]
    assert re.search(rf'<p class="lead">[^<]*{re.escape(agent.title_nb)}', content)


def test_no_role_shows_the_form_with_a_welcome(client, seeded):
    response = client.get("/nb/compare/")

    assert response.status_code == 200
    content = response.content.decode()
    assert "<table" not in content and 'class="banner"' not in content
    assert re.search(r'<form class="compare-form" method="get" action="/nb/compare/">', content)
    assert re.findall(r'name="roles" value="([^"]+)"', content) == ["agent", "associate", "manager"]
    assert '<button type="submit">' in content
    assert 'class="lead"' in content


def test_four_roles_compare_the_first_three(client, seeded):
    """Only three role keys exist: a fourth is unknown, and left out."""
    content = client.get(
        "/nb/compare/?roles=manager&roles=agent&roles=associate&roles=cashier"
    ).content.decode()
    assert columns(content) == ["/nb/roles/manager/", "/nb/roles/agent/", "/nb/roles/associate/"]
    assert "cashier" in content


def test_past_the_most_the_first_are_compared_with_a_word(client, seeded, monkeypatch):
    """With more known roles than fit, the first ones are compared and the page says so."""
    monkeypatch.setattr(views, "COMPARE_MAX", 2)

    content = client.get("/nb/compare/?roles=manager&roles=agent&roles=associate").content.decode()

    assert columns(content) == ["/nb/roles/manager/", "/nb/roles/agent/"]
    assert checked(content) == ["agent", "manager"]  # the form lists the roles in ladder order
    with translation.override("nb"):
        message = translation.ngettext(
            "At most %(counter)s role can be compared at a time: here is the first one you chose.",
            "At most %(counter)s roles can be compared at a time: here are the first %(counter)s "
            "you chose.",
            2,
        ) % {"counter": 2}
    assert message in content


def test_a_missing_translation_is_marked(client, seeded, languages):
    Duty.objects.filter(role__key="agent", order=1).update(**{f"text_{languages[-1]}": None})
    duty = Duty.objects.get(role__key="agent", order=1)

    content = client.get(f"/{languages[-1]}/compare/{BOTH}").content.decode()

    shown = escape(getattr(duty, f"text_{languages[0]}"))
    assert f'<span lang="{languages[0]}" class="fallback">{shown}</span>' in content
    assert 'class="fallback-note"' in content


def test_drafts_are_hidden_from_readers_and_compared_by_editors(editor_client, seeded):
    Role.objects.filter(key="manager").update(published=False, title_nb="HEMMELIG UTKAST")

    content = Client().get(f"/nb/compare/{BOTH}").content.decode()
    assert "HEMMELIG UTKAST" not in content
    assert "<table" not in content
    assert 'value="manager"' not in content
    assert re.search(r'<p class="banner" role="note">[^<]*manager', content)

    content = editor_client.get(f"/nb/compare/{BOTH}").content.decode()
    assert columns(content) == ["/nb/roles/agent/", "/nb/roles/manager/"]
    assert "HEMMELIG UTKAST" in content and 'class="draft"' in content


def test_the_page_runs_a_fixed_number_of_queries(
    client, seeded, settings, django_assert_max_num_queries
):
    settings.PAGE_CACHE = False  # measure the view, not the cache
    for key in ("agent", "associate", "manager"):
        role = Role.objects.get(key=key)
        for index in range(20):
            Duty.objects.create(role=role, key=f"extra-{index}", order=100 + index, text_nb="P.")
            quality = Quality.objects.create(
                slug=f"extra-{key}-{index}", name_nb=f"E {index}", published=True
            )
            RoleQuality.objects.create(role=role, quality=quality, order=100 + index)

    counts = []
    for query in (BOTH, "?roles=agent&roles=associate&roles=manager"):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/el/compare/{query}").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]  # the same for two roles as for three
    with django_assert_max_num_queries(10):
        assert (
            client.get("/el/compare/?roles=agent&roles=associate&roles=manager").status_code == 200
        )


def test_it_refuses_other_methods(client, seeded):
    assert client.post(f"/nb/compare/{BOTH}").status_code == 405


def test_the_home_page_links_to_the_compare_page(client, seeded, languages):
    for code in languages:
        content = client.get(f"/{code}/").content.decode()
        assert f'<p class="compare-link"><a href="/{code}/compare/">' in content
