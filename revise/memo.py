"""What a process keeps of things that change only on import, and the shared cache.

A chapter's page, its neighbours and its lesson depend only on the content as imported.
Each is kept per process in a :class:`Memo`, keyed by what every import that changes it
moves on (a chapter's fingerprint, its course's import time), so a stale entry is never
asked for again and simply ages out. Nothing here is shared between processes: a value
may hold a chapter's locked part, and the key of such a value says so (callers put the
viewer's access, as ``revise/accounts/access.py`` decides it, into the key).
"""

from __future__ import annotations

import functools
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

V = TypeVar("V")
F = TypeVar("F", bound=Callable[..., Any])

logger = logging.getLogger(__name__)

_memos: list[Memo] = []
_kept_functions: list[Any] = []


class Memo(Generic[V]):
    """A thread-safe least-recently-used map of at most ``size`` entries."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = threading.Lock()
        _memos.append(self)

    def get(self, key: Hashable, make: Callable[[], V]) -> V:
        """The value kept for ``key``, made (outside the lock) if there is none."""
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
        value = make()
        with self._lock:
            self._entries[key] = value
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def kept_per_import(maxsize: int) -> Callable[[F], F]:
    """``functools.lru_cache`` for a function whose arguments say which import it reads
    (a course's import time, say), so that what it kept is never stale; forgotten by
    :func:`memos_clear` with the memos."""

    def keep(function: F) -> F:
        kept = functools.lru_cache(maxsize=maxsize)(function)
        _kept_functions.append(kept)
        return kept  # type: ignore[return-value]

    return keep


def memos_clear() -> None:
    """Forget everything kept per process: every memo's entries and every
    :func:`kept_per_import` function's (tests: each test's database is new, and keys
    repeat)."""
    for memo in _memos:
        memo.clear()
    for function in _kept_functions:
        function.cache_clear()


def shared_kept(key: str, make: Callable[[], V], *, timeout: int) -> V:
    """``make()``, kept for ``timeout`` seconds in the cache every process shares (the
    database, or Redis): for what is the same whichever server asks, and holds nothing
    locked. None is not kept. A cache that fails only makes the page slower."""
    from django.core.cache import caches

    cache = caches["default"]
    try:
        found = cache.get(key)
    except Exception:
        logger.exception("shared cache: read failed (%s)", key.split(":")[1])
        found = None
    if found is not None:
        return found
    made = make()
    if made is not None:
        try:
            cache.set(key, made, timeout=timeout)
        except Exception:
            logger.exception("shared cache: write failed (%s)", key.split(":")[1])
    return made
