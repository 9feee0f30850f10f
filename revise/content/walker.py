"""One pass over a chapter's tokens: check the boxes, extract cards, questions, steps."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

from markdown_it.token import Token

from revise.content import limits
from revise.content.lesson import validate_steps
from revise.content.limits import length_problem, shown
from revise.content.markdown import (
    CALLOUT_LABELS,
    LOCKED_MARKER,
    MD,
    SLUG_RE,
    auto_key,
    trailing_attributes,
    trailing_id,
)
from revise.content.model import Card, Heading, Problem, Question, TextBlock
from revise.content.sources import ParagraphIndex


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


_CODE_SPAN_RE = re.compile(r"(`+)(?:(?!\1).)+?\1")


def _card_sides(text: str) -> tuple[str, str, str]:
    """A flashcard item split at its first "::" outside code: "What does `std::vector`
    hold? :: Values." is asked about `std::vector`."""
    masked = _CODE_SPAN_RE.sub(lambda m: "`" * len(m.group(0)), text)
    at = masked.find("::")
    if at < 0:
        return text, "", ""
    return text[:at], "::", text[at + 2 :]


def _plain(source: str) -> str:
    """An item's inline Markdown as plain text ("*Pravda* wrecked" → "Pravda wrecked"):
    what search, the leech message and the card rules read, as a block's text is."""
    return " ".join(_inline_text(t) for t in MD.parseInline(source))


class ChapterWalker:
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
        self.items: list[str] = []  # the anchors of the list items we are inside
        self.given_anchors: dict[str, tuple[str, int]] = {}  # key → ({@anchor}, line)

    @property
    def locked(self) -> bool:
        return self.marker_index is not None

    def error(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.path, line, message))

    def walk(self, tokens: list[Token]) -> None:
        """Check the boxes of the whole chapter, then walk it."""
        self._check_boxes(tokens)
        self._walk(tokens)
        self._link_items()

    def _link_items(self) -> None:
        """Point each authored card to the paragraph that states it and each question
        to the section that does, or to the anchor its author gave (``{@anchor}``)."""
        index = ParagraphIndex(self.blocks)
        known = {h.anchor: h.locked for h in self.headings}
        known.update({b.para: b.locked for b in self.blocks if b.para})
        cards = []
        for card in self.cards:
            anchor = self._given_anchor(card.key, card.locked, known)
            if anchor is None:
                found = index.best(
                    f"{card.front_text} {card.back_text}", locked=card.locked
                )
                anchor = found.para if found else card.anchor
            cards.append(replace(card, anchor=anchor))
        self.cards = cards
        questions = []
        for question in self.questions:
            anchor = self._given_anchor(question.key, question.locked, known)
            if anchor is None:
                text = " ".join([question.prompt_text, *question.guidance_text])
                found = index.best(text, locked=question.locked)
                anchor = found.anchor if found and found.anchor else question.anchor
            questions.append(replace(question, anchor=anchor))
        self.questions = questions

    def _given_anchor(
        self, key: str, locked: bool, known: dict[str, bool]
    ) -> str | None:
        given = self.given_anchors.get(key)
        if given is None:
            return None
        anchor, line = given
        if anchor not in known:
            self.error(
                line, f"no heading or paragraph has the anchor '{shown(anchor)}'"
            )
        elif known[anchor] and not locked:
            self.error(
                line, f"a free item cannot point into the locked part ('@{anchor}')"
            )
        return anchor

    def _check_boxes(self, tokens: list[Token]) -> None:
        """Every box, at any depth and of any kind: closed by a line of its own, and
        holding no heading (a heading inside a box is a box left open, swallowing the
        article down to a later box's closing line)."""
        open_boxes: list[Token] = []
        reported: set[int] = set()
        for token in tokens:
            if token.type == "container_box_open":
                if not token.meta.get("closed"):
                    self._unclosed(token, open_boxes[-1] if open_boxes else None)
                open_boxes.append(token)
            elif token.type == "container_box_close":
                open_boxes.pop()
            elif token.type == "heading_open" and open_boxes:
                box = open_boxes[-1]
                if id(box) not in reported:  # once per box, not once per heading
                    reported.add(id(box))
                    self.error(
                        token.map[0] + 1,
                        f"a heading cannot stand inside a box: '{_box_name(box)}' of "
                        f"line {box.map[0] + 1} is still open; close it with "
                        f"'{box.markup}' before the heading",
                    )

    def _walk(self, tokens: list[Token]) -> None:
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
                elif token.type == "list_item_open":
                    # A tight list shows no <p>: the item itself carries the anchor.
                    self.items.append(paragraph_anchor(line))
                    token.attrSet("id", self.items[-1])
                elif token.type == "list_item_close":
                    self.items.pop()
                if token.type == "heading_open" and token.attrGet("id"):
                    self._heading(token, tokens[i + 1])
                elif token.type == "paragraph_open" and tokens[i + 1].type == "inline":
                    if self.items:
                        para = self.items[-1]
                    else:
                        para = paragraph_anchor(line)
                        token.attrSet("id", para)
                    self._text_block("text", tokens[i + 1], line, para=para)
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
        message = length_problem(
            f"heading is too long: its anchor '{shown(anchor)}'", anchor, limits.ANCHOR
        )
        if message:
            self.error(token.map[0] + 1, message)
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
            self.error(line, f"unknown box '{kind or '(nothing)'}' (known: {known})")
        return end + 1

    def _unclosed(self, opening: Token, parent: Token | None) -> None:
        message = f"'{_box_name(opening)}' is never closed"
        if parent is not None and parent.map[1] == opening.map[1]:
            message += (
                f": the '{parent.markup}' on line {parent.map[1] + 1} closes "
                f"'{_box_name(parent)}' of line {parent.map[0] + 1} (to put a box "
                "inside a box, give the outer one more colons)"
            )
        self.error(opening.map[0] + 1, message)

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
            term_html = MD.renderInline(term)
            title = (
                f'<p class="callout-label">{label}</p>\n'
                f'<p class="callout-term"><dfn>{term_html}</dfn></p>\n'
            )
        para = paragraph_anchor(line)
        self.tokens.append(
            _html_block(
                f'<div class="callout callout-{kind}" role="note" id="{para}">\n{title}'
            )
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
                    para=para,
                )
            )
        outer, self.callout_kind = self.callout_kind, kind
        self._walk(inner)
        self.callout_kind = outer
        self.tokens.append(_html_block("</div>\n"))

    def _item_key(
        self, raw: str, line: int, *, kind: str, ident: str | None = None
    ) -> tuple[str, str, bool]:
        """The identity of an item: its ``ident``, else a trailing ``{#id}`` in ``raw``,
        else a key made from its chapter and text. Returns (text, key, explicit)."""
        anchor = None
        found = trailing_attributes(raw) if ident is None else None
        if found:
            end, ident, anchor = found
            raw = raw[:end]
        else:
            old = trailing_id(raw) if ident is None else None
            if old:
                end, ident = old
                raw = raw[:end]
        if ident is not None:
            ident = ident.strip()
        if ident is not None:
            message = length_problem(f"id '{shown(ident)}'", ident, limits.KEY)
            if message:
                self.error(line, message)
            elif not SLUG_RE.match(ident):
                self.error(
                    line,
                    f"id '{ident}' must be lower-case letters, digits and hyphens",
                )
            if anchor:
                self.given_anchors[ident] = (anchor, line)
            return raw.strip(), ident, True
        text = raw.strip()
        key = auto_key(self.slug, f"{kind}:{text}")
        if anchor:
            self.given_anchors[key] = (anchor, line)
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
        stray = _stray(inner, level, "bullet_list_open")
        if stray or not items:
            where = stray[0].map[0] + 1 if stray and stray[0].map else line
            self.error(
                where, "a flashcards box holds a list of '- question :: answer' items"
            )
        for item in items:
            text, key, explicit = self._item_key(item.text, item.line, kind="card")
            front, sep, back = _card_sides(text)
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
                    front_html=MD.renderInline(front),
                    back_html=MD.renderInline(back),
                    front_text=_plain(front),
                    back_text=_plain(back),
                    anchor=self.anchor,
                    locked=self.locked,
                    line=item.line,
                )
            )

    def _self_review(self, inner: list[Token], line: int, level: int) -> None:
        items = _list_items(inner, level=level, ordered=True)
        stray = _stray(inner, level, "ordered_list_open")
        if stray or not items:
            where = stray[0].map[0] + 1 if stray and items and stray[0].map else line
            self.error(where, "a self-review box holds a numbered list of questions")
            return
        rendered = []
        for item in items:
            text, key, explicit = self._item_key(item.text, item.line, kind="question")
            if not text:
                self.error(item.line, "a self-review question is empty")
                continue
            prompt_html = MD.renderInline(text)
            self.questions.append(
                Question(
                    key=key,
                    explicit_id=explicit,
                    prompt_html=prompt_html,
                    prompt_text=_plain(text),
                    guidance_html=tuple(MD.renderInline(g.text) for g in item.nested),
                    guidance_text=tuple(_plain(g.text) for g in item.nested),
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


def paragraph_anchor(line: int) -> str:
    """The id of the paragraph, list item or box starting on ``line`` of the chapter,
    which a made card or a cheatsheet entry links to (``#p42``). Heading anchors are
    words, so they never take this form."""
    return f"p{line}"


def _stray(inner: list[Token], level: int, list_open: str) -> list[Token]:
    """What stands in a box beside its list; headings are reported on their own."""
    return [
        t
        for t in inner
        if t.level == level
        and t.nesting >= 0
        and t.type not in (list_open, "heading_open")
    ]


def _box_name(opening: Token) -> str:
    return shown(f"{opening.markup} {opening.info.strip()}")


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
