"""What the messages about an inscription say: the receipt and the withdrawal, with the
times in the call's legal time zone."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse

from merito.applications.models import Inscription
from merito.calls.models import Call


def local_time(call: Call, at: datetime) -> str:
    return f"{at.astimezone(ZoneInfo(call.time_zone)):%Y-%m-%d %H:%M:%S} ({call.time_zone_label})"


def mail_context(inscription: Inscription) -> dict[str, Any]:
    call = inscription.call
    return {
        "inscription": inscription,
        "number": inscription.registry_number,
        "call": call,
        "submitted": local_time(call, inscription.submitted_at),
        "withdrawn": local_time(call, inscription.withdrawn_at) if inscription.withdrawn_at else "",
        "url": settings.SITE_URL
        + reverse("portal:applications:receipt", args=[inscription.registry_number]),
    }
