from django.contrib import admin

from merito.applications.models import Inscription


@admin.register(Inscription)
class InscriptionAdmin(admin.ModelAdmin):
    list_display = ["registry_number", "call", "position", "user", "state", "submitted_at"]
    list_filter = ["state", "call"]
    search_fields = ["registry_number", "user__document_number", "user__email"]
    readonly_fields = [f.name for f in Inscription._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
