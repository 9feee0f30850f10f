"""Production settings are safe, and refuse to start without their secrets."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parent.parent


def run_manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """manage.py in a clean process, as an operator would run it (no test-only variables)."""
    base = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "revise.settings", **env},
        capture_output=True,
        text=True,
        check=False,
    )


PRODUCTION = {
    "REVISE_ENV": "production",
    "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
    "DJANGO_ALLOWED_HOSTS": "revise.example.org",
}


def test_deploy_check_is_clean_in_production(tmp_path):
    result = run_manage(
        {**PRODUCTION, "REVISE_VAR_DIR": str(tmp_path)},
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    env = {**PRODUCTION, "DJANGO_SECRET_KEY": "", "REVISE_VAR_DIR": str(tmp_path)}
    result = run_manage(env, "check")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts(tmp_path):
    env = {**PRODUCTION, "DJANGO_ALLOWED_HOSTS": "", "REVISE_VAR_DIR": str(tmp_path)}
    result = run_manage(env, "check")
    assert result.returncode != 0
    assert "DJANGO_ALLOWED_HOSTS" in result.stderr
