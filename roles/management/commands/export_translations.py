"""`manage.py export_translations`: a PO or XLIFF file for translators."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from roles.editorial.translation_files import (
    FORMATS,
    ONLY,
    export_po,
    export_xliff,
)
from roles.languages import translation_languages


class Command(BaseCommand):
    help = (
        "Write the content texts of a language as a PO file (or XLIFF 2.0) for translators' "
        "tools: msgctxt names the object and field, msgid is the source text."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--lang", required=True, help=f"One of {', '.join(translation_languages())}."
        )
        parser.add_argument("--only", choices=ONLY, help="Only the texts in this state.")
        parser.add_argument("--format", dest="file_format", choices=FORMATS, default="po")
        parser.add_argument(
            "-o", "--output", type=Path, help="The file to write (standard output if omitted)."
        )

    def handle(self, *args, **options):
        # The messages of translation_files are translated for admin; commands speak English.
        with translation.override(None):
            self.run(**options)

    def run(self, *, lang, only, file_format, output, **options):
        export = export_po if file_format == "po" else export_xliff
        try:
            text = str(export(language=lang, only=only))
        except ValueError as error:
            raise CommandError(str(error)) from None
        if output is None:
            self.stdout.write(text, ending="")
            return
        output.write_text(text, encoding="utf-8")
        self.stdout.write(self.style.SUCCESS(f"Wrote the {lang} texts to {output}."))
