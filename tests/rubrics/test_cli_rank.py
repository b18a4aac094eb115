"""``merito rank`` and ``merito allocate`` on CSV files: output, reports and bad input."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from merito.rubrics import commands_rank

GROUP_BY = "--group-by=region,grupo,escala"

# The seed 001 acta (UGEL Huaraz, EBR Primaria) plus a withdrawn applicant and a tie.
RESULTS = """\
applicant_id,region,grupo,escala,pun,final,eligible,disability
31642325,ÁNCASH,EBR Primaria,Primera,55.5,105.500,sí,no
44417178,ÁNCASH,EBR Primaria,Primera,64.5,70.500,sí,no
31633516,ÁNCASH,EBR Primaria,Segunda,69,96.600,sí,sí
31681751,ÁNCASH,EBR Primaria,Segunda,57,107.000,sí,no
40727953,ÁNCASH,EBR Primaria,Segunda,61.5,111.500,no,no
50000001,ÁNCASH,EBR Primaria,Segunda,57,107.0,sí,no
"""

VACANCIES = """\
region,grupo,escala,vacancies
ÁNCASH,EBR Primaria,Primera,1
ÁNCASH,EBR Primaria,Segunda,2
"""


def run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="merito")
    commands_rank.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    status: int = args.handler(args)
    return status


@pytest.fixture
def files(tmp_path: Path) -> Path:
    (tmp_path / "results.csv").write_text(RESULTS, encoding="utf-8")
    (tmp_path / "vacancies.csv").write_text(VACANCIES, encoding="utf-8")
    return tmp_path


def test_rank_writes_the_merit_order_per_group_and_reports_the_tie(
    files: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = files / "ranked.csv"
    status = run(
        "rank", str(files / "results.csv"), "-o", str(out), "--tie-break=final:desc,pun:desc",
        GROUP_BY,
    )  # fmt: skip
    assert status == 0
    assert out.read_text(encoding="utf-8") == (
        "applicant_id,region,grupo,escala,pun,final,eligible,disability,rank,tie\n"
        "31642325,ÁNCASH,EBR Primaria,Primera,55.5,105.500,sí,no,1,\n"
        "44417178,ÁNCASH,EBR Primaria,Primera,64.5,70.500,sí,no,2,\n"
        "40727953,ÁNCASH,EBR Primaria,Segunda,61.5,111.500,no,no,1,\n"
        "31681751,ÁNCASH,EBR Primaria,Segunda,57,107.000,sí,no,2,2-3\n"
        "50000001,ÁNCASH,EBR Primaria,Segunda,57,107.0,sí,no,3,2-3\n"
        "31633516,ÁNCASH,EBR Primaria,Segunda,69,96.600,sí,sí,4,\n"
    )
    err = capsys.readouterr().err
    assert (
        "Empate no resuelto (grupo ÁNCASH / EBR Primaria / Segunda, puestos 2–3): "
        "31681751, 50000001 son iguales en Puntaje final, pun;" in err
    )
    assert "6 postulantes ordenados en 2 grupo(s); 1 empate(s) no resuelto(s)." in err


def test_the_chain_breaks_a_tie_on_the_final_score(
    files: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (files / "results.csv").write_text(
        "applicant_id,pun,final\nA,60,100\nB,70,100\n", encoding="utf-8"
    )
    assert run("rank", str(files / "results.csv"), "--tie-break=pun") == 0
    captured = capsys.readouterr()
    assert captured.out == "applicant_id,pun,final,rank,tie\nB,70,100,1,\nA,60,100,2,\n"
    assert "0 empate(s) no resuelto(s)" in captured.err


def test_allocate_gives_seats_in_merit_order_with_a_disability_quota(
    files: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = run(
        "allocate", str(files / "results.csv"), "--vacancies", str(files / "vacancies.csv"),
        "--tie-break=final,pun", GROUP_BY, "--quota", "disability=0.5",
    )  # fmt: skip
    assert status == 0
    captured = capsys.readouterr()
    # Segunda: 2 vacancies, 1 reserved (50 % floor). The withdrawn first place gets no seat;
    # 31681751 takes the general seat over 50000001 only by applicant_id (reported), and
    # the reserved seat goes to 31633516, the only disability applicant.
    assert captured.out.splitlines() == [
        "applicant_id,region,grupo,escala,pun,final,eligible,disability,rank,tie,assigned,"
        "assigned_by",
        "31642325,ÁNCASH,EBR Primaria,Primera,55.5,105.500,sí,no,1,,sí,general",
        "44417178,ÁNCASH,EBR Primaria,Primera,64.5,70.500,sí,no,2,,no,",
        "40727953,ÁNCASH,EBR Primaria,Segunda,61.5,111.500,no,no,1,,no,",
        "31681751,ÁNCASH,EBR Primaria,Segunda,57,107.000,sí,no,2,2-3,sí,general",
        "50000001,ÁNCASH,EBR Primaria,Segunda,57,107.0,sí,no,3,2-3,no,",
        "31633516,ÁNCASH,EBR Primaria,Segunda,69,96.600,sí,sí,4,,sí,disability",
    ]
    assert "ATENCIÓN: este empate decide una vacante" in captured.err
    assert (
        "3 vacante(s) en 2 grupo(s): orden general 2, cuota disability 1; 0 reservada(s) "
        "devuelta(s) al orden general; 0 sin cubrir." in captured.err
    )


def test_allocate_keeps_the_ranks_of_a_ranked_file(
    files: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A committee resolved the tie in favour of 50000001 by editing the ranks.
    ranked = files / "ranked.csv"
    ranked.write_text(
        "applicant_id,escala,final,rank\n"
        "31681751,Segunda,107.000,3\n"
        "50000001,Segunda,107.0,2\n"
        "31633516,Segunda,96.600,4\n"
        "40727953,Segunda,111.500,1\n",
        encoding="utf-8",
    )
    (files / "vacancies.csv").write_text("escala,vacancies\nSegunda,1\n", encoding="utf-8")
    status = run(
        "allocate", str(ranked), "--vacancies", str(files / "vacancies.csv"),
        "--group-by", "escala",
    )  # fmt: skip
    assert status == 0
    assert capsys.readouterr().out.splitlines() == [
        "applicant_id,escala,final,rank,assigned,assigned_by",
        "40727953,Segunda,111.500,1,sí,general",
        "50000001,Segunda,107.0,2,no,",
        "31681751,Segunda,107.000,3,no,",
        "31633516,Segunda,96.600,4,no,",
    ]


def test_a_global_allocation_reads_a_single_vacancies_row(
    files: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (files / "vacancies.csv").write_text("vacancies\n2\n", encoding="utf-8")
    status = run(
        "allocate", str(files / "results.csv"), "--vacancies", str(files / "vacancies.csv")
    )
    assert status == 0
    seated = [line.split(",")[0] for line in capsys.readouterr().out.splitlines()[1:]]
    assert seated[:3] == ["40727953", "31681751", "50000001"]


BAD_INPUT = [
    (
        "applicant_id,final\nA,1.5\nB,1,5\n",
        [],
        "results.csv, fila 3: tiene 3 valores y el encabezado 2 columnas.",
    ),
    (
        "applicant_id,final\nA,1.5\nB,abc\n",
        [],
        "results.csv, fila 3, columna 'final': 'abc' no es un número decimal",
    ),
    ("applicant_id,final\nA,Infinity\n", [], "fila 2, columna 'final': 'Infinity' no es"),
    ("applicant_id,puntaje\nA,1.5\n", [], "results.csv: falta la columna 'final'."),
    ("applicant_id,final\nA,1\n", ["--tie-break=pun"], "falta la columna 'pun'."),
    ("applicant_id,final\nA,1\nA,2\n", [], "fila 3: el postulante A ya aparece en la fila 2."),
    ("applicant_id,final\n,1\n", [], "fila 2, columna 'applicant_id': está vacía."),
    ("applicant_id,final,eligible\nA,1,quizá\n", [], "columna 'eligible': 'quizá' no es sí/no"),
    ("applicant_id,final,final\nA,1,1\n", [], "columna repetida: final."),
    ("", [], "results.csv: el archivo está vacío."),
    ("applicant_id,final\nA,1\n", ["--tie-break=pun:up"], "--tie-break: 'pun:up' no es"),
    ("applicant_id,final\nA,1\n", ["--tie-break=final:asc"], "de mayor a menor"),
    ("applicant_id,final\nA,1\n", ["--group-by=a,a"], "--group-by: una columna aparece dos"),
]


@pytest.mark.parametrize(("content", "options", "message"), BAD_INPUT)
def test_bad_results_end_with_a_spanish_message_and_status_2(
    files: Path,
    capsys: pytest.CaptureFixture[str],
    content: str,
    options: list[str],
    message: str,
) -> None:
    (files / "results.csv").write_text(content, encoding="utf-8")
    assert run("rank", str(files / "results.csv"), *options) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert message in captured.err
    assert captured.err.startswith("merito: error: ")
    assert "Traceback" not in captured.err


BAD_ALLOCATION = [
    (
        "region,grupo,escala,vacancies\nÁNCASH,EBR Primaria,Primera,-1\n",
        [],
        "vacancies.csv, fila 2, columna 'vacancies': '-1' no es un número entero de vacantes "
        "(no puede ser negativo).",
    ),
    (
        "region,grupo,escala,vacancies\nÁNCASH,EBR Primaria,Primera,²\n",
        [],
        "columna 'vacancies': '²' no es un número entero",
    ),
    (
        "region,grupo,escala,vacancies\nÁNCASH,EBR Primaria,Primera,1\n",
        [],
        "results.csv, fila 4: el grupo (region=ÁNCASH, grupo=EBR Primaria, escala=Segunda) "
        "del postulante 31633516 no figura en el archivo de vacantes.",
    ),
    (
        VACANCIES + "ÁNCASH,EBR Primaria,Primera,3\n",
        [],
        "vacancies.csv, fila 4: el grupo ÁNCASH / EBR Primaria / Primera ya aparece en la fila 2.",
    ),
    ("region,grupo,vacancies\n", [], "vacancies.csv: falta la columna 'escala'."),
    (VACANCIES, ["--quota", "disability"], "--quota: 'disability' no es válido"),
    (VACANCIES, ["--quota", "disability=0.05:round"], "--quota: 'disability=0.05:round' no es"),
    (VACANCIES, ["--quota", "disability=2"], "--quota: La cuota 'disability' debe ser"),
    (VACANCIES, ["--quota", "licenciado=0.1"], "results.csv: falta la columna 'licenciado'."),
]


@pytest.mark.parametrize(("vacancies", "options", "message"), BAD_ALLOCATION)
def test_bad_vacancies_or_quotas_end_with_a_spanish_message_and_status_2(
    files: Path,
    capsys: pytest.CaptureFixture[str],
    vacancies: str,
    options: list[str],
    message: str,
) -> None:
    (files / "vacancies.csv").write_text(vacancies, encoding="utf-8")
    status = run(
        "allocate", str(files / "results.csv"), "--vacancies", str(files / "vacancies.csv"),
        GROUP_BY, *options,
    )  # fmt: skip
    assert status == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert message in captured.err
    assert "Traceback" not in captured.err


@pytest.mark.parametrize(
    ("ranked", "message"),
    [
        ("applicant_id,final,rank\nA,1,x\n", "fila 2, columna 'rank': 'x' no es un puesto"),
        ("applicant_id,final,rank\nA,1,0\n", "columna 'rank': '0' no es un puesto"),
        (
            "applicant_id,final,rank\nA,1,1\nB,1,1\n",
            "fila 3, columna 'rank': el puesto 1 ya está en la fila 2 del mismo grupo.",
        ),
    ],
)
def test_bad_given_ranks_are_refused(
    files: Path, capsys: pytest.CaptureFixture[str], ranked: str, message: str
) -> None:
    (files / "ranked.csv").write_text(ranked, encoding="utf-8")
    (files / "vacancies.csv").write_text("vacancies\n1\n", encoding="utf-8")
    status = run("allocate", str(files / "ranked.csv"), "--vacancies", str(files / "vacancies.csv"))
    assert status == 2
    assert message in capsys.readouterr().err


def test_missing_and_unwritable_files_are_reported_in_spanish(
    files: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("rank", str(files / "nothing.csv")) == 2
    assert "nothing.csv: no existe el archivo o la carpeta." in capsys.readouterr().err
    assert run("rank", str(files / "results.csv"), "-o", str(files / "no" / "out.csv")) == 2
    assert "out.csv: no existe el archivo o la carpeta." in capsys.readouterr().err


def test_a_file_not_in_utf8_is_refused(files: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (files / "results.csv").write_bytes("applicant_id,final\nÑ,1\n".encode("latin-1"))
    assert run("rank", str(files / "results.csv")) == 2
    assert "results.csv: el archivo no está en UTF-8." in capsys.readouterr().err


def test_the_merito_command_line_dispatches_rank_and_allocate(
    files: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from merito.rubrics import cli

    assert cli.main(["rank", str(files / "results.csv"), GROUP_BY]) == 0
    assert "rank,tie" in capsys.readouterr().out
    argv = ["allocate", str(files / "results.csv"), "--vacancies", str(files / "vacancies.csv")]
    assert cli.main([*argv, GROUP_BY]) == 0
    assert "assigned,assigned_by" in capsys.readouterr().out
    assert cli.main([*argv, "--quota", "x"]) == 2
