import os
import re
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent


def settings_in(env: dict) -> subprocess.CompletedProcess:
    """Import the settings in a fresh interpreter with this environment."""
    clean = {
        k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG", "DATABASE_URL")
    }
    return subprocess.run(
        [sys.executable, "-c", "import kb.settings as s; print(s.DATABASES['default']['ENGINE'])"],
        env={**clean, **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
    )


def test_it_refuses_to_start_without_a_secret_key_in_production():
    result = settings_in({"DEBUG": "0"})
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_debug_uses_a_development_key_and_sqlite_by_default():
    result = settings_in({"DEBUG": "1"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "django.db.backends.sqlite3"


def test_database_url_selects_postgresql():
    result = settings_in({"SECRET_KEY": "s" * 50, "DATABASE_URL": "postgres://u:p@db:5432/kb"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "kb.postgresql"  # Django's, with limits (kb/postgresql/)


def test_a_malformed_boolean_is_refused():
    result = settings_in({"SECRET_KEY": "s" * 50, "DEBUG": "maybe"})
    assert result.returncode != 0
    assert "DEBUG must be a boolean" in result.stderr


def test_languages_default_and_fallbacks():
    codes = [code for code, _name in settings.LANGUAGES]
    assert codes == ["nb", "el", "da"]
    assert settings.LANGUAGE_CODE == "nb"
    assert settings.MODELTRANSLATION_DEFAULT_LANGUAGE == "nb"
    assert settings.MODELTRANSLATION_FALLBACK_LANGUAGES["default"] == ("nb",)


def test_no_code_outside_settings_names_a_language():
    """Adding a language must be settings, a migration and translations: nothing else lists them."""
    codes = "|".join(code for code, _name in settings.LANGUAGES)
    pattern = re.compile(rf"""(['"](?:{codes})['"]|_(?:{codes})\b)""")
    offenders = []
    for folder in ("kb", "roles", "templates"):
        for path in (ROOT / folder).rglob("*"):
            if path.suffix not in (".py", ".html") or "migrations" in path.parts:
                continue
            if path == ROOT / "kb" / "settings.py":
                continue
            for number, line in enumerate(path.read_text().splitlines(), start=1):
                if pattern.search(line):
                    offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []


def test_a_malformed_number_is_refused():
    result = settings_in({"SECRET_KEY": "s" * 50, "CONN_MAX_AGE": "a minute"})
    assert result.returncode != 0
    assert "CONN_MAX_AGE must be a whole number" in result.stderr
