from django.contrib import admin, messages
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from merito.accounts import services
from merito.accounts.models import User
from merito.accounts.second_factor import second_factor_reset
from merito.errors import DomainError


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
    readonly_fields = (
        "password",
        "last_login",
        "date_joined",
        "password_reset_sent_at",
        "pending_email",
        "pending_email_requested_at",
    )
    actions = ["reset_second_factor"]
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
                    "pending_email",
                    "pending_email_requested_at",
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

    def save_model(self, request, obj, form, change):
        """A new e-mail typed here waits for its link like any other change."""
        new_email = obj.email
        if change and "email" in form.changed_data:
            obj.email = form.initial["email"]
        super().save_model(request, obj, form, change)
        if change and "email" in form.changed_data:
            try:
                services.email_change_request(user=obj, new_email=new_email, by=request.user)
            except DomainError as exc:
                self.message_user(request, exc.message, messages.ERROR)
            else:
                self.message_user(
                    request,
                    gettext(
                        "El correo cambia cuando se abra el enlace enviado a %(email)s; "
                        "se avisó a la dirección actual."
                    )
                    % {"email": new_email},
                    messages.WARNING,
                )

    @admin.action(description=_("Restablecer el segundo factor (dispositivo perdido)"))
    def reset_second_factor(self, request, queryset):
        for user in queryset:
            second_factor_reset(user=user, by=request.user, reason="admin")
        self.message_user(
            request,
            gettext("Se restableció el segundo factor de %(n)d cuenta(s); se les avisó por correo.")
            % {"n": queryset.count()},
            messages.SUCCESS,
        )
