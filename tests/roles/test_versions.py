"""Pinned published versions: numbered, immutable, with permalinks that keep the old text."""

import re
from datetime import UTC, datetime

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group
from django.db import connection
from django.utils import translation
from django.utils.translation import gettext

from roles.models import (
    Duty,
    Quality,
    Role,
    RoleQuality,
    RoleVersion,
    Scenario,
    VersionText,
    Workplace,
)
from roles.versions import publishing
from tests.helpers import form_data

pytestmark = pytest.mark.django_db


def agent():
    return Role.objects.get(key="agent")


def article(response) -> str:
    """The role as the version shows it (without the banner about later versions)."""
    return re.search(r'<article class="role pinned-version">.*?</article>', response.text, re.S)[0]


def below_banner(response) -> str:
    """The page from the version's role on (its scenarios are articles inside it)."""
    return response.text[response.text.index('<article class="role pinned-version">') :]


def banner(response) -> str:
    return re.search(r'<aside class="banner version-banner".*?</aside>', response.text, re.S)[0]


def test_the_seed_load_publishes_version_1_of_each_published_role(seeded):
    assert sorted(RoleVersion.objects.values_list("role_key", "number")) == [
        ("agent", 1),
        ("associate", 1),
        ("manager", 1),
    ]
    assert "Kundeserviceagent, v1 (role agent)" in " ".join(seeded.published)


def test_publishing_twice_gives_versions_1_and_2_and_version_1_keeps_the_old_text(
    client, seeded, languages
):
    role = agent()
    before = {code: getattr(role, f"title_{code}") for code in languages}
    first_duty = role.duties.order_by("order").first()
    old_duty = {code: getattr(first_duty, f"text_{code}") for code in languages}
    for code in languages:
        setattr(role, f"title_{code}", f"{before[code]} (2027)")
    role.save()
    for code in languages:
        setattr(first_duty, f"text_{code}", f"Ny plikt {code}")
    first_duty.save()

    version = publishing.publish(role)

    assert version.number == 2
    one, two = RoleVersion.objects.of("agent").order_by("number")
    assert one.fingerprint != two.fingerprint
    for code in languages:
        old = client.get(f"/{code}/roles/agent/v/1/")
        new = client.get(f"/{code}/roles/agent/v/2/")
        assert old.status_code == new.status_code == 200
        assert f"<h1>{before[code]}</h1>" in article(old)
        assert f"<h1>{before[code]} (2027)</h1>" in article(new)
        assert old_duty[code] in article(old) and f"Ny plikt {code}" not in article(old)
        assert f"Ny plikt {code}" in article(new)
        current = client.get(f"/{code}/roles/agent/")
        assert f"{before[code]} (2027)" in current.text


def test_the_banner_says_what_changed_since_the_version(client, seeded):
    role = agent()
    removed = role.duties.order_by("order").first()
    changed = role.duties.order_by("order")[1]
    dropped = RoleQuality.objects.filter(role=role).select_related("quality").first()
    removed_text, dropped_name = removed.text_nb, dropped.quality.name_nb
    removed.delete()
    changed.text_nb = "Svare på e-post innen én arbeidsdag."
    changed.save()
    Duty.objects.create(role=role, key="new-duty", order=999, text_nb="Følge opp klager skriftlig.")
    dropped.delete()
    role.summary_nb = "En ny oppsummering."
    role.save()
    publishing.publish(role)

    text = banner(client.get("/nb/roles/agent/v/1/"))

    assert "Gjeldende versjon er versjon 2" in text  # the current version is named
    duties = re.search(r"<strong>Oppgaver</strong>.*?</ul>", text, re.S)[0]
    assert "Følge opp klager skriftlig." in duties  # added
    assert removed_text[:40] in duties  # removed
    assert "Svare på e-post innen én arbeidsdag." in duties  # changed
    qualities = re.search(r"<strong>Egenskaper</strong>.*?</ul>", text, re.S)[0]
    assert dropped_name in qualities
    about = re.search(r"<strong>Om rollen</strong>.*?</ul>", text, re.S)[0]
    assert "sammendrag" in about and "tittel" not in about
    assert "Scenarier" not in text  # an unchanged section is left out
    assert '<a href="/nb/roles/agent/v/2/">Åpne gjeldende versjon</a>' in text
    assert 'href="/nb/roles/agent/"' in text
    # The current version says so, and lists no changes.
    current = banner(client.get("/nb/roles/agent/v/2/"))
    assert "gjeldende versjon" in current and "<h3>" not in current


def test_publishing_an_unchanged_role_makes_no_version(seeded):
    with pytest.raises(publishing.NothingToPublish) as unchanged:
        publishing.publish(agent())
    assert unchanged.value.version.number == 1
    assert RoleVersion.objects.of("agent").count() == 1


def test_a_version_stores_only_the_texts_that_changed(seeded):
    before = VersionText.objects.count()
    role = agent()
    role.title_da = "Kundeserviceagent, ny titel"
    role.save()
    publishing.publish(role)
    assert VersionText.objects.count() == before + 1


def test_a_version_is_never_changed_or_deleted(seeded):
    version = RoleVersion.objects.of("agent").get()
    version.content = {}
    with pytest.raises(ValueError):
        version.save()
    with pytest.raises(ValueError):
        version.delete()
    with pytest.raises(ValueError):
        RoleVersion.objects.all().delete()
    with pytest.raises(ValueError):
        RoleVersion.objects.update(number=7)
    assert RoleVersion.objects.of("agent").get().content["title"]


def test_a_withdrawn_version_answers_410_with_a_link_to_the_current_one(client, seeded):
    role = agent()
    role.summary_nb = "En annen oppsummering."
    role.save()
    publishing.publish(role)
    publishing.withdraw(
        RoleVersion.objects.of("agent").get(number=1), user=None, reason="Feil lønnsnivå"
    )

    response = client.get("/nb/roles/agent/v/1/")

    assert response.status_code == 410
    # The current version, which the role's page may have moved on from, and that page.
    assert re.search(r'<a href="/nb/roles/agent/v/2/">[^<]*versjon 2', response.text)
    assert 'href="/nb/roles/agent/"' in response.text
    neutral = client.get("/roles/agent/v/1/", HTTP_ACCEPT_LANGUAGE="da", follow=True)
    assert neutral.status_code == 410
    assert neutral.redirect_chain[-1][0] == "/da/roles/agent/v/1/"
    # The version is kept as it was.
    kept = RoleVersion.objects.of("agent").get(number=1)
    assert kept.withdrawal_reason == "Feil lønnsnivå" and kept.content["title"]


def test_the_language_neutral_version_link_goes_to_the_readers_language(client, seeded):
    response = client.get("/roles/agent/v/1/", HTTP_ACCEPT_LANGUAGE="el")
    assert response.status_code == 302
    assert response["Location"] == "/el/roles/agent/v/1/"
    assert "Accept-Language" in response["Vary"]


@pytest.mark.parametrize(
    "path",
    [
        "/nb/roles/agent/v/2/",
        "/nb/roles/agent/v/0/",
        "/nb/roles/agent/v/99999999999999999999999/",
        "/nb/roles/agent/v/-1/",
        "/nb/roles/agent/v/one/",
        "/nb/roles/nobody/v/1/",
        "/nb/roles/nobody/v/",
        "/roles/agent/v/99999999999999999999999/",
        "/roles/nobody/v/1/",
    ],
)
def test_a_version_that_does_not_exist_is_a_404(client, seeded, path):
    # A language-neutral address is first sent to the reader's language, as every page is.
    assert client.get(path, follow=True).status_code == 404


def published_late_in_the_evening_utc(key: str) -> None:
    """Dates a role's version 1 at 23:30 UTC on 14 March 2026, already 15 March in Oslo (the
    site's time zone). Versions refuse edits, so the test setup writes the row directly."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE roles_roleversion SET published_at = %s WHERE role_key = %s AND number = 1",
            [datetime(2026, 3, 14, 23, 30, tzinfo=UTC), key],
        )


def test_the_role_page_names_its_version_in_the_readers_language(client, seeded):
    published_late_in_the_evening_utc("agent")
    page = client.get("/nb/roles/agent/").text
    line = re.search(r'<p class="version-line">.*?</p>', page, re.S)[0]
    # The date is the site's (Europe/Oslo), not UTC's, where it was still 14 March.
    assert "Versjon 1, publisert 15. mars 2026" in line
    kit = client.get("/nb/roles/agent/for-employers/").text
    assert "Fast lenke: versjon 1, publisert 15. mars 2026" in kit
    assert 'href="/nb/roles/agent/v/1/"' in line
    assert "endret siden" not in line
    # An edit not yet published shows, on the pages whose language it changes.
    role = agent()
    role.summary_el = "Άλλαξε μετά τη δημοσίευση."
    role.save()
    assert "endret siden" not in client.get("/nb/roles/agent/").text
    assert "έχει αλλάξει από τότε" in client.get("/el/roles/agent/").text
    role.summary_nb = "Endret etter publisering."
    role.save()
    assert "endret siden" in client.get("/nb/roles/agent/").text


def test_the_versions_list_gives_every_versions_link(client, seeded):
    role = agent()
    role.title_nb = "Kundeserviceagent (ny)"
    role.save()
    publishing.publish(role)
    page = client.get("/da/roles/agent/v/")
    assert page.status_code == 200
    assert "http://testserver/roles/agent/v/1/" in page.text
    assert "http://testserver/roles/agent/v/2/" in page.text
    assert '<meta name="robots" content="noindex">' in page.text


def test_a_version_outlives_its_role(client, seeded):
    Role.objects.filter(key="manager").delete()
    response = client.get("/nb/roles/manager/v/1/")
    assert response.status_code == 200
    assert "ikke lenger publisert" in banner(response)


def test_a_version_links_only_to_pages_that_still_open(client, seeded):
    content = RoleVersion.objects.of("agent").get().content
    quality, scenario, workplace = (
        content[section][0]["slug"] for section in ("qualities", "scenarios", "workplaces")
    )
    leads_to = content["leads_to"]["key"]
    links = [
        f'href="/nb/qualities/{quality}/"',
        f'href="/nb/scenarios/{scenario}/"',
        f'href="/nb/workplaces/{workplace}/"',
        f'href="/nb/roles/{leads_to}/"',
    ]
    shown = below_banner(client.get("/nb/roles/agent/v/1/"))
    assert [link for link in links if link not in shown] == []

    Quality.objects.filter(slug=quality).update(published=False)
    Scenario.objects.filter(slug=scenario).update(published=False)
    Workplace.objects.filter(slug=workplace).delete()
    Role.objects.filter(key=leads_to).update(published=False)
    response = client.get("/nb/roles/agent/v/1/")
    shown = below_banner(response)
    assert not any(link in shown for link in links)
    # The version still names them, as it was published.
    assert len(re.findall(r"<dt>", shown)) == len(content["qualities"])
    assert f'id="scenario-{scenario}"' in shown
    assert shown.count("<li>", shown.index('id="workplaces"')) >= len(content["workplaces"])
    for href in re.findall(r'href="([^"#]+)"', response.text):
        if href.startswith("/nb/"):
            assert client.get(href).status_code == 200, href


def test_a_version_page_runs_a_fixed_number_of_queries(
    client, seeded, settings, django_assert_num_queries
):
    settings.PAGE_CACHE = False
    role = agent()
    with django_assert_num_queries(4) as small:
        client.get("/nb/roles/agent/v/1/")
    for n in range(40):
        Duty.objects.create(role=role, key=f"extra-{n}", order=500 + n, text_nb=f"Plikt {n}")
    publishing.publish(role)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get("/nb/roles/agent/v/1/")
    assert "Plikt 39" in banner(response)


# Admin ------------------------------------------------------------------------------------------


def change_url(role):
    return f"/admin/roles/role/{role.pk}/change/"


def test_save_and_publish_in_admin_stores_a_new_version(editor_client, seeded):
    role = agent()
    page = editor_client.get(change_url(role))
    assert 'name="_publish"' in page.text
    data = form_data(page.text, "role_form")
    data["title_nb"] = ["Kundeserviceagent i 2027"]
    data["_publish"] = ["1"]

    response = editor_client.post(change_url(role), data, follow=True)

    assert response.status_code == 200
    version = RoleVersion.objects.of("agent").get(number=2)
    assert version.published_by.username == "alice"
    with translation.override("nb"):
        published = gettext("Published version %(number)s.") % {"number": 2}
    assert LogEntry.objects.filter(change_message=published).exists()
    assert (
        "Kundeserviceagent i 2027"
        in VersionText.objects.get(digest=version.content["title"]["nb"]).text
    )


def test_a_translator_cannot_publish(client, seeded, django_user_model):
    translator = django_user_model.objects.create_user("tor", password="pw-tor-1", is_staff=True)
    translator.groups.add(Group.objects.get(name="Translators (da)"))
    client.force_login(translator)
    role = agent()
    page = client.get(change_url(role))
    assert 'name="_publish"' not in page.text
    data = form_data(page.text, "role_form")
    data["title_da"] = ["Kundeserviceagent (da)"]
    data["_publish"] = ["1"]
    client.post(change_url(role), data)
    assert RoleVersion.objects.of("agent").count() == 1


def test_withdrawing_in_admin_asks_why_and_logs_it(editor_client, seeded):
    version = RoleVersion.objects.of("agent").get()
    changelist = "/admin/roles/roleversion/"
    ask = editor_client.post(changelist, {"action": "withdraw", "_selected_action": [version.pk]})
    assert ask.status_code == 200 and 'name="reason"' in ask.text
    empty = editor_client.post(
        changelist,
        {"action": "withdraw", "_selected_action": [version.pk], "confirm": "1", "reason": " "},
    )
    assert empty.status_code == 200
    assert not RoleVersion.objects.get(pk=version.pk).withdrawn

    editor_client.post(
        changelist,
        {
            "action": "withdraw",
            "_selected_action": [version.pk],
            "confirm": "1",
            "reason": "Stillingen er endret.",
        },
    )

    version.refresh_from_db()
    assert version.withdrawn and version.withdrawn_by.username == "alice"
    # Logged in the editor's admin language, with their reason as they wrote it.
    logged = gettext("Withdrawn: %(reason)s") % {"reason": "Stillingen er endret."}
    assert LogEntry.objects.filter(change_message=logged).exists()
    assert editor_client.get(f"{changelist}{version.pk}/change/").status_code == 200
    assert editor_client.get(f"{changelist}{version.pk}/delete/").status_code == 403


def test_the_summary_covers_the_career_ladder_workplaces_and_codes():
    from roles.versions.pinned import changes
    from roles.versions.publishing import digest

    store = {digest(t): t for t in ("Butikk", "Kundesenter", "Leder", "Agent")}

    def ref(value):
        return {"nb": digest(value)}

    before = {
        "workplaces": [{"slug": "shop", "name": ref("Butikk")}],
        "leads_to": {"key": "agent", "title": ref("Agent")},
        "codes": {"isco08": "4225"},
    }
    after = {
        "workplaces": [{"slug": "centre", "name": ref("Kundesenter")}],
        "leads_to": {"key": "manager", "title": ref("Leder")},
        "codes": {"isco08": "4222", "onet_soc": "43-4051.00"},
    }
    with translation.override("nb"):
        found = {change.section: change for change in changes(before, after, store)}
    assert found["Hvor man jobber i rollen"].added == ["Kundesenter"]
    assert found["Hvor man jobber i rollen"].removed == ["Butikk"]
    assert found["Karrierevei"].added == ["Leder"] and found["Karrierevei"].removed == ["Agent"]
    assert found["Yrkeskoder"].changed == ["ISCO-08", "O*NET-SOC"]
    assert "Oppgaver" not in found


def test_publishing_an_unpublished_unchanged_role_shows_it_again_as_its_version(client, seeded):
    Role.objects.filter(key="agent").update(published=False)
    with pytest.raises(publishing.NothingToPublish):
        publishing.publish(agent())
    assert agent().published
    assert client.get("/nb/roles/agent/").status_code == 200
    assert RoleVersion.objects.of("agent").count() == 1


def test_the_summary_lists_sources_and_order_and_only_this_languages_changes(client, seeded):
    from roles.models import Source

    role = agent()
    role.sources.add(*Source.objects.exclude(role=role)[:1])
    first, second = role.duties.order_by("order")[:2]
    first.order, second.order = 10_001, 10_000
    Duty.objects.bulk_update([first, second], ["order"])
    publishing.publish(role)
    text = banner(client.get("/nb/roles/agent/v/1/"))
    assert "<strong>Kilder</strong>" in text
    assert "rekkefølgen er endret" in text

    role = agent()
    role.summary_da = "Kun den danske tekst er ændret."
    role.save()
    publishing.publish(role)
    norwegian = banner(client.get("/nb/roles/agent/v/2/"))
    assert "<h3>" not in norwegian and "de andre språkene" in norwegian
    danish = banner(client.get("/da/roles/agent/v/2/"))
    assert "resumé" in danish


def test_the_versions_list_names_the_role_and_says_when_it_is_gone(client, seeded):
    assert "Publiserte versjoner: Kundeserviceagent" in client.get("/nb/roles/agent/v/").text
    Role.objects.filter(key="agent").update(published=False)
    page = client.get("/nb/roles/agent/v/").text
    assert 'href=""' not in page and "ikke lenger publisert" in page


def test_a_withdrawal_is_never_undone_and_version_texts_never_change(seeded):
    version = RoleVersion.objects.of("agent").get()
    publishing.withdraw(version, user=None, reason="test")
    version.withdrawn_at = None
    with pytest.raises(ValueError):
        version.save(update_fields=["withdrawn_at"])
    with pytest.raises(ValueError):
        RoleVersion.objects.update(withdrawn_at=None)
    with pytest.raises(ValueError):
        VersionText.objects.update(text="changed")
    with pytest.raises(ValueError):
        VersionText.objects.all().delete()
    stored = VersionText.objects.first()
    stored.text = "changed"
    with pytest.raises(ValueError):
        stored.save()


def test_a_greek_date_names_its_month_as_greek_writes_it(client, seeded):
    page = client.get("/el/roles/agent/").text
    line = re.search(r'<p class="version-line">(.*?)·', page, re.S)[1]
    assert re.search(r"δημοσιεύτηκε στις \d{1,2} [Α-Ωα-ωάέήίόύώ]+ου \d{4}", line), line


def test_a_role_whose_codes_are_all_cleared_still_shows_its_earlier_versions(client, seeded):
    manager = Role.objects.get(key="manager")
    manager.isco08 = manager.esco_uri = manager.onet_soc = ""
    manager.save()
    publishing.publish(manager)

    for code in ("nb", "el", "da"):
        assert client.get(f"/{code}/roles/manager/v/1/").status_code == 200
    summary = banner(client.get("/nb/roles/manager/v/1/"))
    assert "Yrkeskoder" in summary and "ISCO-08" in summary
    assert "«ISCO-08»" not in summary  # a field's name, not a quoted text
    # The newer version, with no codes, compares with a later one without a crash either.
    manager.title_nb = "Kundeserviceleder (ny)"
    manager.save()
    publishing.publish(manager)
    assert client.get("/nb/roles/manager/v/2/").status_code == 200


def test_with_every_version_withdrawn_the_410_still_leads_to_the_role(client, seeded):
    publishing.withdraw(RoleVersion.objects.of("agent").get(), user=None, reason="Feil.")
    response = client.get("/nb/roles/agent/v/1/")
    assert response.status_code == 410
    assert 'href="/nb/roles/agent/"' in response.text
    main = re.search(r"<main.*?</main>", response.text, re.S)[0]
    assert "Åpne gjeldende versjon" not in main  # there is none


def test_a_version_has_one_address_and_its_number_in_the_title(client, seeded):
    response = client.get("/da/roles/agent/v/01/?kit=el")
    assert response.status_code == 301
    assert response["Location"] == "/da/roles/agent/v/1/?kit=el"
    page = client.get("/da/roles/agent/v/1/").text
    title = re.search(r"<title>(.*?)</title>", page)[0]
    assert "Kundeserviceagent, version 1 – " in title
    assert '<meta property="og:title" content="Kundeserviceagent, version 1">' in page


@pytest.mark.parametrize("code", ["nb", "el", "da"])
def test_shows_digests_only_the_shown_texts_and_agrees_with_the_versions_fingerprints(seeded, code):
    """shows() builds the page's fingerprint from the shown texts alone: the same as the
    fingerprint of shown_in() over the whole snapshot, with or without a text missing."""
    for role in Role.objects.with_content():
        full, _texts = publishing.snapshot(role)
        expected = publishing.fingerprint(publishing.shown_in(full, code))
        shown, _texts = publishing.snapshot(role, collect=publishing._Shown(code))
        assert publishing.fingerprint(shown) == expected
    role = agent()
    role.summary_el = role.summary_da = ""
    role.save()
    role = Role.objects.with_content().get(pk=role.pk)
    full, _texts = publishing.snapshot(role)
    shown, _texts = publishing.snapshot(role, collect=publishing._Shown(code))
    assert publishing.fingerprint(shown) == publishing.fingerprint(publishing.shown_in(full, code))
