"""``merito rubric list|show|schema|check`` and ``merito score``.

Bad input (an unknown rubric, malformed JSON, evidence that does not fit the rubric) ends
with a Spanish message naming the place of the fault and exit status 2, never a
traceback. The evidence format is documented in ``docs/rubrics.md`` and, per rubric, by
the JSON Schema that ``merito rubric schema ID`` prints (copies in ``docs/evidence/``).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import sys
from array import array
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from merito.rubrics.engine import score
from merito.rubrics.errors import PlacedError
from merito.rubrics.explain import explain_rubric
from merito.rubrics.fast import DocumentError, score_many
from merito.rubrics.registry import list_rubrics, load_rubric, rubric_from_file
from merito.rubrics.result import shown
from merito.rubrics.rubric import Rubric

EXIT_BAD_INPUT = 2


class _Fail(Exception):
    pass


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    rubric = subparsers.add_parser("rubric", help="rúbricas disponibles y su explicación")
    actions = rubric.add_subparsers(dest="action", required=True)
    lister = actions.add_parser("list", help="lista las rúbricas incluidas")
    lister.set_defaults(handler=run_list)
    show = actions.add_parser("show", help="explica una rúbrica en español")
    show.add_argument("rubric", metavar="ID|ARCHIVO.json")
    show.add_argument("--format", choices=("text", "json"), default="text")
    show.set_defaults(handler=run_show)
    schema = actions.add_parser("schema", help="JSON Schema de la evidencia que acepta una rúbrica")
    schema.add_argument("rubric", metavar="ID|ARCHIVO.json")
    schema.set_defaults(handler=run_schema)
    check = actions.add_parser("check", help="valida un archivo de rúbrica")
    check.add_argument("rubric", metavar="ARCHIVO.json")
    check.set_defaults(handler=run_show_check)

    scorer = subparsers.add_parser(
        "score",
        help="califica la evidencia de un postulante",
        description="Califica EVIDENCE.json (un objeto, o una lista de objetos) con la rúbrica "
        "indicada y muestra requisitos, puntos por criterio, topes, total, bonificación y final. "
        "Con --format csv, solo las cifras, una fila por documento, por la ruta rápida (para "
        "una convocatoria entera); EVIDENCE.jsonl trae un documento por línea.",
    )
    scorer.add_argument(
        "rubric", metavar="RUBRIC", help="id de una rúbrica incluida o ruta a un archivo .json"
    )
    scorer.add_argument(
        "evidence",
        metavar="EVIDENCE.json",
        help="evidencia ('-' lee stdin); .jsonl o --lines: un documento JSON por línea",
    )
    scorer.add_argument("--format", choices=("json", "text", "csv"), default="json")
    scorer.add_argument(
        "--lines", action="store_true", help="EVIDENCE es JSON Lines (un documento por línea)"
    )
    scorer.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NOMBRE[.CLAVE]=VALOR",
        help="valor de un parámetro de la rúbrica, p. ej. pun_minimo.2=60",
    )
    scorer.set_defaults(handler=run_score)


def _rubric(reference: str) -> Rubric:
    try:
        return load_rubric(reference)
    except KeyError:
        pass
    path = Path(reference)
    if path.suffix == ".json" and path.is_file():
        return rubric_from_file(path)
    known = ", ".join(r.id for r in list_rubrics())
    raise _Fail(f"no existe la rúbrica «{reference}»; las incluidas son: {known}.")


def _guard(run: Any) -> Any:
    def wrapped(args: argparse.Namespace) -> int:
        try:
            result: int = run(args)
        except (_Fail, PlacedError) as error:
            print(f"merito: error: {error}", file=sys.stderr)
            return EXIT_BAD_INPUT
        except UnicodeDecodeError:
            print(
                "merito: error: el archivo no está en UTF-8 (guárdelo como UTF-8 y vuelva a "
                "intentarlo).",
                file=sys.stderr,
            )
            return EXIT_BAD_INPUT
        except BrokenPipeError:  # e.g. `merito score … | head`: the reader left
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return 1
        except OSError as error:
            print(
                f"merito: error: no se puede leer {error.filename}: {error.strerror}.",
                file=sys.stderr,
            )
            return EXIT_BAD_INPUT
        return result

    return wrapped


@_guard
def run_list(args: argparse.Namespace) -> int:
    for rubric in list_rubrics():
        print(f"{rubric.id}\t{rubric.version}\t{rubric.title}")
    return 0


@_guard
def run_show(args: argparse.Namespace) -> int:
    rubric = _rubric(args.rubric)
    if args.format == "json":
        print(json.dumps(rubric.raw, ensure_ascii=False, indent=2))
        return 0
    print(f"{rubric.title} ({rubric.id}, versión {rubric.version})")
    for line in explain_rubric(rubric):
        print(line)
    return 0


@_guard
def run_show_check(args: argparse.Namespace) -> int:
    rubric = rubric_from_file(args.rubric)
    print(f"{args.rubric}: rúbrica válida ({rubric.id}, versión {rubric.version}).")
    return 0


@_guard
def run_schema(args: argparse.Namespace) -> int:
    print(json.dumps(_rubric(args.rubric).evidence_schema(), ensure_ascii=False, indent=2))
    return 0


def _parameters(pairs: list[str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise _Fail(f"--param «{pair}»: use NOMBRE=VALOR o NOMBRE.CLAVE=VALOR.")
        if "." in name:
            name, key = name.split(".", 1)
            values.setdefault(name, {})[key] = value
        else:
            values[name] = value
    return values


def _read_json(reference: str) -> Any:
    text = sys.stdin.read() if reference == "-" else Path(reference).read_text(encoding="utf-8")
    try:
        return json.loads(text.removeprefix("\ufeff"))  # a BOM, as Windows tools write
    except json.JSONDecodeError as error:
        where = "stdin" if reference == "-" else reference
        raise _Fail(
            f"{where}: JSON inválido en la línea {error.lineno}, "
            f"columna {error.colno}: {error.msg}."
        ) from None


@_guard
def run_score(args: argparse.Namespace) -> int:
    rubric = _rubric(args.rubric)
    if args.param:
        rubric = rubric.with_parameters(_parameters(args.param))
    lines = args.lines or args.evidence.endswith(".jsonl")
    if args.format == "csv":
        return _score_csv(rubric, args.evidence, lines)
    if lines:
        raise _Fail("JSON Lines (--lines, .jsonl) solo con --format csv.")
    raw = _read_json(args.evidence)
    documents = raw if isinstance(raw, list) else [raw]
    results = []
    for index, document in enumerate(documents):
        try:
            results.append(score(rubric, document))
        except PlacedError as error:
            if isinstance(raw, list):
                raise _Fail(f"documento [{index}]: {error}") from None
            raise
    if args.format == "text":
        print("\n".join(result.to_text() for result in results), end="")
    else:
        dicts = [result.to_dict() for result in results]
        print(
            json.dumps(dicts if isinstance(raw, list) else dicts[0], ensure_ascii=False, indent=2)
        )
    return 0


def _json_lines(handle: BinaryIO, where: str, numbers: array[int]) -> Iterator[Any]:
    """The documents of a JSON Lines file, one per non-blank line (UTF-8, a BOM allowed at
    the start; lines end at "\\n", a "\\r" before it is dropped); ``numbers`` gets the
    line number of each. Read as bytes, so a line that is not UTF-8 is named."""
    for number, raw in enumerate(handle, start=1):
        try:
            line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError:
            raise _Fail(f"{where}, línea {number}: el texto no está en UTF-8.") from None
        if not line.strip():
            continue
        try:
            document = json.loads(line.rstrip("\r\n"))
        except json.JSONDecodeError as error:
            raise _Fail(
                f"{where}, línea {number}: JSON inválido en la columna {error.colno}: {error.msg}."
            ) from None
        numbers.append(number)
        yield document


def _score_csv(rubric: Rubric, reference: str, lines: bool) -> int:
    """One CSV row of figures per document (``score_many``), written as they come. A
    document that cannot be scored stops the run (exit 2) after the rows of those before
    it; a line that is not JSON, before any row of its batch of 10,000."""
    where = "stdin" if reference == "-" else reference
    numbers: array[int] = array("q")
    handle: BinaryIO | None = None
    raw: Any = None
    if lines:
        handle = sys.stdin.buffer if reference == "-" else open(reference, "rb")  # noqa: SIM115
        documents: Any = _json_lines(handle, where, numbers)
    else:
        raw = _read_json(reference)
        documents = raw if isinstance(raw, list) else [raw]
    requirements = [req.id for req in rubric.requirements]
    groups = [group.id for group in rubric.groups]
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(
        [
            "applicant_id",
            "status",
            "eligible",
            *(f"requisito.{name}" for name in requirements),
            *(f"grupo.{name}" for name in groups),
            "total",
            "final",
        ]
    )
    places = {level: rubric.precision.get(level) for level in ("group", "total", "final")}
    fallbacks: Counter[str] = Counter()
    scored = 0
    try:
        for figures in score_many(rubric, documents, fallbacks=fallbacks):
            scored += 1
            writer.writerow(
                [
                    figures.applicant_id,
                    figures.status,
                    "no" if figures.status == "retirado" else "sí",  # as the JSON's eligible
                    *figures.requirements,
                    *(shown(group, places["group"]) for group in figures.groups),
                    shown(figures.total, places["total"]),
                    shown(figures.final, places["final"]),
                ]
            )
    except DocumentError as error:
        if lines:
            raise _Fail(f"{where}, línea {numbers[error.index]}: {error.error}") from None
        if isinstance(raw, list):
            raise _Fail(f"documento [{error.index}]: {error.error}") from None
        raise error.error from None
    finally:
        if handle is not None and handle is not sys.stdin.buffer:
            handle.close()
    _report_fallbacks(fallbacks, scored)
    return 0


def _report_fallbacks(fallbacks: Counter[str], scored: int) -> None:
    """On stderr: how many documents the explained path scored instead of the compiled one,
    and why (the CSV on stdout is the same either way)."""
    total = sum(fallbacks.values())
    if not total:
        return
    reasons = "; ".join(f"{reason}: {count}" for reason, count in fallbacks.most_common())
    print(
        f"{total} de {scored} documentos puntuados por la vía explicada "
        f"(score) en lugar de la compilada — {reasons}",
        file=sys.stderr,
    )
