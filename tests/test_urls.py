"""The URL patterns: every one is reached by its own paths (revise/urls.py puts the most
visited first, which is safe only while no pattern shadows another)."""

from __future__ import annotations

import re

from django.urls import URLPattern, URLResolver, get_resolver, resolve

SAMPLE = {"slug": "a-slug", "str": "a-token", "int": "7", "path": "a/b", "uuid": ""}


def patterns(resolver: URLResolver, prefix: str = "") -> list[tuple[str, URLPattern]]:
    found = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            found += patterns(entry, prefix + str(entry.pattern))
        else:
            found.append((prefix + str(entry.pattern), entry))
    return found


def test_no_pattern_shadows_another():
    checked = 0
    for route, pattern in patterns(get_resolver()):
        if route.startswith("admin/") or "^" in route:
            continue
        path = "/" + re.sub(
            r"<(?:(\w+):)?\w+>", lambda m: SAMPLE[m.group(1) or "str"], route
        )
        assert resolve(path).func is pattern.callback, (route, path)
        checked += 1
    assert checked > 30
