"""Every URL pattern of the project, the arguments that name a real object in the matrix's
world, and how a request is made and its answer read."""

from __future__ import annotations

import re
from dataclasses import dataclass
from http.cookies import SimpleCookie
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from merito.accounts.models import User
from tests.conftest import sign_in


@dataclass(frozen=True)
class Ref:
    """An argument taken from the world: ``Ref("folder")`` is the demo folder's id."""

    key: str


# Arguments of each named pattern outside the admin site. A pattern missing here fails
# ``test_every_url_pattern_is_in_the_matrix``.
ROUTES: dict[str, dict[str, Any]] = {
    "healthz": {},
    "set_language": {},
    "accounts:signup": {},
    "accounts:signup_done": {},
    "accounts:verify_email": {"token": "no-es-un-token"},
    "accounts:resend_verification": {},
    "accounts:login": {},
    "accounts:login_otp": {},
    "accounts:logout": {},
    "accounts:password_reset": {},
    "accounts:password_reset_done": {},
    "accounts:password_reset_confirm": {"uidb64": "MQ", "token": "no-es-un-token"},
    "accounts:password_reset_complete": {},
    "accounts:password_change": {},
    "accounts:password_change_done": {},
    "accounts:security": {},
    "accounts:recovery_codes": {},
    "accounts:email_change": {},
    "accounts:email_confirm": {"token": "no-es-un-token"},
    "documents:list": {},
    "documents:upload": {},
    "documents:receipt": {"pk": Ref("own_document")},
    "documents:download": {"pk": Ref("own_document")},
    "profiles:overview": {},
    "profiles:personal": {},
    "profiles:documents": {},
    "profiles:institution_search": {},
    "profiles:section": {"slug": "experiencia"},
    "profiles:entry_add": {"slug": "experiencia"},
    "profiles:entry_edit": {"slug": "experiencia", "pk": Ref("own_experience")},
    "profiles:entry_delete": {"slug": "experiencia", "pk": Ref("own_experience")},
    "calls:list": {},
    "calls:detail": {"code": Ref("call_code")},
    "calls:score_preview": {"code": Ref("call_code")},
    "calls:positions_csv": {"code": Ref("call_code")},
    "calls:document": {"code": Ref("call_code"), "pk": Ref("call_document")},
    "cases:dashboard": {},
    "cases:notices": {},
    "cases:open": {},
    "cases:detail": {"number": Ref("case_number")},
    "cases:submit": {"number": Ref("case_number")},
    "cases:queue": {},
    "cases:verify": {"number": Ref("case_number")},
    "cases:verify_document": {"number": Ref("case_number"), "pk": Ref("case_document")},
    "applications:list": {},
    "applications:apply": {"code": Ref("call_code")},
    "applications:receipt": {"number": Ref("inscription_number")},
    "applications:withdraw": {"number": Ref("inscription_number")},
    "peers:lookup": {},
    "peers:email_change": {},
    "peers:recognition": {},
    "peers:activate": {"uidb64": "MQ", "token": "no-es-un-token"},
    "peers:import": {},
    "peers:import_detail": {"pk": Ref("peer_import")},
    "peers:search": {},
    "peers:report": {},
    "peers:person": {"pk": Ref("peer_person")},
    "peers:requests": {},
    "peers:recognition_review": {"pk": Ref("recognition")},
    "peers:recognition_proof": {"pk": Ref("recognition")},
    "peers:email_change_review": {"pk": Ref("email_change")},
    "peers:email_change_document": {"pk": Ref("email_change")},
    "evaluation:home": {},
    "evaluation:process_list": {},
    "evaluation:process_create": {},
    "evaluation:process_detail": {"pk": Ref("process")},
    "evaluation:process_edit": {"pk": Ref("process")},
    "evaluation:process_state": {"pk": Ref("process")},
    "evaluation:process_document": {"pk": Ref("process"), "document_pk": Ref("process_document")},
    "evaluation:job_list": {"pk": Ref("process")},
    "evaluation:job_create": {"pk": Ref("process")},
    "evaluation:job_detail": {"pk": Ref("process"), "job_pk": Ref("job")},
    "evaluation:job_edit": {"pk": Ref("process"), "job_pk": Ref("job")},
    "evaluation:test_create": {"pk": Ref("process")},
    "evaluation:test_detail": {"pk": Ref("process"), "test_pk": Ref("test")},
    "evaluation:test_edit": {"pk": Ref("process"), "test_pk": Ref("test")},
    "evaluation:test_state": {"pk": Ref("process"), "test_pk": Ref("test")},
    "evaluation:test_positions": {"pk": Ref("process"), "test_pk": Ref("test")},
    "evaluation:test_users": {"pk": Ref("process"), "test_pk": Ref("test"), "role": "analista"},
    "evaluation:process_test_stage": {"pk": Ref("process")},
    "evaluation:distribution_manual": {"pk": Ref("process"), "test_pk": Ref("test")},
    "evaluation:distribution_automatic": {"pk": Ref("process"), "test_pk": Ref("test")},
    "evaluation:distribution_sync": {"pk": Ref("process"), "test_pk": Ref("test")},
    "evaluation:test_folder": {
        "pk": Ref("process"),
        "test_pk": Ref("test"),
        "folder_pk": Ref("folder"),
    },
    "evaluation:test_results": {"pk": Ref("process"), "test_pk": Ref("test")},
    "evaluation:test_scores_load": {"pk": Ref("process"), "test_pk": Ref("test")},
    "evaluation:inscription_list": {},
    "evaluation:report_list": {},
    "evaluation:report_download": {"job_pk": Ref("report_job")},
    "evaluation:report_view": {"key": "inscritos"},
    "evaluation:my_folders": {},
    "evaluation:my_folder": {"folder_pk": Ref("folder")},
    "evaluation:folio_review": {"folder_pk": Ref("folder"), "folio_pk": Ref("folio")},
    "evaluation:folio_document": {"folder_pk": Ref("folder"), "folio_pk": Ref("folio")},
    "evaluation:conflicts": {},
    "evaluation:operator_list": {},
    "evaluation:operator_detail": {"pk": Ref("operator")},
    "evaluation:user_create": {"pk": Ref("operator")},
    "evaluation:user_edit": {"pk": Ref("operator"), "user_pk": Ref("operator_user")},
    "evaluation:user_second_factor_reset": {
        "pk": Ref("operator"),
        "user_pk": Ref("operator_user"),
    },
    "evaluation:user_set_active": {"pk": Ref("operator"), "user_pk": Ref("operator_user")},
    "web:home": {},
    "web:audit_heads": {},
    "web:audit_checkpoint": {},
    "web:landing": {"slug": "operador"},
}


def named_patterns() -> dict[str, str]:
    """Every named URL pattern outside the admin site: name → route."""
    found: dict[str, str] = {}

    def walk(patterns: list[Any], prefix: str, namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.app_name == "admin":
                    continue
                inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
                walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern):
                found[namespace + (pattern.name or f"<sin nombre {pattern.pattern}>")] = (
                    prefix + str(pattern.pattern)
                )

    walk(get_resolver().url_patterns, "", "")
    return found


def admin_routes() -> list[str]:
    """The route of every pattern of the admin site, the models' pages included."""
    found: list[str] = []

    def walk(patterns: list[Any], prefix: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, prefix + str(pattern.pattern))
            else:
                found.append(prefix + str(pattern.pattern))

    walk(admin.site.get_urls(), "admin/")
    return found


OBJECT_ID = re.compile(r"<(?:path:object_id|id|int:pk)>")
CONTENT_TYPE = re.compile(r"<path:content_type_id>")


def admin_path(route: str) -> str:
    """A concrete path for an admin route: a model's page names the model's first row; the
    app index and the catch-all get an app label and an unknown address."""
    if route.startswith("admin/^(?P<app_label>"):
        return "/admin/accounts/"
    if route == "admin/(?P<url>.*)$":
        return "/admin/no-existe/"
    path = "/" + route
    if CONTENT_TYPE.search(path):
        user = User.objects.order_by("pk").first()
        path = CONTENT_TYPE.sub(str(ContentType.objects.get_for_model(User).pk), path)
        return OBJECT_ID.sub(str(user.pk), path)
    if OBJECT_ID.search(path):
        app_label, model_name = route.split("/")[1:3]
        model = apps.get_model(app_label, model_name)
        first = model._default_manager.order_by("pk").values_list("pk", flat=True).first()
        path = OBJECT_ID.sub(str(first if first is not None else 0), path)
    return path


def path_of(name: str, world: Any, **overrides: Any) -> str:
    """The path of ``name`` with its world's arguments, some replaced by ``overrides``."""
    kwargs = {
        key: world[value.key] if isinstance(value, Ref) else value
        for key, value in ROUTES[name].items()
    }
    return reverse(name, kwargs={**kwargs, **overrides})


LOGIN = re.compile(r"^/(cuentas/ingresar|admin/login)/")


def answer(response: Any) -> str:
    """How a visitor sees the response: 200, 403, 404…, ``in`` for a redirect to sign in,
    ``re`` for any other redirect."""
    if response.status_code in (301, 302):
        location = response["Location"]
        if LOGIN.match(location):
            return "in"
        return "re"
    return str(response.status_code)


def signed_cookies(persona: str, world: Any) -> dict[str, str]:
    """The session cookie of ``persona``, signed in once as the real login leaves it."""
    if persona == "anonimo":
        return {}
    client = Client()
    sign_in(client, world.people[persona])
    return {name: morsel.value for name, morsel in client.cookies.items()}


_CLIENT: list[Client] = []


def client_for(cookies: dict[str, str]) -> Client:
    """A browser with only those cookies that sends a valid CSRF token with every POST.

    One client serves every request: building a client builds the middleware chain, which
    costs more than most requests (WhiteNoise indexes the static files)."""
    if not _CLIENT:
        _CLIENT.append(Client(enforce_csrf_checks=True))
    client = _CLIENT[0]
    client.cookies = SimpleCookie()
    for name, value in cookies.items():
        client.cookies[name] = value
    secret = _get_new_csrf_string()
    client.cookies[settings.CSRF_COOKIE_NAME] = secret
    client.defaults["HTTP_X_CSRFTOKEN"] = secret
    return client
