"""Rule: a **heading that names a dated event** gives a "When …?" card.

The verb fits the kind of event the heading's head noun names (signed, held, met,
founded, fought, introduced, announced, took place): "4. Treaty of Rapallo (1922)" gives
"When was the Treaty of Rapallo signed?" with the answer "1922" and the id
``date-treaty-of-rapallo``; "War Communism (1918–1921)", a range, gives "When was War
Communism in force?". A heading whose bracket holds no date, or whose name is not an
event ("Lenin (1870–1924)"), gives no card. Pure functions, no Django.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from revise.content.derive.text import DASH, Draft
from revise.content.model import Fact

_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November"
    r"|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
)
_YEAR = r"(?:1\d{3}|20\d{2})"
_DAY = r"(?:[0-3]?\d(?:st|nd|rd|th)?)"
_DATE = rf"(?:(?:{_DAY}\s+)?{_MONTH}\s+{_YEAR}|{_MONTH}\s+{_DAY},?\s+{_YEAR}|{_YEAR})"
_RANGE = (
    rf"(?:{_DATE}{DASH}(?:{_DATE}|\d{{2}})"
    rf"|(?:{_DAY}\s+)?{_MONTH}{DASH}(?:{_DAY}\s+)?{_MONTH}\s+{_YEAR}"
    rf"|{_DAY}{DASH}{_DAY}\s+{_MONTH}\s+{_YEAR})"
)
# Month names and their abbreviations, by number: the one table every date reader uses.
MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sept", "sep"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_WORD_RE = re.compile(r"[a-z]+")


def month_in(text: str) -> int:
    """The number of the first month ``text`` names ("3 March 1918" → 3), else 0."""
    return next((MONTHS[w] for w in _WORD_RE.findall(text.lower()) if w in MONTHS), 0)


DATE_RE = re.compile(rf"{_DATE}|{_RANGE}")
DATED_HEADING_RE = re.compile(r"^(?P<name>.+?)\s*\((?P<date>[^()]+)\)\s*$")
PREPOSITIONS = {
    "of",
    "over",
    "on",
    "in",
    "at",
    "against",
    "with",
    "for",
    "to",
    "from",
    "between",
    "by",
    "under",
    "after",
    "before",
    "during",
}
# The head noun of a heading says what kind of event it names, and so which verb fits.
EVENT_KINDS: dict[str, set[str]] = {
    "signed": {
        "treaty",
        "pact",
        "agreement",
        "accord",
        "accords",
        "armistice",
        "alliance",
        "concordat",
    },
    "held": {
        "conference",
        "congress",
        "summit",
        "election",
        "elections",
        "referendum",
        "plebiscite",
        "trial",
        "trials",
    },
    "met": {"assembly", "parliament", "duma", "convention", "estates-general"},
    "founded": {
        "comintern",
        "cominform",
        "cheka",
        "gpu",
        "ogpu",
        "nkvd",
        "kgb",
        "sovnarkom",
        "party",
        "international",
        "league",
        "organisation",
        "organization",
        "society",
        "union",
        "committee",
        "council",
        "commission",
        "republic",
        "movement",
    },
    "fought": {"war", "battle", "campaign", "siege"},
    "introduced": {
        "policy",
        "plan",
        "programme",
        "program",
        "decree",
        "decrees",
        "law",
        "laws",
        "reform",
        "reforms",
        "constitution",
        "system",
        "tax",
    },
    "announced": {
        "doctrine",
        "theses",
        "declaration",
        "manifesto",
        "proclamation",
        "ultimatum",
        "speech",
    },
    "happened": {
        "revolution",
        "rising",
        "uprising",
        "revolt",
        "rebellion",
        "mutiny",
        "intervention",
        "affair",
        "days",
        "crisis",
        "coup",
        "putsch",
        "famine",
        "strike",
        "strikes",
        "purge",
        "purges",
        "terror",
        "seizure",
        "invasion",
        "occupation",
        "blockade",
        "massacre",
        "crash",
        "depression",
        "abdication",
        "assassination",
        "collectivisation",
        "collectivization",
        "industrialisation",
        "industrialization",
        "evacuation",
        "withdrawal",
        "offensive",
        "airlift",
    },
}
HEAD_KIND = {word: kind for kind, words in EVENT_KINDS.items() for word in words}


def event_cards(fact: Fact) -> Iterator[Draft]:
    """A "When …?" card for a dated event whose name is specific enough to ask alone.

    The question uses the verb the text itself uses for the event on that date
    (``fact.verb``); without one, only verbs that assert nothing beyond the kind of
    thing named: "take place" for an event, "fought" for a war, "in force" or "exist"
    for a policy or body over a range of years, else "What is the date of …?" for a
    treaty, conference, law or declaration (a body's or an assembly's single date,
    without a verb, asks nothing clear: no card). The
    answer is the most precise date the text gives. When the name holds part of the
    date ("the July Days", July 1917) the card asks for the year alone.
    """
    name, date = fact.subject, fact.detail or fact.value
    if not _specific(name):
        return
    year = re.search(r"\b(?:1\d{3}|20\d{2})\b", date)
    given = [w for w in re.findall(r"[A-Za-z]+", date) if re.search(rf"\b{w}\b", name)]
    front = _when_question(
        name, is_range=bool(re.search(DASH, date)), verb=fact.verb, year=bool(given)
    )
    if not front:
        return
    if given:
        if not year or re.search(DASH, date):
            return
        date = year.group(0)
    yield Draft(f"date-{fact.key}", front, date, fact)


def _specific(name: str) -> bool:
    """Whether a name picks out one thing: it has a capitalised word past any article
    ("the Kornilov affair", "War Communism"), and names one thing, not two."""
    if re.search(r"\s(?:and|&)\s|[?!]$", name):
        return False
    words = re.sub(r"^(?:the|a|an)\s+", "", name, flags=re.I).split()
    return any(w[:1].isupper() for w in words)


def _head_kind(name: str) -> tuple[int, str, str | None]:
    """Where a name's head noun ends (the words before its first preposition), the
    head noun, and the kind of event it names (``EVENT_KINDS``), or None."""
    words = name.split()
    cut = next(
        (i for i, w in enumerate(words) if i and w.lower() in PREPOSITIONS), len(words)
    )
    head = re.sub(r"(?:'s|’s|[^\w-])+$", "", words[cut - 1]).lower()
    return (
        cut,
        head,
        HEAD_KIND.get(head) or ("introduced" if head.endswith("ism") else None),
    )


def names_event(name: str) -> bool:
    """Whether a heading's name says it is an event by its head noun: "the Treaty of
    Rapallo", "the Kronstadt rising", "War Communism", "the April Theses", as against
    a section's title with a date, "The gamble pays off", "Trade and recognition"."""
    return bool(name.split()) and _head_kind(name)[2] is not None


def _when_question(name: str, *, is_range: bool, verb: str, year: bool) -> str | None:
    """'When was the Treaty of Rapallo signed?' for an event's name, or None."""
    if not name:
        return None
    words = name.split()
    cut, head, kind = _head_kind(name)
    possessive = re.match(r"^(\S+?)(?:'s|’s)\s", name)
    if kind is None:
        return None
    first = words[0]
    if first.lower() in {"the", "a", "an"}:
        phrase = " ".join([first.lower(), *words[1:]])
    elif possessive or (head.endswith("ism") and cut == len(words)):
        phrase = name  # "Lenin's return", "War Communism": no article
    else:
        phrase = f"the {name}"
    plural = head.endswith("s") and not head.endswith(("ss", "us", "is"))
    was = "were" if plural else "was"
    when = "In which year" if year else "When"
    if verb in INTRANSITIVE:
        return f"{when} did {phrase} {INTRANSITIVE[verb]}?"
    if verb:
        return f"{when} {was} {phrase} {verb}?"
    if kind == "happened":
        return f"{when} did {phrase} take place?"
    if kind == "fought":
        return f"{when} {was} {phrase} fought?"
    if kind == "founded" and is_range:
        return f"When did {phrase} exist?"
    if kind == "introduced" and is_range:
        return f"When {was} {phrase} in force?"
    if year or kind in ("met", "founded"):
        return None  # a body that met or lasted: its date alone asks nothing clear
    dates = "dates" if is_range else "date"
    return f"What {'were' if is_range else 'is'} the {dates} of {phrase}?"


# Verbs used of an event that ask "When did X meet?" rather than "When was X met?",
# with the form the question needs.
INTRANSITIVE = {
    "met": "meet",
    "began": "begin",
    "broke out": "break out",
    "ended": "end",
    "took place": "take place",
    "collapsed": "collapse",
    "started": "start",
    "erupted": "erupt",
    "opened": "open",
}
