"""Revise's own system checks."""

from __future__ import annotations

from django.db import connection

from revise.study import apps


def test_an_sqlite_too_old_for_revise_is_refused_by_the_checks(monkeypatch):
    assert apps.sqlite_version_check() == []  # this machine's
    monkeypatch.setattr(apps.sqlite3, "sqlite_version_info", (3, 31, 1))
    monkeypatch.setattr(apps.sqlite3, "sqlite_version", "3.31.1")
    uses_sqlite = apps.sqlite_version_check()
    if connection.vendor == "sqlite":
        assert [m.id for m in uses_sqlite] == ["revise.E001"]
        assert "3.31.1" in uses_sqlite[0].msg
    else:
        assert uses_sqlite == []


def test_the_command_line_says_what_a_failed_check_found_and_exits_1(
    monkeypatch, capsys
):
    from django.core.management.base import SystemCheckError

    from revise import cli

    def refused(args):
        raise SystemCheckError("(revise.E001) SQLite 3.31.1 is too old")

    monkeypatch.setattr(cli, "cmd_import", refused)
    assert cli.main(["import", "courses/lenin"]) == 1
    err = capsys.readouterr().err
    assert "SQLite 3.31.1 is too old" in err and "Traceback" not in err
