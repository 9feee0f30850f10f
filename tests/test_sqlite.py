"""Revise's SQLite backend (revise/sqlite/base.py): Django's, with each statement's
placeholders converted once. The text SQLite gets must be exactly Django's."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.backends.sqlite3.base import SQLiteCursorWrapper as DjangoCursor

from revise.accounts.models import User
from revise.sqlite import base

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the SQLite backend's own behaviour"
)

STATEMENTS = [
    "SELECT 1",
    "SELECT a FROM t WHERE b = %s AND c IN (%s, %s)",
    "SELECT a FROM t WHERE b LIKE '%%x%%' AND c = %s",  # a literal %: Django's path
    "SELECT '%%s', %s",  # a literal %s, then a placeholder
    "SELECT '100%%%s'",  # what Django's look-behind leaves alone
    "SELECT %s" + " AND x = %s" * 200,
]


@pytest.mark.django_db
@pytest.mark.parametrize("query", STATEMENTS)
def test_the_conversion_is_djangos(query):
    connection.ensure_connection()
    ours = connection.connection.cursor(factory=base.SQLiteCursorWrapper)
    django = connection.connection.cursor(factory=DjangoCursor)
    for _ in range(2):  # converted, then found again
        assert ours.convert_query(query) == django.convert_query(query)
    named = "SELECT %(a)s, %(b)s"
    assert ours.convert_query(named, param_names=["a", "b"]) == (
        django.convert_query(named, param_names=["a", "b"])
    )


@pytest.mark.django_db
def test_the_connection_uses_it_and_statements_run():
    with connection.cursor() as cursor:
        assert isinstance(cursor.cursor, base.SQLiteCursorWrapper)
        cursor.execute("SELECT %s || '%%', %s", ["50", 2])
        assert cursor.fetchone() == ("50%", 2)
    User.objects.create_user("sqlite@example.com", "a long enough password")
    assert User.objects.filter(email__contains="%s").count() == 0
    assert User.objects.filter(email__startswith="sqlite").count() == 1
