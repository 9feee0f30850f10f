"""The steps of a lesson, as plain frozen data: what a step asks, its right answer, the
one-line explanation and the paragraph it comes from. No Django."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

READ = "read"
CHOICE = "choice"
TRUE_FALSE = "true-false"
FILL_BLANK = "fill-blank"
ORDER = "order"
MATCH = "match"
QUESTION_KINDS = (CHOICE, TRUE_FALSE, FILL_BLANK, ORDER, MATCH)
KIND_LABELS = {
    READ: "Read",
    CHOICE: "Multiple choice",
    TRUE_FALSE: "True or false",
    FILL_BLANK: "Fill the blank",
    ORDER: "Put in order",
    MATCH: "Match pairs",
}


@dataclass(frozen=True)
class Passage:
    """A piece of the chapter a reading step shows: ``label`` (a term, or "") and its
    text, linking to ``anchor`` (a paragraph's or heading's id in the chapter page)."""

    text: str
    anchor: str = ""
    label: str = ""


@dataclass(frozen=True)
class Step:
    """One step of a lesson.

    ``prompt`` is the question (a reading step's title; a true-false step's statement;
    a fill-blank step's text with each blank as ``___``). The answer, by kind:

    - choice: ``options`` in the author's (or the notes') order, ``answer`` the index of
      the right one;
    - true-false: ``answer`` True or False;
    - fill-blank: ``parts`` (the text around the blanks, one more than ``blanks``) and
      ``blanks``, the words that fill them;
    - order: ``options``, the items in the right order;
    - match: ``pairs`` of (left, right);
    - read: ``passages`` to read; nothing to answer.
    """

    id: str
    kind: str
    prompt: str
    locked: bool = False
    made: bool = True
    options: tuple[str, ...] = ()
    answer: int | bool | None = None
    parts: tuple[str, ...] = ()
    blanks: tuple[str, ...] = ()
    pairs: tuple[tuple[str, str], ...] = ()
    passages: tuple[Passage, ...] = ()
    explain: str = ""
    anchor: str = ""
    # What a made step is about (the fact's subject) and the value it tests (a date, a
    # figure, a meaning, a view), to tell whether one of the author's steps asks it.
    about: str = ""
    value: str = ""
    words: int = 0  # a reading step's words, for its time

    @property
    def is_question(self) -> bool:
        return self.kind != READ

    @property
    def label(self) -> str:
        return KIND_LABELS[self.kind]

    def correct_text(self) -> str:
        """The right answer as one line of text."""
        if self.kind == CHOICE:
            return self.options[self.answer]  # type: ignore[index]
        if self.kind == TRUE_FALSE:
            return "True" if self.answer else "False"
        if self.kind == FILL_BLANK:
            return " · ".join(self.blanks)
        if self.kind == ORDER:
            return " → ".join(self.options)
        if self.kind == MATCH:
            return "; ".join(f"{left}: {right}" for left, right in self.pairs)
        return ""


@dataclass(frozen=True)
class Lesson:
    """Every step of a chapter's lesson, free and locked, in order: reading first."""

    steps: tuple[Step, ...]
    version: str = ""
    ids: dict[str, int] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self.ids.update({step.id: i for i, step in enumerate(self.steps)})

    def get(self, step_id: str) -> Step | None:
        index = self.ids.get(step_id)
        return None if index is None else self.steps[index]

    def visible(self, *, locked: bool) -> tuple[Step, ...]:
        """The steps a viewer gets: all of them, or the free ones only."""
        return self.steps if locked else tuple(s for s in self.steps if not s.locked)


def shuffled(items: list[int], *, seed: int, step_id: str) -> list[int]:
    """``items`` in an order fixed by the attempt's seed and the step: the same page
    twice shows the same order, another attempt another one."""
    order = list(items)
    random.Random(f"{seed}:{step_id}").shuffle(order)  # noqa: S311 (not a secret)
    return order


def presented(step: Step, seed: int) -> list[int]:
    """The order in which a step's options (choice), items (order) or right-hand sides
    (match) are shown, as indexes into them. An order step never starts in its right
    order, when it has more than one."""
    count = len(step.pairs) if step.kind == MATCH else len(step.options)
    order = shuffled(list(range(count)), seed=seed, step_id=step.id)
    if step.kind in (ORDER, MATCH) and count > 1 and order == sorted(order):
        order = order[1:] + order[:1]
    return order
