"""Import speed: a generated course of 500 chapters, first import and re-imports.

Runs against a throw-away SQLite database, or against DATABASE_URL when it is set (a
database that this script may fill). Prints chapters per second, the time of an
unchanged re-import (the issue's figure: the folder's files are read and hashed, not
parsed) with its queries, and of a re-import after one chapter changed (the whole folder
is parsed again).

    .venv/bin/python bench/import_bench.py [--chapters 500] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

CHAPTER = """\
---
title: Generated chapter {n}
---
An opening paragraph for chapter {n}, long enough to look like a real one, with a
few sentences of *emphasis* and **bold** text so that the renderer has work to do.

## The first section of chapter {n}

::: note
A note about event {n}, which happened in the year {year}.
:::

::: definition Term {n}
The definition of term number {n}, written as a full sentence.
:::

## Self review

::: self-review
1. Why did event {n} matter? {{#q-{n}}}
   - Because of cause A.
   - Because of cause B.
:::

::: flashcards
- When did event {n} happen? :: In {year}. {{#c-{n}-1}}
- What is term {n}? :: The definition of term number {n}.
- Who led event {n}? :: Leader {n}.
- What followed event {n}? :: Event {next}.
:::

<!-- locked -->

## The locked section of chapter {n}

A paragraph only for signed-in learners, about the consequences of event {n}.

::: tip
Remember {year} by linking it to event {next}.
:::

::: flashcards
- What were the consequences of event {n}? :: Many, all in the locked part.
:::

```lesson
- kind: choice
  prompt: When did event {n} happen?
  options: ["{year}", "{other}"]
  answer: "{year}"
- kind: true-false
  statement: Event {n} came before event {next}.
  answer: true
```
"""


def write_course(folder: Path, chapters: int) -> None:
    folder.mkdir(parents=True)
    (folder / "course.yaml").write_text(
        "title: Generated course\nsubject: Benchmarks\nsummary: Generated.\n"
    )
    for n in range(1, chapters + 1):
        text = CHAPTER.format(n=n, next=n + 1, year=1800 + n, other=1900 + n)
        (folder / f"{n:04d}-chapter-{n}.md").write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--chapters", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=3, help="re-imports to time")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="revise-bench-"))
    os.environ["REVISE_VAR_DIR"] = str(work / "var")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "revise.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from revise.catalog.services import course_import
    from revise.content.parser import parse_course

    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)  # the page cache's, if in the DB
    folder = work / "generated"
    write_course(folder, args.chapters)
    n = args.chapters
    print(f"database: {connection.vendor}; course: {n} chapters")

    start = time.perf_counter()
    parse_course(folder)
    parse_s = time.perf_counter() - start
    print(
        f"parse only (revise check):  {parse_s:7.2f} s  {n / parse_s:8.0f} chapters/s"
    )

    start = time.perf_counter()
    report = course_import(path=folder)
    first_s = time.perf_counter() - start
    assert report.created["chapters"] == n
    print(
        f"first import:               {first_s:7.2f} s  {n / first_s:8.0f} chapters/s"
    )

    times = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        report = course_import(path=folder)
        times.append(time.perf_counter() - start)
        assert not report.changed
    best = min(times)
    print(
        f"unchanged re-import (best of {args.repeat}): {best:5.3f} s  {n / best:8.0f} chapters/s"
    )
    with CaptureQueriesContext(connection) as queries:
        course_import(path=folder)
    writes = sum(
        q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
        for q in queries.captured_queries
    )
    print(f"unchanged re-import queries: {len(queries)}, writes: {writes}")

    changed = sorted(folder.glob("*.md"))[n // 2]
    changed.write_text(changed.read_text() + "\nOne more paragraph.\n")
    start = time.perf_counter()
    report = course_import(path=folder)
    one_s = time.perf_counter() - start
    assert report.updated["chapters"] == 1
    print(f"one chapter changed:        {one_s:7.2f} s  (the whole folder is parsed)")
    print(f"unchanged re-import: {best:.3f} s for {n} chapters")


if __name__ == "__main__":
    main()
