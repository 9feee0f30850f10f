"""Re-importing: an unchanged folder is not parsed, anything that feeds a chapter's
output makes it parsed again, and the page cache hears of every change and only then."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from revise.catalog import pagecache
from revise.catalog.models import Chapter, Course
from revise.catalog.services import CourseInvalid, course_import
from revise.content import fingerprint, parser
from revise.study.models import Card
from tests.conftest import COURSE_YAML

pytestmark = pytest.mark.django_db

ONE = """\
---
title: One
---
Free words about the treaty.

::: flashcards
- When was the treaty signed? :: In 1918. {#treaty}
:::
"""

TWO = """\
---
title: Two
---
Words about the war.

::: flashcards
- When did the war end? :: In 1921.
:::
"""


def files(**more: str | None) -> dict[str, str | None]:
    return {"course.yaml": COURSE_YAML, "01-one.md": ONE, "02-two.md": TWO, **more}


@pytest.fixture
def parsed(monkeypatch) -> list[str]:
    """The names of the chapter files parsed, in order."""
    names: list[str] = []
    real = parser.parse_chapter

    def counting(path: Path, *args, **kwargs):
        names.append(path.name)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(parser, "parse_chapter", counting)
    return names


@pytest.fixture
def content_changed(monkeypatch) -> list[int]:
    """One entry per call of ``pagecache.content_changed``."""
    calls: list[int] = []
    monkeypatch.setattr(pagecache, "content_changed", lambda: calls.append(1))
    return calls


def writes(queries: CaptureQueriesContext) -> list[str]:
    return [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]


def hashes() -> dict[str, str]:
    return dict(Chapter.objects.values_list("slug", "source_hash"))


def test_unchanged_reimport_parses_no_chapter_and_writes_nothing(
    write_course, parsed, django_assert_max_num_queries
):
    folder = write_course(files())
    course_import(path=folder)
    parsed.clear()
    with (
        django_assert_max_num_queries(5),
        CaptureQueriesContext(connection) as queries,
    ):
        report = course_import(path=folder)
    assert parsed == []
    assert writes(queries) == []
    assert not report.changed
    assert report.unchanged == {
        "chapters": 2,
        "cards": 2,
        "questions": 0,
        "lesson steps": 0,
    }


def test_a_chapter_file_that_would_be_skipped_fails_even_an_unchanged_reimport(
    write_course,
):
    folder = write_course(files())
    course_import(path=folder)
    (folder / "03-three.MD").write_text("---\ntitle: Three\n---\nWords.\n")
    with pytest.raises(CourseInvalid) as caught:
        course_import(path=folder)
    assert [p.message for p in caught.value.problems] == [
        "a chapter's file name ends in '.md' (lower case)"
    ]


def test_changed_chapter_is_parsed_again_and_updated(write_course, parsed):
    folder = write_course(files())
    course_import(path=folder)
    before = hashes()
    write_course({"02-two.md": TWO.replace("In 1921.", "In 1922.")})
    parsed.clear()
    report = course_import(path=folder)
    assert "02-two.md" in parsed
    assert report.updated["cards"] == 1
    assert Card.objects.get(front_text="When did the war end?").back_html == (
        "In 1922."
    )
    after = hashes()
    assert after["one"] == before["one"]
    assert after["two"] != before["two"]
    parsed.clear()
    assert not course_import(path=folder).changed
    assert parsed == []


def test_change_in_course_yaml_imports_every_chapter_again(write_course, parsed):
    folder = write_course(files())
    course_import(path=folder)
    before = hashes()
    write_course({"course.yaml": COURSE_YAML.replace("Test course", "Renamed")})
    parsed.clear()
    report = course_import(path=folder)
    assert parsed == ["01-one.md", "02-two.md"]
    assert report.updated["course"] == 1
    assert Course.objects.get().title == "Renamed"
    assert all(hashes()[slug] != before[slug] for slug in before)


def test_new_rules_version_parses_again_without_reporting_a_change(
    write_course,
    parsed,
    content_changed,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    folder = write_course(files())
    course_import(path=folder)
    before = hashes()
    monkeypatch.setattr(fingerprint, "RULES_VERSION", fingerprint.RULES_VERSION + 1)
    parsed.clear()
    content_changed.clear()
    with django_capture_on_commit_callbacks(execute=True):
        report = course_import(path=folder)
    assert parsed == ["01-one.md", "02-two.md"]
    assert not report.changed  # the same rules' output: nothing a reader sees
    assert content_changed == []
    assert all(hashes()[slug] != before[slug] for slug in before)
    parsed.clear()
    course_import(path=folder)
    assert parsed == []  # the new fingerprints were stored


def test_rules_digest_covers_the_source_of_the_rules(tmp_path):
    first, second = tmp_path / "a.py", tmp_path / "b.py"
    first.write_text("RULE = 1\n")
    second.write_text("RULE = 2\n")
    assert fingerprint.rules_digest(first) != fingerprint.rules_digest(second)
    assert fingerprint.rules_digest(first) != fingerprint.rules_digest()


def test_new_chapter_order_imports_again(write_course, parsed):
    folder = write_course(files())
    course_import(path=folder)
    write_course({"01-one.md": None, "02-two.md": None, "01-two.md": TWO})
    write_course({"02-one.md": ONE})
    parsed.clear()
    course_import(path=folder)
    assert parsed == ["01-two.md", "02-one.md"]
    positions = dict(Chapter.objects.values_list("slug", "position"))
    assert positions == {"two": 1, "one": 2}


def test_added_and_removed_chapters_import_again(write_course):
    folder = write_course(files())
    course_import(path=folder)
    three = TWO.replace("Two", "Three").replace("war", "famine")
    report = course_import(path=write_course({"03-three.md": three}))
    assert report.created["chapters"] == 1
    report = course_import(path=write_course({"03-three.md": None}))
    assert report.retired["chapters"] == 1
    assert not course_import(path=folder).changed


def test_edit_that_renders_the_same_stores_its_fingerprint_quietly(
    write_course, content_changed, django_capture_on_commit_callbacks
):
    folder = write_course(files())
    course_import(path=folder)
    before = hashes()
    write_course({"01-one.md": ONE + "\n\n"})
    content_changed.clear()
    with django_capture_on_commit_callbacks(execute=True):
        report = course_import(path=folder)
    assert not report.changed
    assert content_changed == []
    assert hashes()["one"] != before["one"]


def test_changed_course_with_problems_reports_every_one(write_course):
    folder = write_course(files())
    course_import(path=folder)
    write_course(
        {
            "01-one.md": ONE.replace("::: flashcards", "::: bogus"),
            "02-two.md": TWO.replace("::: flashcards", "::: nonsense"),
        }
    )
    with pytest.raises(CourseInvalid) as excinfo:
        course_import(path=folder)
    problems = [str(p) for p in excinfo.value.problems]
    assert any("01-one.md:6:" in p and "'bogus'" in p for p in problems)
    assert any("02-two.md:6:" in p and "'nonsense'" in p for p in problems)


def test_broken_course_yaml_is_reported_not_skipped(write_course):
    folder = write_course(files())
    course_import(path=folder)
    write_course({"course.yaml": "title: [unclosed\n"})
    with pytest.raises(CourseInvalid) as excinfo:
        course_import(path=folder)
    assert "course.yaml" in str(excinfo.value.problems[0])


def test_force_parses_an_unchanged_folder(write_course, parsed):
    folder = write_course(files())
    course_import(path=folder)
    parsed.clear()
    report = course_import(path=folder, force=True)
    assert parsed == ["01-one.md", "02-two.md"]
    assert not report.changed


def test_page_cache_hears_of_a_change_after_commit_and_only_then(
    write_course, content_changed, django_capture_on_commit_callbacks
):
    folder = write_course(files())
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        course_import(path=folder)
        assert content_changed == []  # not before the commit
    assert len(callbacks) == 1
    assert content_changed == [1]
    with django_capture_on_commit_callbacks(execute=True):
        course_import(path=folder)
    assert content_changed == [1]
    write_course({"01-one.md": ONE.replace("1918", "1917")})
    with django_capture_on_commit_callbacks(execute=True):
        course_import(path=folder)
    assert content_changed == [1, 1]
