"""Importing courses: all or nothing, idempotent, identities kept, removals retired."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from revise.catalog import services
from revise.catalog.models import Chapter, ChapterLocked, Course, Subject
from revise.catalog.services import CourseInvalid, course_import
from revise.lessons.models import LessonStep, Question
from revise.study.models import Card
from tests.conftest import COURSE_YAML, SAMPLE_COURSE

pytestmark = pytest.mark.django_db

CHAPTER_ONE = """\
---
title: One
---
## Free part

Free words.

::: flashcards
- When was the Treaty of Brest-Litovsk signed? :: March 1918.
- What did Lenin call the peace? :: A respite. {#respite}
:::

::: self-review
1. Why did Lenin sign the treaty?
   - The army had collapsed.
:::

<!-- locked -->

## Locked part

Locked words.

::: flashcards
- Who founded the Comintern? :: Lenin.
:::

```lesson
- kind: true-false
  statement: Rapallo was signed in 1922.
  answer: true
```
"""


def files(chapter_one: str = CHAPTER_ONE, **more: str) -> dict[str, str]:
    return {"course.yaml": COURSE_YAML, "01-one.md": chapter_one, **more}


def card(front: str) -> Card:
    return Card.objects.get(front_text=front)


def test_first_import_creates_everything(write_course):
    report = course_import(path=write_course(files()))
    assert report.created == {
        "chapters": 1,
        "cards": 3,
        "questions": 1,
        "lesson steps": 1,
    }
    course = Course.objects.get()
    assert (course.slug, course.title, course.subject.name) == (
        "course",
        "Test course",
        "Testing",
    )
    assert Card.objects.filter(locked=True).count() == 1
    assert LessonStep.objects.get().locked


def test_locked_part_is_stored_apart_from_the_free_part(write_course):
    course_import(path=write_course(files()))
    chapter = Chapter.objects.get()
    assert "Free words." in chapter.free_html
    assert "Locked words." not in chapter.free_html
    assert [h["title"] for h in chapter.free_headings] == ["Free part"]
    locked = ChapterLocked.objects.get(chapter=chapter)
    assert "Locked words." in locked.html
    assert [h["title"] for h in locked.headings] == ["Locked part"]


def test_reimport_of_unchanged_course_writes_nothing(write_course):
    folder = write_course(files())
    course_import(path=folder)
    with CaptureQueriesContext(connection) as queries:
        report = course_import(path=folder)
    assert not report.changed
    assert report.unchanged == {
        "chapters": 1,
        "cards": 3,
        "questions": 1,
        "lesson steps": 1,
    }
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert writes == []


def test_invalid_course_changes_nothing(write_course):
    folder = write_course(files())
    course_import(path=folder)
    before = list(Card.objects.values_list("pk", "front_text", "retired_at"))
    write_course(files(CHAPTER_ONE.replace("::: self-review", "::: bogus")))
    with pytest.raises(CourseInvalid) as excinfo:
        course_import(path=folder)
    assert "unknown box 'bogus'" in str(excinfo.value.problems[0])
    assert list(Card.objects.values_list("pk", "front_text", "retired_at")) == before


def test_failure_half_way_rolls_everything_back(write_course, monkeypatch):
    folder = write_course(files())
    course_import(path=folder)
    write_course(
        files(
            CHAPTER_ONE.replace("Free words.", "New words."),
            **{"02-two.md": "---\ntitle: Two\n---\nMore.\n"},
        )
    )
    real_sync = services._items_sync

    def failing_sync(model, label, *args, **kwargs):
        if model is Question:
            raise RuntimeError("disk on fire")
        return real_sync(model, label, *args, **kwargs)

    monkeypatch.setattr(services, "_items_sync", failing_sync)
    with pytest.raises(RuntimeError):
        course_import(path=folder)
    assert Chapter.objects.count() == 1
    assert "Free words." in Chapter.objects.get().free_html


def test_card_with_id_keeps_identity_when_its_text_changes(write_course):
    folder = write_course(files())
    course_import(path=folder)
    original = Card.objects.get(key="respite")
    write_course(
        files(
            CHAPTER_ONE.replace(
                "What did Lenin call the peace? :: A respite.",
                "How did Lenin justify the peace? :: A breathing space.",
            )
        )
    )
    report = course_import(path=folder)
    changed = Card.objects.get(key="respite")
    assert changed.pk == original.pk
    assert changed.front_text == "How did Lenin justify the peace?"
    assert changed.back_html == "A breathing space."
    assert report.updated["cards"] == 1
    assert report.retired["cards"] == 0


def test_giving_an_item_an_id_keeps_its_identity(write_course):
    # an author follows the advice "give an id to anything you expect to rewrite"
    folder = write_course(files())
    course_import(path=folder)
    before = {
        "card": card("When was the Treaty of Brest-Litovsk signed?").pk,
        "question": Question.objects.get().pk,
        "step": LessonStep.objects.get().pk,
    }
    with_ids = (
        CHAPTER_ONE.replace("March 1918.", "March 1918. {#brest-date}")
        .replace("sign the treaty?", "sign the treaty? {#why-sign}")
        .replace("- kind: true-false", "- kind: true-false\n  id: rapallo-tf")
    )
    write_course(files(with_ids))
    report = course_import(path=folder)
    assert Card.objects.get(key="brest-date").pk == before["card"]
    assert Question.objects.get(key="why-sign").pk == before["question"]
    assert LessonStep.objects.get(key="rapallo-tf").pk == before["step"]
    assert sum(report.created.values()) == sum(report.retired.values()) == 0
    # changing one id to another is a new item, as the rule says
    write_course(files(with_ids.replace("{#brest-date}", "{#brest-signed}")))
    report = course_import(path=folder)
    assert Card.objects.get(key="brest-signed").pk != before["card"]
    assert (report.created["cards"], report.retired["cards"]) == (1, 1)


def test_card_without_id_survives_a_typo_fix(write_course):
    folder = write_course(files(CHAPTER_ONE.replace("Brest-Litovsk", "Brest-Litvosk")))
    course_import(path=folder)
    original = card("When was the Treaty of Brest-Litvosk signed?")
    write_course(files())
    report = course_import(path=folder)
    fixed = card("When was the Treaty of Brest-Litovsk signed?")
    assert fixed.pk == original.pk
    assert fixed.key != original.key
    assert report.retired["cards"] == 0
    assert report.created["cards"] == 0


def test_card_without_id_survives_a_punctuation_and_case_change(write_course):
    folder = write_course(files())
    course_import(path=folder)
    original = card("When was the Treaty of Brest-Litovsk signed?")
    write_course(
        files(
            CHAPTER_ONE.replace(
                "When was the Treaty of Brest-Litovsk signed?",
                "when was the treaty of Brest Litovsk signed",
            )
        )
    )
    course_import(path=folder)
    assert card("when was the treaty of Brest Litovsk signed").pk == original.pk


def test_rewritten_card_is_new_and_the_old_one_retired(write_course):
    folder = write_course(files())
    course_import(path=folder)
    original = card("Who founded the Comintern?")
    write_course(
        files(
            CHAPTER_ONE.replace(
                "Who founded the Comintern? :: Lenin.",
                "Which body spread revolution abroad? :: Comintern.",
            )
        )
    )
    report = course_import(path=folder)
    original.refresh_from_db()
    assert original.retired_at is not None
    assert card("Which body spread revolution abroad?").pk != original.pk
    assert (report.created["cards"], report.retired["cards"]) == (1, 1)


def test_removed_card_is_retired_and_restored_when_it_returns(write_course):
    folder = write_course(files())
    course_import(path=folder)
    original = Card.objects.get(key="respite")
    write_course(
        files(
            CHAPTER_ONE.replace(
                "- What did Lenin call the peace? :: A respite. {#respite}\n", ""
            )
        )
    )
    report = course_import(path=folder)
    original.refresh_from_db()
    assert original.retired_at is not None
    assert report.retired["cards"] == 1
    write_course(files())
    course_import(path=folder)
    original.refresh_from_db()
    assert original.retired_at is None


def test_removed_chapter_is_retired_not_deleted(write_course):
    two = "---\ntitle: Two\n---\n::: flashcards\n- Two? :: Yes.\n:::\n"
    folder = write_course(files(**{"02-two.md": two}))
    course_import(path=folder)
    write_course({"02-two.md": None})
    report = course_import(path=folder)
    chapter = Chapter.objects.get(slug="two")
    assert chapter.retired_at is not None
    assert report.retired == {"chapters": 1, "cards": 1}
    assert Card.objects.get(front_text="Two?").retired_at is not None


def test_card_moved_between_chapters_by_id_keeps_identity(write_course):
    two = "---\ntitle: Two\n---\n::: flashcards\n- Moved? :: Yes. {#moving}\n:::\n"
    folder = write_course(files(**{"02-two.md": two}))
    course_import(path=folder)
    original = Card.objects.get(key="moving")
    write_course(
        files(
            CHAPTER_ONE.replace(
                ":::\n\n::: self-review",
                "- Moved? :: Yes. {#moving}\n:::\n\n::: self-review",
                1,
            ),
            **{"02-two.md": "---\ntitle: Two\n---\nNo cards now.\n"},
        )
    )
    course_import(path=folder)
    moved = Card.objects.get(key="moving")
    assert moved.pk == original.pk
    assert moved.chapter.slug == "one"
    assert moved.retired_at is None


def test_subject_is_shared_between_courses(write_course):
    course_import(path=write_course(files(), name="first"))
    course_import(path=write_course(files(), name="second"))
    assert Subject.objects.count() == 1
    assert Course.objects.count() == 2


def test_sample_course_imports_and_reimports_unchanged():
    report = course_import(path=SAMPLE_COURSE)
    assert report.created["chapters"] >= 3
    assert report.created["cards"] >= 20
    assert not course_import(path=SAMPLE_COURSE).changed
