"""Plain data describing a course folder, as parsed; no Django here."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

import yaml

from revise.content.yamltext import YAMLRefused


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a course folder, reported as ``path:line: message``."""

    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        # One problem, one line: a message that quotes the author's text keeps it so.
        message = " ".join(self.message.splitlines())
        return f"{self.path}:{self.line}: {message}"


def yaml_error_problem(
    exc: Exception, *, text: str, path: Path, first_line: int, what: str
) -> Problem:
    """A YAML error as a problem on the line of the mistake (never past the text)."""
    mark = getattr(exc, "problem_mark", None)
    last = max(0, len(text.splitlines()) - 1)
    line = first_line + min(mark.line if mark else 0, last)
    reason = getattr(exc, "problem", None) or str(exc)
    if isinstance(exc, yaml.reader.ReaderError):  # a character YAML does not allow
        line = first_line + text.count("\n", 0, max(exc.position, 0))
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        reason = f"character U+{code:04X} is not allowed ({exc.reason})"
    if isinstance(exc, YAMLRefused):
        return Problem(path, line, f"{reason}{f' ({what.strip()})' if what else ''}")
    return Problem(path, line, f"malformed YAML{what}: {reason}")


@dataclass(frozen=True)
class Heading:
    anchor: str
    title: str
    level: int
    locked: bool


@dataclass(frozen=True)
class TextBlock:
    """A piece of the article as plain text, for deriving cards.

    ``kind`` is "heading", "text" (a paragraph or list item) or "definition" (``term``
    holds the term). ``callout`` names the box the block stands in, if any; ``item`` is
    true for a paragraph of a list item. ``anchor`` is the anchor of the heading above
    it; ``para`` the id of the paragraph (or list item, or box) in the page.
    """

    kind: str
    text: str
    anchor: str
    locked: bool
    line: int
    level: int = 0
    term: str = ""
    callout: str = ""
    item: bool = False
    para: str = ""


@dataclass(frozen=True)
class Fact:
    """A fact the notes state (see ``revise/content/facts.py`` for each kind's fields)."""

    kind: str
    key: str
    subject: str
    value: str
    text: str
    anchor: str
    section: str
    context: str
    locked: bool
    line: int
    verb: str = ""
    detail: str = ""
    unit: str = ""
    role: str = ""

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class Card:
    """A flashcard; ``key`` is its identity within the course.

    ``origin`` is "authored" (written in a flashcards box) or "derived" (made from the
    notes by ``revise/content/derive/``; its key is ``chapter-slug/derived-id``).
    """

    key: str
    explicit_id: bool
    front_html: str
    back_html: str
    front_text: str
    back_text: str
    anchor: str
    locked: bool
    line: int
    origin: str = "authored"


@dataclass(frozen=True)
class Question:
    """A self-review question with its guidance points (HTML)."""

    key: str
    explicit_id: bool
    prompt_html: str
    prompt_text: str
    guidance_html: tuple[str, ...]
    anchor: str
    locked: bool
    line: int
    guidance_text: tuple[str, ...] = ()


@dataclass(frozen=True)
class LessonStep:
    """An author-written lesson step; ``data`` holds the fields of its kind."""

    key: str
    explicit_id: bool
    kind: str
    text: str
    data: dict
    locked: bool
    line: int


@dataclass
class Chapter:
    path: Path
    slug: str
    title: str
    summary: str
    free_html: str
    locked_html: str
    locked_shape: list = field(default_factory=list)
    headings: list[Heading] = field(default_factory=list)
    blocks: list[TextBlock] = field(default_factory=list)
    cards: list[Card] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)
    steps: list[LessonStep] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    dropped: list = field(
        default_factory=list
    )  # derive.Dropped: made cards repeating authored ones
    callouts: int = 0
    free_words: int = 0
    locked_words: int = 0


@dataclass
class Course:
    path: Path
    slug: str
    title: str
    subject: str
    summary: str
    chapters: list[Chapter] = field(default_factory=list)

    def summary_line(self) -> str:
        def count(n: int, word: str) -> str:
            return f"{n} {word}{'' if n == 1 else 's'}"

        chapters = self.chapters
        cards = count(sum(len(c.cards) for c in chapters), "card")
        derived = sum(c.origin == "derived" for ch in chapters for c in ch.cards)
        if derived:
            cards += f" ({derived} derived)"
        return ", ".join(
            [
                count(len(chapters), "chapter"),
                count(sum(c.callouts for c in chapters), "callout"),
                cards,
                count(sum(len(c.questions) for c in chapters), "question"),
                count(sum(len(c.steps) for c in chapters), "lesson step"),
            ]
        )
