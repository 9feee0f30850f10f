"""Accounts: sign-up by emailed link, sign-in and its throttle, passwords, deletion.

Also the security around them: no account enumeration, no open redirects, CSRF,
security headers and the read-only admin.
"""

from __future__ import annotations

import re
import signal
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from revise.accounts import services
from revise.accounts.models import PendingSignup, User
from revise.catalog.models import ChapterLocked, Course
from revise.catalog.services import course_import
from tests.conftest import SAMPLE_COURSE

pytestmark = pytest.mark.django_db

CHAPTER_URL = "/courses/lenin/foreign-policy/"
SIGNUP_URL = "/accounts/sign-up/"
SIGNUP_SENT_URL = "/accounts/sign-up/sent/"
SIGN_IN_URL = "/accounts/sign-in/"
SIGN_OUT_URL = "/accounts/sign-out/"
ACCOUNT_URL = "/accounts/"
DELETE_URL = "/accounts/delete/"
PASSWORD_CHANGE_URL = "/accounts/password/"
PASSWORD_RESET_URL = "/accounts/password/reset/"

EMAIL = "ann@example.com"
PASSWORD = "plum tartan kettle 42"
WRONG_PASSWORD = "not the password at all"
EVIL_NEXTS = [
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example/",
    "\\\\evil.example/",
    "http://testserver.evil.example/",
    "javascript:alert(1)",
]


@pytest.fixture(autouse=True)
def worker_in_test_transaction(monkeypatch):
    """Let the task worker run inside a test's transaction.

    Between tasks the worker closes stale database connections, as a long-running process
    must; inside the transaction that wraps each test, that would close the test's own.
    """
    monkeypatch.setattr(
        "django_tasks_db.management.commands.db_worker.close_old_connections",
        lambda: None,
    )


def run_tasks() -> None:
    """Run every queued task, as the worker `revise serve` starts would, then stop."""
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        call_command(
            "db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0
        )
    finally:
        for number, handler in handlers.items():
            signal.signal(number, handler)


@pytest.fixture
def sample():
    course_import(path=SAMPLE_COURSE)


@pytest.fixture
def ann() -> User:
    return User.objects.create_user(EMAIL, PASSWORD)


def locked_sentences() -> list[str]:
    html = ChapterLocked.objects.get(chapter__slug="foreign-policy").html
    text = re.sub(r"<[^>]+>", "\n", html)
    return [s.strip() for s in text.split("\n") if len(s.strip()) > 30]


def sign_up(client: Client, email: str, password: str = PASSWORD, next_url: str = ""):
    return client.post(
        SIGNUP_URL, {"email": email, "password": password, "next": next_url}
    )


def sign_in(client: Client, email: str, password: str, next_url: str = "", **extra):
    data = {"username": email, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post(SIGN_IN_URL, data, **extra)


def confirm_path(body: str) -> str:
    """The path of the sign-up confirmation link in an email body."""
    match = re.search(r"http://testserver(/accounts/sign-up/confirm/[^/\s]+/)", body)
    assert match, f"no confirmation link in: {body!r}"
    return match.group(1)


def reset_path(body: str) -> str:
    """The path of the password reset link in an email body."""
    match = re.search(r"http://testserver(/accounts/password/reset/\S+/\S+/)", body)
    assert match, f"no reset link in: {body!r}"
    return match.group(1)


def mails_to(mailoutbox, email: str) -> list:
    return [m for m in mailoutbox if email in m.to]


def without_csrf_tokens(html: str) -> str:
    """The page with its per-request CSRF tokens blanked out, for comparing pages."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


def is_signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def signed_up(client: Client, mailoutbox, email: str, password: str, next_url=""):
    """Sign up through the pages and the emailed link; return the confirming response."""
    sent_before = len(mailoutbox)
    response = sign_up(client, email, password, next_url)
    assert response.status_code == 302, response.content.decode()
    run_tasks()
    return client.post(confirm_path(mailoutbox[sent_before].body))


def pending_token(email: str, next_url: str = "") -> str:
    """Start a sign-up through the service, let the worker mail it; the link's token."""
    services.signup_request(
        email=email, password=PASSWORD, next_url=next_url, origin="http://testserver"
    )
    run_tasks()
    body = mail.outbox[-1].body
    assert "/accounts/sign-up/confirm/" in body, "the address already has an account"
    return confirm_path(body).rstrip("/").rsplit("/", 1)[-1]


# Sign-up ------------------------------------------------------------------------------


def test_signup_from_a_chapter_ends_signed_in_on_that_chapter_with_it_unlocked(
    client, sample, mailoutbox
):
    response = sign_up(client, EMAIL, next_url=CHAPTER_URL)
    assert response.status_code == 302
    assert response["Location"] == SIGNUP_SENT_URL
    sent = client.get(SIGNUP_SENT_URL).content.decode()
    assert "Check your email" in sent
    assert EMAIL in sent
    assert not mailoutbox, "the email is the worker's job, not the request's"
    run_tasks()
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [EMAIL]
    link = confirm_path(mailoutbox[0].body)
    assert not User.objects.exists()

    # The link is opened in another browser, as from a phone's mail app.
    browser = Client()
    page = browser.get(link)
    assert page.status_code == 200
    assert "Finish signing up" in page.content.decode()
    assert not User.objects.exists(), "a GET of the link must not create the account"
    assert not is_signed_in(browser)

    response = browser.post(link)
    assert response.status_code == 302
    assert response["Location"] == CHAPTER_URL
    user = User.objects.get()
    assert user.email == EMAIL
    assert user.check_password(PASSWORD)
    assert browser.session["_auth_user_id"] == str(user.pk)
    html = browser.get(CHAPTER_URL).content.decode()
    sentences = locked_sentences()
    assert sentences
    assert all(s in html for s in sentences)
    assert "Welcome to Revise" in html
    assert not PendingSignup.objects.exists()


def test_signup_link_works_only_once(client, mailoutbox):
    sign_up(client, EMAIL)
    run_tasks()
    link = confirm_path(mailoutbox[0].body)
    assert client.post(link).status_code == 302
    client.post(SIGN_OUT_URL)

    again = client.post(link)
    assert again.status_code == 400
    assert "Link no longer valid" in again.content.decode()
    assert client.get(link).status_code == 400
    assert User.objects.count() == 1
    assert not is_signed_in(client)


def test_signup_link_older_than_three_days_is_refused(client, mailoutbox):
    sign_up(client, EMAIL)
    run_tasks()
    link = confirm_path(mailoutbox[0].body)
    PendingSignup.objects.update(
        created_at=timezone.now() - timedelta(days=3, minutes=1)
    )

    page = client.get(link)
    assert page.status_code == 400
    assert "Link no longer valid" in page.content.decode()
    assert client.post(link).status_code == 400
    assert not User.objects.exists()
    assert not is_signed_in(client)


def test_signup_link_still_works_just_before_three_days(client, mailoutbox):
    sign_up(client, EMAIL)
    run_tasks()
    link = confirm_path(mailoutbox[0].body)
    PendingSignup.objects.update(
        created_at=timezone.now() - timedelta(days=3) + timedelta(minutes=5)
    )
    assert client.get(link).status_code == 200
    assert client.post(link).status_code == 302
    assert User.objects.filter(email=EMAIL).exists()


@pytest.mark.parametrize("token", ["made-up-token", "x" * 43])
def test_made_up_signup_link_is_refused(client, token):
    url = f"/accounts/sign-up/confirm/{token}/"
    assert client.get(url).status_code == 400
    assert client.post(url).status_code == 400
    assert not User.objects.exists()


def test_a_used_signup_link_opened_again_while_signed_in_says_so(client, mailoutbox):
    sign_up(client, EMAIL)
    run_tasks()
    link = confirm_path(mailoutbox[0].body)
    assert client.post(link).status_code == 302
    html = client.get(link).content.decode()  # the back button, after confirming
    assert f"You are signed in as {EMAIL}" in html
    assert "sign up again" not in html


def test_confirming_one_of_two_signup_links_voids_the_other(client, mailoutbox):
    sign_up(client, EMAIL)
    sign_up(client, EMAIL, password="a second passphrase here")
    run_tasks()
    first, second = (confirm_path(m.body) for m in mailoutbox)
    assert first != second

    assert client.post(second).status_code == 302
    client.post(SIGN_OUT_URL)
    assert client.post(first).status_code == 400
    user = User.objects.get()
    assert user.check_password("a second passphrase here")
    assert not user.check_password(PASSWORD)


def test_signup_link_for_an_address_that_got_an_account_meanwhile_signs_no_one_in(
    client,
):
    token = pending_token(EMAIL, next_url=CHAPTER_URL)
    User.objects.create_user(EMAIL, "the password chosen meanwhile")

    response = client.post(f"/accounts/sign-up/confirm/{token}/")
    assert response.status_code == 302
    assert response["Location"].startswith(SIGN_IN_URL)
    assert not is_signed_in(client)
    user = User.objects.get()
    assert user.check_password("the password chosen meanwhile")
    assert not user.check_password(PASSWORD)


def test_signup_page_sends_a_signed_in_user_on(client, ann):
    client.force_login(ann)
    response = client.get(SIGNUP_URL)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.post(SIGNUP_URL, {"email": "b@example.com"}).status_code == 302


# No enumeration on sign-up ------------------------------------------------------------


def test_signup_answers_the_same_for_a_known_and_a_new_address(mailoutbox):
    known, new = "known@example.com", "new@example.com"
    User.objects.create_user(known, "the original password 1")

    answers = []
    for email in (known, new):
        browser = Client()
        response = sign_up(browser, email)
        followed = browser.get(response["Location"])
        answers.append(
            (
                response.status_code,
                response["Location"],
                sorted(response.cookies),
                followed.status_code,
                followed.content.decode().replace(email, "EMAIL"),
            )
        )
    assert answers[0] == answers[1]
    assert answers[0][0] == 302
    assert answers[0][1] == SIGNUP_SENT_URL

    run_tasks()
    assert len(mails_to(mailoutbox, known)) == 1
    assert len(mails_to(mailoutbox, new)) == 1
    assert len(mailoutbox) == 2
    assert mailoutbox[0].subject == mailoutbox[1].subject
    assert mailoutbox[0].from_email == mailoutbox[1].from_email
    assert "already have an" in mails_to(mailoutbox, known)[0].body
    assert "/accounts/sign-up/confirm/" not in mails_to(mailoutbox, known)[0].body
    confirm_path(mails_to(mailoutbox, new)[0].body)

    user = User.objects.get(email=known)
    assert user.check_password("the original password 1")
    assert not user.check_password(PASSWORD)
    assert User.objects.filter(email=known).count() == 1
    assert not PendingSignup.objects.filter(email=known).exists()


def test_signup_for_a_known_address_in_other_case_makes_no_second_account(
    client, ann, mailoutbox
):
    sign_up(client, "ANN@Example.com")
    run_tasks()
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [EMAIL]
    assert "already have an" in mailoutbox[0].body
    assert User.objects.count() == 1
    assert not PendingSignup.objects.exists()


# Sign-up validation -------------------------------------------------------------------


def test_signup_refuses_a_password_shorter_than_12_characters(client, mailoutbox):
    response = sign_up(client, EMAIL, password="eleven char")
    assert response.status_code == 200
    html = response.content.decode()
    assert "This password is too short" in html
    assert "at least 12 characters" in html
    assert not mailoutbox
    assert not DBTaskResult.objects.exists(), "an email was queued"
    assert not PendingSignup.objects.exists()


@pytest.mark.parametrize(
    "password",
    [
        ("a long passphrase " * 60)[:1000],
        "correct horse 🐎 battery ünïcödé",
        "  spaces kept at both ends  ",
    ],
    ids=["1000-characters", "unicode", "surrounding-spaces"],
)
def test_long_and_unicode_passwords_are_accepted_and_work_for_sign_in(
    client, mailoutbox, password
):
    response = signed_up(client, mailoutbox, EMAIL, password)
    assert response.status_code == 302
    client.post(SIGN_OUT_URL)
    assert not is_signed_in(client)

    for near_miss in {password[:-1], password.strip()} - {password}:
        assert sign_in(Client(), EMAIL, near_miss).status_code == 200
    browser = Client()
    response = sign_in(browser, EMAIL, password)
    assert response.status_code == 302
    assert is_signed_in(browser)


def test_absurdly_long_password_is_refused_with_a_message(client, mailoutbox):
    response = sign_up(client, EMAIL, password="x" * 5000)
    assert response.status_code == 200
    assert "at most 4096 characters" in response.content.decode()
    assert not mailoutbox
    assert not DBTaskResult.objects.exists(), "an email was queued"


def test_email_addresses_ignore_case(client, mailoutbox):
    response = signed_up(client, mailoutbox, "Ann@Example.COM", PASSWORD)
    assert response.status_code == 302
    assert mailoutbox[0].to == [EMAIL]
    assert User.objects.get().email == EMAIL
    client.post(SIGN_OUT_URL)

    for typed in (EMAIL, "ANN@EXAMPLE.COM"):
        browser = Client()
        assert sign_in(browser, typed, PASSWORD).status_code == 302
        assert is_signed_in(browser)


@pytest.mark.parametrize(
    ("email", "password", "message"),
    [
        (
            "margaret.thatcher@example.com",
            "margaret.thatcher",
            "The password is too similar to the email address.",
        ),
        (EMAIL, "cookiemonster", "This password is too common."),
        (EMAIL, "1qaz2wsx3edc", "This password is too common."),
        (EMAIL, "4839201746593027", "This password is entirely numeric."),
    ],
)
def test_signup_refuses_weak_passwords_with_a_message(
    client, mailoutbox, email, password, message
):
    response = sign_up(client, email, password=password)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not mailoutbox
    assert not DBTaskResult.objects.exists(), "an email was queued"
    assert not PendingSignup.objects.exists()


def test_very_long_next_does_not_overflow_the_pending_signup(client, mailoutbox):
    """A same-site `next` longer than the 500-character column is not stored whole."""
    long_next = "/courses/lenin/foreign-policy/?q=" + "x" * 600
    response = sign_up(client, EMAIL, next_url=long_next)
    assert response.status_code == 302, (
        f"sign-up with a {len(long_next)}-character next failed with "
        f"{response.status_code}: PendingSignup.next_url is varchar(500)"
    )
    pending = PendingSignup.objects.get()
    assert (
        len(pending.next_url) <= PendingSignup._meta.get_field("next_url").max_length
    ), (
        f"PendingSignup.next_url holds {len(pending.next_url)} characters, more than "
        "its max_length of 500: SQLite accepts it, PostgreSQL raises DataError (a 500 "
        "page) - views.signup stores any same-site `next` without a length check"
    )


# Open redirects -----------------------------------------------------------------------


@pytest.mark.parametrize("evil", EVIL_NEXTS)
def test_signup_ignores_a_next_pointing_off_site(client, mailoutbox, evil):
    page = client.get(SIGNUP_URL, {"next": evil}).content.decode()
    assert "evil.example" not in page
    assert "javascript:" not in page

    response = signed_up(client, mailoutbox, EMAIL, PASSWORD, next_url=evil)
    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.parametrize("evil", EVIL_NEXTS)
def test_signup_reminder_email_carries_no_off_site_next(client, ann, mailoutbox, evil):
    sign_up(client, EMAIL, next_url=evil)
    run_tasks()
    assert "evil.example" not in mailoutbox[0].body
    assert "javascript" not in mailoutbox[0].body


@pytest.mark.parametrize("odd", ["abc", "0000", "//", "catalog:home", "?x=1"])
def test_a_next_that_is_not_a_path_leads_home(client, mailoutbox, ann, odd):
    """Anything but a path is ignored: redirect() would take a word for a view name."""
    response = signed_up(client, mailoutbox, "new@example.com", PASSWORD, next_url=odd)
    assert response.status_code == 302
    assert response["Location"] == "/"
    client.logout()
    response = sign_in(client, EMAIL, PASSWORD, next_url=odd)
    assert response.status_code == 302
    assert response["Location"] == "/"


@pytest.mark.parametrize("evil", EVIL_NEXTS)
def test_sign_in_ignores_a_next_pointing_off_site(client, ann, evil):
    response = sign_in(client, EMAIL, PASSWORD, next_url=evil)
    assert response.status_code == 302
    assert response["Location"] == "/"


# Sign-in and sign-out -----------------------------------------------------------------


def test_wrong_password_and_unknown_address_get_the_same_answer(ann):
    answers = []
    for email, password in ((EMAIL, WRONG_PASSWORD), ("nobody@example.com", PASSWORD)):
        browser = Client()
        response = sign_in(browser, email, password)
        html = without_csrf_tokens(response.content.decode()).replace(email, "EMAIL")
        answers.append((response.status_code, html))
        assert not is_signed_in(browser)
    assert answers[0] == answers[1]
    assert answers[0][0] == 200
    assert "That email address and password do not match an account." in answers[0][1]


def test_inactive_account_gets_the_same_answer_as_a_wrong_password(ann):
    User.objects.filter(pk=ann.pk).update(is_active=False)
    response = sign_in(Client(), EMAIL, PASSWORD)
    assert response.status_code == 200
    assert "do not match an account" in response.content.decode()
    assert "inactive" not in response.content.decode()


def test_sign_in_rotates_the_session_key(client, ann):
    session = client.session
    session["before"] = "sign-in"
    session.save()
    old_key = client.session.session_key
    assert Session.objects.filter(session_key=old_key).exists()

    response = sign_in(client, EMAIL, PASSWORD)
    assert response.status_code == 302
    new_key = client.session.session_key
    assert new_key != old_key
    assert not Session.objects.filter(session_key=old_key).exists()
    assert client.session["_auth_user_id"] == str(ann.pk)


def test_sign_in_follows_a_same_site_next(client, ann):
    response = sign_in(client, EMAIL, PASSWORD, next_url=CHAPTER_URL)
    assert response.status_code == 302
    assert response["Location"] == CHAPTER_URL


def test_sign_in_page_sends_a_signed_in_user_on(client, ann):
    client.force_login(ann)
    response = client.get(SIGN_IN_URL)
    assert response.status_code == 302
    assert response["Location"] == "/"
    response = client.get(SIGN_IN_URL, {"next": CHAPTER_URL})
    assert response["Location"] == CHAPTER_URL


def test_sign_out_by_get_is_refused(client, ann):
    client.force_login(ann)
    assert client.get(SIGN_OUT_URL).status_code == 405
    assert is_signed_in(client)


def test_sign_out_flushes_the_session(client, ann):
    sign_in(client, EMAIL, PASSWORD)
    key = client.session.session_key
    assert Session.objects.filter(session_key=key).exists()

    response = client.post(SIGN_OUT_URL)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert not Session.objects.filter(session_key=key).exists()
    assert not is_signed_in(client)
    assert client.get(ACCOUNT_URL).status_code == 302


def test_stolen_session_cookie_is_useless_after_sign_out(ann):
    browser = Client()
    sign_in(browser, EMAIL, PASSWORD)
    stolen = browser.cookies["sessionid"].value
    browser.post(SIGN_OUT_URL)

    thief = Client()
    thief.cookies["sessionid"] = stolen
    response = thief.get(ACCOUNT_URL)
    assert response.status_code == 302
    assert response["Location"].startswith(SIGN_IN_URL)


def test_account_page_needs_sign_in_and_shows_the_address(client, ann):
    response = client.get(ACCOUNT_URL)
    assert response.status_code == 302
    assert response["Location"] == f"{SIGN_IN_URL}?next=/accounts/"
    client.force_login(ann)
    assert EMAIL in client.get(ACCOUNT_URL).content.decode()


# Throttling ---------------------------------------------------------------------------


def fail_sign_ins(client: Client, email: str, times: int, **extra) -> list[int]:
    return [
        sign_in(client, email, WRONG_PASSWORD, **extra).status_code
        for _ in range(times)
    ]


def assert_locked_out(response) -> None:
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()


def test_five_wrong_passwords_lock_the_address_even_against_the_right_one(
    client, settings, ann
):
    assert settings.AXES_FAILURE_LIMIT == 5
    statuses = fail_sign_ins(client, EMAIL, 5)
    assert statuses[:4] == [200] * 4
    assert statuses[4] == 429

    response = sign_in(client, EMAIL, PASSWORD)
    assert_locked_out(response)
    assert not is_signed_in(client)
    # Another browser on the same network is held too.
    assert_locked_out(sign_in(Client(), EMAIL, PASSWORD))


def test_lockout_for_an_unknown_address_looks_the_same(client, ann):
    known = [*fail_sign_ins(client, EMAIL, 5), sign_in(client, EMAIL, PASSWORD)]
    unknown_email = "nobody@example.com"
    browser = Client()
    unknown = [
        *fail_sign_ins(browser, unknown_email, 5),
        sign_in(browser, unknown_email, PASSWORD),
    ]
    assert known[:5] == unknown[:5]
    assert_locked_out(unknown[5])
    assert known[5].content.decode().replace(EMAIL, "EMAIL") == unknown[
        5
    ].content.decode().replace(unknown_email, "EMAIL")


def test_lockout_counts_an_address_however_it_is_typed(client, ann):
    for typed in ("Ann@Example.com", "ANN@EXAMPLE.COM", EMAIL, "ann@EXAMPLE.com"):
        fail_sign_ins(client, typed, 1)
    fail_sign_ins(client, "aNn@example.com", 1)
    assert_locked_out(sign_in(client, EMAIL, PASSWORD))


def test_changing_user_agent_or_forwarded_for_does_not_escape_the_lockout(client, ann):
    for n in range(5):
        sign_in(
            client,
            EMAIL,
            WRONG_PASSWORD,
            HTTP_USER_AGENT=f"Browser/{n}",
            HTTP_X_FORWARDED_FOR=f"93.184.216.{n + 10}",
        )
    response = sign_in(
        client,
        EMAIL,
        PASSWORD,
        HTTP_USER_AGENT="Another/1.0",
        HTTP_X_FORWARDED_FOR="8.8.4.4",
    )
    assert_locked_out(response)


def test_lockout_is_for_one_address_from_one_network(client, ann):
    User.objects.create_user("bob@example.com", PASSWORD)
    fail_sign_ins(client, EMAIL, 5)
    assert sign_in(Client(), "bob@example.com", PASSWORD).status_code == 302
    other_network = Client(REMOTE_ADDR="10.1.2.3")
    assert sign_in(other_network, EMAIL, PASSWORD).status_code == 302
    assert_locked_out(sign_in(client, EMAIL, PASSWORD))


def test_lockout_ends_by_itself_after_the_cool_off(client, settings, ann):
    cool_off = settings.AXES_COOLOFF_TIME
    assert cool_off == timedelta(minutes=15)
    fail_sign_ins(client, EMAIL, 5)
    assert AccessAttempt.objects.exists()

    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=14))
    assert_locked_out(sign_in(client, EMAIL, PASSWORD))

    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    response = sign_in(client, EMAIL, PASSWORD)
    assert response.status_code == 302
    assert is_signed_in(client)


def test_lockout_page_says_when_sign_in_opens_again(client, ann):
    fail_sign_ins(client, EMAIL, 5)
    html = sign_in(client, EMAIL, PASSWORD).content.decode()
    assert "in 15 minutes" in html
    assert f'href="{PASSWORD_RESET_URL}"' in html


def test_a_successful_sign_in_resets_the_failure_count(client, ann):
    assert fail_sign_ins(client, EMAIL, 4) == [200] * 4
    assert sign_in(client, EMAIL, PASSWORD).status_code == 302
    client.post(SIGN_OUT_URL)
    assert fail_sign_ins(client, EMAIL, 4) == [200] * 4
    assert sign_in(client, EMAIL, PASSWORD).status_code == 302


# Password reset -----------------------------------------------------------------------


def test_password_reset_answers_the_same_for_known_and_unknown_addresses(
    ann, mailoutbox
):
    answers = []
    for email in (EMAIL, "nobody@example.com"):
        browser = Client()
        response = browser.post(PASSWORD_RESET_URL, {"email": email})
        followed = browser.get(response["Location"])
        answers.append(
            (
                response.status_code,
                response["Location"],
                followed.status_code,
                followed.content.decode().replace(email, "EMAIL"),
            )
        )
    assert answers[0] == answers[1]
    assert answers[0][0] == 302
    run_tasks()
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [EMAIL]


def test_password_reset_link_sets_a_new_password_and_signs_in_once(
    client, ann, mailoutbox
):
    elsewhere = Client()
    elsewhere.force_login(ann)
    client.post(PASSWORD_RESET_URL, {"email": "Ann@Example.com"})
    run_tasks()
    assert mailoutbox[0].to == [EMAIL]
    link = reset_path(mailoutbox[0].body)

    response = client.get(link)
    assert response.status_code == 302
    form_url = response["Location"]
    page = client.get(form_url)
    assert page.status_code == 200
    assert "<h1>Choose a new password</h1>" in page.content.decode()

    new = "a fresh passphrase 77"
    response = client.post(form_url, {"new_password1": new, "new_password2": new})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(ann.pk)

    ann.refresh_from_db()
    assert ann.check_password(new)
    assert sign_in(Client(), EMAIL, PASSWORD).status_code == 200
    assert sign_in(Client(), EMAIL, new).status_code == 302
    # Other browsers signed in with the old password are signed out.
    assert elsewhere.get(ACCOUNT_URL).status_code == 302

    again = Client().get(link, follow=True)
    assert "<h1>Link no longer valid</h1>" in again.content.decode()
    assert "<h1>Choose a new password</h1>" not in again.content.decode()


def test_password_reset_refuses_a_weak_new_password(client, ann, mailoutbox):
    client.post(PASSWORD_RESET_URL, {"email": EMAIL})
    run_tasks()
    form_url = client.get(reset_path(mailoutbox[0].body))["Location"]
    response = client.post(
        form_url, {"new_password1": "short", "new_password2": "short"}
    )
    assert response.status_code == 200
    assert "This password is too short" in response.content.decode()
    ann.refresh_from_db()
    assert ann.check_password(PASSWORD)


# Password change ----------------------------------------------------------------------


def test_password_change_needs_the_old_password(client, ann):
    client.force_login(ann)
    new = "a fresh passphrase 77"
    response = client.post(
        PASSWORD_CHANGE_URL,
        {"old_password": WRONG_PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 200
    assert "Your old password was entered incorrectly" in response.content.decode()
    ann.refresh_from_db()
    assert ann.check_password(PASSWORD)


def test_password_change_keeps_this_session_and_ends_others(client, ann):
    sign_in(client, EMAIL, PASSWORD)
    elsewhere = Client()
    sign_in(elsewhere, EMAIL, PASSWORD)
    new = "a fresh passphrase 77"
    response = client.post(
        PASSWORD_CHANGE_URL,
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/done/"
    assert client.get(ACCOUNT_URL).status_code == 200
    assert is_signed_in(client)
    assert elsewhere.get(ACCOUNT_URL).status_code == 302
    assert sign_in(Client(), EMAIL, PASSWORD).status_code == 200
    assert sign_in(Client(), EMAIL, new).status_code == 302


def test_password_change_needs_sign_in(client):
    response = client.get(PASSWORD_CHANGE_URL)
    assert response.status_code == 302
    assert response["Location"].startswith(SIGN_IN_URL)


# Account deletion ---------------------------------------------------------------------


def test_account_deletion_needs_sign_in(client, ann):
    response = client.post(DELETE_URL, {"password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"].startswith(SIGN_IN_URL)
    assert User.objects.filter(pk=ann.pk).exists()


def test_account_deletion_refuses_a_wrong_password(client, ann):
    client.force_login(ann)
    response = client.post(DELETE_URL, {"password": WRONG_PASSWORD})
    assert response.status_code == 200
    assert "That is not your password." in response.content.decode()
    assert User.objects.filter(pk=ann.pk).exists()
    assert is_signed_in(client)


def test_account_deletion_removes_the_account_and_signs_out(client, mailoutbox):
    pending_token(EMAIL)
    pending_token("someone.else@example.com")
    ann = User.objects.create_user(EMAIL, PASSWORD)
    assert PendingSignup.objects.filter(email=EMAIL).exists()
    sign_in(client, EMAIL, PASSWORD)
    key = client.session.session_key

    response = client.post(DELETE_URL, {"password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert not User.objects.filter(pk=ann.pk).exists()
    assert not PendingSignup.objects.filter(email=EMAIL).exists()
    assert PendingSignup.objects.filter(email="someone.else@example.com").exists()
    assert not Session.objects.filter(session_key=key).exists()
    assert not is_signed_in(client)
    home = client.get("/").content.decode()
    assert "Your account and everything in it have been deleted." in home

    assert sign_in(Client(), EMAIL, PASSWORD).status_code == 200
    sign_up(Client(), EMAIL)
    run_tasks()
    assert "/accounts/sign-up/confirm/" in mailoutbox[-1].body


# CSRF ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "signed_in"),
    [
        (SIGN_IN_URL, False),
        (SIGNUP_URL, False),
        (SIGN_OUT_URL, True),
        (DELETE_URL, True),
        (PASSWORD_CHANGE_URL, True),
        (PASSWORD_RESET_URL, False),
    ],
)
def test_posts_without_a_csrf_token_are_refused(ann, url, signed_in):
    browser = Client(enforce_csrf_checks=True)
    if signed_in:
        browser.force_login(ann)
    response = browser.post(
        url, {"username": EMAIL, "email": EMAIL, "password": PASSWORD}
    )
    assert response.status_code == 403
    assert User.objects.filter(pk=ann.pk).exists()
    assert is_signed_in(browser) is signed_in


def test_csrf_failure_shows_the_sites_403_page(ann):
    response = Client(enforce_csrf_checks=True).post(
        SIGN_IN_URL, {"username": EMAIL, "password": PASSWORD}
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert 'class="site-header"' in html, "the CSRF failure page lacks the site layout"
    assert "reload the page and try again" in html
    assert "CSRF verification failed" not in html


def test_signup_confirmation_post_without_a_csrf_token_is_refused():
    token = pending_token(EMAIL)
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(f"/accounts/sign-up/confirm/{token}/")
    assert response.status_code == 403
    assert not User.objects.exists()


def test_sign_in_with_the_csrf_token_from_the_form_works(ann):
    browser = Client(enforce_csrf_checks=True)
    html = browser.get(SIGN_IN_URL).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    response = browser.post(
        SIGN_IN_URL,
        {"username": EMAIL, "password": PASSWORD, "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    assert is_signed_in(browser)


# Security headers ---------------------------------------------------------------------


def csp_directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


@pytest.mark.parametrize("url", ["/", SIGN_IN_URL, SIGNUP_URL])
def test_pages_send_a_strict_content_security_policy(client, url):
    response = client.get(url)
    assert response.status_code == 200
    header = response["Content-Security-Policy"]
    directives = csp_directives(header)
    assert directives["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in header
    assert "'unsafe-eval'" not in header
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_session_cookie_is_http_only_and_same_site_lax(client, ann):
    sign_in(client, EMAIL, PASSWORD)
    cookie = client.cookies["sessionid"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


def test_csrf_cookie_is_same_site_lax(client):
    client.get(SIGN_IN_URL)
    assert client.cookies["csrftoken"]["samesite"] == "Lax"


# Admin --------------------------------------------------------------------------------


@pytest.fixture
def admin_client_(client):
    admin = User.objects.create_superuser("admin@example.com", PASSWORD)
    client.force_login(admin)
    return client


def test_superuser_can_open_the_user_and_course_lists(admin_client_, sample, ann):
    users = admin_client_.get("/admin/accounts/user/")
    assert users.status_code == 200
    assert EMAIL in users.content.decode()
    courses = admin_client_.get("/admin/catalog/course/")
    assert courses.status_code == 200
    assert "Case study: Vladimir Lenin" in courses.content.decode()
    user_page = admin_client_.get(f"/admin/accounts/user/{ann.pk}/change/")
    assert user_page.status_code == 200


def test_courses_are_read_only_in_the_admin(admin_client_, sample):
    course = Course.objects.get(slug="lenin")
    url = f"/admin/catalog/course/{course.pk}/change/"
    page = admin_client_.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="_save"' not in html
    assert 'value="Save"' not in html

    response = admin_client_.post(url, {"title": "Defaced", "slug": "lenin"})
    assert response.status_code == 403
    course.refresh_from_db()
    assert course.title == "Case study: Vladimir Lenin"
    assert admin_client_.get("/admin/catalog/course/add/").status_code == 403
    delete_url = f"/admin/catalog/course/{course.pk}/delete/"
    assert admin_client_.post(delete_url, {"post": "yes"}).status_code == 403
    assert Course.objects.filter(pk=course.pk).exists()


def test_admin_adds_users_with_normalised_email(admin_client_):
    response = admin_client_.post(
        "/admin/accounts/user/add/",
        {
            "email": "Bob@Example.COM",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "usable_password": "true",
        },
    )
    assert response.status_code == 302, response.content.decode()
    user = User.objects.get(email="bob@example.com")
    assert user.check_password(PASSWORD)


@pytest.mark.parametrize(
    "url", ["/admin/", "/admin/accounts/user/", "/admin/catalog/course/"]
)
def test_non_staff_user_is_sent_to_the_admin_login(client, ann, url):
    client.force_login(ann)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_anonymous_visitor_is_sent_to_the_admin_login(client):
    response = client.get("/admin/accounts/user/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
