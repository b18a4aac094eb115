"""``merito rubric`` and ``merito score`` through the real console script."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from decimal import Decimal
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


def test_score_csv_of_json_lines_gives_the_explained_figures_and_feeds_rank(
    tmp_path, capsys
) -> None:
    """The bulk path: one CSV row per line (blank lines skipped), figures written as
    the JSON result writes them, in a file ``merito rank`` reads as it is."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
    from bench_scoring import SEED, Generator

    from merito.rubrics import load_rubric, score

    documents = Generator(SEED + 5).chunk(30, 0.2)
    path = tmp_path / "lote.jsonl"
    path.write_text(
        "".join(json.dumps(d) + ("\n\n" if n == 3 else "\n") for n, d in enumerate(documents))
    )
    assert cli.main(["score", "conaces-pares-2021", str(path), "--format", "csv"]) == 0
    captured = capsys.readouterr()
    rows = list(csv.DictReader(io.StringIO(captured.out)))
    assert "vía explicada" not in captured.err  # every document took the compiled path
    rubric = load_rubric("conaces-pares-2021")
    assert len(rows) == 30
    for row, document in zip(rows, documents, strict=True):
        explained = score(rubric, document).to_dict()
        assert row["applicant_id"] == explained["applicant_id"]
        assert (row["total"], row["final"]) == (explained["total"], explained["final"])
        assert row["eligible"] == ("sí" if explained["status"] == "elegible" else "no")
        for group in explained["groups"]:
            assert row[f"grupo.{group['id']}"] == group["result"]
        for requirement in explained["requirements"]:
            assert row[f"requisito.{requirement['id']}"] == requirement["status"]
    assert any(row["eligible"] == "no" for row in rows)  # the population has withdrawals
    table = tmp_path / "resultados.csv"
    assert cli.main(["score", "conaces-pares-2021", str(path), "--format", "csv"]) == 0
    table.write_text(capsys.readouterr().out)
    ranked_path = tmp_path / "orden.csv"
    assert cli.main(["rank", str(table), "-o", str(ranked_path)]) == 0
    ranked = list(csv.DictReader(ranked_path.open()))
    # Everyone is ranked by final score (the withdrawn keep a rank, never a seat).
    finals = [Decimal(row["final"]) for row in ranked if row["rank"]]
    assert finals == sorted(finals, reverse=True) and len(finals) == 30


def test_score_csv_reads_a_json_list_and_stdin_lines(tmp_path, monkeypatch, capsys) -> None:
    path = tmp_path / "lote.json"
    other = {**EVIDENCE, "applicant_id": "otro", "tests": {"pun": 40}}
    path.write_text(json.dumps([EVIDENCE, other]))
    assert cli.main(["score", "minedu-ascenso-2019", str(path), "--format", "csv", *PARAMS]) == 0
    captured = capsys.readouterr()
    rows = list(csv.DictReader(io.StringIO(captured.out)))
    # This rubric (with its parameters) is not compiled: the run says so, with the count.
    assert "2 de 2 documentos puntuados por la vía explicada" in captured.err
    assert [(r["applicant_id"], r["final"]) for r in rows] == [
        ("31633516", "96.600"),
        ("otro", "86.250"),
    ]
    stdin = io.TextIOWrapper(io.BytesIO((json.dumps(other) + "\n").encode()), encoding="utf-8")
    monkeypatch.setattr(sys, "stdin", stdin)
    argv = ["score", "minedu-ascenso-2019", "-", "--lines", "--format", "csv", *PARAMS]
    assert cli.main(argv) == 0
    assert capsys.readouterr().out.splitlines()[1].endswith(",86.250")


@pytest.mark.parametrize(
    ("lines", "message", "rows"),
    [
        # A line that is not JSON stops the reading of its batch: no row of it is written.
        (['{"as_of": "2021-03-01"}', "", '{"as_of": '], "EVID, línea 3: JSON inválido en la columna 11: Expecting value.", 0),
        # Evidence that cannot be scored: the rows of the documents before it are written.
        (['{"as_of": "2021-03-01"}', '{"as_of": "2021-03-01", "items": [{"kind": "x"}]}'],
         "EVID, línea 2: Evidencia items[0].kind: tipo «x» desconocido", 1),
        (['{"as_of": "2021-03-01"}', "[]"], "EVID, línea 2: Evidencia", 1),
    ],
)  # fmt: skip
def test_score_csv_names_the_line_of_a_bad_document(tmp_path, capsys, lines, message, rows) -> None:
    path = tmp_path / "lote.jsonl"
    path.write_text("\n".join(lines) + "\n")
    assert cli.main(["score", "conaces-pares-2021", str(path), "--format", "csv"]) == 2
    captured = capsys.readouterr()
    assert message.replace("EVID", str(path)) in captured.err and "Traceback" not in captured.err
    assert captured.out.count("\n") == 1 + rows  # the header, and the rows written


def test_json_lines_only_with_csv(tmp_path, capsys) -> None:
    path = tmp_path / "lote.jsonl"
    path.write_text("{}\n")
    assert cli.main(["score", "conaces-pares-2021", str(path)]) == 2
    assert "JSON Lines (--lines, .jsonl) solo con --format csv." in capsys.readouterr().err


def test_score_csv_takes_a_bom_crlf_and_a_lone_cr_inside_a_line(tmp_path, capsys) -> None:
    path = tmp_path / "lote.jsonl"
    first = json.dumps({**EVIDENCE, "applicant_id": "uno"})
    second = json.dumps({**EVIDENCE, "applicant_id": "dos"}).replace(", ", ",\r ", 1)
    path.write_bytes(b"\xef\xbb\xbf" + first.encode() + b"\r\n" + second.encode() + b"\r\n")
    argv = ["score", "minedu-ascenso-2019", str(path), "--format", "csv", *PARAMS]
    assert cli.main(argv) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [(r["applicant_id"], r["final"]) for r in rows] == [("uno", "96.600"), ("dos", "96.600")]


def test_text_that_is_not_utf8_exits_2_naming_the_line(tmp_path, capsys) -> None:
    path = tmp_path / "lote.jsonl"
    path.write_bytes(b'{"as_of": "2021-03-01"}\n{"applicant_id": "\xe9"}\n')
    assert cli.main(["score", "conaces-pares-2021", str(path), "--format", "csv"]) == 2
    err = capsys.readouterr().err
    assert f"{path}, línea 2: el texto no está en UTF-8." in err and "Traceback" not in err
    whole = tmp_path / "lote.json"
    whole.write_bytes(b'{"applicant_id": "\xe9"}')
    assert cli.main(["score", "conaces-pares-2021", str(whole)]) == 2
    assert "el archivo no está en UTF-8" in capsys.readouterr().err


def test_score_csv_of_one_document_reports_like_the_json_mode(tmp_path, capsys) -> None:
    path = tmp_path / "uno.json"
    path.write_text('{"as_of": "2021-03-01", "items": [{"kind": "x"}]}')
    assert cli.main(["score", "conaces-pares-2021", str(path), "--format", "csv"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("merito: error: Evidencia items[0].kind: tipo «x» desconocido")


def test_a_pending_applicant_is_eligible_in_the_csv_as_in_the_json(tmp_path, capsys) -> None:
    pending = {
        **EVIDENCE,
        "facts": {k: v for k, v in EVIDENCE["facts"].items() if k != "idoneidad_etica"},
    }
    path = tmp_path / "uno.json"
    path.write_text(json.dumps(pending))
    assert cli.main(["score", "minedu-ascenso-2019", str(path), *PARAMS]) == 0
    explained = json.loads(capsys.readouterr().out)
    assert (explained["status"], explained["eligible"]) == ("pendiente", True)
    assert cli.main(["score", "minedu-ascenso-2019", str(path), "--format", "csv", *PARAMS]) == 0
    row = next(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert (row["status"], row["eligible"]) == ("pendiente", "sí")
