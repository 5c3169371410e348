"""Every interface string is translated in every language: no empty, no fuzzy entries."""

import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

CATALOGUES = Path(settings.BASE_DIR) / "locale"


@pytest.mark.parametrize("code", [code for code, _name in settings.LANGUAGES])
def test_the_catalogue_is_complete(code):
    po = CATALOGUES / code / "LC_MESSAGES" / "django.po"
    assert po.is_file(), f"{po} is missing"
    assert_complete(po)


@pytest.mark.parametrize("code", [code for code, _name in settings.LANGUAGES])
def test_the_javascript_catalogue_is_complete(code):
    """The admin's JavaScript strings Django's own catalogue lacks (written by hand)."""
    po = CATALOGUES / code / "LC_MESSAGES" / "djangojs.po"
    if not po.exists():
        pytest.skip(f"Django's own {code} JavaScript catalogue is complete")
    assert_complete(po)


def assert_complete(po: Path) -> None:
    """msgfmt accepts the catalogue, and finds no untranslated or fuzzy entry in it."""
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(po)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, result.stderr


@pytest.mark.parametrize("code", [code for code, _name in settings.LANGUAGES])
@pytest.mark.django_db
def test_pages_speak_the_language(code):
    with translation.override(code):
        expected = translation.gettext("Customer service roles")
    assert expected != "Customer service roles", f"no {code} translation is compiled"
    response = Client().get(f"/{code}/")
    assert expected in response.content.decode()
