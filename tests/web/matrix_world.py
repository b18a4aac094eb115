"""The demo, plus what the authorization matrix needs beside it: a second organization of
each staff kind with its own people and objects, a superuser, and one object of every kind
a URL can name. Built once per module inside a transaction that is rolled back."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any
from unittest import mock

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from merito.accounts.models import User
from merito.calls.models import Call, CallDocument, SelectionProcess, Test
from merito.cases.selectors import snapshot_document_ids
from merito.cases.services import case_open, case_submit
from merito.celery import app as celery_app
from merito.documents.models import Document, DocumentKind
from merito.documents.services import document_upload
from merito.evaluation.models import Folder
from merito.evaluation.review import folios_ensure
from merito.organizations.models import Organization, OrganizationKind, Role
from merito.organizations.services import role_assign
from merito.peers.models import EmailChangeRequest, PeerImport, PeerMembership, RecognitionRequest
from merito.peers.services import email_change_request, recognition_request
from merito.profiles.models import Experience
from merito.reports.catalogue import REPORTS
from merito.reports.models import ReportJob
from tests.conftest import make_user
from tests.documents.conftest import make_pdf

# Who knocks: the demo's people by role, the second organizations' staff, a superuser and an
# anonymous visitor. The key is how the expectation table names them.
DEMO_PERSONAS = {
    "postulante": "postulante",
    "gerencia": "gerencia.cnsc",
    "admin_op": "admin.operador",
    "supervisor": "supervisor1",
    "analista": "analista1",
    "auditor": "auditor1",
    "reclamaciones": "reclamaciones1",
    "juridico": "juridico1",
    "presidente": "presidente.comite",
    "miembro": "miembro.comite",
    "director": "director.ie",
    "verificador": "verificador1",
}
OTHER_PERSONAS = {
    "otro_gerencia": "gerencia.otra",
    "otro_admin_op": "admin.otro_operador",
    "otro_analista": "analista.otro_operador",
    "otro_verificador": "verificador.minedu",
    "raiz": "raiz.admin",
}
PERSONAS = ("anonimo", *DEMO_PERSONAS, *OTHER_PERSONAS)


@dataclass
class World:
    people: dict[str, User] = field(default_factory=dict)
    ids: dict[str, Any] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Any:
        return self.ids[key]


def _pdf(name: str = "soporte.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, make_pdf(), "application/pdf")


def _person(username: str, number: str, role: Role, organization: Organization | None) -> User:
    user = make_user(
        email=f"{username}@otra.example.org",
        username=username,
        document_number=number,
        given_names="Otra",
        first_surname="Persona",
    )
    role_assign(user=user, role=role, organization=organization, by=None)
    return user


def _second_organizations(world: World) -> None:
    """A second commission with its own process, a second operator with an admin and an
    analyst, and a verifier at the other ministry (Minedu, same kind as the MEN)."""
    commission = Organization.objects.create(
        name="Comisión de pruebas",
        short_name="OTRA-COM",
        kind=OrganizationKind.COMMISSION,
        country="CO",
    )
    operator = Organization.objects.create(
        name="Otro operador de procesos",
        short_name="OTRO-OP",
        kind=OrganizationKind.OPERATOR,
        parent=commission,
        country="CO",
    )
    people = world.people
    people["otro_gerencia"] = _person(
        "gerencia.otra", "77012301", Role.PROCESS_MANAGEMENT, commission
    )
    people["otro_admin_op"] = _person(
        "admin.otro_operador", "77012302", Role.OPERATOR_ADMIN, operator
    )
    people["otro_analista"] = _person("analista.otro_operador", "77012303", Role.ANALYST, operator)
    people["otro_verificador"] = _person(
        "verificador.minedu",
        "77012304",
        Role.VERIFIER,
        Organization.objects.get(short_name="MINEDU"),
    )
    world.ids["otro_operador"] = operator.pk
    world.ids["otro_analista_pk"] = people["otro_analista"].pk
    world.ids["otra_comision"] = commission.pk


def _superuser(world: World) -> None:
    world.people["raiz"] = make_user(
        email="raiz@example.org",
        username="raiz.admin",
        document_number="77012309",
        given_names="Raíz",
        first_surname="Administra",
        is_staff=True,
        is_superuser=True,
    )


def _objects(world: World) -> None:
    """One object of every kind a URL names; each belongs to the demo's organizations."""
    ids = world.ids
    people = world.people
    applicant = people["postulante"]
    call = Call.objects.get(code="CNSC-2026-01")
    ids["call_code"] = call.code
    document = CallDocument.objects.filter(call=call).first() or CallDocument.objects.create(
        call=call, title="Acuerdo", file=_pdf("acuerdo.pdf"), published_at=timezone.now()
    )
    ids["call_document"] = document.pk
    own = document_upload(
        owner=applicant, kind=DocumentKind.OTHER, uploaded_file=_pdf(), by=applicant
    )
    ids["own_document"] = own.pk
    ids["foreign_document"] = (
        Document.objects.exclude(owner=applicant).order_by("pk").values_list("pk", flat=True)[0]
    )
    experience = Experience.objects.filter(profile__user=applicant).order_by("pk").first()
    ids["own_experience"] = experience.pk
    ids["foreign_experience"] = (
        Experience.objects.exclude(profile__user=applicant).order_by("pk").first().pk
    )
    case = case_submit(case=case_open(user=applicant), user=applicant, consent=True)
    ids["case_number"] = case.number
    ids["case_document"] = min(snapshot_document_ids(case))

    process = SelectionProcess.objects.get(call=call)
    ids["process"] = process.pk
    ids["process_document"] = process.justification_id
    job = process.call.positions.order_by("code").first().job
    ids["job"] = job.pk
    test = Test.objects.filter(process=process).order_by("pk").first()
    ids["test"] = test.pk
    analyst = people["analista"]
    folder = Folder.objects.filter(test=test, analyst=analyst).order_by("pk").first()
    if folder is None:
        folder = Folder.objects.filter(test=test).order_by("pk").first()
    ids["folder"] = folder.pk
    folios_ensure(folder)
    ids["folio"] = folder.folios.order_by("pk").first().pk
    ids["inscription_number"] = folder.inscription.registry_number
    ids["operator"] = test.operator_id
    ids["operator_user"] = analyst.pk
    # A background report Gerencia asked for, still pending (its file is its requester's).
    ids["report_job"] = ReportJob.objects.create(
        report=next(iter(REPORTS)),
        parameters={"process": test.process_id, "subprocess": None, "test": None},
        format="xlsx",
        total=1,
        created_by=world.people["gerencia"],
    ).pk

    membership = PeerMembership.objects.get(user=applicant)
    ids["peer_person"] = membership.user_id
    ids["peer_import"] = PeerImport.objects.create(
        uploaded_by=people["verificador"], file_name="pares.xlsx", content=b"", sha256="0" * 64
    ).pk
    other = User.objects.filter(email="aspirante001@demo.merito.local").get()
    recognition = recognition_request(user=other, group="CNA", uploaded_file=_pdf())
    ids["recognition"] = recognition.pk
    change = email_change_request(
        user=other, new_email="nuevo.aspirante001@example.org", uploaded_file=_pdf()
    )
    ids["email_change"] = change.pk
    assert RecognitionRequest.objects.filter(pk=ids["recognition"]).exists()
    assert EmailChangeRequest.objects.filter(pk=ids["email_change"]).exists()


def build_world(tmp_dir) -> Any:
    """A context manager: the world inside an open transaction, rolled back on exit."""

    class _Built:
        def __enter__(self) -> World:
            self.settings = override_settings(
                STORAGES={
                    "default": {
                        "BACKEND": "django.core.files.storage.FileSystemStorage",
                        "OPTIONS": {"location": str(tmp_dir)},
                    },
                    "staticfiles": {
                        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
                    },
                },
                PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
            )
            self.settings.enable()
            self.atomic = transaction.atomic()
            self.atomic.__enter__()
            self.eager = celery_app.conf.task_always_eager
            celery_app.conf.task_always_eager = True
            world = World()
            with mock.patch(
                "django.db.transaction.on_commit",
                lambda func, using=None, robust=False: func(),
            ):
                call_command("demo_data", stdout=io.StringIO())
                for key, username in DEMO_PERSONAS.items():
                    world.people[key] = User.objects.get(username=username)
                _second_organizations(world)
                _superuser(world)
                _objects(world)
            return world

        def __exit__(self, *exc: Any) -> None:
            celery_app.conf.task_always_eager = self.eager
            transaction.set_rollback(True)
            self.atomic.__exit__(None, None, None)
            self.settings.disable()

    return _Built()
