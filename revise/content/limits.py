"""How much a course folder may hold: the database's column sizes and the parser's bounds.

The column sizes mirror the ``max_length`` of the models that ``revise import`` fills;
``MODEL_FIELDS`` names each such field, and a test walks the models and compares, so the
checker and the database cannot drift apart. No Django here: ``revise check`` runs
without it.
"""

from __future__ import annotations

# Column sizes (characters), as in revise/catalog, revise/study and revise/lessons.
COURSE_SLUG = 200
COURSE_TITLE = 300
SUBJECT = 200
CHAPTER_SLUG = 200
CHAPTER_TITLE = 300
KEY = 200  # the identity of a card, question or lesson step
ANCHOR = 200  # the heading anchor a card or question points to
STEP_KIND = 20
CARD_ORIGIN = 20
SOURCE_HASH = 64

# An item without an id is keyed "chapter-slug/" + 16 hex digits, so a chapter's slug
# must leave room for them in KEY.
AUTO_KEY_TAIL = 1 + 16
CHAPTER_SLUG_FOR_KEYS = KEY - AUTO_KEY_TAIL

# Every length-limited field of the models that import fills, with its max_length.
MODEL_FIELDS = {
    "catalog.Subject.name": SUBJECT,  # course.yaml's subject
    "catalog.Subject.slug": SUBJECT,  # made from the subject by import, cut to fit
    "catalog.Course.slug": COURSE_SLUG,
    "catalog.Course.title": COURSE_TITLE,
    "catalog.Chapter.slug": CHAPTER_SLUG,
    "catalog.Chapter.title": CHAPTER_TITLE,
    "catalog.Chapter.source_hash": SOURCE_HASH,  # a SHA-256 in hex
    "study.Card.key": KEY,
    "study.Card.first_key": KEY,
    "study.Card.origin": CARD_ORIGIN,
    "study.Card.anchor": ANCHOR,
    "lessons.Question.key": KEY,
    "lessons.Question.anchor": ANCHOR,
    "lessons.LessonStep.key": KEY,
    "lessons.LessonStep.kind": STEP_KIND,
}

# Bounds that keep `revise check` fast on any file (see docs/authoring.md).
MAX_FILE_BYTES = 1024 * 1024
MAX_LINES = 5_000
MAX_MARKUP = 10_000
MAX_DEPTH = 16  # levels of lists, quotes and boxes (each list takes two)
MAX_YAML_DEPTH = 32


def length_problem(what: str, value: str, limit: int) -> str | None:
    """The message for a value longer than its column, or None if it fits."""
    if len(value) <= limit:
        return None
    return f"{what} is {len(value):,} characters long; the limit is {limit}"


def shown(text: str, width: int = 40) -> str:
    """A value cut short to be quoted in a message."""
    return text if len(text) <= width else text[: width - 1] + "…"
