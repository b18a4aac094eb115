"""The seven reports of seed 004 §6: their parameters, query and row builder, and their
rendering to Excel (tablib) or PDF (fpdf2, A4 landscape).

A report is shown on screen page by page; an export of more than ``BACKGROUND_ROWS`` rows
runs as a ``ReportJob`` (``merito.reports.jobs``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import tablib
from django.conf import settings
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from merito.applications.models import Inscription
from merito.calls.models import SelectionProcess, Test, TestType
from merito.errors import DomainError
from merito.evaluation.models import FOLDER_TEST_TYPES, Folder, FolderEvaluation, FolderEvent
from merito.evaluation.results import yes_no
from merito.exports import spreadsheet_cell
from merito.reports.models import ReportFormat

BACKGROUND_ROWS = 5000


PROGRESS_EVERY = 500


FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")


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


def file_name(report: Report, fmt: str) -> str:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return f"reporte-{report.number.replace('.', '-')}-{report.key}-{stamp}.{fmt}"


def render_xlsx(report: Report, rows: Iterator[list[Any]]) -> bytes:
    data = tablib.Dataset(headers=report.header())
    data.title = f"Reporte {report.number}" if report.number else str(report.title)[:31]
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
    heading = f"{report.number} {report.title}".strip()
    pdf.set_title(safe(heading))
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font(family, "B", 12)
    pdf.multi_cell(0, 6, safe(heading), new_x="LMARGIN", new_y="NEXT")
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
