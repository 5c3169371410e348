"""`manage.py load_seeds`: load or update the seed content."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from roles.seeds.files import SeedError
from roles.seeds.loading import load_seeds


class Command(BaseCommand):
    help = (
        "Load the seed content of seeds/ into the database. Idempotent; keeps what editors "
        "changed in admin since the last load unless --force is given."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Overwrite values editors changed in admin, and recreate what they deleted.",
        )
        parser.add_argument(
            "--directory", type=Path, help="Load from this folder instead of settings.SEEDS_DIR."
        )

    def handle(self, *args, force, directory, **options):
        try:
            report = load_seeds(directory=directory, force=force)
        except SeedError as error:
            raise CommandError(f"Nothing was loaded. {error}") from None
        for line in report.created:
            self.stdout.write(f"created  {line}")
        for line in report.updated:
            self.stdout.write(f"updated  {line}")
        for line in report.kept:
            self.stdout.write(self.style.WARNING(f"kept     {line}"))
        for line in report.removed:
            self.stdout.write(
                self.style.WARNING(
                    f"left     {line}: no longer in the seed files (delete it in admin)"
                )
            )
        for line in report.published:
            self.stdout.write(f"published {line}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeds loaded: {len(report.created)} created, {len(report.updated)} updated, "
                f"{len(report.kept)} kept as editors left them."
                + ("" if not report.kept else " Use --force to overwrite them.")
            )
        )
