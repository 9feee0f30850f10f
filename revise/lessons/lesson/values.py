"""What kind of value an answer is, so that a distractor is of the same kind and never
also true.

A date is typed by its precision ("3 March 1918" is a day, "March 1918" a month,
"1918" a year, "1918–1920" a range) and compared as a span of days: two dates that
overlap ("1918" and "March 1918") may both be true of one event, so one is never a
distractor for the other. A figure is typed by what it counts: a percentage, an amount
of money in one currency, a count of one unit ("13 days"), a plain number. Pure
functions, no Django.
"""

from __future__ import annotations

import re
import unicodedata

from revise.content.derive.dates import DATE_RE, month_in
from revise.content.derive.text import DASH

MONTH_NAMES = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_YEAR_RE = re.compile(r"\b(1\d{3}|20\d{2})\b")
_DAY_RE = re.compile(r"\b([0-3]?\d)(?:st|nd|rd|th)?\b")
_DASH_RE = re.compile(DASH)

Day = tuple[int, int, int]
Span = tuple[Day, Day]


def is_date(text: str) -> bool:
    """Whether ``text`` is one date or range as notes write them, and nothing more."""
    return bool(DATE_RE.fullmatch(text.strip()))


def date_shape(text: str) -> str:
    """ "day", "month", "year" or "range" (a date's precision), or "" if not a date."""
    text = text.strip()
    if not is_date(text):
        return ""
    if _DASH_RE.search(text):
        return "range"
    parts = _parts(text)
    if parts is None:
        return ""
    _, month, day = parts
    return "day" if day else "month" if month else "year"


def _parts(text: str) -> tuple[int, int, int] | None:
    """(year, month, day) of one date; 0 for what it leaves out."""
    year = _YEAR_RE.search(text)
    if year is None:
        return None
    rest = text[: year.start()] + " " + text[year.end() :]
    month = month_in(rest)
    days = [int(d) for d in _DAY_RE.findall(rest)]
    day = next((d for d in days if 1 <= d <= 31), 0) if month else 0
    return int(year.group(1)), month, day


def date_span(text: str) -> Span | None:
    """The first and last day a date may mean: "1918" → 1 Jan to 31 Dec 1918;
    "January–March 1918" → 1 Jan to 31 Mar 1918; "24–26 October 1917" → 24 to 26 Oct."""
    text = text.strip()
    pieces = _DASH_RE.split(text, maxsplit=1)
    if len(pieces) == 2 and re.fullmatch(r"\d{2}", pieces[1].strip()):  # "1918–20"
        start = _parts(pieces[0])
        if start is None:
            return None
        return _first_day(start), _last_day(
            (start[0] // 100 * 100 + int(pieces[1]), 0, 0)
        )
    end_parts = _parts(pieces[-1])
    if end_parts is None:
        return None
    if len(pieces) == 1:
        start_parts = end_parts
    else:
        start_parts = _parts(pieces[0])
        if start_parts is None:  # "January–March 1918", "24–26 October 1917"
            head = pieces[0].strip()
            month = month_in(head)
            day = next((int(d) for d in _DAY_RE.findall(head)), 0) if not month else 0
            if month:
                start_parts = (end_parts[0], month, _day_of(head))
            elif day:
                start_parts = (end_parts[0], end_parts[1], day)
            else:
                return None
    return _first_day(start_parts), _last_day(end_parts)


def _day_of(text: str) -> int:
    return next((int(d) for d in _DAY_RE.findall(text) if 1 <= int(d) <= 31), 0)


def _first_day(parts: tuple[int, int, int]) -> Day:
    year, month, day = parts
    return year, month or 1, day or 1


def _last_day(parts: tuple[int, int, int]) -> Day:
    year, month, day = parts
    return year, month or 12, day or 31


def overlaps(a: str, b: str) -> bool:
    """Whether two dates may name the same time (either unreadable counts as yes)."""
    span_a, span_b = date_span(a), date_span(b)
    if span_a is None or span_b is None:
        return True
    return span_a[0] <= span_b[1] and span_b[0] <= span_a[1]


def coarser(text: str) -> list[str]:
    """A date and the less precise forms of it that are still true:
    "16 April 1922" → ["16 April 1922", "April 1922", "1922"]."""
    shape = date_shape(text)
    if shape in ("", "range"):
        return [text] if shape else []
    year, month, _ = _parts(text) or (0, 0, 0)
    forms = [text.strip()]
    if shape == "day":
        forms.append(f"{MONTH_NAMES[month - 1]} {year}")
    if shape in ("day", "month"):
        forms.append(str(year))
    return forms


def date_sort_key(text: str) -> Day:
    span = date_span(text)
    return span[0] if span else (9999, 12, 31)


# --- figures -------------------------------------------------------------------------------

_PERCENT_RE = re.compile(r"(%|\bper\s?cent\b)", re.I)
_MONEY_RE = re.compile(r"[£$€]")


def figure_type(value: str, unit: str = "") -> str:
    """What a figure counts: "percent", "money:£", "count:days", "scale:million",
    "number"."""
    if _PERCENT_RE.search(value):
        return "percent"
    money = _MONEY_RE.search(value)
    if money:
        return f"money:{money.group(0)}"
    if unit:
        return f"count:{unit.lower()}"
    scale = re.search(r"\b(million|billion|trillion|thousand)\b", value)
    if scale:
        return f"scale:{scale.group(1)}"
    return "number"


# --- names and terms -------------------------------------------------------------------------


def normal(text: str) -> str:
    """Lower case, no accents, no punctuation, single spaces: for comparing texts."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = re.sub(r"[^\w%]+", " ", text.casefold().replace("’", "'"))
    return " ".join(text.split())


def bare(name: str) -> str:
    """A name without a leading article, compared loosely: "The July Days" → "july days"."""
    return re.sub(r"^(?:the|a|an)\s+", "", normal(name))


def same_person(a: str, b: str) -> bool:
    """ "E.H. Carr" and "Carr" are one person; "Carr" and "Pipes" are not."""
    na, nb = normal(a).split(), normal(b).split()
    return bool(na and nb) and na[-1] == nb[-1]
