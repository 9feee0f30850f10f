from django.urls import path

from revise.lessons import lesson_views

app_name = "lesson"
urlpatterns = [
    path(
        "lessons/<slug:course_slug>/<slug:chapter_slug>/",
        lesson_views.lesson_start,
        name="start",
    ),
    path(
        "lessons/<slug:course_slug>/<slug:chapter_slug>/step/<slug:step_id>/",
        lesson_views.lesson_step,
        name="step",
    ),
    path(
        "lessons/<slug:course_slug>/<slug:chapter_slug>/result/",
        lesson_views.lesson_result,
        name="result",
    ),
]
