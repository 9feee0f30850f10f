"""The CSRF token a kept page's forms get (revise/shells.py), masked more cheaply.

Django masks the CSRF secret afresh for every response (so a compressed page cannot
reveal it, BREACH) with a 32-character random mask. It draws that mask with
``get_random_string``: one ``secrets.choice``, and so one read of the OS's random source,
per character, about 25 µs of a signed-in page's 1 ms. :func:`get_token` draws the same
mask, uniform over the same 62 characters, from one read of 48 bytes: 4 µs.

Everything else is Django's: the secret, the cookie and its renewal, the token's form
(mask + cipher, which Django's middleware unmasks), and every other page's tokens.
"""

from __future__ import annotations

import secrets

from django.http import HttpRequest
from django.middleware import csrf

_CHARS = csrf.CSRF_ALLOWED_CHARS
_INDEX = {char: index for index, char in enumerate(_CHARS)}
_SIZE = csrf.CSRF_SECRET_LENGTH
# A byte below this, taken modulo 62, is uniform over the characters (4 × 62 = 248);
# a byte at or above it is dropped.
_LIMIT = 256 - 256 % len(_CHARS)


def _mask() -> list[int]:
    """32 characters' indexes, each uniform over the 62, from the OS's random source."""
    mask: list[int] = []
    while len(mask) < _SIZE:
        # 48 bytes give 32 kept ones but about once in 10^13 draws.
        mask += [
            byte % len(_CHARS) for byte in secrets.token_bytes(48) if byte < _LIMIT
        ]
    return mask[:_SIZE]


def get_token(request: HttpRequest) -> str:
    """What ``django.middleware.csrf.get_token`` returns for ``request``: the request's
    CSRF secret, masked afresh. A request without a secret yet gets Django's own, which
    also makes the secret and has the middleware set its cookie."""
    secret = request.META.get("CSRF_COOKIE")
    if secret is None or len(secret) != _SIZE:
        return csrf.get_token(request)
    # As Django does: a page that uses the secret renews its cookie.
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
    mask = _mask()
    count = len(_CHARS)
    cipher = "".join(
        _CHARS[(_INDEX[char] + offset) % count]
        for char, offset in zip(secret, mask, strict=True)
    )
    return "".join(_CHARS[offset] for offset in mask) + cipher
