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

from revise.study.exam.model import AGAIN, EASY, GOOD, HARD, Model
from revise.study.exam.plan import (
    FINAL_DAYS,
    MIN_GAIN,
    NEW_SECONDS,
    NEW_SHARE,
    NEW_STOP_DAYS,
    PRUNE,
    RETENTION,
    REVIEW_SECONDS,
    ExamCard,
    Plan,
    PlanDay,
    exam_due,
    exam_plan,
    exam_today,
    final_days_for,
    new_days_for,
)

__all__ = [
    "AGAIN",
    "EASY",
    "FINAL_DAYS",
    "GOOD",
    "HARD",
    "MIN_GAIN",
    "NEW_SECONDS",
    "NEW_SHARE",
    "NEW_STOP_DAYS",
    "PRUNE",
    "RETENTION",
    "REVIEW_SECONDS",
    "ExamCard",
    "Model",
    "Plan",
    "PlanDay",
    "exam_due",
    "exam_plan",
    "exam_today",
    "final_days_for",
    "new_days_for",
]
