"""Single-use, expiring links: password reset (only the newest works) and e-mail check."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import signing

from merito.accounts.models import User


class LatestLinkTokenGenerator(PasswordResetTokenGenerator):
    """Django's reset token plus the user's reset nonce.

    Each new request rotates the nonce, so every earlier link stops working (seed 000:
    several requests produced several passwords). Using the link changes the password
    hash, so a link also works only once; ``PASSWORD_RESET_TIMEOUT`` makes it expire.
    Django's part holds the e-mail and ours the security stamp: an e-mail change or a
    second factor reset ends every pending link.
    """

    key_salt = "merito.accounts.tokens.LatestLinkTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        base = super()._make_hash_value(user, timestamp)
        return f"{base}{user.password_reset_nonce}{user.security_stamp}"


password_reset_token = LatestLinkTokenGenerator()

_EMAIL_SALT = "merito.accounts.email-verification"


def make_email_token(user: User) -> str:
    return signing.TimestampSigner(salt=_EMAIL_SALT).sign_object({"u": user.pk, "e": user.email})


def read_email_token(token: str) -> tuple[int, str]:
    """Return (user id, e-mail) or raise ``signing.BadSignature``/``SignatureExpired``."""
    data = signing.TimestampSigner(salt=_EMAIL_SALT).unsign_object(
        token, max_age=settings.EMAIL_VERIFICATION_TIMEOUT
    )
    return int(data["u"]), str(data["e"])


_EMAIL_CHANGE_SALT = "merito.accounts.email-change"


def make_email_change_token(user: User) -> str:
    """A link for the pending address; it dies when the stamp or the pending address change."""
    return signing.TimestampSigner(salt=_EMAIL_CHANGE_SALT).sign_object(
        {"u": user.pk, "e": user.pending_email, "s": str(user.security_stamp)}
    )


def read_email_change_token(token: str) -> tuple[int, str, str]:
    """(user id, new e-mail, stamp), or ``signing.BadSignature``/``SignatureExpired``."""
    data = signing.TimestampSigner(salt=_EMAIL_CHANGE_SALT).unsign_object(
        token, max_age=settings.EMAIL_VERIFICATION_TIMEOUT
    )
    return int(data["u"]), str(data["e"]), str(data["s"])
