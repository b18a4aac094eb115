"""The state machines of a call (the proceso de selección of seed 004 §3) and of its
tests. Moved only through ``merito.states``.

A call is Borrador until it is opened; a process is created Abierta (SIMO creates it at
that point). Then, by the rules of seed 004 §3:

* Abierta → Suspendida, Cerrada or Cancelada;
* Suspendida → Abierta (the suspension is lifted) or Cancelada;
* Cerrada and Cancelada are final: a closed or cancelled process stays in the OPEC
  history but never reopens (a new process is created instead).

Who: the Gerencia del proceso of the call (``calls.scope.management``), or the platform
staff in the admin site. A change of a process tells every operator's user linked to one
of its tests, once each; a test opened or closed tells the users linked to it.

Every move of a call writes ``evaluation.process.state_changed``, the name it had when
processes lived in ``merito.evaluation``, so a call's history reads under one name.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from merito.calls.models import Call, CallState, Test, TestState, TestUser
from merito.calls.scope import management
from merito.states import Machine, Notify, Transition


def manages_call(user: Any, call: Call) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser or user.has_perm("calls.change_call"):
        return True
    return management(user).covers(call)


def _manages_test(user: Any, test: Test) -> bool:
    return manages_call(user, test.process.call)


def _linked_users(tests: Any) -> list[Any]:
    links = TestUser.objects.filter(test__in=tests, user__is_active=True).select_related("user")
    people = {link.user_id: link.user for link in links}
    return [people[pk] for pk in sorted(people)]


def _process_people(call: Call) -> list[Any]:
    process = getattr(call, "selection_process", None)
    return _linked_users(Test.objects.filter(process=process)) if process else []


def _call_context(call: Call) -> dict[str, Any]:
    return {"call": call, "code": call.code, "state": call.get_state_display()}


def _test_context(test: Test) -> dict[str, Any]:
    call = test.process.call
    return {
        "test": test,
        "call": call,
        "code": call.code,
        "description": test.description,
        "state": test.get_state_display(),
    }


PROCESS_CHANGED = Notify(
    kind="calls.process.state_changed",
    subject=_("El proceso %(code)s pasó a %(state)s"),
    template="calls/email/process_state",
    to=_process_people,
    context=_call_context,
    notice=True,
)

TEST_CHANGED = Notify(
    kind="calls.test.state_changed",
    subject=_("La prueba %(description)s del proceso %(code)s está %(state)s"),
    template="calls/email/test_state",
    to=lambda test: _linked_users([test]),
    context=_test_context,
    notice=True,
)


def _call(name: str, source: list[str], target: str, label: Any) -> Transition:
    return Transition(
        name,
        source,
        target,
        label=label,
        audit_action="evaluation.process.state_changed",
        allowed=manages_call,
        refusal=_("Solo la gerencia del proceso cambia su estado."),
        notify=[PROCESS_CHANGED],
    )


OPEN, SUSPENDED = CallState.OPEN, CallState.SUSPENDED

CALL = Machine(
    "calls.call",
    Call,
    states=CallState,
    initial=[CallState.DRAFT, CallState.OPEN],
    transitions=[
        _call("open", [CallState.DRAFT], OPEN, _("Abrir")),
        _call("suspend", [OPEN], SUSPENDED, _("Suspender")),
        _call("resume", [SUSPENDED], OPEN, _("Levantar la suspensión")),
        _call("close", [OPEN], CallState.CLOSED, _("Cerrar")),
        _call("cancel", [OPEN, SUSPENDED], CallState.CANCELLED, _("Cancelar")),
    ],
)

TEST = Machine(
    "calls.test",
    Test,
    states=TestState,
    initial=[TestState.CLOSED],
    transitions=[
        Transition(
            "open",
            [TestState.CLOSED],
            TestState.OPEN,
            label=_("Abrir"),
            audit_action="evaluation.test.state_changed",
            allowed=_manages_test,
            refusal=_("Solo la gerencia del proceso abre o cierra sus pruebas."),
            wrong_state=_("La prueba ya está %(state)s."),
            notify=[TEST_CHANGED],
        ),
        Transition(
            "close",
            [TestState.OPEN],
            TestState.CLOSED,
            label=_("Cerrar"),
            audit_action="evaluation.test.state_changed",
            allowed=_manages_test,
            refusal=_("Solo la gerencia del proceso abre o cierra sus pruebas."),
            wrong_state=_("La prueba ya está %(state)s."),
            notify=[TEST_CHANGED],
        ),
    ],
)
