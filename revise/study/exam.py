"""Revising for an exam date: a day-by-day plan that peaks on the exam day, within a budget.

The memory model is FSRS-6 as the ``fsrs`` package (6.3) computes it: retrievability
``R(t, S) = (1 + F t / S) ** -w20`` with ``F = 0.9 ** (-1 / w20) - 1``, the recall and
forget stability updates, the short-term (same-day) update used by learning and relearning
steps, and the difficulty update with mean reversion (``fsrs/scheduler.py``: ``Scheduler``
and its ``_next_*`` methods; ``Model`` below restates them over plain floats so that a plan
for 2,000 cards over 60 days costs a few hundred thousand float operations, and the tests
check it against the package). The parameters are the learner's fitted ones or the
defaults. Days are the learner's study days; the exam is at the start of the exam day, so
the last study day is the day before.

What the plan does, and why (the figures are from ``bench/exam_bench.py``):

* New cards are spread evenly over the days before the last ``NEW_STOP_DAYS``, which are
  kept for reviews, most valuable (weight) first, and take at most ``NEW_SHARE`` of a
  day's budget so that reviews always get time. A learner who falls behind (or starts
  less than ``NEW_STOP_DAYS`` days before the exam) gets the rest in those last days, as
  many a day as ``NEW_SHARE`` allows. Cards that cannot be introduced at all are listed
  (``left_out``, the least valuable) and ``fits`` is False.
* The last ``FINAL_DAYS`` days before the exam, the final window, are planned as a whole
  by a greedy on marginal gain per second. The candidates are (card, day) reviews; a card's value is its expected recall on the exam
  day given the set of days it is reviewed on, computed exactly over each review's pass
  and lapse (recall ``r`` at the review, stability and difficulty after a pass or after
  Again and relearning), lapses less likely than ``PRUNE`` averaged in; the cost of a
  review is one pass plus one for a lapse (``review_seconds * (2 - r)``). The greedy adds
  the review with the largest ``weight * gain / seconds`` that its day still has the
  budget for, re-evaluating a card's other days lazily after each change (CELF-style),
  while a review adds at least ``MIN_GAIN``. So the cards whose predicted exam-day recall
  is lowest come back in the last days, young cards get the two or three reviews they
  need, and no card goes into the exam on an interval planned long before it. Fourteen
  days: 21 did about 0.1 point better but takes 0.75 s for 2,000 cards instead of 0.4.
  A day-by-day version of this greedy (each day, the gain if the card were never
  reviewed again) was measured first and lost about 1.4 points of exam-day recall to
  plain FSRS at 0.95 (12 simulated learners): it keeps reviewing the cards with the
  biggest one-step gain and lets the rest fade. Planning the days together fixed that.
  The expectation is exact over passes and lapses rather than over one averaged
  stability because recall is concave in stability: averaging overrates cards that may
  lapse, the young ones.
* Before the window a card is due when its recall falls to ``RETENTION`` (FSRS's interval
  with the planner's parameters), and a due date inside the window waits for the window.
  Among due cards, when the budget cannot take them all (a backlog after days away), the
  order is weight × days overdue per second: the most valuable first, and FSRS's
  oldest-due-first at equal weights. Ordering by lowest predicted recall instead was
  measured and lost about 0.9 points (12 simulated learners): the lowest-recall cards are
  mostly young ones that get relearnt anyway. The greedy is not used before the window
  because its cost grows with the days planned together and the queue needs a plan
  after every session; a high steady retention is what builds the stability the window
  then cashes in: 0.93 (0.95 did 0.1 point worse in the bench, and 0.90 and 0.97 worse
  in trials on fewer learners).
* Tried and left out, as they did not help on 16 simulated learners: spending spare
  time before the window on cards nearest to due, deferring new cards while a backlog
  lasts, and ordering a backlog by one-step exam-day gain.
* ``exam_plan`` predicts the days after today with expected values (stability and
  difficulty averaged over pass and lapse), which is enough for the summary figures;
  only today's choice is acted on, and the plan is made again after every session.
* After a review, ``exam_due`` keeps the FSRS due date unless it lands on or after the exam
  while the review was made before the final window; then the card is due on a day of the
  window (chosen by card and review count, so a batch is spread over it).

On or after the exam day there is no plan (``None``): normal scheduling applies.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from revise.study.scheduling import DEFAULT_PARAMETERS, Memory, fuzz_seed

REVIEW_SECONDS = 10.0  # one answer, Anki's typical time per review
NEW_SECONDS = 30.0  # a new card through its learning steps (1 and 10 minutes)
NEW_SHARE = 0.8  # the most of a day's budget new cards may take
MIN_GAIN = 0.001  # exam-day recall a review must add to be planned
NEW_STOP_DAYS = 7  # the last days before the exam bring no new cards (if on time)
FINAL_DAYS = 14  # the days before the exam planned together, for reviews
PRUNE = 0.02  # lapses less likely than this are averaged in
RETENTION = 0.93  # before the final window, cards are due at this recall

AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4


class Model:
    """FSRS-6 memory formulas for one parameter set, as ``fsrs.Scheduler`` computes them."""

    def __init__(self, parameters: Sequence[float] | None = None) -> None:
        w = tuple(parameters) if parameters is not None else DEFAULT_PARAMETERS
        self.w = w
        self.decay = -w[20]
        self.factor = 0.9 ** (1 / self.decay) - 1
        self.easy_difficulty = w[4] - math.exp(w[5] * 3) + 1
        self.forget_short = math.exp(w[17] * w[18])
        self.good_short = math.exp(w[17] * w[18])
        self.recall_scale = math.exp(w[8])

    def retrievability(self, elapsed: float, stability: float) -> float:
        """Probability of recall ``elapsed`` days after the last review."""
        return (1 + self.factor * max(elapsed, 0) / stability) ** self.decay

    def interval(self, stability: float, retention: float) -> int:
        """FSRS's next interval in days for a desired retention (no fuzz)."""
        days = (stability / self.factor) * (retention ** (1 / self.decay) - 1)
        return max(round(days), 1)

    def _difficulty(self, difficulty: float, rating: int) -> float:
        w = self.w
        delta = -(w[6] * (rating - 3))
        damped = difficulty + (10.0 - difficulty) * delta / 9.0
        value = w[7] * self.easy_difficulty + (1 - w[7]) * damped
        return min(max(value, 1.0), 10.0)

    def _short(self, stability: float, rating: int) -> float:
        w = self.w
        increase = math.exp(w[17] * (rating - 3 + w[18])) * stability ** -w[19]
        if rating > AGAIN:
            increase = max(increase, 1.0)
        return max(stability * increase, 0.001)

    def recall_stability(
        self, stability: float, difficulty: float, r: float, rating: int = GOOD
    ) -> float:
        w = self.w
        bonus = w[15] if rating == HARD else w[16] if rating == EASY else 1.0
        return max(
            stability
            * (
                1
                + self.recall_scale
                * (11 - difficulty)
                * stability ** -w[9]
                * (math.exp((1 - r) * w[10]) - 1)
                * bonus
            ),
            0.001,
        )

    def lapse_stability(self, stability: float, difficulty: float, r: float) -> float:
        """Stability after Again and the relearning step passed (Good) the same day."""
        w = self.w
        long_term = (
            w[11]
            * difficulty ** -w[12]
            * ((stability + 1) ** w[13] - 1)
            * math.exp((1 - r) * w[14])
        )
        forgotten = max(min(long_term, stability / self.forget_short), 0.001)
        return self._short(forgotten, GOOD)

    def outcomes(
        self, stability: float, difficulty: float, r: float
    ) -> tuple[float, float, float, float]:
        """After a review at recall ``r``: stability and difficulty if passed (Good),
        then if lapsed and relearnt (the methods above, inlined for the planner)."""
        w = self.w
        passed = max(
            stability
            * (
                1
                + self.recall_scale
                * (11 - difficulty)
                * stability ** -w[9]
                * (math.exp((1 - r) * w[10]) - 1)
            ),
            0.001,
        )
        forgotten = max(
            min(
                w[11]
                * difficulty ** -w[12]
                * ((stability + 1) ** w[13] - 1)
                * math.exp((1 - r) * w[14]),
                stability / self.forget_short,
            ),
            0.001,
        )
        lapsed = forgotten * max(self.good_short * forgotten ** -w[19], 1.0)
        mean = w[7] * self.easy_difficulty
        keep = 1 - w[7]
        pass_d = min(max(mean + keep * difficulty, 1.0), 10.0)
        again = difficulty + (10.0 - difficulty) * 2 * w[6] / 9.0
        again = min(max(mean + keep * again, 1.0), 10.0)
        lapse_d = min(max(mean + keep * again, 1.0), 10.0)
        return passed, pass_d, max(lapsed, 0.001), lapse_d

    def lapse_difficulty(self, difficulty: float) -> float:
        return self._difficulty(self._difficulty(difficulty, AGAIN), GOOD)

    def pass_difficulty(self, difficulty: float, rating: int = GOOD) -> float:
        return self._difficulty(difficulty, rating)

    def learn(self, first: int = GOOD) -> tuple[float, float]:
        """Stability and difficulty of a new card graduated through the learning steps.

        The first rating is ``first``; then Good at each remaining step (1 and 10 minutes):
        Easy graduates at once, Good after one more step, Hard and Again after two.
        """
        w = self.w
        stability = max(w[first - 1], 0.001)
        difficulty = min(max(w[4] - math.exp(w[5] * (first - 1)) + 1, 1.0), 10.0)
        steps = {EASY: 0, GOOD: 1, HARD: 2, AGAIN: 2}[first]
        for _ in range(steps):
            stability = self._short(stability, GOOD)
            difficulty = self._difficulty(difficulty, GOOD)
        return stability, difficulty

    def review(
        self, stability: float, difficulty: float, elapsed: int, rating: int
    ) -> tuple[float, float]:
        """Stability and difficulty after a review of a graduated card (Again: relearnt)."""
        if elapsed < 1:
            stability = self._short(stability, rating)
            difficulty = self._difficulty(difficulty, rating)
            if rating == AGAIN:
                stability = self._short(stability, GOOD)
                difficulty = self._difficulty(difficulty, GOOD)
            return stability, difficulty
        r = self.retrievability(elapsed, stability)
        if rating == AGAIN:
            return (
                self.lapse_stability(stability, difficulty, r),
                self.lapse_difficulty(difficulty),
            )
        return (
            self.recall_stability(stability, difficulty, r, rating),
            self._difficulty(difficulty, rating),
        )


@dataclass(frozen=True)
class ExamCard:
    """A card to revise: its memory (None: new), weight and expected seconds."""

    id: int
    memory: Memory | None = None
    weight: float = 1.0
    review_seconds: float = REVIEW_SECONDS
    new_seconds: float = NEW_SECONDS


@dataclass(frozen=True)
class PlanDay:
    """One study day of the plan: reviews (best first), then new cards."""

    day: date
    reviews: tuple[int, ...]
    new: tuple[int, ...]
    seconds: float  # expected

    @property
    def minutes(self) -> float:
        return self.seconds / 60


@dataclass(frozen=True)
class Plan:
    """The plan from today to the day before the exam, and what it predicts."""

    today: date
    exam: date
    days: tuple[PlanDay, ...]
    fits: bool  # every card can be introduced before the exam
    left_out: tuple[int, ...]  # cards the budget cannot introduce, least valuable
    final_days: int  # the last days before the exam, whose reviews are planned together
    predicted_recall: float  # weighted share of the cards recalled on the exam day
    cards: int

    @property
    def new_per_day(self) -> list[int]:
        return [len(day.new) for day in self.days]

    @property
    def reviews_per_day(self) -> list[int]:
        return [len(day.reviews) for day in self.days]

    @property
    def minutes_per_day(self) -> list[float]:
        return [day.minutes for day in self.days]

    @property
    def today_ids(self) -> list[int]:
        """What to study today: reviews (most valuable first), then new cards."""
        first = self.days[0]
        return [*first.reviews, *first.new]


def final_days_for(horizon: int) -> int:
    """How many of the ``horizon`` days left are in the final window (the exam's last
    ``FINAL_DAYS``, whose reviews are planned together)."""
    return min(FINAL_DAYS, horizon)


def new_days_for(horizon: int) -> int:
    """On how many of the ``horizon`` days left new cards are spread: all but the last
    ``NEW_STOP_DAYS``, which are kept for reviews (new cards only if behind)."""
    return max(horizon - NEW_STOP_DAYS, 0)


def _study_date(moment: datetime, time_zone: str, hour: int) -> date:
    return (moment.astimezone(ZoneInfo(time_zone)) - timedelta(hours=hour)).date()


def _budget(daily_seconds: float | Sequence[float], day: int) -> float:
    if isinstance(daily_seconds, int | float):
        return float(daily_seconds)
    return float(daily_seconds[min(day, len(daily_seconds) - 1)])


class _Planner:
    """The plan's state over flat per-card lists (index ``i`` is ``cards[i]``); days are
    counted from today (0), the exam is day ``horizon``."""

    def __init__(
        self,
        cards: Sequence[ExamCard],
        *,
        today: date,
        exam: date,
        daily_seconds: float | Sequence[float],
        spent_today: float,
        new_today: int,
        model: Model,
        time_zone: str,
        hour: int,
    ) -> None:
        self.model = model
        self.horizon = (exam - today).days
        self.final_days = final_days_for(self.horizon)
        self.daily_seconds = daily_seconds
        self.spent_today = spent_today
        self.introduced_today = new_today
        self.cards = list(cards)
        n = len(cards)
        self.stability = [0.0] * n
        self.difficulty = [0.0] * n
        self.last: list[int | None] = [None] * n
        self.exam_recall = [0.0] * n
        self.weight = [max(card.weight, 0.0) for card in cards]
        new: list[int] = []
        for i, card in enumerate(cards):
            memory = card.memory
            if memory is None or memory.stability is None or memory.last_review is None:
                new.append(i)
                continue
            self.stability[i] = memory.stability
            self.difficulty[i] = memory.difficulty or 5.0
            last = (_study_date(memory.last_review, time_zone, hour) - today).days
            self.last[i] = min(last, 0)
            self.exam_recall[i] = model.retrievability(
                self.horizon - self.last[i], memory.stability
            )
        # most valuable first; ties in the caller's order
        new.sort(key=lambda i: -self.weight[i])
        self.new = new
        self.left_out = self._left_out()

    def _new_capacity(self, day: int) -> float:
        spent = self.spent_today if day == 0 else 0.0
        return max(NEW_SHARE * _budget(self.daily_seconds, day) - spent, 0.0)

    def _new_today(self, day: int, queue: list[int]) -> list[int]:
        """The day's share of the new cards still to introduce (the front of ``queue``)."""
        intro_days = new_days_for(self.horizon)
        if day >= intro_days or not queue:
            return []
        done = self.introduced_today if day == 0 else 0  # introduced earlier today
        quota = math.ceil((len(queue) + done) / (intro_days - day)) - done
        capacity = self._new_capacity(day)
        chosen: list[int] = []
        spent = 0.0
        for i in queue:
            if len(chosen) >= quota:
                break
            cost = self.cards[i].new_seconds
            if spent + cost > capacity:
                break
            chosen.append(i)
            spent += cost
        return chosen

    def _left_out(self) -> tuple[int, ...]:
        """The new cards the budget cannot introduce: spread over the days before the
        last ``NEW_STOP_DAYS``, then as many a day as ``NEW_SHARE`` allows in them."""
        queue = list(self.new)
        intro_days = new_days_for(self.horizon)
        for day in range(intro_days):
            taken = self._new_today(day, queue)
            del queue[: len(taken)]
        for day in range(intro_days, self.horizon):
            capacity = self._new_capacity(day)
            while queue and self.cards[queue[0]].new_seconds <= capacity:
                capacity -= self.cards[queue.pop(0)].new_seconds
        return tuple(queue)

    def _branches(self, i: int, day: int) -> tuple[float, float, float, float, float]:
        """Recall today, and stability and difficulty after a pass and after a lapse."""
        model = self.model
        s, d = self.stability[i], self.difficulty[i]
        r = model.retrievability(day - self.last[i], s)  # type: ignore[operator]
        return (
            r,
            model.recall_stability(s, d, r),
            model.pass_difficulty(d),
            model.lapse_stability(s, d, r),
            model.lapse_difficulty(d),
        )

    def _apply(self, i: int, day: int) -> tuple[float, float]:
        """Apply a planned review in expectation; its expected cost and exam-day recall."""
        model = self.model
        r, sp, dp, sl, dl = self._branches(i, day)
        to_exam = self.horizon - day
        self.exam_recall[i] = r * model.retrievability(to_exam, sp) + (
            1 - r
        ) * model.retrievability(to_exam, sl)
        self.stability[i] = r * sp + (1 - r) * sl
        self.difficulty[i] = r * dp + (1 - r) * dl
        self.last[i] = day
        return self.cards[i].review_seconds * (2 - r), self.exam_recall[i]

    def _introduce(self, i: int, day: int) -> None:
        s, d = self.model.learn(GOOD)
        self.stability[i], self.difficulty[i], self.last[i] = s, d, day
        self.exam_recall[i] = self.model.retrievability(self.horizon - day, s)

    def pre_day(self, day: int, queue: list[int]) -> PlanDay:
        """A day before the final window: its new cards, then the cards due at
        ``RETENTION`` (a due date in the window waits for it), most valuable first."""
        model = self.model
        window = self.horizon - self.final_days
        new = self._new_today(day, queue)
        budget = _budget(self.daily_seconds, day) - (
            self.spent_today if day == 0 else 0
        )
        seconds = sum(self.cards[i].new_seconds for i in new)
        candidates: list[tuple[float, int, float]] = []
        for i, seen in enumerate(self.last):
            if seen is None or seen >= day or self.weight[i] == 0:
                continue
            s = self.stability[i]
            due = seen + model.interval(s, RETENTION)
            if due > day or due >= window:
                continue
            r = model.retrievability(day - seen, s)
            cost = self.cards[i].review_seconds * (2 - r)
            # weight x days overdue per second: FSRS's oldest-due-first at equal weights
            key = -self.weight[i] * (day - due + 1) / cost
            candidates.append((key, i, cost))
        candidates.sort()
        reviews = []
        for _, i, cost in candidates:
            if seconds + cost > budget:
                continue
            seconds += cost
            reviews.append(i)
            self._apply(i, day)
        for i in new:
            self._introduce(i, day)
        taken = set(new)
        queue[:] = [i for i in queue if i not in taken]
        return PlanDay(
            day=date.min,
            reviews=tuple(self.cards[i].id for i in reviews),
            new=tuple(self.cards[i].id for i in new),
            seconds=seconds,
        )

    def _value(self, i: int, days: list[int]) -> tuple[float, list[float]]:
        """Exam-day recall of card ``i`` reviewed on ``days`` (sorted), and the expected
        cost of each review: the exact expectation over each review's pass and lapse."""
        model = self.model
        horizon = self.horizon
        seconds = self.cards[i].review_seconds
        costs = [0.0] * len(days)
        seen = self.last[i]
        if seen is None:
            raise ValueError("a new card has no reviews to plan")

        factor, decay = model.factor, model.decay
        outcomes = model.outcomes
        count = len(days)

        def walk(k: int, s: float, d: float, seen: int, p: float) -> float:
            if k == count:
                return p * (1 + factor * (horizon - seen) / s) ** decay
            day = days[k]
            r = (1 + factor * (day - seen) / s) ** decay
            costs[k] += p * seconds * (2 - r)
            passed, pass_d, lapsed, lapse_d = outcomes(s, d, r)
            if p * (1 - r) < PRUNE:  # an unlikely lapse: the outcomes averaged
                return walk(
                    k + 1,
                    r * passed + (1 - r) * lapsed,
                    r * pass_d + (1 - r) * lapse_d,
                    day,
                    p,
                )
            return walk(k + 1, passed, pass_d, day, p * r) + walk(
                k + 1, lapsed, lapse_d, day, p * (1 - r)
            )

        value = walk(0, self.stability[i], self.difficulty[i], seen, 1.0)
        return value, costs

    def window(self, first: int, queue: list[int]) -> list[PlanDay]:
        """The days from ``first`` to the exam, planned together (all in the window).

        New cards come first (the spread, then, if behind, as many a day as
        ``NEW_SHARE`` of the budget allows); then a lazy greedy adds the (card, day) review with the largest gain in
        exam-day recall per second, re-evaluated on the card's whole set of review days,
        while some day has the budget for it.
        """
        horizon = self.horizon
        days = list(range(first, horizon))
        budget = {
            day: _budget(self.daily_seconds, day)
            - (self.spent_today if day == 0 else 0)
            for day in days
        }
        new_on: dict[int, list[int]] = {day: [] for day in days}
        intro_days = new_days_for(horizon)
        for day in days:
            if day < intro_days:
                new_on[day] = self._new_today(day, queue)
                del queue[: len(new_on[day])]
            else:
                capacity = self._new_capacity(day)
                while queue and self.cards[queue[0]].new_seconds <= capacity:
                    capacity -= self.cards[queue[0]].new_seconds
                    new_on[day].append(queue.pop(0))
            for i in new_on[day]:
                self._introduce(i, day)
                budget[day] -= self.cards[i].new_seconds
        sets: dict[int, list[int]] = {}
        costs: dict[int, list[float]] = {}
        base: dict[int, float] = {}
        version: dict[int, int] = {}
        heap: list[tuple[float, int, int, int]] = []
        trials: dict[tuple[int, int], tuple[float, list[float]]] = {}
        for i, seen in enumerate(self.last):
            if seen is None or self.weight[i] == 0:
                continue
            sets[i], costs[i], version[i] = [], [], 0
            base[i] = self.exam_recall[i]
            if 1 - base[i] < MIN_GAIN:
                continue
            for day in days:
                if day > seen:
                    entry = self._entry(i, day, sets[i], costs[i], base[i], trials)
                    if entry is not None:
                        heap.append((*entry, 0))
        heapq.heapify(heap)
        while heap:
            _key, i, day, seen_version = heapq.heappop(heap)
            if seen_version != version[i]:
                entry = self._entry(i, day, sets[i], costs[i], base[i], trials)
                if entry is not None:
                    heapq.heappush(heap, (*entry, version[i]))
                continue
            trial = sorted([*sets[i], day])
            value, trial_costs = trials.pop((i, day))
            old = dict(zip(sets[i], costs[i], strict=False))
            if any(
                c - old.get(d, 0.0) > budget[d] + 1e-9
                for d, c in zip(trial, trial_costs, strict=False)
            ):
                continue
            for d, c in zip(trial, trial_costs, strict=False):
                budget[d] -= c - old.get(d, 0.0)
            sets[i], costs[i], base[i] = trial, trial_costs, value
            version[i] += 1
        plan = []
        by_day: dict[int, list[tuple[float, int]]] = {day: [] for day in days}
        for i, chosen in sets.items():
            for day in chosen:
                by_day[day].append((-self.weight[i] * (1 - self.exam_recall[i]), i))
            if chosen:
                for day in chosen:
                    self._apply(i, day)
        for day in days:
            spent = _budget(self.daily_seconds, day) - (
                self.spent_today if day == 0 else 0
            )
            plan.append(
                PlanDay(
                    day=date.min,
                    reviews=tuple(self.cards[i].id for _, i in sorted(by_day[day])),
                    new=tuple(self.cards[i].id for i in new_on[day]),
                    seconds=spent - budget[day],
                )
            )
        return plan

    def _entry(
        self,
        i: int,
        day: int,
        chosen: list[int],
        costs: list[float],
        base: float,
        trials: dict[tuple[int, int], tuple[float, list[float]]],
    ) -> tuple[float, int, int] | None:
        """The heap entry for adding a review of card ``i`` on ``day`` to ``chosen``."""
        if day in chosen:
            return None
        value, trial_costs = self._value(i, sorted([*chosen, day]))
        trials[i, day] = value, trial_costs
        gain = self.weight[i] * (value - base)
        if gain < MIN_GAIN * self.weight[i]:
            return None
        cost = sum(trial_costs) - sum(costs)
        return (-gain / max(cost, 1e-6), i, day)


def _planner(
    cards: Sequence[ExamCard],
    *,
    today: date,
    exam: date,
    daily_seconds: float | Sequence[float],
    parameters: Sequence[float] | None,
    spent_today: float,
    new_today: int,
    time_zone: str,
    day_hour: int,
) -> _Planner | None:
    if exam <= today:
        return None
    return _Planner(
        cards,
        today=today,
        exam=exam,
        daily_seconds=daily_seconds,
        spent_today=spent_today,
        new_today=new_today,
        model=Model(parameters),
        time_zone=time_zone,
        hour=day_hour,
    )


def exam_plan(
    cards: Sequence[ExamCard],
    *,
    today: date,
    exam: date,
    daily_seconds: float | Sequence[float],
    parameters: Sequence[float] | None = None,
    spent_today: float = 0.0,
    new_today: int = 0,
    time_zone: str = "UTC",
    day_hour: int = 0,
) -> Plan | None:
    """The plan from ``today`` to the exam (None on or after the exam day).

    ``daily_seconds`` is the budget per study day (one value, or one per day from today,
    the last repeated); ``spent_today`` is the time already studied today and
    ``new_today`` the number of new cards already introduced today (their memories are
    in ``cards``), so that a plan made again after a session does not add more.
    """
    planner = _planner(
        cards,
        today=today,
        exam=exam,
        daily_seconds=daily_seconds,
        parameters=parameters,
        spent_today=spent_today,
        new_today=new_today,
        time_zone=time_zone,
        day_hour=day_hour,
    )
    if planner is None:
        return None
    left_out = set(planner.left_out)
    queue = [i for i in planner.new if i not in left_out]
    window = planner.horizon - planner.final_days
    planned = [
        planner.pre_day(day, queue) for day in range(min(window, planner.horizon))
    ]
    planned += planner.window(max(window, 0), queue)
    days = [
        PlanDay(
            day=today + timedelta(days=day),
            reviews=one.reviews,
            new=one.new,
            seconds=one.seconds,
        )
        for day, one in enumerate(planned)
    ]
    total = sum(planner.weight)
    recalled = sum(
        w * r for w, r in zip(planner.weight, planner.exam_recall, strict=False)
    )
    return Plan(
        today=today,
        exam=exam,
        days=tuple(days),
        fits=not left_out,
        left_out=tuple(cards[i].id for i in planner.left_out),
        final_days=planner.final_days,
        predicted_recall=recalled / total if total else 0.0,
        cards=len(cards),
    )


def exam_today(
    cards: Sequence[ExamCard],
    *,
    today: date,
    exam: date,
    daily_seconds: float | Sequence[float],
    parameters: Sequence[float] | None = None,
    spent_today: float = 0.0,
    new_today: int = 0,
    time_zone: str = "UTC",
    day_hour: int = 0,
) -> list[int] | None:
    """Card ids to study today under the plan, reviews first (None: no exam ahead).

    The same choice as the first day of ``exam_plan``, without planning the later days.
    """
    planner = _planner(
        cards,
        today=today,
        exam=exam,
        daily_seconds=daily_seconds,
        parameters=parameters,
        spent_today=spent_today,
        new_today=new_today,
        time_zone=time_zone,
        day_hour=day_hour,
    )
    if planner is None:
        return None
    left_out = set(planner.left_out)
    queue = [i for i in planner.new if i not in left_out]
    if planner.horizon - planner.final_days > 0:
        planned = planner.pre_day(0, queue)
    else:
        planned = planner.window(0, queue)[0]
    return [*planned.reviews, *planned.new]


def exam_due(
    memory: Memory,
    *,
    card_id: int,
    now: datetime,
    exam: date,
    time_zone: str = "UTC",
    day_hour: int = 0,
) -> datetime:
    """The due date to store after a review at ``now``, so that it does not jump the exam.

    FSRS's due date is kept when it falls before the exam day, when the review was made in
    the final window or when the exam is past; otherwise the card is due on a day of the
    final window (chosen by card and review count, so a batch is spread over it).
    """
    today = _study_date(now, time_zone, day_hour)
    horizon_left = (exam - today).days
    if horizon_left <= 0 or _study_date(memory.due, time_zone, day_hour) < exam:
        return memory.due
    if horizon_left <= FINAL_DAYS:
        return memory.due
    offset = fuzz_seed(card_id, memory.reps) % FINAL_DAYS
    day = exam - timedelta(days=1 + offset)
    start = datetime.combine(day, time(day_hour), tzinfo=ZoneInfo(time_zone))
    return start.astimezone(UTC)
