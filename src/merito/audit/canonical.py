"""Canonical JSON of an audit row: what the log's leaves hash (``merito.audit.log``)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any


def canonical_json(fields: dict[str, Any]) -> str:
    """Sorted keys, no spaces, UTF-8 kept: the same row always gives the same text."""
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def row_fields(
    *,
    created_at: datetime,
    actor_id: int | None,
    actor_label: str,
    action: str,
    object_type: str,
    object_id: str,
    object_label: str,
    before: Any,
    after: Any,
    request_id: str,
) -> dict[str, Any]:
    return {
        "created_at": created_at.isoformat(timespec="microseconds"),
        "actor_id": actor_id,
        "actor_label": actor_label,
        "action": action,
        "object_type": object_type,
        "object_id": object_id,
        "object_label": object_label,
        "before": before,
        "after": after,
        "request_id": request_id,
    }
