from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from merito.accounts.models import User


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    """Technical administration. Identity fields are read-only once the account exists."""

    list_display = (
        "email",
        "username",
        "document_type",
        "document_number",
        "full_name",
        "is_active",
        "email_verified_at",
        "password_reset_sent_at",
    )
    list_filter = ("is_active", "is_staff", "document_country", "document_type")
    search_fields = ("email", "username", "document_number", "given_names", "first_surname")
    readonly_fields = ("password", "last_login", "date_joined", "password_reset_sent_at")
    fieldsets = (
        (
            _("Identidad"),
            {
                "fields": (
                    "document_country",
                    "document_type",
                    "document_number",
                    "given_names",
                    "first_surname",
                    "second_surname",
                    "sex",
                )
            },
        ),
        (
            _("Acceso"),
            {
                "fields": (
                    "username",
                    "email",
                    "email_verified_at",
                    "phone",
                    "password",
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "last_login",
                    "date_joined",
                    "password_reset_sent_at",
                )
            },
        ),
    )

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fields += ["username", "document_country", "document_type", "document_number"]
        return fields
