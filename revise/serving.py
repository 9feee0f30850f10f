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


def default_workers() -> int:
    """Gunicorn workers when ``--workers`` is not given: ``WEB_CONCURRENCY``, else by cores."""
    if concurrency := os.environ.get("WEB_CONCURRENCY"):
        return int(concurrency)
    return min(2 * (os.cpu_count() or 1) + 1, 9)


def gunicorn_argv(host: str, port: int, workers: int) -> list[str]:
    """The gunicorn command line for ``revise serve``."""
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "revise.wsgi:application",
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(workers),
        "--access-logfile",
        "-",
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
