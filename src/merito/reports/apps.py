from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "merito.reports"
    label = "reports"
    verbose_name = "Reportes"
