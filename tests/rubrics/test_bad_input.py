"""Bad rubric files and bad evidence: a clear Spanish error naming the place, never a traceback."""

from __future__ import annotations

import copy
import json
from importlib import resources
from typing import Any

import pytest

from merito.rubrics import (
    EvidenceError,
    RubricError,
    load_rubric,
    parse_rubric,
    rubric_from_text,
    score,
)


def shipped(rubric_id: str) -> dict[str, Any]:
    text = resources.files("merito.rubrics.data").joinpath(f"{rubric_id}.json").read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@pytest.fixture()
def conaces() -> dict[str, Any]:
    return copy.deepcopy(shipped("conaces-pares-2021"))


def refused(raw: Any) -> RubricError:
    with pytest.raises(RubricError) as caught:
        parse_rubric(raw)
    return caught.value


def test_every_shipped_rubric_loads() -> None:
    for rubric_id in ("conaces-pares-2021", "minedu-ascenso-2019", "cnsc-bateria-2026"):
        assert load_rubric(rubric_id).id == rubric_id


def test_invalid_json_names_line_and_column() -> None:
    with pytest.raises(RubricError) as caught:
        rubric_from_text('{"format": 1,\n  "id": }', "borrador.json")
    assert str(caught.value).startswith(
        "Rúbrica borrador.json: JSON inválido en la línea 2, columna 9"
    )


def test_an_unknown_method_names_the_criterion(conaces) -> None:
    conaces["groups"][1]["criteria"][0]["method"] = "por_año"
    error = refused(conaces)
    assert error.place == "groups[1].criteria[0].method"
    assert "método «por_año» desconocido" in error.message


def test_points_that_are_not_a_number(conaces) -> None:
    conaces["groups"][3]["criteria"][1]["points"]["table"]["libro"] = "tres"
    assert refused(conaces).place == "groups[3].criteria[1].points.table.libro"


def test_a_negative_cap(conaces) -> None:
    conaces["groups"][0]["cap"] = "-10"
    error = refused(conaces)
    assert (error.place, error.message) == (
        "groups[0].cap",
        "«-10» debe ser un número no negativo.",
    )


def test_a_misspelt_key_is_not_silently_ignored(conaces) -> None:
    conaces["groups"][0]["criteria"][0]["conditons"] = []
    error = refused(conaces)
    assert error.place == "groups[0].criteria[0]"
    assert "claves desconocidas: conditons" in error.message


def test_after_must_name_a_consuming_requirement(conaces) -> None:
    conaces["groups"][3]["criteria"][1]["after"] = "investigacion"
    error = refused(conaces)
    assert error.place == "groups[3].criteria[1].after"


def test_an_unknown_condition_operator(conaces) -> None:
    conaces["requirements"][0]["match"] = {"field": "level", "equals": "doctorado"}
    assert refused(conaces).place == "requirements[0].match"


def test_an_undeclared_item_kind(conaces) -> None:
    conaces["groups"][0]["criteria"][0]["kind"] = "diploma"
    error = refused(conaces)
    assert error.place == "groups[0].criteria[0].kind"
    assert "no declarado en item_kinds" in error.message


def test_a_tie_break_on_an_unknown_figure(conaces) -> None:
    conaces["tie_breaks"][0]["field"] = "edad"
    assert refused(conaces).place == "tie_breaks[0].field"


def test_weights_must_add_up_to_one_hundred() -> None:
    simo = shipped("cnsc-bateria-2026")
    simo["groups"][0]["weight"] = "55"
    error = refused(simo)
    assert error.place == "groups"
    assert "suman 105 %" in error.message


def test_an_unsupported_format(conaces) -> None:
    del conaces["format"]
    assert refused(conaces).place == "format"


def test_an_undeclared_parameter() -> None:
    peru = shipped("minedu-ascenso-2019")
    peru["requirements"][3]["years"] = {"param": "años"}
    assert refused(peru).place == "requirements[3].years.param"


# --- evidence ---------------------------------------------------------------------------------


def bad(evidence: Any, rubric_id: str = "conaces-pares-2021") -> EvidenceError:
    with pytest.raises(EvidenceError) as caught:
        score(load_rubric(rubric_id), evidence)
    return caught.value


def doc(*items: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"as_of": "2021-03-01", "items": list(items), **extra}


@pytest.mark.parametrize(
    ("evidence", "place", "message"),
    [
        ([], "", "el documento de evidencia debe ser un objeto JSON."),
        ({"items": []}, "as_of", "falta la fecha de corte (as_of) de la convocatoria."),
        (doc(as_of="2021-02-30"), "as_of", "«2021-02-30» no es una fecha AAAA-MM-DD."),
        (doc({"kind": "diploma"}), "items[0].kind", "tipo «diploma» desconocido; use uno de: titulo,"),
        (doc({"kind": "titulo"}), "items[0].level", "falta el campo obligatorio (Nivel de formación)."),
        (doc({"kind": "titulo", "level": "bachiller"}), "items[0].level", "valor «bachiller» no permitido"),
        (doc({"kind": "titulo", "level": "maestria", "nota": 5}), "items[0].nota", "campo desconocido"),
        (doc({"kind": "titulo", "level": "maestria", "foreign": "sí"}), "items[0].foreign", "no es verdadero o falso"),
        (
            doc({"kind": "experiencia", "category": "otra", "start": "2020-01-01", "end": "2019-12-31"}),
            "items[0].end",
            "la fecha final 2019-12-31 es anterior a la inicial 2020-01-01.",
        ),
        (doc({"kind": "experiencia", "category": "otra"}), "items[0].start", "falta la fecha de inicio"),
        (doc({"kind": "evaluacion_calidad", "type": "sala_conaces", "year": -2015}), "items[0].year", "no puede ser menor que 1900"),
        (doc({"kind": "sociedad", "start": "2020-01-01"}), "items[0]", "no llevan periodo"),
        (doc({"id": "a", "kind": "sociedad"}, {"id": "a", "kind": "sociedad"}), "items[1].id", "«a» está repetido"),
        (doc(facts={"edad": 40}), "facts.edad", "dato desconocido para esta rúbrica."),
        (doc(tests={"pun": 40}), "tests.pun", "prueba desconocida para esta rúbrica."),
        (doc(items={}), "items", "debe ser una lista."),
        (doc(color="azul"), "color", "clave desconocida en la evidencia."),
    ],
)  # fmt: skip
def test_bad_evidence_names_the_place(evidence: Any, place: str, message: str) -> None:
    error = bad(evidence)
    assert error.place == place
    assert message in error.message


def test_a_test_result_above_its_maximum_is_refused() -> None:
    error = bad(
        {"as_of": "2019-08-01", "facts": {"escala": "1"}, "tests": {"pun": 61}},
        "minedu-ascenso-2019",
    )
    assert (error.place, error.message) == ("tests.pun", "el resultado 61 debe estar entre 0 y 60.")


def test_negative_years_in_a_parameter_are_refused() -> None:
    with pytest.raises(RubricError) as caught:
        load_rubric("minedu-ascenso-2019").with_parameters({"tiempo_minimo": {"2": "-4"}})
    assert caught.value.place == "parameters.tiempo_minimo.2"


def test_a_period_starting_after_the_cut_date_is_rejected_with_its_reason() -> None:
    result = score(
        load_rubric("conaces-pares-2021"),
        doc({"id": "fut", "kind": "experiencia", "category": "directivo_publico", "level": "nacional",
             "start": "2021-03-02", "end": None}),
    )  # fmt: skip
    directivos = result.groups[-1].criteria[0]
    assert (
        directivos.rejected[0].reason
        == "El periodo empieza después de la fecha de corte: no cuenta."
    )


def test_a_table_parameter_needs_its_key_and_known_keys() -> None:
    rubric = load_rubric("minedu-ascenso-2019")
    with pytest.raises(RubricError) as whole:
        rubric.with_parameters({"pun_minimo": "50"})
    assert "es una tabla por «escala»" in whole.value.message
    with pytest.raises(RubricError) as unknown:
        rubric.with_parameters({"pun_minimo": {"9": "50"}})
    assert unknown.value.place == "parameters.pun_minimo.9"


def test_evidence_meant_for_another_rubric_is_refused() -> None:
    error = bad({"rubric": "minedu-ascenso-2019", "as_of": "2021-03-01"})
    assert error.place == "rubric"
    assert "es para la rúbrica «minedu-ascenso-2019», no para «conaces-pares-2021»" in error.message


def test_an_unanswered_question_is_pending_with_its_own_reason() -> None:
    result = score(
        load_rubric("minedu-ascenso-2019"), {"as_of": "2019-08-01", "facts": {"escala": "1"}}
    )
    expediente = next(r for r in result.requirements if r.id == "expediente")
    assert expediente.status == "pendiente"
    assert expediente.reason == "No se puede decidir: sin respuesta registrada."
