from django.urls import path

from revise.catalog import views

app_name = "catalog"
urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("courses/", views.course_list, name="courses"),
    path("courses/<slug:course_slug>/", views.course_detail, name="course"),
    # Before the chapter pattern, which would otherwise take "cheatsheet" for a chapter
    # (so a chapter whose slug is "cheatsheet" cannot be reached).
    path(
        "courses/<slug:course_slug>/cheatsheet/",
        views.cheatsheet,
        name="cheatsheet",
    ),
    path(
        "courses/<slug:course_slug>/<slug:chapter_slug>/",
        views.chapter_detail,
        name="chapter",
    ),
]
