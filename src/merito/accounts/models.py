from __future__ import annotations

import hashlib
import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, ThrottlingMixin

from merito.accounts.validators import validate_phone, validate_username
from merito.identity import Country, DocumentType, validate_identity_document

DUPLICATE_DOCUMENT_MESSAGE = _(
    "Ya existe una cuenta con este documento de identidad. Si es suya, ingrese o "
    "restablezca su contraseña."
)
DUPLICATE_EMAIL_MESSAGE = _("Ya existe una cuenta con este correo electrónico.")


class Sex(models.TextChoices):
    FEMALE = "F", _("Femenino")
    MALE = "M", _("Masculino")


class SpacedName(models.Func):
    """``given_names first_surname second_surname`` of the user at ``prefix``.

    ``icontains`` on it is what the trigram index ``accounts_user_name_trgm`` (migration
    0002) serves on PostgreSQL, one index scan for all the words of a search: the index
    holds this very expression, so change both together. A word without spaces is in it
    exactly when it is in one of the three names.
    """

    arg_joiner = " || ' ' || "
    template = "(%(expressions)s)"
    output_field = models.CharField()

    def __init__(self, prefix: str = "") -> None:
        names = ("given_names", "first_surname", "second_surname")
        super().__init__(*(f"{prefix}{name}" for name in names))


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **fields) -> User:
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password) if password else user.set_unusable_password()
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **fields) -> User:
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields) -> User:
        fields.update(is_staff=True, is_superuser=True)
        fields.setdefault("email_verified_at", timezone.now())
        return self._create(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):  # type: ignore[django-manager-missing]
    """One account per real person: the identity document is unique in the database."""

    # Operators of seed 004 log in with a username; applicants may use e-mail or document.
    username = models.CharField(
        _("usuario"),
        max_length=30,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_username],
        help_text=_("Letras, números, punto y guion bajo; de 6 a 30 caracteres, sin espacios."),
    )
    email = models.EmailField(_("correo electrónico"), max_length=254)
    email_verified_at = models.DateTimeField(_("correo verificado el"), null=True, blank=True)

    document_country = models.CharField(
        _("país que expide el documento"), max_length=2, choices=Country.choices
    )
    document_type = models.CharField(
        _("tipo de documento"), max_length=3, choices=DocumentType.choices
    )
    document_number = models.CharField(_("número de documento"), max_length=16)

    given_names = models.CharField(_("nombres"), max_length=100)
    first_surname = models.CharField(_("primer apellido"), max_length=100)
    second_surname = models.CharField(
        _("segundo apellido"),
        max_length=100,
        blank=True,
        help_text=_("Solo si figura en su documento de identidad."),
    )
    sex = models.CharField(_("sexo"), max_length=1, choices=Sex.choices, blank=True)
    phone = models.CharField(_("teléfono"), max_length=20, blank=True, validators=[validate_phone])

    is_active = models.BooleanField(_("habilitado"), default=True)
    is_staff = models.BooleanField(_("acceso a la administración técnica"), default=False)
    date_joined = models.DateTimeField(_("fecha de registro"), default=timezone.now)

    # Rotated on every reset request so only the most recent link works (seed 000).
    password_reset_nonce = models.UUIDField(default=uuid.uuid4, editable=False)
    password_reset_sent_at = models.DateTimeField(
        _("último enlace de restablecimiento enviado"), null=True, blank=True
    )
    # Part of every session's hash: rotating it ends all the person's sessions at once
    # (an e-mail change, a second factor reset) without listing them.
    security_stamp = models.UUIDField(default=uuid.uuid4, editable=False)
    # A new address waits here until the link sent to it is opened (``email_change_*``).
    pending_email = models.EmailField(_("correo por confirmar"), max_length=254, blank=True)
    pending_email_requested_at = models.DateTimeField(
        _("cambio de correo solicitado el"), null=True, blank=True
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = [
        "document_country",
        "document_type",
        "document_number",
        "given_names",
        "first_surname",
    ]

    class Meta:
        verbose_name = _("usuario")
        verbose_name_plural = _("usuarios")
        constraints = [
            models.UniqueConstraint(
                fields=["document_country", "document_type", "document_number"],
                name="accounts_user_unique_identity_document",
                violation_error_message=DUPLICATE_DOCUMENT_MESSAGE,
            ),
            models.UniqueConstraint(
                Lower("email"),
                name="accounts_user_unique_email_ci",
                violation_error_message=DUPLICATE_EMAIL_MESSAGE,
            ),
        ]
        # The staff searches by document alone; the unique constraint starts with the country.
        # The search by name has a trigram index on PostgreSQL (``SpacedName``).
        indexes = [models.Index(fields=["document_number"], name="accounts_user_document")]

    def __str__(self) -> str:
        return self.full_name or self.email

    @property
    def full_name(self) -> str:
        parts = [self.given_names, self.first_surname, self.second_surname]
        return " ".join(p for p in parts if p)

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.given_names

    @property
    def document_label(self) -> str:
        return f"{self.document_type} {self.document_number}"

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    def get_session_auth_hash(self) -> str:
        return self._stamped_session_hash(None)

    def get_session_auth_fallback_hash(self):
        for secret in settings.SECRET_KEY_FALLBACKS:
            yield self._stamped_session_hash(secret)

    def _stamped_session_hash(self, secret: str | None) -> str:
        # Django hashes the password alone; the stamp lets us end sessions on other events.
        return salted_hmac(
            "merito.accounts.User.session_auth_hash",
            f"{self.password}:{self.security_stamp}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()

    def clean(self) -> None:
        super().clean()
        self.email = (self.email or "").strip().lower()
        if self.document_country and self.document_type:
            try:
                self.document_number = validate_identity_document(
                    self.document_country, self.document_type, self.document_number
                )
            except ValidationError as exc:
                raise ValidationError({"document_number": exc.messages}) from exc
        if self.pk:
            stored = (
                type(self).objects.filter(pk=self.pk).values("username", "document_number").first()
            )
            if stored:
                errors = {}
                if stored["username"] and stored["username"] != self.username:
                    errors["username"] = _("El usuario no se puede modificar.")
                if stored["document_number"] != self.document_number:
                    errors["document_number"] = _(
                        "El número de identificación no se puede modificar."
                    )
                if errors:
                    raise ValidationError(errors)


# Crockford's base32: no I, L, O or U, so a code read aloud or copied by hand survives.
RECOVERY_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_MISREAD = str.maketrans({"O": "0", "I": "1", "L": "1"})


def recovery_code_digest(code: str) -> str:
    """SHA-256 of a recovery code as typed: case, spaces, dashes and O/0, I/L/1 ignored."""
    normalized = "".join(ch for ch in code.upper() if ch.isalnum()).translate(_MISREAD)
    return hashlib.sha256(normalized.encode()).hexdigest()


class RecoveryCodeDevice(ThrottlingMixin, Device):
    """The person's single-use recovery codes, one django-otp device per account.

    Each code is shown once and kept only as its SHA-256: a code is 80 random bits, so a
    fast hash resists an offline guess as well as a slow one would.
    """

    class Meta:
        verbose_name = _("códigos de recuperación")
        verbose_name_plural = _("códigos de recuperación")

    def get_throttle_factor(self) -> int:
        return 1

    def verify_token(self, token: str) -> bool:
        allowed, _details = self.verify_is_allowed()
        if not allowed:
            return False
        digest = recovery_code_digest(token)
        used = self.codes.filter(code_hash=digest, used_at__isnull=True).update(
            used_at=timezone.now()
        )
        if used:
            self.throttle_reset()
            return True
        self.throttle_increment()
        return False


class RecoveryCode(models.Model):
    device = models.ForeignKey(RecoveryCodeDevice, on_delete=models.CASCADE, related_name="codes")
    code_hash = models.CharField(max_length=64)
    used_at = models.DateTimeField(_("usado el"), null=True, blank=True)

    class Meta:
        verbose_name = _("código de recuperación")
        verbose_name_plural = _("códigos de recuperación")
        constraints = [
            models.UniqueConstraint(
                fields=["device", "code_hash"], name="accounts_recoverycode_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.device.user_id}: {'usado' if self.used_at else 'sin usar'}"
