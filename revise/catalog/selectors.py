"""Reading the catalog. A chapter's locked part is fetched only through
:func:`chapter_get`; locked facts only through :func:`cheatsheet_get`, both asking
``revise/accounts/access.py``."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.urls import reverse

from revise.accounts.access import can_read_locked, chapter_locked_part
from revise.catalog.models import Chapter, Course, Fact, Subject
from revise.content.derive.dates import month_in
from revise.content.derive.definitions import definition_meaning
from revise.content.derive.text import capitalise
from revise.content.filler import filler_html
from revise.lessons.lesson.load import chapter_lesson_length
from revise.memo import Memo

Viewer = Any  # a User or AnonymousUser


def _active_chapters() -> QuerySet[Chapter]:
    return Chapter.objects.filter(retired_at__isnull=True).order_by("position")


def subject_list() -> QuerySet[Subject]:
    """Subjects that have a course with a chapter, each with those courses prefetched."""
    courses = (
        Course.objects.filter(chapters__retired_at__isnull=True)
        .annotate(
            chapter_count=Count("chapters", filter=Q(chapters__retired_at__isnull=True))
        )
        .order_by("title")
        .distinct()
    )
    return (
        Subject.objects.filter(courses__in=courses)
        .distinct()
        .prefetch_related(Prefetch("courses", queryset=courses, to_attr="course_list"))
    )


def course_get(*, slug: str) -> Course:
    """The course with its active chapters in order (``course.chapter_list``), or 404."""
    course = (
        Course.objects.select_related("subject")
        .prefetch_related(
            Prefetch("chapters", queryset=_active_chapters(), to_attr="chapter_list")
        )
        .filter(slug=slug)
        .first()
    )
    if course is None or not course.chapter_list:
        raise Http404("No such course")
    return course


@dataclass(frozen=True)
class StudyTools:
    cards: int
    questions: int
    lesson_steps: int
    lesson_minutes: int


@dataclass(frozen=True)
class ChapterLink:
    """A neighbouring chapter, as the chapter page links to it."""

    title: str
    url: str


@dataclass(frozen=True)
class ChapterPage:
    """What a viewer may see of a chapter.

    ``locked_html`` is the locked part for those allowed; for everyone else it is None and
    ``filler_html`` holds lorem-ipsum filler of the same shape.
    """

    chapter: Chapter
    course: Course
    headings: list[dict]
    locked_html: str | None
    filler_html: str
    locked_words: int  # of the locked part, for those who may read it; else 0
    previous: ChapterLink | None
    next: ChapterLink | None
    tools: StudyTools
    version: str  # changes with anything the page shows but the viewer's own

    @property
    def unlocked(self) -> bool:
        return self.locked_html is not None

    @property
    def reading_minutes(self) -> int:
        """What the viewer has to read, at 200 words a minute: the free part, and the
        locked part for those who get it."""
        return max(1, round((self.chapter.free_words + self.locked_words) / 200))


def course_page_get(*, slug: str) -> Course:
    """The course with the columns its page shows, and its active chapters' titles,
    slugs and summaries in order (``course.chapter_list``), or 404."""
    chapters = _active_chapters().only("id", "course_id", "slug", "title", "summary")
    course = (
        Course.objects.select_related("subject")
        .prefetch_related(
            Prefetch("chapters", queryset=chapters, to_attr="chapter_list")
        )
        .filter(slug=slug)
        .first()
    )
    if course is None or not course.chapter_list:
        raise Http404("No such course")
    return course


def _neighbours(chapter: Chapter) -> tuple[ChapterLink | None, ChapterLink | None]:
    """The active chapters just before and after ``chapter``: titles and slugs only."""
    siblings = _active_chapters().filter(course_id=chapter.course_id)
    links = []
    for nearer in (
        siblings.filter(position__lt=chapter.position).order_by("-position"),
        siblings.filter(position__gt=chapter.position).order_by("position"),
    ):
        row = nearer.values_list("slug", "title").first()
        url = (
            reverse("catalog:chapter", args=[chapter.course.slug, row[0]])
            if row
            else ""
        )
        links.append(ChapterLink(title=row[1], url=url) if row else None)
    return links[0], links[1]


# A chapter's page changes only on import: what a viewer may see of it (the chapter, its
# neighbours, the study panel's counts and, for those allowed, its locked part) is kept
# per process by chapter fingerprint and course import time, which every import that
# changes anything moves on, and by the viewer's access (revise/memo.py).
PAGES_KEPT = 256
_pages: Memo[ChapterPage] = Memo(size=PAGES_KEPT)


def _chapter_version(course_slug: str, chapter_slug: str) -> tuple | None:
    """(id, fingerprint, course import time) of the live chapter, or None: one
    statement, written out (the ORM took longer to build it than to run it)."""
    chapter, course = Chapter._meta.db_table, Course._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT ch.id, ch.source_hash, co.imported_at FROM {chapter} ch "  # noqa: S608 - names only
            f"JOIN {course} co ON co.id = ch.course_id "
            "WHERE co.slug = %s AND ch.slug = %s AND ch.retired_at IS NULL",
            [course_slug, chapter_slug],
        )
        return cursor.fetchone()


def chapter_get(*, course_slug: str, chapter_slug: str, viewer: Viewer) -> ChapterPage:
    """The chapter as ``viewer`` may see it: the locked part only if access allows.

    One statement when the page is kept (see ``_pages``); else a fixed number whatever
    the course's length: the chapter with its course, its locked part if allowed, and
    its neighbours' titles and slugs; no other chapter's content.
    """
    version = _chapter_version(course_slug, chapter_slug)
    if version is None:
        raise Http404("No such chapter")
    unlocked = can_read_locked(viewer)
    return _pages.get(
        (*version, unlocked),
        lambda: _chapter_page_make(version[0], viewer=viewer if unlocked else None),
    )


def _chapter_page_make(chapter_id: int, *, viewer: Viewer) -> ChapterPage:
    chapter = (
        _active_chapters()
        .select_related("course__subject")
        .filter(pk=chapter_id)
        .first()
    )
    if chapter is None:  # retired between the two statements
        raise Http404("No such chapter")
    headings = list(chapter.free_headings)
    locked_html, filler, locked_words = None, "", 0
    if chapter.locked_shape:
        locked = chapter_locked_part(chapter=chapter, viewer=viewer)
        if locked is not None:
            locked_html, locked_words = locked.html, locked.words
            headings += locked.headings
        else:
            filler = filler_html(chapter.locked_shape, seed=chapter.pk)
    previous, following = _neighbours(chapter)
    return ChapterPage(
        chapter=chapter,
        course=chapter.course,
        headings=headings,
        locked_html=locked_html,
        filler_html=filler,
        locked_words=locked_words,
        previous=previous,
        next=following,
        tools=study_tools(chapter=chapter),
        version=f"{chapter.pk}:{chapter.source_hash}:{chapter.course.imported_at}",
    )


def study_tools(*, chapter: Chapter) -> StudyTools:
    """Counts for the chapter's study panel, from the live (not retired) items; the
    lesson's steps and minutes as the lesson itself states them."""
    steps, minutes = chapter_lesson_length(chapter)
    return StudyTools(
        cards=chapter.cards.filter(retired_at__isnull=True).count(),
        questions=chapter.questions.filter(retired_at__isnull=True).count(),
        lesson_steps=steps,
        lesson_minutes=minutes,
    )


# --- the cheatsheet ----------------------------------------------------------------------

_RANGE_RE = re.compile(r"\s*[\u2013\u2014-]\s*|\s+to\s+")
_YEAR_RE = re.compile(r"\b(?:(\d{1,4})\s*(BCE?)\b|(\d{3,4})s?\b)")
_DAY_RE = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\b")

DateKey = tuple[int, int, int]


def date_key(text: str) -> DateKey | None:
    """(year, month, day) of the start of a date as notes write it, 0 for what it leaves
    out; None if it names no year.

    "3 March 1918" → (1918, 3, 3); "March 1918" → (1918, 3, 0); "1918–1920" → (1918, 0,
    0); "January–March 1918" → (1918, 1, 0); "24–26 October 1917" → (1917, 10, 24);
    "44 BC" → (-44, 0, 0).
    """
    start, *rest = _RANGE_RE.split(text.strip(), maxsplit=1)
    end = rest[0] if rest else ""
    year = _year(start)
    month = month_in(start)
    day = _day(start)
    if year is None:  # "January–March 1918", "24–26 October 1917": the end has it
        year = _year(end)
        if not month and day:
            month = month_in(end)
    if year is None:
        return None
    return year, month, day if month else 0


def _year(text: str) -> int | None:
    match = _YEAR_RE.search(text)
    if match is None:
        return None
    bc, _, year = match.groups()
    return -int(bc) if bc else int(year)


def _day(text: str) -> int:
    days = [int(d) for d in _DAY_RE.findall(_YEAR_RE.sub(" ", text))]
    return next((d for d in days if 1 <= d <= 31), 0)


@dataclass(frozen=True)
class TimelineEntry:
    date: str
    name: str
    detail: str  # the precise date, when the notes give one
    url: str


@dataclass(frozen=True)
class FigurePart:
    """One figure of an entry: the figure, the words after it, its link, and what
    follows the link (", ", " and ", "." or nothing)."""

    value: str
    after: str
    url: str
    joiner: str = ""


@dataclass(frozen=True)
class FigureEntry:
    """Figures in their clause: ``before``, then each part. Figures of one list that
    share their lead-in make one entry: "Russia gave up …, and with them 27% of its
    farmland, 26% of its railways and 74% of its iron and coal production." """

    before: str
    parts: tuple[FigurePart, ...]
    context: str


@dataclass(frozen=True)
class DefinitionEntry:
    term: str
    meaning: str  # the whole first sentence, as the definition's card answers
    url: str


@dataclass(frozen=True)
class ViewEntry:
    claim: str  # the reporting verb and the claim: "argues that …"
    url: str


@dataclass(frozen=True)
class PersonViews:
    name: str
    role: str
    views: list[ViewEntry] = field(default_factory=list)


@dataclass(frozen=True)
class Cheatsheet:
    """A course's facts as ``viewer`` may see them, in four parts.

    ``more_locked`` is true when the locked parts hold entries (or precise dates) the
    viewer may not see; it says nothing of what or how many.
    """

    course: Course
    timeline: list[TimelineEntry]
    figures: list[FigureEntry]
    definitions: list[DefinitionEntry]
    people: list[PersonViews]
    more_locked: bool

    @property
    def empty(self) -> bool:
        return not (self.timeline or self.figures or self.definitions or self.people)


def cheatsheet_facts(*, course: Course, viewer: Viewer) -> QuerySet[Fact]:
    """The facts of the course's live chapters that ``viewer`` may see."""
    facts = Fact.objects.filter(chapter__in=course.chapter_list)
    if not can_read_locked(viewer):
        facts = facts.filter(locked=False)
    return facts


def cheatsheet_get(*, course_slug: str, viewer: Viewer) -> Cheatsheet:
    """The course's cheatsheet as ``viewer`` may see it, or 404.

    A viewer who may not read the locked part gets the free facts only, and no precise
    date that only the locked part states.
    """
    course = course_get(slug=course_slug)
    readable = can_read_locked(viewer)
    chapters = {c.pk: c for c in course.chapter_list}
    urls = {
        pk: reverse("catalog:chapter", args=[course.slug, c.slug])
        for pk, c in chapters.items()
    }
    facts = sorted(
        cheatsheet_facts(course=course, viewer=viewer),
        key=lambda f: (chapters[f.chapter_id].position, f.position),
    )
    more_locked = not readable and (
        Fact.objects.filter(chapter__in=course.chapter_list, locked=True).exists()
        or any(f.detail_locked for f in facts)
    )

    def url(fact: Fact) -> str:
        base = urls[fact.chapter_id]
        return f"{base}#{fact.anchor}" if fact.anchor else base

    by_kind: dict[str, list[Fact]] = {kind: [] for kind in Fact.Kind.values}
    for fact in facts:
        by_kind.setdefault(fact.kind, []).append(fact)
    return Cheatsheet(
        course=course,
        timeline=_timeline(by_kind[Fact.Kind.EVENT], url, readable),
        figures=_figures(by_kind[Fact.Kind.FIGURE], url),
        definitions=sorted(
            (
                DefinitionEntry(
                    term=f.subject,
                    meaning=definition_meaning(f.text, f.value)[0],
                    url=url(f),
                )
                for f in by_kind[Fact.Kind.DEFINITION]
            ),
            key=lambda d: d.term.casefold(),
        ),
        people=_people(by_kind[Fact.Kind.VIEW], url),
        more_locked=more_locked,
    )


def _timeline(
    events: list[Fact], url: Callable[[Fact], str], readable: bool
) -> list[TimelineEntry]:
    """Dated events in the order of their (most precise) dates; undated last."""
    entries = []
    for order, fact in enumerate(events):
        detail = fact.detail if readable or not fact.detail_locked else ""
        key = date_key(detail) or date_key(fact.value)
        entry = TimelineEntry(
            date=fact.value, name=capitalise(fact.subject), detail=detail, url=url(fact)
        )
        entries.append(((key is None, key or (0, 0, 0), order), entry))
    return [entry for _, entry in sorted(entries, key=lambda e: e[0])]


def _figures(figures: list[Fact], url: Callable[[Fact], str]) -> list[FigureEntry]:
    """An entry per figure, but one for figures in a row of the same chapter and
    heading whose clauses share their words before the figure (a list's lead-in)."""
    groups: list[list[tuple[Fact, str, str]]] = []
    for fact in figures:
        before, blank, after = fact.text.partition("___")
        if not blank:  # no blank to fill: the figure after its clause
            before, after = f"{fact.text} ", ""
        last = groups[-1][-1] if groups else None
        if (
            last is not None
            and blank
            and last[1] == before
            and (last[0].chapter_id, last[0].context) == (fact.chapter_id, fact.context)
        ):
            groups[-1].append((fact, before, after))
        else:
            groups.append([(fact, before, after)])
    entries = []
    for group in groups:
        if len(group) == 1:
            fact, before, after = group[0]
            parts = (FigurePart(fact.value, after, url(fact)),)
        else:
            joiners = [", "] * (len(group) - 2) + [" and ", "."]
            parts = tuple(
                FigurePart(fact.value, after.rstrip(" .;,"), url(fact), joiner)
                for (fact, _, after), joiner in zip(group, joiners, strict=True)
            )
        entries.append(
            FigureEntry(before=group[0][1], parts=parts, context=group[0][0].context)
        )
    return entries


def _people(views: list[Fact], url: Callable[[Fact], str]) -> list[PersonViews]:
    """Views grouped by person, in the order people first appear. A surname alone
    ("Carr argues …") joins the one full name that ends with it ("E.H. Carr")."""
    names = list(dict.fromkeys(f.subject for f in views))
    canonical = {}
    for name in names:
        fuller = [n for n in names if n != name and n.split()[-1] == name]
        canonical[name] = fuller[0] if " " not in name and len(fuller) == 1 else name
    people: dict[str, PersonViews] = {}
    for fact in views:
        name = canonical[fact.subject]
        person = people.get(name)
        if person is None or (fact.role and not person.role):
            person = PersonViews(
                name=name, role=fact.role, views=person.views if person else []
            )
            people[name] = person
        claim = f"{fact.verb} {fact.value}" if fact.verb else fact.value
        person.views.append(ViewEntry(claim=claim, url=url(fact)))
    return list(people.values())
