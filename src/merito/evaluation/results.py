"""Evaluation versions and results (seed 004 §3.2.7).

Every scoring of a folder is a ``FolderEvaluation``, numbered from 1; the newest is the
current one (Último). Folders of VRM and VA tests get a version whenever their analyst
scores them: ``folder_transition`` stays the one way a folder changes state, and the
``FolderEvent`` it writes inside its transaction is what ``version_from_event`` listens
to, so a version is never written without its transition nor the other way round. The
supervisor's approval (or the auditor's, for a folder drawn for audit) marks the current
version approved; Admitido reads the approved current version of the VRM folder.

Written tests, interviews and the other test types are scored by their provider: the
operator loads its CSV or Excel file, first as a dry run that reports every bad row, then
for real; each loaded score becomes a version, and Aprobó is score ≥ the pass value.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import Exists, Max, OuterRef
from django.utils.translation import gettext as _

from merito.applications.models import Inscription
from merito.audit.services import audit_record
from merito.calls.models import Test, TestType
from merito.errors import DomainError
from merito.evaluation.distribution import new_folders, test_inscriptions
from merito.evaluation.models import (
    FOLDER_TEST_TYPES,
    Folder,
    FolderEvaluation,
    FolderEvent,
    FolderState,
)
from merito.organizations.models import Role

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
LOOKUP_CHUNK = 1000

# --- versions ----------------------------------------------------------------------------


def _next_number(folder_id: int) -> int:
    last = FolderEvaluation.objects.filter(folder_id=folder_id).aggregate(n=Max("number"))["n"]
    return (last or 0) + 1


COPIED = ("test_id", "level", "opec_number", "registry_number")


def version_copies(folder: Folder) -> dict[str, Any]:
    """What a new version of ``folder`` copies from it (see ``FolderEvaluation``)."""
    return {"folder_id": folder.pk, **{name: getattr(folder, name) for name in COPIED}}


def version_from_event(sender: Any, instance: FolderEvent, created: bool, **kwargs: Any) -> None:
    """Keep the versions in step with ``folder_transition`` (runs inside its transaction)."""
    if not created:
        return
    if instance.action == "score":
        folder = Folder.objects.select_related("test").get(pk=instance.folder_id)
        decision = ""
        if folder.test.test_type == TestType.VRM and folder.passed is not None:
            decision = _("Cumple") if folder.passed else _("No cumple")
        FolderEvaluation.objects.filter(folder_id=folder.pk, is_current=True).update(
            is_current=False
        )
        FolderEvaluation.objects.create(
            **version_copies(folder),
            number=_next_number(folder.pk),
            passed=folder.passed,
            decision=decision,
            observation=instance.reason,
            user_id=instance.user_id,
            role=Role.ANALYST,
        )
    elif (instance.action, instance.to_state) in (
        ("approve", FolderState.APPROVED),
        ("audit", FolderState.AUDITED),
    ):
        FolderEvaluation.objects.filter(folder_id=instance.folder_id, is_current=True).update(
            approved=True
        )


def admitted_condition(inscription_ref: str = "pk") -> Exists:
    """Admitido: the current version of the inscription's VRM folder is approved and passed."""
    return Exists(
        FolderEvaluation.objects.filter(
            folder__inscription_id=OuterRef(inscription_ref),
            folder__test__test_type=TestType.VRM,
            is_current=True,
            approved=True,
            passed=True,
        )
    )


def vrm_verified_condition(inscription_ref: str = "pk") -> Exists:
    """Whether the inscription's VRM folder has an approved current version (SI or NO)."""
    return Exists(
        FolderEvaluation.objects.filter(
            folder__inscription_id=OuterRef(inscription_ref),
            folder__test__test_type=TestType.VRM,
            is_current=True,
            approved=True,
        )
    )


# --- loading a provider's scores ---------------------------------------------------------

IDENTIFIER_HEADERS = {
    "inscripcion": "inscription",
    "numerodeinscripcion": "inscription",
    "numeroinscripcion": "inscription",
    "nroinscripcion": "inscription",
    "registro": "inscription",
    "documento": "document",
    "numerodedocumento": "document",
    "numerodocumento": "document",
    "identificacion": "document",
}
SCORE_HEADERS = {"calificacion", "puntaje", "nota"}


@dataclass(frozen=True)
class RowError:
    """One refusal of the dry run: the file's row (the header is row 1), column and rule."""

    row: int
    column: str
    message: str


@dataclass
class ScoreCheck:
    """What the dry run found: the rows that will load and the ones that stop the load."""

    valid: list[tuple[int, Decimal]] = field(default_factory=list)  # (inscription id, score)
    errors: list[RowError] = field(default_factory=list)
    rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.valid)


def _key(header: object) -> str:
    text = unicodedata.normalize("NFKD", str(header or "")).encode("ascii", "ignore").decode()
    return "".join(ch for ch in text.lower() if ch.isalnum())


def _table(content: bytes, filename: str) -> list[list[str]]:
    """The file's rows as text cells; CSV (comma or semicolon, UTF-8) or Excel (.xlsx)."""
    name = filename.lower()
    if name.endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).active
        except Exception as error:
            raise DomainError(_("El archivo Excel no se pudo leer.")) from error
        if sheet is None:
            raise DomainError(_("El archivo Excel no tiene hojas."))
        return [
            ["" if cell is None else _excel_text(cell) for cell in row]
            for row in sheet.iter_rows(values_only=True)
        ]
    if name.endswith(".csv"):
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = content.decode("latin-1")
        first = text.split("\n", 1)[0]
        delimiter = ";" if first.count(";") > first.count(",") else ","
        return [list(row) for row in csv.reader(io.StringIO(text), delimiter=delimiter)]
    raise DomainError(_("Cargue un archivo CSV o Excel (.xlsx)."), field="archivo")


def _excel_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _score(raw: str, test: Test) -> tuple[Decimal | None, str]:
    text = raw.strip().replace(" ", "")
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None, _("No es un número: «%(v)s».") % {"v": raw.strip()}
    if not value.is_finite():
        return None, _("No es un número: «%(v)s».") % {"v": raw.strip()}
    if value < 0:
        return None, _("Es negativa; la calificación va de 0 a %(max)s.") % {"max": test.max_value}
    if value > test.max_value:
        return None, _("Supera el valor máximo de la prueba (%(max)s).") % {"max": test.max_value}
    if value != value.quantize(Decimal("0.01")):
        return None, _("Tiene más de dos decimales.")
    return value, ""


def _chunks(values: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(values), LOOKUP_CHUNK):
        yield values[start : start + LOOKUP_CHUNK]


def _known(test: Test, field_name: str, values: Iterable[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    inscriptions = test_inscriptions(test)
    for chunk in _chunks(sorted({v for v in values if v})):
        found.update(
            inscriptions.filter(**{f"{field_name}__in": chunk}).values_list(field_name, "pk")
        )
    return found


def score_loading_refusal(test: Test) -> str | None:
    """Why the scores of ``test`` cannot be loaded from a file, or ``None``."""
    if test.test_type in FOLDER_TEST_TYPES:
        return _(
            "Las calificaciones de Verificación de Requisitos Mínimos y Valoración de "
            "Antecedentes se registran carpeta por carpeta, no por archivo."
        )
    if test.published_at is not None:
        return _("La prueba ya tiene publicación: sus calificaciones no se modifican.")
    return None


def scores_check(*, test: Test, content: bytes, filename: str) -> ScoreCheck:
    """The dry run: read the file and judge each row; nothing is written."""
    refusal = score_loading_refusal(test)
    if refusal:
        raise DomainError(refusal)
    if len(content) > MAX_UPLOAD_BYTES:
        raise DomainError(_("El archivo supera 10 MB."), field="archivo")
    table = [row for row in _table(content, filename) if any(str(c).strip() for c in row)]
    if not table:
        raise DomainError(_("El archivo está vacío."), field="archivo")
    header = [_key(cell) for cell in table[0]]
    columns = {IDENTIFIER_HEADERS[h]: i for i, h in enumerate(header) if h in IDENTIFIER_HEADERS}
    score_at = next((i for i, h in enumerate(header) if h in SCORE_HEADERS), None)
    if not columns or score_at is None:
        raise DomainError(
            _(
                "La primera fila debe tener las columnas «inscripción» (o «documento») y "
                "«calificación»."
            ),
            field="archivo",
        )
    rows = table[1:]

    def cell(row: list[str], index: int | None) -> str:
        return str(row[index]).strip() if index is not None and index < len(row) else ""

    by_number = _known(test, "registry_number", (cell(r, columns.get("inscription")) for r in rows))
    by_document = _known(
        test, "user__document_number", (cell(r, columns.get("document")) for r in rows)
    )
    check = ScoreCheck(rows=len(rows))
    seen: dict[int, int] = {}
    for number, row in enumerate(rows, start=2):
        registry, document = (
            cell(row, columns.get("inscription")),
            cell(row, columns.get("document")),
        )
        column = _("inscripción") if registry or "document" not in columns else _("documento")
        identifier = registry or document
        if not identifier:
            check.errors.append(RowError(number, column, _("Obligatorio: la fila no lo tiene.")))
            continue
        inscription_id = by_number.get(registry) if registry else by_document.get(document)
        if inscription_id is None:
            check.errors.append(
                RowError(
                    number,
                    column,
                    _("Inscripción desconocida: «%(v)s» no está inscrita en esta prueba.")
                    % {"v": identifier},
                )
            )
            continue
        if inscription_id in seen:
            check.errors.append(
                RowError(
                    number,
                    column,
                    _("Fila duplicada: la inscripción ya aparece en la fila %(n)s.")
                    % {"n": seen[inscription_id]},
                )
            )
            continue
        seen[inscription_id] = number
        raw = cell(row, score_at)
        if not raw:
            check.errors.append(RowError(number, _("calificación"), _("Obligatorio.")))
            continue
        value, message = _score(raw, test)
        if value is None:
            check.errors.append(RowError(number, _("calificación"), message))
            continue
        check.valid.append((inscription_id, value))
    return check


def scores_load(*, test: Test, check: ScoreCheck, sha256: str, filename: str, by: Any) -> int:
    """Write the scores of a clean dry run: one new, current version per row. Audited."""
    if check.errors:
        raise DomainError(_("El archivo tiene errores; corríjalos y vuelva a cargarlo."))
    if not check.valid:
        raise DomainError(_("El archivo no tiene calificaciones."))
    with transaction.atomic():
        test = Test.objects.select_for_update().get(pk=test.pk)
        refusal = score_loading_refusal(test)
        if refusal:
            raise DomainError(refusal)
        scores = dict(check.valid)
        ids = list(scores)
        Folder.objects.bulk_create(
            new_folders(test, Inscription.objects.filter(pk__in=ids)),
            batch_size=LOOKUP_CHUNK,
            ignore_conflicts=True,
        )
        folders = {
            folder.inscription_id: folder
            for folder in Folder.objects.filter(test=test, inscription_id__in=ids)
        }
        folder_ids = [f.pk for f in folders.values()]
        last = dict(
            FolderEvaluation.objects.filter(test=test, folder_id__in=folder_ids)
            .values("folder_id")
            .annotate(n=Max("number"))
            .values_list("folder_id", "n")
        )
        FolderEvaluation.objects.filter(folder_id__in=folder_ids, is_current=True).update(
            is_current=False
        )
        versions = []
        for inscription_id, score in scores.items():
            folder = folders[inscription_id]
            passed = None if test.pass_value is None else score >= test.pass_value
            versions.append(
                FolderEvaluation(
                    **version_copies(folder),
                    number=last.get(folder.pk, 0) + 1,
                    score=score,
                    passed=passed,
                    user=by,
                    role=Role.OPERATOR_ADMIN,
                    is_current=True,
                )
            )
        FolderEvaluation.objects.bulk_create(versions, batch_size=LOOKUP_CHUNK)
        for passed in (True, False):
            Folder.objects.filter(
                pk__in=[v.folder_id for v in versions if v.passed is passed]
            ).update(passed=passed)
        audit_record(
            action="evaluation.scores.loaded",
            actor=by,
            obj=test,
            after={"rows": len(versions), "file": filename, "sha256": sha256},
        )
    return len(versions)


# --- the results screen ------------------------------------------------------------------

RESULT_ORDER = {
    "carpeta": ("folder_id", "number"),
    "-carpeta": ("-folder_id", "-number"),
    "nivel": ("level", "folder_id"),
    "-nivel": ("-level", "-folder_id"),
    "opec": ("opec_number", "folder_id"),
    "-opec": ("-opec_number", "-folder_id"),
    "inscripcion": ("registry_number", "number"),
    "-inscripcion": ("-registry_number", "-number"),
    "calificacion": ("score", "folder_id"),
    "-calificacion": ("-score", "-folder_id"),
}


def result_list(*, test: Test, filters: dict[str, Any], order: str = "") -> Any:
    """The versions of the test's folders, filtered as in seed 004 §3.2.7 (one query)."""
    versions = FolderEvaluation.objects.filter(test=test).select_related(
        "folder__inscription__position__job",
        "folder__analyst",
        "folder__supervisor",
        "folder__auditor",
    )
    if filters.get("nivel"):
        versions = versions.filter(level=filters["nivel"])
    if filters.get("opec"):
        versions = versions.filter(opec_number=filters["opec"])
    if filters.get("carpeta"):
        versions = versions.filter(folder_id=filters["carpeta"])
    if filters.get("inscripcion"):
        # The inscription number or the applicant's document: find the folders first
        # (two indexed look-ups), then their versions.
        value = filters["inscripcion"]
        by_registry = Inscription.objects.filter(registry_number=value)
        by_document = Inscription.objects.filter(user__document_number=value)
        found = by_registry.order_by().values_list("pk")
        found = found.union(by_document.order_by().values_list("pk"))
        versions = versions.filter(folder__inscription_id__in=[pk for (pk,) in found])
    if filters.get("estado"):
        versions = versions.filter(folder__state=filters["estado"])
    if filters.get("aprobo") in ("si", "no"):
        versions = versions.filter(passed=filters["aprobo"] == "si")
    if filters.get("ultimo") in ("si", "no"):
        versions = versions.filter(is_current=filters["ultimo"] == "si")
    if filters.get("publicado") in ("si", "no"):
        versions = versions.filter(published_at__isnull=filters["publicado"] == "no")
    return versions.order_by(*RESULT_ORDER.get(order, ("folder_id", "number")))


def yes_no(value: bool | None) -> str:
    if value is None:
        return ""
    return _("SI") if value else _("NO")


def result_header(test: Test) -> list[str]:
    header = [_("Nivel"), _("Opec"), _("Carpeta"), _("Inscripción")]
    if test.test_type in FOLDER_TEST_TYPES:
        header += [_("Estado"), _("Analista"), _("Supervisor"), _("Auditor")]
    header += [_("Valor aprobatorio"), _("Calificación"), _("Aprobó")]
    if test.test_type in FOLDER_TEST_TYPES:
        header += [_("Último"), _("Publicado")]
    return header


def result_row(test: Test, version: FolderEvaluation) -> list[Any]:
    folder = version.folder
    job = getattr(folder.inscription.position, "job", None)
    row: list[Any] = [
        folder.level,
        job.opec_number if job else "",
        folder.pk,
        folder.inscription.registry_number or folder.inscription_id,
    ]
    if test.test_type in FOLDER_TEST_TYPES:
        row += [
            folder.get_state_display(),
            folder.analyst.username if folder.analyst else "",
            folder.supervisor.username if folder.supervisor else "",
            folder.auditor.username if folder.auditor else "",
        ]
    row += [
        "" if test.pass_value is None else test.pass_value,
        version.score if version.score is not None else version.decision,
        yes_no(version.passed),
    ]
    if test.test_type in FOLDER_TEST_TYPES:
        row += [yes_no(version.is_current), yes_no(version.published)]
    return row
