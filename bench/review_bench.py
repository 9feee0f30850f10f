"""Study speed: the next card, recording a review, and a full answer through the server.

A learner with 50,000 cards and 500,000 reviews in the log (a simulated history of about
two years, back after two days away), on SQLite and on PostgreSQL. Prints, for each
database, the time to build the next study queue, to count a deck and to record one
review (median and p99), reviews recorded per second, and the round trip of rating a card
and receiving the next one through ``revise serve`` (p50 and p99): as a plain form does
(POST, redirect, GET) and, in turn with it, as study.js does (one POST answered with the
next card).

Then, for each database:

- **Anki's own core, in the same run**: a 10,000-card collection of the ``anki`` package
  with FSRS on (bench/anki_core.py), answering a card and fetching the next between each
  two answers of the in-process loop, so both see the same machine. Anki flushes every
  answer to disk (SQLite ``synchronous = FULL``); a second collection runs with
  ``synchronous = NORMAL``, as Revise runs SQLite. The ratio of Revise's next card +
  record to Anki's answer + next card is printed for both; the summary line takes the
  like-for-like one (SQLite: NORMAL; PostgreSQL, which flushes each commit: FULL).
- **50 learners at once** (``--learners``), each with their own history of
  ``--crowd-reviews`` reviews in the same course, answering through ``revise serve``
  as study.js does, from one thread each, for ``--seconds``. One answer in twenty
  (``--double``) is sent twice, as a double click would: half on a second connection
  at the same moment, half again after the first response. Prints reviews recorded per
  second, then checks the log: lost reviews (a token a client sent that is not in the
  log) and duplicated ones (two rows for one (learner, token), or a row answering a
  state its card had already left) must both be 0, every learner's card states must
  equal a replay of their log, and no request may fail; the script exits with status 1
  otherwise. The CPU time of the clients (threads of this script) and of the server's
  processes is printed: all share the machine's cores (and PostgreSQL's server).

Every learner's new-card cursor (revise/study/newcards.py) is made before measuring, as
their first answer of a new card would make it: the steady state of a daily learner.
``--explain`` prints the queries of study_next, study_counts and card_review_record, each
with its median time over 21 calls and its plan (on SQLite a query's time leaves out the
rows it steps through as they are fetched).

The last line for each database is ``summary <vendor>: next card + record X ms = N.Nx
Anki …; 50 learners R reviews/s, lost L, duplicated D``.

SQLite runs in a throw-away ``REVISE_VAR_DIR``. PostgreSQL runs on DATABASE_URL when it is
set (a database that this script may fill), else on a throw-away server on 127.0.0.1 (on
a free port) when PostgreSQL's binaries are installed (as root, through ``runuser -u
postgres``).

    .venv/bin/python bench/review_bench.py [--sqlite | --postgres]
        [--cards 50000] [--reviews 500000] [--samples 1000] [--verify] [--explain]
        [--learners 50] [--crowd-reviews 2000] [--seconds 30] [--double 0.05]
        [--anki 10000]

While developing (a few minutes for both databases):

    .venv/bin/python bench/review_bench.py --cards 5000 --reviews 50000 --samples 100
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

import anki_core  # noqa: E402 - bench/anki_core.py, beside this script

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


FIGURES: list[str] = []  # the table of one database, printed when it is complete


def line(label: str, values: list[float], extra: str = "") -> None:
    median, top = statistics.median(values) * 1000, p99(values) * 1000
    FIGURES.append(
        f"  {label:<34} {median:8.2f} ms {top:8.2f} ms {len(values):>7,}{extra}"
    )


def progress(text: str) -> None:
    print(f"  … {text}", file=sys.stderr, flush=True)


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
        key=lambda p: (
            int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0
        ),
    )
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


@contextlib.contextmanager
def throwaway_postgres(bindir: Path) -> Iterator[str]:
    """A PostgreSQL server in a temporary directory on 127.0.0.1; yields its URL.

    Like scripts/test's, but with PostgreSQL's default (durable) settings.
    """
    root = Path(tempfile.mkdtemp(prefix="revise-bench-pg-"))
    port = free_port()
    as_root = os.geteuid() == 0

    def run(*argv: str, check: bool = True) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if as_root else []
        subprocess.run(  # noqa: S603 - fixed PostgreSQL tools, no shell
            [*prefix, *argv], check=check, cwd=root, stdout=subprocess.DEVNULL
        )

    if as_root:
        shutil.chown(root, "postgres", "postgres")
    data, log = str(root / "data"), str(root / "server.log")
    started = False
    try:
        run(
            f"{bindir}/initdb", "-D", data, "-U", "postgres", "--auth=trust",
            "-E", "UTF8", "--locale=C.UTF-8",
        )  # fmt: skip
        options = f"-k {root} -h 127.0.0.1 -p {port}"
        run(f"{bindir}/pg_ctl", "-D", data, "-l", log, "-o", options, "-w", "start")
        started = True
        server = ["-h", "127.0.0.1", "-p", str(port), "-U", "postgres"]
        run(f"{bindir}/createdb", *server, "revise")
        yield f"postgres://postgres@127.0.0.1:{port}/revise"
    finally:
        if started:
            run(f"{bindir}/pg_ctl", "-D", data, "-m", "fast", "-w", "stop", check=False)
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
    flags += ["--samples", str(args.samples), "--learners", str(args.learners)]
    flags += [
        "--crowd-reviews",
        str(args.crowd_reviews),
        "--seconds",
        str(args.seconds),
    ]
    flags += ["--double", str(args.double), "--anki", str(args.anki)]
    return (
        flags
        + (["--verify"] if args.verify else [])
        + (["--explain"] if args.explain else [])
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
    print(f"run time: {time.perf_counter() - started:.0f} s")
    return status


# --- the child: one database, Django set up ---------------------------------------------


@dataclass
class Fixture:
    course_slug: str
    learner: Any
    crowd: list[Any]  # the learners of the concurrent run


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
        heapq.heappush(
            queue, (after.due + timedelta(seconds=rng.uniform(0, late)), index)
        )
    return log, log[-1][1]


def course_fields(model: Any, course: Any) -> dict[str, Any]:
    """``course=course`` when ``model`` keeps its card's course (a copy, for the queue)."""
    names = {field.name for field in model._meta.get_fields()}
    return {"course": course} if "course" in names else {}


def store_history(
    learner: Any,
    course: Any,
    card_ids: list[int],
    log: list[tuple[int, datetime, Any, Any, Any]],
    shift: timedelta,
    rng: random.Random,
) -> list[int]:
    """Write a simulated log (moved by ``shift``) and the card states it leaves.

    Returns the indices of the cards the learner has seen. Call inside a transaction.
    """
    from django.core.management.color import no_style
    from django.db import connection
    from django.db.models import Max

    from revise.study.models import CardState, ReviewLog
    from revise.study.services import shown_token

    def moved(memory: Any) -> Any:
        last = memory.last_review + shift if memory.last_review else None
        return replace(memory, due=memory.due + shift, last_review=last)

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
    with connection.cursor() as cursor:  # the ids were given: move the sequence on
        for sql in connection.ops.sequence_reset_sql(no_style(), [ReviewLog]):
            cursor.execute(sql)
    per_course = course_fields(CardState, course)
    CardState.objects.bulk_create(
        [
            CardState(
                learner=learner,
                card_id=card_ids[index],
                **per_course,
                **(
                    memory.to_json()
                    | {"due": memory.due, "last_review": memory.last_review}
                ),
            )
            for index, memory in final.items()
        ],
        batch_size=BATCH,
    )
    return sorted(final)


def cursors_make(learners: list[Any], course: Any) -> str:
    """Each learner's new-card cursor in the course, where their first answer since the
    cursor came in would put it (a learner who studies daily has one); "" if the study
    code keeps no such cursor."""
    from django.db import transaction

    try:
        from revise.study.newcards import cursor_advance
        from revise.study.services import _lock_learner
    except ImportError:
        return ""
    with transaction.atomic():
        for learner in learners:
            _lock_learner(learner)
            cursor_advance(learner=learner, course=course, introduced=True)
    return "each learner's cursor made, as their first answer of a new card would"


def generate(
    *, cards: int, reviews: int, now: datetime, crowd: int, crowd_reviews: int
) -> Fixture:
    """A course of ``cards`` cards and a learner with ``reviews`` reviews of them, and
    ``crowd`` more learners with ``crowd_reviews`` each (one simulated history, copied).
    """
    from django.db import connection, transaction

    from revise.accounts.models import User
    from revise.catalog.models import Chapter, ChapterLocked, Course, Subject
    from revise.catalog.services import SEQUENCE_STRIDE
    from revise.study.models import Card, LearnerSettings, Suspension

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
                    # Reading order in the course, as the import numbers it.
                    sequence=chapter.position * SEQUENCE_STRIDE + position,
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
        others = [
            User.objects.create_user(f"learner-{tag}-{n}@example.invalid")
            for n in range(crowd)
        ]
        LearnerSettings.objects.bulk_create(
            [LearnerSettings(learner=other) for other in others]
        )
    made = time.perf_counter()

    log, history_end = simulate(card_ids, reviews=reviews, rng=rng, start=now)
    shift = (now - AWAY) - history_end  # the history ends two days before now
    crowd_log: list[Any] = []
    if others:
        crowd_log, crowd_end = simulate(
            card_ids, reviews=crowd_reviews, rng=random.Random(5), start=now
        )
    simulated = time.perf_counter()

    with transaction.atomic():
        seen = store_history(learner, course, card_ids, log, shift, rng)
        for other in others:
            store_history(
                other, course, card_ids, crowd_log, (now - AWAY) - crowd_end, rng
            )
        # A few cards the learner took out of their queue, as learners do.
        Suspension.objects.bulk_create(
            [
                Suspension(learner=learner, card_id=card_ids[i], created_at=now)
                for i in rng.sample(seen, max(1, len(seen) // 1000))
            ]
        )
    cursors = cursors_make([learner, *others], course)
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
    days = (history_end - log[0][1]).days
    print(
        f"  history: {len(log):,} reviews of {len(seen):,} cards over {days} days; "
        f"last studied {AWAY.days} days ago",
        flush=True,
    )
    if cursors:
        print(f"  new cards: {cursors}", flush=True)
    if others:
        print(
            f"  crowd: {len(others)} more learners, each with {len(crowd_log):,} "
            f"reviews of {len({row[0] for row in crowd_log}):,} cards",
            flush=True,
        )
    return Fixture(course.slug, learner, others)


def verify(learner: Any) -> None:
    """The cached states equal a replay of the log, as ``rebuild_card_states`` checks."""
    from revise.study.services import card_states_rebuild

    started = time.perf_counter()
    report = card_states_rebuild(learner=learner, dry_run=True)
    assert report.changed == 0, f"{report.changed} states differ from their log"
    print(
        f"  verify: {report.checked:,} card states equal a replay of the log "
        f"({time.perf_counter() - started:.1f} s)",
        flush=True,
    )


def explain(
    title: str, make: Callable[[], Callable[[], Any]], repeats: int = 21
) -> None:
    """Print the queries of a call (``make()`` gives a fresh one), each with its median
    time over ``repeats`` calls and the database's plan for it."""
    from django.db import connection

    runs: list[list[tuple[float, str]]] = []
    totals = []

    def timing(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            seconds = time.perf_counter() - start
            raw = context["cursor"].cursor
            shown = (
                sql if many else connection.ops.last_executed_query(raw, sql, params)
            )
            runs[-1].append((seconds, shown))

    for _ in range(repeats):
        call = make()
        runs.append([])
        with connection.execute_wrapper(timing):
            started = time.perf_counter()
            call()
            totals.append(time.perf_counter() - started)
    last = runs[-1]
    alike = [run for run in runs if len(run) == len(last)]
    medians = [statistics.median(run[n][0] for run in alike) for n in range(len(last))]
    print(
        f"  -- {title}: {len(last)} queries, {sum(medians) * 1000:.2f} ms of "
        f"{statistics.median(totals) * 1000:.2f} ms (medians of {repeats} calls); "
        "each with its plan:"
    )
    prefix = (
        "EXPLAIN ANALYZE" if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN"
    )
    for seconds, (_, sql) in zip(medians, last, strict=True):
        print(f"\n  [{seconds * 1000:.2f} ms] {sql}")
        if not sql.startswith("SELECT"):
            continue
        with connection.cursor() as cursor:
            cursor.execute(f"{prefix} {sql}")
            for row in cursor.fetchall():
                print("    " + " ".join(str(part) for part in row))
    print()


def query_count(call: Callable[[], Any]) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured.captured_queries)


class Clock:
    """Now, or later: a learner who finished today's queue comes back the next day."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def now(self) -> datetime:
        from django.utils import timezone

        return timezone.now() + self.offset


def next_item(deck: Any, learner: Any, clock: Clock) -> tuple[Any, float]:
    """The next card, and how long study_next took to find it."""
    from revise.study import selectors

    for _ in range(30):  # bounded: a month of days is far more than the loops need
        start = time.perf_counter()
        item = selectors.study_next(deck=deck, learner=learner, now=clock.now())
        if item is not None:
            return item, time.perf_counter() - start
        clock.offset += timedelta(days=1)
    raise RuntimeError("the queue stayed empty for 30 days")


def measure_reads(fixture: Fixture, samples: int, show_plans: bool) -> Any:
    from django.utils import timezone

    from revise.study import selectors

    learner = fixture.learner
    course = selectors.deck_get(course_slug=fixture.course_slug)
    now = timezone.now()
    first = selectors.study_next(deck=course, learner=learner, now=now)
    assert first is not None, "the learner has nothing to study"
    chapter = selectors.deck_get(
        course_slug=fixture.course_slug, chapter_slug=first.card.chapter.slug
    )
    counts = selectors.deck_counts(deck=course, learner=learner, now=now)
    print(
        f"  queue now: {counts.due:,} due today, {counts.learning:,} learning, "
        f"{counts.new:,} new ({counts.new_today} of them today), "
        f"{counts.suspended} suspended",
        flush=True,
    )
    if show_plans:
        explain(
            "study_next (course deck)",
            lambda: lambda: selectors.study_next(deck=course, learner=learner, now=now),
        )
        explain(
            "study_counts (course deck)",
            lambda: (
                lambda: selectors.study_counts(deck=course, learner=learner, now=now)
            ),
        )
    for label, deck in [("course deck", course), ("chapter deck", chapter)]:
        times = timed(
            lambda deck=deck: selectors.study_next(deck=deck, learner=learner, now=now),
            samples,
        )
        queries = query_count(
            lambda deck=deck: selectors.study_next(deck=deck, learner=learner, now=now)
        )
        line(f"next card ({label})", times, f"   {queries} queries")
    times = timed(
        lambda: selectors.study_counts(deck=course, learner=learner, now=now), samples
    )
    queries = query_count(
        lambda: selectors.study_counts(deck=course, learner=learner, now=now)
    )
    line("study counts (course deck)", times, f"   {queries} queries")
    times = timed(
        lambda: selectors.deck_counts(deck=course, learner=learner, now=now), samples
    )
    queries = query_count(
        lambda: selectors.deck_counts(deck=course, learner=learner, now=now)
    )
    line("deck counts (course deck)", times, f"   {queries} queries")
    return course


def measure_writes(
    fixture: Fixture, deck: Any, samples: int, anki_cards: int, show_plans: bool
) -> dict[str, Any]:
    from revise.study import services
    from revise.study.scheduling import Rating

    learner, clock = fixture.learner, Clock()
    rng = random.Random(7)
    ratings = list(Rating)

    def answer() -> tuple[Callable[[], None], Any, float]:
        item, seconds = next_item(deck, learner, clock)
        rating = rng.choices(ratings, RATING_WEIGHTS)[0]

        def record() -> None:
            outcome = services.card_review_record(
                learner=learner,
                card=item.card,
                rating=rating,
                token=item.token,
                now=clock.now(),
                duration_ms=5000,
            )
            assert outcome.recorded, outcome.reason

        return record, item, seconds

    queries = query_count(answer()[0])
    if show_plans:
        explain("card_review_record", lambda: answer()[0])
    times = []
    for _ in range(samples):
        record = answer()[0]
        start = time.perf_counter()
        record()
        times.append(time.perf_counter() - start)
    line("record one review", times, f"   {queries} queries")

    # The sustained loop runs the review queue dry, so new cards come up in it too.
    # Anki's core answers a card and fetches the next one between each two of ours, so
    # a busy machine slows both alike and the ratio holds.
    cores: dict[str, Any] = {}
    if anki_cards:
        progress(f"Anki {anki_core.available()}: {anki_cards:,}-card collections")
        cores["FULL"] = anki_core.AnkiCore(anki_cards)
        cores["NORMAL"] = anki_core.AnkiCore(anki_cards, synchronous="NORMAL")
        for core in cores.values():
            for _ in range(20):
                core.step()
    times, new_card_times = [], []
    anki_times: dict[str, list[float]] = {mode: [] for mode in cores}
    elapsed = 0.0
    try:
        for _ in range(samples):
            start = time.perf_counter()
            record, item, seconds = answer()
            record()
            times.append(time.perf_counter() - start)
            elapsed += times[-1]
            if item.is_new:
                new_card_times.append(seconds)
            for mode, core in cores.items():
                if len(anki_times[mode]) == len(times) - 1:  # not yet run dry
                    with contextlib.suppress(RuntimeError):
                        anki_times[mode].append(core.step())
    finally:
        for core in cores.values():
            core.close()
    line("next card + record (in-process)", times)
    if new_card_times:
        line("  next card, when it is new", new_card_times)
    FIGURES.append(
        f"  {'reviews recorded per second':<34} {samples / elapsed:8.0f} /s"
        f"   (a sustained loop of {samples:,} answers)"
    )
    if not cores:
        return {}
    new, _, due = cores["FULL"].counts
    line(
        "Anki core: answer + next card",
        anki_times["FULL"],
        f"   ({anki_cards:,} cards, FSRS on, {due:,} due, {new:,} new; "
        "synchronous FULL, as Anki runs)",
    )
    line(
        "  with synchronous NORMAL",
        anki_times["NORMAL"],
        "   (as Revise runs SQLite: no flush to disk on each commit)",
    )
    ratios = {}
    for mode in cores:
        ratios[mode] = statistics.median(times) / statistics.median(anki_times[mode])
        FIGURES.append(
            f"  {f'  Revise ÷ Anki {mode}':<34} {ratios[mode]:8.1f} × "
            f"{p99(times) / p99(anki_times[mode]):8.1f} ×"
            "   (next card + record ÷ answer + next card; median, p99)"
        )
    # Like for like: PostgreSQL flushes each commit (synchronous_commit on), as Anki does;
    # Revise's SQLite does not (synchronous NORMAL).
    from django.db import connection

    mode = "NORMAL" if connection.vendor == "sqlite" else "FULL"
    return {
        "anki_mode": mode,
        "anki_ratio": ratios[mode],
        "anki_ms": statistics.median(anki_times[mode]) * 1000,
        "revise_ms": statistics.median(times) * 1000,
    }


# --- through the server -----------------------------------------------------------------


FIELD = re.compile(
    r'name="(card|token|page|shown_at|csrfmiddlewaretoken)" value="([^"]*)"'
)
# study.js sends answers with this header and gets the next card in the reply (a plain
# form gets a redirect to the study page instead).
NEXT_CARD = {"X-Revise-Next": "card"}


class Browser:
    """One learner's cookies over a persistent HTTP connection to 127.0.0.1.

    gunicorn's sync workers close the connection after each response; the next request
    then opens a new one (on loopback that costs a few tens of microseconds).
    """

    def __init__(self, port: int, cookies: dict[str, str]) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies = dict(cookies)

    def request(
        self,
        method: str,
        path: str,
        form: dict[str, str] | None = None,
        extra: dict[str, str] | None = None,
    ) -> tuple[int, dict[str, str], str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        headers.update(extra or {})
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        text = response.read().decode()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        if response.will_close:
            self.connection.close()  # reopened by the next request
        return response.status, dict(response.headers), text

    def study_page(self, path: str) -> dict[str, str]:
        status, _, text = self.request("GET", path)
        assert status == 200, f"GET {path}: {status}"
        return dict(FIELD.findall(text))


def group_cpu(group: int) -> float:
    """CPU seconds used so far by the live processes of a process group (Linux)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[2]) == group:  # pgrp; then utime, stime at 11, 12
                total += int(fields[11]) + int(fields[12])
    return total / ticks


@contextlib.contextmanager
def server(port: int, log: Path) -> Iterator[int]:
    """``revise serve`` with two workers, in its own process group; stopped on exit.

    Yields the process group's id (see ``group_cpu``)."""
    argv = [sys.executable, "-m", "revise.cli", "serve", "--host", "127.0.0.1"]
    argv += ["--port", str(port), "--workers", "2"]
    with log.open("w") as out:
        process = subprocess.Popen(  # noqa: S603 - our own command, no shell
            argv, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                raise RuntimeError(
                    f"revise serve exited; see {log.read_text()[-2000:]}"
                )
            probe = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            with contextlib.suppress(OSError), contextlib.closing(probe):
                probe.request("GET", "/")
                if probe.getresponse().status < 500:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError("revise serve did not answer within 120 s")
            time.sleep(0.2)
        yield process.pid
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def signed_in_cookies(learner: Any) -> dict[str, str]:
    """A session for ``learner``, made the way the test client's force_login makes one."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = learner._meta.pk.value_to_string(learner)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = learner.get_session_auth_hash()
    session.save()
    return {settings.SESSION_COOKIE_NAME: session.session_key}


def measure_server(fixture: Fixture, samples: int, log: Path) -> None:
    from django.db import connection

    from revise.study.models import ReviewLog

    cookies = signed_in_cookies(fixture.learner)
    before = ReviewLog.objects.filter(learner=fixture.learner).count()
    connection.close()  # no open transaction or snapshot while the server writes
    port = free_port()
    path = f"/study/{fixture.course_slug}/"
    rng = random.Random(11)
    pairs, posts, gets, scripted = [], [], [], []
    with server(port, log):
        browser = Browser(port, cookies)
        for _ in range(4):  # both workers past their first request
            fields = browser.study_page(path)
        # Plain forms and study.js's answers in turn, so both see the same machine.
        for n in range(2 * samples):
            if "card" not in fields:
                break  # done for today; the in-process loops go on to tomorrow
            form = {name: fields.get(name, "") for name in ANSWER_FIELDS}
            form["rating"] = str(rng.choices([1, 2, 3, 4], RATING_WEIGHTS)[0])
            start = time.perf_counter()
            if n % 2:
                status, _, text = browser.request("POST", path, form, NEXT_CARD)
                scripted.append(time.perf_counter() - start)
                if status == 200:
                    fields = dict(FIELD.findall(text))
                    continue
                # A server without the one-round-trip answer: the redirect's page.
                assert status == 302, status
                fields = browser.study_page(path)
                scripted[-1] = time.perf_counter() - start
                continue
            status, headers, _ = browser.request("POST", path, form)
            posted = time.perf_counter()
            assert status == 302 and headers.get("Location") == path, status
            fields = browser.study_page(path)
            done = time.perf_counter()
            pairs.append(done - start)
            posts.append(posted - start)
            gets.append(done - posted)
    recorded = ReviewLog.objects.filter(learner=fixture.learner).count() - before
    sent = len(pairs) + len(scripted)
    assert recorded == sent, f"{recorded} reviews recorded, {sent} sent"
    dry = "" if len(pairs) == samples else f"; the queue ran dry after {sent}"
    line("server: rate + next card", pairs, f"   (POST, 302, GET{dry})")
    line("  of which POST (record)", posts)
    line("  of which GET (next card)", gets)
    if scripted:
        line("server: rate + next, study.js", scripted, "   (one POST, the next card)")


# --- many learners at once -------------------------------------------------------------


@dataclass
class Answer:
    """One answer a client sent: the shown card's token, and what the server said."""

    token: str
    statuses: list[int]  # one per POST; 0: no response (the connection failed)
    double: str = ""  # "", "concurrent" or "after"


class Learner:
    """One learner of the concurrent run: answers their cards until the deadline.

    Rating a card is a POST sent as study.js sends it, answered with the next card (or,
    from a server without that, a redirect to the study page, which is followed). A
    share ``double`` of the answers is sent twice, as a double click would: half of them
    on a second connection at the same moment, half again after the first response.
    """

    def __init__(
        self, port: int, cookies: dict[str, str], path: str, seed: int, double: float
    ) -> None:
        self.port, self.path, self.double = port, path, double
        self.browser = Browser(port, cookies)
        self.rng = random.Random(seed)
        self.answers: list[Answer] = []
        self.latencies: list[float] = []
        self.errors: list[str] = []
        self.dry = False

    def post(self, form: dict[str, str]) -> tuple[int, dict[str, str], str]:
        try:
            return self.browser.request("POST", self.path, form, NEXT_CARD)
        except (OSError, http.client.HTTPException) as error:
            self.errors.append(f"POST: {error!r}")
            self.browser.connection.close()
            return 0, {}, ""

    def post_twice_at_once(self, form: dict[str, str]) -> list[int]:
        """The same form on two connections, both sent before either is read."""
        second = Browser(self.port, self.browser.cookies)
        body = urlencode(form)
        statuses = []
        browsers = [self.browser, second]
        try:
            for browser in browsers:
                headers = {
                    "Cookie": "; ".join(f"{k}={v}" for k, v in browser.cookies.items()),
                    "Content-Type": "application/x-www-form-urlencoded",
                    **NEXT_CARD,
                }
                browser.connection.request(
                    "POST", self.path, body=body, headers=headers
                )
            for browser in browsers:
                response = browser.connection.getresponse()
                response.read()
                for header in response.headers.get_all("Set-Cookie") or []:
                    for name, morsel in SimpleCookie(header).items():
                        self.browser.cookies[name] = morsel.value
                browser.connection.close()
                statuses.append(response.status)
        except (OSError, http.client.HTTPException) as error:
            self.errors.append(f"double POST: {error!r}")
            for browser in browsers:
                browser.connection.close()
            statuses += [0] * (2 - len(statuses))
        return statuses

    def next_fields(
        self, status: int, headers: dict[str, str], text: str
    ) -> dict[str, str] | None:
        if status == 200 and 'name="token"' in text:
            return dict(FIELD.findall(text))
        try:
            return self.browser.study_page(self.path)
        except (AssertionError, OSError, http.client.HTTPException) as error:
            self.errors.append(f"GET: {error!r}")
            self.browser.connection.close()
            return None

    def run(self, start: Any, until: list[float]) -> None:
        """Answer from the ``start`` barrier until ``until[0]`` (set before it opens)."""
        fields = self.next_fields(0, {}, "")
        start.wait()
        while fields is not None and time.monotonic() < until[0]:
            if "card" not in fields:
                self.dry = True  # done for today
                return
            form = {name: fields.get(name, "") for name in ANSWER_FIELDS}
            form["rating"] = str(self.rng.choices([1, 2, 3, 4], RATING_WEIGHTS)[0])
            answer = Answer(fields["token"], [])
            self.answers.append(answer)
            began = time.perf_counter()
            twice = self.rng.random()
            if twice < self.double / 2:
                answer.double = "concurrent"
                answer.statuses = self.post_twice_at_once(form)
                status, headers, text = 302, {}, ""
            else:
                status, headers, text = self.post(form)
                answer.statuses.append(status)
                if twice < self.double:
                    answer.double = "after"
                    status, headers, text = self.post(form)
                    answer.statuses.append(status)
            fields = self.next_fields(status, headers, text)
            self.latencies.append(time.perf_counter() - began)


ANSWER_FIELDS = ["card", "token", "page", "shown_at", "csrfmiddlewaretoken"]


def crowd_check(
    learners: list[Any], answers: dict[int, list[Answer]], after_id: int
) -> tuple[int, int, int, int]:
    """Compare what the clients sent with the log: (recorded, lost, duplicated, extra).

    Lost: a token a client sent that is not in the log. Duplicated: a log row beyond the
    first for one (learner, token), or a row whose token is not the one its card showed
    before it (an answer to a state the card had already left). Extra: a row no client
    sent.
    """
    from collections import Counter

    from revise.study.models import ReviewLog
    from revise.study.services import shown_token

    rows = list(
        ReviewLog.objects.filter(
            learner__in=learners, id__gt=after_id, kind=ReviewLog.Kind.REVIEW
        ).values_list("id", "learner_id", "card_id", "token")
    )
    logged = Counter((learner, token) for _, learner, _, token in rows)
    duplicated = sum(count - 1 for count in logged.values())
    # Each new row's token is the card's token as of the row before it, if any.
    touched = {(learner, card) for _, learner, card, _ in rows}
    previous: dict[tuple[int, int], int | None] = {}
    history = ReviewLog.objects.filter(
        learner__in=learners, card_id__in={card for _, card in touched}
    ).order_by("id")
    chains: dict[tuple[int, int], list[int]] = {}
    for row_id, learner, card in history.values_list("id", "learner_id", "card_id"):
        if (learner, card) in touched:
            chains.setdefault((learner, card), []).append(row_id)
    for chain in chains.values():
        for before, row_id in zip([None, *chain], chain, strict=False):
            previous[row_id] = before
    for row_id, learner, card, token in rows:
        shown = shown_token(
            learner_id=learner, card_id=card, last_log_id=previous.get(row_id)
        )
        duplicated += shown != token
    sent = {(learner, a.token) for learner, sent in answers.items() for a in sent}
    lost = len(sent - set(logged))
    extra = len(set(logged) - sent)
    return len(rows), lost, duplicated, extra


def measure_crowd(
    fixture: Fixture, seconds: float, double: float, log: Path
) -> dict[str, Any]:
    """The crowd answers at once through ``revise serve`` for ``seconds``."""
    import threading
    from collections import Counter

    from django.db import connection
    from django.db.models import Max

    from revise.study.models import ReviewLog
    from revise.study.services import card_states_rebuild

    learners = fixture.crowd
    cookies = [signed_in_cookies(learner) for learner in learners]
    after_id = ReviewLog.objects.aggregate(top=Max("id"))["top"] or 0
    connection.close()
    port = free_port()
    path = f"/study/{fixture.course_slug}/"
    with server(port, log) as group:
        clients = [
            Learner(port, cookie, path, seed=n, double=double)
            for n, cookie in enumerate(cookies)
        ]
        start = threading.Barrier(len(clients) + 1)
        until = [math.inf]  # set when every learner has their first card
        threads = [
            threading.Thread(target=client.run, args=(start, until))
            for client in clients
        ]
        for thread in threads:
            thread.start()
        until[0] = time.monotonic() + seconds + 300  # if a learner never starts
        with contextlib.suppress(threading.BrokenBarrierError):
            start.wait(timeout=300)
        until[0] = time.monotonic() + seconds
        start_cpu, began = time.process_time(), time.perf_counter()
        server_start = group_cpu(group)
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - began
        client_cpu = time.process_time() - start_cpu
        server_cpu = group_cpu(group) - server_start
    answers = {
        learner.pk: c.answers for learner, c in zip(learners, clients, strict=True)
    }
    recorded, lost, duplicated, extra = crowd_check(learners, answers, after_id)
    sent = sum(len(a) for a in answers.values())
    doubles = [a for sent in answers.values() for a in sent if a.double]
    statuses = Counter(
        status for sent in answers.values() for a in sent for status in a.statuses
    )
    errors = [e for c in clients for e in c.errors]
    changed = sum(
        card_states_rebuild(learner=learner, dry_run=True).changed
        for learner in learners
    )
    latencies = [t for c in clients for t in c.latencies]
    dry = sum(c.dry for c in clients)
    if latencies:
        line(
            f"server, {len(learners)} at once: study.js",
            latencies,
            f"   ({sent:,} answers in {elapsed:.1f} s)",
        )
    rate = recorded / elapsed if elapsed else 0.0
    FIGURES.append(
        f"  {'reviews recorded per second':<34} {rate:8.1f} /s"
        f"   ({len(learners)} learners at once; {len(doubles)} answers sent twice: "
        f"{sum(a.double == 'concurrent' for a in doubles)} at once, "
        f"{sum(a.double == 'after' for a in doubles)} after)"
    )
    FIGURES.append(
        f"  {'lost / duplicated reviews':<34} {lost:8} / {duplicated}"
        f"   (log: {recorded:,} rows for {sent:,} answers sent; {extra} not sent; "
        f"states off their log: {changed})"
    )
    FIGURES.append(
        f"  {'  responses':<34} "
        + ", ".join(
            f"{code or 'no response'}: {n:,}" for code, n in sorted(statuses.items())
        )
        + (f"; {dry} learners ran out of cards" if dry else "")
    )
    FIGURES.append(
        f"  {'  CPU: clients, server':<34} {client_cpu:8.1f} s {server_cpu:8.1f} s"
        f"   (of {elapsed:.1f} s × {os.cpu_count()} cores; the clients share them with "
        f"revise serve{', and PostgreSQL with both' if connection.vendor == 'postgresql' else ''})"
    )
    for error in errors[:5]:
        FIGURES.append(f"  ! {error}")
    if errors or any(status >= 500 or not status for status in statuses):
        text = log.read_text(errors="replace") if log.exists() else ""
        start = text.rfind("Traceback")
        FIGURES.append("  ! the server's last error:")
        FIGURES.extend(
            f"  !   {row}" for row in text[max(0, start) :].splitlines()[-25:]
        )
    return {
        "reviews_per_s": rate,
        "lost": lost,
        "duplicated": duplicated,
        "extra": extra,
        "states_off": changed,
        "sent": sent,
        "errors": len(errors)
        + sum(n for code, n in statuses.items() if code >= 500 or not code),
    }


def child(args: argparse.Namespace) -> int:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    call_command("migrate", interactive=False, verbosity=0)
    name = connection.vendor
    if name == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            name += " " + cursor.fetchone()[0].split()[0]
    else:
        import sqlite3

        name += " " + sqlite3.sqlite_version
    print(f"\ndatabase: {name} · {args.cards:,} cards · {args.reviews:,} reviews")
    fixture = generate(
        cards=args.cards,
        reviews=args.reviews,
        now=timezone.now(),
        crowd=args.learners,
        crowd_reviews=args.crowd_reviews,
    )
    if args.verify or args.reviews <= 100_000:
        verify(fixture.learner)
    progress("in-process reads")
    deck = measure_reads(fixture, args.samples, args.explain)
    progress("through revise serve")  # before the writes, which may move the clock on
    work = Path(os.environ["REVISE_VAR_DIR"]).parent
    reads = len(FIGURES)
    measure_server(fixture, args.samples, work / "server.log")
    crowd: dict[str, Any] = {}
    if fixture.crowd:
        progress(
            f"{len(fixture.crowd)} learners at once through revise serve, "
            f"{args.seconds:g} s"
        )
        crowd = measure_crowd(
            fixture, args.seconds, args.double, work / "server-crowd.log"
        )
    served = FIGURES[reads:]
    del FIGURES[reads:]
    progress("in-process writes" + (", interleaved with Anki" if args.anki else ""))
    anki_cards = args.anki if anki_core.available() else 0
    if args.anki and not anki_cards:
        print("  anki: skipped (the anki package is not installed)")
    compared = measure_writes(fixture, deck, args.samples, anki_cards, args.explain)
    FIGURES.extend(served)
    print(f"\n  {'':<34} {'median':>11} {'p99':>11} {'n':>7}")
    print("\n".join(FIGURES), flush=True)
    summary = [f"summary {connection.vendor}:"]
    if compared:
        summary.append(
            f"next card + record {compared['revise_ms']:.2f} ms = "
            f"{compared['anki_ratio']:.1f}x Anki synchronous {compared['anki_mode']} "
            f"({compared['anki_ms']:.3f} ms);"
        )
    if crowd:
        summary.append(
            f"{len(fixture.crowd)} learners {crowd['reviews_per_s']:.1f} reviews/s, "
            f"lost {crowd['lost']}, duplicated {crowd['duplicated']}"
            + (f", errors {crowd['errors']}" if crowd["errors"] else "")
        )
    if len(summary) == 1:
        summary.append("no Anki comparison, no concurrent run")
    print("\n  " + " ".join(summary), flush=True)
    broken = crowd and (
        crowd["lost"]
        or crowd["duplicated"]
        or crowd["extra"]
        or crowd["states_off"]
        or crowd["errors"]
        or not crowd["sent"]
    )
    return 1 if broken else 0


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--sqlite", action="store_true", help="SQLite only")
    which.add_argument(
        "--postgres",
        action="store_true",
        help="PostgreSQL only: DATABASE_URL, else a throw-away server",
    )
    parser.add_argument("--cards", type=int, default=50_000)
    parser.add_argument("--reviews", type=int, default=500_000)
    parser.add_argument("--samples", type=int, default=1000, help="per measurement")
    parser.add_argument(
        "--verify",
        action="store_true",
        help="check states against the log (always at 100,000 reviews or fewer)",
    )
    parser.add_argument(
        "--explain",
        action="store_true",
        help="print the queries of study_next, study_counts and card_review_record, "
        "with their times and plans",
    )
    parser.add_argument(
        "--learners",
        type=int,
        default=50,
        help="learners answering at once through the server (0: no such run)",
    )
    parser.add_argument(
        "--crowd-reviews",
        type=int,
        default=2000,
        help="reviews in each of those learners' history",
    )
    parser.add_argument(
        "--seconds", type=float, default=30, help="length of the concurrent run"
    )
    parser.add_argument(
        "--double",
        type=float,
        default=0.05,
        help="share of answers sent twice in the concurrent run",
    )
    parser.add_argument(
        "--anki",
        type=int,
        default=10_000,
        metavar="CARDS",
        help="cards in the Anki collection compared with (0: no comparison)",
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.exit(child(args) if args.child else orchestrate(args))


if __name__ == "__main__":
    main()
