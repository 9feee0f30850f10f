"""Anki's own core, for comparison: answer a card and fetch the next, in-process.

A 10,000-card collection (the ``anki`` package: Anki's Rust core behind its Python API)
in a throw-away directory, with FSRS on: 80% of the cards have been studied (review
cards with an FSRS memory state, falling due over their intervals, a backlog of two
days), the rest are new, and the deck's daily limits are lifted so the loop never runs
dry. Each step answers the card shown (``build_answer`` + ``answer_card``, which Anki
commits to its SQLite file) and fetches the next one (``get_queued_cards``, which
computes its four next states), as Anki's reviewer does.

Anki opens its collection with ``PRAGMA synchronous = FULL``: each answer waits for its
commit to reach the disk. ``--synchronous NORMAL`` (what Revise sets on SQLite) shows the
core without that wait.

    .venv/bin/python bench/anki_core.py [--cards 10000] [--samples 1000]
        [--synchronous NORMAL]
"""

from __future__ import annotations

import argparse
import math
import random
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

SEEN_SHARE = 0.8
AWAY_DAYS = 2
# Again, Hard, Good, Easy: the same presses as the Revise benchmark's learner.
RATING_WEIGHTS = [10, 8, 75, 7]


def available() -> str | None:
    """Anki's version, or None when the ``anki`` package is not installed."""
    try:
        from anki.buildinfo import version
    except ImportError:
        return None
    return str(version)


class AnkiCore:
    """A collection with FSRS on, and the card it shows now."""

    def __init__(
        self, cards: int = 10_000, seed: int = 20261127, synchronous: str = ""
    ) -> None:
        """``synchronous``: a SQLite ``PRAGMA synchronous`` for the collection instead of
        Anki's own (FULL: every answer is flushed to disk before it returns)."""
        # anki.cards cannot be imported before anki.collection (a circular import)
        # isort: off
        from anki.collection import AddNoteRequest, Collection
        from anki.cards import FSRSMemoryState
        from anki.scheduler.v3 import CardAnswer

        # isort: on

        self.rng = random.Random(seed)
        self.ratings = [
            CardAnswer.AGAIN,
            CardAnswer.HARD,
            CardAnswer.GOOD,
            CardAnswer.EASY,
        ]
        self.root = Path(tempfile.mkdtemp(prefix="revise-bench-anki-"))
        col = self.col = Collection(str(self.root / "collection.anki2"))
        if synchronous:
            assert synchronous.isalpha(), synchronous
            col.db.execute(f"PRAGMA synchronous = {synchronous}")
        col.set_config("fsrs", True)  # Anki's global FSRS switch (deck options: FSRS)
        deck_id = col.decks.id("Review benchmark")
        model = col.models.by_name("Basic")
        requests = []
        for n in range(cards):
            note = col.new_note(model)
            note["Front"] = f"When did event {n} happen?"
            note["Back"] = f"In {1800 + n % 200}."
            requests.append(AddNoteRequest(note=note, deck_id=deck_id))
        col.add_notes(requests)
        config = col.decks.config_dict_for_deck_id(deck_id)
        config["new"]["perDay"] = 9999
        config["rev"]["perDay"] = 9999
        col.decks.update_config(config)
        col.decks.select(deck_id)

        today = col.sched.today
        studied = []
        ids = sorted(col.find_cards(f"did:{deck_id}"))
        for card_id in ids[: int(len(ids) * SEEN_SHARE)]:
            card = col.get_card(card_id)
            interval = min(3650, max(1, round(self.rng.lognormvariate(3, 1.2))))
            card.type = card.queue = 2  # review
            card.ivl = interval
            card.due = today - AWAY_DAYS + self.rng.randint(0, interval)
            card.reps = max(1, round(math.log2(interval + 1)) + 1)
            card.memory_state = FSRSMemoryState(
                stability=float(interval), difficulty=self.rng.uniform(2, 8)
            )
            studied.append(card)
        col.update_cards(studied)
        self.current = self._next()
        queue = col.sched.get_queued_cards(fetch_limit=1)
        self.counts = (queue.new_count, queue.learning_count, queue.review_count)

    def _next(self) -> Any:
        queued = self.col.sched.get_queued_cards(fetch_limit=1)
        if not queued.cards:
            raise RuntimeError("Anki's queue ran dry")
        return queued.cards[0]

    def step(self) -> float:
        """Answer the card shown and fetch the next; returns the seconds it took."""
        from anki.cards import Card

        rating = self.rng.choices(self.ratings, RATING_WEIGHTS)[0]
        start = time.perf_counter()
        queued = self.current
        card = Card(self.col, backend_card=queued.card)
        card.start_timer()
        answer = self.col.sched.build_answer(
            card=card, states=queued.states, rating=rating
        )
        self.col.sched.answer_card(answer)
        self.current = self._next()
        return time.perf_counter() - start

    def close(self) -> None:
        self.col.close()
        shutil.rmtree(self.root, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cards", type=int, default=10_000)
    parser.add_argument("--samples", type=int, default=1000)
    parser.add_argument(
        "--synchronous",
        default="",
        metavar="MODE",
        help="SQLite PRAGMA synchronous for the collection (default: Anki's, FULL)",
    )
    args = parser.parse_args()
    version = available()
    if version is None:
        raise SystemExit("the anki package is not installed")
    started = time.perf_counter()
    core = AnkiCore(args.cards, synchronous=args.synchronous)
    made = time.perf_counter() - started
    try:
        for _ in range(20):
            core.step()
        times = sorted(core.step() for _ in range(args.samples))
    finally:
        core.close()
    top = times[max(0, math.ceil(0.99 * len(times)) - 1)]
    new, _, review = core.counts
    print(
        f"anki {version} (synchronous {args.synchronous or 'FULL'}): "
        f"{args.cards:,} cards ({new:,} new, {review:,} due), "
        f"made in {made:.1f} s; answer + next card: median "
        f"{statistics.median(times) * 1000:.3f} ms, p99 {top * 1000:.3f} ms "
        f"over {len(times):,}"
    )


if __name__ == "__main__":
    main()
