from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "merito.accounts"
    verbose_name = "Cuentas"
