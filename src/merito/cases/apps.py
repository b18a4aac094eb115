from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "merito.cases"
    verbose_name = "Casos de actualización de pares"

    def ready(self) -> None:
        from merito.cases import (
            scope,  # noqa: F401  (declares who reaches which rows)
            signals,  # noqa: F401  (profile edits touch the open case)
            states,  # noqa: F401  (declares the case's state machine)
        )
        from merito.cases.services import register_hooks

        register_hooks()
