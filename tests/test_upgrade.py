"""Upgrading: a database of the last release (roles at 0012, before the search index and the
content version left the roles app) migrates to the current head without losing anything."""

import importlib
import shutil
import tempfile
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from reversion.models import Revision, Version

from roles.editorial import translation_status, workflow
from roles.models import Role
from roles.seeds.loading import load_seeds
from roles.versions import publishing
from tests.helpers import form_data

LAST_RELEASE = [("roles", "0012_role_versions"), ("search", None), ("pagecache", None)]
# The models that left the roles app, by the app they belong to now; their tables stayed.
MOVED = {"searchentry": "search", "searchword": "search", "contentversion": "pagecache"}
TABLES = {"roles_searchentry", "roles_searchword", "roles_contentversion"}
# The models added since the last release (their permissions: tests/roles/test_checks_admin.py).
ADDED = {"term", "checkdismissal"}
# Tables with rows to lose on any database (the lexicon of search words is PostgreSQL's only).
FILLED = [
    "roles_versiontext",
    "roles_roleversion",
    "roles_textstatus",
    *TABLES - {"roles_searchword"},
]
# The data migration that makes the editorial groups (and, for them, the permissions).
editorial_groups = importlib.import_module("roles.migrations.0004_editorial_groups")


def migrate(targets):
    """Migrate to `targets` (a function of the migration graph); return the resulting state. Each
    migration starts from a graph built afresh from what the database has applied."""
    executor = MigrationExecutor(connection)
    state = executor.migrate(targets(executor.loader.graph))
    ContentType.objects.clear_cache()  # content types may have changed app
    return state


def head(graph):
    return graph.leaf_nodes()


def renamed(app_label, model):
    """A content type of the last release, as it is named after the move."""
    return (MOVED[model] if app_label == "roles" and model in MOVED else app_label, model)


def table(model) -> list[tuple]:
    """Every column of every row, read with SQL: no manager or translation field in between."""
    name, pk = (connection.ops.quote_name(n) for n in (model._meta.db_table, model._meta.pk.column))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {name} ORDER BY {pk}")
        return cursor.fetchall()


def snapshot(label=lambda app_label, model: (app_label, model), tables=None, later=()) -> dict:
    """Everything an upgrade must keep; content types named by `label`. The tables of the models
    the database has (or those of `tables`: a later release adds models), and the permissions but
    those of the `later` models (which a later release grants)."""
    tables = set(tables or connection.introspection.table_names())
    models = [
        model
        for app in ("roles", "search", "pagecache")
        for model in apps.get_app_config(app).get_models(include_auto_created=True)
        if model._meta.db_table in tables
    ]
    return {
        "tables": {model._meta.db_table: table(model) for model in models},
        "revisions": list(Revision.objects.order_by("pk").values_list()),
        "versions": [
            (*row[:-2], label(*row[-2:]))
            for row in Version.objects.order_by("pk").values_list(
                "pk",
                "revision",
                "object_id",
                "db",
                "format",
                "serialized_data",
                "object_repr",
                "content_type__app_label",
                "content_type__model",
            )
        ],
        "content types": sorted(
            (pk, label(*name)) for pk, *name in ContentType.objects.values_list()
        ),
        "permissions": sorted(
            (pk, label(app_label, model), codename)
            for pk, app_label, model, codename in Permission.objects.values_list(
                "pk", "content_type__app_label", "content_type__model", "codename"
            )
            if model not in later
        ),
        "groups": {
            group.name: sorted(
                (label(p.content_type.app_label, p.content_type.model), p.codename)
                for p in group.permissions.select_related("content_type")
                if p.content_type.model not in later
            )
            for group in Group.objects.prefetch_related("permissions")
        },
        "members": sorted(
            get_user_model().groups.through.objects.values_list("user__username", "group__name")
        ),
    }


def build_last_release_data(client, state):
    """What a database of the last release holds: the seed content, an admin edit, a published
    version, revisions, a translator in their group and the permissions of every model."""
    # Its post_migrate made the content types and permissions of the models of its time, the
    # moved ones in roles; its editorial groups hold them (Editors every permission of roles).
    roles = state.apps.get_app_config("roles")
    roles.models_module = True  # as the groups' migration does: these models are the old ones
    create_permissions(roles, verbosity=0, apps=state.apps)
    editorial_groups.create_groups(state.apps, None)  # made again if a flush removed them
    # Its seed files: the termbase (glossary.yaml) came later, with its table.
    seeds = Path(tempfile.mkdtemp())
    shutil.copytree(settings.SEEDS_DIR, seeds, dirs_exist_ok=True)
    (seeds / "glossary.yaml").unlink()
    load_seeds(directory=seeds)
    shutil.rmtree(seeds)
    editor = get_user_model().objects.create_superuser("alice", "alice@example.com", "pw-alice-1")
    client.force_login(editor)
    agent = Role.objects.get(key="agent")
    url = reverse("admin:roles_role_change", args=[agent.pk])
    data = form_data(client.get(url).content.decode(), "role_form")
    data["title_el"] = ["Εκπρόσωπος τηλεφωνικού κέντρου"]
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    publishing.publish(Role.objects.get(key="agent"), user=editor)
    translator = get_user_model().objects.create_user("theo", "theo@example.com", "pw-theo-1")
    translator.groups.add(Group.objects.get(name="Translators (el)"))
    translation_status.mark_reviewed(Role.objects.get(key="agent"), "el", user=translator)


@pytest.mark.django_db(transaction=True)
def test_a_database_of_the_last_release_migrates_without_loss(client, monkeypatch):
    """A database of the last release, with content, history and editors, migrates unchanged."""
    try:
        state = migrate(lambda graph: LAST_RELEASE)
        assert TABLES <= set(connection.introspection.table_names())  # not dropped
        # Its admin had no translation checks (their tables came with 0016): its forms ran none.
        with monkeypatch.context() as patched:
            patched.setattr(workflow, "page_checks", lambda request, obj: None)
            build_last_release_data(client, state)
        moved = ContentType.objects.filter(model__in=MOVED)
        assert sorted(moved.values_list("app_label", flat=True)) == ["roles"] * 3
        # The permissions of later models are left out: the test database, made at the head,
        # keeps their rows when it goes back to the last release.
        before = snapshot(label=renamed, later=ADDED)
        assert all(before["tables"][name] for name in FILLED)
        assert before["revisions"] and before["versions"]
        assert Permission.objects.filter(content_type__in=moved).count() == 4 * len(MOVED)
        assert ("theo", "Translators (el)") in before["members"]

        migrate(head)

        assert snapshot(tables=before["tables"], later=ADDED) == before
        assert sorted(moved.values_list("model", "app_label")) == sorted(MOVED.items())
    finally:
        migrate(head)  # the head schema, whatever happened


@pytest.mark.django_db(transaction=True)
def test_the_move_is_undone_by_two_migrate_commands():
    """Back to the last release with `migrate search zero`, `migrate pagecache zero`, and forward
    again: the content types and their permissions keep their ids throughout."""
    moved = ContentType.objects.filter(model__in=MOVED)
    kept = sorted(moved.values_list("pk", "model"))
    permissions = sorted(Permission.objects.filter(content_type__in=moved).values_list("pk"))
    try:
        call_command("migrate", "search", "zero", verbosity=0)  # post_migrate runs between them
        call_command("migrate", "pagecache", "zero", verbosity=0)
        ContentType.objects.clear_cache()
        assert sorted(moved.values_list("pk", "model", "app_label")) == [
            (pk, model, "roles") for pk, model in kept
        ]
        assert TABLES <= set(connection.introspection.table_names())
    finally:
        call_command("migrate", verbosity=0)
        ContentType.objects.clear_cache()
    assert sorted(moved.values_list("pk", "model")) == kept
    assert (
        sorted(Permission.objects.filter(content_type__in=moved).values_list("pk")) == permissions
    )
