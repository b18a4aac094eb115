from django.contrib import admin

from merito.evaluation.models import (
    Job,
    JobRequirement,
    OperatorProfile,
    ProcessStateChange,
    SelectionProcess,
    Test,
    TestUser,
)


@admin.register(OperatorProfile)
class OperatorProfileAdmin(admin.ModelAdmin):
    list_display = ["organization", "cnsc_id", "nit", "nit_check_digit", "contact_name"]


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
