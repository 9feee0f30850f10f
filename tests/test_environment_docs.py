"""Every environment variable Revise or its scripts read is named where a user looks."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON_READ = re.compile(
    r"""(?:environ\.get\(|environ\[|getenv\(|_env_(?:bool|list)\()\s*["']([A-Z][A-Z0-9_]+)["']"""
)
SHELL_READ = re.compile(r"\$\{([A-Z][A-Z0-9_]+)")
# Set by the system or by one tool for another, never by a user of Revise.
NOT_SETTINGS = {"DJANGO_SETTINGS_MODULE", "HOME", "PATH"}


def read_in(pattern: re.Pattern[str], files: list[Path]) -> set[str]:
    names = set()
    for path in files:
        names |= set(pattern.findall(path.read_text(encoding="utf-8")))
    return names - NOT_SETTINGS


def test_every_variable_the_app_reads_is_in_the_readme_and_env_example():
    app_vars = read_in(PYTHON_READ, sorted((ROOT / "revise").rglob("*.py")))
    assert {"REVISE_VAR_DIR", "DATABASE_URL", "REVISE_PROXY_COUNT"} <= app_vars
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = (ROOT / ".env.example").read_text(encoding="utf-8")
    example_names = set(re.findall(r"^([A-Z][A-Z0-9_]+)=", example, re.MULTILINE))
    assert sorted(app_vars - example_names) == []
    assert sorted(n for n in app_vars if f"`{n}`" not in readme) == []
    # and .env.example names nothing the app ignores
    assert sorted(example_names - app_vars) == []


def test_every_variable_the_scripts_read_is_in_the_readme():
    scripts = [p for p in (ROOT / "scripts").iterdir() if p.is_file()]
    script_vars = read_in(SHELL_READ, [*scripts, ROOT / ".ci" / "run"])
    assert {"PYTHON", "REVISE_REINSTALL"} <= script_vars
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert sorted(n for n in script_vars if f"`{n}`" not in readme) == []
