"""Text work for self review, without the database.

**Suggested ticks.** Before a learner marks their answer, each guidance point their words
seem to cover is suggested: the point's content words (stop words left out, the point's
label left out, and words the question itself uses left out, since echoing the question
shows nothing) are reduced to their stems with the Snowball English stemmer, and the point
is suggested when the answer shares enough of those stems. A stem the point shares with
another point of the same question ("government" in three of them) says less about which
point the answer covers, and counts half. A point of ``n`` stems needs a score of
``max(1, min(2, n / 2), min(3, n / 4))``: 1 for 1–2 stems, 2 for 4–8, 3 for 12 or more.

British "-ise" spellings are read as "-ize" first, so "nationalised" meets
"nationalization" as well as "nationalisation". It is a suggestion only: the learner's own
marks are what is saved.

**Labels.** A point that starts with a short phrase and a colon ("Consolidation: …",
"A balanced judgement: …") carries a label: at most four words and forty characters,
starting with a letter, without digits. When two or more points of a question carry labels,
the guidance is shown grouped under them, in the order each label first appears.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer

# The Snowball project's English stop words, with their apostrophes dropped (the tokenizer
# drops them too: "don't" is read as "dont"; contractions that would then spell a word of
# their own, "we'll" as "well", "she'd" as "shed", are left out), and a few more.
_STOP_TEXT = """
    i me my myself we our ours ourselves you your yours yourself yourselves he him his
    himself she her hers herself it its itself they them their theirs themselves what
    which who whom this that these those am is are was were be been being have has had
    having do does did doing would should could ought im youre hes shes theyre ive youve
    weve theyve youd hed theyd youll theyll isnt arent wasnt werent hasnt havent hadnt
    doesnt dont didnt wont wouldnt shant shouldnt cant cannot couldnt mustnt thats whos
    whats heres theres whens wheres whys hows a an the and but if or because as until
    while of at by for with about against between into through during before after above
    below to from up down in out on off over under again further then once here there
    when where why how all any both each few more most other some such no nor not only
    own same so than too very
    also can will may might must shall just even still yet upon within without via per
    eg ie etc whether though although however thus therefore like one ones many much
"""
STOP_WORDS = frozenset(_STOP_TEXT.split())

_WORD_RE = re.compile(r"[^\W_]+(?:'[^\W_]+)*")
_BRITISH_RE = re.compile(r"(?<=\w{3})is(e|ed|es|ing|ation|ations)$")
_TAG_RE = re.compile(r"<[^>]*>")
_LABEL_RE = re.compile(r"^\s*([^\W\d_][^:]{0,39}):\s+\S")
LABEL_MAX_WORDS = 4

_stemmer = snowballstemmer.stemmer("english")


def _fold(text: str) -> str:
    """Lower case, accents dropped, curly apostrophes straightened."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return text.replace("\u2019", "'").replace("\u2018", "'")


@lru_cache(maxsize=4096)
def _stem(word: str) -> str:
    if word.isdigit():
        return word
    return _stemmer.stemWord(_BRITISH_RE.sub(r"iz\1", word))


def content_words(text: str) -> list[tuple[str, str]]:
    """(stem, word) for each content word of ``text``, in order: stop words, one-letter
    words and possessive "'s" left out; "27%" gives "27", "Brest-Litovsk" two words."""
    words = []
    for raw in _WORD_RE.findall(_fold(text)):
        word = raw[:-2] if raw.endswith("'s") else raw
        word = word.replace("'", "")
        if len(word) < 2 or word in STOP_WORDS:
            continue
        words.append((_stem(word), word))
    return words


def stems(text: str) -> set[str]:
    """The stems of the content words of ``text``."""
    return {stem for stem, _ in content_words(text)}


def needed(count: int) -> float:
    """The score an answer needs on a point of ``count`` content stems."""
    return max(1.0, min(2.0, count / 2), min(3.0, count / 4))


@dataclass(frozen=True)
class Suggestion:
    """Whether a point seems covered, and the answer's words that matched it."""

    suggested: bool
    words: tuple[str, ...]


def suggest(answer: str, points: list[str], prompt: str = "") -> list[Suggestion]:
    """For each guidance point (plain text, label included), whether ``answer`` seems to
    cover it. Words of ``prompt`` (the question) count only in a point that has no other
    content word; a label's words never count; a stem of several points counts half."""
    said: dict[str, str] = {}
    for stem, word in content_words(answer):
        said.setdefault(stem, word)
    asked = stems(prompt)
    keys = []
    for point in points:
        label, body = split_label(point)
        key = stems(body) or (stems(point) if label else set())
        keys.append(key - asked or key)
    seen: dict[str, int] = {}
    for key in keys:
        for stem in key:
            seen[stem] = seen.get(stem, 0) + 1
    suggestions = []
    for key in keys:
        shared = sorted(stem for stem in key if stem in said)
        score = sum(1.0 if seen[stem] == 1 else 0.5 for stem in shared)
        suggestions.append(
            Suggestion(
                suggested=bool(key) and score >= needed(len(key)),
                words=tuple(said[stem] for stem in shared),
            )
        )
    return suggestions


# --- labels -------------------------------------------------------------------------------


def html_text(fragment: str) -> str:
    """The text of an inline HTML fragment (a guidance point as the import stores it)."""
    return html.unescape(_TAG_RE.sub("", fragment))


def label_of(text: str) -> str:
    """The label a point starts with ("Consolidation" of "Consolidation: …"), or ""."""
    match = _LABEL_RE.match(text)
    if match is None:
        return ""
    label = match.group(1).strip()
    if any(c.isdigit() for c in label) or len(label.split()) > LABEL_MAX_WORDS:
        return ""
    if re.search(r"[.;!?]", label):
        return ""
    return label


def split_label(text: str) -> tuple[str, str]:
    """(label, the rest) of a point's text; ("", text) without a label."""
    label = label_of(text)
    if not label:
        return "", text
    return label, text.split(":", 1)[1].strip()


def split_label_html(fragment: str, label: str) -> str:
    """The HTML of a point without its label, when the label is plain text before the
    first colon, with its first letter made a capital; otherwise the whole point."""
    if not label:
        return fragment
    head, colon, rest = fragment.partition(":")
    if colon and "<" not in head and html.unescape(head).strip() == label:
        rest = rest.strip()
        return rest[:1].upper() + rest[1:]
    return fragment


@dataclass(frozen=True)
class Group:
    """Guidance points under one label (``label`` "" for points without one);
    ``indexes`` are the points' places in the author's order."""

    label: str
    indexes: tuple[int, ...]


def group_points(labels: list[str]) -> list[Group]:
    """Points grouped by their labels, in the order each label first appears; a run of
    unlabelled points stays together in its place. One group of every point when fewer
    than two points carry a label."""
    if sum(1 for label in labels if label) < 2:
        return [Group(label="", indexes=tuple(range(len(labels))))] if labels else []
    groups: list[tuple[str, list[int]]] = []
    by_label: dict[str, list[int]] = {}
    for index, label in enumerate(labels):
        key = label.casefold()
        if label and key in by_label:
            by_label[key].append(index)
        elif label:
            by_label[key] = [index]
            groups.append((label, by_label[key]))
        elif groups and not groups[-1][0]:
            groups[-1][1].append(index)
        else:
            groups.append(("", [index]))
    return [Group(label=label, indexes=tuple(indexes)) for label, indexes in groups]
