"""Spaced-repetition maths: FSRS through the ``fsrs`` package, with deterministic fuzz.

FSRS (Free Spaced Repetition Scheduler, https://github.com/open-spaced-repetition) is the
algorithm Anki uses. The ``fsrs`` package fuzzes review intervals with Python's global
random generator; here the fuzz is seeded from the card and its review count, as Anki
does, so that previewed intervals, recorded reviews and a rebuild from the log all agree.

Everything here is pure: times are passed in (aware, UTC), nothing touches the database.
"""

from __future__ import annotations

import hashlib
import random
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime, time, timedelta
from enum import IntEnum
from typing import Any
from zoneinfo import ZoneInfo

import fsrs
import fsrs.scheduler

LEECH_LAPSES = 8
LEARN_AHEAD = timedelta(minutes=20)


class Rating(IntEnum):
    AGAIN = 1
    HARD = 2
    GOOD = 3
    EASY = 4

    @property
    def label(self) -> str:
        return self.name.capitalize()


@dataclass(frozen=True)
class Memory:
    """A learner's memory of one card: the FSRS card plus review and lapse counts."""

    state: int  # fsrs.State: 1 learning, 2 review, 3 relearning
    step: int | None
    stability: float | None
    difficulty: float | None
    due: datetime
    last_review: datetime | None
    reps: int
    lapses: int

    def to_json(self) -> dict[str, Any]:
        # Not dataclasses.asdict: it deep-copies every value (the datetimes too), a
        # tenth of a millisecond per answer, which writes this three times.
        data = {name: getattr(self, name) for name in _MEMORY_FIELDS}
        data["due"] = self.due.isoformat()
        data["last_review"] = self.last_review.isoformat() if self.last_review else None
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Memory:
        last = data.get("last_review")
        return cls(
            **{
                **data,
                "due": datetime.fromisoformat(data["due"]),
                "last_review": datetime.fromisoformat(last) if last else None,
            }
        )

    @property
    def is_leech(self) -> bool:
        return self.lapses >= LEECH_LAPSES


_MEMORY_FIELDS = tuple(field.name for field in fields(Memory))

# fsrs reads ``fsrs.scheduler.random``; swapping it is made safe for threads by one lock,
# held for the whole review (schedulers are shared, and so is their ``seed``).
_lock = threading.RLock()


class _SeededScheduler(fsrs.Scheduler):
    """An fsrs scheduler whose fuzz comes from a given seed instead of global state."""

    seed: int = 0

    def _get_fuzzed_interval(self, *, interval: timedelta) -> timedelta:
        rng = random.Random(self.seed)  # noqa: S311 - scheduling fuzz, not security
        with _lock:
            original = fsrs.scheduler.random
            fsrs.scheduler.random = rng.random
            try:
                return super()._get_fuzzed_interval(interval=interval)
            finally:
                fsrs.scheduler.random = original


Parameters = tuple[float, ...]
DEFAULT_PARAMETERS: Parameters = tuple(fsrs.scheduler.DEFAULT_PARAMETERS)

_schedulers: dict[tuple[float, Parameters | None], _SeededScheduler] = {}


def _scheduler(
    retention: float, parameters: Sequence[float] | None = None
) -> _SeededScheduler:
    """The scheduler for a retention and parameter set (None: the FSRS defaults)."""
    params = tuple(parameters) if parameters is not None else None
    key = (round(retention, 4), params)
    if key not in _schedulers:
        if len(_schedulers) > 256:  # fitted sets are many over time; keep a few
            _schedulers.clear()
        extra = {"parameters": params} if params is not None else {}
        _schedulers[key] = _SeededScheduler(desired_retention=key[0], **extra)
    return _schedulers[key]


def fuzz_seed(card_id: int, reps: int) -> int:
    """The seed for a card's next interval: its id and how often it was reviewed."""
    digest = hashlib.sha256(f"{card_id}:{reps}".encode()).digest()
    return int.from_bytes(digest[:8], "big")


def review(
    memory: Memory | None,
    *,
    card_id: int,
    rating: Rating,
    now: datetime,
    retention: float,
    parameters: Sequence[float] | None = None,
) -> Memory:
    """The memory after rating the card at ``now`` (``memory`` None: a new card).

    ``parameters`` are the learner's fitted FSRS parameters (None: the defaults).
    """
    before = memory or Memory(
        state=fsrs.State.Learning.value,
        step=0,
        stability=None,
        difficulty=None,
        due=now,
        last_review=None,
        reps=0,
        lapses=0,
    )
    card = fsrs.Card(
        card_id=card_id,
        state=fsrs.State(before.state),
        step=before.step,
        stability=before.stability,
        difficulty=before.difficulty,
        due=before.due,
        last_review=before.last_review,
    )
    scheduler = _scheduler(retention, parameters)
    with _lock:
        scheduler.seed = fuzz_seed(card_id, before.reps)
        after, _ = scheduler.review_card(
            card, fsrs.Rating(int(rating)), now.astimezone(UTC)
        )
    lapsed = before.state == fsrs.State.Review.value and rating == Rating.AGAIN
    return Memory(
        state=after.state.value,
        step=after.step,
        stability=after.stability,
        difficulty=after.difficulty,
        due=after.due,
        last_review=after.last_review,
        reps=before.reps + 1,
        lapses=before.lapses + (1 if lapsed else 0),
    )


def preview(
    memory: Memory | None,
    *,
    card_id: int,
    now: datetime,
    retention: float,
    parameters: Sequence[float] | None = None,
    due: Callable[[Memory], datetime] | None = None,
) -> dict[Rating, timedelta]:
    """How long until the card is due again after each rating, as the buttons show.

    ``due``: the due date the answer will store, if not the memory's own (an exam
    ahead brings it back before the exam)."""
    intervals = {}
    for rating in Rating:
        after = review(
            memory,
            card_id=card_id,
            rating=rating,
            now=now,
            retention=retention,
            parameters=parameters,
        )
        intervals[rating] = (due(after) if due else after.due) - now
    return intervals


def interval_label(interval: timedelta) -> str:
    """A short interval as Anki writes it: <1m, 10m, 3h, 4d, 2.1mo, 1.5y."""
    seconds = interval.total_seconds()
    if seconds < 60:
        return "<1m"
    if seconds < 3600:
        return f"{round(seconds / 60)}m"
    if seconds < 86400:
        return f"{round(seconds / 3600)}h"
    days = seconds / 86400
    if days < 30:
        return f"{round(days)}d"
    if days < 365:
        return f"{days / 30:.1f}mo"
    return f"{days / 365:.1f}y"


def day_start(now: datetime, *, time_zone: str, hour: int) -> datetime:
    """When the learner's current study day began: ``hour`` o'clock local time (UTC)."""
    zone = ZoneInfo(time_zone)
    local = now.astimezone(zone)
    day: date = local.date()
    if local.hour < hour:
        day -= timedelta(days=1)
    start = datetime.combine(day, time(hour), tzinfo=zone)
    return start.astimezone(UTC)


def next_day_start(now: datetime, *, time_zone: str, hour: int) -> datetime:
    """When the learner's next study day begins (UTC)."""
    zone = ZoneInfo(time_zone)
    start = day_start(now, time_zone=time_zone, hour=hour).astimezone(zone)
    following = datetime.combine(
        start.date() + timedelta(days=1), time(hour), tzinfo=zone
    )
    return following.astimezone(UTC)
