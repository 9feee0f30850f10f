"""Parse a course folder (``course.yaml`` plus one Markdown file per chapter).

The format is documented for authors in ``docs/authoring.md``. Parsing never stops at the
first mistake: every problem is collected as a :class:`Problem` with its file and line, so
that ``revise check`` can report them all at once.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import yaml
from markdown_it.token import Token

from revise.content import limits
from revise.content.derive import Dropped, derive_cards, derived_id
from revise.content.facts import extract_facts
from revise.content.filler import shape_of
from revise.content.limits import MAX_FILE_BYTES, MAX_LINES, length_problem, shown
from revise.content.markdown import MD, SLUG_RE, auto_key, normalize_text, parse
from revise.content.marker import marker_problems
from revise.content.model import (
    Card,
    Chapter,
    Course,
    Fact,
    Problem,
    yaml_error_problem,
)
from revise.content.walker import ChapterWalker
from revise.content.yamltext import compose, plain

COURSE_FIELDS = {"title", "subject", "summary", "slug"}
CHAPTER_FIELDS = {"title", "slug", "summary", "skip_cards"}
CHAPTER_LISTS = {"skip_cards"}
# Course pages whose address would hide a chapter of that slug (/courses/<c>/cheatsheet/).
RESERVED_CHAPTER_SLUGS = {"cheatsheet"}

__all__ = [
    "MAX_FILE_BYTES",
    "auto_key",
    "chapter_paths",
    "course_slug",
    "normalize_text",
    "parse_chapter",
    "parse_course",
    "skipped_chapter_files",
]


def read_source(path: Path, problems: list[Problem]) -> str | None:
    """The file's text, or None with a problem reported (too large, empty, not UTF-8)."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            problems.append(
                Problem(
                    path, 1, f"file is {size:,} bytes; the limit is 1 MiB (1,048,576)"
                )
            )
            return None
        raw = path.read_bytes()
    except OSError as exc:
        problems.append(Problem(path, 1, f"cannot read file: {exc.strerror}"))
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        problems.append(
            Problem(path, line, f"file is not UTF-8 text (byte 0x{raw[exc.start]:02x})")
        )
        return None
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        problems.append(Problem(path, 1, "file is empty"))
        return None
    nul = text.find("\x00")
    if nul >= 0:
        line = text.count("\n", 0, nul) + 1
        problems.append(
            Problem(path, line, "file holds a NUL character (byte 0x00): not text")
        )
        return None
    return text


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Parsing builds many objects and frees few; without this, Python's cyclic garbage
    collector walks them again and again, and a large file takes several times longer.
    Parsing makes no garbage cycles worth collecting before it ends."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def load_yaml_mapping(
    text: str,
    *,
    path: Path,
    first_line: int,
    allowed: set[str],
    problems: list[Problem],
    lists: set[str] | frozenset[str] = frozenset(),
) -> tuple[dict[str, Any], dict[str, int]] | None:
    """Parse YAML that must be a mapping; returns it with each key's line number.

    Every field is text, except those named in ``lists``: a list of texts (or one text),
    returned as a list; the line of its item ``i`` is under ``"field[i]"``.
    """
    try:
        node = compose(text)
        data = plain(node)
    except yaml.YAMLError as exc:
        problems.append(
            yaml_error_problem(
                exc, text=text, path=path, first_line=first_line, what=""
            )
        )
        return None
    if data is None:
        return {}, {}
    if not isinstance(data, dict) or not isinstance(node, yaml.MappingNode):
        problems.append(Problem(path, first_line, "expected YAML fields (key: value)"))
        return None
    lines = {str(k.value): first_line + k.start_mark.line for k, _ in node.value}
    for k, v in node.value:
        if str(k.value) in lists and isinstance(v, yaml.SequenceNode):
            for i, item in enumerate(v.value):
                lines[f"{k.value}[{i}]"] = first_line + item.start_mark.line
    ok = True
    for key in data:
        if str(key) not in allowed:
            expected = ", ".join(sorted(allowed))
            problems.append(
                Problem(
                    path,
                    lines[str(key)],
                    f"unknown field '{key}' (allowed: {expected})",
                )
            )
            ok = False
    clean: dict[str, Any] = {}
    for key, value in data.items():
        if value is None:
            continue
        if str(key) in lists:
            items = [value] if isinstance(value, str) else value
            if not isinstance(items, list) or not all(
                isinstance(i, str) for i in items
            ):
                problems.append(
                    Problem(
                        path, lines[str(key)], f"field '{key}' must be a list of texts"
                    )
                )
                ok = False
                continue
            clean[str(key)] = [i.strip() for i in items]
        elif not isinstance(value, str):
            problems.append(
                Problem(path, lines[str(key)], f"field '{key}' must be text")
            )
            ok = False
        else:
            clean[str(key)] = value.strip()
    if not ok:
        return None
    return clean, lines


def parse_course(folder: Path) -> tuple[Course | None, list[Problem]]:
    """Parse a whole course folder; the course is None when any problem was found."""
    with _collector_paused():
        return _parse_course(folder)


def _parse_course(folder: Path) -> tuple[Course | None, list[Problem]]:
    problems: list[Problem] = []
    folder = Path(folder)
    meta_path = folder / "course.yaml"
    if not folder.is_dir():
        what = "not a folder" if folder.exists() else "no such folder"
        return None, [Problem(folder, 1, what)]
    course = None
    if not meta_path.is_file():
        problems.append(Problem(meta_path, 1, "course.yaml is missing"))
    else:
        course = _parse_course_meta(folder, meta_path, problems)

    paths = chapter_paths(folder)
    problems.extend(skipped_chapter_files(folder))
    if not paths:
        problems.append(
            Problem(meta_path, 1, "the course has no chapters (*.md files)")
        )
    chapters: list[Chapter] = []
    seen_slugs: dict[str, Path] = {}
    seen_ids: dict[str, tuple[Path, int]] = {}
    for path in paths:
        subject = course.subject if course is not None else ""
        chapter = parse_chapter(path, problems, subject=subject)
        if chapter is None:
            continue
        if chapter.slug in seen_slugs:
            problems.append(
                Problem(
                    path,
                    1,
                    f"duplicate chapter slug '{chapter.slug}' "
                    f"(also used by {seen_slugs[chapter.slug].name})",
                )
            )
        seen_slugs.setdefault(chapter.slug, path)
        for key, line in _explicit_ids(chapter):
            if key in seen_ids:
                first_path, first_line = seen_ids[key]
                problems.append(
                    Problem(
                        path,
                        line,
                        f"duplicate id '{key}' (first used at {first_path}:{first_line})",
                    )
                )
            else:
                seen_ids[key] = (path, line)
        chapters.append(chapter)
    if problems or course is None:
        return None, problems
    course.chapters = chapters
    return course, problems


def chapter_paths(folder: Path) -> list[Path]:
    """The course's chapter files in course order (by name; a README is not one)."""
    return sorted(
        p for p in folder.glob("*.md") if p.is_file() and p.name.lower() != "readme.md"
    )


def skipped_chapter_files(folder: Path) -> Iterator[Problem]:
    """What looks like a chapter but would be skipped: "03-nep.MD", or a "04-x.md"
    that is a folder, a broken link or anything else but a file."""
    for path in sorted(folder.iterdir()):
        if path.suffix.lower() != ".md" or path.name.lower() == "readme.md":
            continue
        if path.suffix != ".md":
            yield Problem(path, 1, "a chapter's file name ends in '.md' (lower case)")
        elif not path.is_file():
            yield Problem(path, 1, "not a file: a chapter is a Markdown file")


def course_slug(folder: Path) -> str | None:
    """The course's slug from ``course.yaml`` alone; None if that file has a problem
    (the full parse reports it)."""
    meta_path = Path(folder) / "course.yaml"
    if not meta_path.is_file():
        return None
    problems: list[Problem] = []
    course = _parse_course_meta(Path(folder), meta_path, problems)
    return None if course is None or problems else course.slug


def _explicit_ids(chapter: Chapter) -> Iterator[tuple[str, int]]:
    for item in [*chapter.cards, *chapter.questions, *chapter.steps]:
        if item.explicit_id:
            yield item.key, item.line


def _parse_course_meta(
    folder: Path, path: Path, problems: list[Problem]
) -> Course | None:
    text = read_source(path, problems)
    if text is None:
        return None
    parsed = load_yaml_mapping(
        text, path=path, first_line=1, allowed=COURSE_FIELDS, problems=problems
    )
    if parsed is None:
        return None
    meta, lines = parsed
    missing = [f for f in ("title", "subject", "summary") if not meta.get(f)]
    for name in missing:
        problems.append(Problem(path, 1, f"course.yaml needs a '{name}'"))
    too_long = False
    for name, limit in (("title", limits.COURSE_TITLE), ("subject", limits.SUBJECT)):
        message = length_problem(name, meta.get(name, ""), limit)
        if message:
            problems.append(Problem(path, lines.get(name, 1), message))
            too_long = True
    slug = meta.get("slug") or folder.resolve().name
    what = (
        "slug" if meta.get("slug") else f"the folder's name '{shown(slug)}', the slug,"
    )
    message = length_problem(what, slug, limits.COURSE_SLUG)
    if message:
        hint = "" if meta.get("slug") else ": give a shorter 'slug' in course.yaml"
        problems.append(Problem(path, lines.get("slug", 1), message + hint))
        return None
    if not SLUG_RE.match(slug):
        problems.append(
            Problem(
                path,
                lines.get("slug", 1),
                f"slug '{slug}' must be lower-case letters, digits and hyphens",
            )
        )
    if missing or too_long:
        return None
    return Course(
        path=folder,
        slug=slug,
        title=meta["title"],
        subject=meta["subject"],
        summary=meta["summary"],
    )


def _default_slug(path: Path) -> str:
    stem = re.sub(r"^\d+[-_. ]*", "", path.stem) or path.stem
    return re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")


def parse_chapter(
    path: Path, problems: list[Problem], *, subject: str = ""
) -> Chapter | None:
    """Parse one chapter file; returns None (with problems reported) when it is invalid.

    ``subject`` is the course's subject, which says whose views the notes report
    (History: historians). The chapter's problems are reported in the order of their
    lines."""
    before = len(problems)
    chapter = _parse_chapter(path, problems, subject)
    problems[before:] = sorted(problems[before:], key=lambda p: p.line)
    return chapter


def _parse_chapter(path: Path, problems: list[Problem], subject: str) -> Chapter | None:
    text = read_source(path, problems)
    if text is None:
        return None
    # Lines as Markdown counts them: "\r\n", "\r" and "\n" each end one.
    breaks = text.count("\n") + text.count("\r") - text.count("\r\n")
    count = breaks + (not text.endswith(("\n", "\r")))
    if count > MAX_LINES:
        problems.append(
            Problem(
                path,
                1,
                f"file has {count:,} lines; the limit is {MAX_LINES:,}: "
                "split the chapter",
            )
        )
        return None
    before = len(problems)
    tokens, structure = parse(text)
    lines = text.splitlines()

    meta: dict[str, Any] = {}
    meta_lines: dict[str, int] = {}
    fronted = bool(tokens) and tokens[0].type == "front_matter"
    if fronted:
        parsed = load_yaml_mapping(
            tokens[0].content,
            path=path,
            first_line=2,
            allowed=CHAPTER_FIELDS,
            problems=problems,
            lists=CHAPTER_LISTS,
        )
        if parsed is not None:
            meta, meta_lines = parsed
        else:
            meta = {"title": "?"}  # reported already; don't also report a missing title
        tokens = tokens[1:]
    if "title" in meta_lines and not meta.get("title"):
        problems.append(Problem(path, meta_lines["title"], "the title is empty"))
    elif not meta.get("title"):
        unclosed = not fronted and bool(lines) and lines[0].strip() == "---"
        problems.append(
            Problem(
                path,
                1,
                "the front matter is not closed: end it with a line '---'"
                if unclosed
                else "chapter has no title: start the file with front matter "
                "(---, title: …, ---)",
            )
        )
    message = length_problem("title", meta.get("title", ""), limits.CHAPTER_TITLE)
    if message:
        problems.append(Problem(path, meta_lines.get("title", 1), message))
    slug = meta.get("slug") or _default_slug(path)
    message = length_problem(
        f"slug '{shown(slug)}'", slug, limits.CHAPTER_SLUG_FOR_KEYS
    )
    if message:
        problems.append(
            Problem(
                path,
                meta_lines.get("slug", 1),
                f"{message} (its cards' keys need the rest of {limits.KEY})",
            )
        )
    elif not SLUG_RE.match(slug):
        problems.append(
            Problem(
                path,
                meta_lines.get("slug", 1),
                f"slug '{slug}' must be lower-case letters, digits and hyphens",
            )
        )
    elif slug in RESERVED_CHAPTER_SLUGS:
        problems.append(
            Problem(
                path,
                meta_lines.get("slug", 1),
                f"slug '{slug}' is taken by a page of the course; choose another",
            )
        )
    for line, message in structure:
        problems.append(Problem(path, line, message))
    if structure:
        return None  # the text was not parsed: nothing more to check
    for line, message in marker_problems(tokens):
        problems.append(Problem(path, line, message))

    walker = ChapterWalker(path=path, slug=slug, lines=lines, problems=problems)
    walker.walk(tokens)
    if len(problems) > before:
        return None  # a broken chapter's derived cards would only add noise
    facts = extract_facts(walker.blocks, subject=subject)
    derived, dropped = _derived_cards(
        path=path,
        slug=slug,
        walker=walker,
        facts=facts,
        skip=meta.get("skip_cards", []),
        skip_lines=meta_lines,
        problems=problems,
    )
    if len(problems) > before:
        return None

    env: dict[str, Any] = {}
    marker = walker.marker_index
    free = walker.tokens if marker is None else walker.tokens[:marker]
    locked = [] if marker is None else walker.tokens[marker + 1 :]
    free_html = MD.renderer.render(free, MD.options, env)
    locked_html = MD.renderer.render(locked, MD.options, env)
    return Chapter(
        path=path,
        slug=slug,
        title=meta["title"],
        summary=meta.get("summary", ""),
        free_html=free_html,
        locked_html=locked_html,
        locked_shape=shape_of(locked_html),
        headings=walker.headings,
        blocks=walker.blocks,
        cards=[*walker.cards, *derived],
        facts=facts,
        dropped=dropped,
        questions=walker.questions,
        steps=walker.steps,
        callouts=walker.callouts,
        free_words=_word_count(free),
        locked_words=_word_count(locked),
    )


def _derived_cards(
    *,
    path: Path,
    slug: str,
    walker: ChapterWalker,
    facts: list[Fact],
    skip: list[str],
    skip_lines: dict[str, int],
    problems: list[Problem],
) -> tuple[list[Card], list[Dropped]]:
    """The cards made from the facts, less those named in ``skip_cards``, and those
    dropped as repeats of authored cards; an unknown name in ``skip_cards`` is
    reported."""
    vocabulary = {
        word
        for block in walker.blocks
        for word in re.findall(r"\b[a-z][a-z'-]*\b", block.text)
    }
    derived, dropped = derive_cards(
        chapter_slug=slug, facts=facts, authored=walker.cards, vocabulary=vocabulary
    )
    known = {derived_id(card) for card in derived}
    known |= {derived_id(d.card) for d in dropped}
    for i, ident in enumerate(skip):
        if ident and ident not in known:
            line = skip_lines.get(f"skip_cards[{i}]", skip_lines.get("skip_cards", 1))
            problems.append(
                Problem(path, line, f"skip_cards names no derived card '{ident}'")
            )
    skipped = set(skip)
    return [card for card in derived if derived_id(card) not in skipped], dropped


def _word_count(tokens: list[Token]) -> int:
    return sum(len(t.content.split()) for t in tokens if t.type in ("inline", "fence"))
