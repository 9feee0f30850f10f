"""Reading the catalog. Locked content is fetched only through :func:`chapter_get`."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from revise.accounts.access import chapter_locked_part
from revise.catalog.models import Chapter, Course, Subject
from revise.content.filler import filler_html
from revise.content.lesson import step_seconds
from revise.lessons.models import LessonStep

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
    previous: Chapter | None
    next: Chapter | None
    tools: StudyTools

    @property
    def reading_minutes(self) -> int:
        return max(1, round(self.chapter.free_words / 200))


def chapter_get(*, course_slug: str, chapter_slug: str, viewer: Viewer) -> ChapterPage:
    """The chapter as ``viewer`` may see it: the locked part only if access allows."""
    course = course_get(slug=course_slug)
    chapters = course.chapter_list
    index = next((i for i, c in enumerate(chapters) if c.slug == chapter_slug), None)
    if index is None:
        raise Http404("No such chapter")
    chapter = chapters[index]
    headings = list(chapter.free_headings)
    locked_html, filler = None, ""
    if chapter.locked_shape:
        locked = chapter_locked_part(chapter=chapter, viewer=viewer)
        if locked is not None:
            locked_html = locked.html
            headings += locked.headings
        else:
            filler = filler_html(chapter.locked_shape, seed=chapter.pk)
    return ChapterPage(
        chapter=chapter,
        course=course,
        headings=headings,
        locked_html=locked_html,
        filler_html=filler,
        previous=chapters[index - 1] if index > 0 else None,
        next=chapters[index + 1] if index + 1 < len(chapters) else None,
        tools=study_tools(chapter=chapter),
    )


def study_tools(*, chapter: Chapter) -> StudyTools:
    """Counts for the chapter's study panel, from the live (not retired) items."""
    steps = list(
        LessonStep.objects.filter(chapter=chapter, retired_at__isnull=True).values_list(
            "kind", flat=True
        )
    )
    seconds = sum(step_seconds(kind) for kind in steps)
    return StudyTools(
        cards=chapter.cards.filter(retired_at__isnull=True).count(),
        questions=chapter.questions.filter(retired_at__isnull=True).count(),
        lesson_steps=len(steps),
        lesson_minutes=math.ceil(seconds / 60) if steps else 0,
    )
