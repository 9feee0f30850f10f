"""Account writes: sign-up by emailed link, password reset, and deleting an account.

Emails go out from the task worker (:mod:`revise.accounts.tasks`), never in a request.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.hashers import make_password
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from revise.accounts import tasks
from revise.accounts.models import PendingSignup, User, email_normalize

SIGNUP_LINK_MAX_AGE = timedelta(days=3)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def signup_request(*, email: str, password: str, next_url: str, origin: str) -> None:
    """Start a sign-up: store it, and queue the email that answers it.

    The same work whatever the address, so that neither the answer nor its timing tells
    whether the address has an account: the password is hashed, a pending sign-up stored
    and one task queued. Its worker (:func:`signup_mail`) decides between a link and a
    reminder. ``origin`` is ``scheme://host`` for the links in the email.
    """
    password_hash = make_password(password)  # slow: outside the transaction
    with transaction.atomic():
        pending = PendingSignup.objects.create(
            email=email_normalize(email),
            password_hash=password_hash,
            # Until the worker mails a link this hash has no known token: nothing opens it.
            token_hash=_token_hash(secrets.token_urlsafe(32)),
            next_url=next_url,
            created_at=timezone.now(),
        )
        tasks.signup_mail_send.enqueue(pending_id=pending.pk, origin=origin)


def signup_mail(*, pending_id: int, origin: str) -> None:
    """Answer a pending sign-up by email: a new address gets a link; a known one, a reminder.

    Runs in the task worker. The link's token is made here and only its hash is stored. If
    the pending sign-up is gone (its address confirmed another link meanwhile, or the
    account was deleted), nothing is sent.
    """
    now = timezone.now()
    with transaction.atomic():
        PendingSignup.objects.filter(created_at__lt=now - SIGNUP_LINK_MAX_AGE).delete()
        pending = (
            PendingSignup.objects.select_for_update().filter(pk=pending_id).first()
        )
        if pending is None:
            return
        email = pending.email
        if User.objects.filter(email=email).exists():
            pending.delete()
            template = "accounts/email/signup_exists.txt"
            context = {
                "sign_in_url": origin
                + path_with_next("accounts:sign_in", pending.next_url)
            }
        else:
            token = secrets.token_urlsafe(32)
            pending.token_hash = _token_hash(token)
            pending.save(update_fields=["token_hash"])
            template = "accounts/email/signup_confirm.txt"
            context = {
                "link": origin + reverse("accounts:signup_confirm", args=[token])
            }
    send_mail(
        subject="Your Revise account",
        message=render_to_string(template, {"email": email, **context}),
        from_email=None,
        recipient_list=[email],
    )


def path_with_next(name: str, next_url: str) -> str:
    """The path of URL ``name``, with ``?next=`` if there is somewhere to return to."""
    url = reverse(name)
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def password_reset_request(*, email: str, domain: str, use_https: bool) -> None:
    """Queue the reset email for ``email``; the same work whether or not it has an account."""
    tasks.password_reset_mail_send.enqueue(
        email=email, domain=domain, use_https=use_https
    )


def password_reset_mail(*, email: str, domain: str, use_https: bool) -> None:
    """Email a reset link to the active account with ``email``, if any (in the worker)."""
    form = PasswordResetForm({"email": email})
    if form.is_valid():
        form.save(
            domain_override=domain,
            use_https=use_https,
            subject_template_name="accounts/email/password_reset_subject.txt",
            email_template_name="accounts/email/password_reset.txt",
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
