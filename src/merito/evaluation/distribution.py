"""Folders of VRM and VA tests: distribution and workflow (issue 6, items 5 and 6).

A folder is distributed only while the process's test stage is open and the test is open
and unpublished (seed 004 §3.2.6). Every assignment goes through ``_write_assignments``,
which keeps the current holder on the folder, the history in ``FolderAssignment`` and
one audit event per user and batch listing the folders it received.

A folder changes state only in ``folder_transition``:

    Sin asignar → Asignada          (first person assigned, any role)
    Asignada | Devuelta → Calificada          "score", by the analyst
    Calificada → Devuelta           "return", by the supervisor, with a reason
    Calificada → Aprobada | Por auditar       "approve", by the supervisor
    Por auditar → Auditada          "audit", by the auditor
    Por auditar → Devuelta          "audit_return", by the auditor who disagrees, with a reason

See docs/distribution.md for the audit sample and the balance algorithm.
"""

from __future__ import annotations

import hashlib
import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Case, Count, F, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from merito.accounts.models import User
from merito.applications.models import Inscription, InscriptionState
from merito.audit.services import audit_record
from merito.calls.models import Position
from merito.errors import DomainError
from merito.evaluation.balance import balance
from merito.evaluation.models import (
    FOLDER_ROLE_FIELDS,
    FOLDER_ROLES,
    FOLDER_TEST_TYPES,
    ConflictOfInterest,
    DistributionJob,
    DistributionKind,
    Folder,
    FolderAssignment,
    FolderEvent,
    FolderState,
    JobState,
    Test,
    TestState,
    TestUser,
)
from merito.organizations.models import Role

logger = logging.getLogger(__name__)

MASS_LIMIT = 500
BATCH = 1000

# Folders a holder has not finished, by role: what blocks unlinking them from the test.
PENDING_STATES: dict[str, tuple[str, ...]] = {
    Role.ANALYST: (FolderState.ASSIGNED, FolderState.RETURNED),
    Role.SUPERVISOR: (FolderState.ASSIGNED, FolderState.RETURNED, FolderState.SCORED),
    Role.AUDITOR: (FolderState.TO_AUDIT,),
}


# --- scope -------------------------------------------------------------------------------


def distribution_refusal(test: Test) -> str | None:
    """Why the folders of ``test`` cannot be distributed now; ``None`` when they can."""
    if test.test_type not in FOLDER_TEST_TYPES:
        return _(
            "Solo se distribuyen carpetas de las pruebas de Verificación de Requisitos "
            "Mínimos y de Valoración de Antecedentes."
        )
    if not test.process.test_stage_open:
        return _(
            "La etapa de pruebas del proceso no está abierta: la gerencia del proceso debe "
            "abrirla antes de distribuir carpetas."
        )
    if test.state != TestState.OPEN:
        return _("La prueba está cerrada: solo se distribuyen carpetas de una prueba abierta.")
    if test.published_at is not None:
        return _("La prueba ya tiene publicación: sus carpetas no se pueden distribuir.")
    return None


def _locked_distributable(test: Test) -> Test:
    """Lock the test (distributions of one test never interleave) and check it still may."""
    test = Test.objects.select_for_update().select_related("process").get(pk=test.pk)
    refusal = distribution_refusal(test)
    if refusal:
        raise DomainError(refusal)
    return test


def test_inscriptions(test: Test) -> QuerySet[Inscription]:
    """Inscriptions still in the contest for the test's jobs (no jobs chosen = all)."""
    inscriptions = Inscription.objects.filter(
        call_id=test.process.call_id, state=InscriptionState.ACTIVE
    )
    if test.positions.exists():
        inscriptions = inscriptions.filter(position__in=test.positions.all())
    return inscriptions


def active_folders(test: Test) -> QuerySet[Folder]:
    return Folder.objects.filter(test=test, inscription__state=InscriptionState.ACTIVE)


def folders_sync(*, test: Test) -> int:
    """Create the missing folder of every inscription in the test; idempotent. Returns new."""
    if test.test_type not in FOLDER_TEST_TYPES:
        return 0
    have = Folder.objects.filter(test=test).values("inscription_id")
    missing = test_inscriptions(test).exclude(pk__in=have).values_list("pk", "position__level")
    rows = [Folder(test=test, inscription_id=pk, level=level) for pk, level in missing]
    Folder.objects.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)
    return len(rows)


# --- counters ----------------------------------------------------------------------------

COUNTER_STATES = {
    "assigned": FolderState.ASSIGNED,
    "returned": FolderState.RETURNED,
    "scored": FolderState.SCORED,
    "approved": FolderState.APPROVED,
    "to_audit": FolderState.TO_AUDIT,
    "audited": FolderState.AUDITED,
}
COUNTERS = ("total", "undistributed", "distributed", *COUNTER_STATES)


def level_counters(test: Test) -> list[dict[str, Any]]:
    """Counters per level (seed 004 §3.2.6) and a last row with the totals; two queries.

    Every distributed folder is in exactly one state, so Distribuidas = Asignadas +
    Devueltas + Calificadas + Aprobadas + Por auditar + Auditadas.
    """
    totals = dict(
        test_inscriptions(test)
        .order_by()
        .values_list("position__level")
        .annotate(n=Count("pk"))
        .values_list("position__level", "n")
    )
    states = {
        row["level"]: row
        for row in active_folders(test)
        .order_by()
        .values("level")
        .annotate(
            distributed=Count("pk", filter=~Q(state=FolderState.UNASSIGNED)),
            **{key: Count("pk", filter=Q(state=state)) for key, state in COUNTER_STATES.items()},
        )
    }
    rows = []
    for level in sorted(set(totals) | set(states)):
        row = {"level": level, "total": totals.get(level, 0)}
        found = states.get(level, {})
        row["distributed"] = found.get("distributed", 0)
        row["undistributed"] = row["total"] - row["distributed"]
        for key in COUNTER_STATES:
            row[key] = found.get(key, 0)
        rows.append(row)
    overall: dict[str, Any] = {"level": None}
    for key in COUNTERS:
        overall[key] = sum(row[key] for row in rows)
    return [*rows, overall]


def user_counters(test: Test) -> list[dict[str, Any]]:
    """Per linked user and role: folders held, pending for that role, and finished."""
    rows = []
    links = test.linked_users.filter(role__in=FOLDER_ROLES).select_related("user")
    by_role: dict[str, dict[int, dict[str, int]]] = {}
    for role in FOLDER_ROLES:
        field = FOLDER_ROLE_FIELDS[role]
        by_role[role] = {
            row[field]: row
            for row in active_folders(test)
            .filter(**{f"{field}__isnull": False})
            .order_by()
            .values(field)
            .annotate(
                held=Count("pk"), pending=Count("pk", filter=Q(state__in=PENDING_STATES[role]))
            )
        }
    for link in links.order_by("role", "user__username"):
        found = by_role[link.role].get(link.user_id, {})
        held, pending = found.get("held", 0), found.get("pending", 0)
        rows.append(
            {
                "user": link.user,
                "role": link.get_role_display(),
                "held": held,
                "pending": pending,
                "finished": held - pending,
            }
        )
    return rows


def pending_folders(user: Any, test: Test) -> int:
    """Folders of ``test`` that ``user`` holds and has not finished for that role."""
    condition = Q()
    for role in FOLDER_ROLES:
        condition |= Q(**{FOLDER_ROLE_FIELDS[role]: user}, state__in=PENDING_STATES[role])
    return Folder.objects.filter(condition, test=test).count()


# --- conflicts of interest ---------------------------------------------------------------


def conflict_declare(*, user: User, document_number: str, reason: str, by: Any) -> Any:
    """A user declares they must not evaluate the holder of ``document_number``."""
    number = document_number.strip()
    if not number.isdigit() or not 5 <= len(number) <= 16:
        raise DomainError(
            _("Número de documento: escriba solo dígitos, entre 5 y 16."), field="document_number"
        )
    with transaction.atomic():
        conflict, created = ConflictOfInterest.objects.get_or_create(
            user=user, document_number=number, defaults={"reason": reason.strip()}
        )
        if not created:
            raise DomainError(
                _("Ya declaró un conflicto de interés con ese documento."), field="document_number"
            )
        audit_record(
            action="evaluation.conflict.declared",
            actor=by,
            obj=conflict,
            after={"user": user.pk, "document_number": number, "reason": reason},
        )
    return conflict


def blocked_documents(user_ids: Iterable[int]) -> dict[int, set[str]]:
    """Documents each user may not evaluate: their own and their declared conflicts."""
    ids = list(user_ids)
    blocked: dict[int, set[str]] = defaultdict(set)
    for pk, number in User.objects.filter(pk__in=ids).values_list("pk", "document_number"):
        if number:
            blocked[pk].add(number)
    for pk, number in ConflictOfInterest.objects.filter(user_id__in=ids).values_list(
        "user_id", "document_number"
    ):
        blocked[pk].add(number)
    return blocked


# --- assignment --------------------------------------------------------------------------


def _write_assignments(
    *, test: Test, role: str, user_id: int, folder_ids: Sequence[int], by: Any, source: str
) -> int:
    """Give ``folder_ids`` to ``user_id`` in ``role``: ends the previous holder's period."""
    field = FOLDER_ROLE_FIELDS[Role(role)]
    now = timezone.now()
    written = 0
    for start in range(0, len(folder_ids), BATCH):
        chunk = folder_ids[start : start + BATCH]
        current = FolderAssignment.objects.filter(
            folder_id__in=chunk, role=role, ended_at__isnull=True
        )
        keep = set(current.filter(user_id=user_id).values_list("folder_id", flat=True))
        new = [pk for pk in chunk if pk not in keep]
        if not new:
            continue
        current.filter(folder_id__in=new).update(ended_at=now)
        FolderAssignment.objects.bulk_create(
            [
                FolderAssignment(
                    folder_id=pk,
                    role=role,
                    user_id=user_id,
                    started_at=now,
                    assigned_by=by if getattr(by, "pk", None) else None,
                    source=source,
                )
                for pk in new
            ]
        )
        Folder.objects.filter(pk__in=new).update(
            **{f"{field}_id": user_id},
            version=F("version") + 1,
            state=Case(
                When(state=FolderState.UNASSIGNED, then=Value(FolderState.ASSIGNED)),
                default=F("state"),
            ),
            updated_at=now,
        )
        audit_record(
            action="evaluation.folder.assigned",
            actor=by,
            obj=test,
            after={"role": role, "user": user_id, "source": source, "folders": new},
        )
        written += len(new)
    return written


def _chosen_users(test: Test, users: dict[str, User | None]) -> dict[str, User]:
    chosen = {role: user for role, user in users.items() if user is not None}
    for role, user in chosen.items():
        linked = TestUser.objects.filter(test=test, user=user, role=role).exists()
        if not linked or not user.is_active:
            raise DomainError(
                _("El usuario %(user)s no está asociado y activo en la prueba con el rol %(role)s.")
                % {"user": user.username, "role": Role(role).label}
            )
    return chosen


def _check_conflicts(chosen: dict[str, User], folders: list[tuple[int, str]]) -> None:
    blocked = blocked_documents(user.pk for user in chosen.values())
    for user in chosen.values():
        for pk, document in folders:
            if document in blocked.get(user.pk, ()):
                raise DomainError(
                    _(
                        "El usuario %(user)s no puede recibir la carpeta %(folder)s: es la "
                        "suya o la de una persona con quien declaró conflicto de interés."
                    )
                    % {"user": user.username, "folder": pk}
                )


def folders_assign_selected(
    *, test: Test, folder_ids: Sequence[int], users: dict[str, User | None], by: Any
) -> int:
    """ "Asignación seleccionados": the marked folders go to each chosen role's user."""
    if not any(users.values()):
        raise DomainError(
            _("Seleccione al menos un usuario de un rol: Supervisor, Analista o Auditor.")
        )
    ids = sorted(set(folder_ids))
    if not ids:
        raise DomainError(_("Marque al menos una carpeta para asignar."))
    with transaction.atomic():
        test = _locked_distributable(test)
        chosen = _chosen_users(test, users)
        rows = list(
            active_folders(test)
            .filter(pk__in=ids)
            .values_list("pk", "inscription__user__document_number", "state")
        )
        if len(rows) != len(ids):
            raise DomainError(_("Una de las carpetas marcadas no es de esta prueba."))
        audited = [pk for pk, _doc, state in rows if state == FolderState.AUDITED]
        if audited:
            raise DomainError(
                _("La carpeta %(folder)s ya fue auditada: no se puede reasignar.")
                % {"folder": audited[0]}
            )
        _check_conflicts(chosen, [(pk, doc) for pk, doc, _state in rows])
        for role, user in chosen.items():
            _write_assignments(
                test=test, role=role, user_id=user.pk, folder_ids=ids, by=by, source="manual"
            )
    return len(ids)


def folders_assign_mass(
    *,
    test: Test,
    candidates: QuerySet[Folder],
    quantity: int | None,
    users: dict[str, User | None],
    by: Any,
) -> int:
    """ "Asignación masiva": up to 500 Sin asignar folders of ``candidates`` (in list order)."""
    if not (users.get(Role.SUPERVISOR) or users.get(Role.ANALYST)):
        raise DomainError(_("Seleccione al menos el usuario con rol Supervisor o Analista."))
    if quantity is None or quantity < 1:
        raise DomainError(
            _("Cantidad a asignar: escriba un número entre 1 y %(max)s.") % {"max": MASS_LIMIT},
            field="cantidad",
        )
    if quantity > MASS_LIMIT:
        raise DomainError(
            _("Cantidad a asignar: máximo podrá asignar %(max)s carpetas.") % {"max": MASS_LIMIT},
            field="cantidad",
        )
    with transaction.atomic():
        test = _locked_distributable(test)
        chosen = _chosen_users(test, users)
        blocked = blocked_documents(user.pk for user in chosen.values())
        barred = set().union(*(blocked.get(user.pk, set()) for user in chosen.values()))
        available = candidates.filter(test=test, state=FolderState.UNASSIGNED)
        ids = []
        for pk, document in available.values_list("pk", "inscription__user__document_number"):
            if document not in barred:
                ids.append(pk)
                if len(ids) == quantity:
                    break
        if len(ids) < quantity:
            raise DomainError(
                _(
                    "Cantidad a asignar: solo hay %(n)s carpetas Sin asignar que estos usuarios "
                    "pueden recibir."
                )
                % {"n": len(ids)},
                field="cantidad",
            )
        for role, user in chosen.items():
            _write_assignments(
                test=test, role=role, user_id=user.pk, folder_ids=ids, by=by, source="masiva"
            )
    return len(ids)


# --- automatic distribution --------------------------------------------------------------


def distribution_schedule(
    *, test: Test, kind: str, level: str = "", position: Position | None = None, by: Any
) -> DistributionJob:
    """ "Programar trabajo": queue an automatic distribution; it runs as a Celery task."""
    from merito.evaluation.tasks import run_distribution

    if kind not in DistributionKind.values:
        raise DomainError(
            _("Tipo de distribución: elija Nivel, Empleo o Automático."), field="kind"
        )
    if kind == DistributionKind.LEVEL and not level:
        raise DomainError(_("Nivel: elija el nivel que desea distribuir."), field="level")
    if kind == DistributionKind.JOB and position is None:
        raise DomainError(_("Empleo: elija el empleo que desea distribuir."), field="position")
    with transaction.atomic():
        test = _locked_distributable(test)
        if position is not None and position.call_id != test.process.call_id:
            raise DomainError(_("El empleo elegido no es de este proceso."), field="position")
        if not test.linked_users.filter(role__in=FOLDER_ROLES, user__is_active=True).exists():
            raise DomainError(
                _("Asocie a la prueba usuarios con rol Supervisor, Analista o Auditor.")
            )
        job = DistributionJob.objects.create(
            test=test,
            kind=kind,
            level=level if kind == DistributionKind.LEVEL else "",
            position=position if kind == DistributionKind.JOB else None,
            created_by=by,
        )
        audit_record(
            action="evaluation.distribution.scheduled",
            actor=by,
            obj=job,
            after={"test": test.pk, "kind": kind, "level": level, "position": job.position_id},
        )
        transaction.on_commit(lambda: run_distribution.delay(job.pk))
    return job


@dataclass
class _Plan:
    role: str
    level: str
    assignments: dict[int, list[int]]
    nobody: list[int]


def _plan(job: DistributionJob, test: Test) -> list[_Plan]:
    folders = active_folders(test).exclude(state=FolderState.AUDITED)
    if job.kind == DistributionKind.LEVEL:
        folders = folders.filter(level=job.level)
    elif job.kind == DistributionKind.JOB:
        folders = folders.filter(inscription__position=job.position)
    plans = []
    for role in FOLDER_ROLES:
        field = FOLDER_ROLE_FIELDS[role]
        users = list(
            test.linked_users.filter(role=role, user__is_active=True)
            .order_by("user_id")
            .values_list("user_id", flat=True)
        )
        if not users:
            continue
        blocked = blocked_documents(users)
        by_level: dict[str, list[tuple[int, str]]] = defaultdict(list)
        for pk, level, document in (
            folders.filter(**{f"{field}__isnull": True})
            .order_by("pk")
            .values_list("pk", "level", "inscription__user__document_number")
        ):
            by_level[level].append((pk, document))
        for level, missing in by_level.items():
            loads = dict(
                active_folders(test)
                .filter(level=level, **{f"{field}__in": users})
                .order_by()
                .values_list(field)
                .annotate(n=Count("pk"))
                .values_list(field, "n")
            )
            assignments, nobody = balance(missing, users, loads=loads, blocked=blocked)
            plans.append(_Plan(role, level, assignments, nobody))
    return plans


def distribution_run(job_id: int) -> DistributionJob:
    """Run a scheduled automatic distribution, committing batch by batch with progress."""
    job = DistributionJob.objects.select_related("test", "created_by").get(pk=job_id)
    if job.state != JobState.PENDING:
        return job
    DistributionJob.objects.filter(pk=job.pk).update(
        state=JobState.RUNNING, started_at=timezone.now()
    )
    try:
        with transaction.atomic():
            test = _locked_distributable(job.test)
            folders_sync(test=test)
            plans = _plan(job, test)
        total = sum(len(ids) for plan in plans for ids in plan.assignments.values())
        DistributionJob.objects.filter(pk=job.pk).update(total=total)
        done = 0
        for plan in plans:
            for user_id, ids in plan.assignments.items():
                for start in range(0, len(ids), BATCH):
                    chunk = ids[start : start + BATCH]
                    with transaction.atomic():
                        test = _locked_distributable(job.test)
                        # Someone may have assigned some of them by hand meanwhile.
                        field = FOLDER_ROLE_FIELDS[Role(plan.role)]
                        still = list(
                            Folder.objects.filter(pk__in=chunk, **{f"{field}__isnull": True})
                            .order_by("pk")
                            .values_list("pk", flat=True)
                        )
                        _write_assignments(
                            test=test,
                            role=plan.role,
                            user_id=user_id,
                            folder_ids=still,
                            by=job.created_by,
                            source="automatica",
                        )
                    done += len(chunk)
                    DistributionJob.objects.filter(pk=job.pk).update(done=done)
        nobody = sum(len(plan.nobody) for plan in plans)
        note = (
            _("%(n)s asignaciones sin usuario posible por conflicto de interés.") % {"n": nobody}
            if nobody
            else ""
        )
        DistributionJob.objects.filter(pk=job.pk).update(
            state=JobState.DONE, finished_at=timezone.now(), error=note
        )
    except DomainError as error:
        _fail(job, error.message)
    except Exception as error:  # the job row must say it failed, whatever the cause
        logger.exception("distribution job %s failed", job.pk)
        _fail(job, _("Error inesperado: %(error)s") % {"error": error})
    job.refresh_from_db()
    return job


def _fail(job: DistributionJob, message: str) -> None:
    DistributionJob.objects.filter(pk=job.pk).update(
        state=JobState.FAILED, finished_at=timezone.now(), error=message
    )


# --- workflow ----------------------------------------------------------------------------

# action: (role that does it, states it starts from)
ACTIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    "score": (Role.ANALYST, (FolderState.ASSIGNED, FolderState.RETURNED)),
    "return": (Role.SUPERVISOR, (FolderState.SCORED,)),
    "approve": (Role.SUPERVISOR, (FolderState.SCORED,)),
    "audit": (Role.AUDITOR, (FolderState.TO_AUDIT,)),
    "audit_return": (Role.AUDITOR, (FolderState.TO_AUDIT,)),
}
ACTION_LABELS = {
    "score": gettext_lazy("Calificar"),
    "return": gettext_lazy("Devolver"),
    "approve": gettext_lazy("Aprobar"),
    "audit": gettext_lazy("Auditar conforme"),
    "audit_return": gettext_lazy("Devolver desde auditoría"),
}


def audit_drawn(test: Test, folder: Folder) -> bool:
    """Whether ``folder`` falls in the test's audit sample.

    Each folder draws a number in [0, 100) from SHA-256 of the test's stored seed and the
    folder id, and is audited when it is below the percentage for its result (Aprobó SI
    or NO). Anyone with the seed can recompute the sample.
    """
    percent = test.audit_percent_approved if folder.passed else test.audit_percent_not_approved
    digest = hashlib.sha256(f"{test.audit_seed}:{folder.pk}".encode()).digest()
    draw = int.from_bytes(digest[:8], "big") * 100 / 2**64
    return draw < float(percent)


def folder_transition(
    *,
    folder: Folder,
    action: str,
    user: Any,
    expected_version: int,
    reason: str = "",
    passed: bool | None = None,
) -> Folder:
    """The one way a folder changes state; see the module docstring for the rules.

    "score" is, for now, a simple form where the analyst records Aprobó SI/NO and an
    observation (``reason``); the folio-by-folio review of item 8 will feed it later.
    Raises ``PermissionDenied`` when ``user`` does not hold the folder in the role the
    action needs, ``DomainError`` for any other refusal; nothing changes then.
    """
    if action not in ACTIONS:
        raise DomainError(_("Acción no válida."))
    role, from_states = ACTIONS[action]
    if folder.holder_id(role) is None or folder.holder_id(role) != getattr(user, "pk", None):
        raise PermissionDenied(
            _("Esta acción corresponde al %(role)s de la carpeta.") % {"role": Role(role).label}
        )
    if expected_version != folder.version:
        raise DomainError(_("Otra persona modificó esta carpeta; recargue"))
    test = folder.test
    if test.state != TestState.OPEN or test.published_at is not None:
        raise DomainError(_("La prueba está cerrada o publicada: sus carpetas no se modifican."))
    if action == "approve" and (folder.state != FolderState.SCORED or folder.passed is None):
        raise DomainError(_("No se puede aprobar una carpeta que nadie ha calificado."))
    if folder.state not in from_states:
        raise DomainError(
            _("Una carpeta en estado %(state)s no admite la acción %(action)s.")
            % {"state": folder.get_state_display(), "action": ACTION_LABELS[action]}
        )
    reason = reason.strip()
    changes: dict[str, Any] = {}
    if action == "score":
        if passed is None:
            raise DomainError(_("Aprobó: elija SI o NO."), field="passed")
        changes = {"passed": passed, "observation": reason}
        new_state = FolderState.SCORED
    elif action in ("return", "audit_return"):
        if not reason:
            raise DomainError(_("Escriba el motivo de la devolución."), field="reason")
        changes = {"last_reason": reason}
        new_state = FolderState.RETURNED
    elif action == "approve":
        selected = folder.audit_selected or audit_drawn(test, folder)
        changes = {"audit_selected": selected}
        new_state = FolderState.TO_AUDIT if selected else FolderState.APPROVED
    else:
        new_state = FolderState.AUDITED
    with transaction.atomic():
        updated = Folder.objects.filter(
            pk=folder.pk, version=expected_version, state=folder.state
        ).update(state=new_state, version=F("version") + 1, updated_at=timezone.now(), **changes)
        if not updated:
            raise DomainError(_("Otra persona modificó esta carpeta; recargue"))
        FolderEvent.objects.create(
            folder=folder,
            action=action,
            from_state=folder.state,
            to_state=new_state,
            reason=reason,
            user=user,
        )
        audit_record(
            action=f"evaluation.folder.{action}",
            actor=user,
            obj=folder,
            before={"state": folder.state, "version": expected_version},
            after={"state": new_state, "reason": reason, **changes},
        )
    folder.refresh_from_db()
    return folder
