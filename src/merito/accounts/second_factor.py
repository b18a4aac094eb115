"""The second factor: TOTP from an authenticator app, and single-use recovery codes.

Every person with a staff role (anything but Postulante; peers hold no staff role) and
every platform superuser must have a confirmed TOTP device: ``SecondFactorMiddleware``
sends them to enrol before any other page. Enrolling a new device asks again for the
password (the view checks it) and, when one already exists, for a code of the current
device; a lost device is reset by an administrator (``second_factor_reset``), audited.
"""

from __future__ import annotations

import secrets
import uuid
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.models import Device
from django_otp.plugins.otp_totp.models import TOTPDevice

from merito.accounts.models import (
    RECOVERY_ALPHABET,
    RecoveryCode,
    RecoveryCodeDevice,
    User,
    recovery_code_digest,
)
from merito.audit.services import audit_record
from merito.errors import DomainError
from merito.notifications.services import email_enqueue
from merito.organizations.models import Role
from merito.organizations.rules import role_assignments

RECOVERY_CODE_COUNT = 10
_RECOVERY_GROUPS = 4  # four groups of four symbols: 80 bits


def requires_second_factor(user: Any) -> bool:
    """Staff roles and superusers must enrol; applicants and peers need not."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser or user.is_staff:
        return True
    return any(role != Role.APPLICANT for role, _org, _call in role_assignments(user))


def confirmed_totp(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()


def has_second_factor(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def pending_totp(user: User) -> TOTPDevice:
    """The unconfirmed device being enrolled (its QR stays the same until confirmed)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Mérito", confirmed=False)
    return device


def verify_login_code(user: User, code: str) -> Device | None:
    """The device that accepts ``code``: a TOTP code of 6 digits, or a recovery code."""
    code = (code or "").strip()
    if code.isdigit() and len(code) == 6:
        candidates: list[Device] = list(TOTPDevice.objects.filter(user=user, confirmed=True))
    else:
        candidates = list(RecoveryCodeDevice.objects.filter(user=user, confirmed=True))
    with transaction.atomic():
        for device in candidates:
            locked = type(device).objects.select_for_update().get(pk=device.pk)
            if locked.verify_token(code):
                return locked
    return None


def _new_recovery_code() -> str:
    symbols = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(4 * _RECOVERY_GROUPS))
    return "-".join(symbols[i : i + 4] for i in range(0, len(symbols), 4))


def recovery_codes_issue(*, user: User) -> list[str]:
    """Ten new recovery codes, returned once in clear; earlier codes stop working."""
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    with transaction.atomic():
        device, _created = RecoveryCodeDevice.objects.get_or_create(
            user=user, defaults={"name": _("Códigos de recuperación"), "confirmed": True}
        )
        device.codes.all().delete()
        RecoveryCode.objects.bulk_create(
            RecoveryCode(device=device, code_hash=recovery_code_digest(code)) for code in codes
        )
        audit_record(
            action="accounts.user.recovery_codes_issued",
            actor=user,
            obj=user,
            after={"count": len(codes)},
        )
    return codes


def recovery_codes_left(user: User) -> int:
    return RecoveryCode.objects.filter(
        device__user=user, device__confirmed=True, used_at__isnull=True
    ).count()


def second_factor_enrol(*, user: User, device: TOTPDevice, token: str) -> list[str]:
    """Confirm ``device`` with a code it shows; it replaces any earlier TOTP device.

    Returns the new recovery codes. The caller has checked the password (and, when a
    device already existed, a code of that device).
    """
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user)
        if device.confirmed or not device.verify_token(token):
            raise DomainError(_("El código no es válido o ya venció."), field="token")
        replaced = TOTPDevice.objects.filter(user=user).exclude(pk=device.pk)
        had_device = replaced.filter(confirmed=True).exists()
        replaced.delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit_record(
            action="accounts.user.second_factor_replaced"
            if had_device
            else "accounts.user.second_factor_enabled",
            actor=user,
            obj=user,
        )
        return recovery_codes_issue(user=user)


def second_factor_reset(*, user: User, by: Any, reason: str = "") -> None:
    """An administrator resets a lost device: every device and code goes, every session
    and reset link of the person ends, and the person is told by e-mail. At the next
    login they enrol a new device."""
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        removed = TOTPDevice.objects.filter(user=locked, confirmed=True).count()
        TOTPDevice.objects.filter(user=locked).delete()
        RecoveryCodeDevice.objects.filter(user=locked).delete()
        locked.security_stamp = uuid.uuid4()
        locked.password_reset_nonce = uuid.uuid4()
        locked.save(update_fields=["security_stamp", "password_reset_nonce"])
        audit_record(
            action="accounts.user.second_factor_reset",
            actor=by,
            obj=locked,
            before={"devices": removed},
            after={"devices": 0, "reason": reason},
        )
        email_enqueue(
            to=locked.email,
            subject=_("Se restableció el segundo factor de su cuenta de Mérito"),
            template="accounts/email/second_factor_reset",
            context={"user": locked, "by": by, "site": settings.SITE_URL},
            user=locked,
            kind="accounts.second_factor_reset",
        )
    user.security_stamp = locked.security_stamp
