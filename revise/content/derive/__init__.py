"""Flashcards made from the facts of a chapter's notes, as a strict teacher would keep them.

``revise/content/facts.py`` finds the facts; one module per kind proposes the cards a
fact can give (``definitions.py``, ``dates.py``, ``figures.py``, ``historians.py``), and
this module keeps only the cards that pass every rule below, written for authors in
``docs/authoring.md`` ("Cards made from your notes"). A made card must:

- ask one thing and fit on a card (a question of at most ``MAX_FRONT`` characters);
- keep its answer to ``ANSWER_WORDS`` words, a definition's to ``MEANING_WORDS`` (its
  whole first sentence, else its gist; the later sentences are shown after the answer,
  not asked);
- never hold its answer in its question: not the answer's words, nor words sharing
  their stem ("Communist" for "communism"), nor the words it is made of ("the
  Communist International" for Comintern, "the New Economic Policy" for NEP);
- not repeat a card the author wrote: the same answer about the same subject in the
  same direction (the author's "When and where was the Comintern founded?" covers
  "When was the Comintern founded?"); the other direction is kept;
- not repeat another made card's question.

Each card's id is short, readable and stable (``date-treaty-of-rapallo``), so that an
author can name it in the chapter's ``skip_cards``. Pure functions, no Django.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from revise.content.derive.dates import event_cards
from revise.content.derive.definitions import definition_cards
from revise.content.derive.figures import figure_cards
from revise.content.derive.historians import view_cards
from revise.content.derive.text import (
    MAX_FRONT,
    MEANING_WORDS,
    STOPWORDS,
    Draft,
    normalise,
)
from revise.content.limits import KEY
from revise.content.model import Card, Fact

ANSWER_WORDS = 25
# A term, date, figure or name: an answer the question must not hold. A longer answer
# (a definition, a view) restates its subject's words as a matter of course.
SHORT_ANSWER = 4
REPEAT_SHARE = 0.25
ORIGIN = "derived"
MIN_ID = 16  # room for an id when a chapter's slug is too long (reported elsewhere)


@dataclass(frozen=True)
class Dropped:
    """A made card left out because an authored card already asks it."""

    card: Card
    duplicates: str  # the authored card's key


def derive_cards(
    *,
    chapter_slug: str,
    facts: Iterable[Fact],
    authored: Iterable[Card] = (),
    vocabulary: set[str] | None = None,
) -> tuple[list[Card], list[Dropped]]:
    """The cards the facts give that pass every rule, in the order of the notes, and
    those dropped as repeats of an authored card. Ids are unique, and each key
    (``chapter-slug/id``) fits in the database's ``KEY`` characters.

    ``vocabulary`` (the chapter's lower-case words) tells ordinary words from names
    when a gist is put into a question.
    """
    authored = list(authored)
    vocabulary = vocabulary or set()
    room = max(KEY - len(chapter_slug) - 1, MIN_ID)
    cards: list[Card] = []
    dropped: list[Dropped] = []
    seen_fronts: set[str] = set()
    used: set[str] = set()
    counts: dict[str, int] = {}
    for draft in _drafts(facts, vocabulary):
        front, back = draft.front.strip(), draft.back.strip()
        if not _fits(front, back, draft.fact.kind):
            continue
        if len(back.split()) <= SHORT_ANSWER and gives_away(front, back):
            continue
        normal = normalise(front)
        if normal in seen_fronts:
            continue
        seen_fronts.add(normal)
        base = _fit(draft.ident, room)
        ident, count = base, counts.get(base, 1)
        while ident in used:  # the second "figure-27-farmland" is "…-2", and so on
            count += 1
            suffix = f"-{count}"
            ident = _fit(base, room - len(suffix)) + suffix
        counts[base] = count
        used.add(ident)
        back_html = html.escape(back, quote=False)
        if draft.more:
            more = html.escape(draft.more, quote=False)
            back_html += f' <span class="card-more">{more}</span>'
        card = Card(
            key=f"{chapter_slug}/{ident}",
            explicit_id=False,
            front_html=html.escape(front, quote=False),
            back_html=back_html,
            front_text=front,
            back_text=back,
            anchor=draft.fact.anchor,
            locked=draft.fact.locked,
            line=draft.fact.line,
            origin=ORIGIN,
        )
        twin = next((a for a in authored if repeats(draft, a)), None)
        if twin is not None:
            dropped.append(Dropped(card, twin.key))
        else:
            cards.append(card)
    return cards, dropped


def _drafts(facts: Iterable[Fact], vocabulary: set[str]) -> Iterator[Draft]:
    for fact in facts:
        if fact.kind == "definition":
            yield from definition_cards(fact, vocabulary)
        elif fact.kind == "event":
            yield from event_cards(fact)
        elif fact.kind == "figure":
            yield from figure_cards(fact)
        elif fact.kind == "view":
            yield from view_cards(fact, vocabulary)


def _fits(front: str, back: str, kind: str) -> bool:
    words = MEANING_WORDS if kind == "definition" else ANSWER_WORDS
    return (
        bool(front and back) and len(front) <= MAX_FRONT and len(back.split()) <= words
    )


# --- the answer in the question ----------------------------------------------------------

QUESTION_WORDS = {
    "what",
    "which",
    "when",
    "where",
    "who",
    "whom",
    "why",
    "how",
    "does",
    "did",
    "do",
    "mean",
    "means",
    "term",
    "year",
    "date",
    "dates",
    "held",
    "view",
}


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", normalise(text).replace("'", " "))


def _stem(word: str) -> str:
    return word[:6]


def gives_away(question: str, answer: str) -> bool:
    """Whether ``question`` holds ``answer``: one of its words or their stems, a word
    the answer begins with ("NEP" in "Nepmen"), or the words it is made of."""
    asked = [w for w in _words(question.replace("___", " ")) if w not in QUESTION_WORDS]
    answered = [w for w in _words(answer) if w not in STOPWORDS]
    if not answered:
        return False
    asked_set = set(asked)
    for a in answered:
        if a.isdigit():
            if a in asked_set:
                return True
            continue
        if len(a) < 3:
            continue
        for q in asked_set:
            if q.isdigit() or len(q) < 3 or q in STOPWORDS:
                continue
            if a == q or (_stem(a) == _stem(q) and min(len(a), len(q)) >= 5):
                return True
            short, long_ = sorted((a, q), key=len)
            if long_.startswith(short):
                return True
    joined = "".join(answered)
    return len(answered) <= 2 and _made_of(joined, asked)


def _made_of(term: str, words: list[str]) -> bool:
    """Whether ``term`` is the beginnings of two or more words in a row of ``words``:
    "comintern" of "communist international", "nep" of "new economic policy"."""
    if len(term) < 3:
        return False

    def build(rest: str, i: int, used: int) -> bool:
        if not rest:
            return used >= 2
        if i >= len(words):
            return False
        word = words[i]
        for k in range(min(len(word), len(rest)), 0, -1):
            if rest.startswith(word[:k]) and build(rest[k:], i + 1, used + 1):
                return True
        return False

    return any(build(term, i, 0) for i in range(len(words)) if words[i][:1] == term[0])


# --- repeats of authored cards -------------------------------------------------------------


def _stems(text: str) -> set[str]:
    return {
        _stem(w)
        for w in _words(text)
        if w not in STOPWORDS and w not in QUESTION_WORDS and len(w) > 2
    }


def repeats(draft: Draft, authored: Card) -> bool:
    """Whether ``authored`` asks what ``draft`` asks, in the same direction.

    A short answer (a term, date, figure or name) repeats when the authored answer
    holds it and the two questions share two words beside it. A longer answer repeats
    when the authored question asks the same kind of thing ("What …?", "When …?")
    about the same subject, shares two of the draft question's words (or its one word:
    "What does 'Nepmen' mean?" and "What were nepmen?" share all they can), and the
    authored answer holds a quarter of the draft answer's words (``REPEAT_SHARE``).
    """
    front, back = draft.front, draft.back
    key = " ".join(w for w in _words(back) if w not in {"as", "in", "on", "the", "a"})
    theirs = f" {' '.join(_words(authored.back_text))} "
    their_front = _stems(authored.front_text)
    if len(key.split()) <= SHORT_ANSWER and key and f" {key} " in theirs:
        shared = _stems(front) & (their_front | _stems(authored.back_text))
        if len(shared - _stems(back)) >= 2:
            return True
    subject = _stems(draft.fact.subject)
    if not subject or not subject <= their_front:
        return False
    if _asks(front) != _asks(authored.front_text):
        return False
    asked = _stems(front)
    if len(asked & their_front) < min(2, len(asked)):
        return False
    ours = _stems(back)
    return len(ours & _stems(authored.back_text)) >= REPEAT_SHARE * len(ours)


_ASKS = {
    "when": "when",
    "what year": "when",
    "which year": "when",
    "what date": "when",
    "where": "where",
    "who": "who",
    "whom": "who",
    "which historian": "who",
    "why": "why",
    "how": "how",
    "what": "what",
    "which": "what",
}
_ASKS_RE = re.compile(r"\b(" + "|".join(sorted(_ASKS, key=len, reverse=True)) + r")\b")


def _asks(question: str) -> str:
    """What kind of answer a question wants: "when", "who", "what", …"""
    found = _ASKS_RE.search(question.lower())
    return _ASKS[found.group(1)] if found else ""


def _fit(ident: str, room: int) -> str:
    """An id cut to ``room`` characters, at most; ids that fit are left as they are."""
    return ident if len(ident) <= room else ident[:room].rstrip("-")


def derived_id(card: Card) -> str:
    """The id an author names in ``skip_cards``: the card's key without its chapter."""
    return card.key.partition("/")[2]
