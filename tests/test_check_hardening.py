"""Issue 7, items 1-5: `revise check` fails closed on author mistakes, never crashes,
enforces the database's limits and stays linear on hostile input."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from django.apps import apps
from django.db import models
from markdown_it import MarkdownIt
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from revise.catalog.models import ChapterItem
from revise.catalog.services import CourseInvalid, course_import
from revise.content import limits
from revise.content.derive import figures
from revise.content.derive.text import sentences
from revise.content.markdown import MD
from revise.content.model import TextBlock
from revise.content.parser import parse_course
from tests.conftest import COURSE_YAML, SAMPLE_COURSE

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


# --- 1. the locked marker: anything but the exact marker is an error ------------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param(
            "Free.\n\n<!-- lockd -->\n\nSecret.\n",
            "01-one.md:6: | misspelt locked marker | '<!-- locked -->'",
            id="misspelt marker",
        ),
        pytest.param(
            "Free.\n\n<!--locked-->\n\nSecret.\n",
            "01-one.md:6: | misspelt locked marker",
            id="marker without spaces",
        ),
        pytest.param(
            "Free.\n\n<!-- LOCKED -->\n\nSecret.\n",
            "01-one.md:6: | misspelt locked marker",
            id="marker in capitals",
        ),
        pytest.param(
            "Free.\n\n<-- locked -->\n\nSecret.\n",
            "01-one.md:6: | misspelt locked marker",
            id="marker without the bang",
        ),
        pytest.param(
            "Free.\n\n<!- locked ->\n\nSecret.\n",
            "01-one.md:6: | misspelt locked marker",
            id="marker with single dashes",
        ),
        pytest.param(
            "Free.\n\n＜!-- locked --＞\n\nSecret.\n",
            "01-one.md:6: | misspelt locked marker",
            id="marker in full-width characters",
        ),
        pytest.param(
            "Free.\n\n<!--\u200b locked -->\n\nSecret.\n",
            "01-one.md:6: | misspelt locked marker",
            id="marker with a zero-width space",
        ),
        pytest.param(
            "Free.\n\n<!-- TODO: check the date -->\n\nMore.\n",
            "01-one.md:6: | HTML comments are not allowed",
            id="other HTML comment",
        ),
        pytest.param(
            "Free words <!-- a note to self --> and more.\n",
            "01-one.md:4: | HTML comments are not allowed",
            id="comment inside a paragraph",
        ),
        pytest.param(
            "Free.\n<!-- locked -->\n\nSecret.\n",
            "01-one.md:5: | blank line",
            id="marker glued to the paragraph above",
        ),
        pytest.param(
            "Free.\n\n<!-- locked --> Secret.\n",
            "01-one.md:6: | blank line",
            id="marker with text after it",
        ),
        pytest.param(
            "## <!-- locked -->\n\nSecret.\n",
            "01-one.md:4: | blank line",
            id="marker in a heading",
        ),
        pytest.param(
            "Free.\n\n```\ncode\n\n<!-- locked -->\n\nSecret.\n",
            "01-one.md:9: | code block",
            id="marker swallowed by an unclosed fence",
        ),
        pytest.param(
            "Free.\n\n    <!-- locked -->\n\nSecret.\n",
            "01-one.md:6: | code block",
            id="marker indented into a code block",
        ),
        pytest.param(
            "| a | b |\n| - | - |\n| <!-- locked --> | x |\n",
            "01-one.md:6: | blank line",
            id="marker in a table cell",
        ),
    ],
)
def test_anything_but_the_exact_marker_is_an_error(write_course, body, expected):
    assert_problems(problems_of(write_course(chapter(body))), expected)


def test_a_misspelt_marker_cannot_be_imported(write_course, db):
    folder = write_course(chapter("Free.\n\n<!-- lockd -->\n\nSecret.\n"))
    with pytest.raises(CourseInvalid):
        course_import(path=folder)


@pytest.mark.parametrize(
    "body",
    [
        pytest.param("Write `<!-- x -->` to hide a line.\n", id="comment in code span"),
        pytest.param("```html\n<!-- a comment -->\n<p>x</p>\n```\n", id="in a fence"),
        pytest.param("The Tsar --> the Provisional Government.\n", id="an arrow"),
        pytest.param("The door was locked.\n\nLocked!\n", id="the word locked"),
    ],
)
def test_comments_in_code_and_arrows_are_fine(write_course, body):
    _, problems = parse_course(write_course(chapter(body)))
    assert [str(p) for p in problems] == []


# --- 2. a box must be closed before the next heading ------------------------------------


def test_a_box_left_open_cannot_swallow_the_next_heading(write_course):
    body = "::: note\nA note.\n\n## Next section\n\nA paragraph.\n\n:::\n"
    found = problems_of(write_course(chapter(body)))
    assert_problems(
        found, "01-one.md:7: | heading | '::: note' | line 4 | close it with ':::'"
    )


def test_a_setext_heading_in_a_box_is_an_error_too(write_course):
    body = "::: tip\nTip.\n\nNext section\n------------\n:::\n"
    assert_problems(problems_of(write_course(chapter(body))), "01-one.md:7: | heading")


def test_a_self_review_box_left_open_cannot_swallow_the_article(write_course):
    body = (
        "::: self-review\n1. Why?\n\n## Next section\n\nText.\n\n"
        "::: note\nA note.\n:::\n"
    )
    found = problems_of(write_course(chapter(body)))
    assert_problems(
        found,
        "01-one.md:7: | heading | '::: self-review' | line 4",
        "01-one.md:9: | a self-review box holds a numbered list",
        "01-one.md:11: | '::: note' is never closed | line 13",
    )


def test_a_self_review_box_holds_only_its_list(write_course):
    body = "::: self-review\n1. Why?\n\nA stray paragraph.\n:::\n"
    found = problems_of(write_course(chapter(body)))
    assert_problems(found, "01-one.md:7: | a self-review box holds a numbered list")


def test_a_box_closed_by_its_parents_closing_line_is_never_closed(write_course):
    body = "::: note\nA note.\n\n::: tip\nA tip.\n:::\n"
    found = problems_of(write_course(chapter(body)))
    assert_problems(
        found, "01-one.md:7: | '::: tip' is never closed | line 9 | '::: note'"
    )


def test_boxes_inside_boxes_with_more_colons_are_fine(write_course):
    body = ":::: note\nOuter.\n\n::: tip\nInner.\n:::\n\nOuter again.\n::::\n"
    course, problems = parse_course(write_course(chapter(body)))
    assert [str(p) for p in problems] == []
    assert course.chapters[0].callouts == 2


# --- 3. the database's limits -----------------------------------------------------------


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        pytest.param(
            chapter("::: flashcards\n- A? :: B {#" + "a" * 201 + "}\n:::\n"),
            "01-one.md:5: | 201 characters | limit is 200",
            id="id of 201",
        ),
        pytest.param(
            chapter(
                "```lesson\n- kind: true-false\n  statement: S\n  answer: true\n"
                "  id: " + "b" * 201 + "\n```\n"
            ),
            "01-one.md:5: | 201 characters | limit is 200",
            id="lesson step id of 201",
        ),
        pytest.param(
            {
                "course.yaml": COURSE_YAML + "slug: " + "a" * 250 + "\n",
                "01-one.md": FRONT,
            },
            "course.yaml:4: | 250 characters | limit is 200",
            id="course slug of 250",
        ),
        pytest.param(
            {
                "course.yaml": "title: " + "T" * 400 + "\nsubject: S\nsummary: s\n",
                "01-one.md": FRONT,
            },
            "course.yaml:1: | 400 characters | limit is 300",
            id="course title of 400",
        ),
        pytest.param(
            {
                "course.yaml": "title: T\nsubject: " + "S" * 201 + "\nsummary: s\n",
                "01-one.md": FRONT,
            },
            "course.yaml:2: | 201 characters | limit is 200",
            id="subject of 201",
        ),
        pytest.param(
            {
                "course.yaml": COURSE_YAML,
                "01-one.md": "---\ntitle: " + "C" * 301 + "\n---\nText\n",
            },
            "01-one.md:2: | 301 characters | limit is 300",
            id="chapter title of 301",
        ),
        pytest.param(
            {
                "course.yaml": COURSE_YAML,
                "01-one.md": "---\ntitle: One\nslug: " + "s" * 184 + "\n---\nText\n",
            },
            "01-one.md:3: | 184 characters | limit is 183",
            id="chapter slug of 184",
        ),
        pytest.param(
            {"course.yaml": COURSE_YAML, "01-" + "f" * 190 + ".md": FRONT + "Text\n"},
            "01-" + "f" * 190 + ".md:1: | 190 characters | limit is 183",
            id="chapter slug from a long file name",
        ),
        pytest.param(
            chapter("## " + "Heading " * 30 + "\n\nText\n"),
            "01-one.md:4: | heading | limit is 200",
            id="heading whose anchor is too long",
        ),
    ],
)
def test_every_database_limit_is_checked(write_course, files, expected):
    assert_problems(problems_of(write_course(files)), expected)


def test_a_long_course_folder_name_is_reported(tmp_path):
    folder = tmp_path / ("c" * 201)
    folder.mkdir()
    (folder / "course.yaml").write_text(COURSE_YAML)
    (folder / "01-one.md").write_text(FRONT + "Text\n")
    assert_problems(problems_of(folder), "course.yaml:1: | 201 characters | folder")


def test_values_at_the_limits_pass(write_course):
    files = {
        "course.yaml": "title: "
        + "T" * 300
        + "\nsubject: "
        + "S" * 200
        + "\nsummary: s\nslug: "
        + "a" * 200
        + "\n",
        "01-one.md": "---\ntitle: "
        + "C" * 300
        + "\nslug: "
        + "s" * 183
        + "\n---\n::: flashcards\n- A? :: B {#"
        + "i" * 200
        + "}\n- C? :: D\n:::\n",
    }
    _, problems = parse_course(write_course(files))
    assert [str(p) for p in problems] == []


def test_derived_card_keys_fit_in_the_key_column(write_course):
    long_event = "Treaty of " + "Long" * 40  # a heading of 170 characters
    body = f"## {long_event} (1922)\n\nText.\n"
    files = {
        "course.yaml": COURSE_YAML,
        "01-one.md": "---\ntitle: One\nslug: " + "s" * 183 + f"\n---\n{body}",
    }
    course, problems = parse_course(write_course(files))
    assert [str(p) for p in problems] == []
    keys = [c.key for c in course.chapters[0].cards]
    assert keys and all(len(k) <= limits.KEY for k in keys)


def _content_models() -> list[type[models.Model]]:
    """The models whose rows `revise import` writes from a course folder."""
    catalog = [apps.get_model("catalog", n) for n in ("Subject", "Course", "Chapter")]
    items = [m for m in apps.get_models() if issubclass(m, ChapterItem)]
    return catalog + items


def test_the_checkers_limits_are_the_models_max_lengths():
    """Every length-limited field that import fills is in the checker's table, with the
    model's own max_length: the two cannot drift apart."""
    seen = set()
    for model in _content_models():
        for field in model._meta.get_fields():
            max_length = getattr(field, "max_length", None)
            if not max_length:
                continue
            label = f"{model._meta.label}.{field.name}"
            seen.add(label)
            assert label in limits.MODEL_FIELDS, (
                f"{label} is not in the checker's table"
            )
            assert limits.MODEL_FIELDS[label] == max_length, label
    assert seen == set(limits.MODEL_FIELDS)


def test_import_fits_a_long_subject_slug(write_course, db):
    # NFKD turns each "㎢" into "km2": the slug is longer than the subject.
    course_yaml = "title: T\nsubject: " + "㎢" * 200 + "\nsummary: s\n"
    folder = write_course({"course.yaml": course_yaml, "01-one.md": FRONT + "x\n"})
    course_import(path=folder)
    subject = apps.get_model("catalog", "Subject").objects.get()
    assert 0 < len(subject.slug) <= limits.SUBJECT


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
            "01-one.md:7: | 'options' | list of texts",
            id="options holding lists",
        ),
        pytest.param(
            chapter(
                "```lesson\n- kind: order\n  prompt: P\n  items: [[a], [b]]\n```\n"
            ),
            "01-one.md:7: | 'items' | list of texts",
            id="items holding lists",
        ),
        pytest.param(
            chapter(
                "```lesson\n- kind: match\n  prompt: P\n  pairs: {a: [1], b: {c: d}}\n```\n"
            ),
            "01-one.md:7: | 'pairs' | text",
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
            "01-one.md:8: | 'explain' | text",
            id="explain is a list",
        ),
        pytest.param(
            chapter("```lesson\n- kind: fill-blank\n  text: A [b].\n  id: [x]\n```\n"),
            "01-one.md:7: | 'id' | text",
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


def test_a_nul_character_is_reported(write_course):
    found = problems_of(write_course(chapter("A\n\nB \x00 C\n")))
    assert_problems(found, "01-one.md:6: | NUL")


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


def test_the_figure_rule_does_linear_work_on_a_long_paragraph(monkeypatch):
    """ "26% 26% …" once made every figure read the rest of its sentence: quadratic."""
    read = []
    for name in ("capitalise", "sentences"):
        real = getattr(figures, name)

        def counting(text, *args, _real=real, **kwargs):
            read.append(len(text))
            return _real(text, *args, **kwargs)

        monkeypatch.setattr(figures, name, counting)
    text = "26% " * 4000
    block = TextBlock(kind="text", text=text, anchor="", locked=False, line=1)
    assert list(figures.figure_clauses(block, None)) == []
    assert sum(read) <= 20 * len(text)


def test_sentences_do_not_end_at_initials_in_a_long_run():
    text = "E. " * 30000 + "Then he left. After that he came back."
    split = sentences(text)
    assert len(split) == 2
    assert split[0].endswith("Then he left.")
    assert split[1] == "After that he came back."


def test_the_markdown_renders_as_the_stock_configuration():
    """The inline parser stops only where an enabled rule can start: the same HTML as
    markdown-it's own configuration, for far less work on text like "-a-a-a…"."""
    stock = MarkdownIt("commonmark", {"html": False}).enable("table")
    stock.use(front_matter_plugin)
    stock.use(container_plugin, name="box", validate=lambda params, markup: True)
    stock.use(anchors_plugin, min_level=2, max_level=3)
    samples = [path.read_text() for path in SAMPLE_COURSE.glob("*.md")]
    pieces = [
        *"ab \n\t*_[]()!<>&#;:-+=@^{}~`\\|.\"'%$1",
        "http://x.y",
        "<a@b.c>",
        "&amp;",
        "![x](y)",
        "[a]: /u",
        "  \n",
        "::: note\n",
        ":::\n",
        "# ",
        "- ",
        "> ",
        "```\n",
        "| a | b |\n| - | - |\n",
        "**",
    ]
    rng = random.Random(7)
    samples += [
        "".join(rng.choice(pieces) for _ in range(rng.randint(0, 60)))
        for _ in range(3000)
    ]
    for text in samples:
        assert MD.render(text) == stock.render(text), text


def test_too_much_markup_in_a_chapter_is_a_problem_not_a_hang(write_course):
    found = problems_of(write_course(chapter("[" * 200_000 + "\n")))
    assert_problems(found, "01-one.md:4: | markup")


def test_too_many_lines_in_a_chapter_is_a_problem(write_course):
    found = problems_of(write_course(chapter("- a\n" * (limits.MAX_LINES + 1))))
    assert_problems(found, "01-one.md:1: | lines")


@pytest.mark.parametrize("newline", ["\r", "\r\n"])
def test_lines_ending_in_carriage_returns_count_too(write_course, newline):
    body = ("- a" + newline) * (limits.MAX_LINES + 1)
    found = problems_of(write_course({"course.yaml": COURSE_YAML, "01-one.md": body}))
    assert_problems(found, "01-one.md:1: | lines")


def test_nesting_too_deep_is_a_problem_not_lost_text(write_course):
    body = "".join("  " * i + "- a\n" for i in range(40)) + "\nEnd.\n"
    found = problems_of(write_course(chapter(body)))
    assert_problems(found, "01-one.md: | nested")
