"""Search latency: the median of 50 queries through Django's test client (the whole
request: middleware, search, template), on the sample course and then with a generated
course of 500 chapters imported beside it.

Runs against a throw-away SQLite database, or against DATABASE_URL when it is set (a
database that this script may fill).

    .venv/bin/python bench/search_bench.py [--chapters 500] [--queries 50]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SYLLABLES = [
    "ka",
    "lo",
    "ri",
    "ste",
    "van",
    "mor",
    "pel",
    "dun",
    "ash",
    "tre",
    "bol",
    "gor",
    "nik",
    "sha",
    "vel",
    "tor",
    "min",
    "ous",
]
NAMES = ["Pipes", "Carr", "Service", "Figes", "Fitzpatrick", "Deutscher", "Read"]

CHAPTER = """\
---
title: {title}
summary: How {a} and {b} shaped the years around {year}.
---
{intro}

## {heading1} ({year})

{para1}

::: definition {term}
{definition}
:::

{name} argues that {a} was a turning point for {b}.

## {heading2}

{para2}

::: flashcards
- When did {a} happen? :: In {year}.
- What is {term}? :: {definition}
:::

::: self-review
1. Why did {a} matter for {b}?
   - Because of {c}.
   - Because of {d}.
:::

<!-- locked -->

## {heading3}

{para3}

::: flashcards
- What followed {a}? :: {c}, then {d}.
:::
"""


def word(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))


def sentence(rng: random.Random, words: list[str]) -> str:
    text = " ".join(rng.choice(words) for _ in range(rng.randint(8, 18)))
    return text[0].upper() + text[1:] + "."


def paragraph(rng: random.Random, words: list[str], sentences: int) -> str:
    return " ".join(sentence(rng, words) for _ in range(sentences))


def write_course(folder: Path, chapters: int, seed: int = 1) -> list[str]:
    """A course of ``chapters`` chapters of made-up words (about 450 words each);
    returns its vocabulary."""
    rng = random.Random(seed)
    vocabulary = sorted({word(rng) for _ in range(6000)})
    common = [
        "the",
        "of",
        "and",
        "in",
        "a",
        "to",
        "was",
        "that",
        "for",
        "by",
        "with",
        "as",
        "on",
    ]
    words = vocabulary + common * 60
    folder.mkdir(parents=True)
    (folder / "course.yaml").write_text(
        "title: Generated search course\nsubject: Benchmarks\nsummary: Generated.\n"
    )
    for n in range(1, chapters + 1):
        pick = rng.sample(vocabulary, 8)
        text = CHAPTER.format(
            title=f"The {pick[0].title()} {n}",
            a=pick[1].title(),
            b=pick[2].title(),
            c=pick[3],
            d=pick[4],
            year=1700 + rng.randint(0, 300),
            intro=paragraph(rng, words, 4),
            heading1=f"The {pick[5]} question",
            heading2=f"{pick[6].title()} and {pick[7]}",
            heading3=f"After {pick[1].title()}",
            para1=paragraph(rng, words, 6),
            para2=paragraph(rng, words, 6),
            para3=paragraph(rng, words, 6),
            term=pick[2].title(),
            definition=sentence(rng, words),
            name=rng.choice(NAMES),
        )
        (folder / f"{n:04d}-chapter-{n}.md").write_text(text)
    return vocabulary


def misspell(term: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(term) - 1)
    return term[:i] + term[i + 1 :]


def time_queries(client, queries: list[str]) -> float:
    """Median milliseconds of GET /search/?q=… over ``queries``."""
    times = []
    for query in queries:
        start = time.perf_counter()
        response = client.get("/search/", {"q": query})
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (query, response.status_code)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--chapters", type=int, default=500)
    parser.add_argument("--queries", type=int, default=50)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="revise-search-bench-"))
    os.environ["REVISE_VAR_DIR"] = str(work / "var")
    # The test settings: static files without a manifest (nothing is collected here).
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from revise.accounts.models import User
    from revise.catalog.models import SearchDocument
    from revise.catalog.services import course_import

    setup_test_environment()
    call_command("migrate", interactive=False, verbosity=0)
    rng = random.Random(7)
    visitor = Client()
    learner = Client()
    learner.force_login(
        User.objects.create_user(f"bench-{time.time_ns()}@example.com", "x" * 16)
    )

    course_import(path=ROOT / "courses" / "lenin")
    sample = [
        "Rapallo",
        "1922",
        "Pipes",
        "Rapalo",
        "Kronstadt",
        "war communism",
        "Brest-Litovsk",
        "NEP",
        "Cheka",
        "Trotsky",
    ]
    queries = [sample[i % len(sample)] for i in range(args.queries)]
    print(f"database: {connection.vendor}")
    docs = SearchDocument.objects.count()
    print(f"sample course ({docs} documents), median of {len(queries)} queries:")
    for name, client in [("visitor", visitor), ("learner", learner)]:
        time_queries(client, queries[:5])  # warm: vocabulary, templates
        print(f"  {name:8s} {time_queries(client, queries):7.1f} ms")

    folder = work / "generated"
    vocabulary = write_course(folder, args.chapters)
    start = time.perf_counter()
    course_import(path=folder)
    took = time.perf_counter() - start
    docs = SearchDocument.objects.count()
    print(
        f"generated course: {args.chapters} chapters imported in {took:.1f} s; "
        f"{docs} documents in all"
    )
    generated = []
    for i in range(args.queries):
        term = rng.choice(vocabulary)
        generated.append(
            [
                term,
                f"{term} {rng.choice(vocabulary)}",
                str(1700 + rng.randint(0, 300)),
                rng.choice(NAMES),
                misspell(term, rng),
            ][i % 5]
        )
    print(f"with the generated course, median of {len(generated)} queries:")
    for name, client in [("visitor", visitor), ("learner", learner)]:
        time_queries(client, generated[:5])
        print(f"  {name:8s} {time_queries(client, generated):7.1f} ms")
    print("sample-course queries with the generated course beside it:")
    for name, client in [("visitor", visitor), ("learner", learner)]:
        print(f"  {name:8s} {time_queries(client, queries):7.1f} ms")


if __name__ == "__main__":
    main()
