"""Demo rows of the SIMO back office (idempotent): the CNSC demo call as a process.

Runs after ``merito.organizations.demo.load_demo_data`` and ``merito.calls.demo.load_demo_calls``
(and runs them itself when their rows are missing): the call CNSC-2026-01 becomes a process
with OPEC detail for its jobs, four tests awarded to the demo operator (weights adding up to
100 %, VRM and VA open), the operator's record, and the operator's users linked by role.
It also opens the test stage, adds 30 demo inscriptions (applicants without a profile,
with an empty snapshot) when the call has none, and distributes the folders of the VRM
and VA tests automatically among the linked users, once.
"""

from __future__ import annotations

import io
import re
import uuid
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from pypdf import PdfWriter

from merito.accounts.models import User
from merito.applications.models import Inscription
from merito.calls.demo import CNSC_CODE, load_demo_calls
from merito.calls.models import Call, CallState, Position
from merito.documents.models import DocumentKind
from merito.documents.services import document_upload
from merito.evaluation import distribution, services
from merito.evaluation.models import (
    FOLDER_TEST_TYPES,
    Classification,
    DistributionKind,
    Folder,
    FolderState,
    Job,
    JobRequirement,
    OperatorProfile,
    RequirementKind,
    SelectionProcess,
    Test,
    TestState,
    TestType,
    TestUser,
)
from merito.organizations.demo import load_demo_data
from merito.organizations.models import Organization, OrganizationKind, Role
from merito.profiles.selectors import snapshot_sha256

OPERATOR = "UNAL-OP"

# type, description, classification, weight, pass value (None: not quantitative), open
TESTS = [
    (TestType.VRM, "Verificación de requisitos mínimos", Classification.ELIMINATORY, 0, None, True),
    (TestType.BASICAS_FUNCIONALES, "Prueba escrita", Classification.ELIMINATORY, 65, 65, False),
    (TestType.COMPORTAMENTALES, "Competencias comportamentales", Classification.CLASSIFYING, 15,
     None, False),
    (TestType.VA, "Valoración de antecedentes", Classification.CLASSIFYING, 20, None, True),
]  # fmt: skip

# Jurídico holds no role on a test (seed 004 §3.2 lists four), so it is not linked.
LINKS = [
    ("supervisor1", Role.SUPERVISOR),
    ("analista1", Role.ANALYST),
    ("auditor1", Role.AUDITOR),
    ("reclamaciones1", Role.CLAIMS_ANALYST),
]


def _pdf(title: str) -> SimpleUploadedFile:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": title})
    buffer = io.BytesIO()
    writer.write(buffer)
    return SimpleUploadedFile(f"{title}.pdf", buffer.getvalue(), "application/pdf")


def load_demo_evaluation() -> dict[str, int]:
    """Create what is missing; running it again changes nothing. Returns rows added."""
    if not Call.objects.filter(code=CNSC_CODE).exists():
        load_demo_data()
    if not Position.objects.filter(call__code=CNSC_CODE).exists():
        load_demo_calls()
    added = {"processes": 0, "jobs": 0, "tests": 0, "links": 0, "inscriptions": 0, "folders": 0}
    manager = User.objects.get(username="gerencia.cnsc")
    admin = User.objects.get(username="admin.operador")
    operator = Organization.objects.get(short_name=OPERATOR)
    call = Call.objects.get(code=CNSC_CODE)
    with transaction.atomic():
        _operator_record(operator, admin)
        entity, _created = Organization.objects.get_or_create(
            short_name="ICA",
            defaults={
                "name": "Instituto Colombiano Agropecuario",
                "kind": OrganizationKind.ENTITY,
                "country": "CO",
            },
        )
        process = SelectionProcess.objects.filter(call=call).first()
        if process is None:
            justification = document_upload(
                owner=manager,
                kind=DocumentKind.OTHER,
                uploaded_file=_pdf("Acuerdo de convocatoria"),
                by=manager,
            )
            process = SelectionProcess.objects.create(
                call=call,
                entity=entity,
                keep_in_opec_history=True,
                justification=justification,
                created_by=manager,
            )
            added["processes"] += 1
        if call.state != CallState.OPEN:
            call.state = CallState.OPEN
            call.save(update_fields=["state"])
        for position in call.positions.filter(job__isnull=True):
            added["jobs"] += _job(position, entity)
        existing = set(Test.objects.filter(process=process).values_list("test_type", flat=True))
        for kind, description, classification, weight, pass_value, _open in TESTS:
            if kind in existing:
                continue
            services.test_save(
                process=process,
                test=None,
                data={
                    "test_type": kind,
                    "description": description,
                    "classification": classification,
                    "operator_id": operator.pk,
                    "max_value": Decimal("100"),
                    "quantitative": pass_value is not None,
                    "pass_value": None if pass_value is None else Decimal(pass_value),
                    "weight": Decimal(weight),
                    "audit_percent_approved": Decimal("10"),
                    "audit_percent_not_approved": Decimal("20"),
                    "claim_days": 5,
                    "show_observations": True,
                    "show_detail": True,
                },
                by=manager,
            )
            added["tests"] += 1
        opened = {kind for kind, *_rest, is_open in TESTS if is_open}
        for test in Test.objects.filter(process=process, test_type__in=opened):
            if test.state != TestState.OPEN:
                services.test_set_state(test=test, state=TestState.OPEN, by=manager)
            for username, role in LINKS:
                user = User.objects.filter(username=username).first()
                if user and not TestUser.objects.filter(test=test, user=user, role=role).exists():
                    services.test_user_link(test=test, user=user, role=role, by=admin)
                    added["links"] += 1
        if not process.test_stage_open:
            services.process_set_test_stage(process=process, open_stage=True, by=manager)
        added["inscriptions"] = _inscriptions(call)
        for test in Test.objects.filter(process=process, test_type__in=FOLDER_TEST_TYPES):
            added["folders"] += distribution.folders_sync(test=test)
            distributed = Folder.objects.filter(test=test).exclude(state=FolderState.UNASSIGNED)
            if Folder.objects.filter(test=test).exists() and not distributed.exists():
                distribution.distribution_schedule(
                    test=test, kind=DistributionKind.AUTOMATIC, by=admin
                )
    return added


DEMO_INSCRIPTIONS = 30


def _inscriptions(call: Call) -> int:
    """30 demo applicants inscribed round-robin in the call's jobs, if it has none."""
    if Inscription.objects.filter(call=call).exists():
        return 0
    positions = list(call.positions.order_by("code"))
    if not positions:
        return 0
    created = 0
    for n in range(1, DEMO_INSCRIPTIONS + 1):
        email = f"aspirante{n:02d}@demo.merito.local"
        user = User.objects.filter(email=email).first() or User.objects.create_user(
            email=email,
            password=None,
            document_country="CO",
            document_type="CC",
            document_number=f"9100{n:04d}",
            given_names=f"Aspirante {n:02d}",
            first_surname="Demo",
        )
        Inscription.objects.create(
            registry_number=f"DEMO-{call.code}-{n:03d}",
            call=call,
            position=positions[n % len(positions)],
            user=user,
            request_key=uuid.uuid4(),
            snapshot={},
            snapshot_sha256=snapshot_sha256({}),
            submitted_at=timezone.now(),
        )
        created += 1
    return created


def _operator_record(operator: Organization, admin: User) -> None:
    profile = services.operator_profile_of(operator)
    if profile.nit:
        return
    OperatorProfile.objects.filter(pk=profile.pk).update(cnsc_id=1)
    services.operator_update(
        profile=profile,
        name=operator.name,
        data={
            "nit": "899999063",
            "nit_check_digit": "3",
            "phone": "6013165000",
            "address": "Carrera 45 # 26-85, Edificio Uriel Gutiérrez",
            "department": "Bogotá, D.C.",
            "municipality": "Bogotá",
            "legal_representative": "Rectoría Universidad Nacional",
            "legal_representative_email": "rectoria@demo.merito.local",
            "contact_name": "Luz Marina Castro",
            "contact_email": "operador@demo.merito.local",
        },
        by=admin,
    )


def _job(position: Position, entity: Organization) -> int:
    digits = re.sub(r"\D", "", position.code)
    if not digits or Job.objects.filter(opec_number=int(digits)).exists():
        return 0
    grade = re.search(r"grado (\d+)", position.level)
    job = Job.objects.create(
        position=position,
        opec_number=int(digits),
        grade=grade.group(1) if grade else "",
        entity=entity,
        salary=Decimal("4250000"),
        purpose=f"Desempeñar las funciones de {position.name} en la entidad.",
        functions="1. Proyectar actos administrativos.\n2. Atender requerimientos.",
        ascenso_vacancies=1 if position.vacancies > 2 else 0,
    )
    JobRequirement.objects.bulk_create(
        [
            JobRequirement(
                job=job,
                kind=RequirementKind.MINIMUM,
                education="Título profesional en disciplinas del núcleo básico del conocimiento.",
                experience="Doce (12) meses de experiencia profesional relacionada.",
                order=0,
            ),
            JobRequirement(
                job=job,
                kind=RequirementKind.ALTERNATIVE,
                education="Título profesional.",
                experience="Treinta y seis (36) meses de experiencia profesional relacionada.",
                order=1,
            ),
            JobRequirement(
                job=job,
                kind=RequirementKind.EQUIVALENCE,
                education="Título de posgrado en la modalidad de especialización.",
                experience="Por dos (2) años de experiencia profesional.",
                order=2,
            ),
        ]
    )
    return 1
