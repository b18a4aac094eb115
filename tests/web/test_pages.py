import json
import logging

import pytest
from django.test import override_settings
from django.urls import path

from merito.urls import urlpatterns as merito_urls
from tests.conftest import sign_in


def boom(request):
    raise RuntimeError("fallo de prueba")


urlpatterns = [path("prueba-500/", boom), *merito_urls]
handler500 = "merito.web.views.server_error"


@pytest.mark.django_db
def test_home_is_in_spanish_by_default(client):
    page = client.get("/")
    assert page.status_code == 200
    body = page.content.decode()
    assert '<html lang="es">' in body
    assert "Crear cuenta" in body
    assert 'href="#contenido"' in body  # skip link for keyboard users


@pytest.mark.django_db
def test_an_english_browser_still_gets_spanish_until_the_person_switches(client):
    page = client.get("/", headers={"accept-language": "en-US,en;q=0.9"})
    assert '<html lang="es">' in page.content.decode()
    assert page["Content-Language"] == "es"


@pytest.mark.django_db
def test_the_language_switcher_turns_the_site_to_english(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)
    body = response.content.decode()
    assert '<html lang="en">' in body
    assert "Create account" in body
    assert "Log in" in body


@pytest.mark.django_db
def test_404_page_is_spanish(client):
    response = client.get("/no-existe/en/ninguna/parte/")
    assert response.status_code == 404
    assert "Página no encontrada" in response.content.decode()


@pytest.mark.django_db
def test_unknown_landing_is_404(client, alice):
    sign_in(client, alice)
    assert client.get("/pagina-inventada/").status_code == 404


@pytest.mark.django_db
def test_400_page_is_spanish(client):
    response = client.get("/", headers={"host": "malicioso.example"})
    assert response.status_code == 400
    assert "Solicitud no válida" in response.content.decode()


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_500_page_is_spanish_and_says_nothing_was_lost(client):
    client.raise_request_exception = False
    response = client.get("/prueba-500/")
    assert response.status_code == 500
    body = response.content.decode()
    assert "Error del servidor" in body
    assert "Su información no se perdió" in body


@pytest.mark.django_db
def test_csrf_failure_is_403_not_a_crash(client, alice):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/cuentas/ingresar/", {"identifier": "x", "password": "y"})
    assert response.status_code == 403


@pytest.mark.django_db
def test_healthz_checks_database_storage_and_broker(client, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path)},
        },
    }
    response = client.get("/healthz")
    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "ok"
    assert set(data["checks"]) == {"database", "storage", "broker"}
    assert list(tmp_path.rglob("*.txt")) == []  # the probe file is removed


@pytest.mark.django_db
def test_healthz_is_503_when_the_broker_is_down(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"].startswith("error")


@pytest.mark.django_db
def test_every_response_carries_a_request_id(client):
    first = client.get("/")
    second = client.get("/", headers={"X-Request-ID": "proxy-req-000123"})
    assert len(first["X-Request-ID"]) == 32
    assert second["X-Request-ID"] == "proxy-req-000123"
    forged = client.get("/", headers={"X-Request-ID": "<script>"})
    assert forged["X-Request-ID"] != "<script>"


def test_logs_are_json_lines_with_the_request_id():
    from merito.audit import context
    from merito.web.middleware import RequestIdLogFilter

    handler = logging.StreamHandler()
    from pythonjsonlogger.json import JsonFormatter

    handler.setFormatter(JsonFormatter("%(levelname)s %(message)s %(request_id)s"))
    handler.addFilter(RequestIdLogFilter())
    record = logging.LogRecord(
        "merito", logging.INFO, __file__, 1, "inscripción recibida", (), None
    )
    token = context.request_id.set("abc123def456")
    try:
        assert handler.filter(record)
        line = handler.format(record)
    finally:
        context.request_id.reset(token)
    data = json.loads(line)
    assert data["request_id"] == "abc123def456"
    assert data["message"] == "inscripción recibida"


@pytest.mark.django_db
def test_security_headers_are_sent(client):
    response = client.get("/")
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_the_applicants_landing_links_to_their_tools(client, alice):
    sign_in(client, alice)
    body = client.get("/portal/").content.decode()
    assert 'href="/portal/hoja-de-vida/"' in body
    assert 'href="/portal/documentos/"' in body
    assert 'href="/convocatorias/"' in body
