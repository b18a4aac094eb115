from django.apps import AppConfig
from django.db.backends.signals import connection_created


class AuditConfig(AppConfig):
    name = "merito.audit"
    verbose_name = "Trazabilidad"

    def ready(self) -> None:
        from merito.audit.guard import on_connection_created

        connection_created.connect(on_connection_created, dispatch_uid="merito.audit.guard")
