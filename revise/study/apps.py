from django.apps import AppConfig


class StudyConfig(AppConfig):
    name = "revise.study"
    verbose_name = "Study"
