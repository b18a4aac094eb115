"""The folder's state machine (seed 004 §3.2.6). Moved only through ``merito.states``:

    Sin asignar → Asignada                  "assign", when a first holder is given (bulk)
    Asignada | Devuelta → Calificada        "score", by the folder's analyst
    Calificada → Devuelta                   "return", by its supervisor, with a reason
    Calificada → Aprobada                   "approve", by its supervisor
    Calificada → Por auditar                "approve_to_audit", the same, drawn for audit
    Por auditar → Auditada                  "audit", by its auditor
    Por auditar → Devuelta                  "audit_return", by its auditor, with a reason

Whom it tells: a returned folder, its analyst (mail and notice); a scored folder, its
supervisor, and one drawn for audit, its auditor (a notice each, in their queue). Being
given folders — by a distribution, a mass or a selected assignment, first holder or a
new one — is one digest per person and operation (``ASSIGNED``), never one per folder.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from merito.evaluation.models import Folder, FolderState
from merito.organizations.models import Role
from merito.states import Machine, Notify, Transition


def _holds(role: str) -> Any:
    def allowed(user: Any, folder: Folder) -> bool:
        holder = folder.holder_id(role)
        return holder is not None and holder == getattr(user, "pk", None)

    return allowed


def _refusal(role: str) -> Any:
    """Translated when shown, in the reader's language."""
    return lazy(
        lambda: (
            _("Esta acción corresponde al %(role)s de la carpeta.") % {"role": Role(role).label}
        ),
        str,
    )()


def _holder(role: str) -> Any:
    field = {Role.ANALYST: "analyst", Role.SUPERVISOR: "supervisor", Role.AUDITOR: "auditor"}
    return lambda folder: [getattr(folder, field[Role(role)])]


def _folder_url(folder: Folder) -> str:
    return reverse("backoffice:evaluation:my_folder", args=[folder.pk])


def _folder_context(folder: Folder) -> dict[str, Any]:
    return {"folder": folder, "number": folder.pk, "test": folder.test}


def _queue(role: str, subject: Any) -> Notify:
    return Notify(
        kind=f"evaluation.folder.{role}",
        subject=subject,
        template="evaluation/email/folder_returned",
        to=_holder(role),
        context=_folder_context,
        url=_folder_url,
        notice=True,
        email=False,
    )


RETURNED = Notify(
    kind="evaluation.folder.returned",
    subject=_("La carpeta %(number)s fue devuelta"),
    template="evaluation/email/folder_returned",
    to=_holder(Role.ANALYST),
    context=_folder_context,
    url=_folder_url,
    notice=True,
)

# Folders given to a person in one operation: one message per person and role.
ASSIGNED = Notify(
    kind="evaluation.folders.assigned",
    subject=_("Le asignaron carpetas de la prueba %(description)s"),
    digest_subject=_("Le asignaron %(count)s carpetas de la prueba %(description)s"),
    template="evaluation/email/folders_assigned",
    digest_template="evaluation/email/folders_assigned",
    to=lambda test: [],
    context=lambda test: {"test": test, "description": test.description},
    url=lambda test: reverse("backoffice:evaluation:my_folders"),
    notice=True,
)

SCORING = (FolderState.ASSIGNED, FolderState.RETURNED)


def _by(role: str, name: str, source: Any, target: str, label: Any, **kw: Any) -> Transition:
    """A move taken by the folder's holder in ``role``; audited as ``evaluation.folder.*``."""
    audit = kw.pop("audit", name)
    return Transition(
        name,
        source,
        target,
        label=label,
        audit_action=f"evaluation.folder.{audit}",
        allowed=_holds(role),
        refusal=_refusal(role),
        **kw,
    )


SUPERVISOR, AUDITOR = Role.SUPERVISOR, Role.AUDITOR
SCORED, TO_AUDIT = [FolderState.SCORED], [FolderState.TO_AUDIT]

FOLDER = Machine(
    "evaluation.folder",
    Folder,
    states=FolderState,
    initial=[FolderState.UNASSIGNED],
    stale=_("Otra persona modificó esta carpeta; recargue"),
    transitions=[
        Transition(
            "assign",
            [FolderState.UNASSIGNED],
            FolderState.ASSIGNED,
            label=_("Asignar"),
            audit_action="evaluation.folder.state_assigned",
        ),
        _by(
            Role.ANALYST,
            "score",
            SCORING,
            FolderState.SCORED,
            _("Calificar"),
            notify=[_queue(SUPERVISOR, _("La carpeta %(number)s espera su aprobación"))],
        ),
        _by(SUPERVISOR, "return", SCORED, FolderState.RETURNED, _("Devolver"), notify=[RETURNED]),
        _by(SUPERVISOR, "approve", SCORED, FolderState.APPROVED, _("Aprobar")),
        _by(
            SUPERVISOR,
            "approve_to_audit",
            SCORED,
            FolderState.TO_AUDIT,
            _("Aprobar"),
            audit="approve",
            notify=[_queue(AUDITOR, _("La carpeta %(number)s espera su auditoría"))],
        ),
        _by(AUDITOR, "audit", TO_AUDIT, FolderState.AUDITED, _("Auditar conforme")),
        _by(
            AUDITOR,
            "audit_return",
            TO_AUDIT,
            FolderState.RETURNED,
            _("Devolver desde auditoría"),
            notify=[RETURNED],
        ),
    ],
)
