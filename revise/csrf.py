"""The CSRF token a kept page's forms get (revise/shells.py), drawn more cheaply.

Django masks the CSRF secret afresh for every response (so a compressed page cannot
reveal it, BREACH) with a 32-character random mask, and makes a new 32-character secret
for a browser that has none. It draws both with ``get_random_string``: one
``secrets.choice``, and so one read of the OS's random source, per character: 23 µs
for each string, 29 µs for a token, of a signed-in page's 0.5 ms. :func:`get_token`
draws the same characters, uniform over the same 62, from one read of 48 bytes: 6 µs
for a token.

Everything else is Django's: where the secret is kept (``request.META``, from which its
middleware sets or renews the cookie, or the session), the token's form (mask + cipher,
which Django's middleware unmasks), and every other page's tokens.
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


def _random_indexes() -> list[int]:
    """32 characters' indexes, each uniform over the 62, from the OS's random source."""
    drawn: list[int] = []
    while len(drawn) < _SIZE:
        # 48 bytes give 32 kept ones but about once in 10^13 draws.
        drawn += [
            byte % len(_CHARS) for byte in secrets.token_bytes(48) if byte < _LIMIT
        ]
    return drawn[:_SIZE]


def get_token(request: HttpRequest) -> str:
    """What ``django.middleware.csrf.get_token`` returns for ``request``: the request's
    CSRF secret (a new one if it has none yet), masked afresh."""
    secret = request.META.get("CSRF_COOKIE")
    if secret is None:  # as Django's _add_new_csrf_cookie
        secret = "".join(_CHARS[index] for index in _random_indexes())
        request.META["CSRF_COOKIE"] = secret
    elif len(secret) != _SIZE:  # never so after Django's middleware: let it decide
        return csrf.get_token(request)
    # As Django does: a page that uses the secret has the cookie set or renewed.
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True
    mask = _random_indexes()
    count = len(_CHARS)
    cipher = "".join(
        _CHARS[(_INDEX[char] + offset) % count]
        for char, offset in zip(secret, mask, strict=True)
    )
    return "".join(_CHARS[offset] for offset in mask) + cipher
