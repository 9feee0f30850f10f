"""A chapter's lesson from the database: its facts, the course's facts (distractors),
its author's steps and its free part's paragraphs, built by ``builder.py``.

Building takes a few milliseconds; the result depends only on the course as imported,
so it is kept per process, keyed by the course's import time and every chapter's source
hash: any import that changes the course builds it afresh.
"""

from __future__ import annotations

import html
import re
import threading
from collections import OrderedDict

from revise.catalog.models import Chapter, Fact
from revise.content.model import TextBlock
from revise.lessons.lesson.builder import Source, build_lesson
from revise.lessons.lesson.paragraphs import paragraphs
from revise.lessons.lesson.steps import Lesson
from revise.lessons.lesson.timing import lesson_minutes
from revise.lessons.models import LessonStep
from revise.study.models import Card

CACHE_SIZE = 64
_cache: OrderedDict[tuple, Lesson] = OrderedDict()
_lock = threading.Lock()


def chapter_lesson(chapter: Chapter) -> Lesson:
    """Every step of ``chapter``'s lesson, free and locked (the caller filters them
    by what the viewer may see)."""
    chapters = list(
        Chapter.objects.filter(course_id=chapter.course_id, retired_at__isnull=True)
        .order_by("position")
        .values_list("pk", "source_hash")
    )
    key = (chapter.pk, chapter.source_hash, chapter.course.imported_at, tuple(chapters))
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    lesson = build_lesson(_source(chapter, [pk for pk, _ in chapters]))
    with _lock:
        _cache[key] = lesson
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return lesson


def chapter_lesson_length(chapter: Chapter) -> tuple[int, int]:
    """(steps, minutes) of a chapter's whole lesson: what the chapter page states."""
    lesson = chapter_lesson(chapter)
    return len(lesson.steps), lesson_minutes(lesson.steps)


def cache_clear() -> None:
    with _lock:
        _cache.clear()


def _source(chapter: Chapter, course_chapters: list[int]) -> Source:
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
