from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "revise.accounts"
    verbose_name = "Accounts"
