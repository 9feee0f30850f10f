"""Dashboard cost for a learner with many reviews: query count and the median time of
5 requests through Django's test client (middleware, queries, template), for the page
and for each of its three charts (served as SVG images): the first visit (nothing kept
in the shared cache), right after an answer (the learner's review days before the last
two are kept until an entry before them changes), and again.

Runs against a throw-away SQLite database in a temporary var directory. The reviews
(bulk-created, spread over two years, over the sample course's cards) are not replayed:
the card states are written directly, due over the next 30 days.

    .venv/bin/python bench/dashboard_bench.py [--reviews 500000] [--requests 5] [--profile]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def timed(client: object, url: str) -> float:
    """Milliseconds for one request of ``url``."""
    began = time.perf_counter()
    assert client.get(url).status_code == 200
    return (time.perf_counter() - began) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reviews", type=int, default=500_000)
    parser.add_argument("--requests", type=int, default=5)
    parser.add_argument(
        "--profile", action="store_true", help="print where the page's time goes"
    )
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="revise-dashboard-bench-"))
    os.environ["REVISE_VAR_DIR"] = str(work / "var")
    os.environ.pop("DATABASE_URL", None)  # SQLite in the temp var dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    import warnings

    warnings.filterwarnings("ignore", message="No directory at")
    import django

    django.setup()
    from django.core.cache import caches
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment
    from django.utils import timezone

    from revise.accounts.models import User
    from revise.catalog.services import course_import
    from revise.study.models import Card, CardState, ReviewLog

    setup_test_environment()
    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)  # the shared cache (exam plans)
    course_import(path=ROOT / "courses" / "lenin")
    learner = User.objects.create_user("bench@example.com", "x" * 16)
    other = User.objects.create_user("other@example.com", "x" * 16)
    cards = list(Card.objects.filter(retired_at__isnull=True))
    rng = random.Random(7)
    now = timezone.now()
    start = now - timedelta(days=730)
    span = (now - start).total_seconds()

    began = time.perf_counter()
    batch: list[ReviewLog] = []
    for i in range(args.reviews):
        at = start + timedelta(seconds=span * i / args.reviews)
        rating = rng.choices([1, 2, 3, 4], weights=[10, 10, 70, 10])[0]
        batch.append(
            ReviewLog(
                learner=learner,
                card=rng.choice(cards),
                rating=rating,
                reviewed_at=at,
                duration_ms=rng.randint(2_000, 20_000),
                retention=0.9,
                state_before={"state": 2 if rng.random() < 0.8 else 1},
                state_after={"state": 2},
                token=f"bench:{i}",
            )
        )
        if len(batch) == 10_000:
            ReviewLog.objects.bulk_create(batch)
            batch = []
    ReviewLog.objects.bulk_create(batch)
    CardState.objects.bulk_create(
        CardState(
            learner=learner,
            card=card,
            course_id=card.course_id,
            state=2,
            stability=rng.uniform(1, 60),
            difficulty=5,
            due=now + timedelta(hours=rng.uniform(-48, 24 * 30)),
            last_review=now - timedelta(days=1),
            reps=10,
            lapses=0,
        )
        for card in cards
    )
    # Another learner's reviews, which must not count (nor cost much).
    ReviewLog.objects.bulk_create(
        ReviewLog(
            learner=other,
            card=cards[0],
            rating=3,
            reviewed_at=now,
            retention=0.9,
            token=f"other:{i}",
        )
        for i in range(1000)
    )
    connection.cursor().execute("ANALYZE")
    print(f"database: {connection.vendor}; {len(cards)} cards")
    print(
        f"{args.reviews:,} reviews written in {time.perf_counter() - began:.1f} s "
        "(bulk_create)"
    )

    # Keep one connection across requests, as the tests do, so its queries are counted.
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    client = Client()
    client.force_login(learner)
    for url in [
        "/dashboard/",
        "/dashboard/heatmap.svg",
        "/dashboard/weekly.svg",
        "/dashboard/forecast.svg",
    ]:
        client.get(url)  # warm: templates, caches
        counted: list[str] = []

        def count(execute, sql, params, many, context, counted=counted):
            counted.append(sql)
            return execute(sql, params, many, context)

        with (
            CaptureQueriesContext(connection) as queries,
            connection.execute_wrapper(count),
        ):
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        first, answered, again = [], [], []
        for n in range(args.requests):
            caches["default"].clear()  # nothing kept yet
            first.append(timed(client, url))
            ReviewLog.objects.create(  # an answer: the log grows at its end
                learner=learner,
                card=cards[n % len(cards)],
                rating=3,
                reviewed_at=timezone.now(),
                retention=0.9,
                state_before={"state": 2},
                state_after={"state": 2},
                token=f"answer:{url}:{n}",
            )
            answered.append(timed(client, url))
            again.append(timed(client, url))
        print(
            f"  {url:24s} {max(len(queries), len(counted)):3d} queries, median ms of "
            f"{args.requests}: first {statistics.median(first):6.1f}, "
            f"after an answer {statistics.median(answered):6.1f}, "
            f"again {statistics.median(again):6.1f}"
        )
        if args.profile:
            import cProfile
            import pstats

            profile = cProfile.Profile()
            profile.runcall(client.get, url)
            pstats.Stats(profile).sort_stats("cumulative").print_stats(
                r"revise/(?!.*middleware)", 25
            )


if __name__ == "__main__":
    main()
