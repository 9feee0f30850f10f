"""Fuzz `revise check`, and time it on hostile inputs.

Two parts:

1. Hostile inputs, each checked in a child process (so that a hang or a blow-up cannot
   stop the bench): a YAML alias bomb, 1 MiB of "26% ", 200 KB of "[", boxes nested
   deeply, a 1 MiB line, and inputs at each of the checker's limits. Prints the time,
   the child's peak memory and the outcome of each.
2. Random course folders (tests/fuzz_courses.py: the strategies and properties of
   tests/test_fuzz_check.py, at a larger scale): prints the examples run, the crashes
   (with the first inputs that crashed) and the slowest inputs.

    .venv/bin/python bench/fuzz_check.py [EXAMPLES] [--seed N] [--scale N]
        [--no-fuzz] [--no-hostile] [--timeout SECONDS] [--memory MIB]
        [--save-slowest DIR]

EXAMPLES defaults to 10,000. Run with PYTHONPATH pointing at another checkout (and
--no-fuzz) to time the hostile inputs against older code.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.append(str(ROOT))

COURSE = "title: T\nsubject: S\nsummary: A course.\n"
FRONT = "---\ntitle: One\n---\n"
MIB = 1024 * 1024


def _fill(unit: str, total: int = MIB - 64, prefix: str = FRONT) -> str:
    """``prefix`` then ``unit`` repeated up to ``total`` bytes."""
    return prefix + unit * ((total - len(prefix.encode())) // len(unit.encode()))


def _alias_bomb(levels: int, width: int) -> str:
    lines = ["a0: &a0 [" + ", ".join(["x"] * width) + "]"]
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


def _nested_boxes(depth: int) -> str:
    opening = "".join(":" * (3 + depth - i) + " note\n" for i in range(depth))
    closing = "".join(":" * (3 + i) + "\n" for i in range(1, depth + 1))
    return FRONT + opening + "Deep.\n" + closing


def _lenin_1mib(max_lines: int | None = None) -> str:
    """The sample course's longest chapter, repeated to 1 MiB as one chapter: ids,
    cards and questions made unique, lesson blocks kept in the first copy only."""
    text = (ROOT / "courses" / "lenin" / "02-foreign-policy.md").read_text()
    end = text.index("\n---\n", 4) + 5
    body = text[end:].replace("<!-- locked -->", "")
    parts, size, n = [body], len(body.encode()), 1
    lines = text[:end].count("\n") + body.count("\n")
    while size < MIB - 30_000:
        part = re.sub(r"```lesson\n.*?```\n", "", body, flags=re.S)
        part = part.replace("{#", f"{{#c{n}-")
        part = re.sub(r"^(- |\d+\. )", rf"\g<1>({n}) ", part, flags=re.M)
        lines += part.count("\n")
        if max_lines and lines > max_lines:
            break
        parts.append(part)
        size += len(part.encode())
        n += 1
    return text[:end] + "".join(parts)


# name → {file name: text}
HOSTILE: dict[str, Callable[[], dict[str, str]]] = {
    "YAML alias bomb, 6 levels of 9 (course.yaml)": lambda: {
        "course.yaml": _alias_bomb(6, 9),
        "01-one.md": FRONT,
    },
    "YAML alias bomb, 8 levels of 9: 414 bytes (course.yaml)": lambda: {
        "course.yaml": _alias_bomb(8, 9),
        "01-one.md": FRONT,
    },
    "YAML alias bomb, 16 levels of 12: 1 KB (course.yaml)": lambda: {
        "course.yaml": _alias_bomb(16, 12),
        "01-one.md": FRONT,
    },
    "YAML alias bomb in a lesson block": lambda: {
        "course.yaml": COURSE,
        "01-one.md": FRONT + "```lesson\n" + _alias_bomb(9, 9) + "```\n",
    },
    "YAML flow list, 1 MiB (course.yaml)": lambda: {
        "course.yaml": _fill("a, ", prefix=COURSE + "slug: [") + "]\n",
        "01-one.md": FRONT,
    },
    "YAML nested 100,000 deep (front matter)": lambda: {
        "course.yaml": COURSE,
        "01-one.md": "---\ntitle: " + "[" * 100_000 + "\n---\n",
    },
    "lesson block, 1 MiB on one line": lambda: {
        "course.yaml": COURSE,
        "01-one.md": _fill(
            "b, ", prefix=FRONT + "```lesson\n- {kind: order, prompt: P, items: ["
        )
        + "c]}\n```\n",
    },
    '"26% " × 1,000 (4 KB)': lambda: {
        "course.yaml": COURSE,
        "01-one.md": FRONT + "26% " * 1000,
    },
    '"26% " × 2,000 (8 KB)': lambda: {
        "course.yaml": COURSE,
        "01-one.md": FRONT + "26% " * 2000,
    },
    '"26% " × 4,000 (16 KB)': lambda: {
        "course.yaml": COURSE,
        "01-one.md": FRONT + "26% " * 4000,
    },
    '"26% " to 1 MiB, one paragraph': lambda: {
        "course.yaml": COURSE,
        "01-one.md": _fill("26% "),
    },
    '"26% of the 40,000 workers; 13 days" × 4,990 lines': lambda: {
        "course.yaml": COURSE,
        "01-one.md": FRONT + "26% of the 40,000 workers; 13 days\n" * 4_990,
    },
    '200 KB line of "["': lambda: {
        "course.yaml": COURSE,
        "01-one.md": FRONT + "[" * 200_000,
    },
    '1 MiB line of "["': lambda: {"course.yaml": COURSE, "01-one.md": _fill("[")},
    '"[" × 9,990 then "]" (at the markup limit)': lambda: {
        "course.yaml": COURSE,
        "01-one.md": FRONT + "[" * 9_990 + "]\n",
    },
    '"![" × 4,990 then "]" (at the markup limit)': lambda: {
        "course.yaml": COURSE,
        "01-one.md": FRONT + "![" * 4_990 + "]\n",
    },
    "<http://a.b> autolinks × 9,990 (at the markup limit)": lambda: {
        "course.yaml": COURSE,
        "01-one.md": FRONT + "<http://a.b>" * 9_990 + "\n",
    },
    "boxes nested 15 deep": lambda: {
        "course.yaml": COURSE,
        "01-one.md": _nested_boxes(15),
    },
    "boxes nested 300 deep": lambda: {
        "course.yaml": COURSE,
        "01-one.md": _nested_boxes(300),
    },
    '"::: note" to 1 MiB, never closed': lambda: {
        "course.yaml": COURSE,
        "01-one.md": _fill("::: note\n"),
    },
    '"::: note" × 4,990, never closed (at the line limit)': lambda: {
        "course.yaml": COURSE,
        "01-one.md": FRONT + "::: note\n" * 4_990,
    },
    "1 MiB line of words": lambda: {"course.yaml": COURSE, "01-one.md": _fill("word ")},
    '1 MiB line of "Aa. " (a sentence every 4 bytes)': lambda: {
        "course.yaml": COURSE,
        "01-one.md": _fill("Aa. "),
    },
    '1 MiB line of "E. " (initials)': lambda: {
        "course.yaml": COURSE,
        "01-one.md": _fill("E. "),
    },
    '1 MiB line of "-a"': lambda: {"course.yaml": COURSE, "01-one.md": _fill("-a")},
    '1 MiB line of "{#" in a flashcard': lambda: {
        "course.yaml": COURSE,
        "01-one.md": _fill("{#", prefix=FRONT + "::: flashcards\n- Q :: A") + "\n:::\n",
    },
    "1 MiB line of spaces in a flashcard": lambda: {
        "course.yaml": COURSE,
        "01-one.md": _fill(" ", prefix=FRONT + "::: flashcards\n- Q :: A") + "x\n:::\n",
    },
    "1 MiB definition": lambda: {
        "course.yaml": COURSE,
        "01-one.md": _fill(
            "A rich peasant, which is a word; ", prefix=FRONT + "::: definition Kulak\n"
        )
        + "\n:::\n",
    },
    '1 MiB of "E.H. Carr argues …" under a debate heading': lambda: {
        "course.yaml": COURSE,
        "01-one.md": _fill(
            "E.H. Carr argues that the war was lost as a gamble; ",
            prefix=FRONT + "## Historians' views\n\n",
        ),
    },
    '"> - > - > - <http://a.b>" × 4,990 lines (both limits)': lambda: {
        "course.yaml": COURSE,
        "01-one.md": FRONT + "> - > - > - <http://a.b>\n" * 4_990,
    },
    '"- > - > - > - > a" × 4,990 lines (at the line limit)': lambda: {
        "course.yaml": COURSE,
        "01-one.md": FRONT + "- > - > - > - > a\n" * 4_990,
    },
    '"- a\\r" to 1 MiB (old Mac line ends: 262,000 lines)': lambda: {
        "course.yaml": COURSE,
        "01-one.md": _fill("- a\r"),
    },
    "dated headings × 4,990 (4,990 derived cards)": lambda: {
        "course.yaml": COURSE,
        "01-one.md": FRONT
        + "".join(f"## Treaty of X{i} (1922)\n" for i in range(4_990)),
    },
    "the sample chapter repeated to 1 MiB (refused: too many lines)": lambda: {
        "course.yaml": COURSE,
        "01-one.md": _lenin_1mib(),
    },
    "the sample chapter repeated to 5,000 lines": lambda: {
        "course.yaml": COURSE,
        "01-one.md": _lenin_1mib(max_lines=5_000),
    },
}

CHILD = """
import json, resource, sys, time
limit = int(sys.argv[2]) * 1024 * 1024
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
from pathlib import Path
from revise.content.parser import parse_course
folder = Path(sys.argv[1])
start = time.perf_counter()
course, problems = parse_course(folder)
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
first = str(problems[0]).partition(": ")[2] if problems else course.summary_line()
print(json.dumps({"seconds": seconds, "mib": peak, "problems": len(problems), "first": first}))
"""


def run_hostile(timeout: float, memory_mib: int) -> None:
    print(f"{'seconds':>8} {'peak MiB':>8} {'bytes':>10}  input → outcome")
    env = {**os.environ, "PYTHONPATH": os.environ.get("PYTHONPATH", str(ROOT))}
    for name, build in HOSTILE.items():
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp) / "course"
            folder.mkdir()
            size = 0
            for file_name, text in build().items():
                data = text.encode()
                (folder / file_name).write_bytes(data)
                size += len(data)
            try:
                done = subprocess.run(  # noqa: S603 - this Python, our snippet
                    [sys.executable, "-c", CHILD, str(folder), str(memory_mib)],
                    capture_output=True,
                    text=True,
                    timeout=timeout,
                    env=env,
                    cwd=tmp,  # so that PYTHONPATH, not the current folder, finds revise
                    check=False,
                )
            except subprocess.TimeoutExpired:
                print(
                    f"{'>' + str(timeout):>8} {'?':>8} {size:>10,}  {name} → TIMED OUT"
                )
                continue
            if done.returncode != 0:
                error = (done.stderr.strip().splitlines() or ["?"])[-1]
                print(f"{'-':>8} {'-':>8} {size:>10,}  {name} → CRASHED: {error[:100]}")
                continue
            result = json.loads(done.stdout)
            outcome = (
                f"{result['problems']} problem(s): {result['first']}"
                if result["problems"]
                else f"OK: {result['first']}"
            )
            print(
                f"{result['seconds']:>8.3f} {result['mib']:>8.0f} {size:>10,}  "
                f"{name} → {outcome[:110]}"
            )


BATCH = 250


def run_fuzz(examples: int, seed: int, scale: int, save: Path | None) -> None:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import seed as hypothesis_seed

    from tests.fuzz_courses import check_folder, course_folders, describe

    crashes: list[tuple[str, str]] = []
    timings: list[tuple[float, str, dict[str, bytes]]] = []
    outcomes = {"course": 0, "problems": 0}
    count = 0

    def check(files: dict[str, bytes]) -> None:
        nonlocal count
        count += 1
        try:
            outcome = check_folder(files)
        except Exception as exc:  # noqa: BLE001 - every crash is counted and shown
            crashes.append((describe(files), f"{type(exc).__name__}: {exc}"[:300]))
            return
        outcomes["course" if outcome.ok else "problems"] += 1
        timings.append((outcome.seconds, describe(files), files))
        timings.sort(key=lambda t: t[0], reverse=True)
        del timings[5:]

    def batch(number: int, size: int) -> None:
        """One run of Hypothesis. Runs are kept short: a run caches the examples it
        made, and thousands of large ones would take gigabytes."""

        @hypothesis_seed(seed * 1_000_003 + number)
        @settings(
            max_examples=size,
            deadline=None,
            database=None,
            phases=["generate"],
            suppress_health_check=list(HealthCheck),
        )
        @given(course_folders(scale=scale))
        def one(files: dict[str, bytes]) -> None:
            check(files)

        one()
        gc.collect()  # outside the timings: a collection cannot inflate a check's

    started = time.perf_counter()
    for number, start in enumerate(range(0, examples, BATCH)):
        batch(number, min(BATCH, examples - start))
    elapsed = time.perf_counter() - started
    print(f"examples run: {count:,} in {elapsed:.0f} s (seed {seed}, scale {scale})")
    print(
        f"  {outcomes['course']:,} checked clean, {outcomes['problems']:,} with "
        f"problems reported as path:line: message"
    )
    print(f"crashes: {len(crashes)}")
    for described, error in crashes[:5]:
        print(f"  {error}\n    input: {described}")
    print("slowest inputs:")
    for seconds, described, _ in timings:
        print(f"  {seconds:.3f} s  {described}")
    if save:
        for n, (_, _, files) in enumerate(timings, 1):
            folder = save / f"slowest-{n}"
            folder.mkdir(parents=True, exist_ok=True)
            for name, data in files.items():
                (folder / name).write_bytes(data)
        print(f"  (saved in {save}/slowest-N)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("examples", nargs="?", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--scale", type=int, default=20_000, help="longest repetition")
    parser.add_argument("--timeout", type=float, default=120)
    parser.add_argument(
        "--memory", type=int, default=2048, help="MiB a hostile input may take"
    )
    parser.add_argument("--no-fuzz", action="store_true")
    parser.add_argument(
        "--save-slowest", type=Path, help="write the slowest folders under this path"
    )
    parser.add_argument("--no-hostile", action="store_true")
    args = parser.parse_args(argv)
    if not args.no_hostile:
        print("== hostile inputs ==")
        run_hostile(args.timeout, args.memory)
    if not args.no_fuzz:
        print("== random course folders ==")
        run_fuzz(args.examples, args.seed, args.scale, args.save_slowest)
    return 0


if __name__ == "__main__":
    sys.exit(main())
