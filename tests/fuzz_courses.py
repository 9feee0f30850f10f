"""Random course folders for fuzzing `revise check`, and the properties every one must
keep: shared by tests/test_fuzz_check.py (a few hundred examples) and
bench/fuzz_check.py (thousands, with timings).

A folder is a ``course.yaml`` and one to three chapter files, built from the pieces of
the format (front matter, headings, boxes, fences, lists, cards, markers, lesson YAML)
mixed with what authors get wrong (boxes left open, misspelt markers, HTML comments,
YAML aliases, keys that are lists) and with what editors and file systems produce
(NUL bytes, long lines, latin-1, UTF-16, random bytes).
"""

from __future__ import annotations

import json
import re
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import strategies as st

from revise.content import limits
from revise.content.derive import derived_id
from revise.content.filler import filler_html
from revise.content.lesson import KINDS
from revise.content.markdown import LOCKED_MARKER, MD
from revise.content.marker import misspelt_marker
from revise.content.parser import parse_course

WORDS = [
    "Lenin",
    "the",
    "Treaty",
    "of",
    "Brest-Litovsk",
    "signed",
    "27%",
    "40 per cent",
    "£3 million",
    "40,000",
    "13 days",
    "200 delegates",
    "1918",
    "(March 1918)",
    "E.H. Carr",
    "argues",
    "sees",
    "as",
    "a gamble",
    "Carr:",
    "and",
    "but",
    ";",
    ":",
    ",",
    ".",
    "No.",
    "Dr.",
    "*bold*",
    "**strong**",
    "_em_",
    "`code`",
    "[link](http://x.y)",
    "![img](p.png)",
    "<a@b.c>",
    "&amp;",
    "\\*",
    "[",
    "]",
    "{#an-id}",
    "{#Bad_Id}",
    "::",
    "–",
    "—",
    "“quoted”",
    "Ĳ",
    "ß",
    "İ",
    "㎢",
    "\u200b",
    "\u00a0",
    "\x00",
    "\t",
    "\r",
    "\x0b",
    "\ufeff",
    "\ud7ff",
    "<!-- locked -->",
    "<!-- lockd -->",
    "<!--",
    "-->",
    "<script>",
]
MARKERS = [
    LOCKED_MARKER,
    "<!-- lockd -->",
    "<!--locked-->",
    "<!-- LOCKED -->",
    "<-- locked -->",
    "<!- locked ->",
    "<!-- note to self -->",
    "＜!-- locked --＞",
    "<!--\u200b locked -->",
    "    " + LOCKED_MARKER,
    "> " + LOCKED_MARKER,
    "- " + LOCKED_MARKER,
]
BOX_KINDS = [
    "note",
    "analogy",
    "tip",
    "definition Consolidation",
    "definition",
    "flashcards",
    "self-review",
    "warning",
    "",
]
YAML_PIECES = [
    "title: One",
    "title: 1922",
    "title: [One]",
    "title: &a One",
    "title: *a",
    "title: &a [*a]",
    "[a, b]: c",
    "{a: b}: c",
    "null: x",
    "~: x",
    "? [a]\n: b",
    "slug: one",
    "slug: Bad Slug",
    "summary: >\n  folded\n  text",
    "skip_cards: [date-x, figure-27]",
    "skip_cards: [[a]]",
    "skip_cards:\n  - a\n  - {b: c}",
    "subject: S",
    "title: !!binary aGVsbG8=",
    "title: !custom x",
    "title: '\\x00'",
    'title: "a\\nb"',
    "title: |\n  two\n  lines",
    "title: One\ntitle: Two",
    "--- \n---",
    "%YAML 1.2\n---",
    "title: [[[[[[[[",
    "a: &x 1\nb: *x",
]
STEP_PIECES = [
    "- kind: choice\n  prompt: P\n  options: [A, B]\n  answer: B",
    "- kind: choice\n  prompt: P\n  options: [[a], {b: c}]\n  answer: x",
    "- kind: choice\n  prompt: P\n  options: [A, A]\n  answer: A",
    "- kind: true-false\n  statement: S\n  answer: true",
    "- kind: true-false\n  statement: S\n  answer: maybe",
    "- kind: true-false\n  statement: [S]\n  answer: [true]",
    "- kind: fill-blank\n  text: A [blank] here.",
    "- kind: fill-blank\n  text: no blank",
    "- kind: order\n  prompt: P\n  items: [a, b, c]",
    "- kind: order\n  prompt: P\n  items: [[a], [b]]",
    "- kind: match\n  prompt: P\n  pairs: {a: 1, b: 2}",
    "- kind: match\n  prompt: P\n  pairs: {a: [1], b: {c: d}}",
    "- kind: match\n  prompt: P\n  pairs: {[a]: x, b: y}",
    "- kind: match\n  prompt: P\n  pairs: {a: x, a: y}",
    "- kind: [a]",
    "- kind: null",
    "- kind: essay",
    "- &s {kind: fill-blank, text: A [b].}\n- *s",
    "- kind: fill-blank\n  text: A [b].\n  id: [x]",
    "- kind: fill-blank\n  text: A [b].\n  explain: {a: b}",
    "- kind: fill-blank\n  text: A [b].\n  id: " + "i" * 201,
    "- just text",
    "- [nested, [list]]",
    "key: not a list",
]


def _text(scale: int) -> st.SearchStrategy[str]:
    """A run of text: words of the format, random characters, or a long repetition."""
    words = st.lists(st.sampled_from(WORDS), max_size=30).map(" ".join)
    noise = st.text(max_size=40)
    repeated = st.tuples(
        st.sampled_from(
            ["26% ", "[", "![", "*a", "a ", "E. ", "{#", " ", "-a", "<a@b.c>", "Aa. "]
        ),
        st.integers(1, scale),
    ).map(lambda p: p[0] * p[1])
    return st.one_of(words, words, noise, repeated)


@st.composite
def _box(draw: st.DrawFn, scale: int, depth: int) -> str:
    colons = ":" * draw(st.integers(3, 6))
    kind = draw(st.sampled_from(BOX_KINDS))
    inner = draw(
        st.lists(_block(scale, depth + 1), max_size=4) if depth < 3 else st.just([])
    )
    closing = draw(st.sampled_from([colons, colons, ":::", "::::", "", " :::"]))
    return f"{colons} {kind}\n" + "\n".join(inner) + f"\n{closing}\n"


def _block(scale: int, depth: int = 0) -> st.SearchStrategy[str]:
    text = _text(scale)
    heading = st.tuples(
        st.sampled_from(["# ", "## ", "### ", "#### ", ""]),
        text,
        st.sampled_from(["", " (1922)", " (March 1918)", " (1918–1920)", "\n---"]),
    ).map("".join)
    card = st.tuples(text, st.sampled_from([" :: ", "::", " : "]), text).map("".join)
    listing = st.lists(
        st.tuples(
            st.sampled_from(["- ", "1. ", "  - ", "   - ", "* ", "2) "]), text | card
        ).map("".join),
        min_size=1,
        max_size=6,
    ).map("\n".join)
    lesson = st.tuples(
        st.sampled_from(["```lesson\n", "```\n", "~~~lesson\n", "    "]),
        st.lists(st.sampled_from(STEP_PIECES), max_size=3).map("\n".join),
        st.sampled_from(["\n```", "\n~~~", ""]),
    ).map("".join)
    quote = text.map(lambda t: "> " + t)
    table = st.lists(text, min_size=1, max_size=3).map(
        lambda cells: "| a | b |\n| - | - |\n| " + " | ".join(cells) + " |"
    )
    return st.one_of(
        text,
        text,
        heading,
        listing,
        lesson,
        quote,
        table,
        st.sampled_from(MARKERS),
        st.deferred(lambda: _box(scale, depth)),
    )


@st.composite
def chapter_texts(draw: st.DrawFn, scale: int = 200) -> str:
    """The text of a chapter: front matter (or not), then blocks."""
    front = draw(
        st.one_of(
            st.just("---\ntitle: One\n---\n"),
            st.just("---\ntitle: One\n---\n"),
            st.lists(st.sampled_from(YAML_PIECES), max_size=4).map(
                lambda pieces: "---\n" + "\n".join(pieces) + "\n---\n"
            ),
            st.just(""),
            st.just("---\ntitle: Unclosed\n"),
        )
    )
    blocks = draw(st.lists(_block(scale), max_size=12))
    separator = draw(st.sampled_from(["\n\n", "\n", "\r\n\r\n", "\r\r"]))
    return front + separator.join(blocks) + draw(st.sampled_from(["\n", "", "\n\n"]))


CLEAN_WORDS = [w for w in WORDS if w.isprintable() and "<" not in w and "{#" not in w]
CLEAN_STEPS = [
    "- kind: choice\n  prompt: Pick {n}\n  options: [A, B]\n  answer: B",
    "- kind: true-false\n  statement: S {n}\n  answer: false\n  explain: Because.",
    "- kind: fill-blank\n  text: A [blank] {n}.",
    "- kind: order\n  prompt: Order {n}\n  items: [a, b, c]",
    "- kind: match\n  prompt: Match {n}\n  pairs: {{a: 1, b: 2}}\n  id: match-{n}",
]


@st.composite
def clean_chapter_texts(draw: st.DrawFn, scale: int = 200) -> str:
    """A chapter as an author would write it: valid, so that the fuzz reaches the
    cards, the gate and what import stores, not only the problems."""
    counter = iter(range(10**6))
    words = st.lists(st.sampled_from(CLEAN_WORDS), min_size=1, max_size=30).map(
        " ".join
    )
    repeated = st.tuples(
        st.sampled_from(["26% of the vote ", "a ", "E. ", "Aa. ", "-a"]),
        st.integers(1, scale),
    ).map(lambda p: p[0] * p[1])
    text = st.one_of(words, words, words, repeated)

    def unique(prefix: str) -> str:
        return f"{prefix} {next(counter)}"

    @st.composite
    def block(draw: st.DrawFn, depth: int = 0) -> str:
        kind = draw(
            st.sampled_from(
                ["text"] * 4
                + ["heading", "list", "box", "cards", "review", "lesson", "table"]
            )
        )
        if kind == "heading":
            level = draw(st.sampled_from(["## ", "### "]))
            date = draw(
                st.sampled_from(["", " (1922)", " (March 1918)", " (1918–1920)"])
            )
            return level + unique(draw(words)) + date
        if kind == "list":
            items = draw(st.lists(text, min_size=1, max_size=5))
            return "\n".join(f"- {item}" for item in items)
        if kind == "box" and depth < 2:
            kind = draw(st.sampled_from(["note", "analogy", "tip", "definition Term"]))
            colons = ":" * (4 - depth) if depth == 0 else ":::"
            inner = draw(st.lists(block(depth + 1), min_size=1, max_size=3))
            inner = [b for b in inner if not b.startswith("#")] or ["Body."]
            return f"{colons} {kind}\n" + "\n\n".join(inner) + f"\n{colons}"
        if kind == "cards":
            cards = draw(st.lists(st.tuples(words, words), min_size=1, max_size=4))
            lines = [f"- {unique(q)}? :: {a}." for q, a in cards]
            return "::: flashcards\n" + "\n".join(lines) + "\n:::"
        if kind == "review":
            questions = draw(st.lists(words, min_size=1, max_size=3))
            lines = [
                f"{i}. {unique(q)}?\n   - {q}." for i, q in enumerate(questions, 1)
            ]
            return "::: self-review\n" + "\n".join(lines) + "\n:::"
        if kind == "lesson":
            steps = draw(st.lists(st.sampled_from(CLEAN_STEPS), min_size=1, max_size=3))
            lines = [step.format(n=next(counter)) for step in steps]
            return "```lesson\n" + "\n".join(lines) + "\n```"
        if kind == "table":
            return f"| a | b |\n| - | - |\n| {draw(words)} | {draw(words)} |"
        return draw(text)

    blocks = draw(st.lists(block(), max_size=12))
    if blocks and draw(st.booleans()):
        blocks.insert(draw(st.integers(0, len(blocks))), LOCKED_MARKER)
    return "---\ntitle: Chapter\n---\n" + "\n\n".join(blocks) + "\n"


@st.composite
def _encoded(draw: st.DrawFn, text: st.SearchStrategy[str]) -> bytes:
    """Text as a file: UTF-8 mostly, else another encoding, or bytes at random."""
    value = draw(text)
    how = draw(
        st.sampled_from(
            ["utf-8"] * 8 + ["utf-8-sig", "latin-1", "utf-16", "cut", "bytes"]
        )
    )
    if how == "bytes":
        return draw(st.binary(max_size=300))
    if how == "cut":
        data = value.encode("utf-8", "surrogatepass")
        return data[: draw(st.integers(0, len(data)))]
    return value.encode(how, "replace" if how == "latin-1" else "surrogatepass")


@st.composite
def course_folders(draw: st.DrawFn, scale: int = 200) -> dict[str, bytes]:
    """A course folder as {file name: bytes}: half of them as an author would write
    it, half with anything in it."""
    if draw(st.booleans()):
        chapters = draw(st.lists(clean_chapter_texts(scale), min_size=1, max_size=3))
        files = {"course.yaml": b"title: T\nsubject: S\nsummary: A course.\n"}
        for n, text in enumerate(chapters, 1):
            files[f"{n:02}-chapter-{n}.md"] = text.encode()
        return files
    course_yaml = draw(
        st.one_of(
            st.just("title: T\nsubject: S\nsummary: A course.\n"),
            st.just("title: T\nsubject: S\nsummary: A course.\n"),
            st.lists(st.sampled_from(YAML_PIECES), max_size=5).map(
                lambda p: "subject: S\nsummary: s\n" + "\n".join(p) + "\n"
            ),
            st.text(max_size=100),
        )
    )
    files = {"course.yaml": draw(_encoded(st.just(course_yaml)))}
    if draw(st.integers(0, 9)) == 0:
        del files["course.yaml"]
    names = st.sampled_from(
        [
            "01-one.md",
            "02-two.md",
            "03-three.md",
            "README.md",
            "04-" + "x" * 190 + ".md",
        ]
    ) | st.from_regex(r"[0-9]{2}-[a-z_.-]{1,12}\.md", fullmatch=True)
    for name in draw(st.lists(names, min_size=0, max_size=3, unique=True)):
        files[name] = draw(_encoded(chapter_texts(scale)))
    return files


def describe(files: dict[str, bytes]) -> str:
    """A short description of a folder, for reports: each file's name, size and start."""
    parts = []
    for name, data in files.items():
        shown_name = name if len(name) <= 24 else name[:20] + "….md"
        head = data[:40].decode("utf-8", "backslashreplace")
        parts.append(f"{shown_name} ({len(data):,} B) {head!r}")
    return "; ".join(parts)


@dataclass
class Outcome:
    seconds: float
    problems: list[str] = field(default_factory=list)
    ok: bool = False


PROBLEM_RE = re.compile(r"^(?P<path>.+?):(?P<line>\d+): (?P<message>.+)$")


def check_folder(files: dict[str, bytes]) -> Outcome:
    """Write ``files`` to a fresh folder, check it as `revise check --cards` does, and
    assert the properties: problems as ``path:line: message`` within the file, or a
    course that the import could store. Raises AssertionError or the crash itself."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "course"
        folder.mkdir()
        for name, data in files.items():
            (folder / name).write_bytes(data)
        start = time.perf_counter()
        course, problems = parse_course(folder)
        lines = []
        if course is not None:
            lines = _as_check_cards_prints(course)
        seconds = time.perf_counter() - start
        if problems:
            assert course is None
            _assert_problems(folder, files, [str(p) for p in problems])
            return Outcome(seconds, [str(p) for p in problems])
        assert course is not None
        assert lines[-1].startswith("OK — ")
        _assert_importable(course, folder)
        return Outcome(seconds, ok=True)


def _as_check_cards_prints(course) -> list[str]:
    lines = []
    for chapter in course.chapters:
        for card in chapter.cards:
            if card.origin == "derived":
                lines.append(
                    f"{chapter.path}:{card.line}: [{derived_id(card)}] "
                    f"{card.front_text} → {card.back_text}"
                )
        filler_html(chapter.locked_shape, seed=1)
    lines.append(f"OK — {course.summary_line()}")
    return lines


def _assert_problems(folder: Path, files: dict[str, bytes], found: list[str]) -> None:
    paths = {str(folder), *(str(folder / name) for name in [*files, "course.yaml"])}
    for problem in found:
        match = PROBLEM_RE.match(problem)
        assert match, f"not path:line: message: {problem!r}"
        assert "\n" not in problem, problem
        assert match.group("path") in paths, problem
        name = Path(match.group("path")).name
        assert 1 <= int(match.group("line")) <= _line_count(files.get(name, b"")), (
            problem
        )


def _line_count(data: bytes) -> int:
    """Lines as Markdown counts them (\\n, \\r\\n, \\r) or as Python and YAML do."""
    text = data.decode("utf-8", "replace")
    return max(len(re.split(r"\r\n|\r|\n", text)), len(text.splitlines())) + 1


def _assert_importable(course, folder: Path) -> None:
    """What `revise import` needs: values that fit their columns, keys unique per kind,
    JSON data, no NUL for PostgreSQL, and no marker shown as text."""
    assert len(course.slug) <= limits.COURSE_SLUG
    assert len(course.title) <= limits.COURSE_TITLE
    assert len(course.subject) <= limits.SUBJECT
    slugs = [chapter.slug for chapter in course.chapters]
    assert len(set(slugs)) == len(slugs)
    for kind in ("cards", "questions", "steps"):
        keys = [item.key for ch in course.chapters for item in getattr(ch, kind)]
        assert len(set(keys)) == len(keys), kind
        assert all(0 < len(key) <= limits.KEY for key in keys), kind
    for chapter in course.chapters:
        assert len(chapter.slug) <= limits.CHAPTER_SLUG
        assert len(chapter.title) <= limits.CHAPTER_TITLE
        for item in [*chapter.cards, *chapter.questions]:
            assert len(item.anchor) <= limits.ANCHOR
        for step in chapter.steps:
            assert step.kind in KINDS
            json.dumps(step.data)
        json.dumps(chapter.locked_shape)
        texts = [chapter.title, chapter.summary, chapter.free_html, chapter.locked_html]
        assert not any("\x00" in t for t in texts)
        shown = "&lt;!-- locked --&gt;"
        assert shown not in chapter.free_html + chapter.locked_html
        _assert_no_misspelt_marker(chapter.path)


def _assert_no_misspelt_marker(path: Path) -> None:
    """A chapter that checks clean holds no line that looks like a misspelt marker,
    outside its front matter: the gate fails closed."""
    text = path.read_bytes().decode("utf-8-sig")
    tokens = MD.parse(text)
    start = tokens[0].map[1] if tokens and tokens[0].type == "front_matter" else 0
    for line in re.split(r"\r\n|\r|\n", text)[start:]:
        assert not misspelt_marker(line), line
