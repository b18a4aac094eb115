"""Errors of the scoring engine: Spanish messages that name the place of the fault."""

from __future__ import annotations


class PlacedError(ValueError):
    """A fault in a rubric file or an evidence document, at ``place`` (e.g.
    ``items[3].start``)."""

    what = "dato"

    def __init__(self, place: str, message: str) -> None:
        self.place = place
        self.message = message
        super().__init__(f"{self.what} {place}: {message}" if place else f"{self.what}: {message}")


class RubricError(PlacedError):
    """The rubric file is malformed; it is refused when loaded."""

    what = "Rúbrica"


class EvidenceError(PlacedError):
    """The evidence cannot be scored under this rubric."""

    what = "Evidencia"
