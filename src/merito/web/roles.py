"""Each role's landing page: where it lives, who may enter, what the role does."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from merito.organizations.models import Role


@dataclass(frozen=True)
class Landing:
    slug: str
    permission: str
    roles: tuple[Role, ...]
    title: Promise
    description: Promise
    # The role's tools: (URL name, label). A tool whose app is not installed is skipped.
    tools: tuple[tuple[str, Promise], ...] = ()
    # What the tools need beyond the role (their organization's scope); "" when nothing.
    tools_permission: str = ""

    @property
    def audience(self) -> str:
        """The portal's landing is the portal's home; every staff role's is in the backoffice."""
        return "portal" if self.slug == "portal" else "backoffice"

    @property
    def url(self) -> str:
        if self.audience == "portal":
            return reverse("portal:home")
        return reverse("backoffice:landing", args=[self.slug])


LANDINGS: tuple[Landing, ...] = (
    Landing(
        "portal",
        "merito.access_portal",
        (Role.APPLICANT,),
        _("Mi portal"),
        _("Consulte convocatorias, mantenga su hoja de vida y siga sus inscripciones."),
        (
            ("public:calls:list", _("Convocatorias")),
            ("portal:profiles:overview", _("Mi hoja de vida")),
            ("portal:documents:list", _("Mis documentos")),
            ("portal:applications:list", _("Mis inscripciones")),
            ("portal:cases:dashboard", _("Gestión de pares")),
        ),
    ),
    Landing(
        "gerencia",
        "merito.access_process_management",
        (Role.PROCESS_MANAGEMENT,),
        _("Gerencia del proceso"),
        _(
            "Cree los procesos de selección y sus pruebas, abra la etapa de pruebas, "
            "abra y cierre pruebas y publique resultados."
        ),
        (("backoffice:evaluation:process_list", _("Procesos de selección")),),
    ),
    Landing(
        "operador",
        "merito.access_operator",
        (Role.OPERATOR_ADMIN,),
        _("Administración del operador"),
        _(
            "Consulte los procesos y pruebas adjudicados, administre los usuarios del "
            "operador, asócielos a las pruebas y distribuya las carpetas."
        ),
        (
            ("backoffice:evaluation:process_list", _("Procesos y pruebas")),
            ("backoffice:evaluation:operator_list", _("Operador y usuarios")),
        ),
    ),
    Landing(
        "supervision",
        "merito.access_supervision",
        (Role.SUPERVISOR,),
        _("Supervisión"),
        _("Revise las carpetas calificadas por los analistas: apruébelas o devuélvalas."),
        (("backoffice:evaluation:my_folders", _("Mis carpetas")),),
    ),
    Landing(
        "analisis",
        "merito.access_analysis",
        (Role.ANALYST,),
        _("Análisis"),
        _("Califique folio por folio las carpetas que le fueron asignadas."),
        (("backoffice:evaluation:my_folders", _("Mis carpetas")),),
    ),
    Landing(
        "auditoria",
        "merito.access_audit",
        (Role.AUDITOR,),
        _("Auditoría"),
        _("Audite la muestra de carpetas aprobadas y no aprobadas."),
        (("backoffice:evaluation:my_folders", _("Mis carpetas")),),
    ),
    Landing(
        "reclamaciones",
        "merito.access_claims",
        (Role.CLAIMS_ANALYST,),
        _("Reclamaciones"),
        _("Responda las reclamaciones asignadas dentro de su plazo."),
    ),
    Landing(
        "juridica",
        "merito.access_legal",
        (Role.LEGAL,),
        _("Jurídica"),
        _("Consulte reclamaciones y actuaciones que requieren concepto jurídico."),
    ),
    Landing(
        "comite",
        "merito.access_committee",
        (Role.COMMITTEE_PRESIDENT, Role.COMMITTEE_MEMBER),
        _("Comité de evaluación"),
        _("Verifique requisitos, califique expedientes y firme las actas de resultados."),
    ),
    Landing(
        "institucion-educativa",
        "merito.access_school",
        (Role.SCHOOL_DIRECTOR,),
        _("Dirección de la institución educativa"),
        _("Registre notas de sus estudiantes y atienda solicitudes de certificados."),
    ),
    Landing(
        # Not "verificacion": /gestion/verificacion/ is the queue of update cases.
        "verificacion-de-pares",
        "merito.access_verification",
        (Role.VERIFIER,),
        _("Verificación de pares"),
        _("Verifique las solicitudes de actualización de los pares académicos."),
        (
            ("backoffice:cases:queue", _("Casos por verificar")),
            ("backoffice:peers:search", _("Banco de pares")),
            ("backoffice:peers:requests", _("Solicitudes pendientes")),
            ("backoffice:peers:import", _("Importar el banco")),
        ),
        # The bank is the MEN's: a verifier of another ministry holds the role, not the bank.
        "peers.work_bank",
    ),
)

LANDINGS_BY_SLUG = {landing.slug: landing for landing in LANDINGS}
# Landings that had another address before the audiences (/verificacion/ was the verifier's).
FORMER_SLUGS = {"verificacion": "verificacion-de-pares"}
