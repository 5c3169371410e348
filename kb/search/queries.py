"""Searching the index: ranked full-text search with typo correction on PostgreSQL, a plain
word match elsewhere; results grouped by kind, with highlighted excerpts and suggestions."""

import functools
import re
import unicodedata
from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db import connection, transaction
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from kb.search.index import config
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
    groups: dict[str, list[Hit]] = {}
    for pk, kind, rank in results.page.object_list:
        entry = entries[pk]
        snippet = highlight(entry.body or entry.title, terms)
        shown.append(Hit(kind, entry.title, entry.url, snippet, rank))
        groups.setdefault(kind, []).append(shown[-1])
    results.page.object_list = shown
    # The groups follow the ranking (the kind of the best hit first), not a fixed order of kinds:
    # otherwise a role that merely mentions the query would be listed above its exact title.
    results.groups = list(groups.items())
    if not shown:
        results.suggestions = _suggestions(query, language)
    return results


def _postgresql(query: str, language: str) -> tuple[list, str]:
    """Ranked (id, kind, rank) of the matching entries, and the corrected query if one was used.

    A corrected query shows what its correction finds, in the correction's order, and nothing
    else: a word is corrected only when no public text has it (the lexicon holds them all), so
    what it matched as typed came from a stem it happens to share ("stilligen", stemmed "stil",
    matched texts with "stille", listed above those with "stillingen"). If the correction finds
    nothing, the query's own matches stay and no correction is reported."""
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
                again = _ranked(cursor, corrected, language)
                if again:
                    ranked = again
                else:
                    corrected = ""
    return ranked, corrected


def _ranked(cursor, query: str, language: str) -> list:
    """The best MAX_RESULTS matches by text rank, then ordered title first (see title_first).

    The titles are compared for these rows only: unaccent() costs about 10 µs a row here, too
    much for the 15,000 rows a common word matches in a large corpus (docs/BENCHMARKS.md)."""
    # The query is parsed once and passed as a constant: in the select list a function call
    # would be evaluated again for every matching row.
    cursor.execute(
        "SELECT websearch_to_tsquery(%s::regconfig, unaccent(%s))::text, lower(unaccent(%s))",
        [config(language), query, query],
    )
    tsquery, folded = cursor.fetchone()
    if not tsquery:  # only stop words
        return []
    cursor.execute(
        "SELECT id, kind, rank FROM ("
        "  SELECT id, kind, title, ts_rank(document, %s::tsquery) AS rank FROM roles_searchentry "
        "  WHERE language = %s AND public AND document @@ %s::tsquery "
        "  ORDER BY rank DESC, kind, id LIMIT %s"
        ") AS best CROSS JOIN LATERAL (SELECT lower(unaccent(best.title)) AS title OFFSET 0) AS t "
        "ORDER BY CASE WHEN t.title = %s THEN 0 WHEN strpos(t.title, %s) > 0 THEN 1 ELSE 2 END, "
        "rank DESC, kind, id",
        [tsquery, language, tsquery, MAX_RESULTS, folded, folded],
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


@functools.lru_cache(maxsize=2**16)
def fold(value: str) -> str:
    """Lower case, accents removed (the Python counterpart of unaccent). Kept per word: a search
    on SQLite folds every word of every entry, the same few thousand words each time."""
    decomposed = unicodedata.normalize("NFKD", value.casefold().translate(FOLD))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _terms(query: str) -> list[str]:
    return [term for term in (fold(word) for word in WORD.findall(query)) if len(term) >= 2]


def matches(term: str, word: str) -> bool:
    """A folded query term matches a folded word: equal, or sharing a stem-like prefix.

    Either the word goes on from the term less its last two letters ("kunder" finds "kunde",
    "tålmodiged" finds "tålmodighed"), or the word is the term less an ending of up to three
    letters ("tålmodighed" finds "tålmodig", as a stemmer strips "-hed"/"-het"): without the
    second, a misspelling found texts that the correct spelling did not."""
    if term == word:
        return True
    if len(term) < 4:
        return False
    stem = term[: max(4, len(term) - 2)]
    return word.startswith(stem) or (len(word) >= max(4, len(term) - 3) and term.startswith(word))


def title_first(title: str, query: str) -> int:
    """0 if the folded title is the folded query, 1 if it contains it, else 2: what a reader
    means by a title match ("Tålmodighet" for tålmodighet) comes before texts that mention it.
    Containment is of the text, not of whole words, so a compound title ("Kundeserviceagent")
    counts as containing "agent"."""
    title, query = fold(title), fold(query)
    if title == query:
        return 0
    return 1 if query in title else 2


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
        scored.append((title_first(entry.title, query), entry.pk, entry.kind, rank))
    scored.sort(key=lambda row: (row[0], -row[3], row[2], row[1]))
    return [(pk, kind, rank) for _tier, pk, kind, rank in scored[:MAX_RESULTS]]


def highlight(value: str, terms: list[str], width: int = 220) -> SafeString:
    """A short excerpt around the first match, escaped, with the matched words in <mark>.

    The excerpt starts and ends at whole words ("… svært gode", not "… t gode"): a word cut at
    the start goes in whole, one cut at the end is left out. "…" marks where words are left out."""
    words = list(WORD.finditer(value))
    first = next((m for m in words if any(matches(t, fold(m.group())) for t in terms)), None)
    start = max(0, (first.start() if first else 0) - width // 3)
    end = min(len(value), start + width)
    for word in words:
        if word.start() < start < word.end():
            start = word.start()
        if word.start() < end < word.end():
            end = word.start() if word.start() > start else word.end()  # one word longer than all
    excerpt = value[start:end].strip()
    out, position = [], 0
    for match in WORD.finditer(excerpt):
        out.append(escape(excerpt[position : match.start()]))
        word = escape(match.group())
        marked = any(matches(t, fold(match.group())) for t in terms)
        out.append(f"<mark>{word}</mark>" if marked else word)
        position = match.end()
    out.append(escape(excerpt[position:]))
    prefix = "… " if WORD.search(value[:start]) else ""
    suffix = " …" if WORD.search(value, end) else ""
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
