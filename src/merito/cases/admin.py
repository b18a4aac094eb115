from django.contrib import admin

from merito.cases.models import CaseEvent, Observation, UpdateCase


class EventInline(admin.TabularInline):
    model = CaseEvent
    extra = 0
    readonly_fields = ["kind", "at", "actor", "message"]
    can_delete = False


class ObservationInline(admin.TabularInline):
    model = Observation
    extra = 0
    readonly_fields = ["round", "section", "entry_id", "item_label", "text", "author", "created_at"]
    can_delete = False


@admin.register(UpdateCase)
class UpdateCaseAdmin(admin.ModelAdmin):
    """Read-only: every change goes through the services (timeline, audit, e-mail)."""

    list_display = [
        "number",
        "user",
        "state",
        "round",
        "verifier",
        "submitted_at",
        "last_activity_at",
    ]
    list_filter = ["state"]
    search_fields = ["number", "user__document_number", "user__email"]
    inlines = [EventInline, ObservationInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
