"""Switch for the database guard on the audit table.

The triggers of migration 0002 refuse UPDATE/DELETE/TRUNCATE unless the session says
``merito.audit_purge = on`` (PostgreSQL) or ``merito_audit_purge_allowed()`` returns 1
(SQLite). Only a deliberate maintenance step — wiping a test database — turns it on;
production should also revoke those privileges from the application's database role
(docs/operations.md).
"""

from __future__ import annotations

from typing import Any

purge_allowed = False


def on_connection_created(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "merito_audit_purge_allowed", 0, lambda: int(purge_allowed), deterministic=False
        )
    elif connection.vendor == "postgresql" and purge_allowed:
        with connection.cursor() as cursor:
            cursor.execute("SET merito.audit_purge = 'on'")
