"""`revise serve` as a user runs it: a real process on a free port, with its own data folder."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from revise.serving import default_workers, gunicorn_argv

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def status_of(url: str) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback
            return response.status
    except OSError:
        return None


def children(pid: int) -> dict[int, str]:
    """Direct child processes of ``pid`` with their command lines (Linux /proc)."""
    found = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            cmdline = Path(f"/proc/{child}/cmdline").read_bytes()
            found[int(child)] = cmdline.replace(b"\0", b" ").decode()
    return found


def worker_pid(pid: int) -> int | None:
    return next((c for c, cmd in children(pid).items() if "db_worker" in cmd), None)


@contextmanager
def serving(home: Path, var: Path) -> Iterator[tuple[subprocess.Popen, str]]:
    port = free_port()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "XDG_RUNTIME_DIR"}
    }
    env.update(HOME=str(home), REVISE_VAR_DIR=str(var))
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "revise.cli",
            "serve",
            "--port",
            str(port),
            "--workers",
            "1",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 90
        while status_of(url) != 200:
            assert proc.poll() is None, "revise serve exited while starting"
            assert time.monotonic() < deadline, "revise serve did not answer in 90 s"
            time.sleep(0.3)
        yield proc, url
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            proc.wait(30)


def wait_for(predicate: Callable[[], object], timeout: float = 15.0) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    return predicate()


def test_two_instances_run_side_by_side_and_stop_cleanly(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    with (
        serving(home, tmp_path / "var-a") as (first, first_url),
        serving(home, tmp_path / "var-b") as (second, second_url),
    ):
        assert worker_pid(first.pid) and worker_pid(second.pid)
        first.send_signal(signal.SIGTERM)
        assert first.wait(30) == 0
        assert status_of(first_url) is None
        # The other instance still answers, and neither left a control socket
        # in the shared home folder for the other to trip over.
        assert status_of(second_url) == 200
        assert not (home / ".gunicorn").exists()
        second.send_signal(signal.SIGTERM)
        assert second.wait(30) == 0


def test_a_task_worker_that_dies_is_started_again(tmp_path):
    with serving(tmp_path, tmp_path / "var") as (proc, url):
        pid = wait_for(lambda: worker_pid(proc.pid))
        assert pid
        os.kill(pid, signal.SIGKILL)
        restarted = wait_for(lambda: (worker_pid(proc.pid) or pid) != pid)
        assert restarted, "the task worker was not restarted"
        assert status_of(url) == 200


def test_import_on_a_fresh_database_migrates_first(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["REVISE_VAR_DIR"] = str(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "revise.cli", "import", str(ROOT / "courses" / "lenin")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "imported course 'lenin'" in result.stdout
    assert "Traceback" not in result.stderr


def test_gunicorn_runs_threaded_workers_without_preload(monkeypatch):
    """Workers are gthread with two threads each; the app is not preloaded."""
    monkeypatch.delenv("REVISE_ACCESS_LOG", raising=False)
    argv = gunicorn_argv("127.0.0.1", 8000, 3)
    assert argv[argv.index("--workers") + 1] == "3"
    assert argv[argv.index("--worker-class") + 1] == "gthread"
    assert argv[argv.index("--threads") + 1] == "2"
    assert "--preload" not in argv


def test_the_access_log_is_off_unless_asked_for(monkeypatch):
    monkeypatch.delenv("REVISE_ACCESS_LOG", raising=False)
    assert "--access-logfile" not in gunicorn_argv("127.0.0.1", 8000, 3)
    monkeypatch.setenv("REVISE_ACCESS_LOG", "0")
    assert "--access-logfile" not in gunicorn_argv("127.0.0.1", 8000, 3)
    monkeypatch.setenv("REVISE_ACCESS_LOG", "1")
    argv = gunicorn_argv("127.0.0.1", 8000, 3)
    assert argv[argv.index("--access-logfile") + 1] == "-"


def test_workers_default_to_cores_plus_one_at_most_nine(monkeypatch):
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    assert default_workers() == 3
    monkeypatch.setattr(os, "cpu_count", lambda: None)
    assert default_workers() == 2
    monkeypatch.setattr(os, "cpu_count", lambda: 64)
    assert default_workers() == 9
    monkeypatch.setenv("WEB_CONCURRENCY", "5")
    assert default_workers() == 5
