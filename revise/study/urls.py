from django.urls import path

from revise.study import exam_views, views

app_name = "study"
urlpatterns = [
    path("decks/<slug:course_slug>/", views.deck_detail, name="deck"),
    path(
        "decks/<slug:course_slug>/<slug:chapter_slug>/", views.deck_detail, name="deck"
    ),
    path("decks/<slug:course_slug>/anki.apkg", views.deck_export, name="export"),
    path(
        "decks/<slug:course_slug>/<slug:chapter_slug>/anki.apkg",
        views.deck_export,
        name="export",
    ),
    path("study/<slug:course_slug>/", views.study, name="session"),
    path("study/<slug:course_slug>/<slug:chapter_slug>/", views.study, name="session"),
    path(
        "cards/<int:card_id>/suspend/",
        views.card_suspension,
        {"action": "suspend"},
        name="suspend",
    ),
    path(
        "cards/<int:card_id>/unsuspend/",
        views.card_suspension,
        {"action": "unsuspend"},
        name="unsuspend",
    ),
    path("settings/study/", views.settings_edit, name="settings"),
    path("exams/<slug:course_slug>/", exam_views.exam_detail, name="exam"),
    path(
        "exams/<slug:course_slug>/remove/", exam_views.exam_remove, name="exam-remove"
    ),
]
