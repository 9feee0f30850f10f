"""Issue 11, the study loop under many learners: fewer statements, same behaviour."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from django.test import Client

from revise.accounts.models import User
from revise.catalog.services import course_import
from revise.study import queue_sql, selectors, services
from revise.study.models import Card, ReviewLog
from revise.study.scheduling import Rating
from tests.conftest import SAMPLE_COURSE

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
SESSION = "/study/lenin/foreign-policy/"


@pytest.fixture
def learner(db):
    course_import(path=SAMPLE_COURSE)
    return User.objects.create_user("learner@example.com", "a long enough password")


@pytest.fixture
def signed_in(client: Client, learner):
    client.force_login(learner)
    return client


def shown(client: Client) -> dict[str, str]:
    html = client.get(SESSION).content.decode()
    return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html))


def test_a_course_deck_lists_its_chapters_in_order(learner):
    deck = selectors.deck_get(course_slug="lenin")
    chapters = deck.course.chapter_list
    slugs = [chapter.slug for chapter in chapters]
    assert len(chapters) == len(slugs) > 1
    assert [c.position for c in chapters] == sorted(c.position for c in chapters)
    assert chapters[-1].slug == slugs[-1] and chapters[0].slug == slugs[0]
    assert [c.slug for c in chapters[1:]] == slugs[1:]
    assert all(chapter.course is deck.course for chapter in chapters)


def test_a_chapter_deck_gives_its_cards_their_chapter(learner):
    deck = selectors.deck_get(course_slug="lenin", chapter_slug="foreign-policy")
    item = selectors.study_next(deck=deck, learner=learner, now=NOW)
    assert item.card.chapter is deck.chapter
    course_deck = selectors.deck_get(course_slug="lenin")
    item = selectors.study_next(deck=course_deck, learner=learner, now=NOW)
    assert item.card.chapter.pk == item.card.chapter_id
    assert item.card.chapter.get_absolute_url().startswith("/")


def test_an_answer_whose_token_raced_in_is_recorded_once(learner, monkeypatch):
    """If another answer with the same token is logged between the check and the
    insert, the insert adds nothing and the answer is refused as already recorded."""
    deck = selectors.deck_get(course_slug="lenin", chapter_slug="foreign-policy")
    item = selectors.study_next(deck=deck, learner=learner, now=NOW)
    page = services.page_id()
    first = services.card_review_record(
        learner=learner,
        card=item.card,
        rating=Rating.GOOD,
        token=item.token,
        now=NOW,
        page=page,
    )
    assert first.recorded
    reads = queue_sql.answer_reads
    monkeypatch.setattr(
        queue_sql,
        "answer_reads",
        lambda **kw: reads(**kw).__class__(
            **{**reads(**kw).__dict__, "token_used": False, "last_log_id": None}
        ),
    )
    again = services.card_review_record(
        learner=learner,
        card=item.card,
        rating=Rating.GOOD,
        token=item.token,
        now=NOW,
        page=page,
    )
    assert not again.recorded and again.reason == services.REPEATED
    assert ReviewLog.objects.filter(learner=learner).count() == 1


def test_a_recorded_answer_logs_what_the_orm_would(signed_in, learner):
    form = shown(signed_in)
    signed_in.post(SESSION, {**form, "rating": "1"}, HTTP_X_REVISE_NEXT="card")
    log = ReviewLog.objects.get(learner=learner)
    assert log.card_id == int(form["card"]) and log.token == form["token"]
    assert log.kind == ReviewLog.Kind.REVIEW and log.rating == 1
    assert log.state_before is None and log.state_after["state"] == 1
    assert log.page == form["page"] and log.parameters_id is None
    assert log.undoes_id is None and log.duration_ms is not None
    assert Card.objects.get(pk=log.card_id).course.slug == "lenin"


def test_an_answer_with_the_next_card_costs_no_more_statements_than_before(
    signed_in, django_assert_max_num_queries
):
    form = shown(signed_in)
    signed_in.post(SESSION, {**form, "rating": "3"}, HTTP_X_REVISE_NEXT="card")
    form = shown(signed_in)
    # Session, user, course, card; the answer's transaction; the next card's page.
    with django_assert_max_num_queries(18):
        signed_in.post(SESSION, {**form, "rating": "3"}, HTTP_X_REVISE_NEXT="card")
