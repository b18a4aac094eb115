"""Importing existing titles and experience lines for people already in the bank."""

# ruff: noqa: E501  (one CSV row per line reads best)

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from merito.audit.models import AuditEvent
from merito.peers.profile_import import profiles_import
from merito.profiles.models import Education, Experience, Institution, Program
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

EXPERIENCE = (
    "tipo_documento,numero_documento,institucion,cargo,fecha_ingreso,fecha_salida,"
    "dedicacion,horas,tipo,resultados_aprendizaje"
)


@pytest.fixture
def carlos():
    return make_user(email="carlos@uni.edu.co", document_number="79123456")


def csv(header: str, *rows: str) -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode()


def run(section: str, content: bytes, confirm: bool, name: str = "hv.csv"):
    return profiles_import(section=section, content=content, file_name=name, confirm=confirm)


def test_experience_rows_become_entries_once(carlos):
    content = csv(
        EXPERIENCE,
        "CC,79123456,Universidad del Valle,Profesor,2005-01-01,2014-12-31,Tiempo completo,,Docencia en educación superior,sí",
        "CC,79123456,Universidad del Valle,Decano,15/01/2015,,tiempo_completo,,academic_direction,no",
    )  # fmt: skip
    dry = run("experiencia", content, confirm=False)
    assert (dry.rows, dry.created, dry.errors) == (2, 0, [])
    assert not Experience.objects.exists()
    done = run("experiencia", content, confirm=True)
    assert done.created == 2
    profesor = Experience.objects.get(role="Profesor")
    assert (profesor.dedication, profesor.kind, profesor.learning_outcomes_system) == (
        "full_time", "teaching", True
    )  # fmt: skip
    assert Experience.objects.get(role="Decano").end_date is None
    assert AuditEvent.objects.filter(action="profiles.experience.created").count() == 2
    again = run("experiencia", content, confirm=True)
    assert (again.created, again.unchanged) == (0, 2)


def test_every_broken_rule_is_reported_by_row_and_column(carlos):
    content = csv(
        EXPERIENCE,
        "CC,11111111,X,Profesor,2005-01-01,,Tiempo completo,,Docencia en educación superior,",
        "CC,79123456,X,Profesor,2005-13-01,,Tiempo completo,,Docencia en educación superior,",
        "CC,79123456,X,Profesor,2010-01-01,2009-12-31,Tiempo completo,,Docencia en educación superior,",
        "CC,79123456,X,Profesor,2010-01-01,,Cátedra,,Docencia en educación superior,",
        "CC,79123456,X,Profesor,2010-01-01,,a veces,,Docencia en educación superior,quizás",
        "CC,79123456,,Profesor,2010-01-01,,Tiempo completo,,Docencia en educación superior,",
    )  # fmt: skip
    report = run("experiencia", content, confirm=True)
    places = {(e.row, e.column) for e in report.errors}
    assert (2, "numero_documento") in places
    assert (3, "fecha_ingreso") in places
    assert (4, "fecha_salida") in places
    assert (5, "horas") in places  # cátedra needs its hours
    assert {(6, "dedicacion"), (6, "resultados_aprendizaje")} <= places
    assert (7, "institucion") in places
    assert report.created == 0 and not Experience.objects.exists()


def test_unknown_and_missing_columns_stop_the_import():
    report = run("experiencia", csv("numero_documento,color", "1,azul"), confirm=True)
    columns = {e.column for e in report.errors}
    assert {"tipo_documento", "cargo", "color"} <= columns


def test_titles_from_the_snies_catalogue_by_code_or_name(carlos):
    unal = Institution.objects.create(
        name="Universidad Nacional de Colombia", country="CO", snies_code="1101"
    )
    Program.objects.create(institution=unal, name="Doctorado en Artes", level="doctorate")
    content = csv(
        "tipo_documento,numero_documento,nivel,institucion,programa,area,fecha_grado",
        "CC,79123456,Doctorado,1101,Doctorado en Artes,Bellas Artes,2012-06-01",
        "CC,79123456,Maestría,Universidad Nacional de Colombia,,,2008-06-01",
        "CC,79123456,Doctorado,Universidad Inexistente,,,2012-06-01",
        "CC,79123456,Doctorado,1101,,,2099-01-01",
    )  # fmt: skip
    report = run("formacion", content, confirm=True)
    assert report.created == 2
    doctorate = Education.objects.get(level="doctorate")
    assert (doctorate.program.name, doctorate.knowledge_area) == ("Doctorado en Artes", "fine_arts")
    places = {(e.row, e.column) for e in report.errors}
    assert (4, "institucion") in places
    assert (5, "fecha_grado") in places  # future date, the profile's own rule


def test_the_command_is_a_dry_run_without_confirm(carlos, tmp_path):
    path = tmp_path / "experiencia.csv"
    path.write_bytes(
        csv(EXPERIENCE, "CC,79123456,U,Profesor,2005-01-01,,Tiempo completo,,Profesional,")
    )
    out = io.StringIO()
    call_command("import_profiles", "experiencia", str(path), stdout=out)
    assert "Simulación: no se guardó nada" in out.getvalue()
    assert not Experience.objects.exists()
    call_command("import_profiles", "experiencia", str(path), "--confirm", stdout=out)
    assert Experience.objects.count() == 1
