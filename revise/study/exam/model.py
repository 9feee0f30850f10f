"""FSRS-6's memory model over plain floats, for the exam planner (see the package's
docstring): retrievability, the stability and difficulty updates, as ``fsrs.Scheduler``
computes them."""

from __future__ import annotations

import math
from collections.abc import Sequence

from revise.study.scheduling import DEFAULT_PARAMETERS

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
