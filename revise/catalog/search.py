"""Search: the documents the import writes, and :func:`search`, one interface over SQLite
FTS5 and PostgreSQL full-text search.

Every chapter gives documents (:class:`~revise.catalog.models.SearchDocument`): itself,
its sections (a heading and its text, split where the locked part starts), its facts,
cards and self-review questions. A locked document is shown only to viewers
``revise/accounts/access.py`` allows; anyone else learns only that the locked part of a
chapter matches, with no snippet and no locked title. Snippets are made here, in Python,
from escaped text, so both databases give the same page.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import snowballstemmer
from django.db import connection
from django.db.models import Count, Max
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString
from rapidfuzz import fuzz, process

from revise.accounts.access import can_read_locked
from revise.catalog.models import Chapter, Course, SearchDocument
from revise.content import model as content

MAX_QUERY = 200  # characters; a longer query is cut, with a message
MAX_TERMS = 12
MAX_TERM = 60  # characters of one term
CANDIDATES = 200  # documents ranked by the database
SHOWN = 40  # results on the page
SNIPPET_WORDS = 32
SUGGEST_CUTOFF = (
    80  # rapidfuzz ratio a suggestion must reach ("alert" is 75 from "let")
)

# Ranking: the database's relevance times the weight of the document's kind, so that
# a chapter or section about a term comes before a card that mentions it in passing.
KIND_WEIGHT = {
    "chapter": 1.6,
    "section": 1.4,
    "definition": 1.3,
    "event": 1.2,
    "view": 1.2,
    "figure": 1.0,
    "card": 0.8,
    "question": 0.8,
}
KIND_LABEL = {
    "chapter": "Chapter",
    "section": "Section",
    "definition": "Definition",
    "event": "Event",
    "view": "View",
    "figure": "Key figure",
    "card": "Flashcard",
    "question": "Self-review question",
}
DOCUMENT_FIELDS = ["position", "kind", "title", "body", "anchor", "locked"]

_TERM_RE = re.compile(r"[^\W_]+")
_TOKEN_RE = re.compile(r"([^\W_]+)")
_stemmer = snowballstemmer.stemmer("english")

Viewer = Any


# --- documents, written by the import ---------------------------------------------------


def document_values(chapter: content.Chapter) -> list[dict[str, Any]]:
    """The chapter's search documents as rows of ``SearchDocument``, in reading order."""
    docs: list[dict[str, Any]] = [
        _doc("chapter", chapter.title, chapter.summary, "", False)
    ]
    titles = {h.anchor: h.title for h in chapter.headings}
    sections: dict[tuple[str, bool], list[str]] = {}
    for block in chapter.blocks:
        if block.kind == "heading":
            sections.setdefault((block.anchor, block.locked), [])
            continue
        texts = sections.setdefault((block.anchor, block.locked), [])
        if not texts or texts[-1] != block.text:  # a definition repeats its gist
            texts.append(block.text)
    for (anchor, locked), texts in sections.items():
        title = titles.get(anchor, chapter.title) if anchor else chapter.title
        docs.append(_doc("section", title, "\n".join(texts), anchor, locked))
    for fact in chapter.facts:
        docs.append(_fact_doc(fact, chapter))
    for card in chapter.cards:
        docs.append(
            _doc("card", card.front_text, card.back_text, card.anchor, card.locked)
        )
    for question in chapter.questions:
        body = "\n".join(question.guidance_text)
        docs.append(
            _doc(
                "question", question.prompt_text, body, question.anchor, question.locked
            )
        )
    for position, doc in enumerate(docs, start=1):
        doc["position"] = position
    return docs


def _doc(kind: str, title: str, body: str, anchor: str, locked: bool) -> dict[str, Any]:
    return {
        "position": 0,
        "kind": kind,
        "title": title,
        "body": body,
        "anchor": anchor,
        "locked": locked,
    }


def _fact_doc(fact: content.Fact, chapter: content.Chapter) -> dict[str, Any]:
    if fact.kind == "event":
        # A free event's precise date may be stated only in the locked part: left out.
        free = " ".join(b.text for b in chapter.blocks if not b.locked)
        detail = fact.detail if fact.locked or fact.detail in free else ""
        body = detail if fact.value in detail else f"{fact.value} {detail}".strip()
    elif fact.kind == "view":
        body = " ".join(filter(None, [fact.role, fact.verb, fact.value]))
    elif fact.kind == "figure":
        body = fact.text.replace("___", fact.value) if fact.text else fact.value
        return _doc("figure", fact.value, body, fact.anchor, fact.locked)
    else:
        body = fact.value
    return _doc(fact.kind, fact.subject, body, fact.anchor, fact.locked)


def documents_sync(
    course: Course, pairs: Sequence[tuple[Chapter, content.Chapter]]
) -> int:
    """Rewrite the documents of each chapter whose documents differ from the stored
    ones; delete those of the course's chapters not in ``pairs``. Returns the number of
    chapters rewritten; an unchanged course writes nothing."""
    stored: dict[int, list[tuple]] = {}
    for row in (
        SearchDocument.objects.filter(chapter__course=course)
        .order_by("chapter_id", "position")
        .values_list("chapter_id", *DOCUMENT_FIELDS)
    ):
        stored.setdefault(row[0], []).append(tuple(row[1:]))
    stale: list[int] = []
    new: list[SearchDocument] = []
    for chapter, parsed in pairs:
        values = document_values(parsed)
        rows = [tuple(v[name] for name in DOCUMENT_FIELDS) for v in values]
        if stored.pop(chapter.pk, []) == rows:
            continue
        stale.append(chapter.pk)
        new += [SearchDocument(chapter=chapter, **v) for v in values]
    rewritten = len(stale)
    stale += list(stored)  # chapters retired from the course
    if stale:
        SearchDocument.objects.filter(chapter_id__in=stale).delete()
    SearchDocument.objects.bulk_create(new)
    if stale and connection.vendor == "postgresql":
        # Fresh statistics, or the planner may scan every document instead of the GIN
        # index until autovacuum gets round to the table.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE catalog_searchdocument")
    return rewritten


# --- the query --------------------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    """One result. A ``locked`` hit, for a viewer who may not read the locked part, has
    no title and no snippet: only its chapter."""

    kind: str
    label: str
    title: SafeString
    snippet: SafeString
    url: str
    chapter_title: str
    course_title: str
    locked: bool


@dataclass
class SearchResults:
    query: str
    hits: list[Hit] = field(default_factory=list)
    truncated: bool = False
    suggestion: str = ""  # the corrected query ("Did you mean …?")
    corrected: bool = False  # the hits are those of the suggestion
    more: bool = False

    @property
    def empty_query(self) -> bool:
        return not self.query.strip()


def query_terms(query: str) -> list[str]:
    """The words of a query, lower-cased: no operator, quote or bracket survives."""
    terms = [t.casefold()[:MAX_TERM] for t in _TERM_RE.findall(query)]
    return list(dict.fromkeys(terms))[:MAX_TERMS]


def search(query: str, viewer: Viewer) -> SearchResults:
    """Search every live chapter's documents for ``query`` as ``viewer`` may see them."""
    truncated = len(query) > MAX_QUERY
    query = query[:MAX_QUERY]
    results = SearchResults(query=query, truncated=truncated)
    terms = query_terms(query)
    if not terms:
        return results
    readable = can_read_locked(viewer)
    ranked = _ranked(terms)
    if not ranked:
        corrected = suggest(terms, readable=readable)
        if corrected != terms:
            results.suggestion = " ".join(corrected)
            ranked = _ranked(corrected)
            results.corrected = bool(ranked)
            terms = corrected
    results.hits, results.more = _hits(ranked, terms, readable)
    return results


def _ranked(terms: list[str]) -> list[tuple[int, float]]:
    """(document id, relevance) of the best matches of all ``terms``, best first."""
    if connection.vendor == "postgresql":
        rows = _ranked_postgresql(terms)
    else:
        rows = _ranked_sqlite(terms)
    return rows


def _ranked_sqlite(terms: list[str]) -> list[tuple[int, float]]:
    # Each term quoted: FTS5 reads it as a string, never as syntax (NEAR, -, :, *, …).
    match = " ".join('"' + t.replace('"', '""') + '"' for t in terms)
    sql = """
        SELECT d.id, d.kind, -bm25(catalog_searchdocument_fts, 10.0, 1.0)
        FROM catalog_searchdocument_fts f
        JOIN catalog_searchdocument d ON d.id = f.rowid
        JOIN catalog_chapter c ON c.id = d.chapter_id
        WHERE catalog_searchdocument_fts MATCH %s AND c.retired_at IS NULL
        ORDER BY bm25(catalog_searchdocument_fts, 10.0, 1.0)
        LIMIT %s
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [match, CANDIDATES])
        return _weighted(cursor.fetchall())


def _ranked_postgresql(terms: list[str]) -> list[tuple[int, float]]:
    # plainto_tsquery takes plain words: no syntax to escape. The vector is the
    # expression of the GIN index (migration 0003).
    sql = """
        SELECT d.id, d.kind, ts_rank(
            setweight(to_tsvector('english'::regconfig, d.title), 'A')
            || setweight(to_tsvector('english'::regconfig, d.body), 'B'), q)
        FROM catalog_searchdocument d
        JOIN catalog_chapter c ON c.id = d.chapter_id,
        plainto_tsquery('english'::regconfig, %s) q
        WHERE (setweight(to_tsvector('english'::regconfig, d.title), 'A')
            || setweight(to_tsvector('english'::regconfig, d.body), 'B')) @@ q
        AND c.retired_at IS NULL
        ORDER BY 3 DESC
        LIMIT %s
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [" ".join(terms), CANDIDATES])
        return _weighted(cursor.fetchall())


def _weighted(rows: list[tuple[int, str, float]]) -> list[tuple[int, float]]:
    scored = [
        (pk, float(score) * KIND_WEIGHT.get(kind, 1.0)) for pk, kind, score in rows
    ]
    return sorted(scored, key=lambda s: (-s[1], s[0]))


def _hits(
    ranked: list[tuple[int, float]], terms: list[str], readable: bool
) -> tuple[list[Hit], bool]:
    docs = SearchDocument.objects.select_related("chapter__course").in_bulk(
        [pk for pk, _ in ranked]
    )
    stems = {_stem(t) for t in terms}
    hits: list[Hit] = []
    locked_chapters: set[int] = set()
    for pk, _ in ranked:
        doc = docs.get(pk)
        if doc is None:
            continue
        chapter = doc.chapter
        url = reverse("catalog:chapter", args=[chapter.course.slug, chapter.slug])
        if doc.locked and not readable:
            # Only that the locked part matches: no title, heading or snippet of it.
            if chapter.pk in locked_chapters:
                continue
            locked_chapters.add(chapter.pk)
            hits.append(
                Hit(
                    kind="locked",
                    label="Locked part",
                    title=SafeString(""),
                    snippet=SafeString(""),
                    url=url,
                    chapter_title=chapter.title,
                    course_title=chapter.course.title,
                    locked=True,
                )
            )
        else:
            hits.append(
                Hit(
                    kind=doc.kind,
                    label=KIND_LABEL.get(doc.kind, doc.kind),
                    title=highlight(doc.title, stems),
                    snippet=snippet(doc.body, stems),
                    url=f"{url}#{doc.anchor}" if doc.anchor else url,
                    chapter_title=chapter.title,
                    course_title=chapter.course.title,
                    locked=False,
                )
            )
        if len(hits) > SHOWN:
            return hits[:SHOWN], True
    return hits, False


@cache
def _stem(word: str) -> str:
    return _stemmer.stemWord(word.casefold())


def highlight(text: str, stems: set[str]) -> SafeString:
    """``text`` escaped, with the words whose stem is one of ``stems`` in <mark>."""
    return _joined(_marked(_TOKEN_RE.split(text), stems))


def _marked(pieces: list[str], stems: set[str], offset: int = 0) -> list[SafeString]:
    # re.split with a group: words at odd indexes (counting from ``offset``).
    out = []
    for i, piece in enumerate(pieces, start=offset):
        if i % 2 and _stem(piece) in stems:
            out.append(format_html("<mark>{}</mark>", piece))
        else:
            out.append(escape(piece))
    return out


def _joined(parts: list[SafeString]) -> SafeString:
    # Every part is escaped (or made by format_html): their join is safe too.
    return SafeString("".join(parts))


def snippet(text: str, stems: set[str], words: int = SNIPPET_WORDS) -> SafeString:
    """About ``words`` words of ``text`` around its first match, escaped and marked."""
    pieces = _TOKEN_RE.split(" ".join(text.split()))
    word_at = list(range(1, len(pieces), 2))
    if not word_at:
        return escape(text.strip())
    first = next((n for n, i in enumerate(word_at) if _stem(pieces[i]) in stems), 0)
    start = max(0, first - words // 3)
    end = min(len(word_at), start + words)
    lo = word_at[start] if start else 0
    hi = word_at[end - 1] + 1 if end < len(word_at) else len(pieces)
    while hi > lo and not pieces[hi - 1].strip():
        hi -= 1
    body = _marked(pieces[lo:hi], stems, offset=lo)
    prefix = "… " if start else ""
    suffix = " …" if end < len(word_at) else ""
    return format_html("{}{}{}", prefix, _joined(body), suffix)


# --- spelling suggestions ---------------------------------------------------------------


def suggest(terms: list[str], *, readable: bool) -> list[str]:
    """``terms`` with each word the documents do not hold replaced by the closest word
    they do (rapidfuzz), as the notes spell it. A viewer who may not read locked parts
    gets free words only."""
    vocabulary = _vocabulary(readable)
    corrected = []
    for term in terms:
        if term in vocabulary.spelling or term.isdigit() or len(term) < 3:
            corrected.append(term)
            continue
        match = process.extractOne(
            term, vocabulary.words, scorer=fuzz.ratio, score_cutoff=SUGGEST_CUTOFF
        )
        corrected.append(vocabulary.spelling[match[0]] if match else term)
    return corrected


@dataclass(frozen=True)
class Vocabulary:
    words: list[str]  # lower-cased, most frequent first
    spelling: dict[str, str]  # lower-cased word: as the notes most often write it


_vocabularies: dict[tuple, Vocabulary] = {}


def _vocabulary(readable: bool) -> Vocabulary:
    """The words of the live documents (the free ones only unless ``readable``); cached
    until the import rewrites documents."""
    live = SearchDocument.objects.filter(chapter__retired_at__isnull=True)
    if not readable:
        live = live.filter(locked=False)
    signature = (readable, *live.aggregate(n=Count("id"), last=Max("id")).values())
    cached = _vocabularies.get(signature)
    if cached is None:
        counts: Counter = Counter()
        for title, body in live.values_list("title", "body").iterator():
            counts.update(w for w in _TERM_RE.findall(f"{title} {body}") if len(w) > 2)
        spelling: dict[str, str] = {}
        folded: Counter = Counter()
        for word, n in counts.most_common():
            spelling.setdefault(word.casefold(), word)
            folded[word.casefold()] += n
        words = [w for w, _ in folded.most_common() if not w.isdigit()]
        cached = Vocabulary(words=words, spelling=spelling)
        if len(_vocabularies) > 4:
            _vocabularies.clear()
        _vocabularies[signature] = cached
    return cached
