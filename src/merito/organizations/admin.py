from django.contrib import admin

from merito.organizations.models import OperatorProfile, Organization, RoleAssignment


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("short_name", "name", "kind", "parent", "country", "time_zone")
    list_filter = ("kind", "country")
    search_fields = ("short_name", "name")


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "organization", "call", "created_at", "created_by")
    list_filter = ("role",)
    search_fields = ("user__email", "user__document_number", "user__username")
    raw_id_fields = ("user", "created_by")


@admin.register(OperatorProfile)
class OperatorProfileAdmin(admin.ModelAdmin):
    list_display = ["organization", "cnsc_id", "nit", "nit_check_digit", "contact_name"]
