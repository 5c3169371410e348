"""`manage.py check_translations`: the translation checks on the seed files, the interface
catalogues and the database, one line per finding (docs/translation-style.md)."""

import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError
from django.utils import translation

from roles.editorial.checks.findings import check_objects, check_units
from roles.editorial.checks.rules import ERROR, WARNING
from roles.editorial.checks.texts import catalogue_units, glossary_from_values, seed_units
from roles.languages import languages
from roles.seeds.files import FILES, SeedError, read_glossary

FAIL_ON = {"error": (ERROR,), "warning": (ERROR, WARNING), "never": ()}


class Command(BaseCommand):
    help = (
        "Check the translations: of the seed files and PO catalogues in the folders given "
        "(seeds/, locale/), of the database with --database; with no folder, all three. "
        "Prints file:line or `object field [language]`, the severity, the check and what it found."
    )

    def add_arguments(self, parser):
        parser.add_argument("folders", nargs="*", type=Path, help="seeds/ or locale/ folders")
        parser.add_argument("--database", action="store_true", help="Check the database's texts.")
        parser.add_argument(
            "--lang", action="append", choices=languages(), help="Only this language (repeatable)."
        )
        parser.add_argument(
            "--fail-on",
            choices=list(FAIL_ON),
            default="never",
            help="Exit with an error when a finding of this severity (or worse) is found.",
        )

    def handle(self, *args, folders, database, lang, fail_on, **options):
        started = time.perf_counter()
        if not folders and not database:
            folders, database = [settings.SEEDS_DIR, *settings.LOCALE_PATHS], True
        with translation.override("en"):  # the log reads the same on every machine
            findings = self.findings(folders, database, lang)
            dismissed = [f for f in findings if f.dismissal is not None]
            findings = [f for f in findings if f.dismissal is None]
            for finding in findings:
                line = f"{finding.unit.where}: {finding.severity} [{finding.check.id}] "
                self.stdout.write(line + finding.detail)
            for check in dict.fromkeys(f.check for f in findings):
                self.stdout.write(f"  [{check.id}] {check.explanation}")
        errors = sum(f.severity == ERROR for f in findings)
        summary = (
            f"{errors} error(s), {len(findings) - errors} warning(s)"
            + (f", {len(dismissed)} dismissed" if dismissed else "")
            + f" ({time.perf_counter() - started:.2f} s)"
        )
        if any(f.severity in FAIL_ON[fail_on] for f in findings):
            raise CommandError(summary)
        self.stdout.write(summary)

    def glossary(self, folder: Path):
        """The termbase of a seeds folder's glossary.yaml."""
        try:
            return glossary_from_values((item.key, item.values) for item in read_glossary(folder))
        except SeedError as error:
            raise CommandError(str(error)) from None

    def findings(self, folders: list[Path], database: bool, only):
        findings = []
        for folder in folders:
            if not folder.is_dir():
                raise CommandError(f"{folder}: no such folder")
            if any((folder / name).exists() for name in FILES):
                glossary = self.glossary(folder)
                findings += check_units(seed_units(folder, FILES, only), glossary)
            elif any(folder.glob("*/LC_MESSAGES/*.po")):
                glossary = self.glossary(settings.SEEDS_DIR)
                findings += check_units(catalogue_units(folder, only), glossary)
            else:
                raise CommandError(f"{folder}: neither seed files nor PO catalogues")
        if database:
            try:
                findings += check_objects(languages=only)
            except DatabaseError as error:
                raise CommandError(f"The database cannot be read ({error}).") from None
        return findings
