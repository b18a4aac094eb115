from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from merito.notifications.models import OutboundEmail
from merito.notifications.services import email_resend


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    list_display = ("created_at", "to", "subject", "kind", "status", "attempts", "sent_at")
    list_filter = ("status", "kind")
    search_fields = ("to", "subject")
    readonly_fields = [f.name for f in OutboundEmail._meta.fields]
    actions = ["resend"]

    @admin.action(description=_("Reenviar los correos seleccionados"))
    def resend(self, request, queryset):
        for message in queryset:
            email_resend(message=message)
        messages.success(request, _("Correos puestos en cola de nuevo."))
