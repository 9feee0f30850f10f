from django.apps import AppConfig


class LessonsConfig(AppConfig):
    name = "revise.lessons"
    verbose_name = "Lessons and self review"
