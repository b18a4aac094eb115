"""Scanners for the DOCUMENT_SCANNER hook tests."""

from merito.errors import DomainError

seen: list[bytes] = []


def refuse_everything(file) -> None:
    raise DomainError("Se encontró un virus en el archivo.")


def remember(file) -> None:
    seen.clear()
    seen.append(file.read())


def broken(file) -> None:
    raise ConnectionError("clamd no responde")
