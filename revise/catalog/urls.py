from django.urls import path

from revise.catalog import views

app_name = "catalog"
urlpatterns = [
    path("", views.home, name="home"),
    path("courses/<slug:course_slug>/", views.course_detail, name="course"),
    path(
        "courses/<slug:course_slug>/<slug:chapter_slug>/",
        views.chapter_detail,
        name="chapter",
    ),
]
