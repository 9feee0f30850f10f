"""Sessions and accounts read with written-out statements behave as Django's own."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from revise.accounts.backends import BACKEND, FORMER_BACKEND, AccountBackend
from revise.accounts.models import User
from revise.accounts.sessions import SessionStore

pytestmark = pytest.mark.django_db


def signed_in_client(user: User, backend: str) -> Client:
    """A client whose session was written naming ``backend``, as a sign-in would."""
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = backend
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = store.session_key
    return client


def test_a_session_from_before_the_new_backend_stays_signed_in():
    user = User.objects.create_user("old@example.com", "x" * 14)
    client = signed_in_client(user, FORMER_BACKEND)
    assert client.get("/accounts/").status_code == 200  # not sent to sign in
    assert signed_in_client(user, BACKEND).get("/accounts/").status_code == 200
    # A backend not configured signs nobody in.
    other = signed_in_client(user, "django.contrib.auth.backends.RemoteUserBackend")
    assert other.get("/accounts/").status_code == 302


def test_an_expired_or_unknown_session_is_a_visitor():
    user = User.objects.create_user("exp@example.com", "x" * 14)
    client = signed_in_client(user, BACKEND)
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    Session.objects.filter(session_key=key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    assert client.get("/accounts/").status_code == 302
    client.cookies[settings.SESSION_COOKIE_NAME] = "no-such-session-key-0123456789ab"
    assert client.get("/accounts/").status_code == 302


def test_a_changed_password_or_a_deactivated_account_ends_the_session():
    user = User.objects.create_user("pw@example.com", "x" * 14)
    client = signed_in_client(user, BACKEND)
    user.set_password("y" * 14)
    user.save()
    assert client.get("/accounts/").status_code == 302
    client = signed_in_client(user, BACKEND)
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert client.get("/accounts/").status_code == 302


def test_the_backend_reads_the_account_with_django_types():
    user = User.objects.create_user("types@example.com", "x" * 14)
    user.last_login = timezone.now()
    user.save()
    read = AccountBackend().get_user(user.pk)
    assert read == user and read.is_active is True
    assert read.last_login == user.last_login and read.date_joined == user.date_joined
    from_orm = User.objects.get(pk=user.pk)
    for field in User._meta.concrete_fields:
        value, expected = getattr(read, field.attname), getattr(from_orm, field.attname)
        assert (value, type(value)) == (expected, type(expected)), field.attname
    assert read._state.adding is False and read._state.db == from_orm._state.db
    assert AccountBackend().get_user(user.pk + 1000) is None
    assert AccountBackend().get_user("not a number") is None
