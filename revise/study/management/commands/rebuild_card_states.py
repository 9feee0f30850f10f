"""Recompute every learner's card states from the append-only review log."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from revise.study.services import card_states_rebuild


class Command(BaseCommand):
    help = "Rebuild card states from the review log; --dry-run only counts differences."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="change nothing")

    def handle(self, *args: Any, dry_run: bool = False, **options: Any) -> None:
        report = card_states_rebuild(dry_run=dry_run)
        verb = "would change" if dry_run else "changed"
        self.stdout.write(
            f"checked {report.checked} card states; {verb} {report.changed}"
        )
