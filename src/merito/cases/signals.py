"""Work on the hoja de vida restarts the inactivity clock of the person's open case."""

from __future__ import annotations

from typing import Any

from django.db.models import Model
from django.db.models.signals import post_delete, post_save

from merito.cases.services import touch_activity
from merito.profiles.models import Profile
from merito.profiles.selectors import ENTRY_MODELS


def _entry_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    profile = instance if isinstance(instance, Profile) else getattr(instance, "profile", None)
    if profile is not None and profile.user_id:
        touch_activity(user=profile.user)


_models: list[type[Model]] = [Profile, *ENTRY_MODELS.values()]
for _model in _models:
    post_save.connect(_entry_changed, sender=_model, dispatch_uid=f"cases.touch.{_model.__name__}")
    post_delete.connect(
        _entry_changed, sender=_model, dispatch_uid=f"cases.touch.del.{_model.__name__}"
    )
