"""Account use cases. Each writes atomically, leaves an audit event and queues e-mail."""

from __future__ import annotations

import uuid
from typing import Any

from axes.utils import reset as axes_reset
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from merito.accounts.backends import find_user_by_identifier
from merito.accounts.models import DUPLICATE_DOCUMENT_MESSAGE, DUPLICATE_EMAIL_MESSAGE, User
from merito.accounts.tokens import (
    make_email_change_token,
    make_email_token,
    password_reset_token,
    read_email_change_token,
    read_email_token,
)
from merito.audit.services import audit_record
from merito.errors import DomainError
from merito.notifications.services import email_enqueue
from merito.organizations.models import Role
from merito.organizations.services import role_assign

PUBLIC_FIELDS = (
    "document_country",
    "document_type",
    "document_number",
    "given_names",
    "first_surname",
    "second_surname",
    "sex",
    "email",
    "phone",
)


def user_snapshot(user: User) -> dict[str, Any]:
    """What the audit trail keeps of an account (never the password)."""
    data = {name: getattr(user, name) for name in PUBLIC_FIELDS}
    data.update(username=user.username, is_active=user.is_active)
    return data


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _duplicate_message(user: User) -> DomainError:
    """Which unique rule a failed insert broke, as a message the person can act on."""
    if User.objects.filter(
        document_country=user.document_country,
        document_type=user.document_type,
        document_number=user.document_number,
    ).exists():
        return DomainError(str(DUPLICATE_DOCUMENT_MESSAGE), field="document_number")
    return DomainError(str(DUPLICATE_EMAIL_MESSAGE), field="email")


def user_sign_up(*, user: User, password: str) -> User:
    """Create an applicant's account (Postulante) and send the verification link.

    ``user`` is an unsaved, validated instance. Two simultaneous sign-ups with the same
    document or e-mail leave exactly one account: the database constraint decides.
    """
    user.email = user.email.strip().lower()
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
            role_assign(user=user, role=Role.APPLICANT, by=None)
            audit_record(
                action="accounts.user.signed_up", actor=user, obj=user, after=user_snapshot(user)
            )
    except IntegrityError as exc:
        raise _duplicate_message(user) from exc
    user_send_verification(user=user)
    return user


def user_send_verification(*, user: User) -> None:
    link = _absolute(reverse("public:accounts:verify_email", args=[make_email_token(user)]))
    email_enqueue(
        to=user.email,
        subject=_("Verifique su correo electrónico en Mérito"),
        template="accounts/email/verify_email",
        context={"user": user, "link": link, "days": settings.EMAIL_VERIFICATION_TIMEOUT // 86400},
        user=user,
        kind="accounts.verify_email",
    )


def user_verify_email(*, token: str) -> User:
    try:
        user_id, email = read_email_token(token)
    except signing.SignatureExpired as exc:
        raise DomainError(
            _("El enlace de verificación venció. Ingrese y solicite uno nuevo.")
        ) from exc
    except signing.BadSignature as exc:
        raise DomainError(_("El enlace de verificación no es válido.")) from exc
    with transaction.atomic():
        user = User.objects.select_for_update().filter(pk=user_id).first()
        if user is None or user.email != email:
            raise DomainError(
                _("El enlace de verificación no corresponde al correo actual de la cuenta.")
            )
        if user.email_verified_at is None:
            user.email_verified_at = timezone.now()
            user.save(update_fields=["email_verified_at"])
            audit_record(
                action="accounts.user.email_verified",
                actor=user,
                obj=user,
                after={"email": user.email},
            )
    return user


def password_reset_request(*, identifier: str) -> None:
    """Send a reset link to the account the identifier names; earlier links stop working.

    Says nothing about whether the account exists (the view shows the same message).
    """
    user = find_user_by_identifier(identifier)
    if user is None or not user.is_active:
        return
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        user.password_reset_nonce = uuid.uuid4()
        user.password_reset_sent_at = timezone.now()
        user.save(update_fields=["password_reset_nonce", "password_reset_sent_at"])
        uid = urlsafe_base64_encode(force_bytes(user.pk))
        link = _absolute(
            reverse(
                "public:accounts:password_reset_confirm",
                kwargs={"uidb64": uid, "token": password_reset_token.make_token(user)},
            )
        )
        audit_record(action="accounts.user.password_reset_requested", actor=None, obj=user)
        email_enqueue(
            to=user.email,
            subject=_("Restablecer su contraseña de Mérito"),
            template="accounts/email/password_reset",
            context={"user": user, "link": link, "hours": settings.PASSWORD_RESET_TIMEOUT // 3600},
            user=user,
            kind="accounts.password_reset",
        )


def password_reset_completed(*, user: User) -> None:
    """After a new password is set by link: invalidate other links, lift the lockout.

    The link reached the person at this address, so it also proves the e-mail (an
    imported peer who never verified can then log in)."""
    user.password_reset_nonce = uuid.uuid4()
    fields = ["password_reset_nonce"]
    if user.email_verified_at is None:
        user.email_verified_at = timezone.now()
        fields.append("email_verified_at")
    user.save(update_fields=fields)
    axes_reset(username=f"user:{user.pk}")
    audit_record(action="accounts.user.password_reset", actor=user, obj=user)


def password_changed(*, user: User) -> None:
    user.password_reset_nonce = uuid.uuid4()
    user.save(update_fields=["password_reset_nonce"])
    audit_record(action="accounts.user.password_changed", actor=user, obj=user)


# --- change of e-mail: only a verified new address takes over the account ----------------


def _email_taken(email: str, *, except_user: User) -> bool:
    return User.objects.filter(email__iexact=email).exclude(pk=except_user.pk).exists()


def email_change_request(*, user: User, new_email: str, by: Any) -> User:
    """Start an e-mail change, from any path (the person, staff, a peer's request).

    The account keeps its address until the link sent to ``new_email`` is opened
    (``email_change_confirm``); the current address is told at once. ``by`` is who asked:
    the person themself, a staff member, or None for a public request.
    """
    new_email = (new_email or "").strip().lower()
    try:
        validate_email(new_email)
    except ValidationError as exc:
        raise DomainError(_("Escriba un correo electrónico válido."), field="email") from exc
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        if new_email == user.email:
            raise DomainError(_("Ese ya es el correo de la cuenta."), field="email")
        if _email_taken(new_email, except_user=user):
            raise DomainError(str(DUPLICATE_EMAIL_MESSAGE), field="email")
        user.pending_email = new_email
        user.pending_email_requested_at = timezone.now()
        user.save(update_fields=["pending_email", "pending_email_requested_at"])
        by_staff = by is not None and getattr(by, "pk", None) != user.pk
        audit_record(
            action="accounts.user.email_change_requested",
            actor=by,
            obj=user,
            before={"email": user.email},
            after={"pending_email": new_email},
        )
        link = _absolute(
            reverse("public:accounts:email_confirm", args=[make_email_change_token(user)])
        )
        email_enqueue(
            to=new_email,
            subject=_("Confirme el nuevo correo de su cuenta de Mérito"),
            template="accounts/email/email_change_confirm",
            context={
                "user": user,
                "link": link,
                "days": settings.EMAIL_VERIFICATION_TIMEOUT // 86400,
            },
            user=user,
            kind="accounts.email_change_confirm",
        )
        email_enqueue(
            to=user.email,
            subject=_("Se pidió cambiar el correo de su cuenta de Mérito"),
            template="accounts/email/email_change_notice",
            context={
                "user": user,
                "new_email": new_email,
                "by": by,
                "by_staff": by_staff,
                "site": settings.SITE_URL,
            },
            user=user,
            kind="accounts.email_change_notice",
        )
    return user


def email_change_confirm(*, token: str) -> User:
    """The link reached the new mailbox: the account takes the address, and every session
    and pending reset link of the person ends."""
    try:
        user_id, new_email, stamp = read_email_change_token(token)
    except signing.SignatureExpired as exc:
        raise DomainError(_("El enlace venció. Pida el cambio de correo de nuevo.")) from exc
    except signing.BadSignature as exc:
        raise DomainError(_("El enlace de confirmación no es válido.")) from exc
    with transaction.atomic():
        user = User.objects.select_for_update().filter(pk=user_id).first()
        if (
            user is None
            or not user.pending_email
            or user.pending_email != new_email
            or str(user.security_stamp) != stamp
        ):
            raise DomainError(
                _(
                    "El enlace ya no corresponde a un cambio de correo pendiente: se usó, "
                    "se pidió otro cambio después o se cerró la cuenta."
                )
            )
        if _email_taken(new_email, except_user=user):
            raise DomainError(str(DUPLICATE_EMAIL_MESSAGE))
        before = user.email
        user.email = new_email
        user.email_verified_at = timezone.now()
        user.pending_email = ""
        user.pending_email_requested_at = None
        user.security_stamp = uuid.uuid4()
        user.password_reset_nonce = uuid.uuid4()
        try:
            with transaction.atomic():
                user.save(
                    update_fields=[
                        "email",
                        "email_verified_at",
                        "pending_email",
                        "pending_email_requested_at",
                        "security_stamp",
                        "password_reset_nonce",
                    ]
                )
        except IntegrityError as exc:
            raise DomainError(str(DUPLICATE_EMAIL_MESSAGE)) from exc
        audit_record(
            action="accounts.user.email_changed",
            actor=user,
            obj=user,
            before={"email": before},
            after={"email": new_email},
        )
    return user
