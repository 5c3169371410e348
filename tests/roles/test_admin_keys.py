"""A role's key is shown as it is (`agent`), not as its choice's label (the default title)."""

import re

import pytest
from django.urls import reverse

from roles.models import Role

pytestmark = pytest.mark.django_db


def test_the_role_list_shows_each_roles_key_and_sorts_by_it(editor_client, seeded, languages):
    url = reverse("admin:roles_role_changelist")
    for code in languages:
        response = editor_client.get(url, headers={"accept-language": code})
        cells = re.findall(r'<td class="field-key[^"]*">([^<]*)</td>', response.content.decode())
        assert cells == list(Role.objects.values_list("key", flat=True)), code

    by_key = editor_client.get(url, {"o": "-2"})
    keys = [role.key for role in by_key.context["cl"].result_list]
    assert keys == sorted(keys, reverse=True)


def test_the_role_form_shows_its_key_read_only_and_the_add_form_asks_for_it(editor_client, seeded):
    agent = Role.objects.get(key="agent")

    response = editor_client.get(reverse("admin:roles_role_change", args=[agent.pk]))

    content = response.content.decode()
    shown = re.search(r'field-key[^"]*".*?<div class="readonly">([^<]*)</div>', content, re.S)
    assert shown and shown.group(1) == "agent"
    assert 'name="key"' not in content
    added = editor_client.get(reverse("admin:roles_role_add")).content.decode()
    assert '<select name="key"' in added
