"""The one place that decides who may see the locked part of a chapter.

Every surface that shows content (chapter pages, and later cards, lessons, exports, search)
asks here. It fails closed: any error in the check means "free part only".
"""

from __future__ import annotations

import logging

from django.contrib.auth.models import AnonymousUser, User

logger = logging.getLogger(__name__)


def can_read_locked(user: User | AnonymousUser | None) -> bool:
    """True if ``user`` may receive locked content: an active, signed-in account."""
    try:
        return bool(user is not None and user.is_authenticated and user.is_active)
    except Exception:  # fail closed, whatever went wrong
        logger.exception("access check failed; serving the free part only")
        return False
