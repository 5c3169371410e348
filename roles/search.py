"""Search in the reader's language: roles, duties, qualities, scenarios and workplaces.

Every object's text is copied, per language, into SearchEntry (reindex(), called on every save by
roles/signals.py). Only a language's own texts are indexed, so a query never finds another
language's text under this one.

- PostgreSQL: full-text search with the language's text-search configuration (stemming), accents
  removed on both sides (`unaccent`), titles ranked above bodies; when that finds little, trigram
  word similarity (`pg_trgm`) catches typos. Both are served by GIN indexes.
- Other databases (SQLite, the `make run` default): the same interface with simpler matching in
  Python: accent- and case-folded words, matched on a common stem-like prefix.
"""

import re
import unicodedata
from dataclasses import dataclass, field

from django.conf import settings
from django.core.paginator import Paginator
from django.db import connection, models, transaction
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import override

from roles.models import Duty, Quality, Role, Scenario, SearchEntry, Workplace

MAX_QUERY = 200  # characters; longer queries are cut
PER_PAGE = 20
SIMILARITY = 0.45  # how alike a misspelt word must be (pg_trgm word similarity, 0 to 1)
KINDS = {
    "role": Role,
    "duty": Duty,
    "quality": Quality,
    "scenario": Scenario,
    "workplace": Workplace,
}
KIND_OF = {model: kind for kind, model in KINDS.items()}
# What each kind shows as its title, and what else it is found by.
FIELDS = {
    "role": ("title", ("summary", "body", "career")),
    "duty": ("text", ()),
    "quality": ("name", ("description",)),
    "scenario": ("title", ("situation", "steps", "avoid")),
    "workplace": ("name", ("description",)),
}
WORD = re.compile(r"\w+", re.UNICODE)
FOLD = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "ß": "ss", "đ": "d", "ł": "l"})


def clean_query(raw: str) -> str:
    """The query as searched: no control characters, no runs of spaces, at most MAX_QUERY long."""
    printable = "".join(" " if unicodedata.category(c)[0] == "C" else c for c in raw)
    return " ".join(printable.split())[:MAX_QUERY]


# Writing the index


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


@transaction.atomic
def reindex(obj: models.Model) -> None:
    """Bring obj's search entries (every language) in line with its texts; a role's duties too."""
    kind = KIND_OF.get(type(obj))
    if kind is None:
        return
    SearchEntry.objects.filter(kind=kind, object_id=obj.pk).delete()
    entries = entries_for(obj)
    SearchEntry.objects.bulk_create(entries)
    _vectorise(SearchEntry.objects.filter(kind=kind, object_id=obj.pk))
    if isinstance(obj, Role):
        for duty in obj.duties.select_related("role"):
            reindex(duty)


def entries_for(obj: models.Model) -> list[SearchEntry]:
    kind = KIND_OF[type(obj)]
    title_field, body_fields = FIELDS[kind]
    entries = []
    for code, _name in settings.LANGUAGES:
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


def forget(obj: models.Model) -> None:
    kind = KIND_OF.get(type(obj))
    if kind:
        SearchEntry.objects.filter(kind=kind, object_id=obj.pk).delete()


def rebuild() -> int:
    """Reindex everything (after a bulk load that bypassed saves); return the entries made."""
    for model in KINDS.values():
        queryset = model.objects.select_related("role") if model is Duty else model.objects.all()
        for obj in queryset:
            reindex(obj)
    return SearchEntry.objects.count()


def _vectorise(entries) -> None:
    """On PostgreSQL, compute the text-search vector and the unaccented text of these entries."""
    if connection.vendor != "postgresql":
        return
    for code, _name in settings.LANGUAGES:
        ids = list(entries.filter(language=code).values_list("pk", flat=True))
        if not ids:
            continue
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE roles_searchentry SET "
                "document = setweight(to_tsvector(%s::regconfig, unaccent(title)), 'A') "
                "|| setweight(to_tsvector(%s::regconfig, unaccent(body)), 'B'), "
                "plain = lower(unaccent(title || ' ' || body)) "
                "WHERE id = ANY(%s)",
                [config(code), config(code), ids],
            )


_CONFIGS: dict[str, str] = {}


def config(code: str) -> str:
    """The text-search configuration for a language, or "simple" if the server has none."""
    if code not in _CONFIGS:
        wanted = settings.SEARCH_CONFIGS.get(code, "simple")
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_ts_config WHERE cfgname = %s", [wanted])
            _CONFIGS[code] = wanted if cursor.fetchone() else "simple"
    return _CONFIGS[code]


# Reading it


@dataclass
class Hit:
    kind: str
    title: str
    url: str
    snippet: SafeString
    rank: float = 0.0


@dataclass
class Results:
    query: str
    page: object = None  # a Paginator page of Hits
    groups: list = field(default_factory=list)  # [(kind, [Hit])] on this page
    suggestions: list = field(default_factory=list)  # close words when nothing matched


def search(*, query: str, language: str, page: int | str = 1) -> Results:
    query = clean_query(query)
    results = Results(query)
    if not query:
        return results
    if connection.vendor == "postgresql":
        hits = _postgresql(query, language)
    else:
        hits = _folded(query, language)
    results.page = Paginator(hits, PER_PAGE).get_page(page)
    terms = _terms(query)
    shown = []
    for entry in results.page.object_list:
        shown.append(
            Hit(
                entry.kind,
                entry.title,
                entry.url,
                highlight(entry.body or entry.title, terms),
                getattr(entry, "rank", 0.0),
            )
        )
    results.page.object_list = shown
    for kind in KINDS:
        group = [hit for hit in shown if hit.kind == kind]
        if group:
            results.groups.append((kind, group))
    if not shown:
        results.suggestions = _suggestions(query, language)
    return results


def _postgresql(query: str, language: str) -> list:
    entries = SearchEntry.objects.filter(language=language, public=True)
    tsquery = "websearch_to_tsquery(%s::regconfig, unaccent(%s))"
    params = [config(language), query]
    found = list(
        entries.extra(
            select={"rank": f"ts_rank(document, {tsquery})"},
            select_params=params,
            where=[f"document @@ {tsquery}"],
            params=params,
        ).order_by("-rank", "kind", "id")[:500]
    )
    if len(found) < 3:
        # Few or no matches: look for words spelt alike (typos).
        # `<%` (word similarity above the threshold) is the form the trigram GIN index serves.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('pg_trgm.word_similarity_threshold', %s, false)",
                [str(SIMILARITY)],
            )
        similar = entries.extra(
            select={"rank": "word_similarity(lower(unaccent(%s)), plain)"},
            select_params=[query],
            where=["lower(unaccent(%s)) <%% plain"],
            params=[query],
        ).order_by("-rank", "kind", "id")[:50]
        known = {entry.pk for entry in found}
        found += [entry for entry in similar if entry.pk not in known]
    return found


def fold(value: str) -> str:
    """Lower case, accents removed (the Python counterpart of unaccent)."""
    decomposed = unicodedata.normalize("NFKD", value.casefold().translate(FOLD))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _terms(query: str) -> list[str]:
    return [term for term in (fold(word) for word in WORD.findall(query)) if len(term) >= 2]


def matches(term: str, word: str) -> bool:
    """A folded query term matches a folded word: equal, or sharing a stem-like prefix."""
    if term == word:
        return True
    stem = term[: max(4, len(term) - 2)]
    return len(term) >= 4 and word.startswith(stem)


def _folded(query: str, language: str) -> list:
    terms = _terms(query)
    scored = []
    for entry in SearchEntry.objects.filter(language=language, public=True):
        title_words = [fold(w) for w in WORD.findall(entry.title)]
        body_words = [fold(w) for w in WORD.findall(entry.body)]
        if not all(any(matches(t, w) for w in title_words + body_words) for t in terms):
            continue
        entry.rank = sum(
            2 * any(matches(t, w) for w in title_words) + any(matches(t, w) for w in body_words)
            for t in terms
        )
        scored.append(entry)
    return sorted(scored, key=lambda e: (-e.rank, e.kind, e.pk))


def highlight(value: str, terms: list[str], width: int = 220) -> SafeString:
    """A short excerpt around the first match, escaped, with the matched words in <mark>."""
    words = list(WORD.finditer(value))
    first = next((m for m in words if any(matches(t, fold(m.group())) for t in terms)), None)
    start = max(0, (first.start() if first else 0) - width // 3)
    end = min(len(value), start + width)
    excerpt = value[start:end]
    out, position = [], 0
    for match in WORD.finditer(excerpt):
        out.append(escape(excerpt[position : match.start()]))
        word = escape(match.group())
        marked = any(matches(t, fold(match.group())) for t in terms)
        out.append(f"<mark>{word}</mark>" if marked else word)
        position = match.end()
    out.append(escape(excerpt[position:]))
    prefix = "… " if start else ""
    suffix = " …" if end < len(value) else ""
    return mark_safe(prefix + "".join(out).replace("\n", " ") + suffix)  # noqa: S308 (escaped)


def _suggestions(query: str, language: str) -> list[str]:
    """Titles spelt like the query, to offer when nothing matched."""
    terms = _terms(query)
    if not terms:
        return []
    titles = SearchEntry.objects.filter(language=language, public=True).exclude(kind="duty")
    close = []
    for entry in titles:
        for word in WORD.findall(entry.title):
            if len(word) >= 4 and any(fold(word)[:3] == t[:3] for t in terms):
                close.append(word.lower())
    return sorted(set(close))[:8]
