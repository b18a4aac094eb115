"""Inscriptions search (seed 004 §5) and the seven reports of seed 004 §6.

Who sees what: Gerencia del proceso sees the processes of its organizations (all of them
with a platform-wide role); the administrator and the supervisors of an operator see the
processes with a test awarded to their operator. Anyone else gets 403 in the views.

A report is a query plus a row builder. It is shown on screen page by page, and exported
to Excel (tablib) or PDF (fpdf2, A4 landscape). Exports of more than ``BACKGROUND_ROWS``
rows run as a ``ReportJob`` in Celery, with progress, and the file waits in the default
storage for its requester alone.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import Any, NamedTuple

import tablib
from celery import shared_task
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from merito.accounts.models import SpacedName
from merito.applications.models import Inscription
from merito.audit.services import audit_record
from merito.calls.models import Position
from merito.errors import DomainError
from merito.evaluation.models import (
    FOLDER_ROLE_FIELDS,
    FOLDER_TEST_TYPES,
    Folder,
    FolderAssignment,
    FolderEvaluation,
    FolderEvent,
    JobState,
    ReportFormat,
    ReportJob,
    SelectionProcess,
    Test,
    TestType,
)
from merito.evaluation.results import admitted_condition, vrm_verified_condition, yes_no
from merito.evaluation.selectors import managed_organization_ids
from merito.exports import spreadsheet_cell
from merito.organizations.models import Role
from merito.organizations.rules import role_assignments
from merito.pagination import Keyed

logger = logging.getLogger(__name__)

BACKGROUND_ROWS = 5000
PROGRESS_EVERY = 500
VIEW_PERMS = (
    "merito.access_process_management",
    "merito.access_operator",
    "merito.access_supervision",
)
# The operator's people who see its processes' data (seed 004 §5–6).
VIEWER_ROLES = (Role.OPERATOR_ADMIN, Role.SUPERVISOR)
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")

# --- scope -------------------------------------------------------------------------------


def can_view(user: Any) -> bool:
    return any(user.has_perm(perm) for perm in VIEW_PERMS)


def viewer_operator_ids(user: Any) -> set[int]:
    """Operators whose administrator or supervisor ``user`` is."""
    return {
        org_id
        for role, org_id, _call in role_assignments(user)
        if role in VIEWER_ROLES and org_id is not None
    }


def visible_processes(user: Any) -> QuerySet[SelectionProcess]:
    """Processes whose inscriptions, results and reports ``user`` may see."""
    processes = SelectionProcess.objects.select_related("call", "parent__call")
    managed = managed_organization_ids(user)
    if managed is None:
        return processes.order_by("call__code")
    condition = Q(pk__in=[])
    if managed:
        condition |= Q(call__organization_id__in=managed)
    operators = viewer_operator_ids(user)
    if operators:
        condition |= Q(pk__in=Test.objects.filter(operator_id__in=operators).values("process_id"))
    return processes.filter(condition).order_by("call__code")


def visible_tests(user: Any, process: SelectionProcess) -> QuerySet[Test]:
    """Tests of a visible process: all for its Gerencia, its own operator's for the rest."""
    tests = process.tests.select_related("operator", "process__call").order_by("pk")
    managed = managed_organization_ids(user)
    if managed is None or process.call.organization_id in managed:
        return tests
    return tests.filter(operator_id__in=viewer_operator_ids(user))


# --- inscriptions search (seed 004 §5) ---------------------------------------------------

INSCRIPTION_ORDER = {
    "opec": ("position__job__opec_number", "pk"),
    "-opec": ("-position__job__opec_number", "-pk"),
    "inscripcion": ("registry_number", "pk"),
    "-inscripcion": ("-registry_number", "-pk"),
}


class SearchedCall(NamedTuple):
    """A process whose inscriptions the viewer may search, and its call."""

    process: int
    code: str
    call: int
    # Every position of the call has its OPEC job (``Job``): sorting by OPEC loses no one
    # to an inner join.
    opec_complete: bool


def inscription_scope(user: Any) -> list[SearchedCall]:
    """The processes of ``visible_processes`` with their calls, in one query."""
    jobless = Position.objects.filter(call=OuterRef("call_id"), job__isnull=True)
    rows = (
        visible_processes(user)
        .annotate(jobless=Exists(jobless))
        .values_list("pk", "call__code", "call_id", "jobless")
    )
    return [SearchedCall(pk, code, call, not jobless) for pk, code, call, jobless in rows]


def _searched(scope: list[SearchedCall], filters: dict[str, Any]) -> list[SearchedCall]:
    process = str(filters.get("proceso") or "")
    return [c for c in scope if not process or str(c.process) == process]


def inscription_search(
    *,
    user: Any,
    filters: dict[str, Any],
    order: str = "",
    scope: list[SearchedCall] | None = None,
) -> QuerySet:
    """Inscriptions of the visible processes, with Admitido, filtered as in seed 004 §5.

    ``scope`` is ``inscription_scope(user)`` when the caller already has it. The calls go
    into the query as values, so that counting them is a scan of one index.
    """
    scope = inscription_scope(user) if scope is None else scope
    inscriptions = (
        Inscription.objects.filter(call_id__in=[c.call for c in _searched(scope, filters)])
        .select_related("call__selection_process", "position__job", "user")
        .annotate(admitted=admitted_condition(), verified=vrm_verified_condition())
    )
    if filters.get("empleo"):
        value = str(filters["empleo"]).strip()
        condition = Q(position__code__iexact=value)
        if value.isdigit():
            condition |= Q(position__job__opec_number=int(value))
        inscriptions = inscriptions.filter(condition)
    if filters.get("nivel"):
        inscriptions = inscriptions.filter(position__level=filters["nivel"])
    if filters.get("documento"):
        inscriptions = inscriptions.filter(user__document_number=filters["documento"].strip())
    words = str(filters.get("nombre") or "").split()
    if words:
        inscriptions = inscriptions.alias(name=SpacedName("user__"))
        for word in words:
            inscriptions = inscriptions.filter(name__icontains=word)
    if filters.get("inscripcion"):
        inscriptions = inscriptions.filter(registry_number=filters["inscripcion"].strip())
    if filters.get("estado"):
        inscriptions = inscriptions.filter(state=filters["estado"])
    admitted = filters.get("admitido")
    if admitted == "si":
        inscriptions = inscriptions.filter(admitted=True)
    elif admitted == "no":
        inscriptions = inscriptions.filter(verified=True, admitted=False)
    elif admitted == "pendiente":
        inscriptions = inscriptions.filter(verified=False)
    return inscriptions.order_by(*INSCRIPTION_ORDER.get(order, ("registry_number", "pk")))


def _unverified_count(inscriptions: QuerySet) -> int:
    """How many of ``inscriptions`` are "Sin verificar": all of them minus the verified, two
    counts that indexes drive, rather than checking each one against the verified."""
    return inscriptions.count() - inscriptions.filter(verified=True).count()


def inscription_pages(
    *,
    user: Any,
    filters: dict[str, Any],
    order: str = "",
    per_page: int,
    scope: list[SearchedCall] | None = None,
) -> Keyed:
    """``inscription_search`` page by page, as cheap at page 5,000 as at page 1 (``Keyed``)."""
    scope = inscription_scope(user) if scope is None else scope
    inscriptions = inscription_search(user=user, filters=filters, order=order, scope=scope)
    count: Callable[[], int | None] | None = inscriptions.count
    if filters.get("nombre"):
        # Every trigram match is rechecked against its user's row: counted up to the cap
        # (the page then says "más de 10.000"), not through all of them.
        count = None
    elif filters.get("admitido") == "pendiente":
        every = inscription_search(user=user, filters={**filters, "admitido": ""}, scope=scope)
        count = partial(_unverified_count, every)
    pages = inscriptions
    if order in {"opec", "-opec"} and all(c.opec_complete for c in _searched(scope, filters)):
        # An inner join to the jobs then drops no inscription, and lets PostgreSQL walk the
        # jobs in OPEC order and each position's inscriptions in id order (an index), instead
        # of sorting every inscription by a column two joins away.
        pages = inscriptions.filter(position__job__isnull=False)
    return Keyed(pages, per_page, count=count)


def admitted_label(inscription: Any) -> str:
    if getattr(inscription, "admitted", False):
        return _("SI")
    return _("NO") if getattr(inscription, "verified", False) else _("Sin verificar")


def assignment_history(inscription_ids: list[int]) -> dict[int, dict[str, list[str]]]:
    """Who has held or holds each inscription's folders, by role, in one query."""
    history: dict[int, dict[str, list[str]]] = {
        pk: {role: [] for role in FOLDER_ROLE_FIELDS} for pk in inscription_ids
    }
    rows = (
        FolderAssignment.objects.filter(folder__inscription_id__in=inscription_ids)
        .order_by("started_at", "pk")
        .values_list("folder__inscription_id", "role", "user__username", "ended_at")
    )
    for inscription_id, role, name, ended_at in rows:
        username = name or ""
        label = (
            username
            if ended_at is None
            else _("%(u)s (hasta %(d)s)")
            % {
                "u": username,
                "d": timezone.localtime(ended_at).strftime("%Y-%m-%d"),
            }
        )
        names = history[inscription_id][role]
        if label not in names:
            names.append(label)
    return history


# --- report parameters -------------------------------------------------------------------


@dataclass(frozen=True)
class Parameters:
    """What the "Parámetros" dialog chose: the process, its subprocess and a test."""

    process: SelectionProcess
    subprocess: SelectionProcess | None = None
    test: Test | None = None

    @property
    def target(self) -> SelectionProcess:
        return self.subprocess or self.process

    def described(self) -> list[tuple[str, str]]:
        described = [(_("Proceso de selección"), str(self.process))]
        if self.subprocess is not None:
            described.append((_("Subproceso"), str(self.subprocess)))
        if self.test is not None:
            described.append((_("Prueba"), str(self.test)))
        return described

    def stored(self) -> dict[str, int | None]:
        return {
            "process": self.process.pk,
            "subprocess": self.subprocess.pk if self.subprocess else None,
            "test": self.test.pk if self.test else None,
        }


def parameters_from(stored: dict[str, Any]) -> Parameters:
    processes = SelectionProcess.objects.select_related("call")
    return Parameters(
        process=processes.get(pk=stored["process"]),
        subprocess=processes.get(pk=stored["subprocess"]) if stored.get("subprocess") else None,
        test=Test.objects.get(pk=stored["test"]) if stored.get("test") else None,
    )


# --- the seven reports -------------------------------------------------------------------


def _person(user: Any) -> str:
    return " ".join(
        part for part in (user.given_names, user.first_surname, user.second_surname) if part
    )


def _opec(position: Any) -> Any:
    job = getattr(position, "job", None)
    return job.opec_number if job else ""


def _inscriptions(params: Parameters) -> QuerySet[Inscription]:
    return (
        Inscription.objects.filter(call_id=params.target.call_id)
        .select_related("user", "position__job")
        .order_by("position__code", "registry_number", "pk")
    )


def _last_reason(actions: tuple[str, ...]) -> Subquery:
    return Subquery(
        FolderEvent.objects.filter(folder_id=OuterRef("pk"), action__in=actions)
        .exclude(reason="")
        .order_by("-at", "-pk")
        .values("reason")[:1]
    )


def _current(field: str) -> Subquery:
    return Subquery(
        FolderEvaluation.objects.filter(folder_id=OuterRef("pk"), is_current=True).values(field)[:1]
    )


def _folders(params: Parameters, test_type: str) -> QuerySet[Folder]:
    """Folders of the process's VRM or VA test that have been scored, with their notes."""
    return (
        Folder.objects.filter(
            test__process=params.target,
            test__test_type=test_type,
            evaluations__is_current=True,
        )
        .select_related(
            "test", "inscription__user", "inscription__position__job", "analyst", "supervisor"
        )
        .select_related("auditor")
        .annotate(
            current_score=_current("score"),
            current_passed=_current("passed"),
            current_approved=_current("approved"),
            supervisor_note=_last_reason(("return", "approve")),
            auditor_note=_last_reason(("audit", "audit_return")),
        )
        .order_by("inscription__position__code", "inscription__registry_number", "pk")
    )


def _username(user: Any) -> str:
    return user.username if user is not None else ""


def _notes(folder: Any) -> list[Any]:
    return [
        _username(folder.analyst),
        folder.observation,
        _username(folder.supervisor),
        folder.supervisor_note or "",
        _username(folder.auditor),
        folder.auditor_note or "",
    ]


NOTE_COLUMNS = (
    gettext_lazy("Analista"),
    gettext_lazy("Observación analista"),
    gettext_lazy("Supervisor"),
    gettext_lazy("Observación supervisor"),
    gettext_lazy("Auditor"),
    gettext_lazy("Observación auditor"),
)
PERSON_COLUMNS = (
    gettext_lazy("Inscripción"),
    gettext_lazy("Documento"),
    gettext_lazy("Nombre"),
    gettext_lazy("Nº OPEC"),
    gettext_lazy("Empleo"),
)


def _person_cells(inscription: Inscription) -> list[Any]:
    return [
        inscription.registry_number or inscription.pk,
        inscription.user.document_number,
        _person(inscription.user),
        _opec(inscription.position),
        f"{inscription.position.code} — {inscription.position.name}",
    ]


DOCUMENT_GROUPS = {
    gettext_lazy("Formación"): ("education", "informal_education"),
    gettext_lazy("Experiencia"): ("experience",),
    gettext_lazy("Producción intelectual"): ("products",),
    gettext_lazy("Otros documentos"): ("other_documents", "memberships", "quality_processes"),
}


def _documents_row(inscription: Inscription) -> list[Any]:
    snapshot = inscription.snapshot or {}
    counts = [
        sum(len(snapshot.get(name) or []) for name in names) for names in DOCUMENT_GROUPS.values()
    ]
    return [*_person_cells(inscription), *counts, sum(counts)]


def _enrolled_row(inscription: Inscription) -> list[Any]:
    user = inscription.user
    return [
        inscription.registry_number or inscription.pk,
        user.document_type,
        user.document_number,
        user.given_names,
        " ".join(p for p in (user.first_surname, user.second_surname) if p),
        user.email,
        user.phone,
        inscription.position.level,
        inscription.position.code,
        _opec(inscription.position),
        inscription.position.name,
        inscription.get_state_display(),
        timezone.localtime(inscription.submitted_at).strftime("%Y-%m-%d %H:%M"),
    ]


def _admission(folder: Any) -> str:
    if not folder.current_approved:
        return _("Sin verificar")
    return _("Admitido") if folder.current_passed else _("No admitido")


def _disability_row(folder: Any) -> list[Any]:
    user = folder.inscription.user
    return [
        *_person_cells(folder.inscription),
        user.email,
        user.phone,
        folder.pk,
        folder.get_state_display(),
        _admission(folder),
        *_notes(folder),
    ]


def _other_results_row(version: Any) -> list[Any]:
    test = version.folder.test
    return [
        *_person_cells(version.folder.inscription),
        version.number,
        "" if version.score is None else version.score,
        "" if test.pass_value is None else test.pass_value,
        yes_no(version.passed),
        version.observation,
        yes_no(version.is_current),
        yes_no(version.published),
        timezone.localtime(version.created_at).strftime("%Y-%m-%d %H:%M"),
        _username(version.user),
    ]


def _weighted(folder: Any) -> Any:
    if folder.current_score is None:
        return ""
    return (Decimal(folder.current_score) * folder.test.weight / 100).quantize(Decimal("0.01"))


def _va_row(folder: Any) -> list[Any]:
    return [
        *_person_cells(folder.inscription),
        folder.pk,
        folder.get_state_display(),
        "" if folder.current_score is None else folder.current_score,
        folder.test.weight,
        _weighted(folder),
        *_notes(folder),
    ]


def _vrm_row(folder: Any) -> list[Any]:
    return [
        *_person_cells(folder.inscription),
        folder.pk,
        folder.get_state_display(),
        yes_no(folder.current_passed),
        _admission(folder),
        *_notes(folder),
    ]


@dataclass(frozen=True)
class Report:
    """One report of seed 004 §6: its title, columns, rows and whether it needs a test."""

    key: str
    number: str
    title: Any
    description: Any
    columns: tuple[Any, ...]
    query: Callable[[Parameters], QuerySet[Any]]
    row: Callable[[Any], list[Any]]
    needs_test: bool = False
    note: Any = ""

    def header(self) -> list[str]:
        return [str(column) for column in self.columns]

    def rows(self, objects: Any) -> Iterator[list[Any]]:
        for obj in objects:
            yield self.row(obj)


REPORTS: dict[str, Report] = {
    report.key: report
    for report in (
        Report(
            key="documentos",
            number="6.1",
            title=gettext_lazy(
                "Cantidad de documentos aportados por los aspirantes a un Proceso de Selección"
            ),
            description=gettext_lazy(
                "Número total de documentos que cada aspirante aportó al inscribirse."
            ),
            columns=(*PERSON_COLUMNS, *DOCUMENT_GROUPS, gettext_lazy("Total documentos")),
            query=_inscriptions,
            row=_documents_row,
        ),
        Report(
            key="inscritos",
            number="6.2",
            title=gettext_lazy("Inscritos a un Proceso de Selección"),
            description=gettext_lazy(
                "Aspirantes inscritos a un proceso o subproceso de selección."
            ),
            columns=(
                gettext_lazy("Inscripción"),
                gettext_lazy("Tipo de documento"),
                gettext_lazy("Documento"),
                gettext_lazy("Nombres"),
                gettext_lazy("Apellidos"),
                gettext_lazy("Correo electrónico"),
                gettext_lazy("Teléfono"),
                gettext_lazy("Nivel"),
                gettext_lazy("Código del empleo"),
                gettext_lazy("Nº OPEC"),
                gettext_lazy("Empleo"),
                gettext_lazy("Estado"),
                gettext_lazy("Fecha de inscripción"),
            ),
            query=_inscriptions,
            row=_enrolled_row,
        ),
        Report(
            key="discapacidad",
            number="6.3",
            title=gettext_lazy(
                "Inscritos en situación de discapacidad Admitidos / No Admitidos en VRM"
            ),
            description=gettext_lazy(
                "Aspirantes con discapacidad registrada en la inscripción a quienes se les "
                "verificaron los requisitos mínimos, con las observaciones de la carpeta."
            ),
            columns=(
                *PERSON_COLUMNS,
                gettext_lazy("Correo electrónico"),
                gettext_lazy("Teléfono"),
                gettext_lazy("Carpeta"),
                gettext_lazy("Estado"),
                gettext_lazy("Admitido"),
                *NOTE_COLUMNS,
            ),
            query=lambda params: _folders(params, TestType.VRM).filter(
                inscription__snapshot__profile__has_disability=True
            ),
            row=_disability_row,
        ),
        Report(
            key="reclamaciones",
            number="6.4",
            title=gettext_lazy("Reclamaciones de Pruebas"),
            description=gettext_lazy(
                "Reclamaciones de los aspirantes luego de la publicación de las pruebas."
            ),
            columns=(
                gettext_lazy("Nº reclamación"),
                gettext_lazy("Fecha"),
                *PERSON_COLUMNS,
                gettext_lazy("Prueba"),
                gettext_lazy("Asunto"),
                gettext_lazy("Detalle"),
                gettext_lazy("Estado"),
            ),
            # Claims arrive with the publications of a later issue; until then it is empty.
            query=lambda params: Inscription.objects.none(),
            row=lambda obj: [],
            note=gettext_lazy(
                "Las reclamaciones se registran a partir de la publicación de resultados; "
                "este proceso aún no tiene reclamaciones."
            ),
        ),
        Report(
            key="resultados",
            number="6.5",
            title=gettext_lazy("Resultados de Pruebas distintas a VRM y VA"),
            description=gettext_lazy(
                "Notas, observaciones, si aprobó y si es la última calificación de una prueba."
            ),
            columns=(
                *PERSON_COLUMNS,
                gettext_lazy("Versión"),
                gettext_lazy("Calificación"),
                gettext_lazy("Valor aprobatorio"),
                gettext_lazy("Aprobó"),
                gettext_lazy("Observación"),
                gettext_lazy("Último"),
                gettext_lazy("Publicado"),
                gettext_lazy("Fecha"),
                gettext_lazy("Cargado por"),
            ),
            query=lambda params: (
                FolderEvaluation.objects.filter(folder__test=params.test)
                .select_related(
                    "folder__test",
                    "folder__inscription__user",
                    "folder__inscription__position__job",
                )
                .select_related("user")
                .order_by("folder__inscription__registry_number", "number", "pk")
            ),
            row=_other_results_row,
            needs_test=True,
        ),
        Report(
            key="va",
            number="6.6",
            title=gettext_lazy("Valoración de Antecedentes"),
            description=gettext_lazy(
                "Puntaje ponderado, analista, supervisor, auditor y observaciones de cada "
                "carpeta en la Valoración de Antecedentes."
            ),
            columns=(
                *PERSON_COLUMNS,
                gettext_lazy("Carpeta"),
                gettext_lazy("Estado"),
                gettext_lazy("Calificación"),
                gettext_lazy("Ponderación (%)"),
                gettext_lazy("Puntaje ponderado"),
                *NOTE_COLUMNS,
            ),
            query=lambda params: _folders(params, TestType.VA),
            row=_va_row,
        ),
        Report(
            key="vrm",
            number="6.7",
            title=gettext_lazy("Verificación de Requisitos Mínimos"),
            description=gettext_lazy(
                "Aspirantes con verificación de requisitos mínimos y las observaciones de "
                "analistas, supervisores y auditores."
            ),
            columns=(
                *PERSON_COLUMNS,
                gettext_lazy("Carpeta"),
                gettext_lazy("Estado"),
                gettext_lazy("Aprobó"),
                gettext_lazy("Admitido"),
                *NOTE_COLUMNS,
            ),
            query=lambda params: _folders(params, TestType.VRM),
            row=_vrm_row,
        ),
    )
}


def report_check(report: Report, params: Parameters) -> None:
    """Refuse parameters the report cannot run with (a DomainError per field)."""
    if params.subprocess is not None and params.subprocess.parent_id != params.process.pk:
        raise DomainError(
            _("El subproceso elegido no pertenece al proceso de selección."), field="subproceso"
        )
    if report.needs_test:
        if params.test is None:
            raise DomainError(_("Prueba: este campo es obligatorio."), field="prueba")
        if params.test.process_id != params.target.pk:
            raise DomainError(
                _("La prueba elegida no es del proceso de selección."), field="prueba"
            )
        if params.test.test_type in FOLDER_TEST_TYPES:
            raise DomainError(
                _("Elija una prueba distinta a Verificación de Requisitos Mínimos y Valoración "
                  "de Antecedentes."),
                field="prueba",
            )  # fmt: skip


# --- rendering ---------------------------------------------------------------------------


def file_name(report: Report, fmt: str) -> str:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return f"reporte-{report.number.replace('.', '-')}-{report.key}-{stamp}.{fmt}"


def render_xlsx(report: Report, rows: Iterator[list[Any]]) -> bytes:
    data = tablib.Dataset(headers=report.header())
    data.title = f"Reporte {report.number}"
    for row in rows:
        data.append([spreadsheet_cell(value) for value in row])
    return data.export("xlsx")


def _pdf_class() -> Any:
    from fpdf import FPDF

    class ReportPDF(FPDF):
        footer_text = ""

        def footer(self) -> None:
            self.set_y(-12)
            self.set_font(self.font_family, size=7)
            self.cell(0, 6, self.footer_text, align="L")
            self.set_x(self.l_margin)
            self.cell(0, 6, _("Página %(n)s de {nb}") % {"n": self.page_no()}, align="R")

    return ReportPDF


def _font_path(style: str) -> Path:
    base = Path(getattr(settings, "REPORT_FONT_DIR", FONT_DIR))
    return base / ("DejaVuSans-Bold.ttf" if style == "B" else "DejaVuSans.ttf")


def render_pdf(
    report: Report,
    params: Parameters,
    rows: Iterator[list[Any]],
    progress: Callable[[int], None] | None = None,
) -> bytes:
    """A4 landscape table with title, parameters, generation time and page numbers.

    DejaVu Sans renders any Spanish text; without it the core Helvetica font (Latin-1)
    still covers á é í ó ú ñ ü ¿ ¡. A character the font cannot draw becomes "?".
    """
    pdf = _pdf_class()(orientation="L", unit="mm", format="A4")
    if _font_path("").exists() and _font_path("B").exists():
        pdf.add_font("DejaVu", "", str(_font_path("")))
        pdf.add_font("DejaVu", "B", str(_font_path("B")))
        family = "DejaVu"
    else:
        family = "Helvetica"
    pdf.set_font(family, size=8)
    cmap = getattr(pdf.current_font, "cmap", None)

    def safe(value: Any) -> str:
        text = "" if value is None else str(value)
        if cmap is None:
            return text.encode("latin-1", "replace").decode("latin-1")
        return "".join(ch if ord(ch) in cmap or ch in "\n" else "?" for ch in text)

    generated = timezone.localtime()
    pdf.footer_text = safe(
        _("Generado el %(t)s (hora legal de Colombia)")
        % {"t": generated.strftime("%Y-%m-%d %H:%M:%S")}
    )
    pdf.set_title(safe(f"{report.number} {report.title}"))
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font(family, "B", 12)
    pdf.multi_cell(0, 6, safe(f"{report.number} {report.title}"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(family, size=8)
    for label, value in params.described():
        pdf.multi_cell(0, 4.5, safe(f"{label}: {value}"), new_x="LMARGIN", new_y="NEXT")
    pdf.multi_cell(0, 4.5, pdf.footer_text, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    header = report.header()
    widths = [max(8, min(len(column), 30)) for column in header]
    count = 0
    pdf.set_font(family, size=6.5)
    with pdf.table(
        col_widths=widths,
        line_height=3.2,
        text_align="LEFT",
        first_row_as_headings=True,
        repeat_headings=1,
    ) as table:
        table.row([safe(column) for column in header])
        for row in rows:
            table.row([safe(value) for value in row])
            count += 1
            if progress is not None and count % PROGRESS_EVERY == 0:
                progress(count)
    if count == 0:
        pdf.ln(2)
        pdf.multi_cell(0, 5, safe(report.note or _("No hay registros con estos parámetros.")))
    return bytes(pdf.output())


def render(
    report: Report,
    params: Parameters,
    fmt: str,
    progress: Callable[[int], None] | None = None,
) -> bytes:
    rows = report.rows(report.query(params).iterator(chunk_size=2000))
    if fmt == ReportFormat.PDF:
        return render_pdf(report, params, rows, progress)
    return render_xlsx(report, _counted(rows, progress))


def _counted(
    rows: Iterator[list[Any]], progress: Callable[[int], None] | None
) -> Iterator[list[Any]]:
    for count, row in enumerate(rows, start=1):
        if progress is not None and count % PROGRESS_EVERY == 0:
            progress(count)
        yield row


# --- background jobs ---------------------------------------------------------------------


def report_schedule(*, report: Report, params: Parameters, fmt: str, total: int, by: Any):
    """Queue a large export as a ``ReportJob``; its Celery task writes the file."""

    if fmt not in ReportFormat.values:
        raise DomainError(_("Elija Excel o PDF."))
    with transaction.atomic():
        job = ReportJob.objects.create(
            report=report.key, parameters=params.stored(), format=fmt, total=total, created_by=by
        )
        audit_record(
            action="evaluation.report.scheduled",
            actor=by,
            obj=job,
            after={"report": report.key, "format": fmt, **params.stored()},
        )
        transaction.on_commit(lambda: run_report.delay(job.pk))
    return job


def report_run(job_id: int) -> ReportJob:
    """Generate the file of a scheduled report and store it for its requester."""
    job = ReportJob.objects.get(pk=job_id)
    if job.state != JobState.PENDING:
        return job
    ReportJob.objects.filter(pk=job.pk).update(state=JobState.RUNNING, started_at=timezone.now())
    try:
        report = REPORTS[job.report]
        params = parameters_from(job.parameters)

        def progress(done: int) -> None:
            ReportJob.objects.filter(pk=job.pk).update(done=done)

        content = render(report, params, job.format, progress)
        name = default_storage.save(
            f"evaluation/reports/{job.pk}/{file_name(report, job.format)}", ContentFile(content)
        )
    except Exception as error:
        logger.exception("report job %s failed", job.pk)
        ReportJob.objects.filter(pk=job.pk).update(
            state=JobState.FAILED, finished_at=timezone.now(), error=str(error)[:1000]
        )
    else:
        ReportJob.objects.filter(pk=job.pk).update(
            state=JobState.DONE, done=job.total, finished_at=timezone.now(), file_name=name
        )
    job.refresh_from_db()
    return job


@shared_task(name="merito.evaluation.tasks.run_report")
def run_report(job_id: int) -> str:
    """Generate one large report (seed 004 §6) in the background."""
    return report_run(job_id).state
