"""A verifier, a peer of the bank, PDFs, immediate mail and a clean rate-limit cache."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.core.cache import cache

from merito.organizations.models import Organization, OrganizationKind, Role
from merito.organizations.services import role_assign
from merito.peers.models import PeerGroup, PeerMembership
from tests.conftest import make_user
from tests.documents.conftest import make_pdf, pdf_upload, storage_dir  # noqa: F401

__all__ = ["link_in_last_mail", "make_pdf", "pdf_upload"]

LINK = re.compile(r"https?://\S+/banco-de-pares/activar/\S+/")


def link_in_last_mail(to: str) -> str:
    """The path of the access link in the newest message sent to ``to``."""
    message = [m for m in mail.outbox if m.to == [to]][-1]
    found = LINK.search(message.body)
    assert found, message.body
    return "/" + found.group(0).split("/", 3)[3]


@pytest.fixture(autouse=True)
def _mail_now(monkeypatch):
    """Deliver queued mail at once: these tests run inside one transaction that never commits."""
    monkeypatch.setattr(
        "django.db.transaction.on_commit", lambda func, using=None, robust=False: func()
    )


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def men(db) -> Organization:
    return Organization.objects.create(
        name="Ministerio de Educación Nacional",
        short_name="MEN",
        kind=OrganizationKind.MINISTRY,
        country="CO",
    )


@pytest.fixture
def verifier(men):
    user = make_user(email="verificador@example.org", given_names="Valeria")
    role_assign(user=user, role=Role.VERIFIER, organization=men, by=None)
    return user


@pytest.fixture
def peer(db):
    """Ana, a CNA peer whose registered e-mail is at her former university."""
    user = make_user(
        email="ana.ruiz@unal.edu.co", given_names="Ana María", document_number="52123456"
    )
    PeerMembership.objects.create(
        user=user, group=PeerGroup.CNA, knowledge_area="Ingeniería", region="Antioquia"
    )
    return user
