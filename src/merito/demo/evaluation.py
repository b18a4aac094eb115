"""Demo rows of the SIMO back office (idempotent): the CNSC demo call as a process.

Runs after ``merito.demo.people.load_demo_data`` and ``merito.demo.calls.load_demo_calls``
(and runs them itself when their rows are missing): the call CNSC-2026-01 becomes a process
with OPEC detail for its jobs, four tests awarded to the demo operator (weights adding up to
100 %, VRM and VA open), the operator's record, and the operator's users linked by role.
It also opens the test stage, adds 300 demo inscriptions (applicants with a filled hoja
de vida and its PDFs, frozen in each inscription's snapshot), and distributes the folders
of the VRM and VA tests automatically among the linked users, once.
"""

from __future__ import annotations

import datetime
import io
import random
import re
import uuid
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from pypdf import PdfWriter

from merito.accounts.models import User
from merito.applications.models import Inscription
from merito.calls import services
from merito.calls.models import (
    Call,
    CallState,
    Classification,
    Job,
    JobRequirement,
    Position,
    RequirementKind,
    SelectionProcess,
    Test,
    TestState,
    TestType,
    TestUser,
)
from merito.calls.states import CALL
from merito.demo.calls import CNSC_CODE, load_demo_calls
from merito.demo.people import load_demo_data
from merito.demo.profiles import load_demo_catalogue
from merito.documents.models import Document, DocumentKind
from merito.documents.services import document_upload
from merito.evaluation import distribution
from merito.evaluation.models import FOLDER_TEST_TYPES, DistributionKind, Folder, FolderState
from merito.organizations.models import OperatorProfile, Organization, OrganizationKind, Role
from merito.organizations.services import operator_profile_of, operator_update
from merito.profiles.models import (
    Education,
    Experience,
    InformalEducation,
    Institution,
    OtherDocument,
    Profile,
)
from merito.profiles.selectors import profile_snapshot, snapshot_sha256

OPERATOR = "UNAL-OP"

# type, description, classification, weight, pass value (None: not quantitative), open
TESTS = [
    (TestType.VRM, "Verificación de requisitos mínimos", Classification.ELIMINATORY, 0, None, True),
    (TestType.BASICAS_FUNCIONALES, "Prueba escrita", Classification.ELIMINATORY, 65, 65, False),
    (
        TestType.COMPORTAMENTALES,
        "Competencias comportamentales",
        Classification.CLASSIFYING,
        15,
        None,
        False,
    ),
    (TestType.VA, "Valoración de antecedentes", Classification.CLASSIFYING, 20, None, True),
]

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
        if call.state == CallState.DRAFT:
            CALL.move(call, "open", by=None, as_system=True)
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


DEMO_INSCRIPTIONS = 300


def _inscriptions(call: Call) -> int:
    """300 demo applicants with a filled hoja de vida (titles, experience, informal
    education, identity document — each entry with its PDF) inscribed round-robin in the
    call's jobs; the snapshot of each is frozen as a real inscription would freeze it.

    Made in bulk: one real PDF is uploaded once and every demo document row points at that
    stored file (storage is content-addressed, so they are the same bytes)."""
    existing = Inscription.objects.filter(call=call).count()
    positions = list(call.positions.order_by("code"))
    if existing >= DEMO_INSCRIPTIONS or not positions:
        return 0
    load_demo_catalogue()
    manager = User.objects.get(username="gerencia.cnsc")
    sample = document_upload(
        owner=manager,
        kind=DocumentKind.OTHER,
        uploaded_file=_pdf("Soporte de demostración"),
        by=manager,
    )
    institutions = list(Institution.objects.filter(snies_code__in=["1101", "1201", "1203", "1813"]))
    rng = random.Random(2026)  # noqa: S311 - reproducible demo data
    numbers = range(existing + 1, DEMO_INSCRIPTIONS + 1)
    users = []
    for n in numbers:
        email = f"aspirante{n:03d}@demo.merito.local"
        user = User.objects.filter(email=email).first() or User(
            email=email,
            document_country="CO",
            document_type="CC",
            document_number=f"91{n:06d}",
            given_names=rng.choice(GIVEN),
            first_surname=rng.choice(SURNAMES),
            second_surname=rng.choice(SURNAMES),
            phone=f"300{n:07d}",
            email_verified_at=timezone.now(),
        )
        if user.pk is None:
            user.set_unusable_password()
        users.append(user)
    User.objects.bulk_create([u for u in users if u.pk is None])
    users = list(User.objects.filter(email__in=[u.email for u in users]).order_by("email"))
    kinds = [
        "rut",
        "arl",
        "diploma",
        "diploma",
        "certificate",
        "certificate",
        "certificate",
        "identity",
        "course",
    ]
    documents = Document.objects.bulk_create(
        [
            Document(
                owner=user,
                uploaded_by=user,
                kind=_kind(kind),
                original_name=f"{kind}.pdf",
                sha256=sample.sha256,
                size=sample.size,
                page_count=sample.page_count,
                storage_name=sample.storage_name,
            )
            for user in users
            for kind in kinds
        ]
    )
    docs = {
        user.pk: documents[i * len(kinds) : (i + 1) * len(kinds)] for i, user in enumerate(users)
    }
    profiles = Profile.objects.bulk_create(
        [
            Profile(
                user=user,
                birth_date=datetime.date(1970 + rng.randrange(25), 1 + rng.randrange(12), 1),
                ethnic_group="none",
                address="Calle 26 # 57-41",
                city="Bogotá D.C.",
                department="Bogotá D.C.",
                nit="8001972684",
                rut_document=docs[user.pk][0],
                arl_document=docs[user.pk][1],
            )
            for user in users
        ]
    )
    educations, experiences, others, courses = [], [], [], []
    for profile in profiles:
        mine = docs[profile.user_id]
        graduated = datetime.date(2000 + rng.randrange(15), 6, 15)
        educations.append(
            Education(
                profile=profile,
                level="undergraduate",
                institution=rng.choice(institutions),
                title_obtained=rng.choice(PROFESSIONS),
                graduated=True,
                graduation_date=graduated,
                document=mine[2],
            )
        )
        if rng.random() < 0.6:
            educations.append(
                Education(
                    profile=profile,
                    level=rng.choice(["specialization", "masters"]),
                    institution=rng.choice(institutions),
                    title_obtained="Posgrado en gestión pública",
                    graduated=True,
                    graduation_date=graduated + datetime.timedelta(days=900),
                    document=mine[3],
                )
            )
        start = graduated + datetime.timedelta(days=30 + rng.randrange(200))
        for line in range(1 + rng.randrange(3)):
            end = start + datetime.timedelta(days=200 + rng.randrange(1500))
            if end > datetime.date(2026, 10, 31):
                break
            experiences.append(
                Experience(
                    profile=profile,
                    institution_name=rng.choice(EMPLOYERS),
                    role=rng.choice(ROLES),
                    start_date=start,
                    end_date=end,
                    dedication="full_time",
                    kind=rng.choice(EXPERIENCE_KINDS),
                    country="CO",
                    document=mine[4 + line],
                )
            )
            start = end + datetime.timedelta(days=1)
        courses.append(
            InformalEducation(
                profile=profile,
                name="Curso de contratación estatal",
                institution_name="ESAP",
                start_date=datetime.date(2023, 2, 1),
                end_date=datetime.date(2023, 3, 31),
                hours=rng.choice([20, 40, 60]),
                document=mine[8],
            )
        )
        others.append(
            OtherDocument(
                profile=profile,
                kind="identity",
                number=profile.user.document_number,
                document=mine[7],
            )
        )
    Education.objects.bulk_create(educations)
    Experience.objects.bulk_create(experiences)
    InformalEducation.objects.bulk_create(courses)
    OtherDocument.objects.bulk_create(others)
    inscriptions = []
    for n, user in zip(numbers, users, strict=True):
        snapshot = profile_snapshot(user=user)
        inscriptions.append(
            Inscription(
                registry_number=f"DEMO-{call.code}-{n:03d}",
                call=call,
                position=positions[n % len(positions)],
                user=user,
                request_key=uuid.uuid4(),
                snapshot=snapshot,
                snapshot_sha256=snapshot_sha256(snapshot),
                submitted_at=timezone.now(),
            )
        )
    Inscription.objects.bulk_create(inscriptions)
    return len(inscriptions)


def _kind(name: str) -> str:
    return {
        "rut": DocumentKind.RUT,
        "arl": DocumentKind.ARL,
        "diploma": DocumentKind.DIPLOMA,
        "certificate": DocumentKind.WORK_CERTIFICATE,
        "identity": DocumentKind.IDENTITY,
    }.get(name, DocumentKind.OTHER)


GIVEN = [
    "Ana María",
    "Carlos",
    "Luz Marina",
    "Jorge",
    "Diana",
    "Andrés",
    "Paula",
    "Camilo",
    "Sandra",
    "Felipe",
    "Natalia",
    "Julián",
]
SURNAMES = [
    "Rodríguez",
    "Gómez",
    "Martínez",
    "López",
    "García",
    "Pérez",
    "Sánchez",
    "Ramírez",
    "Torres",
    "Castro",
    "Vargas",
    "Moreno",
]
PROFESSIONS = [
    "Economista",
    "Abogado",
    "Administrador público",
    "Ingeniero industrial",
    "Contador público",
    "Zootecnista",
]
EMPLOYERS = [
    "Ministerio de Agricultura",
    "Gobernación de Cundinamarca",
    "Alcaldía de Medellín",
    "Instituto Colombiano Agropecuario",
    "Universidad Nacional de Colombia",
]
ROLES = ["Profesional universitario", "Profesional especializado", "Contratista", "Asesor"]
EXPERIENCE_KINDS = ["related_professional", "professional", "related_professional"]


def _operator_record(operator: Organization, admin: User) -> None:
    profile = operator_profile_of(operator)
    if profile.nit:
        return
    OperatorProfile.objects.filter(pk=profile.pk).update(cnsc_id=1)
    operator_update(
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
