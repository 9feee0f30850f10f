"""Does the answer time of password reset and sign-up tell whether an address has an account?

Starts a small SMTP server on loopback that takes ``--delay`` seconds (default 0.3) to
accept each message, as a real mail server across a network can, points Revise at it, and
times POSTs through Django's full request handler (``django.test.Client``: middleware,
views, templates; no CSRF check) for an address with an account and for addresses
without one, alternating. Prints the median, minimum and maximum answer time of each, and
how many messages the SMTP server received during the requests. Then runs the task worker
once over the queue (``db_worker --batch``), if anything was queued, and says how many
messages went out and how long that took.

Runs on a throw-away SQLite database in a temporary ``REVISE_VAR_DIR``, with Django's
default (slow, real) password hasher.

    .venv/bin/python bench/reset_timing.py [--rounds 15] [--delay 0.3]
"""

from __future__ import annotations

import argparse
import os
import socketserver
import statistics
import sys
import tempfile
import threading
import time
import warnings
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KNOWN = "known@example.com"
PASSWORD = "plum tartan kettle 42"  # noqa: S105 (a throw-away account)


class SlowSMTPHandler(socketserver.StreamRequestHandler):
    """Just enough SMTP for Django's backend: no TLS, no auth, slow to accept a message."""

    delay = 0.3
    received: list[bytes] = []  # the server's mailbox, shared by its threads
    lock = threading.Lock()

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")
        self.wfile.flush()

    def handle(self) -> None:
        self.reply("220 slow.example ESMTP")
        while line := self.rfile.readline():
            verb = line.split(b" ", 1)[0].strip().upper()
            if verb in (b"EHLO", b"HELO"):
                self.reply("250 slow.example")
            elif verb == b"DATA":
                self.reply("354 end with <CRLF>.<CRLF>")
                body = bytearray()
                while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                    body += chunk
                time.sleep(self.delay)
                with self.lock:
                    self.received.append(bytes(body))
                self.reply("250 queued")
            elif verb == b"QUIT":
                self.reply("221 bye")
                return
            else:  # MAIL, RCPT, RSET, NOOP
                self.reply("250 ok")


def smtp_server(delay: float) -> socketserver.ThreadingTCPServer:
    SlowSMTPHandler.delay = delay
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), SlowSMTPHandler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def setup_django(var_dir: str, smtp_port: int) -> None:
    sys.path.insert(0, str(ROOT))
    for name in ("DATABASE_URL", "DJANGO_EMAIL_BACKEND", "REVISE_ENV"):
        os.environ.pop(name, None)
    os.environ.update(
        DJANGO_SETTINGS_MODULE="revise.settings",
        REVISE_VAR_DIR=var_dir,
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(smtp_port),
        EMAIL_USE_TLS="0",
    )
    import django

    warnings.filterwarnings("ignore", "No directory at")  # no collected static files
    django.setup()


def timed(post: Callable[[str], int], email: str, times: list[float]) -> None:
    started = time.perf_counter()
    status = post(email)
    times.append(time.perf_counter() - started)
    assert status == 302, f"expected a redirect, got {status}"


def summary(times: list[float]) -> str:
    ms = [t * 1000 for t in times]
    return (
        f"median {statistics.median(ms):7.1f} ms   "
        f"min {min(ms):7.1f}   max {max(ms):7.1f}   (n={len(ms)})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--delay", type=float, default=0.3)
    args = parser.parse_args()

    server = smtp_server(args.delay)
    var_dir = tempfile.mkdtemp(prefix="revise-reset-timing-")
    setup_django(var_dir, server.server_address[1])

    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client

    import revise
    from revise.accounts.models import User

    call_command("migrate", verbosity=0)
    User.objects.create_user(KNOWN, PASSWORD)
    print(f"revise from {Path(revise.__file__).parent}")
    print(
        f"SMTP on 127.0.0.1:{server.server_address[1]}, {args.delay * 1000:.0f} ms to "
        f"accept a message; {settings.EMAIL_BACKEND}; "
        f"hasher {settings.PASSWORD_HASHERS[0].rsplit('.', 1)[-1]}"
    )

    def reset(email: str) -> int:
        response = Client().post("/accounts/password/reset/", {"email": email})
        return response.status_code

    def signup(email: str) -> int:
        data = {"email": email, "password": PASSWORD, "next": ""}
        return Client().post("/accounts/sign-up/", data).status_code

    for name, post in (("password reset", reset), ("sign-up", signup)):
        known: list[float] = []
        unknown: list[float] = []
        for n in range(2):  # warm-up: templates, URL resolver, connections
            post(KNOWN)
            post(f"warm{n}.{name[0]}@example.com")
        before = len(SlowSMTPHandler.received)
        for n in range(args.rounds):
            timed(post, KNOWN, known)
            timed(post, f"nobody{n}.{name[0]}@example.com", unknown)
        sent = len(SlowSMTPHandler.received) - before
        print(f"\n{name}, POST answer time:")
        print(f"  address with an account     {summary(known)}")
        print(f"  address without an account  {summary(unknown)}")
        print(f"  messages received by SMTP during these requests: {sent}")

    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:
        return
    queued = DBTaskResult.objects.count()
    print(f"\ntasks queued by the requests: {queued}")
    if queued:
        before = len(SlowSMTPHandler.received)
        started = time.perf_counter()
        call_command(
            "db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0
        )
        took = time.perf_counter() - started
        failed = DBTaskResult.objects.failed().count()
        sent = len(SlowSMTPHandler.received) - before
        print(
            f"worker: {sent} messages sent in {took:.1f} s, {failed} tasks failed "
            f"(of {queued})"
        )


if __name__ == "__main__":
    main()
