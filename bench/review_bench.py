"""Study speed: the next card, recording a review, and a full answer through the server.

A learner with 50,000 cards and 500,000 reviews in the log (a simulated history of about
two years, back after two days away), on SQLite and on PostgreSQL. Prints, for each
database, the time to build the next study queue, to count a deck and to record one
review (median and p99), reviews recorded per second, and the round trip of rating a card
and receiving the next one through ``revise serve`` (p50 and p99).

SQLite runs in a throw-away ``REVISE_VAR_DIR``. PostgreSQL runs on DATABASE_URL when it is
set (a database that this script may fill), else on a throw-away server on 127.0.0.1 when
PostgreSQL's binaries are installed (as root, through ``runuser -u postgres``).

    .venv/bin/python bench/review_bench.py [--sqlite | --postgres]
        [--cards 50000] [--reviews 500000] [--samples 1000] [--verify] [--explain]
"""

from __future__ import annotations

import argparse
import contextlib
import heapq
import http.client
import math
import os
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ANKI_REFERENCE = (
    "Anki's Rust core answers a card and fetches the next in about 0.6 ms "
    "in-process on a 10,000-card deck on this kind of machine."
)
CARDS_PER_CHAPTER = 100
LOCKED_PER_CHAPTER = 20  # the last cards of each chapter come from its locked part
SEEN_SHARE = 0.8  # the rest of the cards are still new to the learner
HISTORY_DAYS = 700  # over which the seen cards were introduced, in reading order
AWAY = timedelta(days=2)  # since the learner last studied: the backlog that is due
BATCH = 5000
# Again, Hard, Good, Easy: how often the simulated learner presses each.
RATING_WEIGHTS = [10, 8, 75, 7]


# --- figures ----------------------------------------------------------------------------


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.99 * len(ordered)) - 1)]


def line(label: str, values: list[float], extra: str = "") -> None:
    median = statistics.median(values) * 1000
    print(
        f"  {label:<30} median {median:7.2f} ms   p99 {p99(values) * 1000:7.2f} ms"
        f"   n={len(values):,}{extra}",
        flush=True,
    )


def timed(call: Callable[[], Any], samples: int, warmup: int = 5) -> list[float]:
    for _ in range(warmup):
        call()
    times = []
    for _ in range(samples):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return times


# --- the orchestrator: one child process per database -----------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def pg_bin() -> Path | None:
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


@contextlib.contextmanager
def throwaway_postgres(bindir: Path) -> Iterator[str]:
    """A PostgreSQL server in a temporary directory on 127.0.0.1; yields its URL."""
    root = Path(tempfile.mkdtemp(prefix="revise-bench-pg-"))
    port = free_port()
    as_root = os.geteuid() == 0

    def run(*argv: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if as_root else []
        subprocess.run(  # noqa: S603 - fixed PostgreSQL tools, no shell
            [*prefix, *argv], check=True, stdout=subprocess.DEVNULL
        )

    if as_root:
        shutil.chown(root, "postgres", "postgres")
    data = str(root / "data")
    run(f"{bindir}/initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8")
    options = f"-k {root} -h 127.0.0.1 -p {port}"
    log = str(root / "server.log")
    run(f"{bindir}/pg_ctl", "-D", data, "-l", log, "-o", options, "-w", "start")
    try:
        server = ["-h", "127.0.0.1", "-p", str(port), "-U", "postgres"]
        run(f"{bindir}/createdb", *server, "revise")
        yield f"postgres://postgres@127.0.0.1:{port}/revise"
    finally:
        run(f"{bindir}/pg_ctl", "-D", data, "-m", "fast", "-w", "stop")
        shutil.rmtree(root, ignore_errors=True)


def run_child(args: argparse.Namespace, database_url: str | None) -> int:
    work = Path(tempfile.mkdtemp(prefix="revise-bench-"))
    env = dict(os.environ, REVISE_VAR_DIR=str(work / "var"), REVISE_ENV="development")
    env.update(DJANGO_DEBUG="0", DJANGO_SETTINGS_MODULE="revise.settings")
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    argv = [sys.executable, __file__, "--child", *child_args(args)]
    try:
        return subprocess.run(argv, env=env, check=False).returncode  # noqa: S603
    finally:
        shutil.rmtree(work, ignore_errors=True)


def child_args(args: argparse.Namespace) -> list[str]:
    flags = ["--cards", str(args.cards), "--reviews", str(args.reviews)]
    flags += ["--samples", str(args.samples)]
    return flags + (["--verify"] if args.verify else []) + (
        ["--explain"] if args.explain else []
    )


def orchestrate(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    status = 0
    if not args.postgres:
        status |= run_child(args, None)
    if not args.sqlite:
        url = os.environ.get("DATABASE_URL")
        bindir = pg_bin()
        if url:
            status |= run_child(args, url)
        elif bindir is None:
            print("\npostgresql: skipped (no DATABASE_URL, no PostgreSQL binaries)")
            status |= 1 if args.postgres else 0
        else:
            with throwaway_postgres(bindir) as url:
                status |= run_child(args, url)
    print(f"\nFor scale: {ANKI_REFERENCE}")
    print(f"run time: {time.perf_counter() - started:.0f} s")
    return status


# --- the child: one database, Django set up ---------------------------------------------


@dataclass
class Fixture:
    course_slug: str
    learner: Any
    seen: int
    history_end: datetime


def simulate(
    card_ids: list[int], *, reviews: int, rng: random.Random, start: datetime
) -> tuple[list[tuple[int, datetime, Any, Any, Any]], datetime]:
    """Review histories: seen cards introduced in order, each reviewed when it falls due.

    Returns the log, in time order, as (card index, time, rating, before, after).
    """
    from revise.study import scheduling
    from revise.study.scheduling import Rating

    seen = int(len(card_ids) * SEEN_SHARE)
    span = timedelta(days=HISTORY_DAYS)
    queue = [(start + span * i / seen, i) for i in range(seen)]
    heapq.heapify(queue)
    memories: dict[int, Any] = {}
    log = []
    ratings = list(Rating)
    while len(log) < reviews and queue:
        now, index = heapq.heappop(queue)
        before = memories.get(index)
        rating = rng.choices(ratings, RATING_WEIGHTS)[0]
        after = scheduling.review(
            before, card_id=card_ids[index], rating=rating, now=now, retention=0.9
        )
        log.append((index, now, rating, before, after))
        memories[index] = after
        # Reviews are answered some hours after they fall due, learning steps on time.
        late = 16 * 3600 if after.state == 2 else 120
        heapq.heappush(queue, (after.due + timedelta(seconds=rng.uniform(0, late)), index))
    return log, log[-1][1]


def generate(*, cards: int, reviews: int, now: datetime) -> Fixture:
    """A course of ``cards`` cards and a learner with ``reviews`` reviews of them."""
    from django.core.management.color import no_style
    from django.db import connection, transaction
    from django.db.models import Max

    from revise.accounts.models import User
    from revise.catalog.models import Chapter, ChapterLocked, Course, Subject
    from revise.study.models import (
        Card,
        CardState,
        LearnerSettings,
        ReviewLog,
        Suspension,
    )
    from revise.study.services import shown_token

    rng = random.Random(20261127)
    tag = secrets.token_hex(3)
    started = time.perf_counter()
    with transaction.atomic():
        subject, _ = Subject.objects.get_or_create(
            slug="benchmarks", defaults={"name": "Benchmarks"}
        )
        course = Course.objects.create(
            subject=subject,
            slug=f"review-bench-{tag}",
            title="Review benchmark",
            imported_at=now,
        )
        chapters = Chapter.objects.bulk_create(
            [
                Chapter(
                    course=course,
                    slug=f"chapter-{n}",
                    title=f"Generated chapter {n}",
                    position=n,
                    free_html=f"<p>The free part of chapter {n}.</p>",
                    free_words=6,
                    source_hash=f"{n:064d}",
                )
                for n in range(1, math.ceil(cards / CARDS_PER_CHAPTER) + 1)
            ],
            batch_size=BATCH,
        )
        ChapterLocked.objects.bulk_create(
            [
                ChapterLocked(chapter=c, html="<p>The locked part.</p>", words=3)
                for c in chapters
            ],
            batch_size=BATCH,
        )
        rows = []
        for n in range(cards):
            chapter, position = chapters[n // CARDS_PER_CHAPTER], n % CARDS_PER_CHAPTER
            rows.append(
                Card(
                    course=course,
                    chapter=chapter,
                    key=f"c-{n}",
                    front_html=f"<p>When did event {n} happen?</p>",
                    back_html=f"In {1800 + n % 200}.",
                    front_text=f"When did event {n} happen?",
                    locked=position >= CARDS_PER_CHAPTER - LOCKED_PER_CHAPTER,
                    position=position,
                )
            )
        Card.objects.bulk_create(rows, batch_size=BATCH)
        card_ids = list(
            Card.objects.filter(course=course)
            .order_by("chapter__position", "position")
            .values_list("id", flat=True)
        )
        learner = User.objects.create_user(f"learner-{tag}@example.invalid")
        LearnerSettings.objects.create(learner=learner)
    made = time.perf_counter()

    log, history_end = simulate(card_ids, reviews=reviews, rng=rng, start=now)
    shift = (now - AWAY) - history_end  # the history ends two days before now
    simulated = time.perf_counter()

    def moved(memory: Any) -> Any:
        last = memory.last_review + shift if memory.last_review else None
        return replace(memory, due=memory.due + shift, last_review=last)

    with transaction.atomic():
        first_id = (ReviewLog.objects.aggregate(top=Max("id"))["top"] or 0) + 1
        last_id: dict[int, int] = {}
        last_json: dict[int, Any] = {}
        final: dict[int, Any] = {}
        batch = []
        for offset, (index, when, rating, _, after) in enumerate(log):
            card_id, log_id = card_ids[index], first_id + offset
            after = moved(after)
            after_json = after.to_json()
            batch.append(
                ReviewLog(
                    id=log_id,
                    learner=learner,
                    card_id=card_id,
                    kind=ReviewLog.Kind.REVIEW,
                    rating=int(rating),
                    reviewed_at=when + shift,
                    duration_ms=rng.randint(2000, 15000),
                    retention=0.9,
                    state_before=last_json.get(index),
                    state_after=after_json,
                    token=shown_token(
                        learner_id=learner.pk,
                        card_id=card_id,
                        last_log_id=last_id.get(index),
                    ),
                )
            )
            last_id[index], last_json[index], final[index] = log_id, after_json, after
            if len(batch) == BATCH:
                ReviewLog.objects.bulk_create(batch)
                batch = []
        ReviewLog.objects.bulk_create(batch)
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [ReviewLog]):
                cursor.execute(sql)
        CardState.objects.bulk_create(
            [
                CardState(
                    learner=learner,
                    card_id=card_ids[index],
                    **(
                        memory.to_json()
                        | {"due": memory.due, "last_review": memory.last_review}
                    ),
                )
                for index, memory in final.items()
            ],
            batch_size=BATCH,
        )
        # A few cards the learner took out of their queue, as learners do.
        Suspension.objects.bulk_create(
            [
                Suspension(learner=learner, card_id=card_ids[i], created_at=now)
                for i in rng.sample(sorted(final), max(1, len(final) // 1000))
            ]
        )
    if connection.vendor == "postgresql":
        # What autovacuum would have done long before 500,000 reviews were logged.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    done = time.perf_counter()
    print(
        f"  data: made in {done - started:.1f} s (cards {made - started:.1f} s, "
        f"simulate {simulated - made:.1f} s, log and states {done - simulated:.1f} s)",
        flush=True,
    )
    return Fixture(course.slug, learner, len(final), history_end + shift)
