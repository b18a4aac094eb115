"""Form helpers that every audience shares."""

from __future__ import annotations

from typing import Any


class LinkedErrorsMixin:
    """Point each invalid field at its error list (``<id>-errors`` in web/_form.html)."""

    def add_error(self, field: str | None, error: Any) -> None:
        super().add_error(field, error)  # type: ignore[misc]
        form: Any = self
        for name in form.errors:
            if name not in form.fields:
                continue
            bound = form[name]
            described = [f"{bound.auto_id}-errors"]
            if form.fields[name].help_text:
                described.insert(0, f"{bound.auto_id}_helptext")
            attrs = form.fields[name].widget.attrs
            attrs["aria-describedby"] = " ".join(described)
            attrs["aria-invalid"] = "true"
