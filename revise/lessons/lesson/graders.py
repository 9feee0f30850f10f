"""Reading a learner's answer from a form, and marking it.

Each kind has its form fields (all indexes are into the step's own order, not the
shuffled order the page shows):

- choice: ``choice`` = the option's index;
- true-false: ``truth`` = "true" or "false";
- fill-blank: ``blank-0``, ``blank-1``, … = the words typed;
- order: ``place-<item>`` = the place (1, 2, …) given to each item;
- match: ``pair-<left>`` = the index of the right-hand side chosen for each left.

A form that cannot be read as an answer (a missing field, a number out of range, two
items in one place, an empty blank) raises :class:`BadAnswer`, whose message says what
to fix. The answer kept is plain JSON: an index, a bool, a list of texts or indexes.

A blank forgives case, accents, punctuation and a small typo in a word (rapidfuzz's
optimal string alignment distance, ``TYPOS``), but never a wrong number: the digits
must be the same ("26%" is not "27%", 1921 is not 1922). "10th" and "tenth", "27 per
cent" and "27%" are the same answer.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from rapidfuzz.distance import OSA

from revise.lessons.lesson.steps import (
    CHOICE,
    FILL_BLANK,
    MATCH,
    ORDER,
    TRUE_FALSE,
    Step,
)

MAX_TYPED = 200  # characters in one blank


class BadAnswer(ValueError):
    """A form that is not an answer to the step."""


def read_answer(step: Step, form: Mapping[str, str]) -> Any:
    """The answer ``form`` gives to ``step``, or :class:`BadAnswer`."""
    if step.kind == CHOICE:
        return _index(form.get("choice"), len(step.options), "Pick one of the options.")
    if step.kind == TRUE_FALSE:
        value = (form.get("truth") or "").strip().lower()
        if value not in ("true", "false"):
            raise BadAnswer("Pick true or false.")
        return value == "true"
    if step.kind == FILL_BLANK:
        typed = []
        for i in range(len(step.blanks)):
            value = form.get(f"blank-{i}")
            if value is None or not value.strip():
                raise BadAnswer("Fill in every blank.")
            if len(value) > MAX_TYPED:
                raise BadAnswer(f"A blank takes at most {MAX_TYPED} characters.")
            typed.append(value.strip())
        return typed
    if step.kind == ORDER:
        count = len(step.options)
        places = [
            _index(form.get(f"place-{i}"), count, "Give every item a place.", first=1)
            for i in range(count)
        ]
        if len(set(places)) != count:
            raise BadAnswer("Give each item a different place.")
        return [item for _, item in sorted((p, i) for i, p in enumerate(places))]
    if step.kind == MATCH:
        count = len(step.pairs)
        chosen = [
            _index(form.get(f"pair-{i}"), count, "Match every item.")
            for i in range(count)
        ]
        if len(set(chosen)) != count:
            raise BadAnswer("Use each answer once.")
        return chosen
    raise BadAnswer("This step has nothing to answer.")


def _index(value: str | None, count: int, message: str, *, first: int = 0) -> int:
    value = (value or "").strip()
    if not (value.isascii() and value.isdigit() and len(value) <= 4):
        raise BadAnswer(message)
    number = int(value)
    if not first <= number < count + first:
        raise BadAnswer(message)
    return number - first


def is_right(step: Step, answer: Any) -> bool:
    """Whether ``answer`` (as :func:`read_answer` gives it) is right."""
    if step.kind in (CHOICE, TRUE_FALSE):
        return answer == step.answer and type(answer) is type(step.answer)
    if step.kind == FILL_BLANK:
        return len(answer) == len(step.blanks) and all(
            blank_matches(typed, expected)
            for typed, expected in zip(answer, step.blanks, strict=True)
        )
    if step.kind == ORDER:
        return list(answer) == list(range(len(step.options)))
    if step.kind == MATCH:
        return list(answer) == list(range(len(step.pairs)))
    return False


# --- fill the blank ---------------------------------------------------------------------------

# Edits forgiven in a word, by its length: none in a short word ("war" is not "was").
TYPOS = ((3, 0), (7, 1), (10**9, 2))
_NUMBER_WORDS = {
    word: str(n)
    for n, words in enumerate(
        [
            (),
            ("one", "first"),
            ("two", "second"),
            ("three", "third"),
            ("four", "fourth"),
            ("five", "fifth"),
            ("six", "sixth"),
            ("seven", "seventh"),
            ("eight", "eighth"),
            ("nine", "ninth"),
            ("ten", "tenth"),
            ("eleven", "eleventh"),
            ("twelve", "twelfth"),
            ("thirteen", "thirteenth"),
            ("fourteen", "fourteenth"),
            ("fifteen", "fifteenth"),
            ("sixteen", "sixteenth"),
            ("seventeen", "seventeenth"),
            ("eighteen", "eighteenth"),
            ("nineteen", "nineteenth"),
            ("twenty", "twentieth"),
        ]
    )
    for word in words
}
_FRACTIONS = {
    r"\b(?:a|one)\s+half\b|\bhalf\b": "1/2",
    r"\b(?:a|one)\s+third\b": "1/3",
    r"\btwo\s+thirds\b": "2/3",
    r"\b(?:a|one)\s+quarter\b": "1/4",
    r"\bthree\s+quarters\b": "3/4",
}
_PERCENT = re.compile(r"\s*(?:%|\bper\s*cent\b)")
_ORDINAL = re.compile(r"\b(\d+)(?:st|nd|rd|th)\b")
_ARTICLES = {"a", "an", "the", "about", "around", "roughly", "some"}


def normal_answer(
    text: str, *, number_words: bool = True
) -> tuple[list[str], list[str]]:
    """A typed answer as (its numbers, its words), each normalised: no case, accents
    or punctuation; number words and ordinals as digits (unless ``number_words`` is
    false); "per cent" as "%" (left out, since the blank's place says it); leading
    articles and "about" dropped."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    if number_words:
        for pattern, value in _FRACTIONS.items():
            text = re.sub(pattern, value, text)
    text = _PERCENT.sub(" ", text)
    text = _ORDINAL.sub(r"\1", text)
    text = re.sub(r"(?<=\d),(?=\d{3}\b)", "", text)  # 40,000
    words = re.findall(r"\d+(?:[./]\d+)?|[^\W\d_]+", text)
    if number_words:
        words = [_NUMBER_WORDS.get(w, w) for w in words]
    while len(words) > 1 and words[0] in _ARTICLES:
        words = words[1:]
    numbers = [w for w in words if w[0].isdigit()]
    return numbers, [w for w in words if not w[0].isdigit()]


def blank_matches(typed: str, expected: str) -> bool:
    """Whether ``typed`` fills a blank whose answer is ``expected``: numbers exactly,
    words with a small typo each. Numbers written as words ("tenth") are numbers
    ("10th" fills them), and, when neither side has a digit, words with typos too."""
    if _words_match(typed, expected, number_words=True):
        return True
    if re.search(r"\d", typed) or re.search(r"\d", expected):
        return False
    return _words_match(typed, expected, number_words=False)


def _words_match(typed: str, expected: str, *, number_words: bool) -> bool:
    typed_numbers, typed_words = normal_answer(typed, number_words=number_words)
    numbers, words = normal_answer(expected, number_words=number_words)
    if typed_numbers != numbers or not (words or numbers):
        return False
    if len(typed_words) != len(words):  # "taxinkind", "tax in kind"
        return _close("".join(typed_words), "".join(words))
    return all(_close(t, w) for t, w in zip(typed_words, words, strict=True))


def _close(typed: str, word: str) -> bool:
    allowed = next(edits for length, edits in TYPOS if len(word) <= length)
    return OSA.distance(typed, word, score_cutoff=allowed) <= allowed
