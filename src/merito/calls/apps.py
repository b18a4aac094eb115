from django.apps import AppConfig


class CallsConfig(AppConfig):
    name = "merito.calls"
    verbose_name = "Convocatorias y procesos de selección"
