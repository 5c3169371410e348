"""A fourth language in one step (docs/ADDING-A-LANGUAGE.md): the site with Swedish added in
settings, its migration made by makemigrations, and tests/fourth_language/ run against it.

modeltranslation adds a language's columns when the models are imported, so the site with a
fourth language runs in a process of its own (tests.fourth_language.settings), on a copy of the
migrations, with a test database of its own: PostgreSQL's when DATABASE_URL names one."""

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.conf.locale import LANG_INFO
from django.db import connection, migrations
from django.utils.translation import get_language_info
from modeltranslation.translator import translator

from roles import collation, languages
from roles.editorial import groups
from roles.editorial.checks.conventions import conventions
from roles.models import TextStatus
from tests.fourth_language import MIGRATION_MODULES, MIGRATION_PACKAGES

pytestmark = pytest.mark.xdist_group("fourth-language")

BASE_DIR = Path(settings.BASE_DIR)
NEW = "sv"
DOCS = BASE_DIR / "docs" / "ADDING-A-LANGUAGE.md"


def groups_migration(previous: str) -> str:
    """Swedish's groups' migration, as docs/ADDING-A-LANGUAGE.md writes it (step 2): a migration of
    its own, calling the function that made the other languages' groups."""
    blocks = re.findall(r"```python\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.S)
    (migration,) = [block for block in blocks if "groups.create_groups(apps" in block]
    assert '"00NN_sv"' in migration
    return migration.replace('"00NN_sv"', f'"{previous}"')


def codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def existing_permissions() -> set[str]:
    return {codename for codename, _text in TextStatus._meta.permissions}


def run(command: list[str], env: dict[str, str], timeout: int) -> subprocess.CompletedProcess:
    return subprocess.run(
        command, cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=timeout
    )


def load(path: Path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def fourth_language(tmp_path_factory):
    """The environment of the site with Swedish, and the migrations makemigrations made for it
    (per app label), as docs/ADDING-A-LANGUAGE.md has them made."""
    folder = tmp_path_factory.mktemp("fourth-language")
    for label, source in MIGRATION_PACKAGES.items():
        shutil.copytree(
            BASE_DIR / source,
            folder / MIGRATION_MODULES[label],
            ignore=shutil.ignore_patterns("__pycache__"),
        )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.fourth_language.settings",
        "KB_FOURTH_LANGUAGE_MIGRATIONS": str(folder),
        "SECRET_KEY": os.environ.get("SECRET_KEY") or "insecure-key-for-tests-only",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    env.pop("PYTEST_XDIST_WORKER", None)  # the child is a session of its own, not a worker
    before = {
        label: set((folder / module).glob("0*.py")) for label, module in MIGRATION_MODULES.items()
    }
    made = run([sys.executable, "manage.py", "makemigrations", "--name", NEW], env, 120)
    assert made.returncode == 0, made.stdout + made.stderr
    new = {
        label: sorted(set((folder / module).glob("0*.py")) - before[label])
        for label, module in MIGRATION_MODULES.items()
    }
    # The groups' migration, the docs' own (step 2), after the columns'.
    (columns,) = new["roles"]
    groups_file = columns.with_name(f"{int(columns.stem[:4]) + 1:04d}_{NEW}_groups.py")
    groups_file.write_text(groups_migration(columns.stem), encoding="utf-8")
    return env, new


def test_makemigrations_adds_only_the_new_languages_columns_and_choices(fourth_language):
    env, new = fourth_language
    assert [label for label, made in new.items() if made] == ["roles", "search"]
    operations = [
        op for made in new.values() for path in made for op in load(path).Migration.operations
    ]
    added = [op for op in operations if isinstance(op, migrations.AddField)]
    others = [op for op in operations if not isinstance(op, migrations.AddField)]
    # Every translated field of every model gets its column (roles/translation.py), no other.
    wanted = {
        (model._meta.model_name, f"{field}_{NEW}")
        for model in translator.get_registered_models(abstract=False)
        for field in translator.get_options_for_model(model).get_field_names()
    }
    assert {(op.model_name.lower(), op.name) for op in added} == wanted
    # The other changes: the text status's permissions gain the language's two, and the fields
    # that name a language gain it among their choices (no change to the tables).
    (options,) = [op for op in others if isinstance(op, migrations.AlterModelOptions)]
    codenames = {codename for codename, _text in options.options["permissions"]}
    assert codenames - existing_permissions() == {f"translate_{NEW}", f"review_{NEW}"}
    choices = [op for op in others if isinstance(op, migrations.AlterField)]
    assert len(others) == 1 + len(choices)
    for op in choices:
        assert op.name == "language", op.model_name
        assert [code for code, _name in op.field.choices] == [*codes(), NEW]
    # Nothing else in any app is left to migrate.
    check = run([sys.executable, "manage.py", "makemigrations", "--check", "--dry-run"], env, 120)
    assert check.returncode == 0, check.stdout + check.stderr


def test_the_site_works_with_a_fourth_language(fourth_language):
    """tests/fourth_language/, in a pytest process of its own: its output is this test's failure."""
    env, _new = fourth_language
    child = run(
        [
            sys.executable,
            "-m",
            "pytest",
            "tests/fourth_language",
            "--ds=tests.fourth_language.settings",
            "--create-db",
            "-n",
            "0",
            "-p",
            "no:cacheprovider",
            "-q",
            "-o",
            "addopts=-ra --strict-markers",
        ],
        env,
        600,
    )
    assert child.returncode == 0, child.stdout[-20000:] + child.stderr[-5000:]
    assert " passed" in child.stdout and " skipped" not in child.stdout, child.stdout


@pytest.mark.django_db
def test_a_languages_groups_made_again_by_the_function_are_the_migrations(seeded):
    """A language added later gets its groups from create_groups in a migration of its own: they
    must be what the migrations gave the first languages' (0004, then the termbase's 0017)."""
    from django.apps import apps
    from django.contrib.auth.models import Group

    def grants():
        return {
            group.name: sorted(group.permissions.values_list("codename", flat=True))
            for group in Group.objects.all()
        }

    made_by_migrations = grants()
    assert "view_term" in made_by_migrations["Translators (el)"]
    models_modules = {config.label: config.models_module for config in apps.get_app_configs()}
    Group.objects.filter(name__in=["Translators (el)", "Reviewers (el)"]).delete()
    groups.create_groups(apps, ["el"])
    assert grants() == made_by_migrations
    # The project's app configs keep their models modules (post_migrate, after a flush, makes
    # content types and permissions only for apps with one).
    assert {c.label: c.models_module for c in apps.get_app_configs()} == models_modules


# What a language needs besides its entry in LANGUAGES is checked at start (manage.py check,
# migrate): a missing step is a clear error, not a page that fails.


def test_a_language_without_an_open_graph_locale_is_an_error(settings):
    settings.LANGUAGES = [*settings.LANGUAGES, (NEW, "Swedish")]
    assert [error.id for error in languages.check_languages()] == ["roles.E010"]
    settings.OPEN_GRAPH_LOCALES = {**settings.OPEN_GRAPH_LOCALES, NEW: "sv_SE"}
    assert languages.check_languages() == []


@pytest.mark.django_db
def test_a_language_django_does_not_know_is_named_by_its_conventions_file(
    settings, tmp_path, editor_client
):
    """Faroese: Django has no LANG_INFO for it, and its admin menu of languages, the translators'
    files and the switcher ask Django for a language's names."""
    settings.LANGUAGES = [*settings.LANGUAGES, ("fo", "Faroese")]
    settings.OPEN_GRAPH_LOCALES = {**settings.OPEN_GRAPH_LOCALES, "fo": "fo_FO"}
    assert [error.id for error in languages.check_languages()] == ["roles.E011"]
    (tmp_path / "fo").mkdir()
    (tmp_path / "fo" / "conventions.yaml").write_text('name: "føroyskt"\n', encoding="utf-8")
    settings.LOCALE_PATHS = [*settings.LOCALE_PATHS, tmp_path]
    try:
        languages.register_language_info()  # as the roles app does when it starts
        assert languages.check_languages() == []
        assert get_language_info("fo")["name_local"] == "føroyskt"
        assert get_language_info("fo")["name"] == "Faroese"
        assert languages.native_name("fo") == "føroyskt"
        admin = editor_client.get("/admin/")
        assert admin.status_code == 200
        assert '<option value="fo" lang="fo">føroyskt</option>' in admin.content.decode()
    finally:
        LANG_INFO.pop("fo", None)


@pytest.mark.django_db
def test_a_language_without_a_postgresql_collation_is_an_error(settings):
    settings.LANGUAGES = [*settings.LANGUAGES, (NEW, "Swedish"), ("tlh", "Klingon")]
    found = collation.check_collations(databases=["default"])
    if connection.vendor == "postgresql":  # Debian's PostgreSQL has ICU's, sv-x-icu among them
        assert [(error.id, "tlh-x-icu" in error.msg) for error in found] == [("roles.E012", True)]
    else:  # SQLite's collations are made for every language (roles.collation.install)
        assert found == []
    assert collation.check_collations(databases=None) == []


def test_the_docs_conventions_file_is_read_as_it_says(settings, tmp_path):
    """docs/ADDING-A-LANGUAGE.md's locale/sv/conventions.yaml (step 4): its name, quotation
    marks and alphabetical order are the ones the switcher, the checks and SQLite go by."""
    blocks = re.findall(r"```yaml\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.S)
    (example,) = [block for block in blocks if block.startswith("name: svenska")]
    (tmp_path / NEW).mkdir()
    (tmp_path / NEW / "conventions.yaml").write_text(example, encoding="utf-8")
    settings.LANGUAGES = [*settings.LANGUAGES, (NEW, "Swedish")]
    settings.LOCALE_PATHS = [*settings.LOCALE_PATHS, tmp_path]
    assert languages.native_name(NEW) == "svenska"
    assert conventions(NEW).quotes == ("”", "”") and not conventions(NEW).greek
    words = ["ört", "ängel", "åsna", "zebra", "Øresund", "Ärlig"]
    assert sorted(words, key=lambda word: collation.sort_key(NEW, word)) == [
        "zebra",
        "åsna",
        "ängel",
        "Ärlig",
        "Øresund",  # ø sorts as ö
        "ört",
    ]
