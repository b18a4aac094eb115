"""Domain errors: services raise them; views turn them into Spanish messages in one place."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain refused the operation. ``field`` names the form field, if any."""

    def __init__(self, message: str, *, field: str | None = None, code: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code
