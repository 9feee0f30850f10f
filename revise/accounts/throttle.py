"""Sign-in throttling with django-axes: whom an attempt counts against, and the pause.

Attempts count against the pair (normalised email address, client address). Behind reverse
proxies the client address is the one the proxies report, read as described in
:func:`client_address`; the pause lasts ``AXES_COOLOFF_TIME`` from the wrong password that
started it (attempts during it are not recorded, so they cannot prolong it).
"""

from __future__ import annotations

import ipaddress
import logging
import math
from datetime import datetime

from axes.helpers import get_client_username, get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from revise.accounts.models import email_normalize

logger = logging.getLogger(__name__)


def username_of(request: HttpRequest, credentials: dict | None) -> str:
    """The normalised email tried, so that typing it in capitals counts the same."""
    raw = (credentials or {}).get("username") or request.POST.get("username", "")
    return email_normalize(str(raw))


def _address(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


def client_address(request: HttpRequest) -> str | None:
    """The address throttling keys on: the peer, or the client as the proxies report it.

    With ``REVISE_PROXY_COUNT`` = 0 (no proxy), the peer of the connection (``REMOTE_ADDR``)
    and nothing the client sends. With N proxies, each appending the address it received
    the request from to ``X-Forwarded-For`` (nginx's ``$proxy_add_x_forwarded_for``,
    Caddy, Traefik and most load balancers do), the N-th entry from the right: the one the
    outermost proxy wrote. Entries left of it are whatever the client sent, so forging
    them changes nothing. A header too short or not an address there means the request
    did not come through the proxies as configured: the peer's address is used instead.
    """
    peer = request.META.get("REMOTE_ADDR") or None
    count = getattr(settings, "REVISE_PROXY_COUNT", 0)
    if count <= 0:
        return peer
    hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    client = _address(hops[-count]) if len(hops) >= count else None
    if client is None:
        logger.warning(
            "X-Forwarded-For has no client address %d from the right "
            "(REVISE_PROXY_COUNT=%d): throttling by the peer address instead",
            count,
            count,
        )
        return peer
    return client


def _pause_ends(request: HttpRequest, credentials: dict | None) -> datetime | None:
    """When the pause on this request's (address, client) pair ends; None if not paused.

    django-axes keeps one row per (address, client, user agent) stamped with its latest
    failure; a row stops counting ``AXES_COOLOFF_TIME`` after its stamp. The pause ends
    when the rows still counting hold fewer failures than the limit.
    """
    cool_off = get_cool_off(request)
    if cool_off is None:
        return None
    now = getattr(request, "axes_attempt_time", None) or timezone.now()
    rows = AccessAttempt.objects.filter(
        username=get_client_username(request, credentials),
        ip_address=request.axes_ip_address,
        attempt_time__gte=now - cool_off,
    ).order_by("attempt_time")
    failures = [(row.attempt_time, row.failures_since_start) for row in rows]
    counting = sum(n for _, n in failures)
    limit = get_failure_limit(request, credentials)
    if counting < limit:
        return None
    for stamp, n in failures:  # oldest first: the order they stop counting in
        counting -= n
        if counting < limit:
            return stamp + cool_off
    return None


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict | None = None,
) -> HttpResponse:
    """The page for a paused sign-in, saying how many minutes are left."""
    cool_off = get_cool_off(request)
    ends = _pause_ends(request, credentials)
    now = getattr(request, "axes_attempt_time", None) or timezone.now()
    left = (ends - now) if ends else cool_off
    minutes = max(1, math.ceil(left.total_seconds() / 60)) if left else None
    return render(
        request,
        "accounts/locked_out.html",
        {"minutes_left": minutes},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )


def last_attempt_warning(request: HttpRequest) -> str | None:
    """A warning if the next wrong password for this pair will pause sign-in."""
    failures = getattr(request, "axes_failures_since_start", None)
    if failures is None or getattr(request, "axes_locked_out", False):
        return None
    if failures != get_failure_limit(request, None) - 1:
        return None
    minutes = round(get_cool_off(request).total_seconds() / 60)
    return f"One more wrong password pauses sign-in for {minutes} minutes."


def failures_clear(*, email: str) -> int:
    """Forget the wrong passwords tried for ``email`` from every address; lifts a pause."""
    return reset(username=email_normalize(email))
