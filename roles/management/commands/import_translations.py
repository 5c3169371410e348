"""`manage.py import_translations`: a translated PO or XLIFF 2.0 file back into the content."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from roles.editorial.translation_files import TranslationFileError, import_file, short


class Command(BaseCommand):
    help = (
        "Import the translations of a PO or XLIFF 2.0 file made by export_translations: checks "
        "the whole file first, then applies it in one transaction (imported texts are unreviewed)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The PO or XLIFF (.xlf) file.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would change; write nothing."
        )

    def handle(self, *args, **options):
        # The messages of translation_files are translated for admin; commands speak English.
        with translation.override(None):
            self.run(**options)

    def run(self, *, file, dry_run, **options):
        if not file.is_file():
            raise CommandError(f"Nothing was imported: {file} is not a file.")
        try:
            report = import_file(path_or_text=file, dry_run=dry_run)
        except TranslationFileError as error:
            problems = "\n".join(f"  {line}" for line in error.errors)
            if error.more:
                problems += f"\n  … and {error.more} more"
            raise CommandError(f"Nothing was imported from {file}:\n{problems}") from None
        for change in report.changes:
            old = short(change.old) or "(missing)"
            self.stdout.write(f"{change.identifier}:{change.field}: {old} → {short(change.new)}")
        for context in report.confirmed:
            self.stdout.write(f"{context}: kept, checked against the new source text")
        for context in report.fuzzy:
            self.stdout.write(self.style.WARNING(f"{context}: skipped (fuzzy)"))
        done = "would change" if dry_run else "changed"
        self.stdout.write(
            self.style.SUCCESS(
                f"{report.language}: {len(report.changes)} texts {done}, "
                f"{len(report.confirmed)} outdated texts confirmed, {report.unchanged} unchanged; "
                f"{len(report.fuzzy)} fuzzy and {len(report.empty)} empty entries skipped."
                + (" Dry run: nothing was written." if dry_run else "")
            )
        )
