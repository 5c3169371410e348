"""Public pages kept whole in the shared cache, per address and language, and made stale at once by
any change to the content."""

import pytest
from django.test import Client
from django.urls import reverse

from roles.models import Duty, Quality, Role
from tests.helpers import form_data

pytestmark = pytest.mark.django_db


def test_a_page_is_kept_and_then_answered_from_the_cache(client, seeded, django_assert_num_queries):
    first = client.get("/da/roles/agent/")
    assert first["X-Cache"] == "miss"
    with django_assert_num_queries(1):  # the content version only
        second = client.get("/da/roles/agent/")
    assert second["X-Cache"] == "hit"
    assert second.content == first.content
    assert second["Content-Language"] == "da"
    # The security headers are added to kept pages too.
    assert "default-src 'self'" in second["Content-Security-Policy"]


def test_each_language_and_address_is_kept_apart(client, seeded):
    for code in ("nb", "el", "da"):
        assert client.get(f"/{code}/roles/agent/")["X-Cache"] == "miss"
        again = client.get(f"/{code}/roles/agent/")
        assert again["X-Cache"] == "hit"
        assert f'<html lang="{code}">' in again.content.decode()
    assert client.get("/da/roles/agent/?page=2").get("X-Cache") == "miss"
    search = client.get("/da/search/", {"q": "klager"})
    assert search["X-Cache"] == "miss" and client.get("/da/search/", {"q": "klager"})["X-Cache"]


def test_a_save_makes_kept_pages_stale_at_once(client, seeded):
    client.get("/nb/roles/agent/")
    duty = Duty.objects.filter(role__key="agent").first()
    duty.text_nb = "Svare på e-post innen én arbeidsdag"
    duty.save()
    response = client.get("/nb/roles/agent/")
    assert response["X-Cache"] == "miss"
    assert "Svare på e-post innen én arbeidsdag" in response.content.decode()


def test_an_admin_edit_is_shown_to_readers_at_once(editor_client, seeded):
    reader = Client()
    assert reader.get("/el/qualities/patience/")["X-Cache"] == "miss"
    quality = Quality.objects.get(slug="patience")
    url = reverse("admin:roles_quality_change", args=[quality.pk])
    data = form_data(editor_client.get(url).content.decode(), "quality_form")
    data["name_el"] = ["Υπομονή και ηρεμία"]
    assert editor_client.post(url, data).status_code == 302
    assert "Υπομονή και ηρεμία" in reader.get("/el/qualities/patience/").content.decode()


def test_unpublishing_hides_a_kept_page_at_once(client, seeded):
    assert client.get("/nb/roles/manager/").status_code == 200
    Role.objects.filter(key="manager").update(published=False)
    assert client.get("/nb/roles/manager/").status_code == 404


def test_a_deleted_and_recovered_object_is_reflected_at_once(client, editor_client, seeded):
    client.get("/nb/qualities/patience/")
    Quality.objects.get(slug="patience").delete()
    assert client.get("/nb/qualities/patience/").status_code == 404


def test_a_restored_version_is_shown_at_once(client, seeded):
    import reversion
    from reversion.models import Version

    quality = Quality.objects.get(slug="listening")
    with reversion.create_revision():
        quality.save()
    before = quality.name_nb
    client.get("/nb/qualities/listening/")
    quality.name_nb = "Aktiv lytting"
    quality.save()
    assert "Aktiv lytting" in client.get("/nb/qualities/listening/").content.decode()
    Version.objects.get_for_object(quality).first().revision.revert()
    page = client.get("/nb/qualities/listening/").content.decode()
    assert before in page and "Aktiv lytting" not in page


def test_editors_get_fresh_pages_and_never_fill_the_cache(editor_client, seeded):
    response = editor_client.get("/nb/roles/agent/")
    assert "X-Cache" not in response
    assert Client().get("/nb/roles/agent/")["X-Cache"] == "miss"


def test_drafts_previewed_by_editors_never_reach_readers(editor_client, seeded):
    Role.objects.filter(key="manager").update(published=False)
    assert editor_client.get("/nb/roles/manager/").status_code == 200  # the preview
    assert Client().get("/nb/roles/manager/").status_code == 404


def test_what_is_never_kept(client, seeded):
    assert "X-Cache" not in client.get("/robots.txt")
    assert "X-Cache" not in client.get("/healthz")
    assert "X-Cache" not in client.get("/admin/login/")
    assert "X-Cache" not in client.get("/nb/no-such-page/")  # a 404
    assert "X-Cache" not in client.get("/roles/agent/")  # a redirect to the reader's language
    client.post("/nb/search/")  # a POST is not answered from the cache either


def test_the_page_cache_can_be_switched_off(client, seeded, settings):
    settings.PAGE_CACHE = False
    assert "X-Cache" not in client.get("/nb/")
    assert "X-Cache" not in client.get("/nb/")


def test_a_lost_cache_server_serves_pages_uncached(client, seeded):
    from unittest import mock

    with mock.patch("django.core.cache.cache.get", side_effect=ConnectionError("down")):
        with mock.patch("django.core.cache.cache.set", side_effect=ConnectionError("down")):
            response = client.get("/nb/roles/agent/")
    assert response.status_code == 200


def test_campaign_parameters_of_job_boards_are_the_same_page(client, seeded):
    assert client.get("/el/roles/agent/")["X-Cache"] == "miss"
    tagged = client.get("/el/roles/agent/", {"utm_source": "jobboard", "utm_campaign": "x"})
    assert tagged["X-Cache"] == "hit"
    assert client.get("/el/search/", {"q": "πελάτες", "utm_medium": "mail"})["X-Cache"] == "miss"
    assert client.get("/el/search/", {"q": "πελάτες"})["X-Cache"] == "hit"
    assert client.get("/el/search/", {"q": "υπομονή"})["X-Cache"] == "miss"


def test_editors_reuse_the_kept_role_sections_until_a_change(
    editor_client, seeded, django_assert_max_num_queries
):
    editor_client.get("/nb/roles/agent/")  # renders and keeps the sections
    with django_assert_max_num_queries(4):  # session, user, version, role
        page = editor_client.get("/nb/roles/agent/").content.decode()
    duty = Duty.objects.filter(role__key="agent").first()
    assert duty.text_nb in page
    duty.text_nb = "Følge opp saker til de er løst"
    duty.save()
    assert (
        "Følge opp saker til de er løst" in editor_client.get("/nb/roles/agent/").content.decode()
    )


def test_kept_role_sections_are_apart_for_readers_and_editors(editor_client, seeded):
    manager = Role.objects.get(key="manager")
    manager.published = False
    manager.save()  # the agent leads to the manager: only editors see that link
    reader = Client(HTTP_COOKIE="sessionid=not-a-session")  # misses the page cache
    assert 'href="/nb/roles/manager/"' in editor_client.get("/nb/roles/agent/").content.decode()
    assert 'href="/nb/roles/manager/"' not in reader.get("/nb/roles/agent/").content.decode()
    assert 'href="/nb/roles/manager/"' in editor_client.get("/nb/roles/agent/").content.decode()


def test_with_a_shared_cache_a_kept_page_needs_no_database_trip(
    client, seeded, settings, django_assert_num_queries, django_capture_on_commit_callbacks
):
    settings.REDIS_URL = "redis://shared"  # the shared-cache path; local memory stands in here
    client.get("/da/roles/agent/")
    with django_assert_num_queries(0):
        assert client.get("/da/roles/agent/")["X-Cache"] == "hit"
    duty = Duty.objects.filter(role__key="agent").first()
    duty.text_da = "Ringe kunden op dagen efter"
    with django_capture_on_commit_callbacks(execute=True):  # the test's transaction "commits"
        duty.save()
    fresh = client.get("/da/roles/agent/")
    assert fresh["X-Cache"] == "miss" and "Ringe kunden op dagen efter" in fresh.content.decode()


def test_a_shared_version_is_written_only_when_the_change_commits(
    client, seeded, settings, django_capture_on_commit_callbacks
):
    from django.core.cache import cache
    from django.db import transaction

    from kb.pagecache import store as page_cache

    settings.REDIS_URL = "redis://shared"
    before = page_cache.current_version()
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            page_cache.bump()
            assert cache.get(page_cache.VERSION_KEY) == before  # not yet committed
    assert cache.get(page_cache.VERSION_KEY) != before
    assert cache.get(page_cache.VERSION_KEY) == page_cache._stored_version()


def test_with_a_shared_cache_a_hit_is_one_round_trip_to_it(client, seeded, settings):
    from unittest import mock

    from django.core.cache import cache

    settings.REDIS_URL = "redis://shared"  # local memory stands in for Redis
    assert client.get("/nb/roles/agent/")["X-Cache"] == "miss"
    with mock.patch("kb.pagecache.store.cache", wraps=cache) as spy:
        assert client.get("/nb/roles/agent/")["X-Cache"] == "hit"
    assert [call[0] for call in spy.method_calls] == ["get_many"]  # the version and the page


def test_a_page_kept_from_an_older_version_is_rendered_again_in_its_place(
    client, seeded, settings, django_capture_on_commit_callbacks
):
    settings.REDIS_URL = "redis://shared"
    assert client.get("/el/roles/agent/")["X-Cache"] == "miss"
    duty = Duty.objects.filter(role__key="agent").first()
    duty.text_el = "Απαντά στα τηλέφωνα"
    with django_capture_on_commit_callbacks(execute=True):
        duty.save()
    fresh = client.get("/el/roles/agent/")
    assert fresh["X-Cache"] == "miss" and "Απαντά στα τηλέφωνα" in fresh.content.decode()
    again = client.get("/el/roles/agent/")
    assert again["X-Cache"] == "hit" and again.content == fresh.content
