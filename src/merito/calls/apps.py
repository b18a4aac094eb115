from django.apps import AppConfig


class CallsConfig(AppConfig):
    name = "merito.calls"
    verbose_name = "Convocatorias y procesos de selección"

    def ready(self) -> None:
        from merito.calls import (
            scope,  # noqa: F401  (declares who reaches which rows)
            states,  # noqa: F401  (declares its state machines)
        )
