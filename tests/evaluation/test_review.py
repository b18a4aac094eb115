"""The analyst's review of a folder, folio by folio (issue 6, item 8; seed 004 §3.2.7)."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from merito.applications.models import Inscription
from merito.calls import models as calls_models
from merito.calls import services
from merito.calls.models import Position, RequirementKind
from merito.documents.services import document_upload
from merito.errors import DomainError
from merito.evaluation import distribution, review
from merito.evaluation.models import (
    Folder,
    FolderEvaluation,
    FolderState,
    Folio,
    FolioSection,
    VaSection,
)
from merito.organizations.models import Role
from merito.rubrics import load_rubric, score
from tests.arrange import arranged
from tests.conftest import make_user, sign_in
from tests.documents.conftest import pdf_upload
from tests.evaluation.conftest import exam_data, person

pytestmark = pytest.mark.django_db


def _ref(document):
    return {"id": document.pk, "kind": document.kind, "sha256": document.sha256}


def snapshot_for(applicant):
    """A frozen hoja de vida with every section, its first title backed by a real PDF."""
    diploma = document_upload(
        owner=applicant, kind="diploma", uploaded_file=pdf_upload(), by=applicant
    )
    institution = {"id": 1, "name": "Universidad Nacional", "state": "active"}
    return {
        "version": 1,
        "person": {"id": applicant.pk},
        "profile": None,
        "education": [
            {
                "id": 11,
                "level": "undergraduate",
                "institution": institution,
                "program": {"id": 2, "name": "Ingeniería Agronómica", "state": "active"},
                "graduated": True,
                "graduation_date": "2009-12-01",
                "is_foreign": False,
                "document": _ref(diploma),
            },
            {
                "id": 12,
                "level": "masters",
                "institution": institution,
                "program": {"id": 3, "name": "Maestría en Suelos", "state": "active"},
                "graduated": True,
                "graduation_date": "2016-06-01",
                "is_foreign": False,
                "document": None,
            },
        ],
        "informal_education": [
            {
                "id": 21,
                "name": "Excel avanzado",
                "institution_name": "SENA",
                "start_date": "2015-01-01",
                "end_date": "2015-02-01",
                "hours": 40,
                "document": None,
            }
        ],
        "experience": [
            {
                "id": 31,
                "institution_name": "ICA",
                "role": "Profesional universitario",
                "start_date": "2010-01-01",
                "end_date": "2010-12-31",
                "dedication": "full_time",
                "kind": "related_professional",
                "document": None,
            },
            {
                "id": 32,
                "institution_name": "Universidad del Tolima",
                "role": "Docente de cátedra",
                "start_date": "2011-03-01",
                "end_date": "2012-02-28",
                "dedication": "hourly",
                "total_hours": 320,
                "kind": "professional",
                "document": None,
            },
            {
                "id": 33,
                "institution_name": "Agrosavia",
                "role": "Investigador",
                "start_date": "2013-01-01",
                "end_date": None,
                "dedication": "full_time",
                "kind": "related_professional",
                "document": None,
            },
        ],
        "memberships": [],
        "products": [
            {
                "id": 41,
                "kind": "simo_article",
                "title": "Suelos del Tolima",
                "year": 2020,
                "identifier": "ISSN 0120-0001",
                "citation": "Pérez, A. (2020). Suelos del Tolima.",
                "document": None,
            }
        ],
        "quality_processes": [],
        "other_documents": [{"id": 51, "kind": "identity", "number": "52123456", "document": None}],
    }


def inscribe(position):
    applicant = make_user()
    return Inscription.objects.create(
        registry_number=f"INS-{uuid.uuid4().hex[:10]}",
        call=position.call,
        position=position,
        user=applicant,
        request_key=uuid.uuid4(),
        snapshot=snapshot_for(applicant),
        snapshot_sha256="0" * 64,
        submitted_at=datetime.datetime(2026, 3, 1, 12, tzinfo=datetime.UTC),
    )


@pytest.fixture
def job(process):
    position = Position.objects.create(
        call=process.call, code="PRO-9", name="Profesional agrónomo", level="Profesional"
    )
    detail = calls_models.Job.objects.create(position=position, opec_number=9001)
    for order, (kind, education, experience) in enumerate(
        [
            (RequirementKind.MINIMUM, "Título profesional en agronomía", "24 meses relacionada"),
            (RequirementKind.ALTERNATIVE, "Título profesional", "48 meses relacionada"),
            (RequirementKind.EQUIVALENCE, "Título de posgrado", "En lugar de la experiencia"),
        ]
    ):
        calls_models.JobRequirement.objects.create(
            job=detail, kind=kind, education=education, experience=experience, order=order
        )
    return position


def _open(test):
    calls_models.SelectionProcess.objects.filter(pk=test.process_id).update(test_stage_open=True)
    with arranged():
        calls_models.Test.objects.filter(pk=test.pk).update(state=calls_models.TestState.OPEN)
    return calls_models.Test.objects.select_related("process").get(pk=test.pk)


@pytest.fixture
def vrm_test(vrm):
    return _open(vrm)


@pytest.fixture
def va_test(process, unal, carlos):
    data = exam_data(unal, test_type="va", classification="classifying", weight=Decimal("30"))
    return _open(services.test_save(process=process, test=None, data=data, by=carlos))


@pytest.fixture
def team(unal, luz, vrm_test, va_test):
    people = {
        "sofia": person(Role.SUPERVISOR, unal, "sofia.super"),
        "ana": person(Role.ANALYST, unal, "ana.analista"),
        "andres": person(Role.ANALYST, unal, "andres.analista"),
        "aurora": person(Role.AUDITOR, unal, "aurora.auditora"),
    }
    roles = {"sofia": Role.SUPERVISOR, "ana": Role.ANALYST, "andres": Role.ANALYST}
    roles["aurora"] = Role.AUDITOR
    for test in (vrm_test, va_test):
        for name, user in people.items():
            services.test_user_link(test=test, user=user, role=roles[name], by=luz)
    return people


def _folders(test, luz, team, analyst="ana"):
    distribution.folders_sync(test=test)
    folders = list(Folder.objects.filter(test=test).order_by("pk"))
    distribution.folders_assign_selected(
        test=test,
        folder_ids=[f.pk for f in folders],
        users={
            Role.SUPERVISOR: team["sofia"],
            Role.ANALYST: team[analyst],
            Role.AUDITOR: team["aurora"],
        },
        by=luz,
    )
    return list(Folder.objects.filter(test=test).order_by("pk"))


@pytest.fixture
def vrm_folders(job, vrm_test, luz, team):
    inscribe(job)
    inscribe(job)
    return _folders(vrm_test, luz, team)


@pytest.fixture
def va_folder(job, va_test, luz, team):
    inscribe(job)
    return _folders(va_test, luz, team)[0]


def page(folder):
    return reverse("backoffice:evaluation:my_folder", args=[folder.pk])


def fresh(folder):
    return Folder.objects.select_related("test", "inscription").get(pk=folder.pk)


def save(folder, folio, user, **data):
    folder = fresh(folder)
    return review.folio_save(
        folder=folder, folio=folio, user=user, expected_version=folder.version, **data
    )


def review_all(folder, user, sections=None):
    """Mark every folio valid; in a VA test with the Sección ``sections`` gives (or No Aplica)."""
    review.folios_ensure(fresh(folder))
    for folio in Folio.objects.filter(folder=folder):
        section = (sections or {}).get((folio.source, folio.entry_id), "")
        if fresh(folder).test.test_type == "va" and not section:
            section = VaSection.NOT_APPLICABLE
        save(folder, folio, user, valid=True, observation="", va_section=section)


# --- folios --------------------------------------------------------------------------------


def test_opening_the_folder_creates_one_folio_per_snapshot_entry_in_the_seed_sections(
    client, vrm_folders, team
):
    folder = vrm_folders[0]
    sign_in(client, team["ana"])
    response = client.get(page(folder))
    assert response.status_code == 200
    body = response.content.decode()
    folios = Folio.objects.filter(folder=folder)
    assert folios.count() == 8
    assert {f.section for f in folios} == set(FolioSection.values)
    for title in ("Formación académica", "Experiencia laboral", "Producción intelectual"):
        assert title in body
    assert "Otros documentos" in body and "Criterios de selección" in body
    # Seed fields read from the snapshot, cátedra hours and months per folio.
    assert "Universidad Nacional — Ingeniería Agronómica" in body
    assert "Tiempo laborado (total de horas)" in body and "320" in body
    assert "ISSN 0120-0001" in body
    diploma = folios.get(source="education", entry_id=11)
    assert diploma.document_id is not None
    assert reverse("backoffice:evaluation:folio_document", args=[folder.pk, diploma.pk]) in body
    client.get(page(folder))
    assert Folio.objects.filter(folder=folder).count() == 8  # opening again adds none


def test_months_per_folio_follow_the_period_rule_and_the_valid_total_adds_them(vrm_folders, team):
    cut = datetime.date(2026, 3, 1)
    year = {"start_date": "2010-01-01", "end_date": "2010-12-31"}
    assert review.entry_months(year, cut) == 12
    assert review.entry_months({"start_date": "2011-03-01", "end_date": "2012-02-28"}, cut) == 11
    assert review.entry_months({"start_date": "2013-01-01", "end_date": None}, cut) == 158
    folder = vrm_folders[0]
    review.folios_ensure(fresh(folder))
    first = Folio.objects.get(folder=folder, source="experience", entry_id=31)
    second = Folio.objects.get(folder=folder, source="experience", entry_id=32)
    save(folder, first, team["ana"], valid=True, observation="")
    save(folder, second, team["ana"], valid=False, observation="Certificado sin firma")
    sections = review.review_sections(fresh(folder))
    experience = next(s for s in sections if s.key == FolioSection.EXPERIENCE)
    assert [v.months for v in experience.folios] == [12, 11, 158]
    assert experience.valid_months == 12


def test_an_invalid_folio_without_observation_is_refused(client, vrm_folders, team):
    folder = vrm_folders[0]
    review.folios_ensure(fresh(folder))
    folio = Folio.objects.filter(folder=folder).first()
    with pytest.raises(DomainError, match="Observaciones: es obligatoria") as error:
        save(folder, folio, team["ana"], valid=False, observation="  ")
    assert error.value.field == "observation"
    sign_in(client, team["ana"])
    url = reverse("backoffice:evaluation:folio_review", args=[folder.pk, folio.pk])
    prefix = f"folio-{folio.pk}"
    response = client.post(
        url, {f"{prefix}-valido": "no", f"{prefix}-observacion": "", "version": folder.version}
    )
    assert response.status_code == 400
    assert "Observaciones: es obligatoria si el folio no es válido." in response.content.decode()
    folio.refresh_from_db()
    assert folio.valid is None and fresh(folder).version == folder.version
    response = client.post(
        url,
        {
            f"{prefix}-valido": "no",
            f"{prefix}-observacion": "Ilegible",
            "version": fresh(folder).version,
        },
    )
    assert response.status_code == 302
    folio.refresh_from_db()
    assert folio.valid is False and folio.observation == "Ilegible"
    assert folio.reviewed_by == team["ana"]
    body = client.get(page(folder)).content.decode()
    assert "Ilegible" in body and "ana.analista" in body and "Analista" in body


def test_a_stale_folio_form_is_refused_and_changes_nothing(vrm_folders, team):
    folder = fresh(vrm_folders[0])
    review.folios_ensure(folder)
    first, second = Folio.objects.filter(folder=folder)[:2]
    seen = folder.version
    save(folder, first, team["ana"], valid=True, observation="")
    with pytest.raises(DomainError, match="recargue"):
        review.folio_save(
            folder=fresh(folder),
            folio=second,
            user=team["ana"],
            expected_version=seen,
            valid=True,
            observation="",
        )
    second.refresh_from_db()
    assert second.valid is None


def test_only_the_analyst_edits_folios(vrm_folders, team):
    folder = vrm_folders[0]
    review.folios_ensure(fresh(folder))
    folio = Folio.objects.filter(folder=folder).first()
    with pytest.raises(PermissionDenied):
        save(folder, folio, team["sofia"], valid=True, observation="")


def test_a_folio_of_another_folder_answers_404(client, vrm_folders, team):
    mine, other = vrm_folders
    review.folios_ensure(fresh(mine))
    review.folios_ensure(fresh(other))
    foreign = Folio.objects.filter(folder=other, document__isnull=False).first()
    sign_in(client, team["ana"])
    url = reverse("backoffice:evaluation:folio_review", args=[mine.pk, foreign.pk])
    data = {f"folio-{foreign.pk}-valido": "si", "version": mine.version}
    assert client.post(url, data).status_code == 404
    document = reverse("backoffice:evaluation:folio_document", args=[mine.pk, foreign.pk])
    assert client.get(document).status_code == 404
    foreign.refresh_from_db()
    assert foreign.valid is None


def test_a_user_not_assigned_to_the_folder_gets_404(client, vrm_folders, team):
    folder = vrm_folders[0]
    review.folios_ensure(fresh(folder))
    folio = Folio.objects.filter(folder=folder).first()
    sign_in(client, team["andres"])  # an analyst of the same test, not of this folder
    assert client.get(page(folder)).status_code == 404
    url = reverse("backoffice:evaluation:folio_review", args=[folder.pk, folio.pk])
    assert client.post(url, {f"folio-{folio.pk}-valido": "si"}).status_code == 404


def test_the_pdf_is_served_inline_only_to_the_people_who_hold_the_folder(
    client, vrm_folders, team, luz
):
    folder = vrm_folders[0]
    review.folios_ensure(fresh(folder))
    folio = Folio.objects.get(folder=folder, source="education", entry_id=11)
    url = reverse("backoffice:evaluation:folio_document", args=[folder.pk, folio.pk])
    for holder in ("ana", "sofia", "aurora"):
        sign_in(client, team[holder])
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("inline")
        assert response["X-Frame-Options"] == "SAMEORIGIN"
        assert "frame-ancestors 'self'" in response["Content-Security-Policy"]
        assert b"".join(response.streaming_content).startswith(b"%PDF")
    applicant = fresh(folder).inscription.user
    for outsider in (team["andres"], luz, applicant):
        sign_in(client, outsider)
        assert client.get(url).status_code in (403, 404)
    client.logout()
    assert client.get(url).status_code == 302
    # A folio without a document has no PDF to show.
    sign_in(client, team["ana"])
    bare = Folio.objects.get(folder=folder, source="education", entry_id=12)
    bare_url = reverse("backoffice:evaluation:folio_document", args=[folder.pk, bare.pk])
    assert client.get(bare_url).status_code == 404


# --- VRM ---------------------------------------------------------------------------------------


def test_vrm_decision_marks_the_criterion_and_the_folder_goes_to_calificada(
    client, vrm_folders, team
):
    folder = vrm_folders[0]
    review_all(folder, team["ana"])
    alternative = calls_models.JobRequirement.objects.get(kind=RequirementKind.ALTERNATIVE)
    sign_in(client, team["ana"])
    response = client.post(
        page(folder),
        {
            "accion": "score",
            "decision": "alternative",
            "criterio": alternative.pk,
            "observacion": "Cumple por la alternativa",
            "version": fresh(folder).version,
        },
    )
    assert response.status_code == 302
    scored = fresh(folder)
    assert scored.state == FolderState.SCORED and scored.passed is True
    version = FolderEvaluation.objects.get(folder=folder, is_current=True)
    assert version.decision == "Cumple por alternativa"
    assert version.requirement == alternative and version.passed is True
    assert version.detail["vrm"]["decision"] == "alternative"
    assert version.detail["vrm"]["valid_experience_months"] == 12 + 11 + 158
    body = client.get(page(folder)).content.decode()
    assert "★" in body and "Cumple por alternativa" in body


def test_a_cumple_decision_needs_a_criterion_of_its_kind_and_no_cumple_fails(vrm_folders, team):
    folder = vrm_folders[0]
    review_all(folder, team["ana"])
    minimum = calls_models.JobRequirement.objects.get(kind=RequirementKind.MINIMUM)
    for decision, requirement in (("equivalence", None), ("equivalence", minimum.pk)):
        with pytest.raises(DomainError, match="Criterio cumplido") as error:
            review.folder_score_vrm(
                folder=fresh(folder),
                user=team["ana"],
                expected_version=fresh(folder).version,
                decision=decision,
                requirement_id=requirement,
            )
        assert error.value.field == "requirement"
    assert fresh(folder).state == FolderState.ASSIGNED
    review.folder_score_vrm(
        folder=fresh(folder),
        user=team["ana"],
        expected_version=fresh(folder).version,
        decision="not_met",
        requirement_id=minimum.pk,
        observation="No acredita la experiencia",
    )
    version = FolderEvaluation.objects.get(folder=folder, is_current=True)
    assert fresh(folder).passed is False and version.passed is False
    assert version.decision == "No cumple" and version.requirement is None


def test_scoring_needs_every_folio_reviewed(vrm_folders, team):
    folder = vrm_folders[0]
    review.folios_ensure(fresh(folder))
    with pytest.raises(DomainError, match="Revise todos los folios antes de calificar: faltan 8"):
        review.folder_score_vrm(
            folder=fresh(folder),
            user=team["ana"],
            expected_version=fresh(folder).version,
            decision="not_met",
            requirement_id=None,
        )
    assert fresh(folder).state == FolderState.ASSIGNED


# --- VA -------------------------------------------------------------------------------------


VA_SECTIONS = {
    ("education", 11): VaSection.MINIMUM,
    ("education", 12): VaSection.FORMAL,
    ("informal_education", 21): VaSection.INFORMAL,
    ("experience", 31): VaSection.MINIMUM,
    ("experience", 32): VaSection.PROFESSIONAL,
    ("experience", 33): VaSection.RELATED,
}


def test_va_figures_are_the_engine_score_of_the_evidence_built_from_the_valid_folios(
    client, va_folder, team
):
    folder = va_folder
    review_all(folder, team["ana"], VA_SECTIONS)
    informal = Folio.objects.get(folder=folder, source="informal_education")
    save(folder, informal, team["ana"], valid=False, observation="Sin intensidad horaria")
    folios = list(Folio.objects.filter(folder=folder))
    rubric = load_rubric("cnsc-bateria-2026")
    evidence, _by_item, _left_out = review.va_evidence(fresh(folder), folios, rubric)
    assert {i["id"] for i in evidence["items"]} == {
        f"folio-{f.pk}" for f in folios if f.valid and f.va_section != VaSection.NOT_APPLICABLE
    }
    assert evidence["as_of"] == "2026-03-01"
    related = next(i for i in evidence["items"] if i.get("start") == "2013-01-01")
    assert related == {
        "id": related["id"],
        "kind": "experiencia",
        "type": "profesional_relacionada",
        "start": "2013-01-01",
        "end": None,
    }
    expected = score(rubric, evidence)
    va_group = next(g for g in expected.groups if g.id == "va")
    shown = review.va_review(fresh(folder), folios)
    assert shown.total == va_group.points
    factors = {f.id: f for f in shown.factors}
    for criterion in va_group.criteria:
        row = factors[criterion.id]
        assert (row.rating, row.percent, row.result) == (
            criterion.points,
            criterion.weight,
            criterion.result,
        )
    sign_in(client, team["ana"])
    body = client.get(page(folder)).content.decode()
    assert "Revisión VA" in body and "Factor de evaluación" in body
    assert f"<span data-va-total>{va_group.points}</span>" in body
    response = client.post(
        page(folder), {"accion": "score", "observacion": "", "version": fresh(folder).version}
    )
    assert response.status_code == 302
    scored = fresh(folder)
    assert scored.state == FolderState.SCORED and scored.passed is True
    version = FolderEvaluation.objects.get(folder=folder, is_current=True)
    assert version.score == va_group.points
    assert version.detail["va"]["rubric"] == "cnsc-bateria-2026"
    assert version.detail["va"]["evidence"] == evidence
    assert Decimal(version.detail["va"]["total"]) == va_group.points


def test_a_valid_va_folio_needs_its_seccion(va_folder, team):
    review.folios_ensure(fresh(va_folder))
    folio = Folio.objects.filter(folder=va_folder).first()
    with pytest.raises(DomainError, match="Sección") as error:
        save(va_folder, folio, team["ana"], valid=True, observation="", va_section="")
    assert error.value.field == "va_section"
