"""One way to change state: every state machine is declared as data, and moved here.

A context declares each of its machines beside its models (``<context>/states.py``): the
model and its state field, the states an object may be created in, and each transition —
its name, the states it leaves, the state it reaches, who may take it, the audit action it
writes and whom it tells. This module is the only code that writes a state field:

* ``Machine.move(obj, name, by=…)`` validates the move (known transition, current state,
  who), then in one transaction updates the row with a compare-and-set on the state and
  the ``version`` it was read at (a stale form, a double click or a second tab loses, and
  nothing changes), bumps the version, writes the audit row and queues each notification
  in the outbox;
* ``Machine.move_many(name, ids=…, by=…)`` is the bulk form (distribution): one UPDATE
  for the ids still in a source state, one audit row with the index of the objects it
  touched, and notifications collected per person into a ``Digest`` — one message each,
  never one per object.

A runtime guard refuses a state write anywhere else: ``pre_save`` refuses a changed state
(or a new object in a state it may not be created in), and ``StateQuerySet.update()`` and
``bulk_update()`` refuse the state field. The test suite also watches the SQL itself:
an UPDATE that sets a declared state column outside this module fails the test.

It sits with the domain contexts (it writes ``merito.audit`` and ``merito.notifications``)
and below all of them: a context imports it, never the reverse.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import F, Model
from django.db.models.signals import post_init, post_save, pre_save
from django.dispatch import Signal
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from merito.audit.services import audit_record
from merito.errors import DomainError
from merito.notifications.services import email_enqueue, notice_add

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise as Promise

# Sent inside the transaction of each move, for what another context keeps in step (a
# withdrawn inscription's folders leave the contest): ``machine`` and ``move``.
state_moved = Signal()

# Set while this module writes: the guard lets the write through.
_writing: contextvars.ContextVar[bool] = contextvars.ContextVar("merito_state_write", default=False)

STALE = "stale"


STALE_MESSAGE = gettext_lazy("Otra persona modificó este registro; recargue la página.")


class StateWriteRefused(RuntimeError):
    """A state field was written outside ``merito.states`` (a bug, never a user's error)."""


@contextlib.contextmanager
def _mechanism() -> Iterator[None]:
    token = _writing.set(True)
    try:
        yield
    finally:
        _writing.reset(token)


# Set between a ``save()`` the guard let through (its state unchanged) and its post_save:
# the UPDATE of every column it issues rewrites the state with the value already stored.
_checked_save: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "merito_state_checked_save", default=False
)


def writing() -> bool:
    """Whether a state column may be in the SQL run now: inside a move, or a save the guard
    checked (for the SQL watch of the tests)."""
    return _writing.get() or _checked_save.get()


# --- declarations -------------------------------------------------------------------------


@dataclass(frozen=True)
class Notify:
    """Whom a transition tells, and with what message.

    ``to(obj)`` gives the people (users with an e-mail) concerned by one object; the
    message is ``template``.txt/.html rendered with ``context(obj)`` plus ``obj``,
    ``user`` and ``site_url``; ``notice`` also leaves an in-app notice (with ``url(obj)``).
    For the bulk form, ``digest_template`` gets ``objects`` and ``count`` instead of ``obj``
    and ``to_many(ids)`` maps each person's primary key to the ids that concern them.
    """

    kind: str
    subject: str | Promise
    template: str
    to: Callable[[Any], Iterable[Any]]  # people, or (address, person) pairs
    context: Callable[[Any], dict[str, Any]] | None = None
    url: Callable[[Any], str] | None = None
    notice: bool = False
    email: bool = True
    bulk: bool = False
    digest_template: str = ""
    digest_subject: str | Promise = ""
    to_many: Callable[[Sequence[int]], Mapping[int, Sequence[int]]] | None = None

    def send(self, obj: Any) -> int:
        sent = 0
        extra = self.context(obj) if self.context else {}
        url = self.url(obj) if self.url else ""
        for recipient in self.to(obj):
            # A person, or (address, person) for mail to an address not yet theirs.
            address, person = (
                recipient if isinstance(recipient, tuple) else (recipient.email, recipient)
            )
            if not address:
                continue
            subject = str(self.subject) % {"obj": obj, **extra}
            self.deliver(
                address, person, subject, self.template, url, {"obj": obj, **extra}, self.bulk
            )
            sent += 1
        return sent

    def deliver(
        self,
        address: str,
        person: Any,
        subject: str,
        template: str,
        url: str,
        context: dict[str, Any],
        bulk: bool,
    ) -> None:
        """Queue the mail (when this notification mails) and leave the notice (when it does)."""
        if self.email:
            email_enqueue(
                to=address,
                subject=subject,
                template=template,
                context={"user": person, "site_url": _site(), "path": url, **context},
                kind=self.kind,
                user=person,
                bulk=bulk,
            )
        if self.notice and person is not None:
            notice_add(user=person, title=subject, url=url)


@dataclass(frozen=True)
class Transition:
    """One allowed move: from any of ``source`` to ``target``.

    ``allowed(user, obj)`` says who may take it (``None``: whoever the service lets call
    it, such as a scheduled task); ``refusal`` is the message when they may not.
    ``wrong_state`` is the message, with ``%(state)s``, when the object is elsewhere.
    """

    name: str
    source: frozenset[str]
    target: str
    label: str | Promise
    audit_action: str
    allowed: Callable[[Any, Any], bool] | None = None
    refusal: str | Promise = ""
    wrong_state: str | Promise = ""
    notify: tuple[Notify, ...] = ()

    def __init__(
        self,
        name: str,
        source: Iterable[str],
        target: str,
        *,
        label: str | Promise,
        audit_action: str,
        allowed: Callable[[Any, Any], bool] | None = None,
        refusal: str | Promise = "",
        wrong_state: str | Promise = "",
        notify: Iterable[Notify] = (),
    ) -> None:
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "source", frozenset(str(state) for state in source))
        object.__setattr__(self, "target", str(target))
        object.__setattr__(self, "label", label)
        object.__setattr__(self, "audit_action", audit_action)
        object.__setattr__(self, "allowed", allowed)
        object.__setattr__(self, "refusal", refusal)
        object.__setattr__(self, "wrong_state", wrong_state)
        object.__setattr__(self, "notify", tuple(notify))


@dataclass(frozen=True)
class Move:
    """What a move did: the object (refreshed), the transition, and where it came from."""

    obj: Any
    transition: Transition
    source: str
    by: Any


@dataclass
class Machine:
    """A state machine of ``model.field``, declared once, in its context's ``states.py``."""

    name: str
    model: type[Model]
    states: type[models.TextChoices]
    initial: frozenset[str]
    transitions: dict[str, Transition]
    field: str = "state"
    version_field: str = "version"
    stale: str | Promise = STALE_MESSAGE

    def __init__(
        self,
        name: str,
        model: type[Model],
        *,
        states: type[models.TextChoices],
        initial: Iterable[str],
        transitions: Iterable[Transition],
        field: str = "state",
        stale: str | Promise = STALE_MESSAGE,
    ) -> None:
        self.name = name
        self.stale = stale
        self.model = model
        self.states = states
        self.initial = frozenset(str(state) for state in initial)
        self.transitions = {}
        self.field = field
        self.version_field = "version"
        valid = set(states.values)
        for transition in transitions:
            unknown = (transition.source | {transition.target}) - valid
            if unknown or transition.name in self.transitions:
                raise ValueError(f"{name}.{transition.name}: unknown states {sorted(unknown)}")
            self.transitions[transition.name] = transition
        if not self.initial <= valid:
            raise ValueError(f"{name}: unknown initial states {sorted(self.initial - valid)}")
        _register(self)

    # -- reading -----------------------------------------------------------------------

    def transition(self, name: str) -> Transition:
        try:
            return self.transitions[name]
        except KeyError:
            raise DomainError(_("Acción no válida.")) from None

    def transition_to(self, source: str, target: str) -> Transition | None:
        """The transition from ``source`` to ``target``, if one is declared."""
        return next(
            (t for t in self.transitions.values() if source in t.source and t.target == target),
            None,
        )

    def label(self, state: str) -> str:
        return str(self.states(state).label) if state in self.states.values else state

    def available(self, obj: Any, user: Any) -> list[Transition]:
        """The transitions ``user`` may take on ``obj`` now (for buttons and menus)."""
        current = getattr(obj, self.field)
        return [
            t
            for t in self.transitions.values()
            if current in t.source and (t.allowed is None or t.allowed(user, obj))
        ]

    # -- moving ------------------------------------------------------------------------

    def move(
        self,
        obj: Any,
        name: str,
        *,
        by: Any,
        changes: Mapping[str, Any] | None = None,
        before: Mapping[str, Any] | None = None,
        after: Mapping[str, Any] | None = None,
        expected_version: int | None = None,
        audit_on: Model | None = None,
        as_system: bool = False,
    ) -> Move:
        """Take transition ``name`` on ``obj``; the row is updated only if it is still in the
        state and at the version read (``expected_version``, else the one ``obj`` holds).

        ``changes`` are other fields written by the same UPDATE; ``before``/``after`` are
        added to the audit row, which hangs on ``audit_on`` when given (and indexes ``obj``
        as touched, so its history finds it). A choice of targets is two transitions (a
        folder approved goes to Aprobada by "approve", to Por auditar by "approve_to_audit").
        ``as_system``: the platform itself moves it (the demo loader), with no person to
        ask ``allowed`` and no actor in the audit row.
        """
        transition = self.transition(name)
        source = str(getattr(obj, self.field))
        if source not in transition.source:
            message = transition.wrong_state or _(
                "%(object)s está en estado %(state)s: no admite «%(action)s»."
            )
            raise DomainError(
                str(message)
                % {
                    "object": str(self.model._meta.verbose_name).capitalize(),
                    "state": self.label(source),
                    "action": transition.label,
                },
                code="state",
            )
        if as_system:
            by = None
        elif transition.allowed is not None and not transition.allowed(by, obj):
            raise PermissionDenied(str(transition.refusal or _("No puede hacer este cambio.")))
        new_state = transition.target
        version = getattr(obj, self.version_field)
        if expected_version is not None and expected_version != version:
            raise DomainError(str(self.stale), code=STALE)
        values: dict[str, Any] = {
            self.field: new_state,
            self.version_field: F(self.version_field) + 1,
            **(changes or {}),
        }
        with _mechanism(), transaction.atomic():
            updated = self.model._base_manager.filter(
                pk=obj.pk, **{self.field: source, self.version_field: version}
            ).update(**values)
            if not updated:
                raise DomainError(str(self.stale), code=STALE)
            for attribute, value in values.items():
                if not hasattr(value, "resolve_expression"):
                    setattr(obj, attribute, value)
            obj.refresh_from_db(
                fields=[
                    attribute
                    for attribute, value in values.items()
                    if hasattr(value, "resolve_expression")
                ]
            )
            _remember(obj, self.field)
            # On another object the row is about that object; the action names the move.
            states = audit_on is None
            audit_record(
                action=transition.audit_action,
                actor=by,
                obj=obj if states else audit_on,
                before={**({"state": source} if states else {}), **(before or {})},
                after={**({"state": new_state} if states else {}), **(after or {})},
                touched=None if states else (self.model, [obj.pk]),
            )
            for notify in transition.notify:
                notify.send(obj)
            move = Move(obj=obj, transition=transition, source=source, by=by)
            state_moved.send(sender=self.model, machine=self, move=move)
        return move

    def move_many(
        self,
        name: str,
        *,
        ids: Sequence[int],
        by: Any,
        on: Model,
        after: Mapping[str, Any] | None = None,
        digest: Digest | None = None,
        versioned: bool = False,
    ) -> list[int]:
        """The bulk form: every object of ``ids`` still in a source state takes ``name``.

        One UPDATE, one audit row on ``on`` (the test of a distribution, say) with the
        index of the objects moved; notifications go to ``digest`` (one message per person
        when it is flushed) or, without one, are flushed here. Returns the ids moved.
        ``versioned``: the caller's own write of these rows, in this transaction and under
        its compare-and-set, already bumped their version (a distribution writing holders);
        the version is bumped once per change a form could have seen.
        """
        transition = self.transition(name)
        if not ids:
            return []
        with _mechanism(), transaction.atomic():
            rows = self.model._base_manager.filter(
                pk__in=list(ids), **{f"{self.field}__in": sorted(transition.source)}
            )
            moved = sorted(rows.select_for_update().values_list("pk", flat=True))
            if not moved:
                return []
            values: dict[str, Any] = {self.field: transition.target}
            if not versioned:
                values[self.version_field] = F(self.version_field) + 1
            self.model._base_manager.filter(pk__in=moved).update(**values)
            audit_record(
                action=transition.audit_action,
                actor=by,
                obj=on,
                before={"state": sorted(transition.source)},
                after={"state": transition.target, "count": len(moved), **(after or {})},
                touched=(self.model, moved),
            )
            own = digest if digest is not None else Digest()
            for notify in transition.notify:
                if notify.to_many is not None:
                    for person, objects in notify.to_many(moved).items():
                        own.add(notify, person, objects, about=on)
            if digest is None:
                own.flush()
        return moved


class Digest:
    """Notifications gathered over a bulk operation: one message per person and kind.

    ``add(notify, person_id, ids, about=obj)`` collects; ``flush()`` queues one message
    per person (its ``digest_template`` with ``count``, ``objects`` and ``about``) and
    empties the digest. Flush inside the transaction of the last write.
    """

    def __init__(self) -> None:
        self._pending: dict[tuple[Notify, int], list[int]] = defaultdict(list)
        self._about: dict[tuple[Notify, int], Any] = {}

    def add(self, notify: Notify, person: int, ids: Iterable[int], *, about: Any) -> None:
        self._pending[(notify, person)].extend(ids)
        self._about[(notify, person)] = about

    def __len__(self) -> int:
        return len(self._pending)

    def flush(self) -> int:
        from merito.accounts.models import User

        people = User.objects.in_bulk({person for _notify, person in self._pending})
        sent = 0
        for (notify, person), ids in sorted(
            self._pending.items(), key=lambda item: (item[0][0].kind, item[0][1])
        ):
            user = people.get(person)
            if user is None or not user.email:
                continue
            about = self._about[(notify, person)]
            count = len(set(ids))
            context = notify.context(about) if notify.context else {}
            subject = str(notify.digest_subject or notify.subject) % {
                "count": count,
                "obj": about,
                **context,
            }
            url = notify.url(about) if notify.url else ""
            notify.deliver(
                user.email,
                user,
                subject,
                notify.digest_template or notify.template,
                url,
                {"about": about, "count": count, "objects": sorted(set(ids))[:50], **context},
                True,
            )
            sent += 1
        self._pending.clear()
        self._about.clear()
        return sent


def _site() -> str:
    return str(getattr(settings, "SITE_URL", "")).rstrip("/")


# --- the registry and the guard -----------------------------------------------------------

_MACHINES: dict[str, Machine] = {}


def machines() -> list[Machine]:
    """Every declared machine (contexts declare theirs when they load)."""
    return list(_MACHINES.values())


_BY_MODEL: dict[type[Model], Machine] = {}


def machine_of(model: type[Model]) -> Machine | None:
    return _BY_MODEL.get(model)


def _register(machine: Machine) -> None:
    _MACHINES[machine.name] = machine
    _BY_MODEL[machine.model] = machine
    uid = f"merito.states:{machine.name}"
    pre_save.connect(_refuse_state_save, sender=machine.model, dispatch_uid=uid)
    post_save.connect(_saved, sender=machine.model, dispatch_uid=uid)
    post_init.connect(_remember_loaded, sender=machine.model, dispatch_uid=uid)


_LOADED = "_merito_loaded_state"


def _remember(obj: Any, field_name: str) -> None:
    obj.__dict__[_LOADED] = obj.__dict__.get(field_name)


def _remember_loaded(sender: type[Model], instance: Model, **kwargs: Any) -> None:
    machine = machine_of(sender)
    if machine is not None and not instance._state.adding:
        _remember(instance, machine.field)


def _refuse_state_save(
    sender: type[Model], instance: Model, update_fields: Any = None, raw: bool = False, **kw: Any
) -> None:
    if raw or _writing.get():
        return
    machine = machine_of(sender)
    if machine is None:
        return
    state = str(getattr(instance, machine.field))
    if instance._state.adding:
        if state not in machine.initial:
            raise StateWriteRefused(
                f"{machine.name}: an object is created in {sorted(machine.initial)}, "
                f"not {state!r}; move it with merito.states"
            )
        return
    if update_fields is not None and machine.field not in update_fields:
        return
    if _LOADED in instance.__dict__:
        loaded = instance.__dict__[_LOADED]
    else:
        loaded = (
            sender._base_manager.filter(pk=instance.pk)
            .values_list(machine.field, flat=True)
            .first()
        )
    if loaded is not None and str(loaded) != state:
        raise StateWriteRefused(
            f"{machine.name}: {loaded!r} → {state!r} written by save(); use Machine.move"
        )
    _checked_save.set(True)


def _saved(sender: type[Model], instance: Model, **kwargs: Any) -> None:
    _checked_save.set(False)


class StateQuerySet(models.QuerySet):
    """A queryset whose ``update()`` and ``bulk_update()`` refuse the machine's state field."""

    def _refuse(self, names: Iterable[str]) -> None:
        machine = machine_of(self.model)
        if machine is not None and machine.field in set(names) and not _writing.get():
            raise StateWriteRefused(
                f"{machine.name}: the state is written by merito.states, not update()"
            )

    def update(self, **kwargs: Any) -> int:
        self._refuse(kwargs)
        return super().update(**kwargs)

    def bulk_update(
        self, objs: Iterable[Any], fields: Iterable[str], batch_size: int | None = None
    ) -> int:
        fields = list(fields)
        self._refuse(fields)
        return super().bulk_update(objs, fields, batch_size=batch_size)


class StateManager(models.Manager.from_queryset(StateQuerySet)):  # type: ignore[misc]
    """The default manager of a model with a state machine."""
