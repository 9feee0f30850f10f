"""What a process keeps (Memo) and the shared cache helper."""

from __future__ import annotations

import pytest
from django.core.cache import caches

from revise.memo import Memo, kept_per_import, memos_clear, shared_kept


def test_a_memo_keeps_the_latest_entries_and_makes_each_once():
    memo: Memo[str] = Memo(size=2)
    made: list[str] = []

    def make(key: str):
        return lambda: made.append(key) or key.upper()

    assert memo.get("a", make("a")) == "A"
    assert memo.get("b", make("b")) == "B"
    assert memo.get("a", make("a")) == "A"  # kept, and now the latest
    assert memo.get("c", make("c")) == "C"  # "b" goes, the least recently used
    assert memo.get("a", make("a")) == "A" and memo.get("b", make("b")) == "B"
    assert made == ["a", "b", "c", "b"]
    memos_clear()
    memo.get("a", make("a"))
    assert made[-1] == "a"


def test_a_function_kept_per_import_is_forgotten_with_the_memos():
    made: list[int] = []

    @kept_per_import(maxsize=2)
    def double(number: int) -> int:
        made.append(number)
        return 2 * number

    assert [double(1), double(1), double(2)] == [2, 2, 4]
    assert made == [1, 2]
    memos_clear()
    assert double(1) == 2 and made == [1, 2, 1]


@pytest.mark.django_db
def test_shared_kept_keeps_until_the_key_changes_and_never_keeps_none():
    calls: list[int] = []

    def make(value):
        return lambda: calls.append(1) or value

    assert shared_kept("revise:test:1", make([1, 2]), timeout=60) == [1, 2]
    assert shared_kept("revise:test:1", make([9]), timeout=60) == [1, 2]
    assert shared_kept("revise:test:none", make(None), timeout=60) is None
    assert shared_kept("revise:test:none", make(None), timeout=60) is None
    assert len(calls) == 3
    caches["default"].delete("revise:test:1")


def test_a_failing_shared_cache_only_makes_it_slower(monkeypatch, caplog):
    cache = caches["default"]

    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(cache, "get", broken)
    monkeypatch.setattr(cache, "set", broken)
    assert shared_kept("revise:test:down", lambda: "made", timeout=60) == "made"
    assert "read failed" in caplog.text and "write failed" in caplog.text
