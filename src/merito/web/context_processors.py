from merito.web.roles import LANDINGS


def navigation(request):
    """The landing pages this person may open, for the menu."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_landings": []}
    return {"nav_landings": [landing for landing in LANDINGS if user.has_perm(landing.permission)]}
