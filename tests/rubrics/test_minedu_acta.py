"""Seed 001: the five rows of the Acta de Resultados Finales reproduce exactly.

Each row's evidence is what an Informe Escalafonario would show for the points on the
acta (PUN, the three rubros of the Trayectoria Profesional, the 15 % bonus).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from merito.rubrics import load_rubric, score

AS_OF = "2019-08-01"
# The minimum service and PUN minimum per scale are only images in the guide; these test
# values stand in for the call's configuration.
PARAMETERS = {"tiempo_minimo": {"1": "3", "2": "4"}, "pun_minimo": {"1": "50", "2": "50"}}


@pytest.fixture(scope="module")
def rubric() -> Any:
    return load_rubric("minedu-ascenso-2019").with_parameters(PARAMETERS)


def full_trajectory() -> list[dict[str, Any]]:
    """25 + 10 + 15: every criterion of the Anexo II matrix at its maximum."""
    return [
        {"id": "doctor", "kind": "posgrado", "nivel": "doctor"},
        {"id": "maestro", "kind": "posgrado", "nivel": "maestro"},
        {"id": "segunda", "kind": "segunda_especialidad"},
        {"id": "espec", "kind": "especializacion"},
        {"id": "capac", "kind": "capacitacion", "date": "2017-05-10"},
        {"id": "actual", "kind": "actualizacion", "date": "2018-02-01"},
        {"id": "palmas", "kind": "palmas"},
        {"id": "recon", "kind": "reconocimiento"},
        {"id": "libro", "kind": "libro"},
        {"id": "aula", "kind": "profesor_aula", "start": "2005-03-01", "end": "2012-12-31"},
        {"id": "dir", "kind": "director_ie", "start": "2013-03-01", "end": "2018-12-31"},
        {"id": "ugel", "kind": "director_dre_ugel", "start": "2003-01-01", "end": "2003-12-31"},
        {"id": "esp", "kind": "especialista", "start": "2004-01-01", "end": "2004-12-31"},
    ]


def evidence(
    applicant: str, scale: str, correct: int, items: list[dict[str, Any]], disability: bool = False
) -> dict[str, Any]:
    service = {"id": "escala", "kind": "servicio_escala", "start": "2012-01-01", "end": None}
    return {
        "applicant_id": applicant,
        "as_of": AS_OF,
        "facts": {
            "escala": scale,
            "expediente_en_plazo": True,
            "idoneidad_etica": True,
            "discapacidad": disability,
        },
        "tests": {"pun": correct},
        "items": [service, *items],
    }


ACTA = [
    # documento, escala, respuestas, evidencia, discapacidad -> PUN, rubros, total, bonus, final
    ("31642325", "1", 37, full_trajectory(), False, "55.5", ("25", "10", "15"), "105.5", "0.000", "105.500"),
    (
        "44417178", "1", 43,
        [{"id": "dip", "kind": "posgrado", "nivel": "diplomado"},
         {"id": "aula", "kind": "profesor_aula", "start": "2015-03-01", "end": "2018-12-20"}],
        False, "64.5", ("2", "0", "4"), "70.5", "0.000", "70.500",
    ),
    (
        "31633516", "2", 46,
        [{"id": "palmas", "kind": "palmas"}, {"id": "recon", "kind": "reconocimiento"},
         {"id": "libro", "kind": "libro"},
         {"id": "ugel", "kind": "director_dre_ugel", "start": "2016-01-01", "end": "2017-06-30"},
         {"id": "esp", "kind": "especialista", "start": "2017-07-01", "end": "2018-12-31"}],
        True, "69", ("0", "10", "5"), "84", "12.600", "96.600",
    ),
    ("31681751", "2", 38, full_trajectory(), False, "57", ("25", "10", "15"), "107", "0.000", "107.000"),
    ("40727953", "2", 41, full_trajectory(), False, "61.5", ("25", "10", "15"), "111.5", "0.000", "111.500"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("doc", "scale", "correct", "items", "disability", "pun", "rubros", "total", "bonus", "final"),
    ACTA,
    ids=[row[0] for row in ACTA],
)
def test_acta_row_reproduces_exactly(
    rubric: Any, doc, scale, correct, items, disability, pun, rubros, total, bonus, final
) -> None:
    result = score(rubric, evidence(doc, scale, correct, items, disability)).to_dict()
    groups = {group["id"]: group["points"] for group in result["groups"]}
    assert result["status"] == "elegible"
    assert groups["pun"] == pun
    assert (groups["formacion"], groups["meritos"], groups["experiencia"]) == rubros
    assert result["total"] == total
    assert result["bonuses"][0]["amount"] == bonus
    assert result["final"] == final


def test_the_disability_bonus_is_fifteen_percent_of_the_total_with_three_decimals(
    rubric: Any,
) -> None:
    row = ACTA[2]
    result = score(rubric, evidence(row[0], row[1], row[2], row[3], True))
    assert result.total == Decimal("84")
    assert result.bonuses[0].amount == Decimal("12.600")
    assert result.final == Decimal("96.600")
    text = result.to_text()
    assert "Puntaje total: 84\n" in text
    assert "Discapacidad (15%): 12.600" in text
    assert "Puntaje final: 96.600" in text


def test_only_the_highest_postgraduate_degree_counts(rubric: Any) -> None:
    items = [
        {"id": "m", "kind": "posgrado", "nivel": "maestro"},
        {"id": "d", "kind": "posgrado", "nivel": "estudios_doctorado"},
        {"id": "dip", "kind": "posgrado", "nivel": "diplomado"},
    ]
    result = score(rubric, evidence("x", "1", 40, items))
    posgrado = result.groups[1].criteria[0]
    assert posgrado.points == Decimal("12")
    assert [use.item for use in posgrado.used] == ["d"]
    assert {r.item for r in posgrado.rejected} == {"m", "dip"}


def test_training_older_than_five_years_does_not_count(rubric: Any) -> None:
    items = [
        {"id": "old", "kind": "capacitacion", "date": "2014-07-31"},
        {"id": "edge", "kind": "actualizacion", "date": "2014-08-01"},
    ]
    result = score(rubric, evidence("x", "1", 40, items))
    capacitacion, actualizacion = result.groups[1].criteria[3:5]
    assert capacitacion.points == 0
    assert capacitacion.rejected[0].reason.startswith("Fuera de los últimos cinco años")
    assert actualizacion.points == 2  # exactly five years before the cut date counts


def test_a_school_year_is_not_twelve_months(rubric: Any) -> None:
    # 2016-04-01..2018-11-30 covers the school window of 2016, 2017 and 2018 (32 months,
    # under three 12-month years); a post that starts in May misses its first school year.
    items = [
        {"id": "aula", "kind": "profesor_aula", "start": "2016-04-01", "end": "2018-11-30"},
        {"id": "dir", "kind": "director_ie", "start": "2016-05-02", "end": "2018-12-31"},
    ]
    result = score(rubric, evidence("x", "1", 40, items))
    aula, director = result.groups[3].criteria[0:2]
    assert aula.points == 3
    assert director.points == 2
    assert "2017, 2018" in director.notes[0]


def test_a_dre_post_shorter_than_one_year_earns_nothing(rubric: Any) -> None:
    items = [
        {"id": "ugel", "kind": "director_dre_ugel", "start": "2017-01-01", "end": "2017-12-30"}
    ]
    result = score(rubric, evidence("x", "1", 40, items))
    criterion = result.groups[3].criteria[2]
    assert criterion.points == 0
    assert criterion.rejected[0].reason == "Permanencia menor de un año en el cargo."


def requirement(result: Any, requirement_id: str) -> Any:
    return next(r for r in result.requirements if r.id == requirement_id)


def test_scales_one_and_two_withdraw_on_any_failed_requirement(rubric: Any) -> None:
    data = evidence("x", "2", 40, [])
    data["facts"]["expediente_en_plazo"] = False
    result = score(rubric, data)
    assert not result.eligible
    assert requirement(result, "expediente").withdraws
    assert "retirado" in result.to_text()


def test_in_scales_three_to_six_the_rural_question_never_withdraws(rubric: Any) -> None:
    rubric3 = rubric.with_parameters({"tiempo_minimo": {"3": "4"}, "pun_minimo": {"3": "50"}})
    data = evidence("x", "3", 40, [])
    data["facts"]["rural_frontera"] = False
    result = score(rubric3, data)
    rural = requirement(result, "rural")
    assert rural.status == "no_cumple" and not rural.withdraws
    assert result.eligible


def test_rural_service_reduces_the_minimum_by_one_year_only_from_the_third_scale(
    rubric: Any,
) -> None:
    rubric3 = rubric.with_parameters({"tiempo_minimo": {"3": "4"}, "pun_minimo": {"3": "50"}})
    data = evidence("x", "3", 40, [])
    data["items"][0] = {"id": "e", "kind": "servicio_escala", "start": "2016-01-01", "end": None}
    data["facts"]["rural_frontera"] = False
    assert not score(rubric3, data).eligible  # 43 months < 48
    data["facts"]["rural_frontera"] = True
    assert score(rubric3, data).eligible  # 43 months >= 36


def test_unpaid_leave_and_suspension_are_subtracted_from_service(rubric: Any) -> None:
    data = evidence("x", "2", 40, [])
    data["items"][0] = {"id": "e", "kind": "servicio_escala", "start": "2015-01-01", "end": None}
    assert score(rubric, data).eligible  # 55 months >= 48
    data["items"].append(
        {"id": "lic", "kind": "periodo_no_computable", "motivo": "licencia_sin_goce",
         "start": "2016-01-01", "end": "2016-08-31"}
    )  # fmt: skip
    result = score(rubric, data)
    tiempo = requirement(result, "tiempo_minimo")
    assert tiempo.status == "no_cumple"  # 55 - 8 = 47 months
    assert (
        "Acredita 55 meses − 8 meses que no cuentan (licencias sin goce, suspensiones) = 47 meses"
        in tiempo.detail
    )
    assert not result.eligible


def test_below_the_pun_minimum_withdraws_and_a_missing_pun_too(rubric: Any) -> None:
    low = score(rubric, evidence("x", "1", 33, []))  # 49.5 < 50
    assert requirement(low, "pun_minimo").status == "no_cumple"
    assert not low.eligible
    data = evidence("x", "1", 0, [])
    del data["tests"]["pun"]
    absent = score(rubric, data)
    assert requirement(absent, "pun_minimo").detail == "No hay resultado de la prueba."
    assert not absent.eligible


def test_without_the_scale_parameters_the_requirements_are_pending_not_decided() -> None:
    result = score(load_rubric("minedu-ascenso-2019"), evidence("x", "1", 40, []))
    assert result.status == "pendiente"
    assert result.eligible
    tiempo = requirement(result, "tiempo_minimo")
    assert tiempo.status == "pendiente"
    assert "falta el valor del parámetro «Tiempo mínimo de servicio oficial" in tiempo.reason
    assert "Gráfico del numeral 1.2" in tiempo.reason
