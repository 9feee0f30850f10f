"""The dashboard's charts: the numbers (pure functions, unit-tested) and their SVG.

Drawn with pygal. Decision on the Content Security Policy (``style-src 'self'``,
``script-src 'self'``): pygal's SVG carries an inline ``<style>`` (and a small inline
``<script>`` even with ``js=[]``), which the page's policy would block if the SVG were
inlined in the HTML. So each chart is served on its own, as ``image/svg+xml`` from a view
that draws the signed-in learner's own data only, and shown with ``<img src>``: an SVG
loaded as an image never runs scripts, and that one response's policy allows its inline
style (``revise/progress/views.py``). Every chart has a title and description inside
the SVG, alt text on the ``<img>``, and a data table beside it on the page.

pygal has no calendar heatmap: the year of reviews is a ``pygal.Dot`` chart, weekdays
as rows and weeks as columns, each dot sized by that day's reviews — a dot heatmap.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

import pygal
from pygal.style import Style

from revise.progress import selectors
from revise.progress.selectors import study_date

WEEKDAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
FORECAST_DAYS = 30
HEATMAP_WEEKS = 53
RETENTION_WEEKS = 12
STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#1f2937",
    foreground_strong="#111827",
    foreground_subtle="#6b7280",
    colors=("#3656d6", "#d97706"),
    font_family="system-ui, sans-serif",
)


# --- numbers --------------------------------------------------------------------------


@dataclass(frozen=True)
class DayReviews:
    """One study day of reviews: all of them, those of learned cards (review state
    before the answer), and of those the ones passed (rating above Again)."""

    day: date
    reviews: int
    learned: int = 0
    passed: int = 0


@dataclass(frozen=True)
class Week:
    start: date  # Monday
    reviews: int
    learned: int
    passed: int

    @property
    def retention(self) -> float | None:
        """True retention as Anki defines it: passed among reviews of learned cards."""
        return self.passed / self.learned if self.learned else None


def weekly(days: Iterable[DayReviews], *, today: date, weeks: int) -> list[Week]:
    """The last ``weeks`` weeks (Monday to Sunday, the current one last) of reviews."""
    first = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)
    totals = {first + timedelta(weeks=i): [0, 0, 0] for i in range(weeks)}
    for d in days:
        monday = d.day - timedelta(days=d.day.weekday())
        if monday in totals:
            row = totals[monday]
            row[0] += d.reviews
            row[1] += d.learned
            row[2] += d.passed
    return [Week(start, *row) for start, row in totals.items()]


def forecast(
    dues: Iterable[datetime],
    *,
    now: datetime,
    time_zone: str,
    hour: int,
    days: int = FORECAST_DAYS,
) -> list[tuple[date, int]]:
    """Cards due on each of the next ``days`` study days; overdue ones count today."""
    today = study_date(now, time_zone=time_zone, hour=hour)
    counts = [0] * days
    for due in dues:
        offset = (study_date(due, time_zone=time_zone, hour=hour) - today).days
        if offset < days:
            counts[max(0, offset)] += 1
    return [(today + timedelta(days=i), n) for i, n in enumerate(counts)]


def heatmap_grid(
    per_day: dict[date, int], *, today: date, weeks: int = HEATMAP_WEEKS
) -> tuple[list[date], list[list[int | None]]]:
    """Week starts (Mondays) and, per weekday, the reviews of each week (None: future)."""
    first = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)
    mondays = [first + timedelta(weeks=i) for i in range(weeks)]
    rows = []
    for weekday in range(7):
        row: list[int | None] = []
        for monday in mondays:
            day = monday + timedelta(days=weekday)
            row.append(None if day > today else per_day.get(day, 0))
        rows.append(row)
    return mondays, rows


@dataclass(frozen=True)
class ChartNumbers:
    today: date
    days: list[DayReviews]  # days with reviews in the last year, oldest first
    weeks: list[Week]
    forecast: list[tuple[date, int]]

    @property
    def per_day(self) -> dict[date, int]:
        return {d.day: d.reviews for d in self.days}

    @property
    def recent_days(self) -> list[DayReviews]:
        return self.days[::-1]


def chart_numbers_get(
    *,
    learner: Any,
    now: datetime,
    recent: selectors.ReviewDays | None = None,
    reviews: bool = True,
    dues: bool = True,
) -> ChartNumbers:
    """The learner's own numbers behind the charts: the reviews of the last year (from
    ``recent``, :func:`selectors.recent_review_days`, when given) unless ``reviews`` is
    false, and the due dates of the next 30 days unless ``dues`` is false."""
    prefs = selectors.learner_settings_get(learner=learner)
    tz, hour = prefs.time_zone, prefs.day_starts_at
    today = study_date(now, time_zone=tz, hour=hour)
    first = today - timedelta(days=today.weekday(), weeks=HEATMAP_WEEKS - 1)
    rows: selectors.ReviewDays = []
    if reviews:
        if recent is None:  # the streak's window holds the heatmap's year
            recent = selectors.recent_review_days(learner=learner, now=now)
        rows = [row for row in recent if row[0] >= first]
    days = sorted((DayReviews(*row) for row in rows), key=lambda d: d.day)
    due_list = (
        selectors.due_dates(
            learner=learner, until=now + timedelta(days=FORECAST_DAYS + 1)
        )
        if dues
        else []
    )
    return ChartNumbers(
        today=today,
        days=days,
        weeks=weekly(days, today=today, weeks=RETENTION_WEEKS),
        forecast=forecast(due_list, now=now, time_zone=tz, hour=hour),
    )


# --- SVG ------------------------------------------------------------------------------


def _config(title: str, description: str) -> dict:
    # js=[]: no script is fetched; disable_xml_declaration: the SVG stands alone.
    return {
        "title": title,
        "style": STYLE,
        "js": [],
        "disable_xml_declaration": True,
        "show_legend": False,
        "width": 800,
        "height": 300,
        "explicit_size": False,
        "truncate_label": -1,
        "value_formatter": lambda v: f"{v:.0f}",
        "min_scale": 1,
        "max_scale": 5,
    }


def _svg(chart: pygal.graph.graph.Graph, description: str) -> str:
    svg = chart.render(is_unicode=True)
    # A description for assistive technology, next to pygal's <title>.
    desc = f"<desc>{_escape(description)}</desc>"
    return svg.replace("<defs>", desc + "<defs>", 1)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def heatmap_svg(per_day: dict[date, int], *, today: date) -> str:
    mondays, rows = heatmap_grid(per_day, today=today)
    total = sum(
        per_day.get(m + timedelta(days=i), 0) for m in mondays for i in range(7)
    )
    description = f"Reviews per day over the last year: {total} in all."
    chart = pygal.Dot(**_config("Reviews per day, last 12 months", description))
    chart.x_labels = [m.strftime("%b") if m.day <= 7 else "" for m in mondays]
    for name, row in zip(WEEKDAYS, rows, strict=True):
        chart.add(name, row)
    return _svg(chart, description)


def weekly_svg(weeks: list[Week]) -> str:
    description = (
        "Reviews per week, and true retention (passed reviews of learned cards)."
    )
    chart = pygal.Bar(
        **_config("Reviews and true retention per week", description),
        secondary_range=(0, 100),
    )
    chart.x_labels = [w.start.strftime("%d %b") for w in weeks]
    chart.add("Reviews", [w.reviews for w in weeks])
    chart.add(
        "True retention (%)",
        [
            round(100 * w.retention, 1) if w.retention is not None else None
            for w in weeks
        ],
        secondary=True,
    )
    return _svg(chart, description)


def forecast_svg(days: list[tuple[date, int]]) -> str:
    total = sum(n for _, n in days)
    description = f"Cards due on each of the next {len(days)} days: {total} in all."
    chart = pygal.Bar(**_config("Cards due, next 30 days", description))
    chart.x_labels = [
        d.strftime("%d %b") if i % 5 == 0 else "" for i, (d, _) in enumerate(days)
    ]
    chart.add("Cards due", [n for _, n in days])
    return _svg(chart, description)
