"""The exam planner: a day-by-day plan that peaks on the exam day, within a budget."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

import pytest

from revise.study import exam as planner
from revise.study.exam import (
    FINAL_DAYS,
    NEW_STOP_DAYS,
    ExamCard,
    Model,
    exam_due,
    exam_plan,
    exam_today,
)
from revise.study.scheduling import Memory, Rating, review

TODAY = date(2026, 3, 2)


def moment(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


def memory(*, stability: float, difficulty: float, days_ago: int) -> Memory:
    last = moment(TODAY - timedelta(days=days_ago))
    return Memory(
        state=2,
        step=None,
        stability=stability,
        difficulty=difficulty,
        due=last + timedelta(days=max(1, round(stability))),
        last_review=last,
        reps=3,
        lapses=0,
    )


def course(seen: int, new: int, *, seed: int = 1) -> list[ExamCard]:
    rng = random.Random(seed)
    cards = [
        ExamCard(
            id=i,
            memory=memory(
                stability=rng.uniform(1, 40),
                difficulty=rng.uniform(3, 8),
                days_ago=rng.randint(1, 30),
            ),
        )
        for i in range(seen)
    ]
    cards += [ExamCard(id=seen + i) for i in range(new)]
    return cards


def test_model_matches_the_fsrs_package() -> None:
    """The planner's formulas give the stabilities and difficulties fsrs computes."""
    model = Model()
    rng = random.Random(3)
    for first in Rating:
        now = moment(TODAY)
        mem = review(None, card_id=1, rating=first, now=now, retention=0.9)
        steps = {Rating.EASY: 0, Rating.GOOD: 1, Rating.HARD: 2, Rating.AGAIN: 2}
        for step in range(steps[first]):
            now += timedelta(minutes=10 * (step + 1))
            mem = review(mem, card_id=1, rating=Rating.GOOD, now=now, retention=0.9)
        assert mem.state == 2
        assert model.learn(int(first)) == pytest.approx(
            (mem.stability, mem.difficulty), rel=1e-9
        )
    for _ in range(50):
        mem = memory(
            stability=rng.uniform(0.5, 80),
            difficulty=rng.uniform(1, 10),
            days_ago=0,
        )
        elapsed = rng.randint(1, 60)
        rating = rng.choice(list(Rating))
        now = mem.last_review + timedelta(days=elapsed)
        after = review(mem, card_id=2, rating=rating, now=now, retention=0.9)
        if rating == Rating.AGAIN:  # the relearning step, passed
            after = review(
                after,
                card_id=2,
                rating=Rating.GOOD,
                now=now + timedelta(minutes=10),
                retention=0.9,
            )
        expected = model.review(mem.stability, mem.difficulty, elapsed, int(rating))
        assert expected == pytest.approx((after.stability, after.difficulty), rel=1e-9)


def test_every_card_is_introduced_before_the_last_days() -> None:
    """All new cards, spread evenly, come before the exam's last days."""
    cards = course(0, 300)
    plan = exam_plan(
        cards, today=TODAY, exam=TODAY + timedelta(days=30), daily_seconds=1800
    )
    assert plan is not None
    assert plan.fits and plan.left_out == ()
    introduced = [i for day in plan.days for i in day.new]
    assert sorted(introduced) == [card.id for card in cards]
    stop = plan.exam - timedelta(days=NEW_STOP_DAYS)
    assert all(not day.new for day in plan.days if day.day >= stop)
    counts = list(plan.new_per_day[: 30 - NEW_STOP_DAYS])
    assert max(counts) - min(counts) <= 1


def test_budget_is_respected_every_day() -> None:
    """No day of the plan is expected to take longer than the learner's budget."""
    cards = course(400, 300)
    budget = [900.0, 600.0, 1200.0]  # then 1200 a day
    plan = exam_plan(
        cards, today=TODAY, exam=TODAY + timedelta(days=25), daily_seconds=budget
    )
    assert plan is not None
    for number, day in enumerate(plan.days):
        assert day.seconds <= budget[min(number, 2)] + 1e-6
    assert sum(plan.reviews_per_day) > 0


def test_time_already_studied_today_counts_against_the_budget() -> None:
    cards = course(400, 0)
    plan = exam_plan(
        cards,
        today=TODAY,
        exam=TODAY + timedelta(days=20),
        daily_seconds=1200,
        spent_today=1000,
    )
    assert plan is not None
    assert plan.days[0].seconds <= 200 + 1e-6


def test_too_small_a_budget_leaves_out_the_least_valuable_cards() -> None:
    """When the new cards cannot all be introduced, the plan says so, least valuable out."""
    cards = [ExamCard(id=i, weight=1 + (i % 5)) for i in range(400)]
    plan = exam_plan(
        cards, today=TODAY, exam=TODAY + timedelta(days=10), daily_seconds=600
    )
    assert plan is not None
    assert not plan.fits
    left = set(plan.left_out)
    introduced = {i for day in plan.days for i in day.new}
    assert left and introduced and not left & introduced
    assert max(cards[i].weight for i in left) <= min(
        cards[i].weight for i in introduced
    )


def test_lowest_recall_cards_come_back_just_before_the_exam() -> None:
    """In the last days the cards least likely to be recalled on the day are reviewed."""
    cards = course(300, 0, seed=4)
    exam = TODAY + timedelta(days=3)
    model = Model()
    plan = exam_plan(cards, today=TODAY, exam=exam, daily_seconds=400)
    assert plan is not None
    reviewed = {i for day in plan.days for i in day.reviews}
    at_exam = {
        card.id: model.retrievability(
            (exam - card.memory.last_review.date()).days, card.memory.stability
        )
        for card in cards
    }
    assert 0 < len(reviewed) < len(cards)
    weakest = sorted(at_exam, key=at_exam.get)[: int(0.8 * len(reviewed))]
    # chosen by gain per second, which is near, not exactly, the lowest recall first
    assert sum(i in reviewed for i in weakest) >= 0.95 * len(weakest)


def test_with_time_enough_every_fading_card_is_seen_in_the_final_window() -> None:
    cards = course(200, 0, seed=5)
    exam = TODAY + timedelta(days=5)
    plan = exam_plan(cards, today=TODAY, exam=exam, daily_seconds=3600)
    assert plan is not None
    reviewed = {i for day in plan.days for i in day.reviews}
    model = Model()
    for card in cards:
        elapsed = (exam - card.memory.last_review.date()).days
        if model.retrievability(elapsed, card.memory.stability) < 0.98:
            assert card.id in reviewed


def test_no_interval_jumps_the_exam() -> None:
    """A review well before the exam never leaves the card due after it."""
    exam = TODAY + timedelta(days=30)
    long = memory(stability=90, difficulty=5, days_ago=0)
    long = Memory(**{**long.__dict__, "due": moment(TODAY + timedelta(days=90))})
    due = exam_due(long, card_id=7, now=moment(TODAY), exam=exam)
    assert moment(exam - timedelta(days=FINAL_DAYS), 0) <= due < moment(exam, 0)
    # reviewed in the final window: the next review may come after the exam
    late = moment(exam - timedelta(days=2))
    assert exam_due(long, card_id=7, now=late, exam=exam) == long.due
    # due before the exam anyway: unchanged
    soon = Memory(**{**long.__dict__, "due": moment(TODAY + timedelta(days=4))})
    assert exam_due(soon, card_id=7, now=moment(TODAY), exam=exam) == soon.due


def test_no_planned_review_before_the_window_jumps_into_it_unchecked() -> None:
    """Every card seen before the final window and fading by the exam is reviewed in it."""
    cards = course(150, 150, seed=6)
    exam = TODAY + timedelta(days=20)
    plan = exam_plan(cards, today=TODAY, exam=exam, daily_seconds=3600)
    assert plan is not None
    window = exam - timedelta(days=FINAL_DAYS)
    in_window = {i for day in plan.days if day.day >= window for i in day.reviews}
    assert len(in_window) >= 0.95 * len(cards)


def test_backlog_is_spread_within_the_budget_most_valuable_first() -> None:
    """After days away, today holds what the budget allows, the most valuable first."""
    rng = random.Random(8)
    cards = [
        ExamCard(
            id=i,
            weight=rng.choice([1.0, 3.0]),
            memory=memory(stability=rng.uniform(2, 10), difficulty=5, days_ago=20),
        )
        for i in range(300)
    ]
    exam = TODAY + timedelta(days=40)
    plan = exam_plan(cards, today=TODAY, exam=exam, daily_seconds=600)
    assert plan is not None
    first_days = plan.days[:10]
    assert all(day.seconds <= 600 + 1e-6 for day in first_days)
    assert 0 < len(first_days[0].reviews) < 300
    assert sum(len(day.reviews) for day in first_days) >= 280  # spread, not dropped
    today = first_days[0].reviews
    weights = [cards[i].weight for i in today]
    assert weights == sorted(weights, reverse=True)
    assert all(cards[i].weight == 3.0 for i in today)


def test_today_is_the_plans_first_day() -> None:
    cards = course(300, 200)
    kwargs = {"today": TODAY, "exam": TODAY + timedelta(days=30), "daily_seconds": 1200}
    plan = exam_plan(cards, **kwargs)
    assert plan is not None
    assert exam_today(cards, **kwargs) == plan.today_ids
    assert plan.today_ids[: len(plan.days[0].reviews)] == list(plan.days[0].reviews)


def test_on_and_after_the_exam_there_is_no_plan() -> None:
    cards = course(10, 10)
    for today in (TODAY, TODAY + timedelta(days=3)):
        assert exam_plan(cards, today=today, exam=TODAY, daily_seconds=1200) is None
        assert exam_today(cards, today=today, exam=TODAY, daily_seconds=1200) is None
    seen = memory(stability=50, difficulty=5, days_ago=0)
    assert exam_due(seen, card_id=1, now=moment(TODAY), exam=TODAY) == seen.due


def test_the_plan_is_deterministic() -> None:
    """The same cards on the same day give the same plan (no clock, no randomness)."""
    cards = course(200, 200)
    kwargs = {"today": TODAY, "exam": TODAY + timedelta(days=30), "daily_seconds": 1200}
    assert exam_plan(cards, **kwargs) == exam_plan(cards, **kwargs)
    assert exam_today(cards, **kwargs) == exam_today(cards, **kwargs)


def test_summary_figures() -> None:
    cards = course(100, 200)
    plan = exam_plan(
        cards, today=TODAY, exam=TODAY + timedelta(days=21), daily_seconds=1200
    )
    assert plan is not None
    assert len(plan.days) == 21 == len(plan.minutes_per_day)
    assert sum(plan.new_per_day) == 200
    assert all(m <= 20 + 1e-6 for m in plan.minutes_per_day)
    assert 0.5 < plan.predicted_recall <= 1
    assert planner.MIN_GAIN >= 0


def test_inlined_outcomes_agree_with_the_model() -> None:
    model = Model()
    rng = random.Random(9)
    for _ in range(200):
        s, d, r = rng.uniform(0.1, 200), rng.uniform(1, 10), rng.uniform(0.3, 1)
        assert model.outcomes(s, d, r) == pytest.approx(
            (
                model.recall_stability(s, d, r),
                model.pass_difficulty(d),
                model.lapse_stability(s, d, r),
                model.lapse_difficulty(d),
            ),
            rel=1e-12,
        )


def test_a_plan_made_again_after_a_session_adds_no_more_new_cards_today() -> None:
    """New cards introduced earlier today count against today's share."""
    cards = course(0, 300)
    kwargs = {"exam": TODAY + timedelta(days=37), "daily_seconds": 1800}
    first = exam_today(cards, today=TODAY, **kwargs)
    assert first is not None and len(first) == 10  # 300 cards over 30 days
    learnt = set(first)
    after = [
        ExamCard(id=card.id, memory=memory(stability=2.3, difficulty=5, days_ago=0))
        if card.id in learnt
        else card
        for card in cards
    ]
    again = exam_today(
        after, today=TODAY, spent_today=300, new_today=len(first), **kwargs
    )
    assert again == []
