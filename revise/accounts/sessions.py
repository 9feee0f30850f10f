"""Sessions in the database, as Django keeps them, read with one written-out statement.

Every signed-in request reads its session. Django's own store builds that statement with
the ORM each time, which took longer than running it; this store writes it out once and
keeps everything else (saving, expiry, ``clearsessions``) as Django's.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.models import Session
from django.db import connection
from django.utils import timezone

from revise.accounts.backends import BACKEND, FORMER_BACKEND

_READ = (
    f"SELECT session_data FROM {Session._meta.db_table} "  # noqa: S608 - a name only
    "WHERE session_key = %s AND expire_date > %s"
)


class SessionStore(DatabaseSessionStore):
    def _get_session_from_db(self) -> Any:
        key = self.session_key
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(_READ, [key, now])
            row = cursor.fetchone()
        if row is None:
            self._session_key = None
            return None
        return Session(session_key=key, session_data=row[0])

    def load(self) -> dict[str, Any]:
        data = super().load()
        # Sessions from before revise.accounts.backends name Django's own backend.
        if data.get(BACKEND_SESSION_KEY) == FORMER_BACKEND:
            data[BACKEND_SESSION_KEY] = BACKEND
        return data
