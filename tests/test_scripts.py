"""scripts/lib.sh: `scripts/start` installs only when something it depends on changed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def venv_install(folder: Path, extras: str, **env: str) -> list[str]:
    """Run venv_install in ``folder`` with a stand-in .venv; returns the pip calls made."""
    log = folder / "pip.log"
    log.unlink(missing_ok=True)
    subprocess.run(
        ["/bin/bash", "-c", f'source "{ROOT}/scripts/lib.sh"; venv_install "{extras}"'],
        cwd=folder,
        env={"PATH": "/usr/bin:/bin", "PYTHON": sys.executable, **env},
        check=True,
    )
    return log.read_text().splitlines() if log.exists() else []


def make_project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    fake = tmp_path / ".venv" / "bin" / "python"
    fake.parent.mkdir(parents=True)
    fake.write_text(f'#!/bin/sh\necho "$*" >> "{tmp_path}/pip.log"\n')
    fake.chmod(0o755)
    return tmp_path


def test_a_second_start_installs_nothing(tmp_path):
    project = make_project(tmp_path)
    assert len(venv_install(project, ".")) == 1
    assert venv_install(project, ".") == []


def test_a_changed_pyproject_or_forced_reinstall_installs_again(tmp_path):
    project = make_project(tmp_path)
    venv_install(project, ".")
    (project / "pyproject.toml").write_text('[project]\nname = "x"\nversion = "2"\n')
    assert len(venv_install(project, ".")) == 1
    assert venv_install(project, ".") == []
    assert len(venv_install(project, ".", REVISE_REINSTALL="1")) == 1


def test_the_test_install_serves_a_start_but_not_the_other_way_round(tmp_path):
    project = make_project(tmp_path)
    assert venv_install(project, ".") != []
    assert venv_install(project, ".[dev]") != []
    assert venv_install(project, ".") == []
    assert venv_install(project, ".[dev]") == []
