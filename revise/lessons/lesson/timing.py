"""How long a lesson takes: the "N min" on the chapter page and on the lesson itself.

A reading step takes its words at ``READING_WORDS_PER_MINUTE``; a question a fixed time
by its kind (reading it, answering and reading the feedback), ``QUESTION_SECONDS``. The
lesson's minutes are the sum, rounded up, and at least one.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from revise.lessons.lesson.steps import (
    CHOICE,
    FILL_BLANK,
    MATCH,
    ORDER,
    READ,
    TRUE_FALSE,
    Step,
)

READING_WORDS_PER_MINUTE = 200
# Seconds per question, by kind: a true-false statement is one read and one click; a
# choice reads four options; a blank is typed; an order or a match moves several items.
QUESTION_SECONDS = {
    TRUE_FALSE: 20,
    CHOICE: 30,
    FILL_BLANK: 35,
    ORDER: 45,
    MATCH: 50,
}
MIN_READING_SECONDS = 10  # even a short passage is opened, read and left


def step_seconds(step: Step) -> float:
    """Estimated seconds for one step."""
    if step.kind == READ:
        return max(MIN_READING_SECONDS, step.words * 60 / READING_WORDS_PER_MINUTE)
    return QUESTION_SECONDS[step.kind]


def lesson_minutes(steps: Iterable[Step]) -> int:
    """Whole minutes for ``steps``, rounded up; 0 for no steps."""
    steps = list(steps)
    if not steps:
        return 0
    return max(1, math.ceil(sum(step_seconds(s) for s in steps) / 60))
