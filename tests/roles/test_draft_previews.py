"""Unpublished roles are previews for those who may view them in the admin, not for every staff
account: a staff account with no group sees what readers see."""

import pytest

from roles.models import Quality, Role
from tests.helpers import member

pytestmark = pytest.mark.django_db

# A draft role's public faces: its page, its card (embed, og image, QR) and oEmbed.
DRAFT_PAGES = [
    "/nb/roles/manager/",
    "/el/roles/manager/",
    "/embed/roles/manager/",
    "/nb/roles/manager/og.png",
    "/oembed?url=http://testserver/nb/roles/manager/",
]


@pytest.fixture
def draft(seeded):
    Role.objects.filter(key="manager").update(published=False)
    Quality.objects.filter(slug="patience").update(published=False)


@pytest.mark.parametrize("url", DRAFT_PAGES)
def test_a_staff_account_without_permissions_sees_no_draft(django_user_model, draft, url):
    bare_staff = member(django_user_model, "sam")

    assert bare_staff.get(url).status_code == 404


@pytest.mark.parametrize("url", DRAFT_PAGES)
def test_a_translator_previews_a_draft(django_user_model, draft, url):
    translator = member(django_user_model, "eleni", "Translators (el)")

    response = translator.get(url)

    assert response.status_code == 200
    assert "public" not in response.get("Cache-Control", "")


def test_a_draft_quality_and_the_ladder_stay_hidden_from_bare_staff(django_user_model, draft):
    bare_staff = member(django_user_model, "sam")

    assert bare_staff.get("/nb/qualities/patience/").status_code == 404
    home = bare_staff.get("/nb/").content.decode()
    assert "/nb/roles/manager/" not in home
    agent = bare_staff.get("/nb/roles/agent/").content.decode()
    assert "/nb/roles/manager/" not in agent  # the agent leads to the (draft) manager


@pytest.mark.parametrize(
    "url", ["/admin/translation-files/export/", "/admin/translation-files/import/"]
)
def test_the_translators_files_are_not_for_bare_staff(django_user_model, draft, url):
    bare_staff = member(django_user_model, "sam")

    assert bare_staff.get(url, {"language": "el", "format": "po"}).status_code == 403
    assert "translation-files" not in bare_staff.get("/admin/").content.decode()


def test_a_translator_exports_every_text_drafts_included(django_user_model, draft):
    translator = member(django_user_model, "eleni", "Translators (el)")

    response = translator.get(
        "/admin/translation-files/export/", {"language": "el", "format": "po"}
    )

    assert response.status_code == 200
    manager = Role.objects.get(key="manager")
    assert manager.title_nb in response.content.decode()
