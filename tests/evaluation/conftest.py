"""SIMO back office: the CNSC, two operators (UNAL and Andes), their people, one process."""

from __future__ import annotations

from decimal import Decimal

import pytest

from merito.calls import models as calls_models
from merito.calls import services
from merito.calls.models import Classification, Position
from merito.organizations.models import Organization, OrganizationKind, Role
from merito.organizations.services import role_assign
from tests.conftest import make_user
from tests.documents.conftest import pdf_upload, storage_dir  # noqa: F401


@pytest.fixture(autouse=True)
def _mail_now(monkeypatch):
    monkeypatch.setattr(
        "django.db.transaction.on_commit", lambda func, using=None, robust=False: func()
    )


@pytest.fixture
def cnsc(organization) -> Organization:
    return organization


@pytest.fixture
def entity(db) -> Organization:
    return Organization.objects.create(
        name="Instituto Colombiano Agropecuario",
        short_name="ICA",
        kind=OrganizationKind.ENTITY,
        country="CO",
    )


def _operator(short: str, name: str, parent: Organization) -> Organization:
    return Organization.objects.create(
        name=name, short_name=short, kind=OrganizationKind.OPERATOR, parent=parent, country="CO"
    )


@pytest.fixture
def unal(cnsc) -> Organization:
    return _operator("UNAL-OP", "Universidad Nacional", cnsc)


@pytest.fixture
def andes(cnsc) -> Organization:
    return _operator("ANDES-OP", "Universidad de los Andes", cnsc)


def person(role: Role, scope: Organization, username: str, **fields):
    user = make_user(username=username, email=f"{username}@example.org", **fields)
    role_assign(user=user, role=role, organization=scope, by=None)
    return user


@pytest.fixture
def carlos(cnsc):
    """Carlos is Gerencia del proceso at the CNSC."""
    return person(Role.PROCESS_MANAGEMENT, cnsc, "carlos.gerencia")


@pytest.fixture
def luz(unal):
    """Luz administers the UNAL operator."""
    return person(Role.OPERATOR_ADMIN, unal, "luz.admin")


@pytest.fixture
def pedro(andes):
    """Pedro administers the Andes operator."""
    return person(Role.OPERATOR_ADMIN, andes, "pedro.admin")


@pytest.fixture
def ana(unal):
    """Ana is an analyst of UNAL."""
    return person(Role.ANALYST, unal, "ana.analista")


@pytest.fixture
def make_process(cnsc, entity, carlos):
    def build(code: str = "CNSC-2026-01", **call_data):
        call_data = {"code": code, "name": f"Proceso {code}", "year": 2026, **call_data}
        return services.process_create(
            organization=cnsc,
            entity=entity,
            parent=None,
            call_data=call_data,
            process_data={"application_type": "national"},
            justification_file=pdf_upload(),
            by=carlos,
        )

    return build


@pytest.fixture
def process(make_process):
    return make_process()


def exam_data(operator: Organization, **overrides):
    data = {
        "test_type": calls_models.TestType.VRM,
        "description": "Verificación de requisitos mínimos",
        "classification": Classification.ELIMINATORY,
        "operator_id": operator.pk,
        "max_value": Decimal("100"),
        "quantitative": True,
        "pass_value": Decimal("60"),
        "weight": Decimal("0"),
        "audit_percent_approved": Decimal("10"),
        "audit_percent_not_approved": Decimal("20"),
        "claim_days": 5,
    }
    data.update(overrides)
    return data


@pytest.fixture
def vrm(process, unal, carlos):
    """A VRM test of the process awarded to UNAL."""
    return services.test_save(process=process, test=None, data=exam_data(unal), by=carlos)


@pytest.fixture
def positions(process):
    return [
        Position.objects.create(
            call=process.call, code=f"PE-{n}", name=f"Profesional {n}", level="Profesional",
            vacancies=n,
        )
        for n in (1, 2, 3)
    ]  # fmt: skip
