from django.contrib import admin

from revise.catalog.admin import ReadOnlyAdmin
from revise.study.models import Card


@admin.register(Card)
class CardAdmin(ReadOnlyAdmin):
    list_display = ["front_text", "chapter", "key", "locked", "retired_at"]
    list_filter = ["course", "locked"]
    search_fields = ["front_text", "key"]
