"""Demo organizations and one account per role (``merito demo-data``), idempotent."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from merito.accounts.models import User
from merito.calls.models import Call
from merito.organizations.models import Organization, OrganizationKind, Role, RoleAssignment
from merito.organizations.services import role_assign

DEMO_PASSWORD = "Merito.Demo-2026"  # noqa: S105 - published demo credential

ORGANIZATIONS = [
    # short name, name, kind, parent, country
    ("MEN", "Ministerio de Educación Nacional", OrganizationKind.MINISTRY, None, "CO"),
    ("CNSC", "Comisión Nacional del Servicio Civil", OrganizationKind.COMMISSION, None, "CO"),
    (
        "UNAL-OP",
        "Universidad Nacional — operador de procesos de selección",
        OrganizationKind.OPERATOR,
        "CNSC",
        "CO",
    ),
    ("MINEDU", "Ministerio de Educación del Perú", OrganizationKind.MINISTRY, None, "PE"),
    (
        "DRE-ANCASH",
        "Dirección Regional de Educación Áncash",
        OrganizationKind.REGIONAL,
        "MINEDU",
        "PE",
    ),
    (
        "UGEL-HUARAZ",
        "Unidad de Gestión Educativa Local Huaraz",
        OrganizationKind.LOCAL,
        "DRE-ANCASH",
        "PE",
    ),
    (
        "IE-86019",
        "Institución Educativa N.° 86019 — Huaraz",
        OrganizationKind.SCHOOL,
        "UGEL-HUARAZ",
        "PE",
    ),
]

CALLS = [
    ("CNSC-2026-01", "Proceso de selección Entidades del Orden Nacional 2026", "CNSC"),
    ("MINEDU-ASCENSO-2019", "Concurso de Ascenso de Escala Magisterial 2019", "MINEDU"),
    ("MEN-PARES-2026", "Convocatoria de pares académicos CONACES/CNA 2026", "MEN"),
]


@dataclass(frozen=True)
class DemoAccount:
    role: Role
    scope: str  # organization short name, call code, or "" for platform-wide
    username: str
    email: str
    document: tuple[str, str, str]  # country, type, number
    given_names: str
    first_surname: str
    second_surname: str
    sex: str


ACCOUNTS = [
    DemoAccount(
        Role.APPLICANT,
        "",
        "postulante",
        "postulante@demo.merito.local",
        ("CO", "CC", "1020304050"),
        "Ana María",
        "Rojas",
        "Pérez",
        "F",
    ),
    DemoAccount(
        Role.PROCESS_MANAGEMENT,
        "CNSC",
        "gerencia.cnsc",
        "gerencia@demo.merito.local",
        ("CO", "CC", "79123456"),
        "Carlos",
        "Gómez",
        "Duarte",
        "M",
    ),
    DemoAccount(
        Role.OPERATOR_ADMIN,
        "UNAL-OP",
        "admin.operador",
        "operador@demo.merito.local",
        ("CO", "CC", "52345678"),
        "Luz Marina",
        "Castro",
        "",
        "F",
    ),
    DemoAccount(
        Role.SUPERVISOR,
        "UNAL-OP",
        "supervisor1",
        "supervisor@demo.merito.local",
        ("CO", "CC", "80456789"),
        "Jorge",
        "Ramírez",
        "Ortiz",
        "M",
    ),
    DemoAccount(
        Role.ANALYST,
        "UNAL-OP",
        "analista1",
        "analista@demo.merito.local",
        ("CO", "CC", "1032456789"),
        "Paula",
        "Díaz",
        "Mora",
        "F",
    ),
    DemoAccount(
        Role.AUDITOR,
        "UNAL-OP",
        "auditor1",
        "auditor@demo.merito.local",
        ("CO", "CC", "71234567"),
        "Andrés",
        "López",
        "Vélez",
        "M",
    ),
    DemoAccount(
        Role.CLAIMS_ANALYST,
        "UNAL-OP",
        "reclamaciones1",
        "reclamaciones@demo.merito.local",
        ("CO", "CC", "43567890"),
        "Sandra",
        "Muñoz",
        "Arias",
        "F",
    ),
    DemoAccount(
        Role.LEGAL,
        "UNAL-OP",
        "juridico1",
        "juridico@demo.merito.local",
        ("CO", "CC", "19876543"),
        "Hernán",
        "Suárez",
        "",
        "M",
    ),
    DemoAccount(
        Role.COMMITTEE_PRESIDENT,
        "UGEL-HUARAZ",
        "presidente.comite",
        "presidente@demo.merito.local",
        ("PE", "DNI", "40123456"),
        "Rosa",
        "Huamán",
        "Quispe",
        "F",
    ),
    DemoAccount(
        Role.COMMITTEE_MEMBER,
        "UGEL-HUARAZ",
        "miembro.comite",
        "miembro@demo.merito.local",
        ("PE", "DNI", "41234567"),
        "Julio",
        "Mamani",
        "Flores",
        "M",
    ),
    DemoAccount(
        Role.SCHOOL_DIRECTOR,
        "IE-86019",
        "director.ie",
        "director@demo.merito.local",
        ("PE", "DNI", "42345678"),
        "Elena",
        "Torres",
        "Vargas",
        "F",
    ),
    DemoAccount(
        Role.VERIFIER,
        "MEN",
        "verificador1",
        "verificador@demo.merito.local",
        ("CO", "CC", "1019876543"),
        "Diana",
        "Pardo",
        "Gil",
        "F",
    ),
]


def demo_totp_key(username: str) -> str:
    """The published TOTP key (hex) of a demo staff account: the same on every machine, so
    the printed secret works in any authenticator app. Demo data only."""
    return hashlib.sha256(f"merito-demo-totp:{username}".encode()).hexdigest()[:40]


def demo_totp_secret(username: str) -> str:
    """The key as an authenticator app takes it (base32)."""
    return base64.b32encode(bytes.fromhex(demo_totp_key(username))).decode()


def load_demo_data() -> list[DemoAccount]:
    """Create what is missing; running it again changes nothing."""
    with transaction.atomic():
        orgs: dict[str, Organization] = {}
        for short, name, kind, parent, country in ORGANIZATIONS:
            orgs[short], _ = Organization.objects.get_or_create(
                short_name=short,
                defaults={
                    "name": name,
                    "kind": kind,
                    "parent": orgs.get(parent or ""),
                    "country": country,
                },
            )
        calls = {}
        for code, name, org in CALLS:
            calls[code], _ = Call.objects.get_or_create(
                code=code, defaults={"name": name, "organization": orgs[org]}
            )
        for account in ACCOUNTS:
            country, doc_type, number = account.document
            user = User.objects.filter(username=account.username).first()
            if user is None:
                user = User.objects.create_user(
                    email=account.email,
                    password=DEMO_PASSWORD,
                    username=account.username,
                    document_country=country,
                    document_type=doc_type,
                    document_number=number,
                    given_names=account.given_names,
                    first_surname=account.first_surname,
                    second_surname=account.second_surname,
                    sex=account.sex,
                    email_verified_at=timezone.now(),
                )
            organization = orgs.get(account.scope)
            call = calls.get(account.scope)
            if not RoleAssignment.objects.filter(
                user=user, role=account.role, organization=organization, call=call
            ).exists():
                role_assign(
                    user=user, role=account.role, organization=organization, call=call, by=None
                )
            if account.role != Role.APPLICANT and not TOTPDevice.objects.filter(user=user).exists():
                # Enrolled already, with a published secret, so a newcomer can sign in.
                TOTPDevice.objects.create(
                    user=user,
                    name="Demo",
                    key=demo_totp_key(account.username),
                    confirmed=True,
                )
    return ACCOUNTS
