"""Study reads: decks, the study queue, deck counts. Locked cards only via access."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import Http404
from django.urls import get_script_prefix
from django.utils.safestring import SafeString

from revise.accounts.access import can_read_locked
from revise.catalog.models import Chapter, Course
from revise.memo import kept_per_import
from revise.study import deck_page, newcards, queue_sql, scheduling
from revise.study.models import Card, CardState, LearnerSettings, ReviewLog
from revise.study.services import (
    card_token,
    entry_in_deck,
    exam_due_cap,
    memory_of,
    page_id,
    shown_token,
)


@dataclass(frozen=True)
class Deck:
    """A chapter's cards, or a course's (made of its chapters' decks)."""

    course: Course
    chapter: Chapter | None

    @property
    def title(self) -> str:
        return self.chapter.title if self.chapter else self.course.title


def deck_get(*, course_slug: str, chapter_slug: str | None = None) -> Deck:
    """The deck of a course or of one of its live chapters, or 404.

    Reads only what study pages show: the course's title and import time (one query),
    and its live chapters' titles and slugs, kept per process by that import time.
    ``course.chapter_list`` makes the chapters' objects when it is first read (the deck
    page lists them; a study page needs one at most).
    """
    course = queue_sql.course_by_slug(slug=course_slug)
    if course is None:
        raise Http404("No such course")
    rows = _chapter_rows(course.pk, course.imported_at)
    if not rows:
        raise Http404("No such course")
    chapters = ChapterList(course, rows)
    course.chapter_list = chapters
    if chapter_slug is None:
        return Deck(course=course, chapter=None)
    chapter = chapters.by_slug(chapter_slug)
    if chapter is None:
        raise Http404("No such chapter")
    return Deck(course=course, chapter=chapter)


class ChapterList(Sequence):
    """A course's live chapters in order, each made (with its course attached) when
    first needed: making a model object costs some 20 µs, and a course of 500 chapters
    made them all on every study request, a third of its time."""

    def __init__(self, course: Course, rows: tuple[tuple, ...]) -> None:
        self._course, self._rows = course, rows
        self._made: dict[int, Chapter] = {}  # by index in ``rows``
        self._places: dict[int, int] | None = None  # index in ``rows`` by key

    def __len__(self) -> int:
        return len(self._rows)

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self._rows)))]
        index = range(len(self._rows))[index]  # negative indices; IndexError
        if index not in self._made:
            pk, slug, title, position = self._rows[index]
            chapter = Chapter(
                pk=pk, course_id=self._course.pk, slug=slug, title=title,
                position=position,
            )  # fmt: skip
            chapter.course = self._course
            self._made[index] = chapter
        return self._made[index]

    def by_slug(self, slug: str) -> Chapter | None:
        """The chapter ``slug``, or None."""
        return next(
            (self[i] for i, row in enumerate(self._rows) if row[1] == slug), None
        )

    def by_pk(self, pk: int) -> Chapter | None:
        """The chapter whose key is ``pk``, or None."""
        if self._places is None:  # a study page asks for its card's chapter
            self._places = {row[0]: i for i, row in enumerate(self._rows)}
        place = self._places.get(pk)
        return None if place is None else self[place]


@kept_per_import(maxsize=512)
def _chapter_rows(course_id: int, imported_at: datetime) -> tuple[tuple, ...]:
    """A course's live chapters (key, slug, title, position) as of an import: they
    change only when an import changes the course, which moves ``imported_at``."""
    return tuple(
        Chapter.objects.filter(course_id=course_id, retired_at__isnull=True)
        .order_by("position")
        .values_list("pk", "slug", "title", "position")
    )


def live_cards(*, course: Course, chapter: Chapter | None = None) -> QuerySet[Card]:
    """Every live card of the chapter or course in order, locked ones too: operators only."""
    return _cards(course, chapter, locked_ok=True)


def deck_cards(*, deck: Deck, viewer: Any) -> QuerySet[Card]:
    """The deck's live cards that ``viewer`` may see, in reading order."""
    return _cards(deck.course, deck.chapter, locked_ok=can_read_locked(viewer))


def _cards(course: Course, chapter: Chapter | None, locked_ok: bool) -> QuerySet[Card]:
    return deck_page.live_card_query(
        course.pk, chapter.pk if chapter else None, locked_ok
    ).select_related("course", "chapter")


def learner_settings_get(*, learner: Any) -> LearnerSettings:
    """The learner's settings; defaults (unsaved) if they never changed them."""
    return queue_sql.settings_row(learner_id=learner.pk) or LearnerSettings(
        learner=learner
    )


@dataclass(frozen=True)
class StudyDay:
    start: datetime
    end: datetime


def study_day(*, prefs: LearnerSettings, now: datetime) -> StudyDay:
    kwargs = {"time_zone": prefs.time_zone, "hour": prefs.day_starts_at}
    return StudyDay(
        start=scheduling.day_start(now, **kwargs),
        end=scheduling.next_day_start(now, **kwargs),
    )


UNREAD = newcards.UNREAD  # what Today has not read (yet)


@dataclass(frozen=True)
class Today:
    """What a study page needs to know once per request: the learner's settings, their
    study day, how many new cards the daily limit still allows, and (filled in as read)
    where their new cards of each course begin.

    ``exam_dates`` and ``cursors``, by course, and ``last_entry`` are what
    :func:`today_get` read with the settings when given the page's course."""

    prefs: LearnerSettings
    day: StudyDay
    new_from: dict[int, int] = field(default_factory=dict)
    exam_days: dict[int, Any] = field(default_factory=dict)
    exam_allowances: dict[int, int] = field(default_factory=dict)
    planned: dict[tuple, dict[int, CardState]] = field(default_factory=dict)
    exam_dates: dict[int, Any] = field(default_factory=dict)
    cursors: dict[int, Any] = field(default_factory=dict)
    last_entry: Any = UNREAD
    # Cards the learner saw for the first time today, once read (maybe with the queue's
    # first cards: :func:`study_next`).
    introduced: dict[str, int] = field(default_factory=dict)

    @property
    def allowance(self) -> int:
        """New cards the daily limit still allows today."""
        if "today" not in self.introduced:
            self.introduced["today"] = queue_sql.introduced_since(
                learner_id=self.prefs.learner_id, since=self.day.start
            )
        return max(0, self.prefs.new_cards_per_day - self.introduced["today"])

    def new_start(self, learner: Any, course: Course) -> int:
        if course.pk not in self.new_from:
            self.new_from[course.pk] = newcards.cursor_start(
                learner=learner, course=course, row=self.cursors.get(course.pk, UNREAD)
            )
        return self.new_from[course.pk]

    def exam_day(self, learner: Any, course: Course, now: datetime) -> Any:
        """Today's share of the learner's exam plan on ``course`` (``ExamDay``), or None."""
        if course.pk not in self.exam_days:
            day = None
            exam_date = (
                self.exam_dates[course.pk]
                if course.pk in self.exam_dates
                else queue_sql.exam_date_of(learner_id=learner.pk, course_id=course.pk)
            )
            if exam_date:
                from revise.study.exams import exam_day_get  # it reads this module

                day = exam_day_get(
                    learner=learner, course=course, now=now, prefs=self.prefs
                )
            self.exam_days[course.pk] = day
        return self.exam_days[course.pk]

    def new_allowance(self, learner: Any, course: Course, now: datetime) -> int:
        """New cards the learner may still start today in ``course``: the daily limit,
        or under an exam plan the plan's number for today (the plan spreads the
        course's new cards so that all are learned before the exam)."""
        exam_day = self.exam_day(learner, course, now)
        if exam_day is None:
            return self.allowance
        if course.pk not in self.exam_allowances:
            started = queue_sql.introduced_since(
                learner_id=learner.pk, since=self.day.start, course_id=course.pk
            )
            self.exam_allowances[course.pk] = max(0, exam_day.new_cards - started)
        return self.exam_allowances[course.pk]


def today_get(*, learner: Any, now: datetime, course: Course | None = None) -> Today:
    """The learner's :class:`Today`. With ``course`` (a study page's), what the page
    reads of that course (exam date, new-card cursor) and the learner's latest log
    entry come in the settings' statement."""
    if course is None:
        prefs = learner_settings_get(learner=learner)
        return Today(prefs=prefs, day=study_day(prefs=prefs, now=now))
    row, exam_date, cursor, last_entry = queue_sql.page_reads(
        learner_id=learner.pk, course_id=course.pk
    )
    return _today(learner, now, course, row, exam_date, cursor, last_entry)


def _today(
    learner: Any,
    now: datetime,
    course: Course,
    row: LearnerSettings | None,
    exam_date: Any,
    cursor: Any,
    last_entry: Any,
) -> Today:
    prefs = row or LearnerSettings(learner=learner)
    return Today(
        prefs=prefs,
        day=study_day(prefs=prefs, now=now),
        exam_dates={course.pk: exam_date},
        cursors={course.pk: cursor},
        last_entry=last_entry,
    )


def study_start(
    *, deck: Deck, learner: Any, now: datetime
) -> tuple[Today, StudyCard | None]:
    """What a study page reads first: the learner's :class:`Today` (as
    :func:`today_get` with the deck's course) and the next card (as
    :func:`study_next`). Their settings and the deck's first learning and review
    states come in one statement (:func:`queue_sql.page_start`)."""
    start = queue_sql.page_start(_queue(deck, learner), learning_by=now)
    today = _today(
        learner,
        now,
        deck.course,
        start.prefs,
        start.exam_date,
        start.cursor,
        start.last_entry,
    )
    review = start.review
    if review is not None and not review.due < today.day.end:
        review = None  # the earliest review is not due today: none is
    item = _study_next(
        deck=deck, learner=learner, now=now, today=today, first=(start.learning, review)
    )
    return today, item


def _queue(deck: Deck, learner: Any) -> queue_sql.DeckFilter:
    """The deck's cards as the study loop's SQL reads them (:mod:`queue_sql`)."""
    return queue_sql.DeckFilter(
        learner_id=learner.pk,
        course_id=deck.course.pk,
        chapter_id=deck.chapter.pk if deck.chapter else None,
        locked_ok=can_read_locked(learner),
    )


@dataclass(frozen=True)
class StudyCounts:
    """What is left today: new cards (within the daily limit), learning, due."""

    new_today: int
    learning: int
    due: int
    next_due: datetime | None
    next_due_in: str  # "10m", "3d": as the rating buttons write intervals
    time_zone: str
    # Asked for by a page that shows it: the learner's cards due now in every course
    # (the header's count), read in the counts' statement. Else None.
    due_now: int | None


def study_counts(
    *,
    deck: Deck,
    learner: Any,
    now: datetime,
    today: Today | None = None,
    due_now: bool = False,
) -> StudyCounts:
    """The counts a study session shows. ``today``: :func:`today_get`, if the caller has
    it. With ``due_now``, also the header's count of cards due now in every course."""
    today = today or today_get(learner=learner, now=now, course=deck.course)
    return _study_counts(deck, learner, now, today, due_now=due_now)[0]


def _study_counts(
    deck: Deck,
    learner: Any,
    now: datetime,
    today: Today,
    *,
    totals: bool = False,
    due_now: bool = False,
) -> tuple[StudyCounts, queue_sql.SessionCounts]:
    """:func:`study_counts`, and the row they came from. With ``totals`` (the deck
    page), also its counts of cards never seen and suspended, and the next card due is
    the first due at all (one already due means "due now"), not the first after now."""
    queue = _queue(deck, learner)
    # Small subqueries, each led by the (learner, course, state, due) index, beat one
    # aggregate that walks every state of a large deck; one statement holds them.
    allowance = today.new_allowance(learner, deck.course, now)
    # The cursor is read only if a count starts from it.
    start = today.new_start(learner, deck.course) if allowance or totals else 0
    row = queue_sql.session_counts(
        queue,
        due_before=today.day.end,
        after=None if totals else now,
        unseen_from=start if allowance else 0,
        unseen_limit=allowance,
        # New: every card before the learner's cursor is seen or suspended, so the
        # cards never seen are counted from there, not by subtracting every state.
        totals_from=start if totals else None,
        due_now_at=now if due_now else None,
    )
    learning, due, upcoming, new_today = row.learning, row.due, row.next_due, row.new
    due += sum(
        1
        for state in _planned(deck, learner, now, today).values()
        if state.state not in queue_sql.LEARNING_STATES
        and not (state.state == queue_sql.REVIEW_STATE and state.due < today.day.end)
    )
    counts = StudyCounts(
        new_today=new_today,
        learning=learning,
        due=due,
        next_due=upcoming,
        next_due_in=scheduling.interval_label(upcoming - now) if upcoming else "",
        time_zone=today.prefs.time_zone,
        due_now=row.due_now,
    )
    return counts, row


@dataclass(frozen=True)
class DeckCounts(StudyCounts):
    """The session's counts plus the whole deck's: total, never seen, suspended."""

    new: int
    total: int
    suspended: int
    ready: bool = False  # a card of the deck is due now ("next_due" is then past)


def deck_counts(*, deck: Deck, learner: Any, now: datetime) -> DeckCounts:
    """New, learning and due counts of a deck for a learner, when the next card is due
    (or that one is due now), and the header's count of cards due now in every course."""
    today = today_get(learner=learner, now=now, course=deck.course)
    session, row = _study_counts(deck, learner, now, today, totals=True, due_now=True)
    course = deck.course
    cards = deck_page.deck_size(
        course.pk,
        course.imported_at,
        deck.chapter.pk if deck.chapter else None,
        can_read_locked(learner),
    )
    return DeckCounts(
        **vars(session),
        new=row.unseen,
        total=cards - row.suspended,
        suspended=row.suspended,
        ready=session.next_due is not None and session.next_due <= now,
    )


@dataclass(frozen=True)
class StudyCard:
    """The card to show next, with its token, this page's id and the interval each
    rating would give."""

    card: Card
    token: str
    page: str
    is_new: bool
    intervals: dict[scheduling.Rating, str]

    @property
    def buttons(self) -> list[tuple[scheduling.Rating, str]]:
        """(rating, the interval it would give), in the buttons' order."""
        return [
            (rating, self.intervals.get(rating, "")) for rating in scheduling.Rating
        ]


def study_next(
    *, deck: Deck, learner: Any, now: datetime, today: Today | None = None
) -> StudyCard | None:
    """The next card to study: learning and due cards first, then new ones up to the
    daily limit, then learning cards a little ahead of time. None when done for today.
    ``today``: :func:`today_get`, if the caller has it.

    Under an exam plan (:mod:`revise.study.exams`): learning cards, then the plan's
    reviews for today (most valuable first, within the day's minutes: after days away
    the overdue pile is spread over the next days this way), then its new cards, and
    only then any other due card, for a learner who studies beyond the day's plan.
    """
    if today is None:
        return study_start(deck=deck, learner=learner, now=now)[1]
    return _study_next(deck=deck, learner=learner, now=now, today=today)


def _study_next(
    *,
    deck: Deck,
    learner: Any,
    now: datetime,
    today: Today,
    first: tuple[CardState | None, CardState | None] | None = None,
) -> StudyCard | None:
    """:func:`study_next`. ``first``: the deck's first learning state due by ``now``
    and first review state due today, if the caller read them."""
    queue = _queue(deck, learner)
    planned = today.exam_day(learner, deck.course, now) is not None
    first_due: list[CardState | None] = []
    if first is not None:
        learning, first_due = first[0], [first[1]]
    elif planned:
        learning = queue_sql.first_state(
            queue, states=queue_sql.LEARNING_STATES, due_by=now, inclusive=True
        )
    else:  # both in one statement: the due card is wanted whenever no learning one is
        unknown = "today" not in today.introduced
        learning, due_state, introduced = queue_sql.first_learning_and_due(
            queue,
            learning_by=now,
            due_before=today.day.end,
            introduced_since=today.day.start if unknown else None,
        )
        if unknown:
            today.introduced["today"] = introduced
        first_due = [due_state]

    def due() -> CardState | None:
        if first_due:
            return first_due[0]
        return queue_sql.first_state(
            queue,
            states=(queue_sql.REVIEW_STATE,),
            due_by=today.day.end,
            inclusive=False,
        )

    def new() -> Card | None:
        if not today.new_allowance(learner, deck.course, now):
            return None
        start = today.new_start(learner, deck.course)
        return queue_sql.first_unseen(queue, start=start)

    state = learning or (
        _first_planned(deck, learner, now, today) if planned else due()
    )
    card = state.card if state else new()
    if card is None and planned:
        state = due()
        card = state.card if state else None
    if card is None:
        state = queue_sql.first_state(
            queue,
            states=queue_sql.LEARNING_STATES,
            due_by=now + scheduling.LEARN_AHEAD,
            inclusive=True,
        )
        card = state.card if state else None
    if card is None:
        return None
    _attach(card, deck)
    prefs = today.prefs
    memory = memory_of(state) if state and state.card_id == card.pk else None
    exam_day = today.exam_day(learner, deck.course, now)
    previews = scheduling.preview(
        memory,
        card_id=card.pk,
        now=now,
        retention=prefs.desired_retention,
        parameters=prefs.parameters.parameters if prefs.parameters_id else None,
        due=exam_due_cap(
            exam_date=exam_day.exam if exam_day else None,
            prefs=prefs,
            card=card,
            now=now,
        ),
    )
    return StudyCard(
        card=card,
        token=shown_token(
            learner_id=learner.pk, card_id=card.pk, last_log_id=card.last_log_id
        )
        if hasattr(card, "last_log_id")  # read with the card
        else card_token(learner=learner, card_id=card.pk),
        page=page_id(),
        is_new=memory is None,
        intervals={r: scheduling.interval_label(i) for r, i in previews.items()},
    )


def _planned(
    deck: Deck, learner: Any, now: datetime, today: Today
) -> dict[int, CardState]:
    """Under an exam plan, the states of the cards it reviews today that are still to
    do (not reviewed since the day began); empty without a plan."""
    exam_day = today.exam_day(learner, deck.course, now)
    if exam_day is None:
        return {}
    key = (deck.course.pk, deck.chapter.pk if deck.chapter else None)
    if key not in today.planned:  # study_next and study_counts both ask, once each
        today.planned[key] = queue_sql.planned_states(
            _queue(deck, learner),
            card_ids=exam_day.reviews,
            reviewed_before=today.day.start,
        )
    return today.planned[key]


def _first_planned(
    deck: Deck, learner: Any, now: datetime, today: Today
) -> CardState | None:
    """The plan's most valuable review still to do today (after the cards FSRS has
    made due): before the final days, cards whose recall has fallen to the plan's
    retention; in them, those the exam-day recall gains most from."""
    planned = _planned(deck, learner, now, today)
    if not planned:
        return None
    exam_day = today.exam_day(learner, deck.course, now)
    return next((planned[i] for i in exam_day.reviews if i in planned), None)


def _attach(card: Card, deck: Deck) -> None:
    """Give ``card`` the deck's course and chapter objects, so links to its source (the
    chapter's URL reads the course's slug) cost no query."""
    card.course = deck.course
    if deck.chapter is not None and card.chapter_id == deck.chapter.pk:
        card.chapter = deck.chapter
    else:
        card.chapter = deck.course.chapter_list.by_pk(card.chapter_id)


def free_card_at(*, deck: Deck, viewer: Any, index: int) -> tuple[Card | None, int]:
    """The deck's card at ``index`` (in reading order) that ``viewer`` may see, if any,
    and how many they may see: a visitor trying the free cards one at a time."""
    cards = deck_cards(deck=deck, viewer=viewer).select_related(None)
    in_range = 0 <= index < 2**31  # an absurd ?i= must not reach the database
    card = cards[index : index + 1].first() if in_range else None
    if card is not None:
        _attach(card, deck)
    return card, cards.count()


def last_review_undoable(
    *, learner: Any, today: Today | None = None, deck: Deck | None = None
) -> ReviewLog | None:
    """The learner's latest review if it can still be undone (the log's last entry)
    and, if ``deck`` is given, was of one of its cards: its id, kind and card only.
    ``today``: :func:`today_get`, if the caller has it."""
    if today is not None and today.last_entry is not UNREAD:
        last = today.last_entry
    else:
        last = queue_sql.last_log_entry(learner_id=learner.pk)
    if last is None or last[1] != ReviewLog.Kind.REVIEW:
        return None
    if deck is not None and not entry_in_deck(last, deck):
        return None
    return ReviewLog(pk=last[0], kind=last[1], card_id=last[2], learner=learner)


def deck_card_get(*, deck: Deck, learner: Any, card_id: int) -> Card | None:
    """The deck's live card ``card_id`` if the learner may see it (an answer's card)."""
    card = queue_sql.deck_card(_queue(deck, learner), card_id=card_id)
    if card is not None:
        _attach(card, deck)
    return card


CARDS_PER_PAGE = 200


@dataclass(frozen=True)
class DeckRow:
    """One card of the deck page, with what its row shows. The page itself is given its
    rows as HTML (:attr:`DeckCardPage.html`); these are for code that wants objects."""

    card: Card  # the fields the row shows; the others are deferred
    status: str  # "New", "Learning", "Due 3 Dec", "Suspended"
    suspended: bool
    leech: bool
    source_url: str
    action_url: str  # suspend, or bring back; "" for a visitor
    action_label: str


@dataclass(frozen=True)
class DeckCardPage:
    """One page of a deck's cards: the paginator's page (its ``object_list`` is the
    range of the cards' places in the deck) and the rows as HTML, ready for the page."""

    page: Page
    html: SafeString
    cards: tuple[deck_page.PageCard, ...] = field(repr=False)
    marks: dict[int, queue_sql.Mark] = field(repr=False)
    signed_in: bool = False
    # What the page's shared part (its number, the deck's size) depends on: the deck,
    # its import, the viewer's access to locked cards and the page's number.
    shared_key: tuple = ()

    @property
    def rows(self) -> list[DeckRow]:
        """The rows as objects (the page is given :attr:`html`); each card has the
        fields its row shows, the others deferred."""
        names = [
            f.attname
            for f in Card._meta.concrete_fields
            if f.attname in deck_page.PageCard._fields  # in the model's order
        ]
        rows = []
        for each in self.cards:
            mark = self.marks.get(each.id)
            suspended = bool(mark and mark.suspended)
            rows.append(
                DeckRow(
                    card=Card.from_db(None, names, [getattr(each, n) for n in names]),
                    status=_status(mark),
                    suspended=suspended,
                    leech=bool(mark and mark.leech),
                    source_url=each.source_url,
                    action_url=(each.bring_back_url if suspended else each.suspend_url)
                    if self.signed_in
                    else "",
                    action_label="Bring back" if suspended else "Suspend",
                )
            )
        return rows


def _status(mark: queue_sql.Mark | None) -> str:
    return deck_page.status(mark)


def deck_links(*, deck: Deck) -> deck_page.DeckLinks:
    """The deck page's links and its chapter decks' list, kept per import."""
    return deck_page.deck_links(
        deck.course.pk,
        deck.course.slug,
        deck.course.imported_at,
        deck.chapter.slug if deck.chapter else None,
        get_script_prefix(),
    )


def deck_card_list(*, deck: Deck, learner: Any, page: Any = 1) -> DeckCardPage:
    """One page of the cards the learner may see, with their states, for the deck page.

    The cards' part of the rows is kept per import (:mod:`revise.study.deck_page`); the
    learner's (states, suspensions) is read in one statement. ``page``: the page's
    number as asked for (an invalid one gives the first, one past the end the last).
    """
    course = deck.course
    chapter_id = deck.chapter.pk if deck.chapter else None
    locked_ok = can_read_locked(learner)
    size = deck_page.deck_size(course.pk, course.imported_at, chapter_id, locked_ok)
    page_obj = Paginator(range(size), CARDS_PER_PAGE).get_page(page)
    places = page_obj.object_list
    cards = deck_page.page_cards(
        course.pk,
        course.slug,
        course.imported_at,
        chapter_id,
        locked_ok,
        places.start,
        places.stop,
        get_script_prefix(),
    )
    signed_in = getattr(learner, "is_authenticated", False) is True
    marks = (
        queue_sql.learner_marks(
            learner_id=learner.pk, card_ids=[card.id for card in cards]
        )
        if signed_in
        else {}
    )
    return DeckCardPage(
        page=page_obj,
        html=deck_page.rows_html(cards, marks, signed_in=signed_in),
        cards=cards,
        marks=marks,
        signed_in=signed_in,
        shared_key=(
            course.pk,
            course.imported_at,
            chapter_id,
            locked_ok,
            page_obj.number,
        ),
    )
