"""Signing in with the account's email and password, as Django's ``ModelBackend``.

Every signed-in request reads its account by key. Django's backend builds that statement
with the ORM each time, which took longer than running it; this one writes it out once.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.db import connection

from revise.accounts.models import User

_FIELDS = [field.attname for field in User._meta.concrete_fields]
_READ = (
    f"SELECT {', '.join(_FIELDS)} FROM {User._meta.db_table} "  # noqa: S608 - names only
    "WHERE id = %s"
)

BACKEND = "revise.accounts.backends.AccountBackend"
# The backend that sessions made before this one name (revise/accounts/sessions.py keeps
# them signed in).
FORMER_BACKEND = "django.contrib.auth.backends.ModelBackend"


class AccountBackend(ModelBackend):
    def get_user(self, user_id: Any) -> User | None:
        try:
            key = int(user_id)
        except (TypeError, ValueError):
            return None
        with connection.cursor() as cursor:
            cursor.execute(_READ, [key])
            row = cursor.fetchone()
        if row is None:
            return None
        values = list(row)
        for index, column, converters in _converters(connection.vendor):
            for convert in converters:
                values[index] = convert(values[index], column, connection)
        user = User.from_db(connection.alias, _FIELDS, values)
        return user if self.user_can_authenticate(user) else None


Converter = Callable[[Any, Any, Any], Any]


@functools.cache
def _converters(vendor: str) -> list[tuple[int, Any, list[Converter]]]:
    """What the ORM would do to each column read (on SQLite: text to datetimes, integers
    to booleans), found once per database kind instead of for every statement."""
    found = []
    for index, field in enumerate(User._meta.concrete_fields):
        column = field.get_col(User._meta.db_table)
        converters = connection.ops.get_db_converters(column)
        converters += field.get_db_converters(connection)
        if converters:
            found.append((index, column, converters))
    return found
