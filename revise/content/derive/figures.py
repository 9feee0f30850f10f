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

import re
from collections.abc import Iterator

from revise.content.derive.dates import DATE_RE
from revise.content.derive.text import (
    DASH,
    MAX_FRONT,
    Draft,
    capitalise,
    content_slug,
    sentences,
    slugify,
)
from revise.content.model import TextBlock

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


def figure_cards(
    block: TextBlock, heading: str, lead_in: TextBlock | None
) -> Iterator[Draft]:
    text = block.text.strip()
    if lead_in is not None and (text[:1].islower() or text[:1].isdigit()):
        # "… and with them:" + "27% of its farmland;" read as one sentence; only the
        # item's own figures make cards here (the lead-in's make their own).
        lead = sentences(lead_in.text)[-1].rstrip().rstrip(":").rstrip()
        pieces = [(f"{lead} {text.rstrip(' .;,')}.", len(lead) + 1)]
    else:
        pieces = [(sentence, 0) for sentence in sentences(text)]
    for sentence, first in pieces:
        for match in FIGURE_RE.finditer(sentence, first):
            figure = match.group(0)
            if match.group("count") and DATE_RE.fullmatch(figure):
                continue  # a bare year, even before a noun, is a date
            clause = _clause_around(sentence, match.start(), match.end())
            if clause is None:
                continue
            cloze, after = clause
            front = _with_context(heading, cloze)
            if len(front) > MAX_FRONT:
                front = cloze
            words = content_slug(after) or content_slug(cloze.replace("___", ""))
            number = slugify(re.sub(r"per ?cent", "", figure))
            ident = "-".join(p for p in ["figure", number, words] if p)
            yield Draft(ident, front, figure, block)


def _clause_around(sentence: str, start: int, end: int) -> tuple[str, str] | None:
    """The clause holding ``sentence[start:end]`` with that figure blanked out.

    Returns the cloze text and the words after the figure (for the card's id).
    """
    bounds = [0]
    for m in re.finditer(r";\s+", sentence):
        bounds.append(m.end())
    begin = max(b for b in bounds if b <= start)
    stop = next(
        (m.start() for m in re.finditer(r";", sentence) if m.start() >= end), None
    )
    clause_end = len(sentence) if stop is None else stop
    before = sentence[begin:start]
    after = sentence[end:clause_end]
    cloze = f"{before}___{after}".strip()
    cloze = re.sub(r"^(?:and|but)\s+", "", cloze)
    cloze = capitalise(cloze.rstrip(" ,;:."))
    if len(cloze.replace("___", "").split()) < 3:
        return None
    return f"{cloze}.", after


def _with_context(heading: str, text: str) -> str:
    if not heading:
        return text
    if heading.endswith(("?", "!", ".")) or ":" in heading:
        return f"{heading} — {text}"
    return f"{heading}: {text}"
