from django.contrib import admin

from merito.evaluation.models import ConflictOfInterest, DistributionJob, Folder


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
