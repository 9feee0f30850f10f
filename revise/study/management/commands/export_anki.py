"""``manage.py export_anki COURSE [CHAPTER]``: write a deck as an Anki package."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.management.base import BaseCommand, CommandError, CommandParser

from revise.catalog.models import Course
from revise.study.anki import apkg_build, apkg_filename
from revise.study.selectors import Deck, deck_cards, live_cards


class Command(BaseCommand):
    help = (
        "Write a course's or a chapter's live cards as an Anki package (.apkg). "
        "Locked cards are included unless --free-only is given."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("course_slug", metavar="COURSE_SLUG")
        parser.add_argument("chapter_slug", metavar="CHAPTER_SLUG", nargs="?")
        parser.add_argument(
            "-o",
            "--output",
            type=Path,
            metavar="PATH",
            help="where to write (default: COURSE[-CHAPTER].apkg here)",
        )
        parser.add_argument(
            "--free-only",
            action="store_true",
            help="leave out locked cards, as for a visitor without an account",
        )
        parser.add_argument(
            "--base-url",
            default="",
            metavar="URL",
            help="the site's address, for Source links (e.g. https://revise.example.org)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        course_slug, chapter_slug = options["course_slug"], options["chapter_slug"]
        course = Course.objects.filter(slug=course_slug).first()
        if course is None:
            raise CommandError(f"No course with the slug '{course_slug}'.")
        chapter = None
        if chapter_slug:
            chapter = course.chapters.filter(
                slug=chapter_slug, retired_at__isnull=True
            ).first()
            if chapter is None:
                raise CommandError(
                    f"Course '{course_slug}' has no chapter with the slug "
                    f"'{chapter_slug}'."
                )
        if options["free_only"]:
            query = deck_cards(
                deck=Deck(course=course, chapter=chapter), viewer=AnonymousUser()
            )
        else:
            query = live_cards(course=course, chapter=chapter)
        cards = list(query)
        content = apkg_build(
            cards=cards,
            deck_name=course.title,
            deck_key=course.slug,
            base_url=options["base_url"],
        )
        path = options["output"] or Path(apkg_filename(course, chapter))
        try:
            path.write_bytes(content)
        except OSError as exc:
            raise CommandError(f"Cannot write {path}: {exc.strerror}") from exc
        noun = "card" if len(cards) == 1 else "cards"
        self.stdout.write(f"wrote {len(cards)} {noun} to {path}")
