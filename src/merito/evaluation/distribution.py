"""Folders of VRM and VA tests: distribution and workflow.

A folder is distributed only while the process's test stage is open and the test is open
and unpublished (seed 004 §3.2.6). Manual and mass assignment go through
``_write_assignments``, which keeps the current holder on the folder, the history in
``FolderAssignment`` and one audit event per user and batch listing the folders it received.
The automatic distribution plans in memory and writes in chunks of ``CHUNK`` folders
(``_write_chunk``): one compare-and-set UPDATE on ``version``, the history in bulk and one
audit event per chunk and role listing each user's folders.

A folder's states and transitions are declared in ``merito.evaluation.states`` and moved
only through ``merito.states``: ``folder_transition`` takes one folder through one of the
workflow's moves; an assignment writes the holders and then moves, in bulk, the folders
still Sin asignar to Asignada; each person given folders gets one message per operation.

See docs/distribution.md for the audit sample and the balance algorithm.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from celery import shared_task
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import Count, Exists, F, Model, OuterRef, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from merito.accounts.models import User
from merito.applications.models import Inscription, InscriptionState
from merito.audit.services import audit_record
from merito.calls.models import Position, Test, TestState, TestUser
from merito.calls.scope import administered_operator_ids
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
    FolderTally,
)
from merito.evaluation.states import ASSIGNED, FOLDER
from merito.jobs import Progress, job_run
from merito.organizations.models import Role
from merito.search import each_word
from merito.states import Digest, Move

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


def new_folders(test: Test, inscriptions: QuerySet[Inscription]) -> list[Folder]:
    """Unsaved folders of ``inscriptions`` in ``test``, with the copies lists sort on."""
    rows = inscriptions.values_list(
        "pk",
        "state",
        "position__level",
        "registry_number",
        "user__document_number",
        "position__job__opec_number",
    )
    return [
        Folder(
            test=test,
            inscription_id=pk,
            active=state == InscriptionState.ACTIVE,
            level=level or "",
            registry_number=registry,
            document_number=document,
            opec_number=opec,
        )
        for pk, state, level, registry, document, opec in rows
    ]


def active_folders(test: Test) -> QuerySet[Folder]:
    return Folder.objects.filter(test=test, active=True)


def inscription_changed(sender: Any, move: Move, **kwargs: Any) -> None:
    """Keep ``Folder.active`` equal to its inscription being in the contest."""
    instance = move.obj
    active = instance.state == InscriptionState.ACTIVE
    Folder.objects.filter(inscription_id=instance.pk).exclude(active=active).update(active=active)


def folders_sync(*, test: Test) -> int:
    """Create the missing folder of every inscription in the test; idempotent. Returns new."""
    if test.test_type not in FOLDER_TEST_TYPES:
        return 0
    # NOT EXISTS (an anti-join), not NOT IN: with 500,000 folders PostgreSQL would
    # otherwise rescan the subquery for every inscription once it outgrows work_mem.
    have = Folder.objects.filter(test=test, inscription_id=OuterRef("pk"))
    rows = new_folders(test, test_inscriptions(test).filter(~Exists(have)))
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
COUNTER_KEYS: dict[str, str] = {str(state): key for key, state in COUNTER_STATES.items()}


def level_counters(test: Test) -> list[dict[str, Any]]:
    """Counters per level (seed 004 §3.2.6) and a last row with the totals; one query.

    Total is the folders still in the contest (``distribution_sync`` adds those of new
    inscriptions). Every distributed folder is in exactly one state, so Distribuidas =
    Asignadas + Devueltas + Calificadas + Aprobadas + Por auditar + Auditadas.
    """
    by_level: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNTERS, 0))
    for level, state, n in FolderTally.objects.filter(test=test, role="", n__gt=0).values_list(
        "level", "state", "n"
    ):
        row = by_level[level]
        row["total"] += n
        if state == FolderState.UNASSIGNED:
            row["undistributed"] += n
        else:
            row["distributed"] += n
            row[COUNTER_KEYS[state]] += n
    rows: list[dict[str, Any]] = [{"level": level, **by_level[level]} for level in sorted(by_level)]
    overall: dict[str, Any] = {"level": None}
    for key in COUNTERS:
        overall[key] = sum(row[key] for row in rows)
    return [*rows, overall]


# Up to this many users, ``user_counters`` reads only their rows of the tally.
PAGE_OF_USERS = 200


def user_links(test: Test, *, role: str = "", query: str = "") -> QuerySet[TestUser]:
    """The users linked to ``test`` in a folder role (``role`` only, when given), whose
    username or name contains ``query``, by role and username."""
    links = test.linked_users.filter(role__in=[role] if role else FOLDER_ROLES)
    links = each_word(
        links,
        query,
        "user__username",
        "user__given_names",
        "user__first_surname",
        "user__second_surname",
    )
    return links.select_related("user").order_by("role", "user__username", "pk")


def user_counters(test: Test, links: Iterable[TestUser]) -> list[dict[str, Any]]:
    """For these links of ``test``: folders held, pending for that role, and finished
    (one query on the tally, for these users only)."""
    links = list(links)
    held: dict[tuple[str, int], int] = defaultdict(int)
    pending: dict[tuple[str, int], int] = defaultdict(int)
    rows = FolderTally.objects.filter(test=test, role__in=FOLDER_ROLES, n__gt=0)
    users = {link.user_id for link in links}
    if len(users) <= PAGE_OF_USERS:  # a page: only its users; an export: the whole test
        rows = rows.filter(user_id__in=sorted(users))
    for role, user_id, state, n in rows.values_list("role", "user_id", "state", "n"):
        held[role, user_id] += n
        if state in PENDING_STATES[role]:
            pending[role, user_id] += n
    return [
        {
            "user": link.user,
            "role": link.get_role_display(),
            "held": held[link.role, link.user_id],
            "pending": pending[link.role, link.user_id],
            "finished": held[link.role, link.user_id] - pending[link.role, link.user_id],
        }
        for link in links
    ]


def tally_levels(test: Test) -> list[str]:
    """The levels the test's folders in the contest are at (the "Nivel" filter's choices)."""
    return list(
        FolderTally.objects.filter(test=test, role="", n__gt=0)
        .order_by("level")
        .values_list("level", flat=True)
        .distinct()
    )


def tally_count(
    test: Test, *, level: str = "", state: str = "", role: str = "", user_id: int | None = None
) -> int:
    """Folders in the contest of ``test`` at ``level`` / in ``state`` (any when empty),
    held in ``role`` (by ``user_id``, or by anyone) — from the tally, one small query."""
    rows = FolderTally.objects.filter(test=test, role=role, n__gt=0)
    if role:
        rows = rows.filter(user_id=user_id) if user_id is not None else rows.exclude(user_id=0)
    if level:
        rows = rows.filter(level=level)
    if state:
        rows = rows.filter(state=state)
    return int(rows.aggregate(n=Sum("n"))["n"] or 0)


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
    *,
    test: Test,
    role: str,
    user_id: int,
    folder_ids: Sequence[int],
    by: Any,
    source: str,
    digest: Digest,
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
            **{f"{field}_id": user_id}, version=F("version") + 1, updated_at=now
        )
        FOLDER.move_many(
            "assign", ids=new, by=by, on=test, after={"source": source}, versioned=True
        )
        digest.add(ASSIGNED, user_id, new, about=test)
        audit_record(
            action="evaluation.folder.assigned",
            actor=by,
            obj=test,
            after={"role": role, "user": user_id, "source": source, "folders": new},
            touched=(Folder, new),
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
        digest = Digest()
        for role, user in chosen.items():
            _write_assignments(
                test=test,
                role=role,
                user_id=user.pk,
                folder_ids=ids,
                by=by,
                source="manual",
                digest=digest,
            )
        digest.flush()
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
        digest = Digest()
        for role, user in chosen.items():
            _write_assignments(
                test=test,
                role=role,
                user_id=user.pk,
                folder_ids=ids,
                by=by,
                source="masiva",
                digest=digest,
            )
        digest.flush()
    return len(ids)


# --- automatic distribution --------------------------------------------------------------


def distribution_schedule(
    *, test: Test, kind: str, level: str = "", position: Position | None = None, by: Any
) -> DistributionJob:
    """ "Programar trabajo": queue an automatic distribution; it runs as a Celery task."""

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
    """What the balance gives one role within one level: new folders per user."""

    role: str
    level: str
    assignments: dict[int, list[int]]
    nobody: list[int]
    # Each planned folder's version when planned (one dict shared by the plans of a run):
    # the write is a compare-and-set on it.
    versions: dict[int, int] = field(default_factory=dict)


def _plan(job: DistributionJob, test: Test) -> list[_Plan]:
    """Balance, in memory, every role and level the job covers (one read of the folders)."""
    folders = active_folders(test).exclude(state=FolderState.AUDITED)
    if job.kind == DistributionKind.LEVEL:
        folders = folders.filter(level=job.level)
    elif job.kind == DistributionKind.JOB:
        folders = folders.filter(inscription__position=job.position)
    users_by_role: dict[str, list[int]] = defaultdict(list)
    for role, user_id in (
        test.linked_users.filter(role__in=FOLDER_ROLES, user__is_active=True)
        .order_by("user_id")
        .values_list("role", "user_id")
    ):
        users_by_role[role].append(user_id)
    roles = [role for role in FOLDER_ROLES if users_by_role.get(role)]
    if not roles:
        return []
    fields = [FOLDER_ROLE_FIELDS[role] for role in roles]
    lacking = Q()
    for name in fields:
        lacking |= Q(**{f"{name}__isnull": True})
    missing: dict[str, dict[str, list[tuple[int, str]]]] = {
        role: defaultdict(list) for role in roles
    }
    versions: dict[int, int] = {}
    for pk, level, document, version, *holders in (
        folders.filter(lacking)
        .order_by("pk")
        .values_list("pk", "level", "inscription__user__document_number", "version", *fields)
        .iterator(chunk_size=20_000)
    ):
        versions[pk] = version
        for role, holder in zip(roles, holders, strict=True):
            if holder is None:
                missing[role][level].append((pk, document))
    plans = []
    for role in roles:
        users = users_by_role[role]
        name = FOLDER_ROLE_FIELDS[role]
        blocked = blocked_documents(users)
        loads: dict[str, dict[int, int]] = defaultdict(dict)
        for level, holder, count in (
            active_folders(test)
            .filter(level__in=list(missing[role]), **{f"{name}__in": users})
            .order_by()
            .values_list("level", name)
            .annotate(n=Count("pk"))
            .values_list("level", name, "n")
        ):
            loads[level][holder] = count
        for level, level_folders in missing[role].items():
            assignments, nobody = balance(level_folders, users, loads=loads[level], blocked=blocked)
            plans.append(_Plan(role, level, assignments, nobody, versions))
    return plans


# Folders written per transaction by an automatic distribution (all their roles at once).
CHUNK = 10_000


def _by_folder(plans: list[_Plan]) -> dict[int, dict[str, int]]:
    """The planned user of each role, per folder (a folder is written once, all roles)."""
    wanted: defaultdict[int, dict[str, int]] = defaultdict(dict)
    for plan in plans:
        role = plan.role
        for user_id, ids in plan.assignments.items():
            for pk in ids:
                wanted[pk][role] = user_id
    return wanted


def _column(model: type[Model], name: str) -> str:
    """The quoted database column of ``model.name``."""
    column = getattr(model._meta.get_field(name), "column", None)
    if not isinstance(column, str):
        raise LookupError(f"{model.__name__}.{name} has no column")
    return connection.ops.quote_name(column)


def _pg_array(values: Iterable[int | None], kind: str = "bigint") -> tuple[str, str]:
    """SQL and parameter for a PostgreSQL array of integers (``None`` = NULL).

    Sent as one comma-separated text, not a list: Django's client-side binding would quote
    a list element by element in Python, which costs more than the whole UPDATE.
    """
    text = ",".join(["" if value is None else str(value) for value in values])
    return f"string_to_array(%s, ',', '')::{kind}[]", text


def _cas_postgresql(
    chunk: dict[int, dict[str, int]], versions: Mapping[int, int], now: Any
) -> set[int]:
    """One UPDATE … FROM unnest(…) for the chunk; returns the folders whose version matched."""
    table = connection.ops.quote_name(Folder._meta.db_table)
    columns = {role: _column(Folder, name) for role, name in FOLDER_ROLE_FIELDS.items()}
    ids = list(chunk)
    arrays = [_pg_array(ids), _pg_array((versions[pk] for pk in ids), "integer")]
    arrays += [_pg_array(chunk[pk].get(role) for pk in ids) for role in columns]
    sets = ", ".join(f"{column} = COALESCE(v.{column}, f.{column})" for column in columns.values())
    names = ", ".join(columns.values())
    # Table and column names come from the models; every value is a parameter.
    sql = (
        f"UPDATE {table} AS f SET {sets}, version = f.version + 1, updated_at = %s "  # noqa: S608
        f"FROM unnest({', '.join(sql for sql, _text in arrays)}) AS v(id, version, {names}) "
        "WHERE f.id = v.id AND f.version = v.version RETURNING f.id"
    )
    params = [now, *(text for _sql, text in arrays)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0] for row in cursor.fetchall()}


def _write_chunk(
    *,
    test: Test,
    chunk: dict[int, dict[str, int]],
    versions: Mapping[int, int],
    by: Any,
    now: Any,
    digest: Digest,
) -> dict[str, dict[int, list[int]]]:
    """Write one chunk's planned holders; returns what was written, per role and user.

    Lost updates: each folder is written only if its ``version`` is still the one read when
    planning (compare-and-set), and the write bumps it, so a form opened before gets "Otra
    persona modificó esta carpeta". A folder changed since planning (by hand, or scored) is
    re-read under a row lock and only the roles still empty are given, as planned, under
    the version just read.
    """
    done: set[int] = set()
    if connection.vendor == "postgresql":
        done = _cas_postgresql(chunk, versions, now)
    changed = [pk for pk in chunk if pk not in done]
    written: dict[str, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    if changed:
        for role, user_id, pk in _write_changed(chunk, changed, now):
            written[role][user_id].append(pk)
    for pk in done:
        for role, user_id in chunk[pk].items():
            written[role][user_id].append(pk)
    for role, by_user in written.items():
        for ids in by_user.values():
            ids.sort()
        _write_history(role=role, by_user=by_user, by=by, now=now)
        audit_record(
            action="evaluation.folder.assigned",
            actor=by,
            obj=test,
            after={
                "role": role,
                "source": "automatica",
                "assignments": [
                    {"user": user_id, "folders": ids} for user_id, ids in sorted(by_user.items())
                ],
            },
            touched=(Folder, sorted(pk for ids in by_user.values() for pk in ids)),
        )
        for user_id, ids in by_user.items():
            digest.add(ASSIGNED, user_id, ids, about=test)
    given = sorted({pk for by_user in written.values() for ids in by_user.values() for pk in ids})
    FOLDER.move_many(
        "assign", ids=given, by=by, on=test, after={"source": "automatica"}, versioned=True
    )
    return written


def _write_changed(
    chunk: dict[int, dict[str, int]], changed: list[int], now: Any
) -> list[tuple[str, int, int]]:
    """Write, under row locks, the folders whose version is not the planned one (or all of
    them off PostgreSQL): only the roles still empty. Returns (role, user, folder) written."""
    names = [f"{name}_id" for name in FOLDER_ROLE_FIELDS.values()]
    columns = [_column(Folder, name) for name in FOLDER_ROLE_FIELDS.values()]
    table = connection.ops.quote_name(Folder._meta.db_table)
    sets = ", ".join(f"{column} = %s" for column in columns)
    sql = (
        f"UPDATE {table} SET {sets}, version = version + 1, updated_at = %s "  # noqa: S608
        "WHERE id = %s AND version = %s"
    )
    stamp = connection.ops.adapt_datetimefield_value(now)
    written: list[tuple[str, int, int]] = []
    for start in range(0, len(changed), BATCH):
        part = changed[start : start + BATCH]
        params = []
        for pk, version, *holders in (
            Folder.objects.select_for_update()
            .filter(pk__in=part)
            .order_by("pk")
            .values_list("pk", "version", *names)
        ):
            current = dict(zip(FOLDER_ROLE_FIELDS, holders, strict=True))
            users = {role: user for role, user in chunk[pk].items() if current[Role(role)] is None}
            if not users:
                continue
            values = [users.get(role, holder) for role, holder in current.items()]
            params.append([*values, stamp, pk, version])
            written.extend((role, user, pk) for role, user in users.items())
        if params:
            with connection.cursor() as cursor:
                cursor.executemany(sql, params)
    return written


def _write_history(*, role: str, by_user: dict[int, list[int]], by: Any, now: Any) -> None:
    """Close any open period of these folders in ``role`` and open the new holders' ones."""
    ids = [pk for folder_ids in by_user.values() for pk in folder_ids]
    by_id = by.pk if getattr(by, "pk", None) else None
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(FolderAssignment._meta.db_table)
        folder, user, role_column, started, ended, assigned_by, source = (
            _column(FolderAssignment, name)
            for name in (
                "folder",
                "user",
                "role",
                "started_at",
                "ended_at",
                "assigned_by",
                "source",
            )
        )
        array = _pg_array(())[0]
        # The unique index of open periods finds, while inserting, any folder that still
        # has one in this role (none, unless the data was changed by hand): those periods
        # are closed and the rows inserted again. Cheaper than closing first by folder id.
        insert = (
            f"INSERT INTO {table} "  # noqa: S608
            f"({folder}, {user}, {role_column}, {started}, {assigned_by}, {source}) "
            "SELECT v.folder, v.person, %s, %s, %s, %s "
            f"FROM unnest({array}, {array}) AS v(folder, person) "
            f"ON CONFLICT ({folder}, {role_column}) WHERE {ended} IS NULL DO NOTHING "
            f"RETURNING {folder}"
        )
        close = (
            f"UPDATE {table} SET {ended} = %s "  # noqa: S608
            f"WHERE {role_column} = %s AND {ended} IS NULL AND {folder} = ANY({array})"
        )
        user_of = {pk: user_id for user_id, folder_ids in by_user.items() for pk in folder_ids}
        with connection.cursor() as cursor:
            pending = ids
            for _attempt in range(2):
                texts = [_pg_array(pending)[1], _pg_array(user_of[pk] for pk in pending)[1]]
                cursor.execute(insert, [role, now, by_id, "automatica", *texts])
                inserted = {row[0] for row in cursor.fetchall()}
                pending = [pk for pk in pending if pk not in inserted]
                if not pending:
                    break
                cursor.execute(close, [now, role, _pg_array(pending)[1]])
            if pending:
                raise DomainError(_("No se pudo abrir el período de asignación de una carpeta."))
        return
    for start in range(0, len(ids), BATCH):
        FolderAssignment.objects.filter(
            folder_id__in=ids[start : start + BATCH], role=role, ended_at__isnull=True
        ).update(ended_at=now)
    FolderAssignment.objects.bulk_create(
        [
            FolderAssignment(
                folder_id=pk,
                role=role,
                user_id=user_id,
                started_at=now,
                assigned_by_id=by_id,
                source="automatica",
            )
            for user_id, folder_ids in by_user.items()
            for pk in folder_ids
        ],
        batch_size=BATCH,
    )


def distribution_run(job_id: int) -> DistributionJob:
    """Run a scheduled automatic distribution: plan in memory, write chunk by chunk.

    The plan (every role and level) is made once, in memory, under the test's lock. It is
    then written in chunks of ``CHUNK`` folders, each in one transaction that re-locks the
    test (so it stops if the test was closed meanwhile), writes the folders' holders with
    one compare-and-set UPDATE, the history rows in bulk, one audit event per role listing
    every user's folders, and the job's progress. A failure keeps the chunks committed
    before it, each whole.
    """
    return job_run(DistributionJob, job_id, _distribute, related=("test", "created_by"))


def _distribute(job: DistributionJob, progress: Progress) -> dict[str, str]:
    # Run with its requester's scope as it is now: an administrator who lost the
    # operator meanwhile distributes nothing.
    if job.test.operator_id not in administered_operator_ids(job.created_by):
        raise DomainError(_("Quien programó la distribución ya no administra el operador."))
    with transaction.atomic():
        test = _locked_distributable(job.test)
        folders_sync(test=test)
        plans = _plan(job, test)
    wanted = _by_folder(plans)
    versions: dict[int, int] = {}
    for shared in {id(plan.versions): plan.versions for plan in plans}.values():
        versions.update(shared)
    progress(0, total=sum(map(len, wanted.values())))
    ids = sorted(wanted)
    done = 0
    digest = Digest()
    try:
        for start in range(0, len(ids), CHUNK):
            chunk = {pk: wanted[pk] for pk in ids[start : start + CHUNK]}
            with transaction.atomic():
                test = _locked_distributable(job.test)
                _write_chunk(
                    test=test,
                    chunk=chunk,
                    versions=versions,
                    by=job.created_by,
                    now=timezone.now(),
                    digest=digest,
                )
                done += sum(map(len, chunk.values()))
                progress(done)
    finally:
        # One message per person for the whole distribution — for the chunks written
        # even when a later one failed.
        with transaction.atomic():
            digest.flush()
    nobody = sum(len(plan.nobody) for plan in plans)
    note = (
        _("%(n)s asignaciones sin usuario posible por conflicto de interés.") % {"n": nobody}
        if nobody
        else ""
    )
    return {"error": note}


# --- workflow ----------------------------------------------------------------------------

# action: (role that does it, states it starts from — those of the folder's machine)
ACTIONS: dict[str, tuple[str, tuple[str, ...]]] = {
    action: (role, tuple(sorted(FOLDER.transition(action).source)))
    for action, role in (
        ("score", Role.ANALYST),
        ("return", Role.SUPERVISOR),
        ("approve", Role.SUPERVISOR),
        ("audit", Role.AUDITOR),
        ("audit_return", Role.AUDITOR),
    )
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
    observation (``reason``); the folio-by-folio review (review.py) feeds it.
    Raises ``PermissionDenied`` when ``user`` does not hold the folder in the role the
    action needs, ``DomainError`` for any other refusal; nothing changes then.
    """
    if action not in ACTIONS:
        raise DomainError(_("Acción no válida."))
    role, from_states = ACTIONS[action]
    allowed = FOLDER.transition(action).allowed
    if allowed is not None and not allowed(user, folder):
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
    name = action
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
        name = "approve_to_audit" if selected else "approve"
        new_state = FolderState(FOLDER.transition(name).target)
    else:
        new_state = FolderState.AUDITED
    source = folder.state
    with transaction.atomic():
        FOLDER.move(
            folder,
            name,
            by=user,
            expected_version=expected_version,
            changes={**changes, "updated_at": timezone.now()},
            before={"version": expected_version},
            after={"reason": reason, **changes},
        )
        FolderEvent.objects.create(
            folder=folder,
            action=action,
            from_state=source,
            to_state=new_state,
            reason=reason,
            user=user,
        )
    folder.refresh_from_db()
    return folder


@shared_task(name="merito.evaluation.tasks.run_distribution")
def run_distribution(job_id: int) -> str:
    """Run one automatic distribution scheduled with "Programar trabajo"."""
    return distribution_run(job_id).state
