"""The cache of anonymous pages (issue 11): invalidated whenever an import changes content.

Stub: the import calls :func:`content_changed` after a commit that changed anything.
"""

from __future__ import annotations


def content_changed() -> None:
    """Forget every cached anonymous page (the content they were made from changed)."""
