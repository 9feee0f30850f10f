"""A chapter's lesson from the database: its facts, the course's facts (distractors),
its author's steps and its free part's paragraphs, built by ``builder.py``.

Building takes a few milliseconds; the result depends only on the course as imported,
so it is kept per process (``revise/memo.py``), keyed by the chapter's fingerprint and the
course's import time: any import that changes the course moves the latter on.
"""

from __future__ import annotations

import html
import re

from revise.catalog.models import Chapter, Fact
from revise.content.model import TextBlock
from revise.lessons.lesson.builder import Source, build_lesson
from revise.lessons.lesson.paragraphs import paragraphs
from revise.lessons.lesson.steps import Lesson
from revise.lessons.lesson.timing import lesson_minutes
from revise.lessons.models import LessonStep
from revise.memo import Memo
from revise.study.models import Card

CACHE_SIZE = 64
_cache: Memo[Lesson] = Memo(size=CACHE_SIZE)


def chapter_lesson(chapter: Chapter) -> Lesson:
    """Every step of ``chapter``'s lesson, free and locked (the caller filters them
    by what the viewer may see)."""
    key = (chapter.pk, chapter.source_hash, chapter.course.imported_at)
    return _cache.get(key, lambda: build_lesson(_source(chapter)))


def chapter_lesson_length(chapter: Chapter) -> tuple[int, int]:
    """(steps, minutes) of a chapter's whole lesson: what the chapter page states."""
    lesson = chapter_lesson(chapter)
    return len(lesson.steps), lesson_minutes(lesson.steps)


def cache_clear() -> None:
    _cache.clear()


def _source(chapter: Chapter) -> Source:
    course_chapters = list(
        Chapter.objects.filter(course_id=chapter.course_id, retired_at__isnull=True)
        .order_by("position")
        .values_list("pk", flat=True)
    )
    position = {pk: i for i, pk in enumerate(course_chapters)}
    facts = sorted(
        Fact.objects.filter(chapter_id__in=course_chapters),
        key=lambda f: (position[f.chapter_id], f.position),
    )
    own = [f for f in facts if f.chapter_id == chapter.pk]
    others = [f for f in facts if f.chapter_id != chapter.pk]
    authored = LessonStep.objects.filter(
        chapter=chapter, retired_at__isnull=True
    ).order_by("position")
    return Source(
        title=chapter.title,
        paragraphs=paragraphs(chapter.free_html),
        facts=own,
        course_facts=others,
        authored=list(authored),
        locked_texts=_locked_texts(chapter, own),
        version=chapter.source_hash,
    )


def _locked_texts(chapter: Chapter, facts: list[Fact]) -> list[TextBlock]:
    """The locked facts and cards of the chapter as blocks that point where they do,
    for a locked authored step to find its paragraph among."""
    blocks = [
        TextBlock(
            kind="text",
            text=f"{f.subject} {f.value} {f.text}",
            anchor=f.section or f.anchor,
            locked=True,
            line=0,
            para=f.anchor,
        )
        for f in facts
        if f.locked and f.anchor
    ]
    cards = Card.objects.filter(
        chapter=chapter, locked=True, retired_at__isnull=True
    ).exclude(anchor="")
    for card in cards.order_by("position"):
        back = html.unescape(re.sub(r"<[^>]+>", " ", card.back_html))
        blocks.append(
            TextBlock(
                kind="text",
                text=f"{card.front_text} {back}",
                anchor=card.anchor,
                locked=True,
                line=0,
                para=card.anchor,
            )
        )
    return blocks
