"""The study loop's statements, written out in SQL.

Showing the next card and recording an answer run about fifteen small statements. Each
takes the database some 0.05 ms; Django's query compiler took four times that to build
it, so the loop was mostly spent writing SQL. Here the statements are written once, as
plain SQL that SQLite and PostgreSQL both run, and rows are turned into model instances
directly. Everything else in Revise uses the ORM.

Each statement is led by an index:

- learning and due cards: ``CardState`` (learner, course, state, due);
- new cards: ``Card`` (course, sequence) where live (a partial index), from the
  learner's ``NewCardCursor``; a course's retired cards: ``Card`` (course) where
  retired;
- a card's last log entry and a token: ``ReviewLog`` (learner, card, id) and
  (learner, token).

A retired chapter's cards are retired with it by the import, so a card's own
``retired_at`` is the only liveness check. Suspended cards are left out with
``NOT EXISTS`` on the unique (learner, card) suspension index; the statements that
find the next learning or due card check both with scalar subqueries instead
(:func:`_first_state_sql` says why).

PostgreSQL plans every statement afresh (its parameters are put into the text by the
client), and parsing and planning a statement of several joins takes it longer than
running it: the study loop's statements are few, and each as plain as it can be.

Only table and column names (from the models' own metadata) and fixed conditions are put
into the SQL text; every value is a query parameter.
"""

# ruff: noqa: S608 - the statements' text holds no values, only names from the models

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, NamedTuple

from django.db import connection
from django.db.models import Model
from django.utils.dateparse import parse_datetime

from revise.catalog.models import Course
from revise.study.models import (
    Card,
    CardState,
    Exam,
    LearnerSettings,
    NewCardCursor,
    ReviewLog,
    Suspension,
)
from revise.study.scheduling import LEECH_LAPSES

LEARNING_STATES = (1, 3)  # learning, relearning
REVIEW_STATE = 2
ALL_STATES = (*LEARNING_STATES, REVIEW_STATE)


def _columns(model: type[Model]) -> list[str]:
    return [field.column for field in model._meta.concrete_fields]


def _attnames(model: type[Model]) -> list[str]:
    return [field.attname for field in model._meta.concrete_fields]


@functools.cache  # the study loop's statements write a few of these out each time
def _select(model: type[Model], alias: str) -> str:
    return ", ".join(f"{alias}.{column}" for column in _columns(model))


CARD, STATE = Card._meta.db_table, CardState._meta.db_table
SUSPENSION, LOG = Suspension._meta.db_table, ReviewLog._meta.db_table
CURSOR, SETTINGS = NewCardCursor._meta.db_table, LearnerSettings._meta.db_table
EXAM = Exam._meta.db_table
CARD_FIELDS, STATE_FIELDS = _attnames(Card), _attnames(CardState)
SETTINGS_FIELDS = _attnames(LearnerSettings)
NOT_SUSPENDED = (
    f"NOT EXISTS (SELECT 1 FROM {SUSPENSION} u"
    " WHERE u.learner_id = %s AND u.card_id = c.id)"
)


def _when(value: datetime) -> Any:
    """A datetime as the database takes it (SQLite: text in UTC)."""
    return connection.ops.adapt_datetimefield_value(value)


def _aware(value: Any) -> Any:
    """A datetime read from the database, in UTC (SQLite gives it naive)."""
    if isinstance(value, datetime) and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def _instance(model: type[Model], names: list[str], values: Sequence[Any]) -> Any:
    return model.from_db(connection.alias, names, [_aware(v) for v in values])


def _rows(sql: str, params: Sequence[Any]) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _value(sql: str, params: Sequence[Any]) -> Any:
    rows = _rows(sql, params)
    return rows[0][0] if rows else None


@dataclass(frozen=True)
class DeckFilter:
    """Which cards of a course a queue reads: the learner, the course, maybe one chapter,
    and whether the learner may see locked cards."""

    learner_id: int
    course_id: int
    chapter_id: int | None
    locked_ok: bool

    def card_conditions(self) -> tuple[str, list[Any]]:
        """SQL conditions on the card ``c`` (live, in the deck, not suspended)."""
        return _live_cards(self.learner_id, self.chapter_id, self.locked_ok)


def _live_cards(
    learner_id: int, chapter_id: int | None, locked_ok: bool
) -> tuple[str, list[Any]]:
    """SQL conditions on the card ``c``: live, in the chapter if one is given, not
    locked unless the learner may see locked cards, not suspended by the learner."""
    sql = ["c.retired_at IS NULL"]
    params: list[Any] = []
    if chapter_id is not None:
        sql.append("c.chapter_id = %s")
        params.append(chapter_id)
    if not locked_ok:
        sql.append("NOT c.locked")
    sql.append(NOT_SUSPENDED)
    params.append(learner_id)
    return " AND ".join(sql), params


def _states_where(deck: DeckFilter, states: Sequence[int]) -> tuple[str, list[Any]]:
    marks = ", ".join("%s" for _ in states)
    cards, params = deck.card_conditions()
    sql = (
        f"FROM {STATE} s JOIN {CARD} c ON c.id = s.card_id"
        f" WHERE s.learner_id = %s AND s.course_id = %s AND s.state IN ({marks})"
        f" AND {cards}"
    )
    return sql, [deck.learner_id, deck.course_id, *states, *params]


def first_state(
    deck: DeckFilter, *, states: Sequence[int], due_by: datetime, inclusive: bool
) -> CardState | None:
    """The learner's earliest-due state in ``states`` due by ``due_by`` (``<=`` if
    ``inclusive``, else ``<``), with its card attached, or None. The card carries
    ``last_log_id``, its latest log entry (for its token)."""
    sql, params = _first_state_sql(deck, states, due_by, inclusive)
    rows = _rows(
        f"SELECT q.*, {_select(Card, 'c')}, {_LAST_LOG} FROM ({sql}) q"
        f" JOIN {CARD} c ON c.id = q.card_id",
        [deck.learner_id, *params],
    )
    return _state_with_last_log(rows[0]) if rows else None


def first_learning_and_due(
    deck: DeckFilter,
    *,
    learning_by: datetime,
    due_before: datetime,
    introduced_since: datetime | None = None,
) -> tuple[CardState | None, CardState | None, int | None]:
    """:func:`first_state` of the learning cards due by ``learning_by`` (inclusive)
    and of the review cards due before ``due_before``, and (given
    ``introduced_since``) the learner's :func:`introduced_since` count, in one
    statement."""
    learning, learning_params = _first_state_sql(
        deck, LEARNING_STATES, learning_by, inclusive=True
    )
    due, due_params = _first_state_sql(
        deck, (REVIEW_STATE,), due_before, inclusive=False
    )
    count, count_params = "NULL", []
    if introduced_since is not None:
        count, count_params = _introduced_sql(
            learner_id=deck.learner_id, since=introduced_since, course_id=None
        )
    # LEFT JOIN from one row: the count comes back when no card does.
    rows = _rows(
        f"SELECT q.*, {_select(Card, 'c')}, {_LAST_LOG}, ({count})"
        " FROM (SELECT 1 AS one) x"
        f" LEFT JOIN (SELECT * FROM ({learning}) a UNION ALL SELECT * FROM ({due}) b)"
        f" q ON 1 = 1 LEFT JOIN {CARD} c ON c.id = q.card_id",
        [deck.learner_id, *count_params, *learning_params, *due_params],
    )
    states = [_state_with_last_log(row[:-1]) for row in rows if row[0] is not None]
    return (
        next((s for s in states if s.state in LEARNING_STATES), None),
        next((s for s in states if s.state == REVIEW_STATE), None),
        rows[0][-1],
    )


# The latest log entry of the learner (a parameter) for the card of the state ``q``.
_LAST_LOG = (
    f"(SELECT MAX(l.id) FROM {LOG} l WHERE l.learner_id = %s AND l.card_id = q.card_id)"
)


def _first_state_sql(
    deck: DeckFilter, states: Sequence[int], due_by: datetime | None, inclusive: bool
) -> tuple[str, list[Any]]:
    """The earliest-due state (its columns only) in ``states`` due by ``due_by`` (None:
    at any time) of a live card of the deck the learner has not suspended.

    The card and the suspension are checked by scalar subqueries, run for the states
    read in due order until one passes, not by joins: PostgreSQL plans each statement
    afresh, and planning the joins (with their anti-join) of the learning and the due
    state took 0.3 ms, against 0.05 ms to run them. The state's card is joined once
    the state is found."""
    marks = ", ".join("%s" for _ in states)
    due = "" if due_by is None else f" AND s.due {'<=' if inclusive else '<'} %s"
    card = ["c.id = s.card_id", "c.retired_at IS NULL"]
    card_params: list[Any] = []
    if deck.chapter_id is not None:
        card.append("c.chapter_id = %s")
        card_params.append(deck.chapter_id)
    if not deck.locked_ok:
        card.append("NOT c.locked")
    return (
        f"SELECT {_select(CardState, 's')} FROM {STATE} s WHERE s.learner_id = %s"
        f" AND s.course_id = %s AND s.state IN ({marks}){due}"
        f" AND (SELECT c.id FROM {CARD} c WHERE {' AND '.join(card)}) IS NOT NULL"
        f" AND (SELECT u.id FROM {SUSPENSION} u WHERE u.learner_id = %s"
        " AND u.card_id = s.card_id) IS NULL ORDER BY s.due LIMIT 1",
        [
            deck.learner_id,
            deck.course_id,
            *states,
            *([] if due_by is None else [_when(due_by)]),
            *card_params,
            deck.learner_id,
        ],
    )


def _state_with_last_log(row: Sequence[Any]) -> CardState:
    state = _state_with_card(row[:-1])
    state.card.last_log_id = row[-1]
    return state


def _state_with_card(row: Sequence[Any]) -> CardState:
    """A row of a state's columns then its card's, as the state with its card."""
    state = _instance(CardState, STATE_FIELDS, row[: len(STATE_FIELDS)])
    state.card = _instance(Card, CARD_FIELDS, row[len(STATE_FIELDS) :])
    return state


def count_states(
    deck: DeckFilter, *, states: Sequence[int], due_before: datetime | None = None
) -> int:
    """How many of the learner's states in ``states`` (due before ``due_before``)."""
    sql, params = _count_states_sql(deck, states=states, due_before=due_before)
    return _value(sql, params)


def _count_states_sql(
    deck: DeckFilter, *, states: Sequence[int], due_before: datetime | None
) -> tuple[str, list[Any]]:
    """:func:`count_states` as a statement, a scalar subquery of another."""
    if deck.chapter_id is None and deck.locked_ok:
        return _count_course_states_sql(deck, states=states, due_before=due_before)
    where, params = _states_where(deck, states)
    if due_before is not None:
        where += " AND s.due < %s"
        params.append(_when(due_before))
    return f"SELECT COUNT(*) {where}", params


def _count_course_states_sql(
    deck: DeckFilter, *, states: Sequence[int], due_before: datetime | None
) -> tuple[str, list[Any]]:
    """:func:`count_states` for a whole course: the states counted from the index
    alone, less the few whose card is retired and the few the learner suspended.

    Joining every state to its card to check it is live made PostgreSQL's planner read
    the whole card table (a hash join) when it overestimated the states due: 6 ms at
    50,000 cards. Retired cards and suspensions are few, and each is found from its
    own side (``CROSS JOIN`` keeps SQLite's planner to that order; PostgreSQL's reads
    it as a plain join)."""
    marks = ", ".join("%s" for _ in states)
    due = " AND s.due < %s" if due_before is not None else ""
    when = [_when(due_before)] if due_before is not None else []
    learner, course = deck.learner_id, deck.course_id
    return (
        f"SELECT (SELECT COUNT(*) FROM {STATE} s WHERE s.learner_id = %s"
        f" AND s.course_id = %s AND s.state IN ({marks}){due})"
        f" - (SELECT COUNT(*) FROM {CARD} c CROSS JOIN {STATE} s"
        f" WHERE s.card_id = c.id AND s.learner_id = %s AND c.course_id = %s"
        f" AND c.retired_at IS NOT NULL AND s.state IN ({marks}){due})"
        f" - (SELECT COUNT(*) FROM {SUSPENSION} u CROSS JOIN {STATE} s"
        f" CROSS JOIN {CARD} c WHERE s.card_id = u.card_id"
        f" AND s.learner_id = u.learner_id AND c.id = u.card_id AND u.learner_id = %s"
        f" AND c.course_id = %s AND c.retired_at IS NULL AND s.state IN ({marks}){due})",
        [
            *(learner, course, *states, *when),
            *(learner, course, *states, *when),
            *(learner, course, *states, *when),
        ],
    )


def next_due_after(deck: DeckFilter, *, after: datetime) -> datetime | None:
    """When the learner's next card in the deck falls due after ``after``."""
    sql, params = _next_due_sql(deck, after=after)
    return _aware(_value(sql, params))


def _next_due_sql(deck: DeckFilter, *, after: datetime | None) -> tuple[str, list[Any]]:
    """The first due date of the learner's cards in the deck after ``after`` (None:
    the first at all, past or not)."""
    where, params = _states_where(deck, ALL_STATES)
    if after is not None:
        where, params = f"{where} AND s.due > %s", [*params, _when(after)]
    # Not MIN(): SQLite would return an aggregate of a datetime column as bare text.
    return f"SELECT s.due {where} ORDER BY s.due LIMIT 1", params


class SessionCounts(NamedTuple):
    """What :func:`session_counts` reads in its one statement."""

    learning: int
    due: int
    next_due: datetime | None
    new: int  # never seen, from ``unseen_from``, up to ``unseen_limit``
    # With ``totals_from`` (the deck page): every card never seen from there, and the
    # deck's live cards the learner suspended.
    unseen: int | None = None
    suspended: int | None = None
    # With ``due_now_at``: the learner's cards due then in every course (the header's
    # count, :func:`count_due_now`).
    due_now: int | None = None


def session_counts(
    deck: DeckFilter,
    *,
    due_before: datetime,
    after: datetime | None,
    unseen_from: int = 0,
    unseen_limit: int = 0,
    totals_from: int | None = None,
    due_now_at: datetime | None = None,
) -> SessionCounts:
    """In one statement: the learner's learning cards in the deck, their review cards
    due before ``due_before``, when the next card falls due after ``after`` (None:
    the first due at all) (:func:`count_states`, :func:`next_due_after`), and how many cards from
    ``unseen_from`` they have never seen, up to ``unseen_limit``
    (:func:`count_unseen`); with ``totals_from``, also every card never seen from
    there and the deck's suspended cards (:func:`_unseen_and_suspended_sql`); with
    ``due_now_at``, also the header's count (:func:`due_now_sql`)."""
    learning, learning_params = _count_states_sql(
        deck, states=LEARNING_STATES, due_before=None
    )
    due, due_params = _count_states_sql(
        deck, states=(REVIEW_STATE,), due_before=due_before
    )
    upcoming, upcoming_params = _next_due_sql(deck, after=after)
    # The deck page counts every card never seen from the same place anyway: today's
    # new cards are the first ``unseen_limit`` of them, no batch of their own.
    counted = totals_from is not None and totals_from == unseen_from
    unseen, unseen_params = "0", []
    if unseen_limit and not counted:
        batch, unseen_params = _unseen_batch_sql(
            deck, unseen_from, unseen_limit, "c.id"
        )
        unseen = f"SELECT COUNT(*) FROM ({batch}) n"
    totals, totals_params = "NULL, NULL", []
    if totals_from is not None:
        totals, totals_params = _unseen_and_suspended_sql(deck, totals_from)
    due_now, due_now_params = "NULL", []
    if due_now_at is not None:
        due_now, due_now_params = due_now_sql(
            learner_id=deck.learner_id, now=due_now_at, locked_ok=deck.locked_ok
        )
    row = _rows(
        f"SELECT ({learning}), ({due}), ({upcoming}), ({unseen}), {totals}, {due_now}",
        [
            *learning_params,
            *due_params,
            *upcoming_params,
            *unseen_params,
            *totals_params,
            *due_now_params,
        ],
    )[0]
    new = row[3]
    if counted:
        new = min(unseen_limit, row[4])
    elif new < unseen_limit:  # the next live cards hold too few: look further
        new = len(_unseen_rest(deck, unseen_from, unseen_limit, "c.id"))
    return SessionCounts(row[0], row[1], _datetime(row[2]), new, *row[4:])


def _datetime(value: Any) -> datetime | None:
    """A datetime column read through a subquery (SQLite gives it as text, in UTC)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return _aware(value)


def _unseen_where(deck: DeckFilter, start: int) -> tuple[str, list[Any]]:
    cards, params = deck.card_conditions()
    sql = (
        f"FROM {CARD} c WHERE c.course_id = %s AND c.sequence >= %s AND {cards}"
        f" AND NOT EXISTS (SELECT 1 FROM {STATE} s"
        " WHERE s.learner_id = %s AND s.card_id = c.id)"
    )
    return sql, [deck.course_id, start, *params, deck.learner_id]


# The first live cards from the cursor, read in order before any is checked against the
# learner's states: the cursor points at their first new card, so it is nearly always
# among them. Left to itself, PostgreSQL's planner read and sorted every card after the
# cursor (5 ms at 10,000 new cards) to find 20.
UNSEEN_BATCH = 256


def _unseen_batch_sql(
    deck: DeckFilter, start: int, limit: int, columns: str
) -> tuple[str, list[Any]]:
    """The unseen cards (``columns`` of each) among the next ``UNSEEN_BATCH`` live
    cards from ``start``, the first ``limit`` of them in reading order."""
    cards, params = deck.card_conditions()
    unseen = (
        f"NOT EXISTS (SELECT 1 FROM {STATE} s WHERE s.learner_id = %s"
        " AND s.card_id = c.id)"
    )
    return (
        f"SELECT {columns} FROM (SELECT {_select(Card, 'c')} FROM {CARD} c"
        " WHERE c.course_id = %s AND c.retired_at IS NULL AND c.sequence >= %s"
        + (" AND c.chapter_id = %s" if deck.chapter_id is not None else "")
        + (" AND NOT c.locked" if not deck.locked_ok else "")
        + f" ORDER BY c.sequence LIMIT %s) c WHERE {cards} AND {unseen}"
        " ORDER BY c.sequence LIMIT %s",
        [
            deck.course_id,
            start,
            *([deck.chapter_id] if deck.chapter_id is not None else []),
            UNSEEN_BATCH,
            *params,
            deck.learner_id,
            limit,
        ],
    )


def _unseen_rows(
    deck: DeckFilter, start: int, limit: int, columns: str | None = None
) -> list[tuple]:
    """Up to ``limit`` unseen cards from ``start`` (``columns`` of each, by default
    all), in reading order: from the next ``UNSEEN_BATCH`` live cards, or from all of
    them if those hold too few."""
    columns = columns or _select(Card, "c")
    batch = _rows(*_unseen_batch_sql(deck, start, limit, columns))
    if len(batch) >= limit:
        return batch
    return _unseen_rest(deck, start, limit, columns)


def _unseen_rest(deck: DeckFilter, start: int, limit: int, columns: str) -> list[tuple]:
    """:func:`_unseen_rows` from all the live cards after ``start``."""
    where, params = _unseen_where(deck, start)
    return _rows(
        f"SELECT {columns} {where} ORDER BY c.sequence LIMIT %s", [*params, limit]
    )


def first_unseen(deck: DeckFilter, *, start: int) -> Card | None:
    """The first card (in reading order, from ``start``) the learner has never seen."""
    rows = _unseen_rows(deck, start, 1)
    return _instance(Card, CARD_FIELDS, rows[0]) if rows else None


def count_unseen(deck: DeckFilter, *, start: int, limit: int | None = None) -> int:
    """How many cards from ``start`` the learner has never seen (up to ``limit``)."""
    if limit is not None:
        return len(_unseen_rows(deck, start, limit, columns="c.id"))
    where, params = _unseen_where(deck, start)
    return _value(f"SELECT COUNT(*) {where}", params)


def _unseen_and_suspended_sql(deck: DeckFilter, start: int) -> tuple[str, list[Any]]:
    """Two select items: how many cards from ``start`` the learner has never seen, and
    how many of the deck's live cards they suspended (the deck page's counts)."""
    where, params = _unseen_where(deck, start)
    cards = ["c.course_id = %s", "c.retired_at IS NULL"]
    card_params: list[Any] = [deck.course_id]
    if deck.chapter_id is not None:
        cards.append("c.chapter_id = %s")
        card_params.append(deck.chapter_id)
    if not deck.locked_ok:
        cards.append("NOT c.locked")
    return (
        f"(SELECT COUNT(*) {where}), (SELECT COUNT(*) FROM {SUSPENSION} u"
        f" JOIN {CARD} c ON c.id = u.card_id WHERE u.learner_id = %s"
        f" AND {' AND '.join(cards)})",
        [*params, deck.learner_id, *card_params],
    )


def cursor_row(*, learner_id: int, course_id: int) -> tuple[int, datetime] | None:
    """The learner's new-card cursor in the course: (sequence, course version)."""
    rows = _rows(
        f"SELECT sequence, course_version FROM {CURSOR}"
        " WHERE learner_id = %s AND course_id = %s",
        [learner_id, course_id],
    )
    return (rows[0][0], _aware(rows[0][1])) if rows else None


# The learner's latest log entry, from the (learner, id) index. Not "WHERE learner_id =
# %s ORDER BY id DESC": PostgreSQL's planner walks the primary key backwards for that,
# expecting the learner's rows among the latest, and a learner whose last answer is
# older than many others' read all of those (27 ms at 100,000 newer rows). With the
# learner as a range, only the (learner, id) index gives the order asked for.
LAST_ENTRY = (
    f"SELECT id, kind, card_id FROM {LOG} WHERE learner_id >= %s AND learner_id <= %s"
    " ORDER BY learner_id DESC, id DESC LIMIT 1"
)


def page_reads(
    *, learner_id: int, course_id: int
) -> tuple[LearnerSettings | None, date | None, tuple[int, datetime] | None, Any]:
    """What a study page of the course reads first, in one statement: the learner's
    settings row (as :func:`settings_row`), their exam date on the course, their
    new-card cursor in it (as :func:`cursor_row`) and their latest log entry (as
    :func:`last_log_entry`)."""
    columns, joins, params = _page_reads_sql(learner_id, course_id)
    rows = _rows(f"SELECT {columns} FROM (SELECT 1 AS one) x{joins}", params)
    return _page_reads_row(rows[0])


def _page_reads_sql(learner_id: int, course_id: int) -> tuple[str, str, list[Any]]:
    """:func:`page_reads`' select items (``PAGE_READS_WIDTH`` columns) and joins, to
    follow ``FROM (SELECT 1 AS one) x``, and their parameters."""
    columns = (
        f"{_select(LearnerSettings, 'p')}, e.exam_date, k.sequence, k.course_version,"
        " l.id, l.kind, l.card_id, lc.course_id, lc.chapter_id"
    )
    joins = (
        f" LEFT JOIN {SETTINGS} p ON p.learner_id = %s"
        f" LEFT JOIN {EXAM} e ON e.learner_id = %s AND e.course_id = %s"
        f" LEFT JOIN {CURSOR} k ON k.learner_id = %s AND k.course_id = %s"
        f" LEFT JOIN ({LAST_ENTRY}) l ON 1 = 1"
        f" LEFT JOIN {CARD} lc ON lc.id = l.card_id"
    )
    params = [learner_id, learner_id, course_id, learner_id, course_id]
    return columns, joins, [*params, learner_id, learner_id]  # LAST_ENTRY's two


PAGE_READS_WIDTH = len(SETTINGS_FIELDS) + 8


def _page_reads_row(
    row: Sequence[Any],
) -> tuple[LearnerSettings | None, date | None, tuple[int, datetime] | None, Any]:
    """:func:`page_reads`' four values from the first ``PAGE_READS_WIDTH`` columns."""
    size = len(SETTINGS_FIELDS)
    prefs = row[:size]
    exam_date, sequence, version, *last = row[size:PAGE_READS_WIDTH]
    return (
        None
        if prefs[0] is None
        else _instance(LearnerSettings, SETTINGS_FIELDS, prefs),
        exam_date,
        None if sequence is None else (sequence, _aware(version)),
        None if last[0] is None else tuple(last),
    )


@dataclass(frozen=True)
class PageStart:
    """What a study page reads first (:func:`page_start`)."""

    prefs: LearnerSettings | None
    exam_date: date | None
    cursor: tuple[int, datetime] | None
    last_entry: Any
    learning: CardState | None  # the first learning state due by the time given
    review: CardState | None  # the earliest-due review state, due when it may be


def page_start(deck: DeckFilter, *, learning_by: datetime) -> PageStart:
    """:func:`page_reads`, the deck's first learning state due by ``learning_by`` and
    its earliest-due review state (as :func:`first_state`, the review state due at
    any time), in one statement.

    Whether that review state is due today needs the learner's study day, from their
    settings read in the same statement: the caller compares. The earliest-due state
    is due today if any is."""
    columns, joins, page = _page_reads_sql(deck.learner_id, deck.course_id)
    learning, learning_params = _first_state_sql(
        deck, LEARNING_STATES, learning_by, inclusive=True
    )
    review, review_params = _first_state_sql(deck, (REVIEW_STATE,), None, False)
    rows = _rows(
        f"SELECT {columns}, q.*, {_select(Card, 'c')}, {_LAST_LOG}"
        f" FROM (SELECT 1 AS one) x{joins}"
        f" LEFT JOIN (SELECT * FROM ({learning}) a UNION ALL SELECT * FROM ({review}) b)"
        f" q ON 1 = 1 LEFT JOIN {CARD} c ON c.id = q.card_id",
        [deck.learner_id, *page, *learning_params, *review_params],
    )
    prefs, exam_date, cursor, last_entry = _page_reads_row(rows[0])
    states = [
        _state_with_last_log(each[PAGE_READS_WIDTH:])
        for each in rows
        if each[PAGE_READS_WIDTH] is not None
    ]
    return PageStart(
        prefs=prefs,
        exam_date=exam_date,
        cursor=cursor,
        last_entry=last_entry,
        learning=next((s for s in states if s.state in LEARNING_STATES), None),
        review=next((s for s in states if s.state == REVIEW_STATE), None),
    )


def introduced_since(
    *, learner_id: int, since: datetime, course_id: int | None = None
) -> int:
    """Cards (of the course, if given) the learner saw for the first time since
    ``since``, undone ones excluded."""
    return _value(
        *_introduced_sql(learner_id=learner_id, since=since, course_id=course_id)
    )


def studied_since(
    *, learner_id: int, course_id: int, since: datetime, answer_cap_ms: int
) -> tuple[float, int]:
    """Seconds the learner spent answering the course's cards since ``since`` (each
    answer counted up to ``answer_cap_ms``), and the cards they saw for the first time
    (as :func:`introduced_since`): one statement."""
    introduced, params = _introduced_sql(
        learner_id=learner_id, since=since, course_id=course_id
    )
    spent = "COALESCE(r.duration_ms, 0)"
    rows = _rows(
        f"SELECT (SELECT COALESCE(SUM(CASE WHEN {spent} > %s THEN %s ELSE {spent} END), 0)"
        f" FROM {LOG} r JOIN {CARD} c ON c.id = r.card_id WHERE r.learner_id = %s"
        " AND r.kind = %s AND r.reviewed_at >= %s AND c.course_id = %s), "
        f"({introduced})",
        [
            answer_cap_ms,
            answer_cap_ms,
            learner_id,
            ReviewLog.Kind.REVIEW,
            _when(since),
            course_id,
            *params,
        ],
    )
    return rows[0][0] / 1000, rows[0][1]


def _introduced_sql(
    *, learner_id: int, since: datetime, course_id: int | None
) -> tuple[str, list[Any]]:
    """Led by the partial index ``review_introduced`` of first answers, whose condition
    is written out (SQLite uses a partial index only for a condition it can read)."""
    course = ""
    params: list[Any] = [learner_id, _when(since)]
    if course_id is not None:
        course = f" AND r.card_id IN (SELECT id FROM {CARD} WHERE course_id = %s)"
        params.append(course_id)
    return (
        f"SELECT COUNT(*) FROM {LOG} r WHERE r.learner_id = %s AND r.reviewed_at >= %s"
        f" AND r.kind = '{ReviewLog.Kind.REVIEW.value}' AND r.state_before IS NULL"
        f" AND NOT EXISTS (SELECT 1 FROM {LOG} u WHERE u.undoes_id = r.id){course}",
        params,
    )


def answers_since(*, learner_id: int, since: datetime, course_id: int) -> int:
    """The learner's answers to the course's cards since ``since`` (undos not counted)."""
    return _value(
        f"SELECT COUNT(*) FROM {LOG} r WHERE r.learner_id = %s AND r.reviewed_at >= %s"
        f" AND r.kind = %s AND r.card_id IN (SELECT id FROM {CARD} WHERE course_id = %s)",
        [learner_id, _when(since), ReviewLog.Kind.REVIEW, course_id],
    )


def last_log_id(*, learner_id: int, card_id: int) -> int | None:
    return _value(
        f"SELECT MAX(id) FROM {LOG} WHERE learner_id = %s AND card_id = %s",
        [learner_id, card_id],
    )


def state_of(*, learner_id: int, card_id: int) -> CardState | None:
    rows = _rows(
        f"SELECT {_select(CardState, 's')} FROM {STATE} s"
        " WHERE s.learner_id = %s AND s.card_id = %s",
        [learner_id, card_id],
    )
    return _instance(CardState, STATE_FIELDS, rows[0]) if rows else None


def settings_row(*, learner_id: int, lock: bool = False) -> LearnerSettings | None:
    """The learner's settings row; with ``lock``, locked until the transaction ends
    (PostgreSQL; SQLite takes its write lock at ``BEGIN IMMEDIATE``)."""
    lock_sql = (
        " FOR UPDATE" if lock and connection.features.has_select_for_update else ""
    )
    rows = _rows(
        f"SELECT {_select(LearnerSettings, 'p')} FROM {SETTINGS} p"
        f" WHERE p.learner_id = %s{lock_sql}",
        [learner_id],
    )
    return _instance(LearnerSettings, SETTINGS_FIELDS, rows[0]) if rows else None


def settings_count_review(*, learner_id: int, by: int = 1) -> LearnerSettings | None:
    """Add ``by`` to the learner's count of reviews since their last fit and return
    their settings row as it now is, locked until the transaction ends (an ``UPDATE``
    locks the row as ``FOR UPDATE`` does, and waits for the lock in the same way);
    None if they have no row. Recording an answer takes its lock with this, one
    statement instead of a locking read and, later, an update of the count."""
    rows = _rows(
        f"UPDATE {SETTINGS} SET reviews_since_fit = reviews_since_fit + %s"
        f" WHERE learner_id = %s RETURNING {', '.join(_columns(LearnerSettings))}",
        [by, learner_id],
    )
    return _instance(LearnerSettings, SETTINGS_FIELDS, rows[0]) if rows else None


def token_used(*, learner_id: int, token: str) -> bool:
    return bool(
        _rows(
            f"SELECT 1 FROM {LOG} WHERE learner_id = %s AND token = %s",
            [learner_id, token],
        )
    )


@dataclass(frozen=True)
class AnswerReads:
    """What recording an answer reads once it holds the learner's lock (one statement)."""

    token_used: bool
    last_log_id: int | None  # the card's latest log entry: the token it shows now
    state: CardState | None
    exam_date: date | None  # of the learner's exam on the card's course
    cursor: tuple[int, datetime] | None  # as :func:`cursor_row`


def answer_reads(
    *, learner_id: int, card_id: int, course_id: int, token: str
) -> AnswerReads:
    """Whether ``token`` is in the learner's log, the card's latest log entry and
    state, the exam date and the new-card cursor of its course, in one statement.

    Run it after the learner's lock is taken, never in the locking statement: a
    PostgreSQL statement that waited for a lock still reads the other tables as they
    were before it waited, and would miss the answer the lock's holder just logged."""
    params = [learner_id, token, learner_id, card_id, learner_id, course_id]
    params += [learner_id, course_id, learner_id, card_id]
    rows = _rows(
        f"SELECT EXISTS (SELECT 1 FROM {LOG} WHERE learner_id = %s AND token = %s),"
        f" (SELECT MAX(id) FROM {LOG} WHERE learner_id = %s AND card_id = %s),"
        f" e.exam_date, k.sequence, k.course_version, {_select(CardState, 's')}"
        " FROM (SELECT 1 AS one) x"
        f" LEFT JOIN {EXAM} e ON e.learner_id = %s AND e.course_id = %s"
        f" LEFT JOIN {CURSOR} k ON k.learner_id = %s AND k.course_id = %s"
        f" LEFT JOIN {STATE} s ON s.learner_id = %s AND s.card_id = %s",
        params,
    )
    used, last, exam_date, sequence, version, *state = rows[0]
    return AnswerReads(
        token_used=bool(used),
        last_log_id=last,
        state=None if state[0] is None else _instance(CardState, STATE_FIELDS, state),
        exam_date=exam_date,
        cursor=None if sequence is None else (sequence, _aware(version)),
    )


def log_insert(values: dict[str, Any]) -> int | None:
    """Insert a log row with ``values`` (by field attname); its id, or None when the
    learner's log already holds its token (nothing is inserted).

    ``ON CONFLICT DO NOTHING`` instead of catching the unique violation: on PostgreSQL
    catching it needs a savepoint around the insert, two more round trips per answer."""
    return _value(*_log_insert_sql(values))


def _log_insert_sql(values: dict[str, Any]) -> tuple[str, list[Any]]:
    fields = [ReviewLog._meta.get_field(name) for name in values]
    params = [
        field.get_db_prep_save(value, connection)
        for field, value in zip(fields, values.values(), strict=True)
    ]
    return (
        f"INSERT INTO {LOG} ({', '.join(field.column for field in fields)})"
        f" VALUES ({', '.join('%s' for _ in fields)})"
        " ON CONFLICT DO NOTHING RETURNING id",
        params,
    )


def answer_write(
    log: dict[str, Any],
    *,
    learner_id: int,
    card_id: int,
    state: dict[str, Any],
    exists: bool,
) -> tuple[int | None, bool]:
    """Insert the log row ``log`` (as :func:`log_insert`) and, if it went in, set the
    learner's state of the card to ``state`` (columns; ``exists``: whether it has a
    state row, which is then updated, else inserted). Returns the log row's id (None:
    its token was already logged, and nothing was written) and whether the state was
    written (False: an update found no row).

    One statement on PostgreSQL (the state's write in a ``WITH`` clause that reads the
    insert's result): a round trip fewer per answer. SQLite, which has no writes in
    ``WITH``, runs the two statements (without a round trip, in the process)."""
    insert, insert_params = _log_insert_sql(log)
    if connection.vendor != "postgresql":
        log_id = _value(insert, insert_params)
        if log_id is None:
            return None, False
        with connection.cursor() as cursor:
            cursor.execute(*_state_write_sql(learner_id, card_id, state, exists=exists))
            return log_id, cursor.rowcount > 0
    write, write_params = _state_write_sql(
        learner_id, card_id, state, exists=exists, if_logged=True
    )
    rows = _rows(
        f"WITH l AS ({insert}), w AS ({write} RETURNING 1)"
        " SELECT (SELECT id FROM l), (SELECT COUNT(*) FROM w)",
        [*insert_params, *write_params],
    )
    log_id, written = rows[0]
    return log_id, bool(written)


def _state_write_sql(
    learner_id: int,
    card_id: int,
    values: dict[str, Any],
    *,
    exists: bool,
    if_logged: bool = False,
) -> tuple[str, list[Any]]:
    """The statement that sets the columns ``values`` of the learner's state of the
    card: an update of its row (``exists``) or the insert of one. With ``if_logged``,
    it writes only if the ``WITH`` clause ``l`` (:func:`answer_write`) holds a row."""
    params = [_when(v) if isinstance(v, datetime) else v for v in values.values()]
    if exists:
        names = ", ".join(f"{name} = %s" for name in values)
        logged = " AND EXISTS (SELECT 1 FROM l)" if if_logged else ""
        return (
            f"UPDATE {STATE} SET {names} WHERE learner_id = %s AND card_id = %s{logged}",
            [*params, learner_id, card_id],
        )
    names = ", ".join(["learner_id", "card_id", *values])
    marks = ", ".join("%s" for _ in range(len(values) + 2))
    rows = f"SELECT {marks} FROM l" if if_logged else f"VALUES ({marks})"
    return f"INSERT INTO {STATE} ({names}) {rows}", [learner_id, card_id, *params]


def state_update(*, learner_id: int, card_id: int, values: dict[str, Any]) -> bool:
    """Set the columns ``values`` of the learner's state of the card; False if it has
    none yet."""
    with connection.cursor() as cursor:
        cursor.execute(*_state_write_sql(learner_id, card_id, values, exists=True))
        return cursor.rowcount > 0


def fit_counter_set(*, settings_id: int, value: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {SETTINGS} SET reviews_since_fit = %s WHERE id = %s",
            [value, settings_id],
        )


def count_due_now(*, learner_id: int, now: datetime, locked_ok: bool) -> int:
    """The learner's cards due by ``now`` in every course (the header's count, on every
    signed-in page): :func:`due_now_sql` on its own."""
    sql, params = due_now_sql(learner_id=learner_id, now=now, locked_ok=locked_ok)
    return _value(f"SELECT {sql}", params)


def due_now_sql(
    *, learner_id: int, now: datetime, locked_ok: bool
) -> tuple[str, list[Any]]:
    """:func:`count_due_now`'s count as an expression, so a page's own statement can
    read it too (the chapter page's progress, the deck and study pages' counts): the
    states due counted from the
    (learner, due) index alone, less the few whose card is retired and the few the
    learner suspended, each found from its own side, as
    :func:`_count_course_states_sql` does for a course. Joining each due state to its
    card took 6 ms on PostgreSQL for a learner with 1,357 cards due among 40,000 (a
    hash join over the whole card table), most of a study page."""
    when = _when(now)
    if not locked_ok:  # an account that may not read locked cards: rare, joined
        cards, params = _live_cards(learner_id, None, locked_ok)
        return (
            f"(SELECT COUNT(*) FROM {STATE} s JOIN {CARD} c ON c.id = s.card_id"
            f" WHERE s.learner_id = %s AND s.due <= %s AND {cards})",
            [learner_id, when, *params],
        )
    return (
        f"((SELECT COUNT(*) FROM {STATE} s WHERE s.learner_id = %s AND s.due <= %s)"
        f" - (SELECT COUNT(*) FROM {CARD} c CROSS JOIN {STATE} s"
        " WHERE c.retired_at IS NOT NULL AND s.card_id = c.id AND s.learner_id = %s"
        " AND s.due <= %s)"
        f" - (SELECT COUNT(*) FROM {SUSPENSION} u CROSS JOIN {STATE} s"
        f" CROSS JOIN {CARD} c WHERE s.card_id = u.card_id"
        " AND s.learner_id = u.learner_id AND c.id = u.card_id AND u.learner_id = %s"
        " AND c.retired_at IS NULL AND s.due <= %s))",
        [learner_id, when, learner_id, when, learner_id, when],
    )


def deck_card(deck: DeckFilter, *, card_id: int) -> Card | None:
    """The live card ``card_id`` if it is in the deck and the learner may see it
    (suspended or not: an answer to a card suspended in another tab still counts)."""
    sql = "c.id = %s AND c.course_id = %s AND c.retired_at IS NULL"
    params: list[Any] = [card_id, deck.course_id]
    if deck.chapter_id is not None:
        sql += " AND c.chapter_id = %s"
        params.append(deck.chapter_id)
    if not deck.locked_ok:
        sql += " AND NOT c.locked"
    rows = _rows(f"SELECT {_select(Card, 'c')} FROM {CARD} c WHERE {sql}", params)
    return _instance(Card, CARD_FIELDS, rows[0]) if rows else None


def last_log_entry(*, learner_id: int) -> tuple[int, str, int, int, int] | None:
    """The learner's latest log entry: (id, kind, card id, the card's course and
    chapter ids)."""
    rows = _rows(
        "SELECT l.id, l.kind, l.card_id, c.course_id, c.chapter_id"
        f" FROM ({LAST_ENTRY}) l LEFT JOIN {CARD} c ON c.id = l.card_id",
        [learner_id, learner_id],
    )
    return rows[0] if rows else None


COURSE = Course._meta.db_table
# In the model's own field order, as from_db() wants them.
COURSE_FIELDS = [
    name for name in _attnames(Course) if name in {"id", "slug", "title", "imported_at"}
]


def course_by_slug(*, slug: str) -> Course | None:
    """The course's key, slug, title and import time (its other fields deferred)."""
    rows = _rows(
        f"SELECT {', '.join(COURSE_FIELDS)} FROM {COURSE} WHERE slug = %s", [slug]
    )
    return _instance(Course, COURSE_FIELDS, rows[0]) if rows else None


def exam_date_of(*, learner_id: int, course_id: int) -> date | None:
    """The date of the learner's exam on the course, if they set one."""
    return _value(
        f"SELECT exam_date FROM {EXAM} WHERE learner_id = %s AND course_id = %s",
        [learner_id, course_id],
    )


def _planned_where(
    deck: DeckFilter, card_ids: Sequence[int], reviewed_before: datetime
) -> tuple[str, list[Any]]:
    """The learner's states of ``card_ids`` in the deck not reviewed since
    ``reviewed_before`` (the plan's reviews still to do today)."""
    marks = ", ".join("%s" for _ in card_ids)
    where, params = _states_where(deck, ALL_STATES)
    return (
        f"{where} AND s.card_id IN ({marks}) AND s.last_review < %s",
        [*params, *card_ids, _when(reviewed_before)],
    )


def planned_states(
    deck: DeckFilter, *, card_ids: Sequence[int], reviewed_before: datetime
) -> dict[int, CardState]:
    """Of the plan's reviews for today, the states not reviewed yet, with their cards."""
    if not card_ids:
        return {}
    where, params = _planned_where(deck, card_ids, reviewed_before)
    rows = _rows(
        f"SELECT {_select(CardState, 's')}, {_select(Card, 'c')} {where}", params
    )
    states = [_state_with_card(row) for row in rows]
    return {state.card_id: state for state in states}


class Mark(NamedTuple):
    """What a learner's row shows of a card: its state (None: never seen), when it is
    due, whether it is a leech and whether the learner suspended it."""

    state: int | None
    due: datetime | None
    leech: bool
    suspended: bool


def learner_marks(*, learner_id: int, card_ids: Sequence[int]) -> dict[int, Mark]:
    """The learner's marks on those of ``card_ids`` they have seen or suspended (the
    deck page's rows): their states and suspensions in one statement, each part led
    by its unique (learner, card) index."""
    if not card_ids:
        return {}
    marks = ", ".join(["%s"] * len(card_ids))
    sql = (
        f"SELECT s.card_id, s.state, s.due, s.lapses, 0 FROM {STATE} s"
        f" WHERE s.learner_id = %s AND s.card_id IN ({marks})"
        " UNION ALL"
        f" SELECT u.card_id, NULL, NULL, NULL, 1 FROM {SUSPENSION} u"
        f" WHERE u.learner_id = %s AND u.card_id IN ({marks})"
    )
    rows = _rows(sql, [learner_id, *card_ids, learner_id, *card_ids])
    found: dict[int, Mark] = {}
    suspended = set()
    for card_id, state, due, lapses, is_suspension in rows:
        if is_suspension:
            suspended.add(card_id)
        else:
            leech = lapses >= LEECH_LAPSES
            # SQLite gives the due date as text here: a UNION loses the column's type.
            due = parse_datetime(due) if isinstance(due, str) else due
            found[card_id] = Mark(state, _aware(due), leech, False)
    for card_id in suspended:
        mark = found.get(card_id)
        found[card_id] = (
            mark._replace(suspended=True) if mark else Mark(None, None, False, True)
        )
    return found
