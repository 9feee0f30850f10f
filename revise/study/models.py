from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from revise.catalog.models import ChapterItem


class Card(ChapterItem):
    """A flashcard, written by the author or made from the notes."""

    class Origin(models.TextChoices):
        AUTHORED = "authored", "Written by the author"
        DERIVED = "derived", "Made from the notes"

    origin = models.CharField(max_length=20, choices=Origin, default=Origin.AUTHORED)
    front_html = models.TextField()
    back_html = models.TextField()
    front_text = models.TextField()
    anchor = models.CharField(max_length=200, blank=True)
    # The key the card was made with. A card without an id changes its key when its
    # text is edited (the import keeps the row); its Anki note guid comes from this one,
    # so a newer export still updates the same note (revise/study/anki.py).
    first_key = models.CharField(max_length=200, blank=True)

    class Meta(ChapterItem.Meta):
        # The queue takes new cards in reading order straight from the first index (a
        # partial one: with retired_at in it, PostgreSQL would not read it in order),
        # and a deck's live cards are counted from it alone; the second finds a
        # course's few retired cards.
        indexes = [
            models.Index(
                fields=["course", "sequence"],
                condition=models.Q(retired_at__isnull=True),
                name="card_live_in_order",
            ),
            models.Index(
                fields=["course"],
                condition=models.Q(retired_at__isnull=False),
                name="card_retired",
            ),
        ]

    def __str__(self) -> str:
        return self.front_text


class LearnerSettings(models.Model):
    """How a learner studies: target retention, new cards a day, when their day starts."""

    learner = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="study_settings",
    )
    desired_retention = models.FloatField(
        default=0.90, validators=[MinValueValidator(0.70), MaxValueValidator(0.97)]
    )
    new_cards_per_day = models.PositiveIntegerField(
        default=20, validators=[MaxValueValidator(999)]
    )
    time_zone = models.CharField(max_length=64, default="UTC")
    day_starts_at = models.PositiveSmallIntegerField(
        default=4, validators=[MaxValueValidator(23)], help_text="Hour, local time."
    )
    # The FSRS parameters in force (None: the defaults), the latest fit (kept or not),
    # and reviews recorded since a fit was last queued (revise/study/fitting.py).
    parameters = models.ForeignKey(
        "ParameterFit",
        null=True,
        blank=True,
        on_delete=models.RESTRICT,
        related_name="+",
    )
    last_fit = models.ForeignKey(
        "ParameterFit",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviews_since_fit = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name_plural = "learner settings"

    def __str__(self) -> str:
        return f"Study settings of {self.learner}"


class ParameterFit(models.Model):
    """One fit of a learner's FSRS parameters to their own reviews, kept or not.

    Losses are on the learner's held-out recent reviews: ``log_loss``/``rmse`` of the
    fitted parameters, ``baseline_*`` of those in force when it was fitted, ``default_*``
    of the FSRS defaults. A fit is kept (put in force) only if it beats the baseline.
    Rows are never changed or deleted while a review log row points at them.
    """

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="parameter_fits",
    )
    fitted_at = models.DateTimeField()
    parameters = models.JSONField()
    reviews = models.PositiveIntegerField()
    train_reviews = models.PositiveIntegerField()
    test_reviews = models.PositiveIntegerField()
    log_loss = models.FloatField()
    rmse = models.FloatField()
    baseline_log_loss = models.FloatField()
    baseline_rmse = models.FloatField()
    default_log_loss = models.FloatField()
    default_rmse = models.FloatField()
    kept = models.BooleanField()
    seconds = models.FloatField(default=0)

    class Meta:
        indexes = [models.Index(fields=["learner", "fitted_at"])]

    def __str__(self) -> str:
        return f"Fit for {self.learner} on {self.fitted_at:%Y-%m-%d}"


class CardState(models.Model):
    """A learner's current memory of a card: a cache of their review log.

    A card with no state is new to the learner. ``revise manage rebuild_card_states``
    recomputes every state from the log.
    """

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="card_states"
    )
    card = models.ForeignKey(Card, on_delete=models.PROTECT, related_name="states")
    # The card's course, copied here so the study queue reads a course's learning and due
    # cards straight from the (learner, course, state, due) index, without a join.
    course = models.ForeignKey(
        "catalog.Course", on_delete=models.CASCADE, related_name="+"
    )
    state = models.PositiveSmallIntegerField()
    step = models.PositiveSmallIntegerField(null=True)
    stability = models.FloatField(null=True)
    difficulty = models.FloatField(null=True)
    due = models.DateTimeField()
    last_review = models.DateTimeField(null=True)
    reps = models.PositiveIntegerField()
    lapses = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "card"], name="cardstate_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["learner", "due"]),
            models.Index(fields=["learner", "state", "due"]),
            models.Index(fields=["learner", "course", "state", "due"]),
        ]

    def __str__(self) -> str:
        return f"{self.learner} · {self.card}"


class NewCardCursor(models.Model):
    """Where a learner's new cards of a course begin, so the queue need not walk past
    every card they have already seen to find the next new one.

    Every live card of the course with a ``sequence`` below ``sequence`` has a state (the
    learner has seen it) or is suspended. It holds only while the course's content is
    as it was (``course_version`` is the course's ``imported_at``): an import may insert
    or renumber cards, so a cursor of an older version is ignored. Recording a new card's
    first review moves it forward; undoing that review and unsuspending a card move it
    back (all three under the learner's lock). Without a cursor the walk starts at 0.

    Chosen over Anki's way (a state row for every new card): that needs a row per learner
    for every card of every course they study, written again on every import that adds
    cards; a cursor is one row per learner and course and costs nothing at import.
    """

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    course = models.ForeignKey(
        "catalog.Course", on_delete=models.CASCADE, related_name="+"
    )
    sequence = models.PositiveBigIntegerField()
    course_version = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "course"], name="newcardcursor_unique"
            ),
        ]

    def __str__(self) -> str:
        return (
            f"New cards of {self.course_id} for {self.learner_id} from {self.sequence}"
        )


class ReviewLog(models.Model):
    """One answer (or one undo) by a learner. Append-only: rows are never changed.

    ``token`` identifies the shown card that was answered, so a resubmitted answer is
    recorded once. Every tab showing the same card shows the same token; ``page`` tells
    the pages apart, so a page sending its answer twice is not taken for another tab.
    An undo is a row of its own pointing at the review it cancels.
    """

    class Kind(models.TextChoices):
        REVIEW = "review", "Review"
        UNDO = "undo", "Undo"

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews"
    )
    card = models.ForeignKey(Card, on_delete=models.PROTECT, related_name="reviews")
    kind = models.CharField(max_length=10, choices=Kind, default=Kind.REVIEW)
    rating = models.PositiveSmallIntegerField(null=True)
    reviewed_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField(null=True)
    retention = models.FloatField()
    state_before = models.JSONField(null=True)
    state_after = models.JSONField(null=True)
    token = models.CharField(max_length=64)
    page = models.CharField(max_length=32, blank=True, default="")
    undoes = models.OneToOneField(
        "self", null=True, on_delete=models.CASCADE, related_name="undone_by"
    )
    # The FSRS parameters in force when the review was recorded (None: the defaults),
    # so that a rebuild from the log schedules each review as it was scheduled.
    parameters = models.ForeignKey(
        ParameterFit, null=True, blank=True, on_delete=models.RESTRICT, related_name="+"
    )

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "token"], name="review_unique_token"
            ),
        ]
        indexes = [
            models.Index(fields=["learner", "card", "id"]),
            models.Index(fields=["learner", "id"]),  # the learner's last entry (undo)
            models.Index(fields=["learner", "reviewed_at"]),
            # The learner's first answers of cards (the new cards they started today):
            # their few rows, not every answer of the day.
            models.Index(
                fields=["learner", "reviewed_at"],
                condition=models.Q(kind="review", state_before__isnull=True),
                name="review_introduced",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.kind} of {self.card_id} by {self.learner_id} at {self.reviewed_at}"
        )


class Suspension(models.Model):
    """A card the learner has taken out of their queue until they bring it back."""

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="suspensions"
    )
    card = models.ForeignKey(Card, on_delete=models.CASCADE, related_name="suspensions")
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["learner", "card"], name="suspension_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.card} suspended by {self.learner}"


class Exam(models.Model):
    """A learner's exam on a course: its date and the minutes a day they will study.

    One per learner and course; several exams are exams on several courses. The plan
    itself is never stored: ``revise/study/exams.py`` makes it from the card states.
    """

    learner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exams"
    )
    course = models.ForeignKey(
        "catalog.Course", on_delete=models.CASCADE, related_name="+"
    )
    exam_date = models.DateField()
    daily_minutes = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(5), MaxValueValidator(600)]
    )
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["learner", "course"], name="exam_unique"),
        ]

    def __str__(self) -> str:
        return f"Exam on {self.course_id} for {self.learner_id} on {self.exam_date}"
