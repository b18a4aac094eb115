"""Virus-scanning hook. ``DOCUMENT_SCANNER`` names a callable that receives the upload
(a binary file object positioned at its start) and raises ``DomainError`` when infected."""

from __future__ import annotations

from collections.abc import Callable
from typing import IO

from django.conf import settings
from django.utils.module_loading import import_string

DEFAULT_SCANNER = "merito.documents.scanning.scan_nothing"

Scanner = Callable[[IO[bytes]], None]


def scan_nothing(file: IO[bytes]) -> None:
    """The default: no scanner is installed, every file passes."""


def get_scanner() -> Scanner:
    scanner: Scanner = import_string(getattr(settings, "DOCUMENT_SCANNER", DEFAULT_SCANNER))
    return scanner
