"""Signing in with the account's email and password, as Django's ``ModelBackend``.

Every signed-in request reads its account by key. Django's backend builds that statement
with the ORM each time, which took longer than running it; this one writes it out once.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

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
        user = next(iter(User.objects.raw(_READ, [key])), None)
        if user is None:
            return None
        return user if self.user_can_authenticate(user) else None
