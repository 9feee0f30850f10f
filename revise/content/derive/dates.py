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

from revise.content.derive.text import DASH, Draft, slugify, strip_numbering
from revise.content.model import TextBlock

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


def date_cards(block: TextBlock) -> Iterator[Draft]:
    match = DATED_HEADING_RE.match(strip_numbering(block.text))
    if not match or not DATE_RE.fullmatch(match.group("date").strip()):
        return
    date = match.group("date").strip()
    name = match.group("name").strip()
    parts = [p.strip() for p in name.split(":")[::-1]] if ":" in name else [name]
    for part in parts:
        front = _when_question(part, is_range=bool(re.search(DASH, date)))
        if front:
            ident = slugify(re.sub(r"^(?:the|a|an)\s+", "", part, flags=re.I))
            yield Draft(f"date-{ident}", front, date, block)
            return


def _when_question(name: str, *, is_range: bool) -> str | None:
    """'When was the Treaty of Rapallo signed?' for an event's name, or None."""
    if re.search(r"\s(?:and|&)\s|[?!]$", name) or not name:
        return None  # two things at once, or a question: not an event's name
    words = name.split()
    cut = next(
        (i for i, w in enumerate(words) if i and w.lower() in PREPOSITIONS), len(words)
    )
    head = re.sub(r"(?:'s|’s|[^\w-])+$", "", words[cut - 1]).lower()
    kind = HEAD_KIND.get(head) or ("introduced" if head.endswith("ism") else None)
    possessive = re.match(r"^(\S+?)(?:'s|’s)\s", name)
    if head == "death":
        owner = possessive.group(1) if possessive else " ".join(words[cut + 1 :])
        return f"When did {owner} die?" if owner and owner[0].isupper() else None
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
    if kind == "happened":
        return f"When did {phrase} take place?"
    if kind == "met":
        return f"When did {phrase} meet?"
    if kind == "founded" and is_range:
        return f"When did {phrase} exist?"
    if kind == "introduced" and is_range:
        return f"When {was} {phrase} in force?"
    return f"When {was} {phrase} {kind}?"
