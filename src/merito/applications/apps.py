from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "merito.applications"
    verbose_name = "Inscripciones"
