"""Staff manage calls here until the back office exists; every save leaves an audit event."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.forms.models import model_to_dict
from django.http import HttpRequest
from django.utils.translation import gettext as _

from merito.audit.services import audit_record, audit_type
from merito.calls.models import (
    Call,
    CallDocument,
    Job,
    JobRequirement,
    Notice,
    Position,
    ProcessStateChange,
    SelectionProcess,
    Stage,
    Test,
    TestUser,
)
from merito.calls.states import CALL
from merito.errors import DomainError


def _snapshot(obj) -> dict:
    data = model_to_dict(obj)
    if "file" in data:
        data["file"] = obj.file.name if obj.file else ""
    return data


class StageInline(admin.TabularInline):
    model = Stage
    extra = 0


class PositionInline(admin.TabularInline):
    model = Position
    extra = 0
    show_change_link = True


class NoticeInline(admin.StackedInline):
    model = Notice
    extra = 0


class CallDocumentInline(admin.TabularInline):
    model = CallDocument
    extra = 0


class AuditedAdmin(admin.ModelAdmin):
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        action = "changed" if change else "created"
        audit_record(
            action=f"calls.{obj._meta.model_name}.{action}",
            actor=request.user,
            obj=obj,
            after=_snapshot(obj),
        )

    def delete_model(self, request, obj):
        audit_record(
            action=f"calls.{obj._meta.model_name}.deleted",
            actor=request.user,
            obj=obj,
            before=_snapshot(obj),
        )
        super().delete_model(request, obj)


@admin.register(Call)
class CallAdmin(AuditedAdmin):
    list_display = ("code", "name", "organization", "year", "state", "is_public")
    list_filter = ("state", "is_public", "organization__country", "year")
    search_fields = ("code", "name", "organization__short_name", "organization__name")
    list_select_related = ("organization",)
    inlines = [StageInline, PositionInline, NoticeInline, CallDocumentInline]
    # The state changes only through its machine: the actions below, one per transition.
    readonly_fields = ("state",)
    actions = [f"move_{name}" for name in CALL.transitions]

    def _move(self, request: HttpRequest, queryset: QuerySet[Call], name: str) -> None:
        moved, refused = 0, []
        for call in queryset:
            try:
                CALL.move(call, name, by=request.user)
                moved += 1
            except (DomainError, PermissionDenied) as error:
                refused.append(f"{call.code}: {getattr(error, 'message', error)}")
        label = CALL.transition(name).label
        if moved:
            self.message_user(
                request,
                _("%(action)s: %(count)s convocatoria(s).") % {"action": label, "count": moved},
                messages.SUCCESS,
            )
        for line in refused:
            self.message_user(request, line, messages.ERROR)

    @admin.action(description=CALL.transition("open").label)
    def move_open(self, request: HttpRequest, queryset: QuerySet[Call]) -> None:
        self._move(request, queryset, "open")

    @admin.action(description=CALL.transition("suspend").label)
    def move_suspend(self, request: HttpRequest, queryset: QuerySet[Call]) -> None:
        self._move(request, queryset, "suspend")

    @admin.action(description=CALL.transition("resume").label)
    def move_resume(self, request: HttpRequest, queryset: QuerySet[Call]) -> None:
        self._move(request, queryset, "resume")

    @admin.action(description=CALL.transition("close").label)
    def move_close(self, request: HttpRequest, queryset: QuerySet[Call]) -> None:
        self._move(request, queryset, "close")

    @admin.action(description=CALL.transition("cancel").label)
    def move_cancel(self, request: HttpRequest, queryset: QuerySet[Call]) -> None:
        self._move(request, queryset, "cancel")

    def save_formset(self, request, form, formset, change):
        instances = formset.save()
        prefix = f"calls.{formset.model._meta.model_name}"
        for obj in formset.deleted_objects:
            audit_record(
                action=f"{prefix}.deleted",
                actor=request.user,
                # The row is gone (no pk); the event hangs on its call.
                object_type=audit_type(form.instance),
                object_id=str(form.instance.pk),
                object_label=str(obj)[:255],
                before=_snapshot(obj),
            )
        changed = {obj for obj, _fields in formset.changed_objects}
        for obj in instances:
            action = "changed" if obj in changed else "created"
            audit_record(
                action=f"{prefix}.{action}", actor=request.user, obj=obj, after=_snapshot(obj)
            )


@admin.register(Position)
class PositionAdmin(AuditedAdmin):
    list_display = ("code", "name", "call", "region", "group", "level", "vacancies")
    list_filter = ("call",)
    search_fields = ("code", "name", "region", "group", "level")
    list_select_related = ("call",)


class StateChangeInline(admin.TabularInline):
    model = ProcessStateChange
    extra = 0
    readonly_fields = ["from_state", "to_state", "justification", "reason", "changed_by"]
    can_delete = False


@admin.register(SelectionProcess)
class SelectionProcessAdmin(admin.ModelAdmin):
    list_display = ["call", "entity", "parent", "application_type"]
    inlines = [StateChangeInline]
    # The state changes only through services.process_set_state, with its justification.
    readonly_fields = ["justification"]


class RequirementInline(admin.TabularInline):
    model = JobRequirement
    extra = 0


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["opec_number", "position", "grade", "ascenso_vacancies"]
    inlines = [RequirementInline]


@admin.register(Test)
class TestAdmin(admin.ModelAdmin):
    list_display = ["process", "test_type", "description", "operator", "weight", "state"]
    list_filter = ["test_type", "state"]
    # State and weights go through the services (open needs 100 %).
    readonly_fields = ["state"]


@admin.register(TestUser)
class TestUserAdmin(admin.ModelAdmin):
    list_display = ["test", "user", "role", "linked_at"]
