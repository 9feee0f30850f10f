from django.apps import AppConfig


class ProgressConfig(AppConfig):
    name = "revise.progress"
    verbose_name = "Progress"
