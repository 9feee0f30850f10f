from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("revise.accounts.urls")),
    path("", include("revise.progress.urls")),
    path("", include("revise.study.urls")),
    path("", include("revise.lessons.urls")),
    path("", include("revise.lessons.lesson_urls")),
    path("", include("revise.catalog.urls")),
]
