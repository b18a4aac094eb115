from django.contrib import admin

from merito.evaluation.models import (
    ConflictOfInterest,
    DistributionJob,
    Folder,
    Job,
    JobRequirement,
    ProcessStateChange,
    SelectionProcess,
    Test,
    TestUser,
)


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


@admin.register(Folder)
class FolderAdmin(admin.ModelAdmin):
    list_display = ("pk", "test", "level", "state", "supervisor", "analyst", "auditor", "version")
    list_filter = ("state",)
    raw_id_fields = ("test", "inscription", "supervisor", "analyst", "auditor")
    readonly_fields = ("state", "version", "audit_selected")


@admin.register(ConflictOfInterest)
class ConflictOfInterestAdmin(admin.ModelAdmin):
    list_display = ("user", "document_number", "declared_at")
    raw_id_fields = ("user",)


@admin.register(DistributionJob)
class DistributionJobAdmin(admin.ModelAdmin):
    list_display = ("pk", "test", "kind", "state", "done", "total", "created_at", "created_by")
    list_filter = ("state",)
    readonly_fields = ("state", "done", "total", "error", "started_at", "finished_at")
