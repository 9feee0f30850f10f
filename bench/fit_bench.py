"""Fitting FSRS to a learner: fitted parameters against the defaults and SM-2.

On the real review history in ``bench/data/`` (see its README) and on synthetic learners
of 1,000, 10,000 and 100,000 reviews (memory following FSRS with known parameters, recall
drawn from the model's retrievability, scheduled by the default parameters as the app
schedules a learner not yet fitted), prints the log loss and RMSE (bins, as the FSRS
benchmark bins them) on held-out reviews — the most recent 20% by time, never fitted —
of FSRS with parameters fitted by ``fsrs-rs-python`` on the earlier 80%, FSRS with its
default parameters, and SM-2 (recall predicted as 0.9 ** (days elapsed / SM-2 interval),
as srs-benchmark scores it), and the fit time. The same code as the app
(``revise/study/fitting.py``) builds the items, fits and scores.

    .venv/bin/python bench/fit_bench.py [--sizes 1000 10000 100000] [--seed 1]

The real history has no absolute dates: card ``i`` (file order) is laid out to start on
day ``i * D // cards`` (cards added over D days), its reviews following at its own
intervals; its last review is known only as recalled or not (Good or Again). Which reviews
fall in the held-out fifth depends on D, so the real history is run with D = 365, 730 and
1,460 days (``--layouts``).
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "revise.settings")

import django  # noqa: E402

django.setup()

from revise.study import fitting  # noqa: E402
from revise.study.fitting import Review, Score  # noqa: E402
from revise.study.scheduling import DEFAULT_PARAMETERS  # noqa: E402

DATA = ROOT / "bench" / "data" / "fsrs-optimizer-tiny_seq2seq.tsv"
# The synthetic learner: forgets much faster than the defaults assume (as tests do).
SYNTHETIC = (
    0.05,
    0.2,
    0.5,
    1.5,
    *DEFAULT_PARAMETERS[4:8],
    1.0,
    *DEFAULT_PARAMETERS[9:],
)


def real_history(layout_days: int, path: Path = DATA) -> list[Review]:
    with path.open(newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    reviews: list[tuple[int, int, int, int]] = []
    for card, row in enumerate(rows):
        gaps = [int(x) for x in row["t_history"].split(",")]
        gaps.append(int(row["delta_ts"].split(",")[-1]))
        ratings = [int(x) for x in row["r_history"].split(",")]
        ratings.append(3 if row["ys"].split(",")[-1] == "1" else 1)
        day = card * layout_days // len(rows)
        for number, (gap, rating) in enumerate(zip(gaps, ratings, strict=True)):
            day += gap
            reviews.append((day, card, number, rating))
    reviews.sort()
    return [Review(card, day, rating) for day, card, _, rating in reviews]


def sm2_predictions(reviews: Sequence[Review]) -> list[float]:
    """SM-2's recall for each held-out target ``items_split`` makes, in its order."""
    cutoff = len(reviews) - int(len(reviews) * fitting.HOLDOUT)
    state: dict[int, tuple[int, float, float]] = {}  # repetitions, ease, interval
    last_day: dict[int, int] = {}
    out: list[float] = []
    for position, review in enumerate(reviews):
        seen = review.card in state
        delta_t = review.day - last_day[review.card] if seen else 0
        reps, ease, interval = state.get(review.card, (0, 2.5, 0.0))
        if seen and position >= cutoff and delta_t > 0:
            out.append(0.9 ** (delta_t / max(interval, 1.0)))
        quality = {1: 1, 2: 3, 3: 4, 4: 5}[review.rating]
        if quality < 3:
            reps, interval = 0, 1.0
        else:
            interval = 1.0 if reps == 0 else 6.0 if reps == 1 else interval * ease
            reps += 1
        ease = max(1.3, ease + 0.1 - (5 - quality) * (0.08 + (5 - quality) * 0.02))
        state[review.card] = (reps, ease, interval)
        last_day[review.card] = review.day
    return out


def evaluate(name: str, reviews: Sequence[Review]) -> dict[str, object]:
    train, test = fitting.items_split(reviews)
    started = time.perf_counter()
    fitted = fitting.fit(train)
    seconds = time.perf_counter() - started
    scores: dict[str, Score] = {
        "fitted": fitting.score(fitting.predict(fitted, test), test),
        "default": fitting.score(fitting.predict(DEFAULT_PARAMETERS, test), test),
        "sm2": fitting.score(sm2_predictions(reviews), test),
    }
    return {
        "name": name,
        "reviews": len(reviews),
        "train": len(train),
        "test": len(test),
        "scores": scores,
        "seconds": seconds,
        "parameters": fitted,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000]
    )
    parser.add_argument("--layouts", type=int, nargs="+", default=[365, 730, 1460])
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    results = [
        evaluate(f"real, cards over {days} d", real_history(days))
        for days in args.layouts
    ]
    real_rows = len(results)
    for size in args.sizes:
        history = fitting.simulate(SYNTHETIC, reviews=size, seed=args.seed)
        results.append(evaluate(f"synthetic {size:,}", history))

    header = (
        f"{'history':<28}{'reviews':>8}{'held out':>9}  "
        f"{'log loss: fitted / default / SM-2':>35}  "
        f"{'RMSE(bins): fitted / default / SM-2':>37}  {'fit s':>6}"
    )
    print(header)
    print("-" * len(header))
    for row in results:
        s = row["scores"]
        losses = " / ".join(
            f"{s[k].log_loss:.4f}" for k in ("fitted", "default", "sm2")
        )
        rmses = " / ".join(f"{s[k].rmse:.4f}" for k in ("fitted", "default", "sm2"))
        print(
            f"{row['name']:<28}{row['reviews']:>8,}{row['test']:>9,}  "
            f"{losses:>35}  {rmses:>37}  {row['seconds']:>6.3f}"
        )
    print()
    print(
        "Held out: the last 20% of reviews by time, scored if a day or more after the"
    )
    print(
        "card's previous review; fit time: fsrs-rs on the first 80% (training items)."
    )
    for row in results[:real_rows]:
        s = row["scores"]
        wins = [
            metric
            for metric in ("log_loss", "rmse")
            if getattr(s["fitted"], metric) < getattr(s["default"], metric)
        ]
        print(
            f"{row['name']}: fitted beats the defaults on "
            f"{' and '.join(wins) if wins else 'NEITHER metric'}"
        )
    fitted = ", ".join(f"{w:.4f}" for w in results[0]["parameters"])
    print(f"Fitted to the real history ({results[0]['name']}): {fitted}")


if __name__ == "__main__":
    main()
