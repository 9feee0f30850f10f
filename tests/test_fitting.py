"""FSRS parameters fitted to each learner: the fit, the "only if better" rule, the queue,
the command, and a review log that still rebuilds the same states after a fit."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import fsrs
import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from revise.accounts.models import User
from revise.catalog.services import course_import
from revise.study import fitting, scheduling, services
from revise.study.models import Card, LearnerSettings, ParameterFit, ReviewLog
from revise.study.scheduling import DEFAULT_PARAMETERS, Rating
from tests.conftest import SAMPLE_COURSE

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
PASSWORD = "a long enough password"
# A learner who forgets much faster than the FSRS defaults assume (initial stabilities
# and the growth of stability cut), scheduled by the defaults until fitted.
TRUE = (0.05, 0.2, 0.5, 1.5, *DEFAULT_PARAMETERS[4:8], 1.0, *DEFAULT_PARAMETERS[9:])


# --- the fit, pure ---------------------------------------------------------------------


def test_fit_on_a_synthetic_learner_beats_the_defaults_on_held_out_reviews():
    reviews = fitting.simulate(TRUE, reviews=3000, seed=7)
    result = fitting.fit_and_score(reviews)
    assert result is not None
    assert result.fitted.count > 300
    assert result.fitted.log_loss < result.default.log_loss
    assert result.fitted.rmse < result.default.rmse
    assert result.better
    # Values the ``fsrs`` scheduler accepts (it refuses parameters out of its bounds).
    fsrs.Scheduler(parameters=result.parameters)
    # The initial stabilities move from the defaults towards the true learner's.
    assert abs(result.parameters[2] - TRUE[2]) < abs(DEFAULT_PARAMETERS[2] - TRUE[2])


def test_split_is_in_time_and_scores_only_reviews_after_a_day():
    reviews = [
        fitting.Review(card=1, day=0, rating=3),
        fitting.Review(card=1, day=0, rating=3),
        fitting.Review(card=1, day=3, rating=3),
        fitting.Review(card=2, day=4, rating=3),
        fitting.Review(card=1, day=10, rating=1),
        fitting.Review(card=2, day=10, rating=3),
        fitting.Review(card=2, day=10, rating=3),
        fitting.Review(card=1, day=20, rating=3),
        fitting.Review(card=1, day=20, rating=3),
        fitting.Review(card=2, day=30, rating=3),
    ]
    train, test = fitting.items_split(reviews, holdout=0.5)
    assert len(train) == 3  # positions 1, 2, 4 (a card's first review is no item)
    # Held out: positions 5..9; 6 and 8 are same-day, 7 is card 1 after 10 days.
    assert [(t.delta_t, t.recalled, t.number, t.lapses) for t in test] == [
        (6, True, 2, 0),
        (10, True, 5, 1),
        (20, True, 4, 0),
    ]


def test_score_uses_log_loss_and_binned_rmse():
    target = fitting.Target(history=None, delta_t=1, recalled=True, number=2, lapses=0)  # type: ignore[arg-type]
    scored = fitting.score([0.8, 0.6], [target, target])
    assert scored.count == 2
    assert scored.log_loss == pytest.approx(0.5 * (0.22314355 + 0.51082562))
    assert scored.rmse == pytest.approx(0.3)  # one bin: mean 0.7 against 1.0


# --- a learner in the database ---------------------------------------------------------


@pytest.fixture
def learner(db):
    course_import(path=SAMPLE_COURSE)
    return User.objects.create_user("learner@example.com", PASSWORD)


def _cards(count: int) -> list[Card]:
    template = Card.objects.order_by("pk").first()
    Card.objects.bulk_create(
        Card(
            course=template.course,
            chapter=template.chapter,
            key=f"fit-test-{index}",
            position=10_000 + index,
            sequence=10_000 + index,
            front_html="<p>Q</p>",
            back_html="<p>A</p>",
            front_text="Q",
        )
        for index in range(count)
    )
    return list(Card.objects.filter(key__startswith="fit-test-").order_by("position"))


def _history(learner: User, reviews: list[fitting.Review]) -> None:
    """Write a simulated history as the service would have: logs, then states."""
    cards = _cards(max(review.card for review in reviews) + 1)
    start = NOW - timedelta(days=reviews[-1].day + 1)
    memories: dict[int, scheduling.Memory | None] = {}
    logs = []
    for number, review in enumerate(reviews):
        card = cards[review.card]
        at = start + timedelta(days=review.day, seconds=number)
        before = memories.get(card.pk)
        after = scheduling.review(
            before, card_id=card.pk, rating=Rating(review.rating), now=at, retention=0.9
        )
        memories[card.pk] = after
        logs.append(
            ReviewLog(
                learner=learner,
                card=card,
                rating=review.rating,
                reviewed_at=at,
                retention=0.9,
                state_before=before.to_json() if before else None,
                state_after=after.to_json(),
                token=f"sim:{number}",
            )
        )
    ReviewLog.objects.bulk_create(logs, batch_size=500)
    services.card_states_rebuild(learner=learner)


def _answer(learner: User, card: Card, rating: Rating, now: datetime):
    token = services.card_token(learner=learner, card_id=card.pk)
    outcome = services.card_review_record(
        learner=learner, card=card, rating=rating, token=token, now=now
    )
    assert outcome.recorded
    return outcome.log


def test_too_few_reviews_are_not_fitted(learner):
    _history(learner, fitting.simulate(TRUE, reviews=300, seed=1))
    assert fitting.learner_fit(learner_id=learner.pk, now=NOW) is None
    assert not ParameterFit.objects.exists()


def test_a_winning_fit_is_put_in_force_and_a_rebuild_reproduces_the_states(learner):
    _history(learner, fitting.simulate(TRUE, reviews=1500, seed=3))
    fit = fitting.learner_fit(learner_id=learner.pk, now=NOW)
    assert fit is not None and fit.kept
    assert fit.log_loss < fit.baseline_log_loss == fit.default_log_loss
    assert fit.reviews == 1500 and fit.test_reviews > 0
    prefs = LearnerSettings.objects.get(learner=learner)
    assert prefs.parameters == fit and prefs.last_fit == fit
    # No mass rewrite: states are as they were.
    assert services.card_states_rebuild(learner=learner, dry_run=True).changed == 0

    # From the next review on, the fitted parameters schedule, and the log says so.
    states = {s.card_id: s for s in learner.card_states.all()}
    cards = list(Card.objects.filter(pk__in=list(states)[:40]))
    later = NOW + timedelta(days=2)
    for index, card in enumerate(cards):
        rating = Rating(1 + index % 4)
        log = _answer(learner, card, rating, later + timedelta(minutes=index))
        assert log.parameters_id == fit.pk
        default = scheduling.review(
            services.memory_of(states[card.pk]),
            card_id=card.pk,
            rating=rating,
            now=log.reviewed_at,
            retention=0.9,
        )
        assert (
            log.state_after
            == scheduling.review(
                services.memory_of(states[card.pk]),
                card_id=card.pk,
                rating=rating,
                now=log.reviewed_at,
                retention=0.9,
                parameters=fit.parameters,
            ).to_json()
        )
        if index == 0:
            assert log.state_after != default.to_json()
    services.review_undo(learner=learner, now=later + timedelta(hours=1))

    cached = {s.card_id: services.memory_of(s) for s in learner.card_states.all()}
    assert services.card_states_rebuild(learner=learner, dry_run=True).changed == 0
    learner.card_states.all().delete()
    report = services.card_states_rebuild(learner=learner)
    assert report.changed == len(cached)
    rebuilt = {s.card_id: services.memory_of(s) for s in learner.card_states.all()}
    assert rebuilt == cached


def test_a_fit_that_does_not_win_is_recorded_but_not_used(learner, monkeypatch):
    _history(learner, fitting.simulate(TRUE, reviews=1200, seed=5))
    bad = (0.01, 0.01, 0.01, 0.01, *DEFAULT_PARAMETERS[4:])  # forgets everything
    monkeypatch.setattr(fitting, "fit", lambda train: bad)
    fit = fitting.learner_fit(learner_id=learner.pk, now=NOW)
    assert fit is not None and not fit.kept
    assert fit.log_loss > fit.baseline_log_loss
    prefs = LearnerSettings.objects.get(learner=learner)
    assert prefs.parameters is None and prefs.last_fit == fit

    card = Card.objects.filter(key__startswith="fit-test-").first()
    log = _answer(learner, card, Rating.GOOD, NOW + timedelta(days=1))
    assert log.parameters_id is None  # still the defaults


def test_a_fit_that_is_no_better_than_the_one_in_force_does_not_replace_it(learner):
    _history(learner, fitting.simulate(TRUE, reviews=1500, seed=3))
    first = fitting.learner_fit(learner_id=learner.pk, now=NOW)
    assert first.kept
    second = fitting.learner_fit(learner_id=learner.pk, now=NOW + timedelta(hours=1))
    # The same reviews give the same parameters: equal loss is no win.
    assert second.baseline_log_loss == pytest.approx(first.log_loss)
    assert not second.kept
    prefs = LearnerSettings.objects.get(learner=learner)
    assert prefs.parameters == first and prefs.last_fit == second


def test_a_fit_is_queued_after_enough_reviews_and_not_done_in_the_request(
    learner, client
):
    cards = list(Card.objects.order_by("pk")[:3])
    LearnerSettings.objects.create(
        learner=learner, reviews_since_fit=fitting.MIN_REVIEWS - 2
    )
    _answer(learner, cards[0], Rating.GOOD, NOW)
    assert not DBTaskResult.objects.exists()
    _answer(learner, cards[1], Rating.GOOD, NOW + timedelta(minutes=1))
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "revise.study.tasks.learner_parameters_fit"
    assert queued.args_kwargs["args"] == [learner.pk]
    assert queued.status == "READY"
    assert not ParameterFit.objects.exists()  # queued, not done
    prefs = LearnerSettings.objects.get(learner=learner)
    assert prefs.reviews_since_fit == 0

    # After a first fit, the next one is queued every FIT_EVERY reviews.
    prefs.last_fit = ParameterFit.objects.create(
        learner=learner,
        fitted_at=NOW,
        parameters=list(DEFAULT_PARAMETERS),
        reviews=1000,
        train_reviews=800,
        test_reviews=150,
        log_loss=0.3,
        rmse=0.05,
        baseline_log_loss=0.3,
        baseline_rmse=0.05,
        default_log_loss=0.3,
        default_rmse=0.05,
        kept=False,
    )
    prefs.reviews_since_fit = fitting.FIT_EVERY - 1
    prefs.save()
    _answer(learner, cards[2], Rating.GOOD, NOW + timedelta(minutes=2))
    assert DBTaskResult.objects.count() == 2


def test_only_recorded_answers_count_towards_the_next_fit(learner):
    cards = list(Card.objects.order_by("pk")[:2])
    token = services.card_token(learner=learner, card_id=cards[0].pk)
    first = services.card_review_record(
        learner=learner, card=cards[0], rating=Rating.GOOD, token=token, now=NOW
    )
    assert first.recorded
    count = LearnerSettings.objects.get(learner=learner).reviews_since_fit
    assert count == 1
    refused = [
        # the same answer again, and a token of another card
        (cards[0], token),
        (cards[1], token),
        # a token the card was never shown with
        (cards[1], "0" * services.TOKEN_LENGTH),
    ]
    for card, sent in refused:
        outcome = services.card_review_record(
            learner=learner, card=card, rating=Rating.GOOD, token=sent, now=NOW
        )
        assert not outcome.recorded
    assert LearnerSettings.objects.get(learner=learner).reviews_since_fit == count
    assert ReviewLog.objects.filter(learner=learner).count() == 1


def test_answering_through_the_page_queues_the_fit_and_does_not_fit(
    learner, client, monkeypatch
):
    _history(learner, fitting.simulate(TRUE, reviews=1200, seed=9))
    LearnerSettings.objects.create(
        learner=learner, reviews_since_fit=fitting.MIN_REVIEWS - 1
    )
    monkeypatch.setattr(
        fitting, "fit", lambda train: pytest.fail("fitted in a request")
    )
    client.force_login(learner)
    session = "/study/lenin/foreign-policy/"
    html = client.get(session).content.decode()
    form = {
        name: re.search(rf'name="{name}" value="(\w*)"', html).group(1)
        for name in ("card", "token", "page")
    }
    response = client.post(session, {**form, "rating": "3", "shown_at": "1"})
    assert response.status_code == 302
    assert DBTaskResult.objects.get().task_path == (
        "revise.study.tasks.learner_parameters_fit"
    )
    assert not ParameterFit.objects.exists()


def test_the_task_fits_when_the_worker_runs_it(learner):
    from revise.study.tasks import learner_parameters_fit

    _history(learner, fitting.simulate(TRUE, reviews=1200, seed=9))
    learner_parameters_fit.call(learner.pk)
    assert ParameterFit.objects.filter(learner=learner).count() == 1


def test_the_command_fits_on_demand(learner, capsys):
    other = User.objects.create_user("other@example.com", PASSWORD)
    _history(learner, fitting.simulate(TRUE, reviews=1200, seed=11))
    call_command("fit_parameters", "--learner", "Learner@example.com")
    out = capsys.readouterr().out
    assert "learner@example.com: fitted on 1200 reviews" in out
    assert "kept" in out
    card = Card.objects.order_by("pk").first()
    _answer(other, card, Rating.GOOD, NOW)
    call_command("fit_parameters", "--all")
    out = capsys.readouterr().out
    assert "other@example.com: fewer than 1000 reviews, not fitted" in out
    assert ParameterFit.objects.filter(learner=learner).count() == 2
    with pytest.raises(Exception, match="no learner"):
        call_command("fit_parameters", "--learner", "nobody@example.com")


def test_the_settings_page_shows_the_fit(learner, client):
    client.force_login(learner)
    page = client.get("/settings/study/").content.decode()
    assert "default parameters" in page
    _history(learner, fitting.simulate(TRUE, reviews=1500, seed=3))
    fit = fitting.learner_fit(learner_id=learner.pk, now=NOW)
    page = client.get("/settings/study/").content.decode()
    assert "fitted to your reviews on 27 November 2026" in page
    assert f"log loss {fit.log_loss:.3f} vs {fit.default_log_loss:.3f}" in page


def test_a_learner_with_fits_can_be_deleted(learner):
    _history(learner, fitting.simulate(TRUE, reviews=1500, seed=3))
    fit = fitting.learner_fit(learner_id=learner.pk, now=NOW)
    assert fit.kept
    card = Card.objects.filter(key__startswith="fit-test-").first()
    assert (
        _answer(learner, card, Rating.GOOD, NOW + timedelta(days=1)).parameters == fit
    )
    learner.delete()
    assert not ParameterFit.objects.exists() and not ReviewLog.objects.exists()
