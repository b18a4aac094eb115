"""Log in with a document number, an e-mail or a username, in one field."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from merito.accounts.models import User
from merito.identity import normalize_number


def find_user_by_identifier(identifier: str) -> User | None:
    """The account an identifier names, or None (also None when a bare document number
    matches accounts in more than one country or type: then the type must be given,
    e.g. ``CC 1020304050``)."""
    identifier = (identifier or "").strip()
    if not identifier:
        return None
    if "@" in identifier:
        return User.objects.filter(email__iexact=identifier).first()
    parts = identifier.split(maxsplit=1)
    if len(parts) == 2 and parts[0].upper() in {
        "CC",
        "CE",
        "TI",
        "PA",
        "PPT",
        "DNI",
        "PTP",
    }:
        matches = User.objects.filter(
            document_type=parts[0].upper(), document_number=normalize_number(parts[1])
        )
        return matches.first() if matches.count() == 1 else None
    by_username = User.objects.filter(username=identifier).first()
    if by_username:
        return by_username
    by_number = list(User.objects.filter(document_number=normalize_number(identifier))[:2])
    return by_number[0] if len(by_number) == 1 else None


class IdentifierBackend(ModelBackend):
    def authenticate(
        self, request: Any, username: str | None = None, password: str | None = None, **kwargs
    ) -> User | None:
        identifier = username if username is not None else kwargs.get("identifier")
        if identifier is None or password is None:
            return None
        user = find_user_by_identifier(identifier)
        if user is None:
            User().set_password(password)  # same cost as a real check: no timing oracle
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


def axes_username(request: Any, credentials: dict[str, Any] | None) -> str:
    """Count failures per account, whichever identifier was typed (django-axes hook)."""
    raw = ""
    if credentials:
        raw = credentials.get("username") or credentials.get("identifier") or ""
    if not raw and request is not None and hasattr(request, "POST"):
        raw = request.POST.get("identifier", "")
    user = find_user_by_identifier(raw)
    return f"user:{user.pk}" if user else raw.strip().lower()
