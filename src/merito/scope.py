"""Object scope: which rows of a model a person may reach, declared once per model.

Each context declares, beside its models, a scope for every model its staff pages open
(``declare_scope``): a selector ``visible_to(user)`` — the queryset every list, detail,
export, report and background job of that model starts from — and a django-rules
predicate ``allows(user, obj)`` that answers the same question for one object, in Python,
from the person's role assignments and the object's own fields. The two are written apart
on purpose: a property test (``tests/test_scope.py``) walks every demo object and person
and checks that an object is in ``visible_to(user)`` exactly when ``allows(user, obj)``.

A scope is a *rule* of django-rules (``rules.test_rule(name, user, obj)``), not a
permission: ``user.has_perm`` answers yes to a superuser for anything, and the platform's
superuser works in the admin site, not inside an organization's objects.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import rules
from django.db.models import Model, QuerySet


@dataclass(frozen=True)
class Scope:
    """The rows of ``model`` a person may reach, as a queryset and as a predicate."""

    name: str
    model: type[Model]
    visible_to: Callable[[Any], QuerySet[Any]]
    allows: rules.Predicate

    def __call__(self, user: Any) -> QuerySet[Any]:
        return self.visible_to(user)

    def test(self, user: Any, obj: Any) -> bool:
        return bool(rules.test_rule(self.name, user, obj))


_SCOPES: dict[str, Scope] = {}


def declare_scope(
    name: str,
    model: type[Model],
    *,
    visible_to: Callable[[Any], QuerySet[Any]],
    allows: Callable[[Any, Any], bool],
) -> Scope:
    """Declare the scope ``name`` (``<app>.<verb>_<model>``) of ``model``; idempotent."""
    predicate = allows if isinstance(allows, rules.Predicate) else rules.predicate(allows)
    scope = Scope(name=name, model=model, visible_to=visible_to, allows=predicate)
    rules.set_rule(name, predicate)
    _SCOPES[name] = scope
    return scope


def declared_scopes() -> list[Scope]:
    return [_SCOPES[name] for name in sorted(_SCOPES)]
