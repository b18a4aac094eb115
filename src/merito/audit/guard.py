"""Switches for the database guard on the audit tables.

The triggers of migrations 0002, 0004 and 0006 refuse UPDATE/DELETE/TRUNCATE unless the
session says ``merito.audit_purge = on`` (PostgreSQL) or ``merito_audit_purge_allowed()``
returns 1 (SQLite). Only a deliberate maintenance step — wiping a test database — turns it
on; production should also revoke those privileges from the application's database role
(docs/operations.md).

One UPDATE of an event is let through: its redaction (``merito.audit.redaction``), inside
``redacting()``, when the event has its ``AuditRedaction`` row and only ``before``,
``after`` and ``object_label`` change.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection

purge_allowed = False
redaction_allowed = False


def on_connection_created(sender: Any, connection: Any, **kwargs: Any) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function(
            "merito_audit_purge_allowed", 0, lambda: int(purge_allowed), deterministic=False
        )
        connection.connection.create_function(
            "merito_audit_redact_allowed", 0, lambda: int(redaction_allowed), deterministic=False
        )
    elif connection.vendor == "postgresql" and purge_allowed:
        with connection.cursor() as cursor:
            cursor.execute("SET merito.audit_purge = 'on'")


@contextmanager
def redacting() -> Iterator[None]:
    """Inside the caller's transaction: let the redaction's UPDATE through (PostgreSQL:
    ``SET LOCAL``, so it ends with the transaction)."""
    global redaction_allowed
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL merito.audit_redact = 'on'")
    redaction_allowed = True
    try:
        yield
    except BaseException:
        # A failed statement aborted the transaction (and its SET LOCAL with it).
        redaction_allowed = False
        raise
    redaction_allowed = False
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL merito.audit_redact = 'off'")
