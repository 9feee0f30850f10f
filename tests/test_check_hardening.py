"""Issue 7: `revise check` fails closed on author mistakes, never crashes, enforces the
database's limits and stays linear on hostile input. This part: YAML and lesson steps."""

from __future__ import annotations

from pathlib import Path

import pytest

from revise.catalog.services import CourseInvalid, course_import
from revise.content.parser import parse_course
from tests.conftest import COURSE_YAML

FRONT = "---\ntitle: One\n---\n"


def problems_of(folder: Path) -> list[str]:
    course, problems = parse_course(folder)
    assert course is None, "a course with problems must not be returned"
    return [f"{p.path.name}:{p.line}: {p.message}" for p in problems]


def chapter(body: str, **more: str) -> dict[str, str]:
    return {"course.yaml": COURSE_YAML, "01-one.md": FRONT + body, **more}


def assert_problems(found: list[str], *expected: str) -> None:
    """Each expected (prefix, words…) matches one problem, in order."""
    assert len(found) == len(expected), found
    for line, want in zip(found, expected, strict=True):
        prefix, *words = want.split(" | ")
        assert line.startswith(prefix), found
        for word in words:
            assert word in line, found


# --- 4. YAML and lesson fields of the wrong shape: problems, not tracebacks ------------


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        pytest.param(
            {"course.yaml": COURSE_YAML + "[a, b]: c\n", "01-one.md": FRONT},
            "course.yaml:4: | key must be plain text",
            id="list as a key",
        ),
        pytest.param(
            {"course.yaml": COURSE_YAML + "{a: b}: c\n", "01-one.md": FRONT},
            "course.yaml:4: | key must be plain text",
            id="mapping as a key",
        ),
        pytest.param(
            {
                "course.yaml": "title: &a [*a]\nsubject: S\nsummary: s\n",
                "01-one.md": FRONT,
            },
            "course.yaml:1: YAML aliases and anchors are not allowed",
            id="self-referencing alias",
        ),
        pytest.param(
            {"course.yaml": COURSE_YAML + "null: x\n", "01-one.md": FRONT},
            "course.yaml:4: unknown field 'null'",
            id="null key in course.yaml",
        ),
        pytest.param(
            {"course.yaml": COURSE_YAML + "~: x\n", "01-one.md": FRONT},
            "course.yaml:4: unknown field '~'",
            id="tilde key in course.yaml",
        ),
        pytest.param(
            {
                "course.yaml": COURSE_YAML,
                "01-one.md": "---\ntitle: One\nnull: x\n---\n",
            },
            "01-one.md:3: unknown field 'null'",
            id="null key in front matter",
        ),
        pytest.param(
            {"course.yaml": COURSE_YAML + "title: Again\n", "01-one.md": FRONT},
            "course.yaml:4: | 'title' | twice",
            id="duplicate key",
        ),
        pytest.param(
            chapter("```lesson\n- kind: [a]\n```\n"),
            "01-one.md:5: | 'kind'",
            id="kind is a list",
        ),
        pytest.param(
            chapter(
                "```lesson\n- kind: choice\n  prompt: P\n  options: [[a], {b: c}]\n"
                "  answer: x\n```\n"
            ),
            "01-one.md:5: | 'options' | list of texts",
            id="options holding lists",
        ),
        pytest.param(
            chapter(
                "```lesson\n- kind: order\n  prompt: P\n  items: [[a], [b]]\n```\n"
            ),
            "01-one.md:5: | 'items' | list of texts",
            id="items holding lists",
        ),
        pytest.param(
            chapter(
                "```lesson\n- kind: match\n  prompt: P\n  pairs: {a: [1], b: {c: d}}\n```\n"
            ),
            "01-one.md:5: | 'pairs' | text",
            id="pairs holding lists",
        ),
        pytest.param(
            chapter(
                "```lesson\n- kind: match\n  prompt: P\n  pairs: {[a]: x, b: y}\n```\n"
            ),
            "01-one.md:7: | key must be plain text",
            id="pairs with a list key",
        ),
        pytest.param(
            chapter(
                "```lesson\n- kind: match\n  prompt: P\n  pairs: {a: x, a: y}\n```\n"
            ),
            "01-one.md:7: | 'a' | twice",
            id="pairs with a duplicate left side",
        ),
        pytest.param(
            chapter(
                "```lesson\n- kind: true-false\n  statement: S\n  answer: true\n"
                "  explain: [a, b]\n```\n"
            ),
            "01-one.md:5: | 'explain' | text",
            id="explain is a list",
        ),
        pytest.param(
            chapter("```lesson\n- kind: fill-blank\n  text: A [b].\n  id: [x]\n```\n"),
            "01-one.md:5: | 'id' | text",
            id="id is a list",
        ),
        pytest.param(
            chapter("```lesson\n- &s {kind: fill-blank, text: A [b].}\n- *s\n```\n"),
            "01-one.md:5: YAML aliases and anchors are not allowed",
            id="alias in a lesson",
        ),
        pytest.param(
            {"course.yaml": COURSE_YAML, "01-one.md": "---\ntitle: &t One\n---\n"},
            "01-one.md:2: YAML aliases and anchors are not allowed",
            id="anchor in front matter",
        ),
    ],
)
def test_yaml_of_the_wrong_shape_is_a_problem_not_a_traceback(
    write_course, files, expected
):
    assert_problems(problems_of(write_course(files)), expected)


def test_import_reports_the_problem_instead_of_a_traceback(write_course, db):
    folder = write_course(
        {"course.yaml": "title: &a [*a]\nsubject: S\nsummary: s\n", "01-one.md": FRONT}
    )
    with pytest.raises(CourseInvalid) as caught:
        course_import(path=folder)
    assert [p.line for p in caught.value.problems] == [1]


def test_a_problem_is_one_line_even_when_it_quotes_a_line_break(write_course):
    folder = write_course(
        {"course.yaml": COURSE_YAML + '"a\\nb": c\n', "01-one.md": FRONT}
    )
    _, problems = parse_course(folder)
    assert [str(p).count("\n") for p in problems] == [0]
    assert str(problems[0]).endswith(
        "unknown field 'a b' (allowed: slug, subject, summary, title)"
    )


def test_a_control_character_in_yaml_is_reported_on_its_line(write_course):
    folder = write_course(
        {"course.yaml": COURSE_YAML + "slug: a\x1fb\n", "01-one.md": FRONT}
    )
    assert_problems(problems_of(folder), "course.yaml:4: | U+001F is not allowed")


# --- 5. hostile input: refused, or handled in linear time -------------------------------


def _alias_bomb(levels: int) -> str:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    for i in range(1, levels):
        refs = ", ".join([f"*a{i - 1}"] * 9)
        lines.append(f"a{i}: &a{i} [{refs}]")
    return "\n".join(lines) + "\n"


def test_a_yaml_alias_bomb_is_refused(write_course):
    bomb = _alias_bomb(6)
    assert len(bomb.encode()) < 1024
    found = problems_of(write_course({"course.yaml": bomb, "01-one.md": FRONT}))
    assert_problems(found, "course.yaml:1: YAML aliases and anchors are not allowed")


def test_deeply_nested_yaml_is_a_problem(write_course):
    deep = "title: " + "[" * 5000 + "]" * 5000 + "\nsubject: S\nsummary: s\n"
    found = problems_of(write_course({"course.yaml": deep, "01-one.md": FRONT}))
    assert_problems(found, "course.yaml:1: | nest")
