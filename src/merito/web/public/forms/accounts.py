from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from merito.accounts.models import DUPLICATE_DOCUMENT_MESSAGE, DUPLICATE_EMAIL_MESSAGE, User
from merito.identity import TYPES_BY_COUNTRY


class SignUpForm(forms.ModelForm):
    password1 = forms.CharField(
        label=_("Contraseña"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_(
            "Entre 8 y 20 caracteres: letras, números, puntos o los caracteres especiales "
            "@ # $ % & + - _ *. Sin espacios."
        ),
    )
    password2 = forms.CharField(
        label=_("Confirmar contraseña"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    class Meta:
        model = User
        fields = [
            "document_country",
            "document_type",
            "document_number",
            "given_names",
            "first_surname",
            "second_surname",
            "sex",
            "email",
            "phone",
        ]
        widgets = {
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "given_names": forms.TextInput(attrs={"autocomplete": "given-name"}),
            "first_surname": forms.TextInput(attrs={"autocomplete": "family-name"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("document_country", "document_type", "sex"):
            field = cast(forms.ChoiceField, self.fields[name])
            field.choices = [("", _("Seleccione…")), *list(cast(list[Any], field.choices))[1:]]

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def clean(self):
        cleaned = super().clean()
        country = cleaned.get("document_country")
        doc_type = cleaned.get("document_type")
        if country and doc_type and doc_type not in TYPES_BY_COUNTRY.get(country, ()):
            self.add_error(
                "document_type",
                _("El tipo de documento elegido no existe para el país que lo expide."),
            )
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("La confirmación no coincide con la contraseña."))
        if p1 and not self.has_error("password1"):
            candidate = User(
                email=cleaned.get("email", ""),
                given_names=cleaned.get("given_names", ""),
                first_surname=cleaned.get("first_surname", ""),
                document_number=cleaned.get("document_number", ""),
            )
            try:
                password_validation.validate_password(p1, candidate)
            except ValidationError as exc:
                self.add_error("password1", exc)
        return cleaned

    def validate_unique(self) -> None:
        # The database decides in the service (also under concurrency); checking here too
        # gives the common case its message, on its field, before any write.
        user = self.instance
        if (
            user.document_number
            and User.objects.filter(
                document_country=user.document_country,
                document_type=user.document_type,
                document_number=user.document_number,
            ).exists()
        ):
            self.add_error("document_number", DUPLICATE_DOCUMENT_MESSAGE)
        if user.email and User.objects.filter(email__iexact=user.email).exists():
            self.add_error("email", DUPLICATE_EMAIL_MESSAGE)


class LoginForm(forms.Form):
    identifier = forms.CharField(
        label=_("Documento, correo o usuario"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
        help_text=_(
            "Si tiene documentos de varios tipos, escriba el tipo y el número: CC 1020304050."
        ),
    )
    password = forms.CharField(
        label=_("Contraseña"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


def _current_password() -> forms.CharField:
    return forms.CharField(
        label=_("Contraseña actual"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("Se la pedimos de nuevo para confirmar que es usted."),
    )


def _new_device_code() -> forms.CharField:
    return forms.CharField(
        label=_("Código de verificación"),
        min_length=6,
        max_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        help_text=_("Los 6 dígitos que muestra ahora su aplicación de autenticación."),
    )


def _login_code() -> forms.CharField:
    return forms.CharField(
        label=_("Código de verificación o de recuperación"),
        min_length=6,
        max_length=24,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
        help_text=_(
            "Los 6 dígitos de su aplicación de autenticación o, si perdió el dispositivo, "
            "uno de sus códigos de recuperación (por ejemplo 7K2M-9QXD-4HNP-3WRT)."
        ),
    )


class LoginCodeForm(forms.Form):
    """The second step of the login: a TOTP code or a recovery code."""

    token = _login_code()


class EnrolForm(forms.Form):
    """Confirm a new authenticator: the password (first enrolment) and its current code."""

    password = _current_password()
    token = _new_device_code()

    def __init__(self, *args: Any, ask_password: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not ask_password:
            del self.fields["password"]


class ConfirmIdentityForm(forms.Form):
    """Before changing the second factor: the password and a code of the current one."""

    password = _current_password()
    token = _login_code()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["token"].widget.attrs.pop("autofocus", None)


class EmailChangeForm(forms.Form):
    email = forms.EmailField(
        label=_("Nuevo correo electrónico"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("Le enviaremos un enlace; el cambio se aplica cuando lo abra."),
    )
    password = _current_password()

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()


class PasswordResetRequestForm(forms.Form):
    identifier = forms.CharField(
        label=_("Documento, correo o usuario"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
