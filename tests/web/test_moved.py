"""Addresses of before the audiences had their own roots redirect to where the pages live."""

import pytest
from django.urls import resolve

pytestmark = pytest.mark.django_db

# Each old address, as pages and e-mails wrote it, and where it lives now.
MOVED = [
    ("/hoja-de-vida/formacion/", "/portal/hoja-de-vida/formacion/"),
    ("/documentos/7/recibo/", "/portal/documentos/7/recibo/"),
    ("/inscripciones/CNSC-2026-01-0000001/", "/portal/inscripciones/CNSC-2026-01-0000001/"),
    ("/convocatorias/CNSC-2026-01/mi-puntaje/", "/portal/convocatorias/CNSC-2026-01/mi-puntaje/"),
    ("/pares/", "/portal/pares/"),
    ("/pares/casos/ACT-2026-000001/", "/portal/pares/casos/ACT-2026-000001/"),
    ("/pares/verificacion/ACT-2026-000001/", "/gestion/verificacion/ACT-2026-000001/"),
    ("/banco-de-pares/gestion/", "/gestion/banco-de-pares/"),
    ("/banco-de-pares/gestion/personas/3/", "/gestion/banco-de-pares/personas/3/"),
    ("/banco-de-pares/importar/", "/gestion/banco-de-pares/importar/"),
    ("/banco-de-pares/solicitudes/correo/4/", "/gestion/banco-de-pares/solicitudes/correo/4/"),
    ("/gerencia/", "/gestion/gerencia/"),
    ("/verificacion/", "/gestion/verificacion-de-pares/"),
]


@pytest.mark.parametrize(("old", "new"), MOVED)
def test_an_old_address_redirects_permanently_to_a_page_that_exists(client, old, new):
    response = client.get(old)
    assert response.status_code == 301
    assert response["Location"] == new
    # The new address is a page of the site, not another redirect.
    assert not resolve(new).view_name.startswith("moved:")


def test_the_query_string_goes_along(client):
    response = client.get("/inscripciones/", {"pagina": "2", "q": "ana"})
    assert response["Location"] == "/portal/inscripciones/?pagina=2&q=ana"


def test_a_post_to_an_old_address_keeps_its_method_and_body(client):
    """308, so a form left open in a browser across the move is not lost."""
    response = client.post("/hoja-de-vida/datos-personales/", {"given_names": "Ana"})
    assert response.status_code == 308
    assert response["Location"] == "/portal/hoja-de-vida/datos-personales/"


def test_a_public_page_did_not_move(client):
    assert client.get("/convocatorias/").status_code == 200
    assert client.get("/banco-de-pares/consulta/").status_code == 200


def test_an_unknown_single_segment_is_still_404(client):
    assert client.get("/no-existe/").status_code == 404
