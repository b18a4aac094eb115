"""``merito rank`` and ``merito allocate``: merit order and vacancy allocation on CSV files.

Columns, values and the allocation rule are documented in ``docs/allocation.md``. Bad
input ends with a Spanish message naming the file, row and column, and exit status 2.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal, InvalidOperation
from typing import TextIO

from merito.rubrics.allocation import (
    AllocationError,
    Quota,
    Rounding,
    allocate,
    ties_deciding_seats,
)
from merito.rubrics.ranking import (
    FINAL,
    Group,
    RankedResult,
    RankingError,
    Result,
    UnresolvedTie,
    rank,
)
from merito.rubrics.tiebreak import TieBreak

ID = "applicant_id"
ELIGIBLE = "eligible"
RANK = "rank"
TIE = "tie"
ASSIGNED = "assigned"
ASSIGNED_BY = "assigned_by"
VACANCIES = "vacancies"

YES = "sí"
NO = "no"
_TRUE = {"sí", "si", "s", "yes", "y", "true", "1", "x"}
_FALSE = {"no", "n", "false", "0", ""}

Row = dict[str, str]


class InputError(Exception):
    """Bad command-line input; the message is shown as is."""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``rank`` and ``allocate`` commands."""
    ranker = subparsers.add_parser(
        "rank",
        help="orden de mérito de un CSV de resultados",
        description="Ordena los resultados por puntaje final y desempate, dentro de cada "
        "grupo, y reporta los empates no resueltos.",
    )
    ranker.add_argument("results", metavar="RESULTS.csv", help="resultados ('-' lee stdin)")
    _add_common(ranker)
    ranker.set_defaults(handler=run_rank)

    allocator = subparsers.add_parser(
        "allocate",
        help="asignación de vacantes en orden de mérito",
        description="Asigna las vacantes de cada grupo en estricto orden de mérito, con "
        "cuotas reservadas opcionales. Si el CSV trae la columna 'rank', se usa ese orden; "
        "si no, se ordena como 'merito rank'.",
    )
    allocator.add_argument(
        "results", metavar="RANKED_OR_RESULTS.csv", help="resultados u orden de mérito"
    )
    allocator.add_argument(
        "--vacancies",
        required=True,
        metavar="VACANCIES.csv",
        help="columnas de grupo (las de --group-by) y 'vacancies'",
    )
    allocator.add_argument(
        "--quota",
        action="append",
        default=[],
        metavar="NOMBRE=FRACCIÓN[:floor|ceil|half_up]",
        help="cuota reservada, p. ej. disability=0.05 (redondeo por defecto: floor); "
        "la columna NOMBRE del CSV marca a quién corresponde",
    )
    _add_common(allocator)
    allocator.set_defaults(handler=run_allocate)


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-o", "--output", default="-", help="CSV de salida (por defecto stdout)")
    parser.add_argument(
        "--tie-break",
        default="final:desc",
        metavar="CAMPO:desc|asc,...",
        help="cadena de desempate; 'final:desc' va siempre primero (por defecto: final:desc)",
    )
    parser.add_argument(
        "--group-by",
        default="",
        metavar="COL1,COL2",
        help="columnas que forman el grupo (p. ej. region,grupo,escala); sin ellas, orden global",
    )


def run_rank(args: argparse.Namespace) -> int:
    """Handler of ``merito rank``."""
    try:
        chain = parse_tie_breaks(args.tie_break)
        group_by = _split_columns(args.group_by)
        header, rows = _read_csv(args.results)
        results = _results(args.results, header, rows, chain, group_by, ())
        ranking = rank(results, chain)
        by_id = {row[ID]: row for row in rows}
        out_rows = [_ranked_row(by_id[entry.applicant_id], entry) for entry in ranking.entries]
        _write_csv(args.output, _extend(header, [RANK, TIE]), out_rows)
    except (InputError, RankingError, OSError) as error:
        return _fail(error)
    for tie in ranking.ties:
        print(tie.describe(), file=sys.stderr)
    print(
        f"{len(ranking.entries)} postulantes ordenados en "
        f"{len({entry.group for entry in ranking.entries})} grupo(s); "
        f"{len(ranking.ties)} empate(s) no resuelto(s).",
        file=sys.stderr,
    )
    return 0


def run_allocate(args: argparse.Namespace) -> int:
    """Handler of ``merito allocate``."""
    try:
        chain = parse_tie_breaks(args.tie_break)
        group_by = _split_columns(args.group_by)
        quotas = [parse_quota(text) for text in args.quota]
        quota_names = tuple(quota.name for quota in quotas)
        header, rows = _read_csv(args.results)
        results = _results(args.results, header, rows, chain, group_by, quota_names)
        vacancies = _read_vacancies(args.vacancies, group_by)
        _check_groups(args.results, results, vacancies, group_by)
        if RANK in header:
            entries: Sequence[RankedResult] = _given_ranks(args.results, rows, results)
            ties: list[UnresolvedTie] = []
        else:
            ranking = rank(results, chain)
            entries, ties = ranking.entries, ranking.ties
        allocation = allocate(entries, vacancies, quotas)
        by_id = {row[ID]: row for row in rows}
        out_rows = []
        for entry in allocation.entries:
            row = _ranked_row(by_id[entry.applicant_id], entry, with_tie=RANK not in header)
            seat = allocation.seats.get(entry.applicant_id)
            row[ASSIGNED] = YES if seat else NO
            row[ASSIGNED_BY] = seat or ""
            out_rows.append(row)
        new_columns = (
            [ASSIGNED, ASSIGNED_BY] if RANK in header else [RANK, TIE, ASSIGNED, ASSIGNED_BY]
        )
        _write_csv(args.output, _extend(header, new_columns), out_rows)
    except (InputError, RankingError, AllocationError, OSError) as error:
        return _fail(error)
    for tie in ties:
        print(tie.describe(), file=sys.stderr)
    for tie in ties_deciding_seats(allocation, ties):
        print(
            "ATENCIÓN: este empate decide una vacante; resuélvalo según las reglas de la "
            "convocatoria (p. ej. fijando la columna 'rank') y vuelva a asignar: " + tie.describe(),
            file=sys.stderr,
        )
    total = sum(summary.vacancies for summary in allocation.groups)
    general = sum(summary.filled_general for summary in allocation.groups)
    by_quota = ", ".join(
        f"cuota {name} {sum(s.filled_by_quota[name] for s in allocation.groups)}"
        for name in quota_names
    )
    returned = sum(summary.returned for summary in allocation.groups)
    unfilled = sum(summary.unfilled for summary in allocation.groups)
    print(
        f"{total} vacante(s) en {len(allocation.groups)} grupo(s): orden general {general}"
        + (f", {by_quota}" if by_quota else "")
        + f"; {returned} reservada(s) devuelta(s) al orden general; {unfilled} sin cubrir.",
        file=sys.stderr,
    )
    return 0


def parse_tie_breaks(text: str) -> list[TieBreak]:
    """``"final:desc,pun:desc"`` → chain; the direction defaults to ``desc``."""
    chain: list[TieBreak] = []
    for part in text.split(","):
        field, _, direction = part.strip().partition(":")
        field, direction = field.strip(), direction.strip().lower() or "desc"
        if not field or direction not in {"desc", "asc"}:
            raise InputError(
                f"--tie-break: '{part.strip()}' no es válido; use CAMPO:desc o CAMPO:asc "
                "separados por comas."
            )
        label = FINAL.label if field == FINAL.field else field
        chain.append(TieBreak(field, direction == "desc", label))
    return chain


def parse_quota(text: str) -> Quota:
    """``"disability=0.05"`` or ``"disability=0.05:ceil"`` → :class:`Quota`."""
    name, equals, rest = text.partition("=")
    share_text, _, rounding_text = rest.partition(":")
    name = name.strip()
    try:
        share = Decimal(share_text.strip())
        rounding = Rounding(rounding_text.strip().lower() or Rounding.FLOOR)
    except (InvalidOperation, ValueError):
        share = Decimal("NaN")
        rounding = Rounding.FLOOR
    if not equals or not name or not share.is_finite():
        raise InputError(
            f"--quota: '{text}' no es válido; use NOMBRE=FRACCIÓN[:floor|ceil|half_up], "
            "p. ej. disability=0.05."
        )
    try:
        return Quota(name, share, rounding)
    except AllocationError as error:
        raise InputError(f"--quota: {error}") from None


def _fail(error: Exception) -> int:
    print(f"merito: error: {_message(error)}", file=sys.stderr)
    return 2


def _message(error: Exception) -> str:
    if not isinstance(error, OSError):
        return str(error)
    if isinstance(error, FileNotFoundError):
        reason = "no existe el archivo o la carpeta"
    elif isinstance(error, PermissionError):
        reason = "sin permiso de acceso"
    elif isinstance(error, IsADirectoryError):
        reason = "es una carpeta, no un archivo"
    else:
        reason = f"no se pudo leer o escribir ({error.strerror or error})"
    return f"{error.filename}: {reason}." if error.filename else f"{reason}."


def _split_columns(text: str) -> tuple[str, ...]:
    columns = tuple(column.strip() for column in text.split(",") if column.strip())
    if len(set(columns)) != len(columns):
        raise InputError("--group-by: una columna aparece dos veces.")
    return columns


@contextmanager
def _open_input(path: str) -> Iterator[TextIO]:
    if path == "-":
        yield sys.stdin
    else:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            yield handle


def _read_csv(path: str) -> tuple[list[str], list[Row]]:
    """Header and rows; every row has exactly the header's columns."""
    try:
        with _open_input(path) as handle:
            reader = csv.reader(handle)
            header = next(reader, None)
            if header is None:
                raise InputError(f"{path}: el archivo está vacío.")
            header = [name.strip() for name in header]
            duplicated = sorted({name for name in header if header.count(name) > 1})
            if duplicated:
                raise InputError(f"{path}: columna repetida: {', '.join(duplicated)}.")
            rows: list[Row] = []
            for number, cells in enumerate(reader, start=2):
                if not cells:
                    continue
                if len(cells) != len(header):
                    raise InputError(
                        f"{path}, fila {number}: tiene {len(cells)} valores y el encabezado "
                        f"{len(header)} columnas."
                    )
                rows.append(dict(zip(header, cells, strict=True)))
    except UnicodeDecodeError:
        raise InputError(f"{path}: el archivo no está en UTF-8.") from None
    except csv.Error as error:
        raise InputError(f"{path}: CSV mal formado ({error}).") from None
    return header, rows


def _require(path: str, header: Sequence[str], columns: Sequence[str]) -> None:
    missing = [column for column in columns if column not in header]
    if missing:
        raise InputError(f"{path}: falta la columna {', '.join(repr(c) for c in missing)}.")


def _results(
    path: str,
    header: list[str],
    rows: list[Row],
    chain: Sequence[TieBreak],
    group_by: Sequence[str],
    quota_names: Sequence[str],
) -> list[Result]:
    fields = [link.field for link in chain if link.field != FINAL.field]
    _require(path, header, [ID, FINAL.field, *fields, *group_by, *quota_names])
    results: list[Result] = []
    first_row: dict[str, int] = {}
    for number, row in enumerate(rows, start=2):
        applicant_id = row[ID] = row[ID].strip()
        if not applicant_id:
            raise InputError(f"{path}, fila {number}, columna '{ID}': está vacía.")
        if applicant_id in first_row:
            raise InputError(
                f"{path}, fila {number}: el postulante {applicant_id} ya aparece en la fila "
                f"{first_row[applicant_id]}."
            )
        first_row[applicant_id] = number
        results.append(
            Result(
                applicant_id=applicant_id,
                final=_decimal(path, number, row, FINAL.field),
                group=tuple(row[column].strip() for column in group_by),
                tie_values={field: _decimal(path, number, row, field) for field in fields},
                eligible=_flag(path, number, row, ELIGIBLE) if ELIGIBLE in row else True,
                quotas=frozenset(name for name in quota_names if _flag(path, number, row, name)),
            )
        )
    return results


def _decimal(path: str, number: int, row: Row, column: str) -> Decimal:
    text = row[column].strip()
    try:
        value = Decimal(text)
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite():
        raise InputError(
            f"{path}, fila {number}, columna '{column}': '{text}' no es un número decimal "
            "(use punto decimal, p. ej. 105.500)."
        )
    return value


def _flag(path: str, number: int, row: Row, column: str) -> bool:
    text = row[column].strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise InputError(
        f"{path}, fila {number}, columna '{column}': '{row[column]}' no es sí/no "
        "(valores: sí, si, yes, true, 1, x / no, false, 0 o vacío)."
    )


def _read_vacancies(path: str, group_by: Sequence[str]) -> dict[Group, int]:
    header, rows = _read_csv(path)
    _require(path, header, [*group_by, VACANCIES])
    vacancies: dict[Group, int] = {}
    first_row: dict[Group, int] = {}
    for number, row in enumerate(rows, start=2):
        group = tuple(row[column].strip() for column in group_by)
        text = row[VACANCIES].strip()
        if not (text.isascii() and text.isdigit()):
            raise InputError(
                f"{path}, fila {number}, columna '{VACANCIES}': '{text}' no es un número "
                "entero de vacantes"
                + (" (no puede ser negativo)." if text.startswith("-") else ".")
            )
        if group in first_row:
            raise InputError(
                f"{path}, fila {number}: el grupo {' / '.join(group)} ya aparece en la fila "
                f"{first_row[group]}."
            )
        first_row[group] = number
        vacancies[group] = int(text)
    return vacancies


def _check_groups(
    path: str, results: list[Result], vacancies: dict[Group, int], group_by: Sequence[str]
) -> None:
    for number, result in enumerate(results, start=2):
        if result.group not in vacancies:
            where = ", ".join(f"{c}={v}" for c, v in zip(group_by, result.group, strict=True))
            raise InputError(
                f"{path}, fila {number}: el grupo ({where or 'global'}) del postulante "
                f"{result.applicant_id} no figura en el archivo de vacantes."
            )


def _given_ranks(path: str, rows: list[Row], results: list[Result]) -> list[RankedResult]:
    entries: list[RankedResult] = []
    seen: dict[tuple[Group, int], int] = {}
    for number, (row, result) in enumerate(zip(rows, results, strict=True), start=2):
        text = row[RANK].strip()
        if not (text.isascii() and text.isdigit()) or int(text) < 1:
            raise InputError(
                f"{path}, fila {number}, columna '{RANK}': '{text}' no es un puesto "
                "(entero desde 1)."
            )
        key = (result.group, int(text))
        if key in seen:
            raise InputError(
                f"{path}, fila {number}, columna '{RANK}': el puesto {text} ya está en la "
                f"fila {seen[key]} del mismo grupo."
            )
        seen[key] = number
        entries.append(RankedResult(int(text), result))
    return entries


def _ranked_row(row: Row, entry: RankedResult, *, with_tie: bool = True) -> Row:
    out = dict(row)
    out[RANK] = str(entry.rank)
    if with_tie:
        out[TIE] = f"{entry.tie.first_rank}-{entry.tie.last_rank}" if entry.tie else ""
    return out


def _extend(header: list[str], columns: Sequence[str]) -> list[str]:
    return header + [column for column in columns if column not in header]


def _write_csv(path: str, header: list[str], rows: list[Row]) -> None:
    if path == "-":
        _write_rows(sys.stdout, header, rows)
    else:
        with open(path, "w", newline="", encoding="utf-8") as handle:
            _write_rows(handle, header, rows)


def _write_rows(handle: TextIO, header: list[str], rows: list[Row]) -> None:
    writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
