from django.urls import path

from revise.progress import views

app_name = "progress"
urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path(
        "read/<slug:course_slug>/<slug:chapter_slug>/",
        views.chapter_read,
        name="chapter-read",
    ),
    *(
        path(f"dashboard/{name}.svg", views.chart, {"name": name}, name=f"chart-{name}")
        for name in views.CHARTS
    ),
]
