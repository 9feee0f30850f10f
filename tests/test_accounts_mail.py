"""Account emails go out from the task worker, never during the request (issue 7, item 9).

Sending mail in the request made password reset answer in about 300 ms for an address with
an account and 7 ms for one without. Now the request queues one task whatever the address,
and the worker looks the address up and sends the right email, or none.
"""

from __future__ import annotations

import json
import re

import pytest
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from revise.accounts.models import PendingSignup, User
from tests.test_accounts import (
    EMAIL,
    PASSWORD,
    PASSWORD_RESET_URL,
    SIGNUP_URL,
    confirm_path,
    is_signed_in,
    reset_path,
    run_tasks,
    sign_up,
    worker_in_test_transaction,  # noqa: F401 (autouse fixture)
)

pytestmark = pytest.mark.django_db

UNKNOWN = "nobody@example.com"


@pytest.fixture
def ann() -> User:
    return User.objects.create_user(EMAIL, PASSWORD)


class RefusingBackend(BaseEmailBackend):
    """A mail backend that fails the test if anything opens or uses it."""

    uses = 0

    def __init__(self, *args, **kwargs) -> None:
        type(self).uses += 1
        raise AssertionError("the mail backend was used during the request")


@pytest.fixture
def mail_refused(settings):
    """No mail may be sent while this is on; switch it off to let the worker send."""
    locmem = settings.EMAIL_BACKEND
    settings.EMAIL_BACKEND = "tests.test_accounts_mail.RefusingBackend"
    RefusingBackend.uses = 0
    yield
    settings.EMAIL_BACKEND = locmem


def queued() -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(status=TaskResultStatus.READY))


def reset(email: str):
    return Client().post(PASSWORD_RESET_URL, {"email": email})


# Password reset -------------------------------------------------------------------------


@pytest.mark.parametrize("email", [EMAIL, UNKNOWN], ids=["known", "unknown"])
def test_password_reset_queues_one_task_and_sends_nothing_in_the_request(
    ann, mailoutbox, email
):
    response = reset(email)
    assert response.status_code == 302
    assert mailoutbox == [], "the reset email was sent during the request"
    tasks = queued()
    assert len(tasks) == 1
    assert tasks[0].task_path == "revise.accounts.tasks.password_reset_mail_send"


def test_the_worker_sends_the_reset_email_for_a_known_address_only(
    client, ann, mailoutbox
):
    reset(EMAIL)
    reset(UNKNOWN)
    run_tasks()
    assert [m.to for m in mailoutbox] == [[EMAIL]]
    assert not queued()
    assert DBTaskResult.objects.successful().count() == 2

    form_url = client.get(reset_path(mailoutbox[0].body))["Location"]
    new = "a fresh passphrase 77"
    client.post(form_url, {"new_password1": new, "new_password2": new})
    assert is_signed_in(client)
    ann.refresh_from_db()
    assert ann.check_password(new)


def test_reset_link_uses_the_host_and_scheme_of_the_request(ann, mailoutbox):
    Client().post(PASSWORD_RESET_URL, {"email": EMAIL}, secure=True)
    run_tasks()
    assert "https://testserver/accounts/password/reset/" in mailoutbox[0].body


# Sign-up --------------------------------------------------------------------------------


@pytest.mark.parametrize("email", [EMAIL, UNKNOWN], ids=["known", "unknown"])
def test_signup_queues_one_task_and_sends_nothing_in_the_request(
    ann, mailoutbox, email
):
    response = sign_up(Client(), email)
    assert response.status_code == 302
    assert mailoutbox == [], "the sign-up email was sent during the request"
    tasks = queued()
    assert len(tasks) == 1
    assert tasks[0].task_path == "revise.accounts.tasks.signup_mail_send"


def test_the_worker_sends_a_link_to_a_new_address_and_a_reminder_to_a_known_one(
    ann, mailoutbox
):
    sign_up(Client(), EMAIL)
    sign_up(Client(), UNKNOWN)
    run_tasks()
    assert sorted(m.to[0] for m in mailoutbox) == sorted([EMAIL, UNKNOWN])
    known = next(m for m in mailoutbox if m.to == [EMAIL])
    new = next(m for m in mailoutbox if m.to == [UNKNOWN])
    assert "already have an" in known.body
    assert "/accounts/sign-up/confirm/" not in known.body
    assert "http://testserver/accounts/sign-in/" in known.body

    browser = Client()
    assert browser.post(confirm_path(new.body)).status_code == 302
    assert is_signed_in(browser)
    assert User.objects.get(email=UNKNOWN).check_password(PASSWORD)
    assert not PendingSignup.objects.exists()


def test_no_password_is_in_the_task_queue(ann):
    for email in (EMAIL, UNKNOWN):
        sign_up(Client(), email)
    stored = json.dumps([t.args_kwargs for t in DBTaskResult.objects.all()])
    assert PASSWORD not in stored
    assert "pbkdf2" not in stored.lower()
    assert "md5$" not in stored.lower()


def test_a_signup_made_before_the_worker_ran_has_no_usable_link_yet(mailoutbox):
    sign_up(Client(), UNKNOWN)
    pending = PendingSignup.objects.get()
    run_tasks()
    pending_after = PendingSignup.objects.get()
    assert pending_after.pk == pending.pk
    assert pending_after.token_hash != pending.token_hash
    assert Client().post(confirm_path(mailoutbox[0].body)).status_code == 302


# The request never calls the mail backend, and does the same work for every address -----


def test_the_requests_never_use_the_mail_backend(settings, ann, mail_refused):
    for email in (EMAIL, UNKNOWN):
        assert reset(email).status_code == 302
        assert sign_up(Client(), email).status_code == 302
    assert RefusingBackend.uses == 0
    assert len(queued()) == 4

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    from django.core import mail

    mail.outbox = []
    run_tasks()
    assert sorted(m.to[0] for m in mail.outbox) == sorted([EMAIL, EMAIL, UNKNOWN])


def normalised(queries: list[dict]) -> list[str]:
    """The SQL of each query with literal values and savepoint names blanked."""
    return [
        re.sub(r"\d+", "?", re.sub(r"'(?:[^']|'')*'", "?", query["sql"]))
        for query in queries
    ]


@pytest.mark.parametrize(
    "post",
    [
        lambda email: Client().post(PASSWORD_RESET_URL, {"email": email}),
        lambda email: Client().post(
            SIGNUP_URL, {"email": email, "password": PASSWORD, "next": ""}
        ),
    ],
    ids=["password-reset", "sign-up"],
)
def test_the_request_runs_the_same_queries_for_known_and_unknown_addresses(ann, post):
    post("warm.up@example.com")
    seen = []
    for email in (EMAIL, UNKNOWN):
        with CaptureQueriesContext(connection) as queries:
            assert post(email).status_code == 302
        seen.append(normalised(queries.captured_queries))
    assert seen[0] == seen[1]
    assert not any("accounts_user" in sql for sql in seen[0]), (
        "the request looks the address up: that belongs in the task"
    )
