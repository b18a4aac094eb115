from django.apps import AppConfig


class PeersConfig(AppConfig):
    name = "merito.peers"
    verbose_name = "Banco de pares académicos"

    def ready(self) -> None:
        from merito.peers import (
            scope,  # noqa: F401  (declares who reaches which rows)
            states,  # noqa: F401  (declares its state machines)
        )
