"""Sessions in the database, as Django keeps them, read with one written-out statement.

Every signed-in request reads its session. Django's own store builds that statement with
the ORM each time, which took longer than running it; this store writes it out once and
keeps everything else (saving, expiry, ``clearsessions``) as Django's.

It also keeps, per process, the data of the last sessions whose signature it checked
(:func:`_verified`, keyed by the stored text and the keys that may sign it): a learner's
session is the same text request after request, and checking its signature (HMAC, then
base64 and zlib) took 8 of the 10 µs of decoding it. The row is still read every time,
so a session signed out or expired elsewhere ends at once.
"""

from __future__ import annotations

import functools
from typing import Any

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.models import Session
from django.core import signing
from django.db import connection
from django.utils import timezone

from revise.accounts.backends import BACKEND, FORMER_BACKEND

_READ = (
    f"SELECT session_data FROM {Session._meta.db_table} "  # noqa: S608 - a name only
    "WHERE session_key = %s AND expire_date > %s"
)


class _Verbatim:
    """A "serializer" that leaves the data as it was signed: :func:`_verified` keeps
    the bytes, and each request's session gets its own objects from them."""

    def loads(self, data: bytes) -> bytes:
        return data


@functools.lru_cache(maxsize=1024)
def _verified(text: str, salt: str, key: str, fallbacks: tuple[str, ...]) -> bytes:
    """The serialized data of a session's stored ``text``, its signature checked with
    ``key`` or a fallback. Raises if the check fails (and nothing is kept)."""
    return signing.loads(
        text, key=key, salt=salt, serializer=_Verbatim, fallback_keys=list(fallbacks)
    )


class SessionStore(DatabaseSessionStore):
    def decode(self, session_data: str) -> dict[str, Any]:
        try:
            data = _verified(
                session_data,
                self.key_salt,
                settings.SECRET_KEY,
                tuple(settings.SECRET_KEY_FALLBACKS),
            )
            return self.serializer().loads(data)
        except Exception:  # noqa: BLE001 - Django's decode logs it and gives {}
            return super().decode(session_data)

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
