"""Shared fixtures: named people (the seeds' roles), service checks, eager tasks."""

from __future__ import annotations

import os
import socket
from urllib.parse import urlparse

import pytest
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from merito.accounts.models import User
from merito.accounts.second_factor import requires_second_factor
from merito.celery import app as celery_app
from merito.organizations.models import Organization, OrganizationKind, Role
from merito.organizations.services import role_assign

PASSWORD = "Clave.Segura-2026"

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require_service(name: str, url: str) -> None:
    """Skip when a local service is absent; in CI (CI=true) a missing service fails."""
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname, parsed.port), timeout=2):
            return
    except OSError as exc:
        message = f"{name} no responde en {parsed.hostname}:{parsed.port} ({exc})"
        if IN_CI:
            pytest.fail(f"{message}; en CI este servicio es obligatorio")
        pytest.skip(message)


REDIS_TEST_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/15"


@pytest.fixture(autouse=True)
def _state_writes_go_through_their_machine():
    """Every test runs under the SQL watch of ``tests.state_watch``."""
    from django.db import connection

    from tests.state_watch import watch

    with connection.execute_wrapper(watch):
        yield


@pytest.fixture(autouse=True)
def _eager_tasks():
    """Tasks run in-process in tests unless a test starts a real worker."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


_documents = iter(range(1_000_001, 9_999_999))


def make_user(
    *,
    email: str | None = None,
    password: str = PASSWORD,
    verified: bool = True,
    username: str | None = None,
    document_number: str | None = None,
    given_names: str = "Ana",
    first_surname: str = "Rojas",
    **fields,
) -> User:
    number = document_number or str(next(_documents))
    return User.objects.create_user(
        email=email or f"persona{number}@example.org",
        password=password,
        username=username,
        document_country=fields.pop("document_country", "CO"),
        document_type=fields.pop("document_type", "CC"),
        document_number=number,
        given_names=given_names,
        first_surname=first_surname,
        email_verified_at=timezone.now() if verified else None,
        **fields,
    )


def sign_in(client, user: User) -> None:
    """Sign ``user`` in as the real login would leave it: a staff account with its second
    factor verified (a confirmed TOTP device is made when it has none)."""
    client.force_login(user)
    if requires_second_factor(User.objects.get(pk=user.pk)):
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="Pruebas", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()


@pytest.fixture
def organization(db) -> Organization:
    return Organization.objects.create(
        name="Comisión Nacional del Servicio Civil",
        short_name="CNSC",
        kind=OrganizationKind.COMMISSION,
        country="CO",
    )


@pytest.fixture
def alice(db) -> User:
    """Alice is an applicant (Postulante) with a verified e-mail."""
    user = make_user(email="alice@example.org", given_names="Alice", username="alice.rojas")
    role_assign(user=user, role=Role.APPLICANT, by=None)
    return user


@pytest.fixture
def user_with_role(db, organization):
    def build(role: Role, **kwargs) -> User:
        user = make_user(**kwargs)
        scope = None if role == Role.APPLICANT else organization
        role_assign(user=user, role=role, organization=scope, by=None)
        return user

    return build


@pytest.fixture(scope="session", autouse=True)
def _allow_wiping_the_audit_table_between_tests():
    """Test databases are flushed between tests; the audit guard test turns this off."""
    from merito.audit import guard

    guard.purge_allowed = True
    yield
    guard.purge_allowed = False


@pytest.fixture
def mail_now(monkeypatch):
    """Deliver queued mail at once: a test runs in one transaction that never commits."""
    monkeypatch.setattr(
        "django.db.transaction.on_commit", lambda func, using=None, robust=False: func()
    )
