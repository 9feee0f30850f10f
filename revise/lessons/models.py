from __future__ import annotations

from django.conf import settings
from django.db import models

from revise.catalog.models import Chapter, ChapterItem


class Question(ChapterItem):
    """A self-review question with the author's guidance points."""

    prompt_html = models.TextField()
    prompt_text = models.TextField()
    guidance_html = models.JSONField(default=list)
    anchor = models.CharField(max_length=200, blank=True)

    def __str__(self) -> str:
        return self.prompt_text


class LessonStep(ChapterItem):
    """A lesson step written by the author; ``data`` holds the fields of its kind."""

    class Kind(models.TextChoices):
        CHOICE = "choice", "Multiple choice"
        TRUE_FALSE = "true-false", "True or false"
        FILL_BLANK = "fill-blank", "Fill the blank"
        ORDER = "order", "Put in order"
        MATCH = "match", "Match pairs"

    kind = models.CharField(max_length=20, choices=Kind)
    text = models.TextField()
    data = models.JSONField()

    def __str__(self) -> str:
        return self.text


class SelfReviewAnswer(models.Model):
    """A learner's written answer to a self-review question, kept as a draft between
    visits; ``submitted_at`` is set when they reveal the guidance."""

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="self_review_answers",
    )
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, related_name="answers"
    )
    text = models.TextField(blank=True)
    updated_at = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "question"], name="self_review_answer_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.learner} on {self.question}"


class SelfReviewAttempt(models.Model):
    """One marking of a question's guidance points by a learner: which points their
    answer covered (``marks``: one bool per point, in the author's order)."""

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="self_review_attempts",
    )
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, related_name="attempts"
    )
    answer = models.TextField(blank=True)
    marks = models.JSONField(default=list)
    covered = models.PositiveSmallIntegerField()
    total = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["learner", "created_at"])]

    def __str__(self) -> str:
        return f"{self.covered}/{self.total} on {self.question}"


class LessonAttempt(models.Model):
    """One run through a chapter's lesson by a learner; ``version`` is the chapter's
    source hash the steps were built from."""

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lessons"
    )
    chapter = models.ForeignKey(
        Chapter, on_delete=models.CASCADE, related_name="lesson_attempts"
    )
    version = models.CharField(max_length=64)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    score = models.PositiveSmallIntegerField(default=0)
    total = models.PositiveSmallIntegerField(default=0)
    # A redo of the missed steps of an earlier attempt.
    redo_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="redos"
    )

    class Meta:
        indexes = [models.Index(fields=["learner", "chapter", "started_at"])]

    def __str__(self) -> str:
        return f"{self.learner}: lesson of {self.chapter}, {self.score}/{self.total}"


class LessonAnswer(models.Model):
    """A learner's answer to one step of a lesson attempt; ``step`` is the step's
    stable id (an authored step's key, or a made step's id)."""

    attempt = models.ForeignKey(
        LessonAttempt, on_delete=models.CASCADE, related_name="answers"
    )
    step = models.CharField(max_length=200)
    answer = models.JSONField()
    correct = models.BooleanField()
    answered_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "step"], name="lesson_answer_unique_step"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.step}: {'right' if self.correct else 'wrong'}"
