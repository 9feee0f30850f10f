"""Parse a course folder (``course.yaml`` plus one Markdown file per chapter).

The format is documented for authors in ``docs/authoring.md``. Parsing never stops at the
first mistake: every problem is collected as a :class:`Problem` with its file and line, so
that ``revise check`` can report them all at once.
"""

from __future__ import annotations

import hashlib
import re
import string
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from revise.content.derive import derive_cards, derived_id
from revise.content.filler import shape_of
from revise.content.lesson import validate_steps
from revise.content.model import (
    Card,
    Chapter,
    Course,
    Heading,
    Problem,
    Question,
    TextBlock,
    yaml_error_problem,
)
from revise.content.yamltext import compose, plain

MAX_FILE_BYTES = 1024 * 1024
CALLOUT_LABELS = {
    "note": "Note",
    "analogy": "Analogy",
    "definition": "Definition",
    "tip": "Tip",
}
LOCKED_MARKER = "<!-- locked -->"
COURSE_FIELDS = {"title", "subject", "summary", "slug"}
CHAPTER_FIELDS = {"title", "slug", "summary", "skip_cards"}
CHAPTER_LISTS = {"skip_cards"}
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
TRAILING_ID_RE = re.compile(r"\s*\{#([^}]*)\}\s*$")
CLOSING_RE = re.compile(r"^\s*(:{3,})\s*$")


def make_markdown() -> MarkdownIt:
    """The one Markdown configuration: CommonMark and tables, raw HTML shown as text."""
    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    md.use(front_matter_plugin)
    md.use(container_plugin, name="box", validate=lambda params, markup: True)
    md.use(anchors_plugin, min_level=2, max_level=3)
    return md


_MD = make_markdown()


def normalize_text(text: str) -> str:
    """Text as compared for identity: no case, punctuation or extra spaces."""
    typographic = "\u201c\u201d\u2018\u2019\u2013\u2014\u2026"  # quotes, dashes, …
    table = str.maketrans(dict.fromkeys(string.punctuation + typographic, " "))
    return " ".join(text.casefold().translate(table).split())


def auto_key(chapter_slug: str, text: str) -> str:
    digest = hashlib.sha1(
        normalize_text(text).encode(), usedforsecurity=False
    ).hexdigest()[:16]
    return f"{chapter_slug}/{digest}"


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
    return text


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
    problems: list[Problem] = []
    folder = Path(folder)
    meta_path = folder / "course.yaml"
    if not folder.is_dir():
        return None, [Problem(folder, 1, "not a folder")]
    course = None
    if not meta_path.is_file():
        problems.append(Problem(meta_path, 1, "course.yaml is missing"))
    else:
        course = _parse_course_meta(folder, meta_path, problems)

    chapter_paths = sorted(
        p for p in folder.glob("*.md") if p.is_file() and p.name.lower() != "readme.md"
    )
    if not chapter_paths:
        problems.append(
            Problem(meta_path, 1, "the course has no chapters (*.md files)")
        )
    chapters: list[Chapter] = []
    seen_slugs: dict[str, Path] = {}
    seen_ids: dict[str, tuple[Path, int]] = {}
    for path in chapter_paths:
        chapter = parse_chapter(path, problems)
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
    slug = meta.get("slug") or folder.resolve().name
    if not SLUG_RE.match(slug):
        problems.append(
            Problem(
                path,
                lines.get("slug", 1),
                f"slug '{slug}' must be lower-case letters, digits and hyphens",
            )
        )
    if missing:
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


def parse_chapter(path: Path, problems: list[Problem]) -> Chapter | None:
    """Parse one chapter file; returns None (with problems reported) when it is invalid."""
    text = read_source(path, problems)
    if text is None:
        return None
    before = len(problems)
    tokens = _MD.parse(text, {})
    lines = text.splitlines()

    meta: dict[str, Any] = {}
    meta_lines: dict[str, int] = {}
    if tokens and tokens[0].type == "front_matter":
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
    if not meta.get("title"):
        problems.append(
            Problem(
                path,
                1,
                "chapter has no title: start the file with front matter "
                "(---, title: …, ---)",
            )
        )
    slug = meta.get("slug") or _default_slug(path)
    if not SLUG_RE.match(slug):
        problems.append(
            Problem(
                path,
                meta_lines.get("slug", 1),
                f"slug '{slug}' must be lower-case letters, digits and hyphens",
            )
        )

    walker = _ChapterWalker(path=path, slug=slug, lines=lines, problems=problems)
    walker.walk(tokens)
    if len(problems) > before:
        return None  # a broken chapter's derived cards would only add noise
    derived = _derived_cards(
        path=path,
        slug=slug,
        walker=walker,
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
    free_html = _MD.renderer.render(free, _MD.options, env)
    locked_html = _MD.renderer.render(locked, _MD.options, env)
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
        questions=walker.questions,
        steps=walker.steps,
        callouts=walker.callouts,
        free_words=_word_count(free),
        locked_words=_word_count(locked),
        source_hash=hashlib.sha256(text.encode()).hexdigest(),
    )


def _derived_cards(
    *,
    path: Path,
    slug: str,
    walker: _ChapterWalker,
    skip: list[str],
    skip_lines: dict[str, int],
    problems: list[Problem],
) -> list[Card]:
    """The cards derived from the notes, less those named in ``skip_cards`` and those
    whose question the author already wrote; an unknown name in ``skip_cards`` is
    reported."""
    derived = derive_cards(chapter_slug=slug, blocks=walker.blocks)
    known = {derived_id(card) for card in derived}
    for i, ident in enumerate(skip):
        if ident and ident not in known:
            line = skip_lines.get(f"skip_cards[{i}]", skip_lines.get("skip_cards", 1))
            problems.append(
                Problem(path, line, f"skip_cards names no derived card '{ident}'")
            )
    authored = {normalize_text(card.front_text) for card in walker.cards}
    return [
        card
        for card in derived
        if derived_id(card) not in skip
        and normalize_text(card.front_text) not in authored
    ]


def _word_count(tokens: list[Token]) -> int:
    return sum(len(t.content.split()) for t in tokens if t.type in ("inline", "fence"))


def _html_block(html: str) -> Token:
    token = Token("html_block", "", 0)
    token.content = html
    return token


def _inline_text(token: Token) -> str:
    """The plain text of an inline token: markup dropped, line breaks as spaces."""
    parts = []
    for child in token.children or []:
        if child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        else:
            parts.append(child.content)
    return " ".join("".join(parts).split())


class _ChapterWalker:
    """Walks a chapter's tokens once: checks boxes, extracts cards, questions, steps."""

    def __init__(
        self, *, path: Path, slug: str, lines: list[str], problems: list[Problem]
    ) -> None:
        self.path = path
        self.slug = slug
        self.lines = lines
        self.problems = problems
        self.tokens: list[Token] = []
        self.marker_index: int | None = None
        self.headings: list[Heading] = []
        self.cards: list[Card] = []
        self.questions: list[Question] = []
        self.steps: list = []
        self.callouts = 0
        self.anchor = ""
        self.auto_keys: dict[str, int] = {}
        self.blocks: list[TextBlock] = []
        self.callout_kind = ""
        self.list_depth = 0

    @property
    def locked(self) -> bool:
        return self.marker_index is not None

    def error(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.path, line, message))

    def walk(self, tokens: list[Token]) -> None:
        i = 0
        while i < len(tokens):
            token = tokens[i]
            line = token.map[0] + 1 if token.map else 1
            if token.type == "container_box_open":
                i = self._box(tokens, i)
                continue
            if token.type == "fence" and token.info.strip() == "lesson":
                self._lesson(token, line)
            elif token.type == "paragraph_open" and self._is_marker(tokens[i + 1]):
                if token.level != 0:
                    self.error(
                        line, f"'{LOCKED_MARKER}' must stand outside any box or list"
                    )
                elif self.locked:
                    self.error(
                        line, f"'{LOCKED_MARKER}' may appear only once per chapter"
                    )
                else:
                    self.marker_index = len(self.tokens)
                    self.tokens.append(_html_block(""))
                i += 3
                continue
            else:
                if token.type in ("bullet_list_open", "ordered_list_open"):
                    self.list_depth += 1
                elif token.type in ("bullet_list_close", "ordered_list_close"):
                    self.list_depth -= 1
                if token.type == "heading_open" and token.attrGet("id"):
                    self._heading(token, tokens[i + 1])
                elif token.type == "paragraph_open" and tokens[i + 1].type == "inline":
                    self._text_block("text", tokens[i + 1], line)
                self.tokens.append(token)
            i += 1

    def _text_block(self, kind: str, inline: Token, line: int, **extra: object) -> None:
        text = _inline_text(inline)
        if text:
            self.blocks.append(
                TextBlock(
                    kind=kind,
                    text=text,
                    anchor=self.anchor,
                    locked=self.locked,
                    line=line,
                    callout=self.callout_kind,
                    item=self.list_depth > 0,
                    **extra,
                )
            )

    @staticmethod
    def _is_marker(inline: Token) -> bool:
        return inline.type == "inline" and inline.content.strip() == LOCKED_MARKER

    def _heading(self, token: Token, inline: Token) -> None:
        anchor = str(token.attrGet("id"))
        self.anchor = anchor
        level = int(token.tag[1])
        self._text_block("heading", inline, token.map[0] + 1, level=level)
        self.headings.append(
            Heading(
                anchor=anchor,
                title=_inline_text(inline).strip(),
                level=int(token.tag[1]),
                locked=self.locked,
            )
        )

    def _box(self, tokens: list[Token], start: int) -> int:
        """Handle a ``:::`` box starting at ``start``; returns the index after it."""
        opening = tokens[start]
        end = self._matching_close(tokens, start)
        line = opening.map[0] + 1
        closing_line = opening.map[1]
        closed = closing_line < len(self.lines) and (
            (m := CLOSING_RE.match(self.lines[closing_line]))
            and len(m.group(1)) >= len(opening.markup)
        )
        if not closed:
            self.error(
                line, f"'{opening.markup} {opening.info.strip()}' is never closed"
            )
        kind, _, rest = opening.info.strip().partition(" ")
        inner = tokens[start + 1 : end]
        if kind in CALLOUT_LABELS:
            self._callout(kind, rest.strip(), line, inner)
        elif kind == "flashcards":
            self._flashcards(inner, line, opening.level + 1)
        elif kind == "self-review":
            self._self_review(inner, line, opening.level + 1)
        else:
            known = ", ".join([*CALLOUT_LABELS, "flashcards", "self-review"])
            shown = kind or "(nothing)"
            self.error(line, f"unknown box '{shown}' (known: {known})")
        return end + 1

    @staticmethod
    def _matching_close(tokens: list[Token], start: int) -> int:
        level = tokens[start].level
        for j in range(start + 1, len(tokens)):
            if tokens[j].type == "container_box_close" and tokens[j].level == level:
                return j
        return len(tokens) - 1

    def _callout(self, kind: str, term: str, line: int, inner: list[Token]) -> None:
        self.callouts += 1
        label = CALLOUT_LABELS[kind]
        if kind == "definition" and not term:
            self.error(line, "a definition needs its term: '::: definition Term'")
        title = f'<p class="callout-label">{label}</p>\n'
        if kind == "definition":
            term_html = _MD.renderInline(term)
            title = (
                f'<p class="callout-label">{label}</p>\n'
                f'<p class="callout-term"><dfn>{term_html}</dfn></p>\n'
            )
        self.tokens.append(
            _html_block(f'<div class="callout callout-{kind}" role="note">\n{title}')
        )
        if kind == "definition" and term:
            body = " ".join(_inline_text(t) for t in inner if t.type == "inline")
            self.blocks.append(
                TextBlock(
                    kind="definition",
                    text=body,
                    anchor=self.anchor,
                    locked=self.locked,
                    line=line,
                    term=term,
                    callout=kind,
                )
            )
        outer, self.callout_kind = self.callout_kind, kind
        self.walk(inner)
        self.callout_kind = outer
        self.tokens.append(_html_block("</div>\n"))

    def _item_key(
        self, raw: str, line: int, *, kind: str, ident: str | None = None
    ) -> tuple[str, str, bool]:
        """The identity of an item: its ``ident``, else a trailing ``{#id}`` in ``raw``,
        else a key made from its chapter and text. Returns (text, key, explicit)."""
        match = TRAILING_ID_RE.search(raw) if ident is None else None
        if match:
            raw = raw[: match.start()]
            ident = match.group(1).strip()
        if ident is not None:
            if not SLUG_RE.match(ident):
                self.error(
                    line,
                    f"id '{ident}' must be lower-case letters, digits and hyphens",
                )
            return raw.strip(), ident, True
        text = raw.strip()
        key = auto_key(self.slug, f"{kind}:{text}")
        if key in self.auto_keys:
            self.error(
                line,
                f"duplicate {kind}: same text as line {self.auto_keys[key]} "
                "(give one of them an {#id})",
            )
        self.auto_keys.setdefault(key, line)
        return text, key, False

    def _flashcards(self, inner: list[Token], line: int, level: int) -> None:
        items = _list_items(inner, level=level, ordered=False)
        stray = [
            t
            for t in inner
            if t.level == level and t.nesting >= 0 and t.type != "bullet_list_open"
        ]
        if stray or not items:
            where = stray[0].map[0] + 1 if stray and stray[0].map else line
            self.error(
                where, "a flashcards box holds a list of '- question :: answer' items"
            )
        for item in items:
            text, key, explicit = self._item_key(item.text, item.line, kind="card")
            front, sep, back = text.partition("::")
            if not sep:
                self.error(
                    item.line, "a flashcard needs '::' between question and answer"
                )
                continue
            front, back = front.strip(), back.strip()
            if not front or not back:
                side = "question" if not front else "answer"
                self.error(item.line, f"a flashcard has an empty {side}")
                continue
            self.cards.append(
                Card(
                    key=key,
                    explicit_id=explicit,
                    front_html=_MD.renderInline(front),
                    back_html=_MD.renderInline(back),
                    front_text=front,
                    back_text=back,
                    anchor=self.anchor,
                    locked=self.locked,
                    line=item.line,
                )
            )

    def _self_review(self, inner: list[Token], line: int, level: int) -> None:
        items = _list_items(inner, level=level, ordered=True)
        if not items:
            self.error(line, "a self-review box holds a numbered list of questions")
            return
        rendered = []
        for item in items:
            text, key, explicit = self._item_key(item.text, item.line, kind="question")
            if not text:
                self.error(item.line, "a self-review question is empty")
                continue
            prompt_html = _MD.renderInline(text)
            self.questions.append(
                Question(
                    key=key,
                    explicit_id=explicit,
                    prompt_html=prompt_html,
                    prompt_text=text,
                    guidance_html=tuple(_MD.renderInline(g.text) for g in item.nested),
                    anchor=self.anchor,
                    locked=self.locked,
                    line=item.line,
                )
            )
            rendered.append(f"<li>{prompt_html}</li>\n")
        self.tokens.append(
            _html_block('<ol class="self-review">\n' + "".join(rendered) + "</ol>\n")
        )

    def _lesson(self, fence: Token, line: int) -> None:
        for step in validate_steps(
            fence.content,
            path=self.path,
            first_line=line + 1,
            problems=self.problems,
            locked=self.locked,
            key_for=self._item_key,
        ):
            self.steps.append(step)


def _list_items(tokens: list[Token], *, level: int, ordered: bool) -> list[ListItem]:
    """The items of the lists standing at ``level`` in ``tokens``, with nested lists."""
    list_type = "ordered_list_open" if ordered else "bullet_list_open"
    items: list[ListItem] = []
    inside = False
    for i, token in enumerate(tokens):
        if token.level == level and token.type.endswith("_list_open"):
            inside = token.type == list_type
        elif inside and token.type == "list_item_open" and token.level == level + 1:
            end = next(
                j
                for j in range(i + 1, len(tokens))
                if tokens[j].type == "list_item_close" and tokens[j].level == level + 1
            )
            body = tokens[i + 1 : end]
            text = " ".join(
                t.content for t in body if t.type == "inline" and t.level == level + 3
            )
            nested = _list_items(body, level=level + 2, ordered=False)
            items.append(ListItem(token.map[0] + 1 if token.map else 1, text, nested))
    return items


@dataclass
class ListItem:
    line: int
    text: str
    nested: list[ListItem]
