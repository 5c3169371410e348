"""Writing the search index: every object's own texts per language in SearchEntry, kept in step
with the content by roles.changes, and (PostgreSQL) their vectors and the lexicon of words."""

from itertools import chain

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections, models, transaction
from django.utils.translation import override

from kb.search.models import SearchEntry, SearchWord
from roles.languages import languages
from roles.models import KINDS, Duty, Role

# What each kind shows as its title, and what else it is found by.
FIELDS = {
    "role": ("title", ("summary", "body", "career")),
    "duty": ("text", ()),
    "quality": ("name", ("description",)),
    "scenario": ("title", ("situation", "steps", "avoid")),
    "workplace": ("name", ("description",)),
}
SEARCHED = {kind: KINDS[kind] for kind in FIELDS}
KIND_OF = {model: kind for kind, model in SEARCHED.items()}


def _own(obj, name: str, code: str) -> str:
    """A text in this language only: no fallback, so languages stay apart in the index."""
    return getattr(obj, f"{name}_{code}", "") or ""


def _public(obj) -> bool:
    return obj.role.published if isinstance(obj, Duty) else obj.published


def _url(obj, code: str) -> str:
    with override(code):
        if isinstance(obj, Duty):
            return f"{obj.role.get_absolute_url()}#duty-{obj.key}"
        return obj.get_absolute_url()


def on_content_changed(sender, *, changes, **kwargs):
    """Reindex what a committed transaction wrote or deleted: each object once, a role's duties
    with it (their entries carry its address and whether it is published)."""
    rows = {model: set(changes.rows.get(model, ())) for model in KIND_OF}
    if rows[Role]:
        duties = Duty.objects.using(changes.using).filter(role__in=rows[Role])
        rows[Duty] |= set(duties.values_list("pk", flat=True))
    for model, pks in rows.items():
        if pks:
            reindex_rows(model, pks, using=changes.using)


def reindex_rows(model, pks, *, using: str = DEFAULT_DB_ALIAS, batch: int = 500) -> None:
    """Bring the search entries (every language) of these rows in line with their texts, `batch`
    rows at a time; rows that no longer exist lose theirs."""
    kind = KIND_OF[model]
    objects = model.objects.using(using)
    if model is Duty:
        objects = objects.select_related("role")
    entries = SearchEntry.objects.using(using)
    pks = sorted(pks)
    for start in range(0, len(pks), batch):
        chunk = pks[start : start + batch]
        found = list(objects.filter(pk__in=chunk))
        with transaction.atomic(using=using):
            entries.filter(kind=kind, object_id__in=chunk).delete()
            entries.bulk_create([entry for obj in found for entry in entries_for(obj)])
            _vectorise(entries.filter(kind=kind, object_id__in=[obj.pk for obj in found]))


def entries_for(obj: models.Model) -> list[SearchEntry]:
    kind = KIND_OF[type(obj)]
    title_field, body_fields = FIELDS[kind]
    entries = []
    for code in languages():
        title = _own(obj, title_field, code)
        if title:
            body = "\n".join(filter(None, (_own(obj, name, code) for name in body_fields)))
            entries.append(
                SearchEntry(
                    kind=kind,
                    object_id=obj.pk,
                    language=code,
                    public=_public(obj),
                    title=title,
                    body=body,
                    url=_url(obj, code),
                )
            )
    return entries


def index_in_bulk(objects, *, out=None, batch: int = 5000) -> int:
    """Index many objects at once (a bulk load): entries in batches, vectors in one pass."""
    made = 0
    pending = []
    for obj in objects:
        pending += entries_for(obj)
        if len(pending) >= batch:
            SearchEntry.objects.bulk_create(pending)
            made += len(pending)
            pending = []
            if out:
                out.write(f"\rindexed {made} entries")
                out.flush()
    SearchEntry.objects.bulk_create(pending)
    made += len(pending)
    _vectorise(SearchEntry.objects.filter(document=None))
    if out:
        out.write(f"\rindexed {made} entries\n")
    return made


@transaction.atomic
def rebuild(out=None) -> int:
    """Index everything afresh (after a restore from a dump, say); return the entries made."""
    SearchEntry.objects.all().delete()
    querysets = [
        model.objects.select_related("role") if model is Duty else model.objects.all()
        for model in SEARCHED.values()
    ]
    made = index_in_bulk(chain.from_iterable(qs.iterator() for qs in querysets), out=out)
    prune_words()
    return made


def _vectorise(entries) -> None:
    """On PostgreSQL: the text-search vectors of these entries, and their words into the lexicon."""
    connection = connections[entries.db]
    if connection.vendor != "postgresql":
        return
    for code in languages():
        ids = list(entries.filter(language=code).values_list("pk", flat=True))
        if not ids:
            continue
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE roles_searchentry SET "
                "document = setweight(to_tsvector(%s::regconfig, unaccent(title)), 'A') "
                "|| setweight(to_tsvector(%s::regconfig, unaccent(body)), 'B') "
                "WHERE id = ANY(%s)",
                [config(code), config(code), ids],
            )
            cursor.execute(WORDS_SQL, [ids])


# The words of public entries: split by the "simple" configuration (lower case, no stemming).
# Words that later leave every text stay until prune_words(); a stale word can only be offered as a
# spelling, never show a text.
WORDS_SQL = (
    "INSERT INTO roles_searchword (language, word, folded) "
    "SELECT DISTINCT language, word, unaccent(word) FROM roles_searchentry, "
    "unnest(tsvector_to_array(to_tsvector('simple', title || ' ' || body))) AS word "
    "WHERE id = ANY(%s) AND public AND length(word) BETWEEN 3 AND 60 "
    "ON CONFLICT (language, word) DO NOTHING"
)


def prune_words() -> int:
    """Rebuild the lexicon from the public texts (drops words no text has any more)."""
    if connection.vendor != "postgresql":
        return 0
    with transaction.atomic():
        SearchWord.objects.all().delete()
        ids = list(SearchEntry.objects.filter(public=True).values_list("pk", flat=True))
        with connection.cursor() as cursor:
            cursor.execute(WORDS_SQL, [ids])
    return SearchWord.objects.count()


_CONFIGS: dict[str, str] = {}


def config(code: str) -> str:
    """The text-search configuration for a language, or "simple" if the server has none."""
    if code not in _CONFIGS:
        wanted = settings.SEARCH_CONFIGS.get(code, "simple")
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_ts_config WHERE cfgname = %s", [wanted])
            _CONFIGS[code] = wanted if cursor.fetchone() else "simple"
    return _CONFIGS[code]
