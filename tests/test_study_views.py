"""Studying through the pages, as a learner (or a visitor) does with plain forms."""

from __future__ import annotations

import re
import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client

from revise.accounts.models import User
from revise.catalog.services import course_import
from revise.study import selectors
from revise.study.models import Card, CardState, LearnerSettings, ReviewLog
from tests.conftest import SAMPLE_COURSE

PASSWORD = "a long enough password"
DECK = "/decks/lenin/foreign-policy/"
SESSION = "/study/lenin/foreign-policy/"


@pytest.fixture
def learner(db):
    course_import(path=SAMPLE_COURSE)
    return User.objects.create_user("learner@example.com", PASSWORD)


@pytest.fixture
def signed_in(client, learner):
    client.force_login(learner)
    return client


def shown(client) -> dict[str, str]:
    html = client.get(SESSION).content.decode()
    return {
        "card": re.search(r'name="card" value="(\d+)"', html).group(1),
        "token": re.search(r'name="token" value="(\w+)"', html).group(1),
    }


def test_session_shows_the_prompt_then_the_answer_without_javascript(signed_in):
    html = signed_in.get(SESSION).content.decode()
    assert 'id="answer" hidden' in html
    assert 'href="?show=1"' in html
    assert re.search(r'data-rating="1"[^>]*>\s*<span class="interval">1m</span>', html)
    shown_page = signed_in.get(SESSION + "?show=1").content.decode()
    assert 'id="answer" hidden' not in shown_page
    assert "Open the source" in shown_page


def test_rating_records_a_review_and_redirects_to_the_next_card(signed_in, learner):
    form = shown(signed_in)
    response = signed_in.post(SESSION, {**form, "rating": "3", "shown_at": "1"})
    assert response.status_code == 302 and response["Location"] == SESSION
    assert ReviewLog.objects.get().card_id == int(form["card"])
    assert shown(signed_in)["card"] != form["card"]


def test_resubmitting_the_same_answer_records_it_once(signed_in):
    form = shown(signed_in)
    for _ in range(3):
        signed_in.post(SESSION, {**form, "rating": "4"})
    assert ReviewLog.objects.count() == 1


def test_undo_by_form_puts_the_card_back(signed_in):
    form = shown(signed_in)
    signed_in.post(SESSION, {**form, "rating": "3"})
    signed_in.post(SESSION, {"action": "undo"})
    assert not CardState.objects.exists()
    assert shown(signed_in)["card"] == form["card"]
    signed_in.post(SESSION, {"action": "undo"})
    assert ReviewLog.objects.filter(kind="undo").count() == 1


def test_undo_on_a_deck_undoes_only_an_answer_given_on_that_deck(signed_in):
    form = shown(signed_in)  # a card of the foreign-policy chapter
    signed_in.post(SESSION, {**form, "rating": "3"})
    other = "/study/lenin/rise-to-power/"
    assert 'id="undo"' not in signed_in.get(other).content.decode()
    page = signed_in.post(other, {"action": "undo"}, follow=True).content.decode()
    assert "There is nothing to undo on this deck." in page
    assert not ReviewLog.objects.filter(kind="undo").exists()
    assert CardState.objects.filter(card_id=form["card"]).exists()
    # the course's deck holds the chapter's cards: undo is offered there, and works
    course = "/study/lenin/"
    assert 'id="undo"' in signed_in.get(course).content.decode()
    assert 'id="undo"' in signed_in.get(SESSION).content.decode()
    page = signed_in.post(course, {"action": "undo"}, follow=True).content.decode()
    assert "Undone: that card is back." in page
    assert not CardState.objects.exists()


def test_forged_answers_are_refused_cleanly(signed_in, learner):
    form = shown(signed_in)
    assert signed_in.post(SESSION, {**form, "rating": "9"}).status_code == 302
    other_deck = Card.objects.exclude(chapter__slug="foreign-policy").first()
    response = signed_in.post(
        SESSION, {"card": other_deck.pk, "token": form["token"], "rating": "3"}
    )
    assert response.status_code == 404
    assert not ReviewLog.objects.exists()


def test_deck_page_shows_counts_sources_and_changes_after_study(signed_in, learner):
    html = signed_in.get(DECK).content.decode()
    total = Card.objects.filter(
        chapter__slug="foreign-policy", retired_at__isnull=True
    ).count()
    assert f'data-count="new">{total}<' in html
    assert 'data-count="learning">0<' in html
    assert "open the source" in html and 'href="/courses/lenin/foreign-policy/#' in html
    form = shown(signed_in)
    signed_in.post(SESSION, {**form, "rating": "1"})
    html = signed_in.get(DECK).content.decode()
    assert f'data-count="new">{total - 1}<' in html
    assert 'data-count="learning">1<' in html
    assert "Next card due in" in html
    # a minute later the card is due: the page says so, not the card after it
    state = CardState.objects.get()
    CardState.objects.filter(pk=state.pk).update(due=state.due - timedelta(minutes=2))
    html = signed_in.get(DECK).content.decode()
    assert "Cards are due now." in html and "Next card due" not in html


def test_visitors_try_free_cards_without_saving_anything(client, learner):
    html = client.get(SESSION).content.decode()
    assert "nothing is saved" in html
    free = Card.objects.filter(chapter__slug="foreign-policy", locked=False).count()
    assert f"of {free}" in html
    locked = Card.objects.filter(chapter__slug="foreign-policy", locked=True)
    pages = "".join(
        client.get(f"{SESSION}?i={i}&show=1").content.decode() for i in range(free + 1)
    )
    assert not [c.front_text for c in locked if c.front_text in pages]
    assert (
        client.post(SESSION, {"card": "1", "token": "x", "rating": "3"}).status_code
        == 302
    )
    assert not ReviewLog.objects.exists()


def test_suspend_and_bring_back_from_the_deck_page(signed_in, learner):
    card = Card.objects.filter(chapter__slug="foreign-policy").first()
    signed_in.post(f"/cards/{card.pk}/suspend/", {"next": DECK})
    html = signed_in.get(DECK).content.decode()
    assert "Suspended" in html and "Bring back" in html
    signed_in.post(f"/cards/{card.pk}/unsuspend/", {"next": DECK})
    assert "Suspended" not in signed_in.get(DECK).content.decode()


def test_visitors_cannot_suspend(client, learner):
    card = Card.objects.first()
    assert client.post(f"/cards/{card.pk}/suspend/").status_code == 302
    assert client.get(f"/cards/{card.pk}/suspend/").status_code in (302, 405)


def test_settings_validate_retention_and_time_zone(signed_in, learner):
    response = signed_in.post(
        "/settings/study/",
        {
            "desired_retention": "0.99",
            "new_cards_per_day": "10",
            "time_zone": "Mars/Olympus",
            "day_starts_at": "4",
        },
    )
    html = response.content.decode()
    assert "0.97" in html and "Select a valid choice" in html
    assert not LearnerSettings.objects.exists()
    signed_in.post(
        "/settings/study/",
        {
            "desired_retention": "0.85",
            "new_cards_per_day": "10",
            "time_zone": "Europe/Paris",
            "day_starts_at": "5",
        },
    )
    prefs = LearnerSettings.objects.get(learner=learner)
    assert (
        prefs.desired_retention,
        prefs.new_cards_per_day,
        prefs.time_zone,
        prefs.day_starts_at,
    ) == (
        0.85,
        10,
        "Europe/Paris",
        5,
    )


def test_the_time_zones_offered_are_places_and_a_learners_own_is_kept(
    signed_in, learner
):
    html = signed_in.get("/settings/study/").content.decode()
    offered = re.findall(r'<option value="([^"]+)"', html)
    assert "Europe/London" in offered and "UTC" in offered
    assert not {"localtime", "Factory", "GB", "Etc/GMT+5"} & set(offered)
    # a zone saved before (an alias) is still offered, selected, and saves again
    LearnerSettings.objects.update_or_create(
        learner=learner, defaults={"time_zone": "GB"}
    )
    html = signed_in.get("/settings/study/").content.decode()
    assert '<option value="GB" selected>' in html
    values = {
        "desired_retention": "0.9",
        "new_cards_per_day": "20",
        "day_starts_at": "4",
    }
    signed_in.post("/settings/study/", {**values, "time_zone": "GB"})
    assert LearnerSettings.objects.get(learner=learner).time_zone == "GB"
    response = signed_in.post("/settings/study/", {**values, "time_zone": "Factory"})
    assert "Select a valid choice" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_two_tabs_answering_at_once_never_corrupt_a_state():
    """Concurrent answers for one learner are serialised: the log replays to the live state."""
    course_import(path=SAMPLE_COURSE)
    learner = User.objects.create_user("tabs@example.com", PASSWORD)
    errors: list[BaseException] = []
    barrier = threading.Barrier(4, timeout=30)
    tabs = []
    for _ in range(4):  # four tabs of one browser session would share a cookie
        client = Client()
        client.force_login(learner)
        tabs.append(client)

    def tab(seed: int) -> None:
        client = tabs[seed]
        try:
            barrier.wait()
            for _ in range(12):
                form = shown(client)
                client.post(
                    SESSION, {**form, "rating": str(1 + (seed + int(form["card"])) % 4)}
                )
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=tab, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    reviews = ReviewLog.objects.filter(kind="review")
    assert reviews.count() >= 12
    assert reviews.values("token").distinct().count() == reviews.count()
    from revise.study.services import card_states_rebuild

    assert card_states_rebuild(dry_run=True).changed == 0
    deck = selectors.deck_get(course_slug="lenin", chapter_slug="foreign-policy")
    assert selectors.deck_counts(
        deck=deck, learner=learner, now=reviews.last().reviewed_at
    ).total


def test_the_eighth_lapse_shows_the_leech_with_its_source(signed_in, learner):
    from datetime import timedelta

    from django.utils import timezone

    from revise.study import services
    from revise.study.scheduling import Rating

    card = Card.objects.filter(chapter__slug="foreign-policy").first()
    now = timezone.now() - timedelta(days=3000)
    while True:
        state = CardState.objects.filter(card=card).first()
        if state and state.lapses == 7 and state.state == 2:
            break
        rating = Rating.AGAIN if state and state.state == 2 else Rating.GOOD
        token = services.card_token(learner=learner, card_id=card.pk)
        services.card_review_record(
            learner=learner, card=card, rating=rating, token=token, now=now
        )
        now += timedelta(days=40)
    form = shown(signed_in)
    assert form["card"] == str(card.pk)
    html = signed_in.post(
        SESSION, {**form, "rating": "1"}, follow=True
    ).content.decode()
    assert "Leech: you have forgotten" in html
    deck = signed_in.get(DECK).content.decode()
    assert 'class="leech"' in deck and "Leech" in deck


def test_deleting_an_account_deletes_its_review_history(signed_in, learner):
    form = shown(signed_in)
    signed_in.post(SESSION, {**form, "rating": "3"})
    signed_in.post(SESSION, {"action": "undo"})
    response = signed_in.post("/accounts/delete/", {"password": PASSWORD})
    assert response.status_code == 302
    assert not ReviewLog.objects.exists() and not User.objects.exists()
    assert Card.objects.exists()


def test_rebuild_command_reports_what_it_checked(learner, capsys):
    from django.core.management import call_command

    from revise.study import services

    deck = selectors.deck_get(course_slug="lenin", chapter_slug="foreign-policy")
    from django.utils import timezone

    item = selectors.study_next(deck=deck, learner=learner, now=timezone.now())
    services.card_review_record(
        learner=learner, card=item.card, rating=3, token=item.token, now=timezone.now()
    )
    CardState.objects.update(reps=99)
    call_command("rebuild_card_states", "--dry-run")
    assert "checked 1 card states; would change 1" in capsys.readouterr().out
    call_command("rebuild_card_states")
    assert CardState.objects.get().reps == 1


def test_deck_page_lists_cards_a_page_at_a_time(signed_in, learner, monkeypatch):
    monkeypatch.setattr(selectors, "CARDS_PER_PAGE", 10)
    total = Card.objects.filter(
        chapter__slug="foreign-policy", retired_at__isnull=True
    ).count()
    first = signed_in.get(DECK).content.decode()
    assert f"Cards ({total})" in first
    assert first.count('class="source"') == 10
    assert "Page 1 of" in first and 'href="?page=2"' in first
    last = signed_in.get(DECK + "?page=999").content.decode()
    assert last.count('class="source"') == (total % 10 or 10)
    assert signed_in.get(DECK + "?page=abc").status_code == 200


def test_an_answer_sent_by_the_script_is_answered_with_the_next_card(signed_in):
    first = shown(signed_in)
    response = signed_in.post(
        SESSION + "?show=1",
        {**first, "rating": "3"},
        headers={"X-Revise-Next": "card"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="answer" hidden' in html, "the next card starts with its answer hidden"
    after = re.search(r'name="card" value="(\d+)"', html).group(1)
    assert after != first["card"]
    assert ReviewLog.objects.count() == 1
    # The same answer again (a retry): told, not recorded twice, still the next card.
    again = signed_in.post(
        SESSION, {**first, "rating": "3"}, headers={"X-Revise-Next": "card"}
    ).content.decode()
    assert "already answered in another tab" in again  # no page id: another page
    assert re.search(r'name="card" value="(\d+)"', again).group(1) == after
    assert ReviewLog.objects.count() == 1


def test_a_plain_answer_is_redirected_to_the_study_page(signed_in):
    response = signed_in.post(SESSION, {**shown(signed_in), "rating": "3"})
    assert response.status_code == 302 and response.url == SESSION


def test_an_answer_for_a_card_number_past_any_key_is_refused_not_a_crash(signed_in):
    response = signed_in.post(
        SESSION, {**shown(signed_in), "card": str(10**30), "rating": "3"}
    )
    assert response.status_code == 302
    assert ReviewLog.objects.count() == 0
