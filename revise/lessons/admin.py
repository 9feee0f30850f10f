from django.contrib import admin

from revise.catalog.admin import ReadOnlyAdmin
from revise.lessons.models import LessonStep, Question


@admin.register(Question)
class QuestionAdmin(ReadOnlyAdmin):
    list_display = ["prompt_text", "chapter", "key", "locked", "retired_at"]
    list_filter = ["course", "locked"]


@admin.register(LessonStep)
class LessonStepAdmin(ReadOnlyAdmin):
    list_display = ["text", "kind", "chapter", "key", "locked", "retired_at"]
    list_filter = ["course", "kind", "locked"]
