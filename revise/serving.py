"""``revise serve``: the web server and the background task worker, side by side.

One command starts both, so a fresh checkout needs nothing else running: gunicorn serves the
pages, and django-tasks' database worker sends the emails (and, later, does other work that
must not slow a request). The supervisor stops when the web server stops; a task worker that
dies is restarted after a pause, since pages work without it and tasks wait in the database.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence

WORKER_RESTART_PAUSE = 5.0  # seconds before a crashed task worker is started again
STOP_GRACE = 20.0  # seconds each process gets to finish after SIGTERM


THREADS = 2  # per gthread worker; see gunicorn_argv


def default_workers() -> int:
    """Gunicorn workers when ``--workers`` is not given: ``WEB_CONCURRENCY``, else cores + 1."""
    if concurrency := os.environ.get("WEB_CONCURRENCY"):
        return int(concurrency)
    return min((os.cpu_count() or 1) + 1, 9)


def access_log_on() -> bool:
    """Whether gunicorn logs every request to standard output (``REVISE_ACCESS_LOG=1``)."""
    value = os.environ.get("REVISE_ACCESS_LOG", "")
    return value.strip().lower() in {"1", "true", "yes", "on"}


def gunicorn_argv(host: str, port: int, workers: int) -> list[str]:
    """The gunicorn command line for ``revise serve``.

    Chosen with ``bench/http_bench.py`` and its parts on 2 cores (a busy machine, so
    the figures are rough; CPU time per request is the steadiest of them):

    - **gthread, cores + 1 workers of 2 threads** (3 on 2 cores; ``default_workers``).
      The anonymous chapter page at 32 connections: 2,000–2,600 requests/s with
      gthread 3 x 2 against 600–760 with 3 or 5 sync workers, p50 10–13 ms against
      32–52 ms, 0.57 ms of CPU a request against 0.8–1.1 ms; still about 1,900
      requests/s when every request closes its connection (as behind a proxy without
      upstream keep-alive), so it is not keep-alive alone: the sync workers left the
      cores idle between requests (gthread with one thread already served 1,900).
      Rate + next card, one learner: p50 12 ms against 20–24 ms. Five gthread workers
      were no faster than three (the GIL lets a process use one core), and 4 threads a
      worker gave a worse p99 than 2. The price is the tail at 32 connections, where
      every setting is saturated: p99 86–143 ms with gthread against 68 ms with 3 or 5
      sync workers in one run (p50 8–11 against 32–38 ms), since a worker that holds more
      of the kept-alive connections makes them wait; requests/s and p50 weigh more, and
      below saturation the faster server queues less.
    - **No ``--preload``.** With it, each Revise worker's Pss fell from 49 to 45 MB
      but the master's rose from 12 to 31 MB: 254 MB against 259 MB for five sync workers,
      nothing saved. A bare Django halves (68 against 130 MB) because all its memory is
      made at import; Revise's workers make most of theirs after the fork (templates,
      first requests), and reference counting un-shares the rest. Without it, a HUP
      reloads the code and nothing opened at import is shared between workers.
      Workers: 64–66 MB VmRSS (49 MB Pss) each, against 37 (25) for a bare Django.
    - **Access log off** unless ``REVISE_ACCESS_LOG=1``. It costs 60–75 µs of CPU a
      request (bare view: 0.21–0.24 against 0.27–0.31 ms; 25–50% more requests/s
      without it), 5–10% of a cached chapter page; the reverse proxy in front logs
      every request already, and gunicorn's error log stays on.
    """
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "revise.wsgi:application",
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "gthread",
        "--threads",
        str(THREADS),
        *(["--access-logfile", "-"] if access_log_on() else []),
        "--forwarded-allow-ips",
        os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
        # Gunicorn's control socket lives at one fixed path per user ($HOME/.gunicorn or
        # $XDG_RUNTIME_DIR): two instances on one machine would share it, and stopping
        # one deletes the other's. Revise does not use it (`gunicornc`), so it is off.
        "--no-control-socket",
    ]


def worker_argv() -> list[str]:
    """The django-tasks database worker, run through the same settings as the server."""
    return [sys.executable, "-m", "revise.cli", "manage", "db_worker", "--no-reload"]


def supervise(web: Sequence[str], worker: Sequence[str]) -> int:
    """Run ``web`` and ``worker`` until ``web`` exits or a stop signal arrives.

    Returns the web server's exit status. SIGTERM and SIGINT are passed on to both.
    """
    web_proc = subprocess.Popen(web)  # noqa: S603 - our own fixed command line
    worker_proc = subprocess.Popen(worker)  # noqa: S603
    stopping = False

    def stop(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True
        for proc in (web_proc, worker_proc):
            if proc.poll() is None:
                proc.send_signal(signum)

    previous = {
        sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)
    }
    try:
        while web_proc.poll() is None:
            if worker_proc.poll() is not None and not stopping:
                sys.stderr.write(
                    f"revise serve: the task worker exited ({worker_proc.returncode}); "
                    f"restarting it in {WORKER_RESTART_PAUSE:.0f} s\n"
                )
                sys.stderr.flush()
                time.sleep(WORKER_RESTART_PAUSE)
                if not stopping:
                    worker_proc = subprocess.Popen(worker)  # noqa: S603
            time.sleep(0.2)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        for proc in (web_proc, worker_proc):
            _stop(proc)
    return 0 if stopping else web_proc.returncode


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(STOP_GRACE)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
