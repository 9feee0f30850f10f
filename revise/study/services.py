"""Study writes: record a review, undo it, suspend cards, rebuild states from the log.

Every write for a learner first locks that learner's settings row, so two tabs (or two
app servers) answering at once are serialised and never corrupt a card's state.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction

from revise.study import newcards, queue_sql, scheduling
from revise.study.exam import exam_due
from revise.study.models import (
    Card,
    CardState,
    LearnerSettings,
    ParameterFit,
    ReviewLog,
    Suspension,
)
from revise.study.scheduling import Memory, Rating

if TYPE_CHECKING:
    from revise.study.selectors import Deck


def _lock_learner(learner: Any, *, count_review: bool = False) -> LearnerSettings:
    """Lock the learner's settings row, making it (with the defaults) if it is missing.

    Not ``get_or_create``: two first writes at once would both miss the row, and the
    second INSERT would fail on the unique learner (PostgreSQL logs every such error).
    ``INSERT … ON CONFLICT DO NOTHING`` (SQLite: ``INSERT OR IGNORE``) waits for the other
    transaction instead and inserts nothing; the locking select then finds its row.

    ``count_review``: lock it by counting one more review since the last fit
    (:func:`queue_sql.settings_count_review`); the row returned holds the new count.
    """

    def lock() -> LearnerSettings | None:
        if count_review:
            return queue_sql.settings_count_review(learner_id=learner.pk)
        return queue_sql.settings_row(learner_id=learner.pk, lock=True)

    prefs = lock()
    if prefs is None:
        LearnerSettings.objects.bulk_create(
            [LearnerSettings(learner=learner)], ignore_conflicts=True
        )
        prefs = lock()
    return prefs


def memory_of(state: CardState | None) -> Memory | None:
    """The scheduling memory held in a state row (None: the card is new)."""
    if state is None:
        return None
    return Memory(
        state=state.state,
        step=state.step,
        stability=state.stability,
        difficulty=state.difficulty,
        due=state.due,
        last_review=state.last_review,
        reps=state.reps,
        lapses=state.lapses,
    )


def _state_write(
    learner_id: int,
    card_id: int,
    memory: Memory | None,
    *,
    course_id: int,
    exists: bool | None = None,
) -> None:
    """Make the cached state of a card equal ``memory`` (None: the card is new).

    ``exists``: whether the card has a state row, if the caller knows. Callers hold the
    learner's lock, so no other write races the insert.
    """
    if memory is None:
        CardState.objects.filter(learner_id=learner_id, card_id=card_id).delete()
        return
    fields = _state_fields(memory, course_id=course_id)
    if exists is False or not queue_sql.state_update(
        learner_id=learner_id, card_id=card_id, values=fields
    ):
        CardState.objects.create(learner_id=learner_id, card_id=card_id, **fields)


def _state_fields(memory: Memory, *, course_id: int) -> dict[str, Any]:
    """A state row's columns (but the learner and the card) holding ``memory``."""
    fields = memory.to_json() | {"due": memory.due, "last_review": memory.last_review}
    fields["course_id"] = course_id
    return fields


def shown_token(*, learner_id: int, card_id: int, last_log_id: int | None) -> str:
    """The token of a card as shown: the same for every tab showing the same state."""
    message = f"{learner_id}:{card_id}:{last_log_id or 0}".encode()
    key = hashlib.sha256(f"revise.study.token:{settings.SECRET_KEY}".encode()).digest()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:TOKEN_LENGTH]


TOKEN_LENGTH = 40
_TOKEN = re.compile(rf"[0-9a-f]{{{TOKEN_LENGTH}}}")
PAGE_LENGTH = 16
_PAGE = re.compile(rf"[0-9a-f]{{{PAGE_LENGTH}}}")


def token_readable(token: str) -> bool:
    """Whether ``token`` has the form of a shown card's token (40 lower-case hex digits)."""
    return _TOKEN.fullmatch(token) is not None


def page_id() -> str:
    """A new id for one page showing a card: two tabs showing it get different ids."""
    return secrets.token_hex(PAGE_LENGTH // 2)


def page_readable(page: str) -> bool:
    """Whether ``page`` is a page id, or empty (a page from before page ids)."""
    return page == "" or _PAGE.fullmatch(page) is not None


def card_last_log_id(*, learner: Any, card_id: int) -> int | None:
    return queue_sql.last_log_id(learner_id=learner.pk, card_id=card_id)


def card_token(*, learner: Any, card_id: int) -> str:
    """The token of the card as it stands now for the learner (what a page would show)."""
    return shown_token(
        learner_id=learner.pk,
        card_id=card_id,
        last_log_id=card_last_log_id(learner=learner, card_id=card_id),
    )


UNREADABLE = "unreadable"
REPEATED = "already recorded"
ANSWERED_ELSEWHERE = "answered elsewhere"


@dataclass(frozen=True)
class ReviewOutcome:
    recorded: bool
    log: ReviewLog | None
    reason: str = ""

    @property
    def became_leech(self) -> bool:
        """This answer made the card a leech (forgotten LEECH_LAPSES times)."""
        if not (self.recorded and self.log):
            return False
        before = (self.log.state_before or {}).get("lapses", 0)
        return before < scheduling.LEECH_LAPSES <= self.log.state_after["lapses"]


def _refusal(existing: ReviewLog, card: Card, page: str) -> ReviewOutcome:
    """Why an answer whose token is already in the log is not recorded again."""
    if existing.card_id != card.pk:
        return ReviewOutcome(False, None, UNREADABLE)
    if page and existing.page == page:
        return ReviewOutcome(False, existing, REPEATED)
    return ReviewOutcome(False, existing, ANSWERED_ELSEWHERE)


@transaction.atomic
def card_review_record(
    *,
    learner: Any,
    card: Card,
    rating: Rating,
    token: str,
    now: datetime,
    duration_ms: int | None = None,
    page: str = "",
) -> ReviewOutcome:
    """Record one review; a repeated, stale or unreadable token records nothing.

    ``page`` is the id of the page that showed the card (see ``page_id``). Refusals
    (``reason``):

    - ``UNREADABLE``: the token (or page id) is not one this card was ever shown with:
      malformed, forged, another card's, or made with an older secret key;
    - ``REPEATED``: the same page sent this answer before (a double submit, a retry);
    - ``ANSWERED_ELSEWHERE``: another page (a second tab) answered the card as it was
      shown here first.
    """
    if not (token_readable(token) and page_readable(page)):
        return ReviewOutcome(False, None, UNREADABLE)
    # The lock counts this answer towards the next fit; a refusal takes it back.
    prefs = _lock_learner(learner, count_review=True)
    seen = queue_sql.answer_reads(
        learner_id=learner.pk, card_id=card.pk, course_id=card.course_id, token=token
    )
    if seen.token_used:
        existing = ReviewLog.objects.get(learner=learner, token=token)
        return _uncounted(_refusal(existing, card, page), learner)
    expected = shown_token(
        learner_id=learner.pk, card_id=card.pk, last_log_id=seen.last_log_id
    )
    if not hmac.compare_digest(expected.encode(), token.encode()):
        return _uncounted(ReviewOutcome(False, None, UNREADABLE), learner)
    before = memory_of(seen.state)
    in_force = prefs.parameters if prefs.parameters_id else None
    after = scheduling.review(
        before,
        card_id=card.pk,
        rating=rating,
        now=now,
        retention=prefs.desired_retention,
        parameters=in_force.parameters if in_force else None,
    )
    if cap := exam_due_cap(exam_date=seen.exam_date, prefs=prefs, card=card, now=now):
        after = replace(after, due=cap(after))
    log = ReviewLog(
        learner=learner,
        card=card,
        kind=ReviewLog.Kind.REVIEW,
        rating=int(rating),
        reviewed_at=now,
        duration_ms=duration_ms,
        retention=prefs.desired_retention,
        state_before=before.to_json() if before else None,
        state_after=after.to_json(),
        token=token,
        page=page,
        parameters=in_force,
    )
    # The log row and the card's new state, written together (one statement on
    # PostgreSQL); the state only if the row went in.
    log.pk, written = queue_sql.answer_write(
        {
            field.attname: getattr(log, field.attname)
            for field in ReviewLog._meta.concrete_fields
            if not field.primary_key
        },
        learner_id=learner.pk,
        card_id=card.pk,
        state=_state_fields(after, course_id=card.course_id),
        exists=before is not None,
    )
    if log.pk is None:  # the same token raced in: it is recorded once
        existing = ReviewLog.objects.get(learner=learner, token=token)
        return _uncounted(_refusal(existing, card, page), learner)
    log._state.adding = False
    if not written:  # a state read under the lock is never gone; in case it is
        _state_write(learner.pk, card.pk, after, course_id=card.course_id)
    newcards.cursor_advance(
        learner=learner, course=card.course, introduced=before is None, row=seen.cursor
    )
    _fit_count(prefs)
    return ReviewOutcome(True, log)


def exam_due_cap(
    *, exam_date: date | None, prefs: LearnerSettings, card: Card, now: datetime
) -> Callable[[Memory], datetime] | None:
    """With an exam ahead on the card's course (``exam_date``), the due date an answer
    stores instead of the memory's own, so no interval jumps the exam
    (:func:`exam.exam_due`); None without one."""
    if exam_date is None:
        return None

    def due(memory: Memory) -> datetime:
        return exam_due(
            memory,
            card_id=card.pk,
            now=now,
            exam=exam_date,
            time_zone=prefs.time_zone,
            day_hour=prefs.day_starts_at,
        )

    return due


def _uncounted(outcome: ReviewOutcome, learner: Any) -> ReviewOutcome:
    """``outcome``, a refusal, after taking back the review its lock counted."""
    queue_sql.settings_count_review(learner_id=learner.pk, by=-1)
    return outcome


def _fit_count(prefs: LearnerSettings) -> None:
    """Queue a background fit once enough reviews have come in (``prefs``: as locked,
    with this review counted) and start counting again.

    The fit itself runs in the task worker, never here (revise/study/fitting.py).
    """
    from revise.study import fitting

    due = fitting.MIN_REVIEWS if prefs.last_fit_id is None else fitting.FIT_EVERY
    if prefs.reviews_since_fit >= due:
        fitting.fit_enqueue(learner_id=prefs.learner_id)
        prefs.reviews_since_fit = 0
        queue_sql.fit_counter_set(settings_id=prefs.pk, value=0)


def entry_in_deck(entry: Sequence[Any], deck: Deck) -> bool:
    """Whether a log entry (as :func:`queue_sql.last_log_entry`) is of a card of
    ``deck``: an undo on a chapter's deck never undoes an answer given on another."""
    return entry[3] == deck.course.pk and (
        deck.chapter is None or entry[4] == deck.chapter.pk
    )


@transaction.atomic
def review_undo(
    *, learner: Any, now: datetime, deck: Deck | None = None
) -> ReviewLog | None:
    """Undo the learner's last review, restoring the card's exact previous state.

    Only the latest entry of the log can be undone, so undoing twice in a row does
    nothing the second time; with ``deck``, only if that review was of one of the
    deck's cards. Returns the undo record, or None if there was nothing to undo.
    """
    _lock_learner(learner)
    # The latest entry's key from the (learner, id) index (queue_sql.LAST_ENTRY says
    # why not the ORM's order_by("-id") on PostgreSQL), then the row.
    entry = queue_sql.last_log_entry(learner_id=learner.pk)
    if entry is None or entry[1] != ReviewLog.Kind.REVIEW:
        return None
    if deck is not None and not entry_in_deck(entry, deck):
        return None
    last = ReviewLog.objects.get(pk=entry[0])
    undo = ReviewLog.objects.create(
        learner=learner,
        card_id=last.card_id,
        kind=ReviewLog.Kind.UNDO,
        reviewed_at=now,
        retention=last.retention,
        state_before=last.state_after,
        state_after=last.state_before,
        token=f"undo:{last.pk}",
        undoes=last,
        parameters_id=last.parameters_id,
    )
    before = Memory.from_json(last.state_before) if last.state_before else None
    card = Card.objects.only("course_id", "sequence").get(pk=last.card_id)
    _state_write(learner.pk, card.pk, before, course_id=card.course_id)
    if before is None:  # the card is new again
        newcards.cursor_back_to(learner=learner, card=card)
    return undo


@transaction.atomic
def card_suspend(*, learner: Any, card: Card, now: datetime) -> None:
    """Take ``card`` out of the learner's queues until it is brought back."""
    _lock_learner(learner)
    Suspension.objects.get_or_create(
        learner=learner, card=card, defaults={"created_at": now}
    )


@transaction.atomic
def card_unsuspend(*, learner: Any, card: Card) -> None:
    """Bring a suspended card back into the learner's queues."""
    _lock_learner(learner)
    if Suspension.objects.filter(learner=learner, card=card).delete()[0]:
        newcards.cursor_back_to(learner=learner, card=card)


@transaction.atomic
def learner_settings_update(*, learner: Any, **values: Any) -> LearnerSettings:
    """Change the learner's study settings (already validated by the form)."""
    prefs = _lock_learner(learner)
    for name, value in values.items():
        setattr(prefs, name, value)
    prefs.full_clean()
    prefs.save()
    return prefs


@dataclass(frozen=True)
class RebuildReport:
    checked: int
    changed: int


def replay(
    logs: list[ReviewLog], parameters: dict[int, list[float]] | None = None
) -> Memory | None:
    """A card's memory from its log entries (in order), skipping undone reviews.

    Each review is replayed with the parameters in force when it was recorded
    (``parameters``: fit id to values; looked up in the database if not given).
    """
    undone = {log.undoes_id for log in logs if log.kind == ReviewLog.Kind.UNDO}
    if parameters is None:
        ids = {log.parameters_id for log in logs if log.parameters_id}
        parameters = dict(
            ParameterFit.objects.filter(pk__in=ids).values_list("pk", "parameters")
        )
    memory = None
    for log in logs:
        if log.kind == ReviewLog.Kind.REVIEW and log.pk not in undone:
            memory = scheduling.review(
                memory,
                card_id=log.card_id,
                rating=Rating(log.rating),
                now=log.reviewed_at,
                retention=log.retention,
                parameters=parameters[log.parameters_id] if log.parameters_id else None,
            )
            # The due date as recorded: an exam ahead may have brought it forward
            # (``exam_due_cap``), which the memory alone does not tell.
            if log.state_after and log.state_after.get("due"):
                memory = replace(
                    memory, due=datetime.fromisoformat(log.state_after["due"])
                )
    return memory


def card_states_rebuild(*, learner: Any = None, dry_run: bool = False) -> RebuildReport:
    """Recompute every card state from the review log; fix and count those that differ."""
    logs = ReviewLog.objects.order_by("learner_id", "card_id", "id")
    states = CardState.objects.all()
    if learner is not None:
        logs, states = logs.filter(learner=learner), states.filter(learner=learner)
    by_card: dict[tuple[int, int], list[ReviewLog]] = defaultdict(list)
    for log in logs.iterator(chunk_size=5000):
        by_card[(log.learner_id, log.card_id)].append(log)
    current = {(s.learner_id, s.card_id): memory_of(s) for s in states.iterator()}
    fits = ParameterFit.objects.all()
    if learner is not None:
        fits = fits.filter(learner=learner)
    parameters = dict(fits.values_list("pk", "parameters"))
    course_of = dict(Card.objects.values_list("pk", "course_id"))
    changed = 0
    with transaction.atomic():
        if not dry_run:  # states may come and go: new cards are found from the start
            newcards.cursors_forget(learner=learner)
        for key in by_card.keys() | current.keys():
            rebuilt = replay(by_card.get(key, []), parameters)
            if rebuilt != current.get(key):
                changed += 1
                if not dry_run:
                    learner_id, card_id = key
                    _state_write(
                        learner_id, card_id, rebuilt, course_id=course_of[card_id]
                    )
    return RebuildReport(checked=len(by_card.keys() | current.keys()), changed=changed)
