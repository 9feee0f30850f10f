"""Rule: a **figure** in the text gives a fill-the-gap card, with its heading as context.

A figure is a percentage, an amount of money, a number of millions or thousands, a large
number, or a count of something ("175 seats"); a bare year is a date, not a figure. Under
the heading "Why the Bolsheviks won", "The SRs won about 40 per cent of the vote" gives
"Why the Bolsheviks won: The SRs won about ___ of the vote." with the answer "40 per
cent" and the id ``figure-40-vote``. A list item that continues its lead-in ("… and with
them:" + "27% of its farmland;") is read as one sentence with it. Pure functions, no
Django.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterator

from revise.content.derive.dates import DATE_RE
from revise.content.derive.text import (
    DASH,
    MAX_FRONT,
    Draft,
    capitalise,
    sentences,
)
from revise.content.model import Fact, TextBlock

_NUMBER = r"\d+(?:[.,]\d+)*"
_UNITS = (
    r"days|weeks|months|hours|km|kilometres|kilometers|miles|hectares|acres|tonnes|tons"
    r"|men|women|soldiers|troops|sailors|workers|peasants|people|deaths|dead|casualties"
    r"|prisoners|delegates|deputies|members|seats|votes|divisions|ships|tanks|aircraft"
    r"|planes|roubles|rubles|dollars|pounds|marks|francs"
)
FIGURE_RE = re.compile(
    rf"(?<![\w.,£$€])(?:"
    rf"(?P<percent>{_NUMBER}(?:{DASH}{_NUMBER})?\s?(?:%|per cent|percent))"
    rf"|(?P<money>[£$€]\s?{_NUMBER}(?:\s(?:million|billion|trillion|thousand))?)"
    rf"|(?P<scale>{_NUMBER}\s(?:million|billion|trillion|thousand))"
    rf"|(?P<large>\d{{1,3}}(?:,\d{{3}})+)"
    rf"|(?P<count>{_NUMBER})(?=\s(?:{_UNITS})\b)"
    rf")(?![\w%])"
)


def figure_clauses(
    block: TextBlock, lead_in: TextBlock | None
) -> Iterator[tuple[str, str, str, str]]:
    """Each figure of ``block``: (figure, unit, what follows it, the clause with ___).

    The unit is the counted noun of a count ("13 days" → "days"), else empty.
    """
    text = block.text.strip()
    if lead_in is not None and (text[:1].islower() or text[:1].isdigit()):
        # "… and with them:" + "27% of its farmland;" read as one sentence; only the
        # item's own figures count here (the lead-in's are its own).
        lead = _lead(lead_in.text)
        pieces = [(f"{lead} {text.rstrip(' .;,')}.", len(lead) + 1)]
    else:
        pieces = [(sentence, 0) for sentence in sentences(text)]
    for sentence, first in pieces:
        clauses = None
        for match in FIGURE_RE.finditer(sentence, first):
            figure = match.group(0)
            if match.group("count") and DATE_RE.fullmatch(figure):
                continue  # a bare year, even before a noun, is a date
            clauses = clauses or _Clauses(sentence)
            clause = clauses.around(match.start(), match.end())
            if clause is None:
                continue
            cloze, after = clause
            unit = ""
            if match.group("count"):
                unit = after.split()[0] if after.split() else ""
            yield figure, unit, after.strip(), cloze


def figure_cards(fact: Fact) -> Iterator[Draft]:
    """A fill-the-gap card: the clause with its figure blanked, after its heading."""
    front = with_context(fact.context, fact.text)
    if len(front) > MAX_FRONT:
        front = fact.text
    yield Draft(f"figure-{fact.key}", front, fact.value, fact)


@functools.lru_cache(maxsize=4)
def _lead(text: str) -> str:
    """The last sentence of a lead-in, without its colon, computed once for all the
    items that follow it. Only its end can share a clause with a figure of an item,
    and a clause longer than a card is never used: a very long lead-in is cut."""
    lead = sentences(text)[-1].rstrip().rstrip(":").rstrip()
    return lead[-2 * MAX_FRONT :]


class _Clauses:
    """The clauses of a sentence (its parts between semicolons), for blanking figures
    out of them: found once per sentence, so that each figure costs no more than the
    card it may make."""

    def __init__(self, sentence: str) -> None:
        self.sentence = sentence
        self.starts = [0] + [m.end() for m in re.finditer(r";\s+", sentence)]
        self.semicolons = [m.start() for m in re.finditer(r";", sentence)]
        self.trimmed: dict[tuple[int, int], tuple[int, int]] = {}

    def around(self, start: int, end: int) -> tuple[str, str] | None:
        """The clause holding ``sentence[start:end]`` with that figure blanked out,
        and the words after the figure (for the card's id); None when the clause is
        too short or too long for a card."""
        sentence = self.sentence
        begin = self.starts[bisect.bisect_right(self.starts, start) - 1]
        i = bisect.bisect_left(self.semicolons, end)
        clause_end = self.semicolons[i] if i < len(self.semicolons) else len(sentence)
        if (begin, clause_end) not in self.trimmed:
            self.trimmed[begin, clause_end] = self._trim(begin, clause_end)
        first, last = self.trimmed[begin, clause_end]
        first, last = min(first, start), max(last, end)
        if (start - first) + len("___") + (last - end) + len(".") > MAX_FRONT:
            return None  # the card would be dropped as too long: spare building it
        cloze = f"{sentence[first:start]}___{sentence[end:last]}".strip()
        cloze = capitalise(cloze.rstrip(" ,;:."))
        if len(cloze.replace("___", "").split()) < 3:
            return None
        return f"{cloze}.", sentence[end:last]

    def _trim(self, begin: int, stop: int) -> tuple[int, int]:
        """Where a clause's text starts and ends once the spaces around it, a leading
        "and" or "but" and its closing punctuation are taken off."""
        sentence = self.sentence
        lead = _LEADING.match(sentence, begin, stop)
        first = lead.end() if lead else begin
        last = stop
        while last > first and sentence[last - 1].isspace():
            last -= 1
        while last > first and sentence[last - 1] in " ,;:.":
            last -= 1
        return first, last


_LEADING = re.compile(r"\s*(?:(?:and|but)\s+)?")


def with_context(heading: str, text: str) -> str:
    """``text`` after its heading, so that a card carries where it stands."""
    if not heading:
        return text
    if heading.endswith(("?", "!", ".")) or ":" in heading:
        return f"{heading} — {text}"
    return f"{heading}: {text}"
