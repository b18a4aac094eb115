from django.apps import AppConfig


class ProfilesConfig(AppConfig):
    name = "merito.profiles"
    verbose_name = "Hojas de vida"
