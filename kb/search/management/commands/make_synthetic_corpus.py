"""`manage.py make_synthetic_corpus`, for benchmarks."""

from django.core.management.base import BaseCommand, CommandError

from kb.search import synthetic
from kb.search.models import SearchEntry


class Command(BaseCommand):
    help = (
        "For benchmarks only: fill the database with a large generated corpus in every language "
        "(needs the seeds loaded: their words are used). --roles N adds N role profiles of "
        "--duties-per-role duties (spread over the three roles, whose keys are fixed), plus a "
        "quality and a scenario each. --remove takes it all out again."
    )

    def add_arguments(self, parser):
        parser.add_argument("--roles", type=int, default=10)
        parser.add_argument("--duties-per-role", type=int, default=100)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--remove", action="store_true", help="Delete the generated corpus.")

    def handle(self, *args, roles, duties_per_role, seed, remove, **options):
        if remove:
            synthetic.remove()
            self.stdout.write(self.style.SUCCESS("Synthetic corpus removed."))
            return
        if roles < 1 or duties_per_role < 1:
            raise CommandError("--roles and --duties-per-role must be at least 1.")
        try:
            made = synthetic.generate(
                roles=roles, duties_per_role=duties_per_role, seed=seed, out=self.stdout
            )
        except ValueError as error:
            raise CommandError(str(error)) from None
        # Indexed when their transaction committed, as any other change is.
        entries = SearchEntry.objects.filter(url__contains=synthetic.PREFIX).count()
        self.stdout.write(self.style.SUCCESS(f"{made} duties made, {entries} search entries."))
