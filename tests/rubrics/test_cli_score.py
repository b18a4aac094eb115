"""``merito rubric`` and ``merito score`` through the real console script."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from merito.rubrics import cli

EVIDENCE = {
    "applicant_id": "31633516",
    "as_of": "2019-08-01",
    "facts": {
        "escala": "2",
        "expediente_en_plazo": True,
        "idoneidad_etica": True,
        "discapacidad": True,
    },
    "tests": {"pun": 46},
    "items": [
        {"id": "escala", "kind": "servicio_escala", "start": "2012-01-01", "end": None},
        {"id": "palmas", "kind": "palmas"},
        {"id": "recon", "kind": "reconocimiento"},
        {"id": "libro", "kind": "libro"},
        {"id": "ugel", "kind": "director_dre_ugel", "start": "2016-01-01", "end": "2017-06-30"},
        {"id": "esp", "kind": "especialista", "start": "2017-07-01", "end": "2018-12-31"},
    ],
}
PARAMS = ["--param", "tiempo_minimo.2=4", "--param", "pun_minimo.2=50"]


@pytest.fixture()
def evidence_file(tmp_path: Path) -> Path:
    path = tmp_path / "evidencia.json"
    path.write_text(json.dumps(EVIDENCE), encoding="utf-8")
    return path


def test_rubric_list_names_the_three_shipped_rubrics(capsys) -> None:
    assert cli.main(["rubric", "list"]) == 0
    ids = [line.split("\t")[0] for line in capsys.readouterr().out.splitlines()]
    assert ids == ["cnsc-bateria-2026", "conaces-pares-2021", "minedu-ascenso-2019"]


def test_rubric_show_explains_in_spanish(capsys) -> None:
    assert cli.main(["rubric", "show", "conaces-pares-2021"]) == 0
    out = capsys.readouterr().out
    assert (
        "Productos de investigación (tipología MINCIENCIAS): puntos por cada uno según tipo" in out
    )
    assert "Lectura adoptada: Docencia:" in out


def test_rubric_schema_is_the_evidence_json_schema(capsys) -> None:
    assert cli.main(["rubric", "schema", "minedu-ascenso-2019"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["$schema"].endswith("2020-12/schema")
    kinds = [
        branch["properties"]["kind"]["const"]
        for branch in schema["properties"]["items"]["items"]["oneOf"]
    ]
    assert "periodo_no_computable" in kinds


def test_score_json_carries_every_figure_as_a_decimal_string(evidence_file, capsys) -> None:
    assert cli.main(["score", "minedu-ascenso-2019", str(evidence_file), *PARAMS]) == 0
    result = json.loads(capsys.readouterr().out)
    assert (result["total"], result["bonuses"][0]["amount"], result["final"]) == (
        "84",
        "12.600",
        "96.600",
    )
    figures = [result["total"], result["final"]] + [g["points"] for g in result["groups"]]
    assert all(isinstance(figure, str) for figure in figures)


def test_score_text_reads_stdin(monkeypatch, capsys) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps(EVIDENCE)))
    assert cli.main(["score", "minedu-ascenso-2019", "-", "--format", "text", *PARAMS]) == 0
    out = capsys.readouterr().out
    assert "Puntaje final: 96.600" in out
    assert "3.3 Director o Jefe de Gestión Pedagógica en DRE o UGEL (mínimo un año): 3" in out


def test_score_a_list_of_documents(tmp_path, capsys) -> None:
    path = tmp_path / "lote.json"
    path.write_text(
        json.dumps([EVIDENCE, {**EVIDENCE, "applicant_id": "otro", "tests": {"pun": 40}}])
    )
    assert cli.main(["score", "minedu-ascenso-2019", str(path), *PARAMS]) == 0
    finals = [r["final"] for r in json.loads(capsys.readouterr().out)]
    assert finals == ["96.600", "86.250"]  # (60 + 15) × 1.15


@pytest.mark.parametrize(
    ("argv", "content", "message"),
    [
        (["score", "no-existe", "{}"], "{}", "no existe la rúbrica «no-existe»; las incluidas son: cnsc-bateria-2026"),
        (["score", "minedu-ascenso-2019", "EVID"], "{\n  \"as_of\": ", "EVID: JSON inválido en la línea 2"),
        (["score", "conaces-pares-2021", "EVID"], '{"as_of": "2021-03-01", "items": [{"kind": "x"}]}',
         "Evidencia items[0].kind: tipo «x» desconocido"),
        (["score", "minedu-ascenso-2019", "EVID", "--param", "pun_minimo"], "{}", "--param «pun_minimo»: use NOMBRE=VALOR"),
        (["score", "minedu-ascenso-2019", "EVID", "--param", "edad=3"], "{}", "Rúbrica parameters.edad: parámetro desconocido"),
        (["rubric", "check", "EVID"], '{"format": 1}', "Rúbrica id: falta el texto o no es un texto."),
    ],
)  # fmt: skip
def test_bad_input_exits_2_with_a_spanish_message(tmp_path, capsys, argv, content, message) -> None:
    path = tmp_path / "entrada.json"
    path.write_text(content, encoding="utf-8")
    argv = [str(path) if arg == "EVID" else arg for arg in argv]
    message = message.replace("EVID", str(path))
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("merito: error: ")
    assert message in err
    assert "Traceback" not in err


def test_a_missing_evidence_file(capsys) -> None:
    assert cli.main(["score", "conaces-pares-2021", "/no/existe.json"]) == 2
    assert "no se puede leer /no/existe.json" in capsys.readouterr().err


def test_the_installed_console_script_scores(evidence_file) -> None:
    merito = Path(sys.executable).with_name("merito")
    out = subprocess.run(
        [str(merito), "score", "minedu-ascenso-2019", str(evidence_file), "--format", "text", *PARAMS],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert "Puntaje final: 96.600" in out.stdout
