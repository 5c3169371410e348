"""The admin speaks the editor's language all through: Django's widgets, django-axes and
django-reversion included, and the editorial groups' names."""

import json
import re

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import translation

from roles.languages import language_name

pytestmark = pytest.mark.django_db

LANGUAGES = [code for code, _name in settings.LANGUAGES]
OTHERS = [code for code in LANGUAGES if code != settings.LANGUAGE_CODE]


def in_language(client, code):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = code
    return client


def js_catalogue(client, code) -> dict:
    response = in_language(client, code).get(reverse("admin:jsi18n"))
    return json.loads(re.search(r"const newcatalog = (\{.*?\});\n", response.text, re.S)[1])


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_selector_widgets_speak_every_language(editor_client, code):
    catalogue = js_catalogue(editor_client, code)

    for msgid in ["Choose all %s", "Remove selected %s", "Remove all %s", "Choose selected %s"]:
        assert catalogue.get(msgid, msgid) != msgid, msgid
    if code != settings.LANGUAGE_CODE:
        # Not the default language's words, which Django falls back to.
        default = js_catalogue(editor_client, settings.LANGUAGE_CODE)
        assert catalogue["Choose all %s"] != default["Choose all %s"]


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_lists_name_their_tools_in_the_admins_language(editor_client, seeded, code):
    response = in_language(editor_client, code).get(reverse("admin:roles_role_changelist"))

    assert response.headers["Content-Language"] == code
    text = response.text
    for english in ["Show counts", "Start typing to filter…", "Skip to main content"]:
        assert english not in text
    if code != settings.LANGUAGE_CODE:
        # django-reversion has no catalogue for every language: no Bokmål "Gjenopprett".
        with translation.override(settings.LANGUAGE_CODE):
            default = translation.gettext("Recover deleted %(name)s") % {"name": ""}
        assert default.strip() not in text


@pytest.mark.parametrize("code", LANGUAGES)
def test_django_axes_is_named_in_the_admins_language(editor_client, code):
    text = in_language(editor_client, code).get(reverse("admin:index")).text

    for english in [">Axes<", "Access attempts", "Access failures", "Access logs"]:
        assert english not in text
    response = editor_client.get(reverse("admin:axes_accessattempt_changelist"))
    for english in ["IP Address", "User Agent", "Attempt Time"]:
        assert english not in response.text


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_editorial_groups_are_named_in_the_admins_language(editor_client, code):
    Group.objects.get_or_create(name="Editors")
    translators, _made = Group.objects.get_or_create(name=f"Translators ({OTHERS[0]})")

    with translation.override(code):
        label = str(translators)
        assert language_name(OTHERS[0]) in label
    assert label != translators.name
    text = in_language(editor_client, code).get(reverse("admin:auth_group_changelist")).text
    assert label in text
    assert translators.name not in text
    assert ">Editors<" not in text
    assert Group.objects.filter(name=translators.name).exists()  # the row keeps its name
