from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "merito.applications"
    verbose_name = "Inscripciones"

    def ready(self) -> None:
        from merito.applications import states  # noqa: F401  (declares its state machine)
