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
    """

    key_salt = "merito.accounts.tokens.LatestLinkTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        return f"{super()._make_hash_value(user, timestamp)}{user.password_reset_nonce}"


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
