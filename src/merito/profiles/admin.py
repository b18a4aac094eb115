"""Staff review the catalogue here: proposed institutions and programs ("Otro") wait as
"Propuesta" until someone activates, corrects or merges them. Every save is audited."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.forms.models import model_to_dict

from merito.audit.services import audit_record
from merito.profiles.models import Institution, Program


class _AuditedAdmin(admin.ModelAdmin):
    def save_model(self, request: Any, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        action = "updated" if change else "created"
        audit_record(
            action=f"profiles.{obj._meta.model_name}.{action}",
            actor=request.user,
            obj=obj,
            after=model_to_dict(obj),
        )


@admin.register(Institution)
class InstitutionAdmin(_AuditedAdmin):
    list_display = ["name", "original_name", "country", "city", "snies_code", "state"]
    list_filter = ["state", "country", "is_foreign"]
    search_fields = ["search_key", "snies_code"]
    readonly_fields = ["proposed_by"]


@admin.register(Program)
class ProgramAdmin(_AuditedAdmin):
    list_display = ["name", "institution", "level", "snies_code", "state"]
    list_filter = ["state", "level"]
    search_fields = ["search_key", "snies_code"]
    autocomplete_fields = ["institution"]
    readonly_fields = ["proposed_by"]
