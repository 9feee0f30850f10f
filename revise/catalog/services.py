"""Importing a course folder into the database: all or nothing, and idempotent.

An unchanged folder is not parsed again. Each chapter stores the fingerprint of what it
was imported from (``revise/content/fingerprint.py``: the file's bytes and name,
``course.yaml``, the version and source of the rules); when the folder's fingerprints
match the stored ones in course order, importing would write nothing, and nothing is
read beyond the files themselves.
"""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from django.db import models, transaction
from django.utils import timezone
from django.utils.text import slugify

from revise.catalog import pagecache, search
from revise.catalog.models import Chapter, ChapterLocked, Course, Fact, Subject
from revise.content import model as content
from revise.content.fingerprint import CourseSources, course_sources, rules_digest
from revise.content.limits import SUBJECT
from revise.content.markdown import normalize_text
from revise.content.parser import parse_course
from revise.lessons.models import LessonStep, Question
from revise.study.models import Card

SIMILARITY_THRESHOLD = 0.75
SEQUENCE_STRIDE = 100_000  # items a chapter may hold before sequences would overlap


class CourseInvalid(Exception):
    """The course folder has problems; nothing was imported."""

    def __init__(self, problems: Sequence[content.Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the course")
        self.problems = list(problems)


@dataclass
class ImportReport:
    course: str
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: Counter = field(default_factory=Counter)
    retired: Counter = field(default_factory=Counter)
    # Facts are rewritten per chapter: "chapters" whose facts changed, facts "written"
    # and "deleted".
    facts: Counter = field(default_factory=Counter)

    @property
    def changed(self) -> bool:
        return bool(+self.created or +self.updated or +self.retired or +self.facts)

    def lines(self) -> list[str]:
        kinds = ["chapters", "cards", "questions", "lesson steps"]
        lines = [
            f"{kind}: created {self.created[kind]}, updated {self.updated[kind]}, "
            f"unchanged {self.unchanged[kind]}, retired {self.retired[kind]}"
            for kind in kinds
        ]
        if +self.facts:
            lines.append(
                f"facts: rewritten in {self.facts['chapters']} chapter(s), "
                f"written {self.facts['written']}, deleted {self.facts['deleted']}"
            )
        return lines


def course_import(
    *, path: Path, now: datetime | None = None, force: bool = False
) -> ImportReport:
    """Import or update the course in ``path`` in one transaction.

    Raises :class:`CourseInvalid` (and changes nothing) if the folder has any problem.

    When every chapter's fingerprint matches the one stored, in the same order, the
    folder is neither parsed nor validated, and nothing is written: those chapters were
    valid when they were imported, and the fingerprint holds everything their checks
    and output depend on (the rules' version and source among it), so parsing them
    again could only find what was found then. ``revise check`` parses everything
    regardless. When anything differs the whole folder is parsed and validated, not
    only the changed chapters: the course-wide checks (duplicate slugs and ids) and
    identities (a card moving between chapters, retirements) need every chapter.
    ``force`` parses and imports even an unchanged folder.

    After a commit that changed anything, the cache of anonymous pages is told.
    """
    folder = Path(path)
    sources = course_sources(folder, rules=_rules())
    if sources is not None and not force:
        unchanged = _unchanged_report(sources)
        if unchanged is not None:
            return unchanged
    parsed, problems = parse_course(folder)
    if problems or parsed is None:
        raise CourseInvalid(problems)
    # The fingerprints were taken before parsing: a file edited in between is stored
    # with its older fingerprint, so the next import sees the change and parses it.
    fingerprints = sources.chapters if sources is not None else {}
    now = now or timezone.now()
    report = ImportReport(course=parsed.slug)
    with transaction.atomic():
        course = _course_upsert(parsed, now=now, report=report)
        chapters = _chapters_sync(
            course, parsed.chapters, fingerprints, now=now, report=report
        )
        pairs = [(chapters[ch.slug], ch) for ch in parsed.chapters]
        for model, label, attribute, values_of, text_field in ITEM_KINDS:
            items = [
                (chapter, item, values_of(item))
                for chapter, ch in pairs
                for item in getattr(ch, attribute)
            ]
            _items_sync(
                model,
                label,
                course,
                items,
                text_field=text_field,
                now=now,
                report=report,
            )
        _facts_sync(course, pairs, report=report)
        if rewritten := search.documents_sync(course, pairs):  # in the same transaction
            report.updated["search documents"] += rewritten
        if report.changed:
            if course.imported_at != now:
                course.imported_at = now
                course.save(update_fields=["imported_at"])
            transaction.on_commit(pagecache.content_changed)
    return report


def _rules() -> str:
    """The rules' digest, counting this module and the search documents' too: both
    decide what the import stores."""
    return rules_digest(Path(__file__), Path(search.__file__))


def _unchanged_report(sources: CourseSources) -> ImportReport | None:
    """The report of importing an unchanged folder (nothing written), or None when any
    chapter's fingerprint or place differs from the stored one."""
    course = Course.objects.filter(slug=sources.slug).first()
    if course is None or not sources.chapters:
        return None
    stored = list(
        course.chapters.filter(retired_at__isnull=True)
        .order_by("position")
        .values_list("source_hash", flat=True)
    )
    if stored != list(sources.chapters.values()):
        return None
    report = ImportReport(course=course.slug)
    report.unchanged["chapters"] = len(stored)
    for model, label, *_ in ITEM_KINDS:
        live = model.objects.filter(course=course, retired_at__isnull=True)
        report.unchanged[label] = live.count()
    return report


def _course_upsert(
    parsed: content.Course, *, now: datetime, report: ImportReport
) -> Course:
    subject, _ = Subject.objects.get_or_create(
        name=parsed.subject, defaults={"slug": _unique_subject_slug(parsed.subject)}
    )
    values = {"subject": subject, "title": parsed.title, "summary": parsed.summary}
    course = Course.objects.filter(slug=parsed.slug).first()
    if course is None:
        return Course.objects.create(slug=parsed.slug, imported_at=now, **values)
    if _assign_changed(course, values):
        course.save()
        report.updated["course"] += 1
    return course


def _unique_subject_slug(name: str) -> str:
    """A slug for a new subject that no other subject has, cut to fit its column (the
    slug can be longer than the name: NFKD spells "㎢" "km2")."""
    base = slugify(name) or "subject"
    slug, n = _cut(base, SUBJECT), 2
    while Subject.objects.filter(slug=slug).exists():
        suffix = f"-{n}"
        slug, n = _cut(base, SUBJECT - len(suffix)) + suffix, n + 1
    return slug


def _cut(slug: str, length: int) -> str:
    return slug[:length].rstrip("-") or "subject"[:length]


def _assign_changed(obj: models.Model, values: dict[str, Any]) -> bool:
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


def _chapters_sync(
    course: Course,
    parsed: list[content.Chapter],
    fingerprints: dict[Path, str],
    *,
    now: datetime,
    report: ImportReport,
) -> dict[str, Chapter]:
    existing = {c.slug: c for c in course.chapters.select_related("locked")}
    result: dict[str, Chapter] = {}
    for position, ch in enumerate(parsed, start=1):
        values = {
            "title": ch.title,
            "summary": ch.summary,
            "position": position,
            "free_html": ch.free_html,
            "free_headings": [_heading(h) for h in ch.headings if not h.locked],
            "free_words": ch.free_words,
            "locked_shape": ch.locked_shape,
            "retired_at": None,
        }
        fingerprint = {"source_hash": fingerprints.get(ch.path, "")}
        locked_values = {
            "html": ch.locked_html,
            "headings": [_heading(h) for h in ch.headings if h.locked],
            "words": ch.locked_words,
        }
        chapter = existing.get(ch.slug)
        if chapter is None:
            chapter = Chapter.objects.create(
                course=course, slug=ch.slug, **values, **fingerprint
            )
            ChapterLocked.objects.create(chapter=chapter, **locked_values)
            report.created["chapters"] += 1
        else:
            locked = getattr(chapter, "locked", None) or ChapterLocked(chapter=chapter)
            changed = _assign_changed(chapter, values)
            locked_changed = _assign_changed(locked, locked_values) or locked.pk is None
            # A new fingerprint alone (an edit that renders the same, new rules that
            # make the same) is stored, but changes nothing a reader sees.
            if _assign_changed(chapter, fingerprint) and not changed:
                chapter.save(update_fields=["source_hash"])
            if changed:
                chapter.save()
            if locked_changed:
                locked.save()
            if changed or locked_changed:
                report.updated["chapters"] += 1
            else:
                report.unchanged["chapters"] += 1
        result[ch.slug] = chapter
    for slug, chapter in existing.items():
        if slug not in result and chapter.retired_at is None:
            chapter.retired_at = now
            chapter.save(update_fields=["retired_at"])
            report.retired["chapters"] += 1
    return result


def _heading(heading: content.Heading) -> dict[str, Any]:
    return {"anchor": heading.anchor, "title": heading.title, "level": heading.level}


def _card_values(card: content.Card) -> dict[str, Any]:
    return {
        "front_html": card.front_html,
        "back_html": card.back_html,
        "front_text": card.front_text,
        "anchor": card.anchor,
        "locked": card.locked,
        "origin": card.origin,
    }


def _question_values(question: content.Question) -> dict[str, Any]:
    return {
        "prompt_html": question.prompt_html,
        "prompt_text": question.prompt_text,
        "guidance_html": list(question.guidance_html),
        "anchor": question.anchor,
        "locked": question.locked,
    }


def _step_values(step: content.LessonStep) -> dict[str, Any]:
    return {
        "kind": step.kind,
        "text": step.text,
        "data": step.data,
        "locked": step.locked,
    }


# What the import keeps in step with the Markdown: model, report label, attribute of the
# parsed chapter, its database values, and the text compared to keep identities (rule 3).
ITEM_KINDS: list[tuple[type[models.Model], str, str, Any, str]] = [
    (Card, "cards", "cards", _card_values, "front_text"),
    (Question, "questions", "questions", _question_values, "prompt_text"),
    (LessonStep, "lesson steps", "steps", _step_values, "text"),
]


def _items_sync(
    model: type[models.Model],
    label: str,
    course: Course,
    items: list[tuple[Chapter, Any, dict[str, Any]]],
    *,
    text_field: str,
    now: datetime,
    report: ImportReport,
) -> None:
    """Create, update, keep or retire the course's rows of ``model`` to match ``items``.

    Identity follows docs/authoring.md: the key, else a similar enough text in the same
    chapter (and kind) among the rows without an id that disappeared (a key with a "/":
    the chapter and its text's hash). So adding ``{#id}`` to a card keeps its reviews;
    changing one id to another does not.
    """
    existing = {row.key: row for row in model.objects.filter(course=course)}
    parsed_keys = {item.key for _, item, _ in items}
    vanished = [
        row
        for key, row in existing.items()
        if key not in parsed_keys and row.retired_at is None and "/" in key
    ]
    newcomers = [entry for entry in items if entry[1].key not in existing]
    renamed: set[int] = set()
    for row, (_, item, _) in _match_similar(vanished, newcomers, text_field):
        del existing[row.key]
        row.key = item.key
        existing[row.key] = row
        renamed.add(row.pk)

    to_create = []
    positions: Counter = Counter()
    for chapter, item, values in items:
        positions[chapter.pk] += 1
        position = positions[chapter.pk]
        values = {
            **values,
            "chapter_id": chapter.pk,
            "position": position,
            "sequence": chapter.position * SEQUENCE_STRIDE + position,
        }
        row = existing.get(item.key)
        if row is None:
            if model is Card:
                values["first_key"] = item.key
            to_create.append(model(course=course, key=item.key, **values))
            report.created[label] += 1
            continue
        values["retired_at"] = None
        if _assign_changed(row, values) or row.pk in renamed:
            row.save()
            report.updated[label] += 1
        else:
            report.unchanged[label] += 1
    model.objects.bulk_create(to_create)
    retire = [
        row.pk
        for key, row in existing.items()
        if key not in parsed_keys and row.retired_at is None
    ]
    if retire:
        model.objects.filter(pk__in=retire).update(retired_at=now)
        report.retired[label] += len(retire)


# The fields of a fact as stored, compared to decide whether a chapter's facts changed.
FACT_FIELDS = [
    "position",
    "key",
    "kind",
    "subject",
    "value",
    "text",
    "detail",
    "detail_locked",
    "verb",
    "unit",
    "role",
    "context",
    "anchor",
    "section",
    "line",
    "locked",
]


def _fact_values(chapter: content.Chapter) -> list[dict[str, Any]]:
    """The chapter's facts as rows of :class:`Fact`, in the order of the notes."""
    free_text = [block.text for block in chapter.blocks if not block.locked]
    return [
        {
            "position": position,
            "key": fact.key,
            "kind": fact.kind,
            "subject": fact.subject,
            "value": fact.value,
            "text": fact.text,
            "detail": fact.detail,
            "detail_locked": _stated_only_when_locked(fact, fact.detail, free_text),
            "verb": fact.verb,
            "unit": fact.unit,
            "role": fact.role,
            "context": fact.context,
            "anchor": fact.anchor,
            "section": fact.section,
            "line": fact.line,
            "locked": fact.locked,
        }
        for position, fact in enumerate(chapter.facts, start=1)
    ]


def _stated_only_when_locked(fact: content.Fact, words: str, free: list[str]) -> bool:
    """True if a free fact's ``words`` appear in no free block of its chapter.

    An event's precise date is found in the sentences under its heading, which may run on
    past the locked marker: such a date is the locked part's, not the free fact's.
    """
    return bool(words) and not fact.locked and not any(words in t for t in free)


def _facts_sync(
    course: Course,
    pairs: list[tuple[Chapter, content.Chapter]],
    *,
    report: ImportReport,
) -> None:
    """Rewrite the facts of each chapter whose parsed facts differ from the stored ones;
    delete those of chapters no longer in the folder. Unchanged chapters: no write."""
    stored: dict[int, list[tuple]] = {}
    for row in (
        Fact.objects.filter(chapter__course=course)
        .order_by("chapter_id", "position")
        .values_list("chapter_id", *FACT_FIELDS)
    ):
        stored.setdefault(row[0], []).append(tuple(row[1:]))
    stale: list[int] = []
    new: list[Fact] = []
    for chapter, parsed in pairs:
        values = _fact_values(parsed)
        rows = [tuple(v[name] for name in FACT_FIELDS) for v in values]
        if stored.pop(chapter.pk, []) == rows:
            continue
        stale.append(chapter.pk)
        new += [Fact(chapter=chapter, **v) for v in values]
        report.facts["chapters"] += 1
    stale += list(stored)  # chapters retired from the course
    if stale:
        deleted, _ = Fact.objects.filter(chapter_id__in=stale).delete()
        report.facts["deleted"] += deleted
    Fact.objects.bulk_create(new)
    report.facts["written"] += len(new)


def _match_similar(
    vanished: list[models.Model],
    newcomers: list[tuple[Chapter, Any, dict[str, Any]]],
    text_field: str,
) -> list[tuple[models.Model, tuple[Chapter, Any, dict[str, Any]]]]:
    """Pair rows that disappeared with new items of the same chapter and similar text."""
    candidates = []
    for row in vanished:
        old = normalize_text(getattr(row, text_field))
        for newcomer in newcomers:
            chapter, _, values = newcomer
            if chapter.pk != row.chapter_id or values.get("kind") != getattr(
                row, "kind", None
            ):
                continue
            ratio = difflib.SequenceMatcher(
                None, old, normalize_text(values[text_field])
            ).ratio()
            if ratio >= SIMILARITY_THRESHOLD:
                candidates.append((ratio, row, newcomer))
    candidates.sort(key=lambda c: c[0], reverse=True)
    used_rows: set[int] = set()
    used_new: set[int] = set()
    pairs = []
    for _, row, newcomer in candidates:
        if row.pk in used_rows or id(newcomer) in used_new:
            continue
        used_rows.add(row.pk)
        used_new.add(id(newcomer))
        pairs.append((row, newcomer))
    return pairs
