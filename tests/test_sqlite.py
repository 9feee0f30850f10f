"""Revise's SQLite backend (revise/sqlite/base.py): Django's, with each statement's
placeholders converted once. The text SQLite gets must be exactly Django's. (Every
SQLite run of the suite goes through this backend; these tests run on either database,
with an SQLite connection of their own.)"""

from __future__ import annotations

import sqlite3

import pytest
from django.db.backends.sqlite3.base import SQLiteCursorWrapper as DjangoCursor
from django.db.utils import ConnectionHandler

from revise.sqlite import base

STATEMENTS = [
    "SELECT 1",
    "SELECT a FROM t WHERE b = %s AND c IN (%s, %s)",
    "SELECT a FROM t WHERE b LIKE '%%x%%' AND c = %s",  # a literal %: Django's path
    "SELECT '%%s', %s",  # a literal %s, then a placeholder
    "SELECT '100%%%s'",  # what Django's look-behind leaves alone
    "SELECT %s" + " AND x = %s" * 200,
]


@pytest.mark.parametrize("query", STATEMENTS)
def test_the_conversion_is_djangos(query):
    raw = sqlite3.connect(":memory:")
    ours = raw.cursor(factory=base.SQLiteCursorWrapper)
    django = raw.cursor(factory=DjangoCursor)
    for _ in range(2):  # converted, then found again
        assert ours.convert_query(query) == django.convert_query(query)
    named = "SELECT %(a)s, %(b)s"
    assert ours.convert_query(named, param_names=["a", "b"]) == (
        django.convert_query(named, param_names=["a", "b"])
    )


@pytest.mark.django_db
def test_a_connection_of_the_backend_runs_statements_through_it():
    connections = ConnectionHandler(
        {"default": {"ENGINE": "revise.sqlite", "NAME": ":memory:"}}
    )
    connection = connections["default"]
    try:
        with connection.cursor() as cursor:
            assert isinstance(cursor.cursor, base.SQLiteCursorWrapper)
            cursor.execute("SELECT %s || '%%', %s", ["50", 2])
            assert cursor.fetchone() == ("50%", 2)
            cursor.execute("SELECT %(a)s || '%%'", {"a": "named"})
            assert cursor.fetchone() == ("named%",)
        assert connection.vendor == "sqlite"
    finally:
        connections.close_all()
