"""What every page's frame (``base.html``) needs."""

from __future__ import annotations

import functools

from django.http import HttpRequest
from django.urls import get_script_prefix, reverse

# The frame's links: reversed once per process (and script prefix), not on every page.
FRAME_LINKS = {
    "home": "catalog:home",
    "courses": "catalog:courses",
    "search": "catalog:search",
    "dashboard": "progress:dashboard",
    "account": "accounts:account",
    "sign_out": "accounts:sign_out",
    "sign_in": "accounts:sign_in",
    "signup": "accounts:signup",
}


@functools.lru_cache(maxsize=4)
def _links(prefix: str) -> dict[str, str]:
    return {key: reverse(name) for key, name in FRAME_LINKS.items()}


def frame_links(request: HttpRequest | None) -> dict[str, dict[str, str]]:
    return {"links": _links(get_script_prefix())}
