"""Issue 7, items 10–12: unreadable tokens, the first settings row, answers from stale tabs."""

from __future__ import annotations

import logging
import re
import threading
from datetime import UTC, datetime

import pytest
from django.db import IntegrityError, connection
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from revise.accounts.models import User
from revise.catalog.services import course_import
from revise.study import selectors, services
from revise.study.models import Card, LearnerSettings, ReviewLog
from revise.study.scheduling import Rating
from tests.conftest import SAMPLE_COURSE

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
PASSWORD = "a long enough password"
DECK = "/decks/lenin/foreign-policy/"
SESSION = "/study/lenin/foreign-policy/"
UNREADABLE = "That answer could not be read; please answer again."
ELSEWHERE = "This card was already answered in another tab or window"
REPEATED = "That answer was already recorded"


@pytest.fixture
def learner(db):
    course_import(path=SAMPLE_COURSE)
    return User.objects.create_user("learner@example.com", PASSWORD)


@pytest.fixture
def signed_in(client, learner):
    client.force_login(learner)
    return client


def shown(client: Client) -> dict[str, str]:
    """The hidden fields of the rating form on the session page, as a tab holds them."""
    html = client.get(SESSION).content.decode()
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html))


# --- 10. unreadable tokens are bad input, never a server error ----------------------------


BAD_TOKENS = {
    "non-ASCII": "é" * 40,
    "non-ASCII among hex": "ß" + "0" * 39,
    "full-width digits": "０" * 40,
    "overlong": "a" * 65,
    "very long": "f" * 100_000,
    "empty": "",
    "blank": "   ",
    "wrong": "0" * 40,
    "upper-case hex": "A" * 40,
    "an undo's token": "undo:1",
    "NUL": "\x00" * 40,
    "trailing newline": "0" * 39 + "\n",
}


@pytest.mark.parametrize("token", BAD_TOKENS.values(), ids=BAD_TOKENS.keys())
def test_a_bad_token_is_refused_as_bad_input_and_the_card_shown_again(signed_in, token):
    form = shown(signed_in)
    response = signed_in.post(SESSION, {**form, "token": token, "rating": "3"})
    assert response.status_code == 302 and response["Location"] == SESSION
    page = signed_in.get(SESSION)
    assert UNREADABLE in page.content.decode()
    assert shown(signed_in)["card"] == form["card"], "the same card, to answer again"
    assert not ReviewLog.objects.exists()


def test_the_token_of_another_card_is_refused_as_bad_input(signed_in, learner):
    form = shown(signed_in)
    other = (
        Card.objects.filter(chapter__slug="foreign-policy", locked=False)
        .exclude(pk=form["card"])
        .first()
    )
    token = services.card_token(learner=learner, card_id=other.pk)
    response = signed_in.post(SESSION, {**form, "token": token, "rating": "3"})
    assert response.status_code == 302
    assert UNREADABLE in signed_in.get(SESSION).content.decode()
    assert not ReviewLog.objects.exists()


def test_a_recorded_token_sent_with_another_card_is_refused_as_bad_input(signed_in):
    form = shown(signed_in)
    signed_in.post(SESSION, {**form, "rating": "3"})
    other = shown(signed_in)["card"]
    response = signed_in.post(SESSION, {**form, "card": other, "rating": "3"})
    assert response.status_code == 302
    assert UNREADABLE in signed_in.get(SESSION).content.decode()
    assert ReviewLog.objects.count() == 1


def test_the_service_refuses_unreadable_tokens_without_raising(learner):
    deck = selectors.deck_get(course_slug="lenin", chapter_slug="foreign-policy")
    card = selectors.deck_cards(deck=deck, viewer=learner).first()
    for token in BAD_TOKENS.values():
        outcome = services.card_review_record(
            learner=learner, card=card, rating=Rating.GOOD, token=token, now=NOW
        )
        assert not outcome.recorded and outcome.reason == "unreadable"
    assert not ReviewLog.objects.exists()


JUNK = st.text(st.characters(codec="utf-8"), max_size=80) | st.integers().map(str)


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_no_rating_form_whatever_it_holds_is_a_server_error(signed_in, data):
    """Each field holds what the page sent, junk, or nothing; the answer is never a 500."""
    form = {**shown(signed_in), "rating": "3", "shown_at": "1"}
    fields = {}
    for name in ("card", "token", "page", "rating", "shown_at", "action"):
        kind = data.draw(st.sampled_from(["shown", "junk", "absent"]), label=name)
        if kind == "junk":
            fields[name] = data.draw(JUNK, label=f"{name} junk")
        elif kind == "shown" and name in form:
            fields[name] = form[name]
    response = signed_in.post(SESSION, fields)
    assert response.status_code in (302, 404)
    for log in ReviewLog.objects.filter(kind="review"):
        assert services.token_readable(log.token)


@pytest.mark.parametrize("junk", BAD_TOKENS.values(), ids=BAD_TOKENS.keys())
def test_the_other_study_forms_read_junk_as_bad_input(signed_in, learner, junk):
    """Undo, suspend and settings carry no token; junk in any field is still bad input."""
    card = Card.objects.filter(chapter__slug="foreign-policy").first()
    undo = signed_in.post(SESSION, {"action": "undo", "token": junk, "page": junk})
    assert undo.status_code == 302
    for action in ("suspend", "unsuspend"):
        for target in (junk, f"/{junk}", f"//{junk}"):
            response = signed_in.post(
                f"/cards/{card.pk}/{action}/", {"next": target, "token": junk}
            )
            assert response.status_code == 302
            assert response["Location"].startswith("/")
            assert not response["Location"].startswith("//")
    response = signed_in.post(
        "/settings/study/",
        {
            "desired_retention": junk,
            "new_cards_per_day": junk,
            "time_zone": junk,
            "day_starts_at": junk,
            "token": junk,
        },
    )
    assert response.status_code == 200 and "field-invalid" in response.content.decode()
    prefs = selectors.learner_settings_get(learner=learner)
    assert (prefs.new_cards_per_day, prefs.time_zone) == (20, "UTC"), "unchanged"
    assert not ReviewLog.objects.exists()


# --- 11. two first reviews at once: one settings row, no duplicate-key error ----------


@pytest.mark.django_db(transaction=True)
def test_two_first_reviews_at_once_make_one_settings_row_without_an_error(caplog):
    course_import(path=SAMPLE_COURSE)
    learner = User.objects.create_user("fresh@example.com", PASSWORD)
    deck = selectors.deck_get(course_slug="lenin", chapter_slug="foreign-policy")
    cards = list(selectors.deck_cards(deck=deck, viewer=learner)[:2])
    forms = [
        {
            "card": card.pk,
            "token": services.card_token(learner=learner, card_id=card.pk),
            "rating": "3",
        }
        for card in cards
    ]
    tabs = []
    for _ in forms:
        client = Client()
        client.force_login(learner)
        tabs.append(client)
    # Both transactions read "no settings row yet" before either inserts one. Only a
    # database with row locks lets them meet there (PostgreSQL: SELECT … FOR UPDATE);
    # SQLite's IMMEDIATE transactions run one after the other, and its SQL has no FOR UPDATE.
    met = threading.Barrier(len(forms), timeout=10)
    database_errors: list[BaseException] = []
    errors: list[BaseException] = []
    statuses: list[int] = []

    def spy(execute, sql, params, many, context):
        try:
            result = execute(sql, params, many, context)
        except IntegrityError as error:  # even when the ORM catches it, it was logged
            database_errors.append(error)
            raise
        locking = "study_learnersettings" in sql and "FOR UPDATE" in sql
        if locking and not getattr(local, "met", False):
            local.met = True
            met.wait()
        return result

    local = threading.local()

    def tab(n: int) -> None:
        try:
            with connection.execute_wrapper(spy):
                statuses.append(tabs[n].post(SESSION, forms[n]).status_code)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    with caplog.at_level(logging.WARNING):
        threads = [threading.Thread(target=tab, args=(n,)) for n in range(len(forms))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert errors == [] and statuses == [302, 302]
    assert database_errors == []
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert LearnerSettings.objects.filter(learner=learner).count() == 1
    assert sorted(ReviewLog.objects.values_list("card_id", flat=True)) == sorted(
        c.pk for c in cards
    )


def test_saving_settings_for_the_first_time_makes_the_row(signed_in, learner):
    signed_in.post(
        "/settings/study/",
        {
            "desired_retention": "0.85",
            "new_cards_per_day": "7",
            "time_zone": "Europe/Paris",
            "day_starts_at": "5",
        },
    )
    prefs = LearnerSettings.objects.get(learner=learner)
    assert (prefs.new_cards_per_day, prefs.time_zone) == (7, "Europe/Paris")


# --- 12. an answer from a stale tab is refused aloud, and the next card shown ----------


BAD_PAGES = {
    "non-ASCII": "é" * 16,
    "overlong": "a" * 33,
    "wrong": "undo:1",
}


@pytest.mark.parametrize("page_id", BAD_PAGES.values(), ids=BAD_PAGES.keys())
def test_a_bad_page_id_is_refused_as_bad_input(signed_in, page_id):
    form = shown(signed_in)
    response = signed_in.post(SESSION, {**form, "page": page_id, "rating": "3"})
    assert response.status_code == 302
    assert UNREADABLE in signed_in.get(SESSION).content.decode()
    assert not ReviewLog.objects.exists()


def test_an_answer_without_a_page_id_is_still_recorded(signed_in):
    """Pages rendered before the page id existed still answer."""
    form = shown(signed_in)
    del form["page"]
    signed_in.post(SESSION, {**form, "rating": "3"})
    assert ReviewLog.objects.get().card_id == int(form["card"])


def test_a_second_tab_answering_the_same_card_is_told_and_shown_the_next(signed_in):
    first_tab, second_tab = shown(signed_in), shown(signed_in)
    assert first_tab["card"] == second_tab["card"]
    assert first_tab["token"] == second_tab["token"], "one token for the shown state"
    assert first_tab["page"] != second_tab["page"], "but each page is told apart"
    signed_in.post(SESSION, {**first_tab, "rating": "3"})
    response = signed_in.post(SESSION, {**second_tab, "rating": "1"}, follow=True)
    html = response.content.decode()
    assert ELSEWHERE in html and "here is the next card" in html
    assert ReviewLog.objects.count() == 1
    assert ReviewLog.objects.get().rating == 3, "the first answer stands"
    next_card = shown(signed_in)["card"]
    assert next_card != first_tab["card"]
    assert re.search(rf'name="card" value="{next_card}"', html), "the actual next card"


def test_a_double_submit_of_one_tab_is_recorded_once_and_said_so(signed_in):
    form = shown(signed_in)
    signed_in.post(SESSION, {**form, "rating": "3"})
    response = signed_in.post(SESSION, {**form, "rating": "3"}, follow=True)
    html = response.content.decode()
    assert REPEATED in html and ELSEWHERE not in html
    assert ReviewLog.objects.count() == 1


def test_a_first_answer_says_nothing_of_tabs(signed_in):
    form = shown(signed_in)
    html = signed_in.post(
        SESSION, {**form, "rating": "3"}, follow=True
    ).content.decode()
    assert ELSEWHERE not in html and REPEATED not in html and UNREADABLE not in html


def test_a_tab_left_open_across_an_answer_and_its_undo_is_told(signed_in):
    stale = shown(signed_in)
    fresh = shown(signed_in)
    signed_in.post(SESSION, {**fresh, "rating": "3"})
    signed_in.post(SESSION, {"action": "undo"})
    html = signed_in.post(
        SESSION, {**stale, "rating": "4"}, follow=True
    ).content.decode()
    assert ELSEWHERE in html
    assert ReviewLog.objects.filter(kind="review").count() == 1
    assert shown(signed_in)["card"] == stale["card"], "the undone card is next again"


@pytest.mark.django_db(transaction=True)
def test_two_tabs_sending_the_same_card_at_once_record_one_review_and_one_is_told():
    course_import(path=SAMPLE_COURSE)
    learner = User.objects.create_user("race@example.com", PASSWORD)
    browser = Client()  # tabs of one browser share the session cookie
    browser.force_login(learner)
    pages = [shown(browser), shown(browser)]
    barrier = threading.Barrier(2, timeout=30)
    results: list[str] = []
    errors: list[BaseException] = []

    def tab(n: int) -> None:
        client = Client()
        client.cookies = browser.cookies
        try:
            barrier.wait()
            response = client.post(
                SESSION, {**pages[n], "rating": str(n + 2)}, follow=True
            )
            results.append(response.content.decode())
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=tab, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert ReviewLog.objects.count() == 1
    assert sum(ELSEWHERE in html for html in results) == 1
