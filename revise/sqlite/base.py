"""Django's SQLite backend, with each statement's placeholders converted once.

Django writes SQL with ``%s`` placeholders and, on SQLite, turns them into ``?`` with a
regular expression (``(?<!%)%s``, then ``%%`` into ``%``) on every statement it runs.
The look-behind makes the scan slow: 27 µs for the deck page's counts (3,000
characters), almost half the time SQLite takes to run them. A page runs the same few
statements again and again, so :func:`_qmark` keeps the converted text of the last 256
it saw: the same conversion, found again for the cost of hashing the text (about 1 µs).

Everything else is Django's backend (``ENGINE: revise.sqlite``, which the settings put
wherever Django's SQLite backend would be used).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

from django.db.backends.sqlite3 import base


@functools.lru_cache(maxsize=256)
def _qmark(query: str) -> str:
    """Django's "format" to "qmark" conversion of ``query``."""
    return base.FORMAT_QMARK_REGEX.sub("?", query).replace("%%", "%")


class SQLiteCursorWrapper(base.SQLiteCursorWrapper):
    def convert_query(
        self, query: str, *, param_names: Sequence[str] | None = None
    ) -> str:
        if param_names is None:
            return _qmark(query)
        return super().convert_query(query, param_names=param_names)


class DatabaseWrapper(base.DatabaseWrapper):
    def create_cursor(self, name: Any = None) -> SQLiteCursorWrapper:
        return self.connection.cursor(factory=SQLiteCursorWrapper)
