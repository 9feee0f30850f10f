"""The one place that decides what of a chapter a viewer may receive.

The locked part of a chapter lives in its own table (``ChapterLocked``) and is read only
here, through :func:`chapter_locked_part`. Every surface that shows content — chapter pages
now; cards, lessons, exports and search as they come — asks here. The check fails closed:
any error inside it means "the free part only". Nothing about the request other than the
signed-in account counts: not the user agent, the Referer, the query string or the method.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from revise.catalog.models import Chapter, ChapterLocked

logger = logging.getLogger(__name__)


def can_read_locked(viewer: Any) -> bool:
    """True if ``viewer`` may receive locked content: an active, signed-in account."""
    try:
        return bool(
            viewer is not None
            and viewer.is_authenticated is True
            and viewer.is_active is True
            and viewer.pk is not None
        )
    except Exception:  # fail closed, whatever went wrong
        logger.exception("access check failed; serving the free part only")
        return False


def chapter_locked_part(*, chapter: Chapter, viewer: Any) -> ChapterLocked | None:
    """The locked part of ``chapter`` if ``viewer`` may read it, else None."""
    from revise.catalog.models import ChapterLocked

    if not can_read_locked(viewer):
        return None
    return ChapterLocked.objects.filter(chapter=chapter).first()
