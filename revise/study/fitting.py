"""Fitting each learner's FSRS parameters to their own review log.

A learner's reviews (undone ones and undo rows left out) become FSRS training items, one per
review after a card's first: the card's history up to and including that review, with
intervals counted in the learner's study days. The fit is done by ``fsrs-rs-python``
(fsrs-rs, the optimizer inside Anki) in the task worker, never in a request.

The split is in time: the first 80% of the reviews train, the last 20% are held out, and
the fitted parameters are scored there against those in force (and the defaults) by log
loss and RMSE (bins), the two metrics of the FSRS benchmark
(https://github.com/open-spaced-repetition/srs-benchmark). A fit is put in force only if
its log loss is lower; every fit is recorded either way (``ParameterFit``).
"""

from __future__ import annotations

import math
import random
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import fsrs.scheduler
import fsrs_rs_python as fsrs_rs
from django.contrib.auth import get_user_model
from django.db import transaction

from revise.study.models import LearnerSettings, ParameterFit, ReviewLog
from revise.study.scheduling import DEFAULT_PARAMETERS, Parameters

# The FSRS authors' threshold: "If you have less than 1,000 reviews, please use the default
# parameters" (FSRS tutorial for Anki, open-spaced-repetition/fsrs4anki, docs/tutorial.md,
# "Find optimal parameters"); Anki's own Optimize button followed it when FSRS shipped.
MIN_REVIEWS = 1000
# After the first fit, fit again every 500 new reviews (about a month at Anki's default
# load of 20 new cards a day).
FIT_EVERY = 500
HOLDOUT = 0.2  # the most recent fifth of the reviews, by time, is held out


@dataclass(frozen=True)
class Review:
    """One review as the fit sees it: the card, the learner's study day, the rating."""

    card: int
    day: int
    rating: int


@dataclass(frozen=True)
class Target:
    """A held-out review to predict: the card's history before it, and what happened."""

    history: fsrs_rs.FSRSItem
    delta_t: int  # days since the card's previous review
    recalled: bool
    number: int  # the review's number for its card (1: first review)
    lapses: int  # lapses before it (Again after at least a day)


@dataclass(frozen=True)
class Score:
    log_loss: float
    rmse: float  # RMSE (bins), as the FSRS benchmark bins reviews
    count: int


def study_day(moment: datetime, *, time_zone: str, hour: int) -> int:
    """The learner's study day of ``moment`` as a day number (days start at ``hour``)."""
    local = moment.astimezone(ZoneInfo(time_zone)) - timedelta(hours=hour)
    return local.date().toordinal()


def learner_reviews(*, learner_id: int, time_zone: str, hour: int) -> list[Review]:
    """The learner's reviews in time order, without undone reviews and undo rows."""
    rows = list(
        ReviewLog.objects.filter(learner_id=learner_id)
        .order_by("reviewed_at", "id")
        .values_list("id", "kind", "undoes_id", "card_id", "reviewed_at", "rating")
    )
    undone = {row[2] for row in rows if row[1] == ReviewLog.Kind.UNDO}
    return [
        Review(card, study_day(at, time_zone=time_zone, hour=hour), rating)
        for pk, kind, _, card, at, rating in rows
        if kind == ReviewLog.Kind.REVIEW and pk not in undone
    ]


def items_split(
    reviews: Sequence[Review], *, holdout: float = HOLDOUT
) -> tuple[list[fsrs_rs.FSRSItem], list[Target]]:
    """Training items from the earlier reviews and held-out targets from the later ones.

    ``reviews`` are in time order. A held-out review is predicted from its card's whole
    history, training reviews included (train on the past, score what came after); only
    reviews a day or more after the previous one are scored, as in the FSRS benchmark.
    """
    cutoff = len(reviews) - int(len(reviews) * holdout)
    history: dict[int, list[fsrs_rs.FSRSReview]] = defaultdict(list)
    last_day: dict[int, int] = {}
    lapses: dict[int, int] = defaultdict(int)
    train: list[fsrs_rs.FSRSItem] = []
    test: list[Target] = []
    for position, review in enumerate(reviews):
        past = history[review.card]
        delta_t = review.day - last_day[review.card] if past else 0
        current = fsrs_rs.FSRSReview(review.rating, delta_t)
        if past:
            if position < cutoff:
                train.append(fsrs_rs.FSRSItem([*past, current]))
            elif delta_t > 0:
                test.append(
                    Target(
                        history=fsrs_rs.FSRSItem(list(past)),
                        delta_t=delta_t,
                        recalled=review.rating > 1,
                        number=len(past) + 1,
                        lapses=lapses[review.card],
                    )
                )
        if review.rating == 1 and delta_t > 0:
            lapses[review.card] += 1
        past.append(current)
        last_day[review.card] = review.day
    return train, test


def fit(train: Sequence[fsrs_rs.FSRSItem]) -> Parameters:
    """FSRS parameters fitted to ``train`` by fsrs-rs, rounded for storage and held
    within the bounds the ``fsrs`` scheduler accepts."""
    values = fsrs_rs.FSRS(list(DEFAULT_PARAMETERS)).compute_parameters(list(train))
    return tuple(
        min(max(round(value, 6), low), high)
        for value, low, high in zip(
            values,
            fsrs.scheduler.LOWER_BOUNDS_PARAMETERS,
            fsrs.scheduler.UPPER_BOUNDS_PARAMETERS,
            strict=True,
        )
    )


def retrievability(
    delta_t: float, stability: float, parameters: Sequence[float]
) -> float:
    """FSRS-6's forgetting curve: the chance of recall ``delta_t`` days after review."""
    decay = -parameters[20]
    factor = 0.9 ** (1 / decay) - 1
    return (1 + factor * delta_t / stability) ** decay


def predict(parameters: Sequence[float], targets: Sequence[Target]) -> list[float]:
    """FSRS's predicted recall for each target under ``parameters``."""
    if not targets:
        return []
    model = fsrs_rs.FSRS(list(parameters))
    states = model.memory_state_batch([target.history for target in targets])
    return [
        retrievability(target.delta_t, state.stability, parameters)
        for target, state in zip(targets, states, strict=True)
    ]


def _bin(value: float, base: float, scale: float, digits: int) -> float:
    return round(scale * base ** math.floor(math.log(value) / math.log(base)), digits)


def score(predictions: Sequence[float], targets: Sequence[Target]) -> Score:
    """Log loss and RMSE (bins) of ``predictions``.

    The bins are the FSRS benchmark's (srs-benchmark, ``rmse_matrix``): reviews grouped
    by interval, review number and lapses on log scales, RMSE between each bin's mean
    prediction and mean outcome, weighted by the bin's size.
    """
    if not targets:
        return Score(math.nan, math.nan, 0)
    total = 0.0
    bins: dict[tuple[float, float, float], list[float]] = defaultdict(
        lambda: [0.0, 0.0, 0.0]
    )
    for p, target in zip(predictions, targets, strict=True):
        p = min(max(p, 1e-4), 1 - 1e-4)
        y = 1.0 if target.recalled else 0.0
        total -= math.log(p) if target.recalled else math.log(1 - p)
        key = (
            _bin(max(target.delta_t, 1e-6), 3.62, 2.48, 2),
            _bin(target.number, 1.89, 1.99, 0),
            _bin(target.lapses, 1.73, 1.65, 0) if target.lapses else 0,
        )
        cell = bins[key]
        cell[0] += p
        cell[1] += y
        cell[2] += 1
    squared = sum((p - y) ** 2 / n for p, y, n in bins.values())
    return Score(total / len(targets), math.sqrt(squared / len(targets)), len(targets))


@dataclass(frozen=True)
class FitResult:
    parameters: Parameters
    fitted: Score
    baseline: Score
    default: Score
    train_reviews: int
    seconds: float

    @property
    def better(self) -> bool:
        return self.fitted.log_loss < self.baseline.log_loss


def fit_and_score(
    reviews: Sequence[Review], *, current: Sequence[float] = DEFAULT_PARAMETERS
) -> FitResult | None:
    """Fit on the earlier reviews, score on the later; None if there is too little."""
    train, test = items_split(reviews)
    if not train or not test:
        return None
    started = time.perf_counter()
    fitted = fit(train)
    seconds = time.perf_counter() - started
    default = score(predict(DEFAULT_PARAMETERS, test), test)
    baseline = (
        default
        if tuple(current) == DEFAULT_PARAMETERS
        else score(predict(current, test), test)
    )
    return FitResult(
        parameters=fitted,
        fitted=score(predict(fitted, test), test),
        baseline=baseline,
        default=default,
        train_reviews=len(train),
        seconds=seconds,
    )


def learner_fit(*, learner_id: int, now: datetime) -> ParameterFit | None:
    """Fit the learner's parameters and record the fit; put it in force if it wins.

    Slow (a second or so for 100,000 reviews): call it from the task worker or the
    ``fit_parameters`` command, never in a request. Reviews from then on are scheduled
    with the parameters in force; due dates already set are left as they are.
    """
    from revise.study.services import _lock_learner

    prefs = LearnerSettings.objects.filter(learner_id=learner_id).first()
    prefs = prefs or LearnerSettings(learner_id=learner_id)
    reviews = learner_reviews(
        learner_id=learner_id, time_zone=prefs.time_zone, hour=prefs.day_starts_at
    )
    if len(reviews) < MIN_REVIEWS:
        return None
    in_force = prefs.parameters if prefs.parameters_id else None
    current = tuple(in_force.parameters) if in_force else DEFAULT_PARAMETERS
    result = fit_and_score(reviews, current=current)
    if result is None:
        return None
    learner = get_user_model().objects.get(pk=learner_id)
    with transaction.atomic():
        locked = _lock_learner(learner)
        # Kept only if it beat what is in force now (another fit may have won meanwhile).
        kept = result.better and locked.parameters_id == (in_force and in_force.pk)
        record = ParameterFit.objects.create(
            learner_id=learner_id,
            fitted_at=now,
            parameters=list(result.parameters),
            reviews=len(reviews),
            train_reviews=result.train_reviews,
            test_reviews=result.fitted.count,
            log_loss=result.fitted.log_loss,
            rmse=result.fitted.rmse,
            baseline_log_loss=result.baseline.log_loss,
            baseline_rmse=result.baseline.rmse,
            default_log_loss=result.default.log_loss,
            default_rmse=result.default.rmse,
            kept=kept,
            seconds=result.seconds,
        )
        locked.last_fit = record
        if kept:
            locked.parameters = record
        locked.save(update_fields=["last_fit", "parameters"])
    return record


def fit_enqueue(*, learner_id: int) -> None:
    """Queue a background fit of the learner's parameters (run by the task worker)."""
    from revise.study.tasks import learner_parameters_fit

    learner_parameters_fit.enqueue(learner_id)


# --- simulation (tests and bench/fit_bench.py) ----------------------------------------

FIRST_RATINGS = (0.2, 0.1, 0.55, 0.15)  # Again, Hard, Good, Easy on a new card
PASS_RATINGS = (0.15, 0.75, 0.10)  # Hard, Good, Easy when recalled


def simulate(
    parameters: Sequence[float],
    *,
    reviews: int,
    seed: int = 0,
    retention: float = 0.9,
    new_per_day: int = 20,
    scheduled_by: Sequence[float] = DEFAULT_PARAMETERS,
) -> list[Review]:
    """A learner whose memory follows FSRS with ``parameters``: recall is drawn from that
    model's retrievability at each review. Reviews are scheduled as the app schedules a
    learner not yet fitted (FSRS with ``scheduled_by`` at ``retention``). In time order."""
    rng = random.Random(seed)  # noqa: S311 - a simulation
    memory_model = fsrs_rs.FSRS(list(parameters))
    scheduler = fsrs_rs.FSRS(list(scheduled_by))
    names = {1: "again", 2: "hard", 3: "good", 4: "easy"}
    due: dict[int, list[tuple[int, Any, Any, int]]] = defaultdict(list)
    out: list[Review] = []
    day = card = 0

    def schedule(
        number: int, true: Any, planned: Any, rating: int, elapsed: int
    ) -> None:
        name = names[rating]
        true = getattr(memory_model.next_states(true, retention, elapsed), name).memory
        state = getattr(scheduler.next_states(planned, retention, elapsed), name)
        out.append(Review(number, day, rating))
        due[day + max(1, round(state.interval))].append(
            (number, true, state.memory, day)
        )

    while len(out) < reviews:
        for _ in range(new_per_day):
            rating = rng.choices((1, 2, 3, 4), weights=FIRST_RATINGS)[0]
            schedule(card, None, None, rating, 0)
            card += 1
        for number, true, planned, last in due.pop(day, []):
            elapsed = day - last
            recall = retrievability(elapsed, true.stability, parameters)
            recalled = rng.random() < recall
            rating = rng.choices((2, 3, 4), weights=PASS_RATINGS)[0] if recalled else 1
            schedule(number, true, planned, rating, elapsed)
        day += 1
    return out[:reviews]
