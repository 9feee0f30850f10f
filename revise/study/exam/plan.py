"""The exam plan itself: new cards spread, the final window planned together, due dates
kept before the exam (see the package's docstring for how and why)."""

from __future__ import annotations

import heapq
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from revise.study.exam.model import GOOD, Model
from revise.study.scheduling import Memory, fuzz_seed

REVIEW_SECONDS = 10.0  # one answer, Anki's typical time per review
NEW_SECONDS = 30.0  # a new card through its learning steps (1 and 10 minutes)
NEW_SHARE = 0.8  # the most of a day's budget new cards may take
MIN_GAIN = 0.001  # exam-day recall a review must add to be planned
NEW_STOP_DAYS = 7  # the last days before the exam bring no new cards (if on time)
FINAL_DAYS = 14  # the days before the exam planned together, for reviews
PRUNE = 0.02  # lapses less likely than this are averaged in
RETENTION = 0.93  # before the final window, cards are due at this recall


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
