"""Sessions and accounts read with written-out statements behave as Django's own."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.models import Session
from django.test import Client, override_settings
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


def stored_text(data: dict) -> str:
    """A session's text as the store saves it, signed with the current keys."""
    return SessionStore().encode(data)


def test_a_session_decodes_as_djangos_and_each_read_gets_its_own_objects():
    from django.contrib.sessions.backends.db import SessionStore as DjangoStore

    text = stored_text({"a": 1, "nested": {"list": [1, 2]}})
    first = SessionStore().decode(text)
    assert first == DjangoStore().decode(text) == {"a": 1, "nested": {"list": [1, 2]}}
    first["nested"]["list"].append(3)  # changed in place, as a view might
    first["b"] = 2
    assert SessionStore().decode(text) == {"a": 1, "nested": {"list": [1, 2]}}


def test_a_tampered_session_is_empty_every_time(caplog):
    text = stored_text({SESSION_KEY: "1"})
    assert SessionStore().decode(text) == {SESSION_KEY: "1"}
    forged = text[:-1] + ("A" if text[-1] != "A" else "B")  # its signature changed
    for _ in range(2):
        assert SessionStore().decode(forged) == {}
    assert "Session data corrupted" in caplog.text


def test_a_session_follows_the_keys_that_may_sign_it():
    with override_settings(SECRET_KEY="an old key " * 5):
        text = stored_text({SESSION_KEY: "7"})
        assert SessionStore().decode(text) == {SESSION_KEY: "7"}
    # Signed with a key that is now a fallback: still read.
    with override_settings(SECRET_KEY_FALLBACKS=["an old key " * 5]):
        assert SessionStore().decode(text) == {SESSION_KEY: "7"}
    # The fallback retired: the same text, checked before, is no longer read.
    assert SessionStore().decode(text) == {}
