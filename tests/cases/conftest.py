"""Peers, a verifier and complete profiles for the update-case tests."""

from __future__ import annotations

import pytest

from merito.demo.profiles import _fill_profile, load_demo_catalogue
from merito.organizations.models import Organization, OrganizationKind, Role
from merito.organizations.services import role_assign
from merito.peers.models import PeerGroup, PeerMembership
from tests.conftest import make_user
from tests.documents.conftest import make_pdf, pdf_upload, storage_dir  # noqa: F401

__all__ = ["make_pdf", "pdf_upload"]


@pytest.fixture
def men(db) -> Organization:
    return Organization.objects.create(
        name="Ministerio de Educación Nacional",
        short_name="MEN",
        kind=OrganizationKind.MINISTRY,
        country="CO",
    )


@pytest.fixture
def peer(db):
    """A member of the bank (CNA) with a complete hoja de vida."""
    user = make_user(email="par@example.org", given_names="Ana María", phone="3001234567")
    PeerMembership.objects.create(user=user, group=PeerGroup.CNA)
    load_demo_catalogue()
    _fill_profile(user)
    return user


@pytest.fixture
def verifier(men):
    user = make_user(
        email="verificador@example.org", given_names="Valeria", username="valeria.verifica"
    )
    role_assign(user=user, role=Role.VERIFIER, organization=men, by=None)
    return user


@pytest.fixture(autouse=True)
def _mail_now(monkeypatch):
    """Deliver queued mail at once: these tests run inside one transaction that never commits."""
    monkeypatch.setattr(
        "django.db.transaction.on_commit", lambda func, using=None, robust=False: func()
    )
