"""Reads of the peer bank: the public check, the staff search, its exports and report."""

from __future__ import annotations

from typing import Any

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import QuerySet

from merito.accounts.models import User
from merito.peers.models import (
    EmailChangeRequest,
    MembershipState,
    RecognitionRequest,
    RequestState,
)
from merito.peers.scope import visible_email_change_requests, visible_recognition_requests


def mask_email(address: str) -> str:
    """``ana.maria.ruiz@unal.edu.co`` → ``a*****z@u****.edu.co``: enough to recognise one's
    own address, not enough to learn someone else's."""
    local, _at, domain = (address or "").partition("@")
    if not local or not domain:
        return ""
    masked_local = local[0] + "*****" + (local[-1] if len(local) > 1 else "")
    first, _dot, rest = domain.partition(".")
    masked_domain = first[:1] + "****" + (f".{rest}" if rest else "")
    return f"{masked_local}@{masked_domain}"


def bank_member_by_document(*, country: str, doc_type: str, number: str) -> User | None:
    """The account behind a document when it holds an active membership, else None."""
    return (
        User.objects.filter(
            document_country=country,
            document_type=doc_type,
            document_number=number,
            peer_memberships__state=MembershipState.ACTIVE,
        )
        .distinct()
        .first()
    )


def account_by_document(*, country: str, doc_type: str, number: str) -> User | None:
    return User.objects.filter(
        document_country=country, document_type=doc_type, document_number=number
    ).first()


def lockout_failures(user: User) -> int:
    """Failed logins django-axes counts against the account now (0 when not locked)."""
    return sum(
        AccessAttempt.objects.filter(username=f"user:{user.pk}").values_list(
            "failures_since_start", flat=True
        )
    )


def is_locked_out(user: User) -> bool:
    return lockout_failures(user) >= settings.AXES_FAILURE_LIMIT


def pending_recognitions(viewer: Any) -> QuerySet[RecognitionRequest]:
    requests = visible_recognition_requests(viewer)
    return requests.filter(state=RequestState.PENDING).select_related("user")


def pending_email_changes(viewer: Any) -> QuerySet[EmailChangeRequest]:
    requests = visible_email_change_requests(viewer)
    return requests.filter(state=RequestState.PENDING).select_related("user")
