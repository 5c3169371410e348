"""`manage.py rebuild_search_index`."""

from django.core.management.base import BaseCommand

from kb.pagecache import store
from kb.search import index


class Command(BaseCommand):
    help = (
        "Index every text afresh for search, and rebuild the lexicon of words that typo tolerance "
        "uses. Saves keep the index up to date; run this after restoring a database dump made "
        "without the search tables, or after changing SEARCH_CONFIGS."
    )

    def handle(self, *args, **options):
        made = index.rebuild(out=self.stdout)
        store.bump()  # kept search pages are stale now
        self.stdout.write(self.style.SUCCESS(f"{made} search entries made."))
