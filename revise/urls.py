from django.contrib import admin
from django.urls import include, path

# The most visited pages first: Django tries each pattern in turn (the reading pages
# were last, behind some forty others). No two apps' patterns match the same path, so
# the order changes only how soon a path is found.
urlpatterns = [
    path("", include("revise.catalog.urls")),
    path("", include("revise.study.urls")),
    path("", include("revise.progress.urls")),
    path("", include("revise.lessons.urls")),
    path("", include("revise.lessons.lesson_urls")),
    path("accounts/", include("revise.accounts.urls")),
    path("admin/", admin.site.urls),
]
