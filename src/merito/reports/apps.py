from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "merito.reports"
    label = "reports"
    verbose_name = "Reportes"

    def ready(self) -> None:
        from merito.reports import scope  # noqa: F401  (declares who reaches which rows)
