"""The content format: what a course folder turns into, and every error reported."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from revise.content.parser import MAX_FILE_BYTES, normalize_text, parse_course
from tests.conftest import CHAPTER, COURSE_YAML, SAMPLE_COURSE


def problems_of(folder: Path) -> list[str]:
    course, problems = parse_course(folder)
    assert course is None, "a course with problems must not be returned"
    return [f"{p.path.name}:{p.line}: {p.message}" for p in problems]


def test_clean_course_parses(write_course):
    course, problems = parse_course(write_course())
    assert problems == []
    assert course.title == "Test course"
    assert course.subject == "Testing"
    assert [c.slug for c in course.chapters] == ["one"]
    assert course.chapters[0].cards[0].front_html == "Question one?"
    assert course.chapters[0].cards[0].back_html == "Answer one."


def test_callouts_render_with_their_own_class_and_label(write_course):
    folder = write_course(
        {
            "course.yaml": COURSE_YAML,
            "01-one.md": """\
            ---
            title: One
            ---
            ::: note
            N
            :::

            ::: analogy
            A
            :::

            ::: definition Consolidation
            Making power *secure*.
            :::

            ::: tip
            T
            :::
            """,
        }
    )
    course, _ = parse_course(folder)
    html = course.chapters[0].free_html
    for kind, label, line in [
        ("note", "Note", 4),
        ("analogy", "Analogy", 8),
        ("definition", "Definition", 12),
        ("tip", "Tip", 16),
    ]:
        # each box carries the anchor a card or cheatsheet entry links to
        assert f'<div class="callout callout-{kind}" role="note" id="p{line}">' in html
        assert f'<p class="callout-label">{label}</p>' in html
    assert "<dfn>Consolidation</dfn>" in html
    assert "<em>secure</em>" in html
    assert course.chapters[0].callouts == 4


def test_raw_html_is_shown_as_text_not_markup(write_course):
    folder = write_course(
        {
            "course.yaml": COURSE_YAML,
            "01-one.md": "---\ntitle: One\n---\n<script>alert(1)</script>\n",
        }
    )
    course, _ = parse_course(folder)
    assert "<script>" not in course.chapters[0].free_html
    assert "&lt;script&gt;" in course.chapters[0].free_html


def test_locked_marker_splits_free_and_locked_parts(write_course):
    folder = write_course(
        {
            "course.yaml": COURSE_YAML,
            "01-one.md": """\
            ---
            title: One
            ---
            ## Free heading

            Free words here.

            ::: flashcards
            - Free card? :: Yes.
            :::

            <!-- locked -->

            ## Locked heading

            Secret words here.

            ::: flashcards
            - Locked card? :: Yes.
            :::
            """,
        }
    )
    course, _ = parse_course(folder)
    chapter = course.chapters[0]
    assert "Free words" in chapter.free_html
    assert "Secret" not in chapter.free_html
    assert "Locked heading" not in chapter.free_html
    assert "Secret words here." in chapter.locked_html
    assert "Free words" not in chapter.locked_html
    assert "locked" not in chapter.free_html.lower()
    assert [(c.front_text, c.locked) for c in chapter.cards] == [
        ("Free card?", False),
        ("Locked card?", True),
    ]
    assert [(h.title, h.locked) for h in chapter.headings] == [
        ("Free heading", False),
        ("Locked heading", True),
    ]


def test_chapter_without_marker_is_free_in_full(write_course):
    course, _ = parse_course(write_course())
    assert course.chapters[0].locked_html == ""


def test_self_review_questions_keep_guidance_out_of_the_article(write_course):
    folder = write_course(
        {
            "course.yaml": COURSE_YAML,
            "01-one.md": """\
            ---
            title: One
            ---
            ::: self-review
            1. Why? {#why}
               - Because of *this*.
               - And that.
            2. How?
            :::
            """,
        }
    )
    course, _ = parse_course(folder)
    chapter = course.chapters[0]
    why, how = chapter.questions
    assert (why.key, why.explicit_id, why.prompt_text) == ("why", True, "Why?")
    assert why.guidance_html == ("Because of <em>this</em>.", "And that.")
    assert how.guidance_html == ()
    assert not how.explicit_id
    assert '<ol class="self-review">' in chapter.free_html
    assert "Because of" not in chapter.free_html


def test_cards_get_stable_ids_or_keys_from_their_text(write_course):
    folder = write_course(
        {
            "course.yaml": COURSE_YAML,
            "01-one.md": """\
            ---
            title: One
            ---
            ::: flashcards
            - First? :: One. {#first-card}
            - Second? :: Two.
            :::
            """,
        }
    )
    course, _ = parse_course(folder)
    first, second = course.chapters[0].cards
    assert first.key == "first-card" and first.explicit_id
    assert first.back_text == "One."
    assert re.fullmatch(r"one/[0-9a-f]{16}", second.key)


def test_a_card_splits_at_the_first_double_colon_outside_code(write_course):
    folder = write_course(
        {
            "course.yaml": COURSE_YAML,
            "01-one.md": """\
            ---
            title: One
            ---
            ::: flashcards
            - What does `std::vector` hold? :: Values of one type.
            - What is ``a::b`` here? :: A path :: with a colon pair.
            :::
            """,
        }
    )
    course, problems = parse_course(folder)
    assert problems == []
    sides = [(c.front_text, c.back_text) for c in course.chapters[0].cards]
    assert sides == [
        ("What does std::vector hold?", "Values of one type."),
        ("What is a::b here?", "A path :: with a colon pair."),
    ]
    assert "<code>std::vector</code>" in course.chapters[0].cards[0].front_html


def test_a_file_that_looks_like_a_chapter_but_would_be_skipped_is_reported(
    write_course, tmp_path
):
    chapter = "---\ntitle: Two\n---\nWords.\n"
    folder = write_course({"course.yaml": COURSE_YAML, "01-one.md": chapter})
    (folder / "02-two.MD").write_text(chapter)
    (folder / "03-dir.md").mkdir()
    (folder / "04-gone.md").symlink_to(tmp_path / "nowhere.md")
    (folder / "README.md").write_text("Notes for authors.")
    assert problems_of(folder) == [
        "02-two.MD:1: a chapter's file name ends in '.md' (lower case)",
        "03-dir.md:1: not a file: a chapter is a Markdown file",
        "04-gone.md:1: not a file: a chapter is a Markdown file",
    ]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("---\ntitle: One\n\n# Hello\n", "1: the front matter is not closed"),
        ('---\ntitle: ""\n---\nWords.\n', "2: the title is empty"),
        ("Words only.\n", "1: chapter has no title: start the file with front matter"),
    ],
)
def test_a_missing_title_says_what_is_wrong_where(write_course, text, problem):
    folder = write_course({"course.yaml": COURSE_YAML, "01-one.md": text})
    (found,) = problems_of(folder)
    assert found.startswith(f"01-one.md:{problem}")


def test_a_choice_with_an_option_twice_names_it_on_its_line(write_course):
    step = "- kind: choice\n  prompt: P\n  options: [A, A, B]\n  answer: A\n"
    text = f"---\ntitle: One\n---\n```lesson\n{step}```\n"
    folder = write_course({"course.yaml": COURSE_YAML, "01-one.md": text})
    assert problems_of(folder) == ["01-one.md:7: the option 'A' is given twice"]


def test_a_folder_that_does_not_exist_is_reported_as_such(tmp_path):
    assert problems_of(tmp_path / "nope") == ["nope:1: no such folder"]
    (tmp_path / "file").write_text("")
    assert problems_of(tmp_path / "file") == ["file:1: not a folder"]


def test_identity_text_ignores_case_punctuation_and_spacing():
    assert normalize_text("When was  Brest-Litovsk signed?") == normalize_text(
        "when was brest litovsk signed"
    )


def test_lesson_steps_are_parsed_from_a_lesson_block(write_course):
    folder = write_course(
        {
            "course.yaml": COURSE_YAML,
            "01-one.md": """\
            ---
            title: One
            ---
            ```lesson
            - kind: choice
              prompt: Pick B
              options: [A, B]
              answer: B
            - kind: match
              prompt: Match
              pairs: {a: 1, b: 2}
              id: matching
            - kind: order
              prompt: Order
              items: [first, second]
            - kind: fill-blank
              text: A [blank] here.
            - kind: true-false
              statement: Yes
              answer: true
            ```
            """,
        }
    )
    course, _ = parse_course(folder)
    chapter = course.chapters[0]
    assert [s.kind for s in chapter.steps] == [
        "choice",
        "match",
        "order",
        "fill-blank",
        "true-false",
    ]
    assert chapter.steps[1].key == "matching"
    assert chapter.steps[1].data["pairs"] == [["a", "1"], ["b", "2"]]
    assert "lesson" not in chapter.free_html


def test_docs_example_passes_check_with_the_summary_it_quotes(tmp_path):
    """The complete example in docs/authoring.md is a valid course, as the doc says."""
    doc = (Path(__file__).parent.parent / "docs" / "authoring.md").read_text()
    example = doc[doc.index("## A complete example") :]
    yaml_text = re.search(r"```yaml\n(.*?)```", example, re.S).group(1)
    chapter = re.search(r"````markdown\n(.*?)````", example, re.S).group(1)
    folder = tmp_path / "example"
    folder.mkdir()
    (folder / "course.yaml").write_text(yaml_text)
    (folder / "01-origins.md").write_text(chapter)
    course, problems = parse_course(folder)
    assert problems == []
    assert f"OK — {course.summary_line()}`" in example


def test_sample_course_is_valid_and_complete():
    course, problems = parse_course(SAMPLE_COURSE)
    assert [str(p) for p in problems] == []
    assert course.title == "Case study: Vladimir Lenin"
    assert course.subject == "IB History"
    assert len(course.chapters) >= 3
    foreign = next(c for c in course.chapters if c.slug == "foreign-policy")
    assert foreign.title == "Consolidation and Maintenance: Lenin's Foreign Policy"
    assert len(foreign.cards) >= 20
    assert len(foreign.questions) == 5
    assert all(q.guidance_html for q in foreign.questions)
    assert {s.kind for s in foreign.steps} == {
        "choice",
        "true-false",
        "fill-blank",
        "order",
        "match",
    }
    for fact in ["27%", "26%", "74%", "Comintern", "Rapallo", "Carr", "Pipes", "Figes"]:
        assert fact in foreign.free_html
    assert "callout-definition" in foreign.free_html
    assert "<dfn>Consolidation</dfn>" in foreign.free_html
    assert "callout-analogy" in foreign.free_html
    assert "callout-tip" in foreign.locked_html
    assert not any(q.locked for q in foreign.questions)


# --- every problem, with its exact file and line ---------------------------------------


def chapter(body: str) -> dict[str, str]:
    return {"course.yaml": COURSE_YAML, "01-one.md": body}


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        pytest.param(
            {"course.yaml": "title: [unclosed\n", "01-one.md": CHAPTER},
            ["course.yaml:1: malformed YAML"],
            id="malformed course yaml",
        ),
        pytest.param(
            {"course.yaml": COURSE_YAML + "titel: Oops\n", "01-one.md": CHAPTER},
            ["course.yaml:4: unknown field 'titel'"],
            id="unknown course field",
        ),
        pytest.param(
            {"course.yaml": "title: T\nsummary: S\n", "01-one.md": CHAPTER},
            ["course.yaml:1: course.yaml needs a 'subject'"],
            id="missing subject",
        ),
        pytest.param(
            {"course.yaml": COURSE_YAML},
            ["course.yaml:1: the course has no chapters"],
            id="no chapters",
        ),
        pytest.param(
            chapter("---\ntitle: One\nsummary: [oops\n---\nText\n"),
            ["01-one.md:3: malformed YAML"],
            id="malformed front matter",
        ),
        pytest.param(
            chapter("Just text, no front matter.\n"),
            ["01-one.md:1: chapter has no title"],
            id="chapter without title",
        ),
        pytest.param(
            chapter("---\nslug: one\n---\nText\n"),
            ["01-one.md:1: chapter has no title"],
            id="front matter without title",
        ),
        pytest.param(
            chapter("---\ntitle: One\n---\nText\n\n::: warning\nBoo\n:::\n"),
            ["01-one.md:6: unknown box 'warning'"],
            id="unknown callout",
        ),
        pytest.param(
            chapter("---\ntitle: One\n---\nText\n\n::: note\nNever closed.\n"),
            ["01-one.md:6: '::: note' is never closed"],
            id="unclosed container",
        ),
        pytest.param(
            chapter("---\ntitle: One\n---\n::: definition\nNo term.\n:::\n"),
            ["01-one.md:4: a definition needs its term"],
            id="definition without term",
        ),
        pytest.param(
            chapter(
                "---\ntitle: One\n---\n::: flashcards\n- A? :: B {#same}\n:::\n\n"
                "::: self-review\n1. Q? {#same}\n:::\n"
            ),
            ["01-one.md:9: duplicate id 'same' (first used at"],
            id="duplicate id in a chapter",
        ),
        pytest.param(
            {
                "course.yaml": COURSE_YAML,
                "01-one.md": "---\ntitle: One\n---\n::: flashcards\n- A? :: B {#same}\n:::\n",
                "02-two.md": "---\ntitle: Two\n---\n\n::: flashcards\n- C? :: D {#same}\n:::\n",
            },
            ["02-two.md:6: duplicate id 'same' (first used at"],
            id="duplicate id across chapters",
        ),
        pytest.param(
            {
                "course.yaml": COURSE_YAML,
                "01-one.md": "---\ntitle: One\nslug: same\n---\nA\n",
                "02-two.md": "---\ntitle: Two\nslug: same\n---\nB\n",
            },
            ["02-two.md:1: duplicate chapter slug 'same'"],
            id="duplicate chapter slug",
        ),
        pytest.param(
            chapter(""), ["01-one.md:1: file is empty"], id="empty chapter file"
        ),
        pytest.param(
            {"course.yaml": "", "01-one.md": CHAPTER},
            ["course.yaml:1: file is empty"],
            id="empty course yaml",
        ),
        pytest.param(
            chapter(b"---\ntitle: One\n---\nCaf\xe9\n"),
            ["01-one.md:4: file is not UTF-8 text (byte 0xe9)"],
            id="not utf-8",
        ),
        pytest.param(
            chapter("---\ntitle: One\n---\n" + "word " * (MAX_FILE_BYTES // 5 + 1)),
            ["01-one.md:1: file is 1,048,"],
            id="file too large",
        ),
        pytest.param(
            chapter("---\ntitle: One\n---\n::: flashcards\n- No separator here\n:::\n"),
            ["01-one.md:5: a flashcard needs '::'"],
            id="card without separator",
        ),
        pytest.param(
            chapter("---\ntitle: One\n---\n::: flashcards\n- Question? ::\n:::\n"),
            ["01-one.md:5: a flashcard has an empty answer"],
            id="card with empty answer",
        ),
        pytest.param(
            chapter("---\ntitle: One\n---\n::: self-review\nNot a list.\n:::\n"),
            ["01-one.md:4: a self-review box holds a numbered list"],
            id="self review without list",
        ),
        pytest.param(
            chapter("---\ntitle: One\n---\n<!-- locked -->\n\nA\n\n<!-- locked -->\n"),
            ["01-one.md:8: '<!-- locked -->' may appear only once"],
            id="locked marker twice",
        ),
        pytest.param(
            chapter("---\ntitle: One\n---\n::: note\n<!-- locked -->\n:::\n"),
            ["01-one.md:5: '<!-- locked -->' must stand outside any box"],
            id="locked marker inside a box",
        ),
        pytest.param(
            chapter(
                "---\ntitle: One\n---\n```lesson\n- kind: choice\n  prompt: [x\n```\n"
            ),
            ["01-one.md:6: malformed YAML in lesson block"],
            id="malformed lesson yaml",
        ),
        pytest.param(
            chapter(
                "---\ntitle: One\n---\n```lesson\n- kind: essay\n  prompt: x\n```\n"
            ),
            ["01-one.md:5: unknown lesson step kind 'essay'"],
            id="unknown lesson kind",
        ),
        pytest.param(
            chapter(
                "---\ntitle: One\n---\n```lesson\n- kind: true-false\n  answer: true\n"
                "- kind: choice\n  prompt: P\n  options: [a, b]\n  answer: c\n```\n"
            ),
            [
                "01-one.md:5: a true-false step needs 'statement'",
                "01-one.md:10: the answer 'c' is not one of the options",  # its line
            ],
            id="lesson step errors",
        ),
        pytest.param(
            chapter("---\ntitle: One\n---\n::: flashcards\n- A? :: B {#Bad_Id}\n:::\n"),
            ["01-one.md:5: id 'Bad_Id' must be lower-case"],
            id="malformed id",
        ),
        pytest.param(
            chapter(
                "---\ntitle: One\nskip_cards:\n  - date-rapallo\n---\n"
                "## Treaty of Rapallo (1922)\n"
            ),
            ["01-one.md:4: skip_cards names no derived card 'date-rapallo'"],
            id="skip_cards naming no derived card",
        ),
        pytest.param(
            chapter("---\ntitle: One\nskip_cards: [[a]]\n---\nText\n"),
            ["01-one.md:3: field 'skip_cards' must be a list of texts"],
            id="skip_cards not a list of ids",
        ),
        pytest.param(
            chapter("---\ntitle: [One]\n---\nText\n"),
            ["01-one.md:2: field 'title' must be text"],
            id="chapter title not text",
        ),
    ],
)
def test_problem_is_reported_with_file_and_line(write_course, files, expected):
    found = problems_of(write_course(files))
    assert len(found) == len(expected), found
    for line, prefix in zip(found, expected, strict=True):
        assert line.startswith(prefix), found


def test_every_problem_is_reported_not_just_the_first(write_course):
    folder = write_course(
        {
            "course.yaml": COURSE_YAML + "colour: red\n",
            "01-one.md": "---\ntitle: One\n---\n::: warning\nx\n:::\n",
            "02-two.md": "no front matter\n",
        }
    )
    found = problems_of(folder)
    assert [f.split(": ")[0] for f in found] == [
        "course.yaml:4",
        "01-one.md:4",
        "02-two.md:1",
    ]
