"""The check that an address mailed before the audiences got their own URL roots still
leads its addressee to the page (the e-mail now carries the new address)."""

from __future__ import annotations

from django.test import Client


def assert_old_address_leads_to(client: Client, old: str, new: str, body: str) -> None:
    """``body`` (an e-mail sent now) carries ``new``; ``old``, the address the same e-mail
    carried before the move, answers a permanent redirect to it; ``new`` answers 200 to
    the signed-in addressee."""
    assert new in body, f"{new} no está en el correo"
    moved = client.get(old)
    assert moved.status_code == 301, (old, moved.status_code)
    assert moved["Location"] == new
    assert client.get(new).status_code == 200, new
