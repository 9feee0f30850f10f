"""Pages through gunicorn, each measured right after a bare Django "hello" view.

Starts two gunicorn servers on free loopback ports with the same flags (those of
``revise serve``, from ``revise.serving.gunicorn_argv``): Revise on a throw-away
``REVISE_VAR_DIR`` holding the sample course, and the bare project in ``bench/hello/``
(no database, no middleware). Then, for several interleaved rounds, it loads each page with
wrk (``wrk -t2 -c32 -d5s --latency``) right after loading the bare view, so a busy machine
slows both and their ratio holds:

- the anonymous chapter page, the same page signed in, and the course deck signed in
  (each learner sends the cookies a browser has after signing in: the session and the
  CSRF secret, set by the sign-in page; without the second, every page would make a new
  secret and set its cookie, as no browser makes it do);
- the signed-in floor: a view that only reads the request's session and account and
  answers the account's key, through all of Revise's middleware (Revise with
  ``bench/hello/floor.py``'s view added, on a third server): what any signed-in page
  costs before its own work, and so the most a signed-in page's ratio can be;
- the study loop: a Python client rates a card (POST with the CSRF token and the card's
  fields) and gets the next one (following the redirect, if any), p50 and p99.

It prints a table of requests/s, p50, p99, the ratio to the bare view and the workers' CPU
time per request (steadier than requests/s on a busy machine), the workers' memory (VmRSS
and Pss) for both servers, and, last, ``ratios: chapter X.XX, chapter-signed-in X.XX,
deck X.XX, study-p50 N ms``.

To compare with an older checkout, ``--rev`` measures a git revision (in a temporary
worktree) and ``--root`` a checkout folder. The gunicorn flags and worker count come from
this checkout, so only the application differs; ``--own-flags`` takes them from the
measured checkout instead (as it shipped). The bare view always comes from this one:

    .venv/bin/python bench/http_bench.py [--rounds 3] [--duration 5] [--workers N]
        [--rev 983dee6 | --root DIR] [--own-flags] [--gunicorn-arg=--preload ...]
        [--pages chapter,chapter-signed-in,deck,signed-in-floor,study]

Needs wrk (Debian and Ubuntu: ``apt-get install wrk``).
"""

from __future__ import annotations

import argparse
import contextlib
import html
import http.client
import importlib.util
import json
import math
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from revise.serving import default_workers, gunicorn_argv  # noqa: E402

FLOOR_PATH = "/bench/signed-in-floor/"  # bench/hello/floor.py's view

CONNECTIONS = 32
WRK_THREADS = 2
USERS_PER_ROUND = 3  # fresh learners, so the study queue does not run dry
RATING_WEIGHTS = [10, 8, 75, 7]  # Again, Hard, Good, Easy, as bench/review_bench.py

# Made in the measured checkout's own Python: learners with a session each, and the
# first course and chapter. Prints one JSON document.
SETUP = """
import json, string, sys
import django
django.setup()
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from django.utils.crypto import get_random_string
from revise.catalog.models import Chapter

chapter = Chapter.objects.select_related("course").order_by("course_id", "position")[0]
cookies = []
for n in range(int(sys.argv[1])):
    user = get_user_model().objects.create_user(f"bench{n}@example.org", None)
    try:
        from revise.study.models import LearnerSettings
        LearnerSettings.objects.update_or_create(
            learner=user, defaults={"new_cards_per_day": 999}
        )
    except Exception as exc:
        print(f"new cards a day left at the default: {exc}", file=sys.stderr)
    session = SessionStore()
    session[SESSION_KEY] = user._meta.pk.value_to_string(user)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    # What a browser sends after signing in: its session and the CSRF secret that the
    # sign-in form's page set.
    csrf_secret = get_random_string(32, allowed_chars=string.ascii_letters + string.digits)
    cookies.append(
        f"{settings.SESSION_COOKIE_NAME}={session.session_key}; "
        f"{settings.CSRF_COOKIE_NAME}={csrf_secret}"
    )
print(json.dumps({
    "course": chapter.course.slug, "chapter": chapter.slug, "cookies": cookies
}))
"""


# --- figures ----------------------------------------------------------------------------


@dataclass
class Load:
    """One wrk run."""

    rps: float
    p50: float  # seconds
    p99: float
    requests: int
    bad: int  # non-2xx/3xx responses plus socket errors other than closed connections
    cpu: float = 0.0  # seconds of the server's workers' CPU time per request


@dataclass
class Page:
    name: str
    path: str
    cookie: str | None
    floor: bool = False  # served by Revise with bench/hello/floor.py's view added
    runs: list[Load] = field(default_factory=list)
    ratios: list[float] = field(default_factory=list)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def progress(text: str) -> None:
    print(f"  … {text}", file=sys.stderr, flush=True)


UNITS = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}


def duration_of(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(number) * UNITS[unit]


def wrk_parse(output: str) -> Load:
    """Requests/s, p50 and p99 from ``wrk --latency`` output."""
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    latency = dict(re.findall(r"^\s+(50|99)(?:\.0+)?%\s+(\S+)\s*$", output, re.M))
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    bad = 0
    if found := re.search(r"Non-2xx or 3xx responses: (\d+)", output):
        bad += int(found.group(1))
    if found := re.search(
        r"Socket errors: connect (\d+), read \d+, write (\d+), timeout (\d+)", output
    ):
        # Read errors are gunicorn's sync workers closing the connection after each
        # response, which wrk counts; connect, write and timeout errors are real.
        bad += sum(int(n) for n in found.groups())
    return Load(
        rps, duration_of(latency["50"]), duration_of(latency["99"]), requests, bad
    )


def wrk(port: int, path: str, cookie: str | None, duration: float, master: int) -> Load:
    """One wrk run against ``port``, with the CPU time the workers of ``master`` spent."""
    argv = ["wrk", f"-t{WRK_THREADS}", f"-c{CONNECTIONS}", f"-d{duration:g}s"]
    argv += ["--latency", "--timeout", "10s"]
    if cookie:
        argv += ["-H", f"Cookie: {cookie}"]
    argv.append(f"http://127.0.0.1:{port}{path}")
    cpu = workers_cpu(master)
    result = subprocess.run(argv, capture_output=True, text=True, check=True)  # noqa: S603
    cpu = workers_cpu(master) - cpu
    try:
        load = wrk_parse(result.stdout)
    except (AttributeError, KeyError) as exc:
        raise RuntimeError(f"unreadable wrk output:\n{result.stdout}") from exc
    load.cpu = cpu / max(load.requests, 1)
    return load


# --- servers ----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(port: int, path: str, cookie: str | None = None) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    with contextlib.closing(connection):
        connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = connection.getresponse()
        return response.status, response.read().decode(errors="replace")


@contextlib.contextmanager
def gunicorn(
    argv: list[str], env: dict[str, str], cwd: Path, log: Path, port: int
) -> Iterator[subprocess.Popen]:
    """A gunicorn master in its own process group, answering on ``port``; stopped on exit."""
    with log.open("w") as out:
        process = subprocess.Popen(  # noqa: S603 - our own command, no shell
            argv,
            cwd=cwd,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{log.read_text()[-3000:]}")
            with contextlib.suppress(OSError):
                if get(port, "/")[0] < 500:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn did not answer within 120 s; see {log}")
            time.sleep(0.2)
        yield process
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def workers(master: int) -> list[int]:
    """The child processes of ``master`` (Linux /proc)."""
    return [
        int(child)
        for task in Path(f"/proc/{master}/task").iterdir()
        for child in (task / "children").read_text().split()
    ]


def memory_kb(pid: int) -> tuple[int, int]:
    """VmRSS and Pss of ``pid`` in kB.

    VmRSS counts pages shared with the master and the other workers in full (what
    ``--preload`` shares); Pss divides each shared page among the processes sharing it,
    so the workers' Pss add up to what they really take.
    """
    status = Path(f"/proc/{pid}/status").read_text()
    rss = int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1))
    rollup = Path(f"/proc/{pid}/smaps_rollup")
    found = re.search(r"^Pss:\s+(\d+) kB", rollup.read_text(), re.M)
    return rss, int(found.group(1)) if found else rss


def workers_cpu(master: int) -> float:
    """Seconds of CPU time (user and system) the workers of ``master`` have used."""
    ticks = 0
    for pid in workers(master):
        with contextlib.suppress(FileNotFoundError):  # a worker that just exited
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def memory_line(name: str, master: int) -> str:
    """The workers' and the master's memory, in MB."""
    sizes = [memory_kb(pid) for pid in workers(master)]
    rss = ", ".join(f"{kb / 1024:.0f}" for kb, _ in sorted(sizes))
    pss = sum(kb for _, kb in sizes) / 1024
    master_rss, master_pss = memory_kb(master)
    return (
        f"  {name:<7} workers VmRSS {rss} MB, Pss {pss / len(sizes):.0f} MB each "
        f"({pss:.0f} MB in all); master VmRSS {master_rss / 1024:.0f} MB, "
        f"Pss {master_pss / 1024:.0f} MB"
    )


# --- the study loop ---------------------------------------------------------------------

RATINGS_FORM = re.compile(r"<form\b[^>]*\bclass=\"ratings\"[^>]*>(.*?)</form>", re.S)
INPUT = re.compile(r"<input\b[^>]*>")
ATTRIBUTE = re.compile(r'\b(name|value|type)="([^"]*)"')


def answer_fields(page: str) -> dict[str, str] | None:
    """The hidden fields of the study page's rating form; None when nothing is due."""
    form = RATINGS_FORM.search(page)
    if form is None:
        return None
    fields = {}
    for tag in INPUT.findall(form.group(1)):
        attributes = dict(ATTRIBUTE.findall(tag))
        if attributes.get("type") == "hidden" and "name" in attributes:
            fields[attributes["name"]] = html.unescape(attributes.get("value", ""))
    return fields


class Browser:
    """One learner's cookies over a persistent HTTP connection to 127.0.0.1."""

    def __init__(self, port: int, cookie: str) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies = {
            name: morsel.value for name, morsel in SimpleCookie(cookie).items()
        }

    def request(
        self, method: str, path: str, form: dict[str, str] | None = None
    ) -> tuple[int, str | None, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.connection.request(method, path, body=body, headers=headers)
        response = self.connection.getresponse()
        text = response.read().decode(errors="replace")
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        if response.will_close:
            self.connection.close()  # reopened by the next request
        return response.status, response.headers.get("Location"), text

    def answer(self, path: str, fields: dict[str, str], rating: int) -> str:
        """Rate the card shown and return the next study page (after a redirect, if any)."""
        status, location, text = self.request(
            "POST", path, {**fields, "rating": str(rating)}
        )
        if status in (301, 302, 303):
            target = urlsplit(location)
            path = target.path + (f"?{target.query}" if target.query else "")
            status, _, text = self.request("GET", path)
        assert status == 200, f"answer on {path}: {status}"
        return text


def study_loop(port: int, path: str, cookies: list[str], samples: int) -> list[float]:
    """Round trips of rating a card and receiving the next, over fresh learners."""
    rng = random.Random(11)
    times: list[float] = []
    for cookie in cookies:
        browser = Browser(port, cookie)
        status, _, page = browser.request("GET", path)
        assert status == 200, f"GET {path}: {status}"
        fields = answer_fields(page)
        while fields is not None and len(times) < samples:
            rating = rng.choices([1, 2, 3, 4], RATING_WEIGHTS)[0]
            start = time.perf_counter()
            page = browser.answer(path, fields, rating)
            times.append(time.perf_counter() - start)
            fields = answer_fields(page)
        if len(times) >= samples:
            break
    return times


# --- the run ----------------------------------------------------------------------------


def command(argv: list[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    """Run one of this script's own commands; its output, or exit with its errors."""
    result = subprocess.run(  # noqa: S603 - fixed commands, no shell
        argv, cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode:
        sys.exit(f"http_bench: {' '.join(argv[:4])} … failed:\n{result.stderr[-3000:]}")
    return result.stdout


@contextlib.contextmanager
def checkout(args: argparse.Namespace, work: Path) -> Iterator[Path]:
    """The folder whose application is measured: --root, a worktree of --rev, or this one."""
    if args.root:
        yield Path(args.root).resolve()
        return
    if not args.rev:
        yield ROOT
        return
    git = shutil.which("git") or "git"
    folder = work / "src"
    command(
        [git, "worktree", "add", "--detach", "--quiet", str(folder), args.rev], ROOT
    )
    try:
        yield folder
    finally:
        command([git, "worktree", "remove", "--force", str(folder)], ROOT)


def app_env(root: Path, var: Path) -> dict[str, str]:
    """The environment of the measured checkout: its own code, a fresh data folder, SQLite."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "REVISE_ENV"}
    }
    paths = [str(root), *filter(None, [env.get("PYTHONPATH")])]
    env.update(REVISE_VAR_DIR=str(var), PYTHONPATH=os.pathsep.join(paths))
    return env


def prepare(root: Path, env: dict[str, str], users: int) -> dict:
    """Import the sample course(s), collect static files, make learners with sessions."""
    courses = sorted(str(p.parent) for p in (root / "courses").glob("*/course.yaml"))
    names = ", ".join(Path(c).name for c in courses)
    progress(f"importing {names} into a fresh database")
    revise = [sys.executable, "-m", "revise.cli"]
    command([*revise, "import", *courses], root, env)
    command([*revise, "manage", "collectstatic", "--noinput", "-v0"], root, env)
    env = {**env, "DJANGO_SETTINGS_MODULE": "revise.settings"}
    return json.loads(command([sys.executable, "-c", SETUP, str(users)], root, env))


def check_pages(bare: int, app: int, floor: int | None, pages: list[Page]) -> None:
    """Every page answers 200, and the signed-in ones are really signed in."""
    status, text = get(bare, "/")
    assert status == 200 and text == "hello", f"bare view: {status} {text[:80]!r}"
    for page in pages:
        for _ in range(3):  # every worker past its first request, more or less
            status, text = get(floor if page.floor else app, page.path, page.cookie)
        assert status == 200, f"{page.name} {page.path}: {status}"
        # The floor view answers the account's key ("None" for a visitor).
        signed_in = text.isdigit() if page.floor else "Sign out" in text
        assert signed_in == bool(page.cookie), f"{page.name}: signed in {signed_in}"


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--duration", type=float, default=5.0, help="seconds per wrk run"
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=0,
        help="gunicorn workers (default: as revise serve)",
    )
    parser.add_argument(
        "--study-samples", type=int, default=100, help="rate + next card, per round"
    )
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--rev", help="measure this git revision (a temporary worktree)")
    which.add_argument("--root", help="measure the checkout in this folder")
    parser.add_argument(
        "--gunicorn-arg",
        action="append",
        default=[],
        metavar="FLAG",
        help="an extra gunicorn flag for both servers, e.g. --gunicorn-arg=--preload",
    )
    parser.add_argument(
        "--own-flags",
        action="store_true",
        help="with --rev or --root: the gunicorn flags and worker count of that checkout "
        "(as it shipped) for both servers, instead of this checkout's",
    )
    parser.add_argument(
        "--keep", action="store_true", help="keep the work folder and logs"
    )
    parser.add_argument(
        "--pages",
        default="chapter,chapter-signed-in,deck,signed-in-floor,study",
        help="which to measure, comma-separated (default: all five)",
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit(
            "http_bench: wrk is not installed; install it first "
            "(Debian and Ubuntu: apt-get install wrk)"
        )
    work = Path(tempfile.mkdtemp(prefix="revise-http-bench-"))
    try:
        with checkout(args, work) as root:
            argv, workers = flags_of(root) if args.own_flags else (gunicorn_argv, None)
            return run(
                args, root, work, argv, args.workers or (workers or default_workers)()
            )
    finally:
        if args.keep:
            print(f"work folder kept: {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)


def flags_of(root: Path) -> tuple[Callable[..., list[str]], Callable[[], int]]:
    """``gunicorn_argv`` and the default worker count of the checkout in ``root``."""
    spec = importlib.util.spec_from_file_location(
        "measured_serving", root / "revise" / "serving.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # standard library only, in every version so far
    # Before serving.default_workers, revise/cli.py chose 2 x cores + 1, at most 9.
    default = getattr(
        module, "default_workers", lambda: min(2 * (os.cpu_count() or 1) + 1, 9)
    )
    return module.gunicorn_argv, default


def run(
    args: argparse.Namespace,
    root: Path,
    work: Path,
    gunicorn_argv: Callable[..., list[str]],
    workers: int,
) -> int:
    env = app_env(root, work / "var")
    made = prepare(root, env, USERS_PER_ROUND * args.rounds + 1)
    cookies = made["cookies"]
    chapter = f"/courses/{made['course']}/{made['chapter']}/"
    pages = [
        Page("chapter", chapter, None),
        Page("chapter-signed-in", chapter, cookies[0]),
        Page("deck", f"/decks/{made['course']}/", cookies[0]),
        Page("signed-in-floor", FLOOR_PATH, cookies[0], floor=True),
    ]
    chosen = set(args.pages.split(","))
    pages = [page for page in pages if page.name in chosen]
    study_path = f"/study/{made['course']}/"

    app_port, bare_port, floor_port = free_port(), free_port(), free_port()
    app_argv = gunicorn_argv("127.0.0.1", app_port, workers) + args.gunicorn_arg
    bare_argv = gunicorn_argv("127.0.0.1", bare_port, workers) + args.gunicorn_arg
    bare_argv[bare_argv.index("revise.wsgi:application")] = "hello.wsgi:application"
    bare_env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "PYTHONPATH"}
    }
    bare_env["PYTHONPATH"] = str(ROOT / "bench")
    # The signed-in floor: the measured Revise, with one view more (bench/hello/floor.py).
    floor_argv = gunicorn_argv("127.0.0.1", floor_port, workers) + args.gunicorn_arg
    floor_argv[floor_argv.index("revise.wsgi:application")] = "hello.floor:application"
    floor_env = {**env, "PYTHONPATH": os.pathsep.join([str(root), str(ROOT / "bench")])}
    floor_server = (
        gunicorn(floor_argv, floor_env, root, work / "floor.log", floor_port)
        if any(page.floor for page in pages)
        else contextlib.nullcontext(None)
    )
    flags = " ".join(app_argv[3:]).replace(str(app_port), "PORT")
    print(f"\nmeasuring {root} · gunicorn {flags}")
    print(
        f"wrk -t{WRK_THREADS} -c{CONNECTIONS} -d{args.duration:g}s --latency · "
        f"{args.rounds} rounds · {os.cpu_count()} cores"
    )

    bare = Page("bare", "/", None)
    study: list[float] = []
    with (
        gunicorn(app_argv, env, root, work / "revise.log", app_port) as app_master,
        gunicorn(
            bare_argv, bare_env, ROOT, work / "hello.log", bare_port
        ) as bare_master,
        floor_server as floor_master,
    ):
        check_pages(bare_port, app_port, floor_port, pages)
        for n in range(args.rounds):
            progress(f"round {n + 1} of {args.rounds}")
            for page in pages:
                before = wrk(bare_port, "/", None, args.duration, bare_master.pid)
                bare.runs.append(before)
                port, master = (
                    (floor_port, floor_master) if page.floor else (app_port, app_master)
                )
                load = wrk(port, page.path, page.cookie, args.duration, master.pid)
                page.runs.append(load)
                page.ratios.append(load.rps / before.rps)
            learners = cookies[1 + n * USERS_PER_ROUND : 1 + (n + 1) * USERS_PER_ROUND]
            if "study" in chosen:
                study += study_loop(app_port, study_path, learners, args.study_samples)
        memory = [
            memory_line("revise", app_master.pid),
            memory_line("bare", bare_master.pid),
        ]

    print(
        f"\n  {'page':<18} {'requests/s':>10} {'p50':>9} {'p99':>9} {'ratio':>6}"
        f" {'CPU/request':>12}"
    )
    for page in [bare, *pages]:
        rps = statistics.median(r.rps for r in page.runs)
        p50 = statistics.median(r.p50 for r in page.runs) * 1000
        top = statistics.median(r.p99 for r in page.runs) * 1000
        ratio = statistics.median(page.ratios) if page.ratios else 1.0
        bad = sum(r.bad for r in page.runs)
        note = (
            f"  ({bad} failed of {sum(r.requests for r in page.runs)})" if bad else ""
        )
        cpu = statistics.median(r.cpu for r in page.runs) * 1000
        print(
            f"  {page.name:<18} {rps:>10,.0f} {p50:>6.1f} ms {top:>6.1f} ms"
            f" {ratio:>6.2f} {cpu:>9.2f} ms{note}"
        )
    if study:
        print(
            f"  {'study: rate + next':<18} {'':>10} {statistics.median(study) * 1000:>6.1f} ms "
            f"{percentile(study, 0.99) * 1000:>6.1f} ms {'':>6}  (n = {len(study)}, one client)"
        )
    print("\n  memory after the runs:")
    print(*memory, sep="\n")
    ratio = {page.name: f"{statistics.median(page.ratios):.2f}" for page in pages}
    study_p50 = f"{statistics.median(study) * 1000:.0f} ms" if study else "-"
    print(
        f"\nratios: chapter {ratio.get('chapter', '-')}, "
        f"chapter-signed-in {ratio.get('chapter-signed-in', '-')}, "
        f"deck {ratio.get('deck', '-')}, study-p50 {study_p50}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
