"""The current request id, set by the web middleware and read by the audit helper and logs."""

from __future__ import annotations

from contextvars import ContextVar

request_id: ContextVar[str] = ContextVar("merito_request_id", default="")
