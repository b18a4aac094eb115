from __future__ import annotations

from celery import shared_task

from merito.audit.log import audit_seal


@shared_task(name="merito.audit.tasks.seal_audit_log")
def seal_audit_log(full: bool = False) -> int:
    """Beat job: seal the committed rows without a leaf and sign the new tree head."""
    return audit_seal(full=full).sealed
