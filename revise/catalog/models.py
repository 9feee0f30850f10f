from __future__ import annotations

from django.db import models
from django.urls import reverse


class Subject(models.Model):
    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Course(models.Model):
    """A course, imported from a folder of Markdown; ``slug`` is its identity."""

    subject = models.ForeignKey(
        Subject, on_delete=models.PROTECT, related_name="courses"
    )
    slug = models.SlugField(max_length=200, unique=True)
    title = models.CharField(max_length=300)
    summary = models.TextField(blank=True)
    imported_at = models.DateTimeField()

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("catalog:course", args=[self.slug])


class Chapter(models.Model):
    """A chapter's free part; the locked part lives apart in :class:`ChapterLocked`."""

    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="chapters"
    )
    slug = models.SlugField(max_length=200)
    title = models.CharField(max_length=300)
    summary = models.TextField(blank=True)
    position = models.PositiveIntegerField()
    free_html = models.TextField()
    free_headings = models.JSONField(default=list)
    free_words = models.PositiveIntegerField(default=0)
    # The structure of the locked part (block kinds, word counts; never words), from
    # which visitors without an account get filler of the same shape.
    locked_shape = models.JSONField(default=list)
    source_hash = models.CharField(max_length=64)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["course", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "slug"], name="chapter_unique_slug"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("catalog:chapter", args=[self.course.slug, self.slug])


class ChapterLocked(models.Model):
    """The locked part of a chapter, for signed-in learners only."""

    chapter = models.OneToOneField(
        Chapter, on_delete=models.CASCADE, related_name="locked"
    )
    html = models.TextField()
    headings = models.JSONField(default=list)
    words = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "locked part of a chapter"

    def __str__(self) -> str:
        return f"Locked part of {self.chapter}"


class ChapterItem(models.Model):
    """Something made from a chapter: a card, a self-review question, a lesson step.

    ``key`` is its identity within the course (docs/authoring.md explains the rule); an
    item that leaves the Markdown is retired, never deleted, so learners' history stays.
    """

    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, related_name="%(class)ss"
    )
    chapter = models.ForeignKey(
        Chapter, on_delete=models.CASCADE, related_name="%(class)ss"
    )
    key = models.CharField(max_length=200)
    locked = models.BooleanField(default=False)
    position = models.PositiveIntegerField()
    # Reading order within the whole course (chapter position, then position), kept by
    # the import, so that course-wide lists need no join to sort.
    sequence = models.PositiveBigIntegerField(default=0)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["chapter", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "key"], name="%(app_label)s_%(class)s_unique_key"
            ),
        ]


class Fact(models.Model):
    """A fact a chapter's notes state (``revise/content/facts.py``), for the cheatsheet.

    Facts carry no learner data, so the import rewrites a chapter's facts whenever they
    differ from the parsed ones. Every text is a TextField: none is bounded by
    ``revise check``, and a course that checks clean must import. ``detail_locked`` is
    true when a free fact's precise date is stated only in the locked part: visitors do
    not get it.
    """

    class Kind(models.TextChoices):
        DEFINITION = "definition", "Definition"
        EVENT = "event", "Event"
        FIGURE = "figure", "Figure"
        VIEW = "view", "View"

    chapter = models.ForeignKey(Chapter, on_delete=models.CASCADE, related_name="facts")
    position = models.PositiveIntegerField()
    key = models.TextField()
    kind = models.TextField(choices=Kind)
    subject = models.TextField(blank=True)
    value = models.TextField(blank=True)
    text = models.TextField(blank=True)
    detail = models.TextField(blank=True)
    detail_locked = models.BooleanField(default=False)
    verb = models.TextField(blank=True)
    unit = models.TextField(blank=True)
    role = models.TextField(blank=True)
    context = models.TextField(blank=True)
    anchor = models.TextField(blank=True)
    section = models.TextField(blank=True)
    line = models.PositiveIntegerField(default=0)
    locked = models.BooleanField(default=False)

    class Meta:
        ordering = ["chapter", "position"]

    def __str__(self) -> str:
        return f"{self.kind}: {self.subject or self.value}"


class SearchDocument(models.Model):
    """One searchable piece of a chapter, written by the import (``revise/catalog/search.py``).

    A chapter, a section (a heading and its text, split where the locked part starts),
    a definition, event, figure or view, a card or a self-review question. ``locked`` rows
    hold locked words: search shows them only to those ``revise/accounts/access.py``
    allows. On SQLite an FTS5 table mirrors ``title`` and ``body``; on PostgreSQL a GIN
    index covers their tsvector (migration 0003).
    """

    chapter = models.ForeignKey(
        Chapter, on_delete=models.CASCADE, related_name="search_documents"
    )
    position = models.PositiveIntegerField()
    kind = models.TextField()
    title = models.TextField()
    body = models.TextField(blank=True)
    anchor = models.TextField(blank=True)
    locked = models.BooleanField(default=False)

    class Meta:
        ordering = ["chapter", "position"]

    def __str__(self) -> str:
        return f"{self.kind}: {self.title}"
