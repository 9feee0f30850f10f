from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "revise.catalog"
    verbose_name = "Catalog"
