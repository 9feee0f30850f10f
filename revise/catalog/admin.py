"""Courses in the admin are read-only: their content comes from the Markdown folders."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from revise.catalog.models import Chapter, Course, Fact, Subject


class ReadOnlyAdmin(admin.ModelAdmin):
    """View-only: change the Markdown and run `revise import` instead."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Subject)
class SubjectAdmin(ReadOnlyAdmin):
    list_display = ["name", "slug"]


@admin.register(Course)
class CourseAdmin(ReadOnlyAdmin):
    list_display = ["title", "subject", "slug", "imported_at"]
    list_filter = ["subject"]


@admin.register(Chapter)
class ChapterAdmin(ReadOnlyAdmin):
    list_display = ["title", "course", "position", "retired_at"]
    list_filter = ["course"]
    exclude = ["free_html", "free_headings", "locked_shape"]


@admin.register(Fact)
class FactAdmin(ReadOnlyAdmin):
    list_display = ["kind", "subject", "value", "chapter", "locked"]
    list_filter = ["kind", "locked", "chapter__course"]
    list_select_related = ["chapter"]
    search_fields = ["subject", "value"]
