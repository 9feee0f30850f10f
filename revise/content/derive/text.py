"""Text helpers the card rules share: slugs, sentences, stop words and the card draft.

No rule of its own: the pieces each rule builds on. ``slugify("Polish–Soviet War")``
gives ``polish-soviet-war`` for a card's id, and ``sentences("E.H. Carr disagrees. He
…")`` splits after "disagrees." but not after the initials. Pure functions, no Django.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from revise.content.model import Fact

MAX_FRONT = 200
GIST_WORDS = 25  # the longest gist of a definition a card or a lesson step asks with
# The longest first sentence a definition card answers with (and the cheatsheet and the
# lesson's key terms show); a longer one is cut to its gist. Every definition of the
# sample course has a first sentence of at most 33 words.
MEANING_WORDS = 35

DASH = r"\s*[-\u2013\u2014]\s*"
NUMBERING_RE = re.compile(r"^\s*(?:\d+(?:\.\d+)*[.)]|[IVX]+\.)\s+")
SUBORDINATE = (
    r",\s(?=(?:because|since|although|though|while|whereas|but|which|so|so that)\b)"
)

STOPWORDS = {
    "a",
    "an",
    "the",
    "of",
    "in",
    "on",
    "at",
    "to",
    "for",
    "by",
    "as",
    "and",
    "or",
    "its",
    "it",
    "their",
    "his",
    "her",
    "that",
    "this",
    "be",
    "was",
    "is",
    "were",
    "with",
    "from",
    "into",
    "than",
    "more",
    "about",
    "only",
    "some",
}
ABBREVIATIONS = {
    "no",
    "nos",
    "mr",
    "mrs",
    "dr",
    "st",
    "c",
    "ca",
    "gen",
    "col",
    "vs",
    "eg",
}
SENTENCE_END_RE = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"\u201c\u2018(])")
WORD_RE = re.compile(r"\S+")


@dataclass(frozen=True)
class Draft:
    """A card a rule proposes: the card rules in ``__init__`` decide whether it stays.

    ``more`` is shown after the answer (the rest of a definition), not part of it.
    """

    ident: str
    front: str
    back: str
    fact: Fact
    more: str = ""


def slugify(text: str, *, words: int | None = None) -> str:
    """Lower-case ASCII words joined by hyphens; the first ``words`` if given."""
    text = re.sub(r"(?<=\w)['’](?=\w)|(?<=\d),(?=\d{3})", "", text)  # Lenin's, 40,000
    spaced = re.sub(r"[\W_]+", " ", text)  # "Polish–Soviet" → "Polish Soviet"
    ascii_text = (
        unicodedata.normalize("NFKD", spaced).encode("ascii", "ignore").decode()
    )
    parts = re.sub(r"[^a-z0-9]+", " ", ascii_text.lower()).split()
    return "-".join(parts[:words] if words else parts)


def content_slug(text: str, *, words: int = 3) -> str:
    """The first ``words`` words of ``text`` that are not stop words, as a slug."""
    kept = [
        w
        for w in re.split(r"[^\w'’-]+", text)
        if w and not w[0].isdigit() and w.lower() not in STOPWORDS
    ]
    return slugify(" ".join(kept[:words]))


def sentences(text: str) -> list[str]:
    """``text`` split into sentences, without splitting at initials or 'No. 1'."""
    return list(_sentences(text))


@functools.lru_cache(maxsize=8)
def _sentences(text: str) -> tuple[str, ...]:
    """Linear in the length of ``text``: each possible end looks only at the word
    before it, found by walking the words alongside. Cached, since several rules read
    the sentences of the same block."""
    pieces: list[str] = []
    start = 0
    words = WORD_RE.finditer(text)
    word: re.Match[str] | None = None
    for match in SENTENCE_END_RE.finditer(text):
        while word is None or word.end() < match.start():
            word = next(words)
        last = word.group().rstrip(".").lower()
        if len(last) <= 1 or last in ABBREVIATIONS or "." in last:
            continue  # "E.H. Carr", "No. 1": not the end of a sentence
        pieces.append(text[start : match.start()].strip())
        start = match.end()
    pieces.append(text[start:].strip())
    return tuple(p for p in pieces if p)


def strip_numbering(title: str) -> str:
    """A heading without its list numbering: '1. Treaty of X' → 'Treaty of X'."""
    return NUMBERING_RE.sub("", title).strip()


def normalise(text: str) -> str:
    """Text without case, punctuation or extra spaces, for comparing questions."""
    return " ".join(re.sub(r"[^\w]+", " ", text.casefold()).split())


def capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def lower_first(text: str, vocabulary: set[str]) -> str:
    """Lower-case the first word when it is an ordinary word, not a name.

    A word counts as ordinary when it is an article, ends in "-ing", or appears in
    lower case somewhere in the chapter; "Lenin's idea of …" keeps its capital.
    """
    first = text.split(" ", 1)[0]
    word = first.lower()
    if not re.fullmatch(r"[A-Z][a-z]*", first):
        return text
    if word in {"a", "an", "the"} or word.endswith("ing") or word in vocabulary:
        return word + text[len(first) :]
    return text
