"""How django-axes names the account an attempt was for."""

from __future__ import annotations

from django.http import HttpRequest

from revise.accounts.models import email_normalize


def username_of(request: HttpRequest, credentials: dict | None) -> str:
    """The normalised email tried, so that typing it in capitals counts the same."""
    raw = (credentials or {}).get("username") or request.POST.get("username", "")
    return email_normalize(str(raw))
