"""Property-based test of `revise check`: any course folder gives either a course that
`revise import` can store, or problems as ``path:line: message``; never a traceback.

The strategies and the properties live in tests/fuzz_courses.py, shared with
bench/fuzz_check.py, which runs thousands of examples and reports their times.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, assume, given, settings

from revise.catalog.services import course_import
from revise.content.parser import parse_course
from tests.fuzz_courses import check_folder, course_folders


@settings(
    derandomize=True,
    max_examples=300,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(course_folders())
def test_any_course_folder_gives_a_course_or_located_problems(files):
    check_folder(files)


@pytest.mark.django_db
@settings(
    derandomize=True,
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
        HealthCheck.filter_too_much,
    ],
)
@given(course_folders())
def test_a_folder_that_checks_clean_imports(tmp_path_factory, files):
    """What `revise check` passes, `revise import` stores (and stores again, as an
    update of the same course, for the next example)."""
    folder = tmp_path_factory.mktemp("course") / "course"
    folder.mkdir()
    for name, data in files.items():
        (folder / name).write_bytes(data)
    course, _ = parse_course(folder)
    assume(course is not None)
    report = course_import(path=folder)
    assert report.course == course.slug
