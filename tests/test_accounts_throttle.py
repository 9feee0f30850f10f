"""Sign-in throttling: keyed on the real client behind proxies, a pause that ends on time.

Issue 7, items 7 and 8: behind a reverse proxy the throttle keyed on the proxy's address
(one learner's wrong passwords locked the account for everyone behind it), and every
attempt during a pause, even with the right password, started the pause again.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime, timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone

from revise.accounts.models import User
from tests.test_accounts import (
    EMAIL,
    PASSWORD,
    PASSWORD_RESET_URL,
    WRONG_PASSWORD,
    assert_locked_out,
    fail_sign_ins,
    is_signed_in,
    reset_path,
    run_tasks,
    sign_in,
    worker_in_test_transaction,  # noqa: F401 (autouse fixture)
)

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"  # the reverse proxy, as gunicorn sees it: REMOTE_ADDR
CLIENT_A = "198.51.100.7"
CLIENT_B = "198.51.100.8"


@pytest.fixture
def ann() -> User:
    return User.objects.create_user(EMAIL, PASSWORD)


def via_proxy(forwarded_for: str) -> dict[str, str]:
    """Request headers as one proxy that appends the peer to X-Forwarded-For sends them."""
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": forwarded_for}


# Item 7: the client address behind a proxy ----------------------------------------------


def test_behind_one_proxy_one_clients_wrong_passwords_do_not_lock_out_another(
    settings, ann
):
    settings.REVISE_PROXY_COUNT = 1
    a, b = Client(**via_proxy(CLIENT_A)), Client(**via_proxy(CLIENT_B))
    assert fail_sign_ins(a, EMAIL, 5)[-1] == 429
    assert_locked_out(sign_in(a, EMAIL, PASSWORD))

    response = sign_in(b, EMAIL, PASSWORD)
    assert response.status_code == 302, (
        "client B, behind the same proxy, is locked out by client A's wrong passwords: "
        "the throttle keys on the proxy's address"
    )
    assert is_signed_in(b)
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {CLIENT_A}


def test_behind_one_proxy_a_forged_forwarded_for_does_not_escape_the_throttle(
    settings, ann
):
    """The proxy appends the real peer: only the right-most entry is the proxy's word."""
    settings.REVISE_PROXY_COUNT = 1
    attacker = Client(**via_proxy(CLIENT_A))
    for n in range(5):
        sign_in(
            attacker,
            EMAIL,
            WRONG_PASSWORD,
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n + 1}, {CLIENT_A}",
        )
    forged = sign_in(
        attacker, EMAIL, PASSWORD, HTTP_X_FORWARDED_FOR=f"8.8.4.4, {CLIENT_A}"
    )
    assert_locked_out(forged)


def test_behind_two_proxies_the_client_is_the_second_entry_from_the_right(
    settings, ann
):
    settings.REVISE_PROXY_COUNT = 2
    cdn = "192.0.2.50"
    a = Client(**via_proxy(f"6.6.6.6, {CLIENT_A}, {cdn}"))
    fail_sign_ins(a, EMAIL, 5)
    assert_locked_out(sign_in(a, EMAIL, PASSWORD))
    b = Client(**via_proxy(f"{CLIENT_B}, {cdn}"))
    assert sign_in(b, EMAIL, PASSWORD).status_code == 302


@pytest.mark.parametrize(
    "forwarded_for", ["", "not-an-address", f"{CLIENT_A},", "unknown"]
)
def test_behind_a_proxy_a_missing_or_broken_header_falls_back_to_the_peer(
    settings, ann, forwarded_for
):
    settings.REVISE_PROXY_COUNT = 1
    fail_sign_ins(Client(**via_proxy(forwarded_for)), EMAIL, 5)
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {PROXY}


def test_without_a_proxy_a_forged_forwarded_for_does_not_escape_the_throttle(
    settings, ann
):
    settings.REVISE_PROXY_COUNT = 0
    attacker = Client(REMOTE_ADDR=CLIENT_A)
    for n in range(5):
        sign_in(
            attacker, EMAIL, WRONG_PASSWORD, HTTP_X_FORWARDED_FOR=f"203.0.113.{n + 1}"
        )
    assert_locked_out(
        sign_in(attacker, EMAIL, PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.99")
    )
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {CLIENT_A}


def test_the_proxy_count_comes_from_revise_proxy_count(tmp_path):
    env = {
        **os.environ,
        "REVISE_PROXY_COUNT": "2",
        "REVISE_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "revise.settings",
    }
    env.pop("DATABASE_URL", None)
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.REVISE_PROXY_COUNT, settings.AXES_CLIENT_IP_CALLABLE)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["2", "revise.accounts.throttle.client_address"]


# Item 8: the pause ends 15 minutes after it began ---------------------------------------


class Clock:
    """The time django-axes stamps and judges attempts by, moved by the test."""

    def __init__(self) -> None:
        self.start = timezone.now()
        self.now = self.start

    def at(self, **delta: float) -> datetime:
        self.now = self.start + timedelta(**delta)
        return self.now


@pytest.fixture
def clock(monkeypatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr("axes.handlers.proxy.now", lambda: clock.now)
    return clock


def test_attempts_during_the_pause_do_not_extend_it(client, clock, ann):
    fail_sign_ins(client, EMAIL, 4)
    clock.at(seconds=30)
    assert_locked_out(sign_in(client, EMAIL, WRONG_PASSWORD))  # the pause begins
    for minutes in (5, 10, 14, 14.9):
        clock.at(minutes=minutes, seconds=30)
        assert_locked_out(sign_in(client, EMAIL, PASSWORD))
        assert_locked_out(sign_in(client, EMAIL, WRONG_PASSWORD))

    clock.at(minutes=15, seconds=31)
    response = sign_in(client, EMAIL, PASSWORD)
    assert response.status_code == 302, (
        "sign-in is still paused 15 minutes after the pause began: attempts made "
        "during the pause restarted it"
    )
    assert is_signed_in(client)


def test_one_request_every_14_minutes_does_not_keep_an_account_locked(
    client, clock, ann
):
    fail_sign_ins(client, EMAIL, 5)
    for minutes in (14, 28, 42):
        clock.at(minutes=minutes)
        response = sign_in(client, EMAIL, PASSWORD)
        if response.status_code == 302:
            break
        assert_locked_out(response)
    assert minutes == 28
    assert is_signed_in(client)


def test_the_pause_is_not_shorter_than_15_minutes(client, clock, ann):
    fail_sign_ins(client, EMAIL, 5)
    clock.at(minutes=14, seconds=59)
    assert_locked_out(sign_in(client, EMAIL, PASSWORD))


def test_lockout_page_counts_down_the_minutes_left(client, clock, ann):
    fail_sign_ins(client, EMAIL, 5)
    assert "in 15 minutes" in sign_in(client, EMAIL, PASSWORD).content.decode()
    clock.at(minutes=10, seconds=10)
    html = sign_in(client, EMAIL, PASSWORD).content.decode()
    assert "in 5 minutes" in html
    clock.at(minutes=14, seconds=30)
    assert "in 1 minute;" in sign_in(client, EMAIL, PASSWORD).content.decode()


def test_the_last_attempt_before_the_pause_warns(client, ann):
    warning = "One more wrong password pauses sign-in for 15 minutes."
    pages = [sign_in(client, EMAIL, WRONG_PASSWORD).content.decode() for _ in range(4)]
    assert all(warning not in page for page in pages[:3])
    assert warning in pages[3]
    assert "do not match an account" in pages[3]


def test_the_warning_is_the_same_for_an_unknown_address(ann):
    warning = "One more wrong password pauses sign-in for 15 minutes."
    browser = Client()
    pages = [
        sign_in(browser, "nobody@example.com", PASSWORD).content.decode()
        for _ in range(4)
    ]
    assert warning in pages[3]
    assert warning not in pages[2]


def test_a_completed_password_reset_lifts_the_pause_on_every_network(
    client, mailoutbox, ann
):
    attacker = Client(REMOTE_ADDR="192.0.2.66")
    fail_sign_ins(attacker, EMAIL, 5)
    fail_sign_ins(client, EMAIL, 5)
    assert_locked_out(sign_in(client, EMAIL, PASSWORD))

    phone = Client(
        REMOTE_ADDR="10.77.0.5"
    )  # the reset link is opened on another network
    phone.post(PASSWORD_RESET_URL, {"email": EMAIL})
    run_tasks()
    form_url = phone.get(reset_path(mailoutbox[0].body))["Location"]
    new = "a fresh passphrase 77"
    phone.post(form_url, {"new_password1": new, "new_password2": new})
    assert is_signed_in(phone)

    response = sign_in(client, EMAIL, new)
    assert response.status_code == 302, (
        "the account is still paused on the first network after a completed reset"
    )
    assert not AccessAttempt.objects.filter(username=EMAIL).exists()


def test_asking_for_a_reset_does_not_lift_the_pause(client, mailoutbox, ann):
    fail_sign_ins(client, EMAIL, 5)
    client.post(PASSWORD_RESET_URL, {"email": EMAIL})
    run_tasks()
    assert len(mailoutbox) == 1
    assert_locked_out(sign_in(client, EMAIL, PASSWORD))
