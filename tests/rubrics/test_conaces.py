"""Seed 002 (CONACES/CNA peer annex): every criterion, cap and exclusion, computed by hand.

The base applicant meets every requirement exactly and earns only the 3 points of the
book that proves the research trajectory (the research requirement consumes nothing).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from merito.rubrics import load_rubric, score

AS_OF = "2021-03-01"


@pytest.fixture(scope="module")
def rubric() -> Any:
    return load_rubric("conaces-pares-2021")


def base_items() -> list[dict[str, Any]]:
    return [
        {"id": "doc", "kind": "titulo", "level": "doctorado", "area": "Bellas Artes"},
        {"id": "tc", "kind": "experiencia", "category": "docencia_superior",
         "dedication": "tiempo_completo", "start": "2005-01-01", "end": "2014-12-31"},
        {"id": "dir", "kind": "experiencia", "category": "direccion_academica",
         "start": "2010-01-01", "end": "2016-12-31"},
        {"id": "libro", "kind": "producto", "type": "libro", "cvlac": True},
        {"id": "acr", "kind": "proceso_acreditacion", "type": "programa_nacional", "date": "2020-01-01"},
        {"id": "rc", "kind": "evaluacion_calidad", "type": "registro_calificado", "year": 2015},
    ]  # fmt: skip


def run(
    rubric: Any, *extra: dict[str, Any], replace: dict[str, dict[str, Any]] | None = None
) -> Any:
    items = [dict(item, **(replace or {}).get(item["id"], {})) for item in base_items()]
    items = [item for item in items if not item.get("drop")]
    return score(rubric, {"applicant_id": "CC-1", "as_of": AS_OF, "items": [*items, *extra]})


def group(result: Any, group_id: str) -> Any:
    return next(g for g in result.groups if g.id == group_id)


def criterion(result: Any, criterion_id: str) -> Any:
    return next(c for g in result.groups for c in g.criteria if c.id == criterion_id)


def requirement(result: Any, requirement_id: str) -> Any:
    return next(r for r in result.requirements if r.id == requirement_id)


def test_the_base_applicant_meets_every_requirement_and_earns_only_the_book(rubric) -> None:
    result = run(rubric)
    assert result.status == "elegible"
    assert [r.status for r in result.requirements] == ["cumple"] * 7
    assert result.total == Decimal("3")
    assert result.to_dict()["final"] == "3"


# --- formación -----------------------------------------------------------------------------


def test_additional_titles_earn_four_and_two_and_the_required_doctorate_nothing(rubric) -> None:
    result = run(
        rubric,
        {"id": "m", "kind": "titulo", "level": "maestria", "area": "Ingeniería"},
        {"id": "e", "kind": "titulo", "level": "especializacion"},
        {"id": "d2", "kind": "titulo", "level": "doctorado", "area": "Bellas Artes"},
    )
    titles = criterion(result, "titulos_adicionales")
    assert titles.points == 6
    reasons = {r.reason for r in titles.rejected if r.item in ("doc", "d2")}
    assert "Nivel de formación «Doctorado» no tiene puntaje en este criterio." in reasons
    assert any(
        r.startswith("Se usa para cumplir el requisito «Título de doctorado") for r in reasons
    )


def test_titles_are_capped_at_ten(rubric) -> None:
    masters = [{"id": f"m{i}", "kind": "titulo", "level": "maestria"} for i in range(3)]
    formacion = group(run(rubric, *masters), "formacion")
    assert (formacion.raw, formacion.points) == (12, 10)


def test_a_foreign_title_counts_only_with_its_convalidation(rubric) -> None:
    result = run(
        rubric,
        {"id": "f1", "kind": "titulo", "level": "maestria", "foreign": True, "convalidated": False},
        {"id": "f2", "kind": "titulo", "level": "maestria", "foreign": True, "convalidated": True,
         "resolution": "012345 de 2019"},
    )  # fmt: skip
    titles = criterion(result, "titulos_adicionales")
    assert titles.points == 4
    assert titles.rejected[0].item == "f1"
    assert "sin convalidación" in titles.rejected[0].reason


def test_a_foreign_doctorate_without_convalidation_excludes(rubric) -> None:
    result = run(rubric, replace={"doc": {"foreign": True}})
    doctorado = requirement(result, "doctorado")
    assert doctorado.status == "no_cumple" and not result.eligible
    assert "sin convalidación del Ministerio" in doctorado.rejected[0].reason


def test_a_doctorate_outside_the_profile_areas_excludes(rubric) -> None:
    result = run(rubric, replace={"doc": {"area": "Ingeniería"}})
    assert (
        requirement(result, "doctorado")
        .rejected[0]
        .reason.startswith("El doctorado no es de un área del perfil")
    )
    assert result.status == "retirado"


# --- experiencia docente -------------------------------------------------------------------


def test_each_additional_full_time_year_earns_two(rubric) -> None:
    result = run(rubric, replace={"tc": {"end": "2017-12-31"}})  # 156 months
    assert criterion(result, "docencia_adicional").points == 6


def test_eleven_months_never_round_up_to_a_year(rubric) -> None:
    result = run(rubric, replace={"tc": {"end": "2015-11-30"}})  # 131 months
    extra = criterion(result, "docencia_adicional")
    assert extra.points == 0
    assert "los 11 meses restantes no completan un año y no cuentan" in extra.notes[0]


def test_one_day_short_of_a_whole_year_does_not_count(rubric) -> None:
    short = run(rubric, replace={"tc": {"end": "2015-12-30"}})
    whole = run(rubric, replace={"tc": {"end": "2015-12-31"}})
    assert criterion(short, "docencia_adicional").points == 0
    assert criterion(whole, "docencia_adicional").points == 2


def test_half_time_counts_half_for_the_requirement_and_one_point_per_extra_year(rubric) -> None:
    # 96 full-time months + 60 half-time months = 126 equivalent months >= 120. The
    # requirement uses the 96 full-time months and 48 half-time months; 12 remain: 1 point.
    result = run(
        rubric,
        {"id": "ht", "kind": "experiencia", "category": "docencia_superior",
         "dedication": "medio_tiempo", "start": "2000-01-01", "end": "2004-12-31"},
        replace={"tc": {"end": "2012-12-31"}},
    )  # fmt: skip
    assert requirement(result, "docencia").status == "cumple"
    assert criterion(result, "docencia_adicional").points == 1


def test_catedra_does_not_count(rubric) -> None:
    result = run(
        rubric,
        {"id": "cat", "kind": "experiencia", "category": "docencia_superior",
         "dedication": "catedra", "start": "2015-01-01", "end": "2020-12-31"},
    )  # fmt: skip
    extra = criterion(result, "docencia_adicional")
    assert extra.points == 0
    assert extra.rejected[0].item == "cat"


def test_teaching_short_of_ten_years_excludes(rubric) -> None:
    result = run(rubric, replace={"tc": {"end": "2014-12-30"}})  # 119 months
    docencia = requirement(result, "docencia")
    assert docencia.status == "no_cumple"
    assert "equivale a 119 meses; se exigen 120 meses" in docencia.detail
    assert not result.eligible


def test_half_a_point_per_five_full_time_years_with_learning_outcomes(rubric) -> None:
    result = run(rubric, replace={"tc": {"learning_outcomes": True, "end": "2019-12-31"}})
    assert criterion(result, "resultados_aprendizaje").points == Decimal("1.5")  # 180 months
    assert criterion(result, "docencia_adicional").points == 10


def test_teaching_is_capped_at_twenty(rubric) -> None:
    result = run(rubric, replace={"tc": {"start": "1990-01-01", "end": "2020-12-31"}})
    assert criterion(result, "docencia_adicional").points == 42  # 21 extra years × 2
    assert group(result, "docencia").points == 20


# --- dirección académica -------------------------------------------------------------------


def test_overlapping_direction_periods_count_once(rubric) -> None:
    result = run(
        rubric,
        {"id": "dir2", "kind": "experiencia", "category": "direccion_academica",
         "start": "2015-01-01", "end": "2018-12-31"},
    )  # fmt: skip
    # merged 2010-01-01..2018-12-31 = 108 months; 24 beyond the 84 required: 2 years × 5.
    extra = criterion(result, "direccion_adicional")
    assert extra.points == 10
    assert "periodos traslapados contados una sola vez" in extra.notes[0]


def test_direction_one_day_short_and_the_cap_of_fifteen(rubric) -> None:
    short = run(rubric, replace={"dir": {"end": "2017-12-30"}})
    assert criterion(short, "direccion_adicional").points == 0
    long = run(rubric, replace={"dir": {"start": "2000-01-01"}})
    assert criterion(long, "direccion_adicional").points == 50
    assert group(long, "direccion").points == 15


def test_direction_short_of_seven_years_excludes(rubric) -> None:
    result = run(rubric, replace={"dir": {"start": "2010-01-02"}})
    assert requirement(result, "direccion").status == "no_cumple"
    assert not result.eligible


# --- trayectoria investigativa -------------------------------------------------------------

PRODUCTS = {
    "libro": "3", "capitulo": "0.25", "articulo": "1", "articulo_d": "0.5", "nota": "0.25",
    "patente": "5", "obra_arte": "1", "diseno_industrial": "0.35", "tesis_doctoral": "1.6",
    "proyecto_id": "0.5", "proyecto_creacion": "0.5",
}  # fmt: skip


@pytest.mark.parametrize(("kind", "points"), PRODUCTS.items())
def test_each_minciencias_product_type_earns_its_points(rubric, kind, points) -> None:
    result = run(rubric, {"id": "p", "kind": "producto", "type": kind, "cvlac": True})
    assert criterion(result, "productos").points == Decimal("3") + Decimal(points)


def test_a_product_outside_cvlac_earns_nothing(rubric) -> None:
    result = run(rubric, {"id": "p", "kind": "producto", "type": "patente", "cvlac": False})
    productos = criterion(result, "productos")
    assert productos.points == 3
    assert (
        productos.rejected[0].reason == "El producto no está registrado en el CvLAC del aspirante."
    )


def test_without_any_cvlac_product_the_applicant_is_excluded(rubric) -> None:
    result = run(rubric, replace={"libro": {"cvlac": False}})
    assert requirement(result, "investigacion").status == "no_cumple"
    assert not result.eligible


def test_societies_and_products_share_the_cap_of_fifteen(rubric) -> None:
    societies = [{"id": f"s{i}", "kind": "sociedad", "name": f"Sociedad {i}"} for i in range(3)]
    patents = [
        {"id": f"p{i}", "kind": "producto", "type": "patente", "cvlac": True} for i in range(3)
    ]
    result = run(rubric, *societies, *patents)
    assert group(result, "investigacion").raw == 21
    assert group(result, "investigacion").points == 15


# --- acreditación --------------------------------------------------------------------------


def test_the_cheapest_process_meets_the_requirement_and_the_others_earn(rubric) -> None:
    result = run(
        rubric,
        {"id": "int", "kind": "proceso_acreditacion", "type": "internacional", "date": "2019-01-01"},
        {"id": "inst", "kind": "proceso_acreditacion", "type": "institucional_nacional",
         "date": "2017-01-01"},
        {"id": "old", "kind": "proceso_acreditacion", "type": "internacional", "date": "2016-02-29"},
    )  # fmt: skip
    assert [u.item for u in requirement(result, "acreditacion").used] == ["acr"]
    additional = criterion(result, "acreditacion_adicional")
    assert additional.points == 7
    assert {r.item: r.reason for r in additional.rejected}["old"].startswith(
        "El proceso no está dentro de los últimos cinco años"
    )


def test_accreditation_is_capped_at_twenty(rubric) -> None:
    extra = [
        {
            "id": f"i{i}",
            "kind": "proceso_acreditacion",
            "type": "internacional",
            "date": "2019-01-01",
        }
        for i in range(6)
    ]
    assert group(run(rubric, *extra), "acreditacion").points == 20


def test_no_process_in_the_last_five_years_excludes(rubric) -> None:
    inside = run(rubric, replace={"acr": {"date": "2016-03-01"}})
    outside = run(rubric, replace={"acr": {"date": "2016-02-29"}})
    assert requirement(inside, "acreditacion").status == "cumple"
    assert requirement(outside, "acreditacion").status == "no_cumple"
    assert not outside.eligible


# --- evaluación de la calidad --------------------------------------------------------------


def test_quality_visits_earn_one_to_four_inside_2010_2020(rubric) -> None:
    result = run(
        rubric,
        {"id": "v1", "kind": "evaluacion_calidad", "type": "registro_calificado", "year": 2010},
        {"id": "v2", "kind": "evaluacion_calidad", "type": "acreditacion_programa", "year": 2020},
        {
            "id": "v3",
            "kind": "evaluacion_calidad",
            "type": "acreditacion_institucional",
            "year": 2018,
        },
        {"id": "v4", "kind": "evaluacion_calidad", "type": "sala_conaces", "year": 2016},
        {"id": "v5", "kind": "evaluacion_calidad", "type": "sala_conaces", "year": 2021},
    )
    evaluation = criterion(result, "evaluacion_adicional")
    assert evaluation.points == 10  # 1 + 2 + 3 + 4; rc consumed; 2021 outside the window
    assert {r.item: r.reason for r in evaluation.rejected}["v5"].startswith(
        "Fuera del lapso 2010–2020"
    )


def test_quality_evaluation_is_capped_and_required(rubric) -> None:
    salas = [
        {"id": f"s{i}", "kind": "evaluacion_calidad", "type": "sala_conaces", "year": 2015}
        for i in range(6)
    ]
    assert group(run(rubric, *salas), "evaluacion").points == 20
    missing = run(rubric, replace={"rc": {"year": 2009}})
    assert requirement(missing, "evaluacion").status == "no_cumple"
    assert not missing.eligible


# --- cargos directivos públicos e inhabilidad ---------------------------------------------


def test_public_directive_posts_earn_two_national_and_one_territorial_per_year(rubric) -> None:
    result = run(
        rubric,
        {"id": "min", "kind": "experiencia", "category": "directivo_publico", "level": "nacional",
         "start": "2000-01-01", "end": "2001-12-31"},
        {"id": "sec", "kind": "experiencia", "category": "directivo_publico", "level": "territorial",
         "start": "2002-01-01", "end": "2005-06-30"},
    )  # fmt: skip
    assert criterion(result, "directivos_publicos").points == 7  # 2 × 2 + 3 × 1
    assert result.eligible


def test_public_directive_posts_are_capped_at_ten(rubric) -> None:
    result = run(
        rubric,
        {"id": "min", "kind": "experiencia", "category": "directivo_publico", "level": "nacional",
         "start": "1990-01-01", "end": "1997-12-31"},
    )  # fmt: skip
    assert group(result, "directivos").points == 10


def public_post(end: str | None, director: bool = False) -> dict[str, Any]:
    return {
        "id": "post", "kind": "experiencia", "category": "directivo_publico", "level": "nacional",
        "start": "2015-01-01", "end": end, "higher_education_public_post": True,
        "public_hei_director": director,
    }  # fmt: skip


def test_a_current_or_recent_higher_education_public_post_excludes(rubric) -> None:
    for end in (None, "2019-03-01"):
        result = run(rubric, public_post(end))
        assert requirement(result, "inhabilidad").status == "no_cumple"
        assert not result.eligible
    assert run(rubric, public_post("2019-02-28")).eligible  # more than two years ago


def test_directors_of_public_universities_are_the_exception(rubric) -> None:
    assert run(rubric, public_post(None, director=True)).eligible


def test_a_full_applicant_reaches_one_hundred_and_ten(rubric) -> None:
    result = run(
        rubric,
        *[{"id": f"m{i}", "kind": "titulo", "level": "maestria"} for i in range(3)],
        *[{"id": f"p{i}", "kind": "producto", "type": "patente", "cvlac": True} for i in range(3)],
        *[{"id": f"a{i}", "kind": "proceso_acreditacion", "type": "internacional",
           "date": "2019-01-01"} for i in range(5)],
        *[{"id": f"s{i}", "kind": "evaluacion_calidad", "type": "sala_conaces",
           "year": 2015} for i in range(5)],
        {"id": "min", "kind": "experiencia", "category": "directivo_publico", "level": "nacional",
         "start": "1990-01-01", "end": "1997-12-31"},
        replace={"tc": {"start": "1990-01-01"}, "dir": {"start": "2000-01-01"}},
    )  # fmt: skip
    assert [g.points for g in result.groups] == [10, 20, 15, 15, 20, 20, 10]
    assert result.final == 110
