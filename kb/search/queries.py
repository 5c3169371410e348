"""Searching the index: ranked full-text search with typo correction on PostgreSQL, a plain
word match elsewhere; results grouped by kind, with highlighted excerpts and suggestions."""

import re
import unicodedata
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db import connection, transaction
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from kb.search.index import SEARCHED, config
from kb.search.models import SearchEntry

MAX_QUERY = 200  # characters; longer queries are cut
PER_PAGE = 20
MAX_RESULTS = 500  # ranked results kept; a page count beyond 25 pages helps nobody
SIMILARITY = 0.4  # how alike a misspelt word must be to a known word (pg_trgm similarity, 0 to 1)
CLOSE = 0.3  # how alike a word must be to be offered when nothing matched
WORD = re.compile(r"\w+", re.UNICODE)
FOLD = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "ß": "ss", "đ": "d", "ł": "l"})


def clean_query(raw: str) -> str:
    """The query as searched: no control characters, no runs of spaces, at most MAX_QUERY long."""
    printable = "".join(" " if unicodedata.category(c)[0] == "C" else c for c in raw)
    return " ".join(printable.split())[:MAX_QUERY]


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
    corrected: str = ""  # the query as searched when its spelling was corrected


def search(*, query: str, language: str, page: int | str = 1) -> Results:
    query = clean_query(query)
    results = Results(query)
    if not query:
        return results
    if connection.vendor == "postgresql":
        ranked, results.corrected = _postgresql(query, language)
    else:
        ranked = _folded(query, language)
    # The ranking holds (id, kind, rank) only; the texts are read for the page shown.
    results.page = Paginator(ranked, PER_PAGE).get_page(page)
    entries = SearchEntry.objects.only("kind", "title", "body", "url").in_bulk(
        [pk for pk, _kind, _rank in results.page.object_list]
    )
    terms = _terms(f"{query} {results.corrected}")
    shown = []
    for pk, kind, rank in results.page.object_list:
        entry = entries[pk]
        snippet = highlight(entry.body or entry.title, terms)
        shown.append(Hit(kind, entry.title, entry.url, snippet, rank))
    results.page.object_list = shown
    for kind in SEARCHED:
        group = [hit for hit in shown if hit.kind == kind]
        if group:
            results.groups.append((kind, group))
    if not shown:
        results.suggestions = _suggestions(query, language)
    return results


def _postgresql(query: str, language: str) -> tuple[list, str]:
    """Ranked (id, kind, rank) of the matching entries, and the corrected query if one was used."""
    with transaction.atomic(), connection.cursor() as cursor:
        # These queries are short: on a small machine, starting parallel workers costs more than
        # they save (docs/BENCHMARKS.md).
        cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        ranked = _ranked(cursor, query, language)
        corrected = ""
        if len(ranked) < 3:
            # Few or no matches: search again with misspelt words replaced by known ones.
            corrected = _corrected(cursor, query, language)
            if corrected:
                known = {pk for pk, _kind, _rank in ranked}
                again = _ranked(cursor, corrected, language)
                ranked += [row for row in again if row[0] not in known]
    return ranked, corrected


def _ranked(cursor, query: str, language: str) -> list:
    # The query is parsed once and passed as a constant: in the select list a function call
    # would be evaluated again for every matching row.
    cursor.execute(
        "SELECT websearch_to_tsquery(%s::regconfig, unaccent(%s))::text", [config(language), query]
    )
    tsquery = cursor.fetchone()[0]
    if not tsquery:  # only stop words
        return []
    cursor.execute(
        "SELECT id, kind, ts_rank(document, %s::tsquery) AS rank FROM roles_searchentry "
        "WHERE language = %s AND public AND document @@ %s::tsquery "
        "ORDER BY rank DESC, kind, id LIMIT %s",
        [tsquery, language, tsquery, MAX_RESULTS],
    )
    return cursor.fetchall()


def _corrected(cursor, query: str, language: str) -> str:
    """The query with each unknown word replaced by the known word spelt most like it, or ""."""
    words = WORD.findall(query)
    if not words:
        return ""
    cursor.execute("SELECT set_config('pg_trgm.similarity_threshold', %s, true)", [str(SIMILARITY)])
    cursor.execute(
        "SELECT t.n, best.word FROM unnest(%s::text[]) WITH ORDINALITY AS t(term, n) "
        "CROSS JOIN LATERAL (SELECT word FROM roles_searchword "
        "  WHERE language = %s AND folded %% lower(unaccent(t.term)) "
        "  ORDER BY similarity(folded, lower(unaccent(t.term))) DESC, word LIMIT 1) AS best "
        "WHERE length(t.term) >= 3",
        [words, language],
    )
    known = {n - 1: word for n, word in cursor.fetchall()}
    corrected = [known.get(index, word) for index, word in enumerate(words)]
    changed = any(fold(a) != fold(b) for a, b in zip(words, corrected, strict=True))
    return " ".join(corrected) if changed else ""


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
        rank = sum(
            2 * any(matches(t, w) for w in title_words) + any(matches(t, w) for w in body_words)
            for t in terms
        )
        scored.append((entry.pk, entry.kind, rank))
    return sorted(scored, key=lambda row: (-row[2], row[1], row[0]))[:MAX_RESULTS]


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
    return mark_safe(prefix + "".join(out).replace("\n", " ") + suffix)  # escaped


def _suggestions(query: str, language: str) -> list[str]:
    """Words spelt like the query's, to offer when nothing matched."""
    terms = _terms(query)
    if not terms:
        return []
    if connection.vendor == "postgresql":
        words = [word for word in WORD.findall(query) if len(word) >= 3]
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('pg_trgm.similarity_threshold', %s, true)", [str(CLOSE)]
            )
            cursor.execute(
                "SELECT DISTINCT ON (word) word, similarity(folded, lower(unaccent(t.term))) "
                "FROM unnest(%s::text[]) AS t(term) JOIN roles_searchword "
                "ON language = %s AND folded %% lower(unaccent(t.term)) AND length(word) >= 4 "
                "ORDER BY word, 2 DESC",
                [words, language],
            )
            close = sorted(cursor.fetchall(), key=lambda row: (-row[1], row[0]))
        return [word for word, _alike in close[:8]]
    titles = SearchEntry.objects.filter(language=language, public=True).exclude(kind="duty")
    close = []
    for entry in titles:
        for word in WORD.findall(entry.title):
            if len(word) >= 4 and any(fold(word)[:3] == t[:3] for t in terms):
                close.append(word.lower())
    return sorted(set(close))[:8]
