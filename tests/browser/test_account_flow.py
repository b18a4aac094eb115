"""A person signs up, verifies the e-mail, logs in and out — in Spanish, in Chromium."""

import re

import pytest
from django.core import mail

from merito.accounts.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_sign_up_verify_log_in_and_out_in_spanish(page, live_server, settings):
    settings.SITE_URL = live_server.url
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "es"
    page.get_by_role("link", name="Crear cuenta").first.click()

    page.get_by_label("País que expide el documento").select_option("CO")
    page.get_by_label("Tipo de documento").select_option("CC")
    page.get_by_label("Número de documento").fill("1020304050")
    page.get_by_label("Nombres").fill("Ana María")
    page.get_by_label("Primer apellido").fill("Rojas")
    page.get_by_label("Sexo").select_option("F")
    page.get_by_label("Correo electrónico").fill("ana.rojas@example.org")
    page.get_by_label("Teléfono").fill("3001234567")
    page.get_by_label(re.compile(r"^Contraseña")).fill("corta")
    page.get_by_label("Confirmar contraseña").fill("corta")
    page.get_by_role("button", name="Crear cuenta").click()
    # A bad password names the rule, and nothing typed is lost.
    assert page.get_by_text("mínimo 8 y máximo 20 caracteres").is_visible()
    assert page.get_by_label("Número de documento").input_value() == "1020304050"
    assert not User.objects.exists()

    page.get_by_label(re.compile(r"^Contraseña")).fill("Merito.2026x")
    page.get_by_label("Confirmar contraseña").fill("Merito.2026x")
    page.get_by_role("button", name="Crear cuenta").click()
    page.get_by_role("heading", name="Revise su correo").wait_for()
    assert "ana.rojas@example.org" in page.content()

    # Logging in before verifying is refused with a way forward.
    page.goto(live_server.url + "/cuentas/ingresar/")
    page.get_by_label("Documento, correo o usuario").fill("1020304050")
    page.get_by_label("Contraseña").fill("Merito.2026x")
    page.get_by_role("button", name="Ingresar").click()
    assert page.get_by_text("Debe verificar su correo electrónico").is_visible()

    [message] = mail.outbox
    link = re.search(r"http://\S+", message.body).group(0)
    page.goto(link)
    page.get_by_role("heading", name="Correo verificado").wait_for()
    page.get_by_role("link", name="Ingresar").last.click()

    page.get_by_label("Documento, correo o usuario").fill("CC 1020304050")
    page.get_by_label("Contraseña").fill("Merito.2026x")
    page.get_by_role("button", name="Ingresar").click()
    page.get_by_role("heading", name="Mi portal").wait_for()
    assert page.get_by_text("Ana María Rojas").is_visible()
    assert page.get_by_role("cell", name="Postulante").is_visible()

    page.get_by_role("button", name="Cerrar sesión").click()
    page.get_by_text("Cerró su sesión").wait_for()
    assert page.get_by_role("link", name="Ingresar").first.is_visible()


def test_three_wrong_passwords_show_the_spanish_lockout_page(page, live_server):
    from tests.conftest import make_user

    make_user(email="bloqueo@example.org", username="usuario.bloqueo")
    page.goto(live_server.url + "/cuentas/ingresar/")
    for _ in range(3):
        page.get_by_label("Documento, correo o usuario").fill("usuario.bloqueo")
        page.get_by_label("Contraseña").fill("Equivocada.1")
        page.get_by_role("button", name="Ingresar").click()
    page.get_by_role("heading", name="Cuenta bloqueada temporalmente").wait_for()
    assert page.get_by_role("link", name="Restablecer contraseña").is_visible()


def test_keyboard_user_can_skip_to_content_and_switch_language(page, live_server):
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Saltar al contenido")
    assert skip.evaluate("el => el === document.activeElement")
    page.get_by_label("Idioma").select_option("en")
    page.get_by_role("button", name="Cambiar idioma").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"


def test_home_page_fits_a_phone_screen(browser, live_server):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="es-CO")
    phone = context.new_page()
    phone.goto(live_server.url + "/")
    overflow = phone.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    context.close()
    assert overflow <= 0
