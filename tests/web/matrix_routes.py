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
    "public:accounts:signup": {},
    "public:accounts:signup_done": {},
    "public:accounts:verify_email": {"token": "no-es-un-token"},
    "public:accounts:resend_verification": {},
    "public:accounts:login": {},
    "public:accounts:login_otp": {},
    "public:accounts:logout": {},
    "public:accounts:password_reset": {},
    "public:accounts:password_reset_done": {},
    "public:accounts:password_reset_confirm": {"uidb64": "MQ", "token": "no-es-un-token"},
    "public:accounts:password_reset_complete": {},
    "public:accounts:password_change": {},
    "public:accounts:password_change_done": {},
    "public:accounts:security": {},
    "public:accounts:recovery_codes": {},
    "public:accounts:email_change": {},
    "public:accounts:email_confirm": {"token": "no-es-un-token"},
    "portal:documents:list": {},
    "portal:documents:upload": {},
    "portal:documents:receipt": {"pk": Ref("own_document")},
    "portal:documents:download": {"pk": Ref("own_document")},
    "portal:profiles:overview": {},
    "portal:profiles:personal": {},
    "portal:profiles:documents": {},
    "portal:profiles:institution_search": {},
    "portal:profiles:section": {"slug": "experiencia"},
    "portal:profiles:entry_add": {"slug": "experiencia"},
    "portal:profiles:entry_edit": {"slug": "experiencia", "pk": Ref("own_experience")},
    "portal:profiles:entry_delete": {"slug": "experiencia", "pk": Ref("own_experience")},
    "public:calls:list": {},
    "public:calls:detail": {"code": Ref("call_code")},
    "portal:calls:score_preview": {"code": Ref("call_code")},
    "public:calls:positions_csv": {"code": Ref("call_code")},
    "public:calls:document": {"code": Ref("call_code"), "pk": Ref("call_document")},
    "portal:cases:dashboard": {},
    "portal:cases:notices": {},
    "portal:cases:open": {},
    "portal:cases:detail": {"number": Ref("case_number")},
    "portal:cases:submit": {"number": Ref("case_number")},
    "backoffice:cases:queue": {},
    "backoffice:cases:verify": {"number": Ref("case_number")},
    "backoffice:cases:verify_document": {"number": Ref("case_number"), "pk": Ref("case_document")},
    "portal:applications:list": {},
    "portal:applications:apply": {"code": Ref("call_code")},
    "portal:applications:receipt": {"number": Ref("inscription_number")},
    "portal:applications:withdraw": {"number": Ref("inscription_number")},
    "public:peers:lookup": {},
    "public:peers:email_change": {},
    "public:peers:recognition": {},
    "public:peers:activate": {"uidb64": "MQ", "token": "no-es-un-token"},
    "backoffice:peers:import": {},
    "backoffice:peers:import_detail": {"pk": Ref("peer_import")},
    "backoffice:peers:search": {},
    "backoffice:peers:report": {},
    "backoffice:peers:person": {"pk": Ref("peer_person")},
    "backoffice:peers:requests": {},
    "backoffice:peers:recognition_review": {"pk": Ref("recognition")},
    "backoffice:peers:recognition_proof": {"pk": Ref("recognition")},
    "backoffice:peers:email_change_review": {"pk": Ref("email_change")},
    "backoffice:peers:email_change_document": {"pk": Ref("email_change")},
    "backoffice:evaluation:home": {},
    "backoffice:evaluation:process_list": {},
    "backoffice:evaluation:process_create": {},
    "backoffice:evaluation:process_detail": {"pk": Ref("process")},
    "backoffice:evaluation:process_edit": {"pk": Ref("process")},
    "backoffice:evaluation:process_state": {"pk": Ref("process")},
    "backoffice:evaluation:process_document": {
        "pk": Ref("process"),
        "document_pk": Ref("process_document"),
    },
    "backoffice:evaluation:job_list": {"pk": Ref("process")},
    "backoffice:evaluation:job_create": {"pk": Ref("process")},
    "backoffice:evaluation:job_detail": {"pk": Ref("process"), "job_pk": Ref("job")},
    "backoffice:evaluation:job_edit": {"pk": Ref("process"), "job_pk": Ref("job")},
    "backoffice:evaluation:test_create": {"pk": Ref("process")},
    "backoffice:evaluation:test_detail": {"pk": Ref("process"), "test_pk": Ref("test")},
    "backoffice:evaluation:test_edit": {"pk": Ref("process"), "test_pk": Ref("test")},
    "backoffice:evaluation:test_state": {"pk": Ref("process"), "test_pk": Ref("test")},
    "backoffice:evaluation:test_positions": {"pk": Ref("process"), "test_pk": Ref("test")},
    "backoffice:evaluation:test_users": {
        "pk": Ref("process"),
        "test_pk": Ref("test"),
        "role": "analista",
    },
    "backoffice:evaluation:process_test_stage": {"pk": Ref("process")},
    "backoffice:evaluation:distribution_manual": {"pk": Ref("process"), "test_pk": Ref("test")},
    "backoffice:evaluation:distribution_automatic": {"pk": Ref("process"), "test_pk": Ref("test")},
    "backoffice:evaluation:distribution_sync": {"pk": Ref("process"), "test_pk": Ref("test")},
    "backoffice:evaluation:test_folder": {
        "pk": Ref("process"),
        "test_pk": Ref("test"),
        "folder_pk": Ref("folder"),
    },
    "backoffice:evaluation:test_results": {"pk": Ref("process"), "test_pk": Ref("test")},
    "backoffice:evaluation:test_scores_load": {"pk": Ref("process"), "test_pk": Ref("test")},
    "backoffice:evaluation:inscription_list": {},
    "backoffice:evaluation:report_list": {},
    "backoffice:evaluation:report_download": {"job_pk": Ref("report_job")},
    "backoffice:evaluation:report_view": {"key": "inscritos"},
    "backoffice:evaluation:my_folders": {},
    "backoffice:evaluation:my_folder": {"folder_pk": Ref("folder")},
    "backoffice:evaluation:folio_review": {"folder_pk": Ref("folder"), "folio_pk": Ref("folio")},
    "backoffice:evaluation:folio_document": {"folder_pk": Ref("folder"), "folio_pk": Ref("folio")},
    "backoffice:evaluation:conflicts": {},
    "backoffice:evaluation:operator_list": {},
    "backoffice:evaluation:operator_detail": {"pk": Ref("operator")},
    "backoffice:evaluation:user_create": {"pk": Ref("operator")},
    "backoffice:evaluation:user_edit": {"pk": Ref("operator"), "user_pk": Ref("operator_user")},
    "backoffice:evaluation:user_second_factor_reset": {
        "pk": Ref("operator"),
        "user_pk": Ref("operator_user"),
    },
    "backoffice:evaluation:user_set_active": {
        "pk": Ref("operator"),
        "user_pk": Ref("operator_user"),
    },
    "public:home": {},
    "public:audit_heads": {},
    "public:audit_checkpoint": {},
    "backoffice:job_progress": {"kind": "reporte", "job_pk": Ref("report_job")},
    "backoffice:landing": {"slug": "operador"},
    "portal:home": {},
    # Addresses of before the audiences had their roots: each redirects, whoever asks.
    "moved:profiles": {"rest": "formacion/"},
    "moved:documents": {"rest": ""},
    "moved:applications": {"rest": ""},
    "moved:score_preview": {"rest": "CNSC-2025/mi-puntaje/"},
    "moved:cases_queue": {"rest": ""},
    "moved:cases": {"rest": "avisos/"},
    "moved:peers_search": {"rest": ""},
    "moved:peers_backoffice": {"rest": "solicitudes/"},
    "moved:landing": {"slug": "gerencia"},
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
    if response.status_code in (301, 302, 307, 308):
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
