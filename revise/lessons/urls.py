from django.urls import path

from revise.lessons import views

app_name = "lessons"
urlpatterns = [
    path(
        "self-review/<slug:course_slug>/<slug:chapter_slug>/",
        views.self_review,
        name="self_review",
    ),
    path(
        "self-review/<slug:course_slug>/<slug:chapter_slug>/<int:question_id>/draft/",
        views.self_review_draft,
        name="self_review_draft",
    ),
]
