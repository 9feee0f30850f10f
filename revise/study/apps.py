from __future__ import annotations

import sqlite3
from typing import Any

from django.apps import AppConfig
from django.core import checks

SQLITE_NEEDED = (3, 35)  # INSERT … RETURNING, which records an answer (queue_sql.py)


def sqlite_version_check(**kwargs: Any) -> list[checks.CheckMessage]:
    """Revise on SQLite needs 3.35 or later (Django itself accepts 3.31)."""
    from django.db import connections

    uses_sqlite = any(
        c.vendor == "sqlite" for c in connections.all(initialized_only=False)
    )
    if uses_sqlite and sqlite3.sqlite_version_info < SQLITE_NEEDED:
        return [
            checks.Error(
                f"SQLite {sqlite3.sqlite_version} is too old: Revise needs "
                f"{'.'.join(map(str, SQLITE_NEEDED))} or later (INSERT … RETURNING).",
                hint="Use a Python built with a newer SQLite, or PostgreSQL "
                "(DATABASE_URL).",
                id="revise.E001",
            )
        ]
    return []


class StudyConfig(AppConfig):
    name = "revise.study"
    verbose_name = "Study"

    def ready(self) -> None:
        checks.register(sqlite_version_check)
