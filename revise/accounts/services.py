"""Account writes: sign-up by emailed link, and deleting an account with all its data."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from revise.accounts.models import PendingSignup, User, email_normalize

SIGNUP_LINK_MAX_AGE = timedelta(days=3)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def signup_request(
    *,
    email: str,
    password: str,
    next_url: str,
    link_for: Callable[[str], str],
    sign_in_url: str,
) -> None:
    """Start a sign-up. A new address gets a confirmation link; a known one, a reminder.

    Both cases look and take the same from outside: the caller shows one answer.
    ``link_for(token)`` makes the absolute confirmation URL.
    """
    email = email_normalize(email)
    password_hash = make_password(password)  # always hashed: equal timing either way
    now = timezone.now()
    with transaction.atomic():
        PendingSignup.objects.filter(created_at__lt=now - SIGNUP_LINK_MAX_AGE).delete()
        exists = User.objects.filter(email=email).exists()
        if not exists:
            token = secrets.token_urlsafe(32)
            PendingSignup.objects.create(
                email=email,
                password_hash=password_hash,
                token_hash=_token_hash(token),
                next_url=next_url,
                created_at=now,
            )
    if exists:
        template, context = (
            "accounts/email/signup_exists.txt",
            {"sign_in_url": sign_in_url},
        )
    else:
        template, context = (
            "accounts/email/signup_confirm.txt",
            {"link": link_for(token)},
        )
    send_mail(
        subject="Your Revise account",
        message=render_to_string(template, {"email": email, **context}),
        from_email=None,
        recipient_list=[email],
    )


def signup_pending_get(*, token: str) -> PendingSignup | None:
    """The pending sign-up for ``token`` if its link is still valid."""
    cutoff = timezone.now() - SIGNUP_LINK_MAX_AGE
    return PendingSignup.objects.filter(
        token_hash=_token_hash(token), created_at__gte=cutoff
    ).first()


@dataclass(frozen=True)
class SignupResult:
    user: User | None
    next_url: str


def signup_confirm(*, token: str) -> SignupResult | None:
    """Create the account for a valid link; None if the link is invalid or used.

    If the address got an account meanwhile, no one is signed in (``user`` is None).
    """
    with transaction.atomic():
        pending = signup_pending_get(token=token)
        if pending is None:
            return None
        PendingSignup.objects.filter(email=pending.email).delete()
        try:
            with transaction.atomic():
                user = User.objects.create(
                    email=pending.email, password=pending.password_hash
                )
        except IntegrityError:
            return SignupResult(user=None, next_url=pending.next_url)
    return SignupResult(user=user, next_url=pending.next_url)


def account_delete(*, user: User) -> None:
    """Delete the account and everything that belongs to it."""
    with transaction.atomic():
        PendingSignup.objects.filter(email=user.email).delete()
        user.delete()
