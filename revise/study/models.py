from __future__ import annotations

from django.db import models

from revise.catalog.models import Chapter, Course


class Card(models.Model):
    """A flashcard; ``key`` is its identity within the course (see docs/authoring.md)."""

    class Origin(models.TextChoices):
        AUTHORED = "authored", "Written by the author"
        DERIVED = "derived", "Made from the notes"

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="cards")
    chapter = models.ForeignKey(Chapter, on_delete=models.CASCADE, related_name="cards")
    key = models.CharField(max_length=200)
    origin = models.CharField(max_length=20, choices=Origin, default=Origin.AUTHORED)
    front_html = models.TextField()
    back_html = models.TextField()
    front_text = models.TextField()
    anchor = models.CharField(max_length=200, blank=True)
    locked = models.BooleanField(default=False)
    position = models.PositiveIntegerField()
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["chapter", "position"]
        constraints = [
            models.UniqueConstraint(fields=["course", "key"], name="card_unique_key"),
        ]

    def __str__(self) -> str:
        return self.front_text
