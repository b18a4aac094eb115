"""Every model's history keeps one name in the audit log, whatever context it lives in."""

from pathlib import Path

from django.apps import apps

from merito.audit.services import audit_record, audit_type
from merito.organizations.models import Organization

PINNED = Path(__file__).with_name("audit_types.txt")


def _pinned() -> dict[str, str]:
    rows = (line.split() for line in PINNED.read_text().splitlines() if not line.startswith("#"))
    return {label: name for label, name in rows}


def test_every_model_files_its_history_under_its_pinned_name():
    """A model moved to another context (a new app label) without declaring ``audit_type``
    fails here, as does a new model missing from the list."""
    now = {
        model._meta.label: audit_type(model)
        for model in apps.get_models()
        if model.__module__.startswith("merito.")
    }
    assert now == _pinned()


def test_names_are_unique():
    names = list(_pinned().values())
    assert len(names) == len(set(names))


def test_a_declared_name_outlives_the_label(db, monkeypatch):
    monkeypatch.setattr(Organization, "audit_type", "antes.organizacion", raising=False)
    organization = Organization.objects.create(
        name="Comisión", short_name="CX", kind="commission", country="CO"
    )
    event = audit_record(action="organizations.organization.created", obj=organization)
    assert event.object_type == "antes.organizacion"
