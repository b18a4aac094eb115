"""Use cases of a proceso de selección in the SIMO back office (seed 004 §3–4): the process,
its jobs, its tests, the operators' users and their links to tests. Every write goes
through here and is audited.

The state of a process (seed 004 §3, "Abierta (A), Cerrada (C), Cancelada (CA) ó
Suspendida (S)") and of a test are declared in ``merito.calls.states``. In the back
office a process changes state in ``process_set_state``, with a justification PDF; a test
in ``test_set_state``, and opening it requires the weights of the process's tests to add
up to exactly 100 %.

A test's folders are ``merito.evaluation``'s, which sits above this context: it registers
what must follow a test's changes (``register_test_work``) when it loads, so this module
never imports it.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from merito.accounts.models import User
from merito.accounts.services import email_change_request
from merito.audit.services import audit_record
from merito.calls.models import (
    TEST_ROLES,
    Call,
    CallState,
    Job,
    JobRequirement,
    Position,
    ProcessState,
    ProcessStateChange,
    SelectionProcess,
    Test,
    TestState,
    TestUser,
)
from merito.calls.states import CALL, TEST
from merito.documents.models import Document, DocumentKind
from merito.documents.services import document_upload
from merito.errors import DomainError
from merito.organizations.models import (
    OPERATOR_ROLES,
    Organization,
    OrganizationKind,
    Role,
    RoleAssignment,
)
from merito.organizations.rules import forget_roles
from merito.organizations.services import role_assign, role_revoke

# Roles the operator's administrator gives to its users (seed 004 §4.2.2).
OPERATOR_USER_ROLES = (Role.SUPERVISOR, Role.ANALYST, Role.AUDITOR, Role.CLAIMS_ANALYST, Role.LEGAL)

PROCESS_FIELDS = (
    "application_type",
    "pse_payment_days",
    "bank_payment_days",
    "keep_in_opec_history",
)
CALL_FIELDS = ("code", "name", "description", "year", "is_public")
TEST_FIELDS = (
    "test_type",
    "description",
    "classification",
    "operator_id",
    "date",
    "max_value",
    "quantitative",
    "pass_value",
    "weight",
    "audit_percent_approved",
    "audit_percent_not_approved",
    "claim_days",
    "show_observations",
    "show_detail",
)


# --- the work other contexts keep for a test ----------------------------------------------

# Called with the test, inside the transaction that opens it (evaluation creates its folders).
_on_test_open: list[Callable[[Test], object]] = []
# Called with (user, test): how many pieces of work the user still holds in the test.
_pending_work: list[Callable[[Any, Test], int]] = []


def register_test_work(
    *, on_open: Callable[[Test], object], pending: Callable[[Any, Test], int]
) -> None:
    """Let the context that works a test's folders follow it: ``on_open(test)`` runs when
    the test opens, and ``pending(user, test)`` refuses to unlink a user who still holds
    work. Registered once, when that context's app loads."""
    if on_open not in _on_test_open:
        _on_test_open.append(on_open)
    if pending not in _pending_work:
        _pending_work.append(pending)


def _pending(user: Any, test: Test) -> int:
    return sum(count(user, test) for count in _pending_work)


def _snapshot(obj: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    return {name: getattr(obj, name) for name in fields}


def _upload_pdf(uploaded_file: Any, by: Any) -> Document:
    return document_upload(owner=by, kind=DocumentKind.OTHER, uploaded_file=uploaded_file, by=by)


# --- processes ---------------------------------------------------------------------------


def process_create(
    *,
    organization: Organization,
    entity: Organization,
    call_data: dict[str, Any],
    process_data: dict[str, Any],
    parent: SelectionProcess | None,
    justification_file: Any,
    by: Any,
) -> SelectionProcess:
    """Create the call and its SIMO record, in state Abierta, with its justification PDF."""
    if justification_file is None:
        raise DomainError(
            _("Adjunte el documento en PDF que justifica la creación del proceso de selección."),
            field="justification",
        )
    if Call.objects.filter(code=call_data["code"]).exists():
        raise DomainError(
            _("Ya existe un proceso de selección con el código %(code)s.")
            % {"code": call_data["code"]},
            field="code",
        )
    justification = _upload_pdf(justification_file, by)
    with transaction.atomic():
        call = Call.objects.create(
            organization=organization, state=CallState.OPEN, **_pick(call_data, CALL_FIELDS)
        )
        process = SelectionProcess.objects.create(
            call=call,
            entity=entity,
            parent=parent,
            justification=justification,
            created_by=by if getattr(by, "pk", None) else None,
            **_pick(process_data, PROCESS_FIELDS),
        )
        audit_record(
            action="evaluation.process.created",
            actor=by,
            obj=process,
            after={**_pick(call_data, CALL_FIELDS), **_pick(process_data, PROCESS_FIELDS)},
        )
    return process


def _pick(data: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    return {k: data[k] for k in fields if k in data}


def process_update(
    *,
    process: SelectionProcess,
    entity: Organization,
    parent: SelectionProcess | None,
    call_data: dict[str, Any],
    process_data: dict[str, Any],
    by: Any,
) -> SelectionProcess:
    """Edit the data of a process; its state changes in ``process_set_state``."""
    if parent is not None and _is_within(parent, process):
        raise DomainError(
            _("Un proceso no puede ser padre de sí mismo ni de uno de sus procesos padre."),
            field="parent",
        )
    code = call_data.get("code", process.call.code)
    if Call.objects.filter(code=code).exclude(pk=process.call_id).exists():
        raise DomainError(
            _("Ya existe un proceso de selección con el código %(code)s.") % {"code": code},
            field="code",
        )
    with transaction.atomic():
        call = Call.objects.select_for_update().get(pk=process.call_id)
        before = {**_snapshot(call, CALL_FIELDS), **_snapshot(process, PROCESS_FIELDS)}
        for field, value in _pick(call_data, CALL_FIELDS).items():
            setattr(call, field, value)
        call.save()
        for field, value in _pick(process_data, PROCESS_FIELDS).items():
            setattr(process, field, value)
        process.entity = entity
        process.parent = parent
        process.call = call
        process.save()
        audit_record(
            action="evaluation.process.updated",
            actor=by,
            obj=process,
            before=before,
            after={**_snapshot(call, CALL_FIELDS), **_snapshot(process, PROCESS_FIELDS)},
        )
    return process


def _is_within(candidate: SelectionProcess, process: SelectionProcess) -> bool:
    """Whether ``candidate`` is ``process`` or one of its subprocesses, at any depth."""
    node: SelectionProcess | None = candidate
    seen: set[int] = set()
    while node is not None and node.pk not in seen:
        if node.pk == process.pk:
            return True
        seen.add(node.pk)
        node = node.parent
    return False


def process_set_state(
    *,
    process: SelectionProcess,
    state: str,
    justification_file: Any,
    reason: str,
    by: Any,
    expected_version: int | None = None,
) -> SelectionProcess:
    """The one way to change a process's state; see the module docstring for the rules."""
    if state not in ProcessState.values:
        raise DomainError(_("Elija un estado válido."), field="state")
    if justification_file is None:
        raise DomainError(
            _("Adjunte el documento en PDF que justifica el cambio de estado."),
            field="justification",
        )
    current = process.call.state
    transition = CALL.transition_to(current, state)
    if transition is None:
        raise DomainError(
            _("Un proceso en estado %(current)s no puede pasar a %(new)s.")
            % {"current": _state_label(current), "new": _state_label(state)},
            field="state",
        )
    justification = _upload_pdf(justification_file, by)
    with transaction.atomic():
        call = Call.objects.select_for_update().get(pk=process.call_id)
        if call.state != current or (
            expected_version is not None and call.version != expected_version
        ):
            raise DomainError(_("Otra persona cambió el estado hace un momento; revíselo."))
        CALL.move(
            call,
            transition.name,
            by=by,
            audit_on=process,
            after={"justification": justification.sha256, "reason": reason},
        )
        ProcessStateChange.objects.create(
            process=process,
            from_state=current,
            to_state=state,
            justification=justification,
            reason=reason,
            changed_by=by,
        )
    process.call = call
    return process


def _state_label(state: str) -> str:
    if state in ProcessState.values:
        return str(ProcessState(state).label)
    return str(CallState(state).label) if state in CallState.values else state


# --- jobs --------------------------------------------------------------------------------


POSITION_FIELDS = ("code", "name", "level", "vacancies")
JOB_FIELDS = (
    "opec_number",
    "grade",
    "entity",
    "salary",
    "purpose",
    "functions",
    "ascenso_vacancies",
)


def _check_job(position_data: dict[str, Any], job_data: dict[str, Any]) -> None:
    if job_data.get("ascenso_vacancies", 0) > position_data.get("vacancies", 0):
        raise DomainError(
            _("Las vacantes para concurso de ascenso no pueden superar el total de vacantes."),
            field="ascenso_vacancies",
        )


def job_save(
    *,
    process: SelectionProcess,
    job: Job | None,
    position_data: dict[str, Any],
    job_data: dict[str, Any],
    manual_file: Any,
    by: Any,
) -> Job:
    """Create or edit an OPEC job (its position and its detail); the manual is optional."""
    _check_job(position_data, job_data)
    duplicate = Position.objects.filter(call=process.call, code=position_data["code"])
    opec = Job.objects.filter(opec_number=job_data["opec_number"])
    if job is not None:
        duplicate = duplicate.exclude(pk=job.position_id)
        opec = opec.exclude(pk=job.pk)
    if duplicate.exists():
        raise DomainError(_("Ya existe un empleo con ese código en el proceso."), field="code")
    if opec.exists():
        raise DomainError(_("Ya existe un empleo con ese número OPEC."), field="opec_number")
    manual = _upload_pdf(manual_file, by) if manual_file is not None else None
    with transaction.atomic():
        if job is None:
            position = Position.objects.create(call=process.call, **position_data)
            job = Job(position=position)
            before = None
        else:
            before = {
                **_snapshot(job.position, POSITION_FIELDS),
                **_snapshot(job, ("opec_number", "grade", "salary", "ascenso_vacancies")),
            }
            position = job.position
            for field, value in position_data.items():
                setattr(position, field, value)
            position.save()
        for field, value in job_data.items():
            setattr(job, field, value)
        if manual is not None:
            job.manual = manual
        job.save()
        audit_record(
            action="evaluation.job.saved",
            actor=by,
            obj=job,
            before=before,
            after={
                **_snapshot(position, POSITION_FIELDS),
                **_snapshot(job, ("opec_number", "grade", "salary", "ascenso_vacancies")),
                "manual": manual.sha256 if manual else None,
            },
        )
    return job


def requirement_add(
    *, job: Job, kind: str, education: str, experience: str, by: Any
) -> JobRequirement:
    if not education.strip() and not experience.strip():
        raise DomainError(_("Escriba el estudio, la experiencia o ambos."), field="education")
    with transaction.atomic():
        requirement = JobRequirement.objects.create(
            job=job,
            kind=kind,
            education=education.strip(),
            experience=experience.strip(),
            order=job.requirements.count(),
        )
        audit_record(
            action="evaluation.requirement.added",
            actor=by,
            obj=requirement,
            after={"kind": kind, "education": education, "experience": experience},
        )
    return requirement


def requirement_delete(*, requirement: JobRequirement, by: Any) -> None:
    with transaction.atomic():
        audit_record(
            action="evaluation.requirement.deleted",
            actor=by,
            obj=requirement,
            before={"kind": requirement.kind, "education": requirement.education},
        )
        requirement.delete()


# --- tests -------------------------------------------------------------------------------


def weight_sum(process: SelectionProcess, *, excluding: Test | None = None) -> Decimal:
    tests = Test.objects.filter(process=process)
    if excluding is not None and excluding.pk:
        tests = tests.exclude(pk=excluding.pk)
    return tests.aggregate(total=Sum("weight"))["total"] or Decimal("0")


def _percent(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _check_test(process: SelectionProcess, test: Test) -> None:
    if test.operator.kind != OrganizationKind.OPERATOR:
        raise DomainError(
            _("Elija un operador del proceso de selección para la prueba."), field="operator"
        )
    if test.quantitative and test.pass_value is None:
        raise DomainError(
            _("Valor aprobatorio: es obligatorio en las pruebas cuantitativas."),
            field="pass_value",
        )
    if not test.quantitative and test.pass_value is not None:
        raise DomainError(
            _("Valor aprobatorio: aplica únicamente a las pruebas cuantitativas; déjelo vacío."),
            field="pass_value",
        )
    if test.pass_value is not None and test.pass_value > test.max_value:
        raise DomainError(
            _("El valor aprobatorio no puede ser mayor que el valor máximo."), field="pass_value"
        )
    total = weight_sum(process, excluding=test) + test.weight
    if total > 100:
        raise DomainError(
            _(
                "Con esta prueba las ponderaciones del proceso sumarían %(sum)s %%; "
                "no pueden superar 100 %%."
            )
            % {"sum": _percent(total)},
            field="weight",
        )


def test_save(
    *, process: SelectionProcess, test: Test | None, data: dict[str, Any], by: Any
) -> Test:
    """Create or edit a test; refuses a pass value above the max and weights over 100 %."""
    with transaction.atomic():
        # Lock the process so two saves cannot both fit under 100 %.
        SelectionProcess.objects.select_for_update().get(pk=process.pk)
        before = _snapshot(test, TEST_FIELDS) if test is not None else None
        test = test or Test(process=process)
        for field, value in data.items():
            setattr(test, field, value)
        _check_test(process, test)
        test.save()
        audit_record(
            action="evaluation.test.saved",
            actor=by,
            obj=test,
            before=before,
            after=_snapshot(test, TEST_FIELDS),
        )
    return test


def test_set_state(*, test: Test, state: str, by: Any, expected_version: int | None = None) -> Test:
    """Open or close a test (Gerencia del proceso); opening needs the weights at 100 %."""
    if state not in TestState.values:
        raise DomainError(_("Elija un estado válido."))
    with transaction.atomic():
        SelectionProcess.objects.select_for_update().get(pk=test.process_id)
        test = Test.objects.select_for_update().select_related("process__call").get(pk=test.pk)
        if test.state == state:
            raise DomainError(
                _("La prueba ya está %(state)s.") % {"state": TestState(state).label.lower()}
            )
        if state == TestState.OPEN:
            if test.process.call.state != CallState.OPEN:
                raise DomainError(_("Solo se abren pruebas de un proceso en estado Abierta."))
            total = weight_sum(test.process)
            if total != 100:
                raise DomainError(
                    _(
                        "Las ponderaciones de las pruebas del proceso suman %(sum)s %%; "
                        "deben sumar 100 %% para abrir la prueba."
                    )
                    % {"sum": _percent(total)}
                )
        TEST.move(
            test,
            "open" if state == TestState.OPEN else "close",
            by=by,
            expected_version=expected_version,
        )
        if state == TestState.OPEN:
            for follow in _on_test_open:
                follow(test)
    return test


def process_set_test_stage(*, process: SelectionProcess, open_stage: bool, by: Any) -> None:
    """Gerencia del proceso opens or closes the test stage, which enables distribution."""
    with transaction.atomic():
        process = SelectionProcess.objects.select_for_update().get(pk=process.pk)
        if process.test_stage_open == open_stage:
            raise DomainError(
                _("La etapa de pruebas ya está abierta.")
                if open_stage
                else _("La etapa de pruebas ya está cerrada.")
            )
        if open_stage and process.call.state != CallState.OPEN:
            raise DomainError(
                _("Solo se abre la etapa de pruebas de un proceso en estado Abierta.")
            )
        process.test_stage_open = open_stage
        process.save(update_fields=["test_stage_open"])
        audit_record(
            action="evaluation.process.test_stage_changed",
            actor=by,
            obj=process,
            before={"test_stage_open": not open_stage},
            after={"test_stage_open": open_stage},
        )


def test_positions_set(*, test: Test, add: list[int], remove: list[int], by: Any) -> Test:
    """Assign or take away jobs of the test's process (none assigned = all jobs)."""
    with transaction.atomic():
        own = Position.objects.filter(call_id=test.process.call_id)
        to_add = list(own.filter(pk__in=add))
        to_remove = list(own.filter(pk__in=remove))
        if len(to_add) != len(set(add)) or len(to_remove) != len(set(remove)):
            raise DomainError(_("Uno de los empleos elegidos no es de este proceso."))
        test.positions.add(*to_add)
        test.positions.remove(*to_remove)
        audit_record(
            action="evaluation.test.positions_changed",
            actor=by,
            obj=test,
            after={"added": [p.code for p in to_add], "removed": [p.code for p in to_remove]},
        )
    return test


# --- operator users ----------------------------------------------------------------------


def operator_user_ids(operator: Organization):
    return RoleAssignment.objects.filter(
        organization=operator, role__in=OPERATOR_ROLES
    ).values_list("user_id", flat=True)


def _check_roles(roles: list[str]) -> list[Role]:
    chosen = [Role(r) for r in roles]
    if not chosen:
        raise DomainError(_("Rol: elija al menos un rol."), field="roles")
    if any(r not in OPERATOR_USER_ROLES for r in chosen):
        raise DomainError(_("Rol: elija uno de los roles de la lista."), field="roles")
    if len(chosen) > 1 and set(chosen) != {Role.ANALYST, Role.CLAIMS_ANALYST}:
        raise DomainError(
            _(
                "Un usuario del operador solo puede tener un rol; la única combinación "
                "permitida es Analista con Analista de reclamación."
            ),
            field="roles",
        )
    return chosen


def operator_user_create(
    *, operator: Organization, data: dict[str, Any], roles: list[str], by: Any
) -> User:
    """Create a user of the operator, always active, with its roles in the operator."""
    chosen = _check_roles(roles)
    with transaction.atomic():
        user = User.objects.create_user(
            email=data["email"],
            password=None,
            username=data["username"],
            document_country="CO",
            document_type=data["document_type"],
            document_number=data["document_number"],
            given_names=data["given_names"],
            first_surname=data["first_surname"],
            second_surname=data.get("second_surname", ""),
            phone=data["phone"],
            is_active=True,
        )
        for role in chosen:
            role_assign(user=user, role=role, organization=operator, by=by)
        audit_record(
            action="evaluation.operator_user.created",
            actor=by,
            obj=user,
            after={"username": user.username, "operator": operator.pk, "roles": roles},
        )
    return user


def operator_user_update(
    *, operator: Organization, user: User, data: dict[str, Any], roles: list[str], by: Any
) -> User:
    """Edit name, document type, e-mail, phone, roles and Habilitado; username and number stay.

    A new e-mail is not written here: it waits for the person to open the link sent to it
    (``email_change_request``), and the current address is told.
    """
    chosen: set[str] = {role.value for role in _check_roles(roles)}
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        before = {
            "email": user.email,
            "document_type": user.document_type,
            "phone": user.phone,
            "is_active": user.is_active,
        }
        for field in ("given_names", "first_surname", "second_surname", "document_type"):
            setattr(user, field, data[field])
        user.phone = data["phone"]
        user.is_active = data["is_active"]
        user.full_clean(exclude=["password"])
        user.save()
        held = RoleAssignment.objects.filter(
            user=user, organization=operator, role__in=OPERATOR_USER_ROLES
        )
        for assignment in held:
            if assignment.role not in chosen:
                role_revoke(assignment=assignment, by=by)
        kept = {a.role for a in held if a.role in chosen}
        for role in chosen - kept:
            role_assign(user=user, role=role, organization=operator, by=by)
        forget_roles(user)
        audit_record(
            action="evaluation.operator_user.updated",
            actor=by,
            obj=user,
            before=before,
            after={
                "email": user.email,
                "document_type": user.document_type,
                "phone": user.phone,
                "is_active": user.is_active,
                "roles": sorted(chosen),
            },
        )
        if data["email"] != user.email:
            email_change_request(user=user, new_email=data["email"], by=by)
    return user


def operator_user_set_active(*, user: User, active: bool, by: Any) -> User:
    with transaction.atomic():
        before = user.is_active
        user.is_active = active
        user.save(update_fields=["is_active"])
        audit_record(
            action="evaluation.operator_user.activated"
            if active
            else "evaluation.operator_user.deactivated",
            actor=by,
            obj=user,
            before={"is_active": before},
            after={"is_active": active},
        )
    return user


def test_user_link(*, test: Test, user: User, role: str, by: Any) -> TestUser:
    """Link an active user of the test's operator, who holds ``role`` there, to the test."""
    if role not in TEST_ROLES:
        raise DomainError(_("Elija un rol válido para la prueba."), field="role")
    if not user.is_active:
        raise DomainError(
            _("El usuario %(user)s está inactivo; actívelo antes de asociarlo.")
            % {"user": user.username},
            field="user",
        )
    if not RoleAssignment.objects.filter(user=user, organization=test.operator, role=role).exists():
        raise DomainError(
            _("El usuario %(user)s no tiene el rol %(role)s en el operador de la prueba.")
            % {"user": user.username, "role": Role(role).label},
            field="user",
        )
    with transaction.atomic():
        link, created = TestUser.objects.get_or_create(
            test=test, user=user, role=role, defaults={"linked_by": by}
        )
        if not created:
            raise DomainError(
                _("El usuario %(user)s ya está asociado a la prueba con ese rol.")
                % {"user": user.username},
                field="user",
            )
        audit_record(
            action="evaluation.test_user.linked",
            actor=by,
            obj=link,
            after={"test": test.pk, "user": user.pk, "role": role},
        )
    return link


def test_users_unlink(*, test: Test, links: list[TestUser], by: Any) -> int:
    """Unlink users from the test, all or none: one with pending folders stops it."""
    for link in links:
        if link.test_id != test.pk:
            raise DomainError(_("Ese usuario no está asociado a esta prueba."))
        if _pending(link.user, test):
            raise DomainError(
                _(
                    "El usuario %(user)s tiene tareas pendientes, reasigne las tareas, "
                    "para poder desasociarlo"
                )
                % {"user": link.user.username}
            )
    with transaction.atomic():
        for link in links:
            audit_record(
                action="evaluation.test_user.unlinked",
                actor=by,
                obj=link,
                before={"test": test.pk, "user": link.user_id, "role": link.role},
            )
        TestUser.objects.filter(pk__in=[link.pk for link in links]).delete()
    return len(links)
