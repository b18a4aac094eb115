"""Operator users (seed 004 §4.2) and their links to tests (seed 004 §3.2.2–3.2.5)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from merito.accounts.models import User
from merito.audit.models import AuditEvent
from merito.audit.services import object_history
from merito.calls import models as calls_models
from merito.calls import services
from merito.errors import DomainError
from merito.evaluation import distribution
from merito.organizations.models import Role, RoleAssignment
from tests.conftest import sign_in
from tests.evaluation.conftest import person

pytestmark = pytest.mark.django_db

NEW_USER = {
    "username": "maria.perez_01",
    "given_names": "María",
    "first_surname": "Pérez",
    "second_surname": "",
    "document_type": "CC",
    "document_number": "52123456",
    "email": "maria@example.org",
    "phone": "3001234567",
    "roles": ["analyst", "claims_analyst"],
}


def create(client, unal, **overrides):
    return client.post(
        reverse("backoffice:evaluation:user_create", args=[unal.pk]), {**NEW_USER, **overrides}
    )


def test_the_administrator_creates_an_active_user_with_two_roles(client, luz, unal):
    sign_in(client, luz)
    response = create(client, unal, is_active="")
    assert response.status_code == 302
    user = User.objects.get(username="maria.perez_01")
    assert user.is_active
    roles = set(
        RoleAssignment.objects.filter(user=user, organization=unal).values_list("role", flat=True)
    )
    assert roles == {Role.ANALYST, Role.CLAIMS_ANALYST}


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("username", "maria perez", "no puede tener espacios en blanco"),
        ("username", "maria", "mínimo 6 y máximo 30 caracteres"),
        ("username", "m" * 31, "mínimo 6 y máximo 30 caracteres"),
        ("username", "maria-perez", "solo puede contener letras, números, punto"),
        ("document_number", "0123456", "no puede iniciar con cero"),
        ("document_number", "12345", "mínimo 6 y máximo 10"),
        ("document_number", "12345678901", "mínimo 6 y máximo 10"),
        ("document_number", "12a4567", "debe ser numérico"),
        ("phone", "300-123-4567", "sin caracteres especiales"),
        ("phone", "123456", "mínimo 7 y máximo 20"),
        ("phone", "1" * 21, "mínimo 7 y máximo 20"),
        ("email", "maria@", "correo"),
        ("document_type", "CE", "opción válida"),
    ],
)
def test_bad_input_is_refused_naming_the_rule(client, luz, unal, field, value, message):
    sign_in(client, luz)
    response = create(client, unal, **{field: value})
    assert response.status_code == 400
    text = response.content.decode()
    if field != "email":
        assert message in text
    assert not User.objects.filter(email="maria@example.org").exists()


def test_only_analyst_and_claims_analyst_combine(client, luz, unal):
    sign_in(client, luz)
    response = create(client, unal, roles=["supervisor", "auditor"])
    assert response.status_code == 400
    assert "la única combinación permitida es Analista con Analista de reclamación" in (
        response.content.decode()
    )
    assert not User.objects.filter(username="maria.perez_01").exists()


def test_a_taken_username_is_refused(client, luz, unal, ana):
    sign_in(client, luz)
    response = create(client, unal, username="ana.analista")
    assert response.status_code == 400
    assert "Ya existe un usuario con ese nombre de usuario" in response.content.decode()


def test_username_and_number_stay_fixed_on_edit(client, luz, unal, ana):
    sign_in(client, luz)
    response = client.post(
        reverse("backoffice:evaluation:user_edit", args=[unal.pk, ana.pk]),
        {
            **NEW_USER,
            "username": "otro.nombre",
            "document_number": "99999999",
            "document_type": "TI",
            "roles": ["auditor"],
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    ana.refresh_from_db()
    assert ana.username == "ana.analista"
    assert ana.document_number != "99999999"
    assert ana.document_type == "TI"
    assert ana.given_names == "María"
    roles = set(
        RoleAssignment.objects.filter(user=ana, organization=unal).values_list("role", flat=True)
    )
    assert roles == {Role.AUDITOR}


def test_the_model_refuses_a_changed_username_too(unal, ana, luz):
    ana.username = "cambiado.01"
    with pytest.raises(Exception, match="El usuario no se puede modificar"):
        ana.full_clean(exclude=["password"])


def test_deactivate_and_activate(client, luz, unal, ana):
    sign_in(client, luz)
    url = reverse("backoffice:evaluation:user_set_active", args=[unal.pk, ana.pk])
    client.post(url, {"habilitado": "0"})
    ana.refresh_from_db()
    assert not ana.is_active
    client.post(url, {"habilitado": "1"})
    ana.refresh_from_db()
    assert ana.is_active


def test_search_by_name_username_state_and_role(client, luz, unal, ana):
    person(Role.SUPERVISOR, unal, "jorge.super", given_names="Jorge", first_surname="Ramírez")
    sign_in(client, luz)
    url = reverse("backoffice:evaluation:operator_detail", args=[unal.pk])

    def usernames(query):
        return [u.username for u, _roles, _editable in client.get(url + query).context["rows"]]

    assert usernames("?nombre=jorge") == ["jorge.super"]
    assert usernames("?usuario=ana") == ["ana.analista"]
    assert usernames("?rol=supervisor") == ["jorge.super"]
    assert usernames("?rol=operator_admin") == ["luz.admin"]
    assert usernames("?estado=inactivo") == []
    assert usernames("?orden=-usuario") == ["luz.admin", "jorge.super", "ana.analista"]
    csv = client.get(url + "?formato=csv&rol=analyst").content.decode()
    assert "ana.analista" in csv and "Analista" in csv and "jorge.super" not in csv


def test_another_operators_user_answers_404(client, pedro, andes, unal, ana):
    sign_in(client, pedro)
    assert (
        client.get(reverse("backoffice:evaluation:user_edit", args=[andes.pk, ana.pk])).status_code
        == 404
    )
    assert (
        client.get(reverse("backoffice:evaluation:user_create", args=[unal.pk])).status_code == 404
    )


def test_an_analyst_cannot_manage_users(client, ana, unal):
    sign_in(client, ana)
    assert (
        client.get(reverse("backoffice:evaluation:user_create", args=[unal.pk])).status_code == 403
    )


# --- links to a test ---------------------------------------------------------------------


def users_url(process, test, role="analista"):
    return reverse("backoffice:evaluation:test_users", args=[process.pk, test.pk, role])


def test_link_an_active_analyst(client, luz, process, vrm, ana):
    sign_in(client, luz)
    client.post(users_url(process, vrm), {"accion": "asociar", "usuario": ana.pk})
    assert calls_models.TestUser.objects.filter(test=vrm, user=ana, role=Role.ANALYST).exists()
    page = client.get(users_url(process, vrm)).content.decode()
    assert "ana.analista" in page


def test_an_inactive_user_or_wrong_role_cannot_be_linked(vrm, ana, luz):
    with pytest.raises(DomainError, match="no tiene el rol Supervisor"):
        services.test_user_link(test=vrm, user=ana, role=Role.SUPERVISOR, by=luz)
    ana.is_active = False
    ana.save()
    with pytest.raises(DomainError, match="está inactivo"):
        services.test_user_link(test=vrm, user=ana, role=Role.ANALYST, by=luz)
    assert not calls_models.TestUser.objects.exists()


def test_a_user_of_another_operator_cannot_be_linked(vrm, andes, luz):
    outsider = person(Role.ANALYST, andes, "otro.analista")
    with pytest.raises(DomainError, match="no tiene el rol Analista en el operador"):
        services.test_user_link(test=vrm, user=outsider, role=Role.ANALYST, by=luz)


def many_analysts(unal, vrm, luz, count):
    links = []
    for n in range(count):
        user = person(Role.ANALYST, unal, f"analista{n:02d}")
        links.append(services.test_user_link(test=vrm, user=user, role=Role.ANALYST, by=luz))
    return links


def test_unlink_one_by_its_row_button(client, luz, process, vrm, unal):
    links = many_analysts(unal, vrm, luz, 3)
    sign_in(client, luz)
    client.post(users_url(process, vrm), {"desasociar_uno": links[1].pk})
    assert set(calls_models.TestUser.objects.values_list("pk", flat=True)) == {
        links[0].pk,
        links[2].pk,
    }


def test_unlink_a_selection_carried_across_pages(client, luz, process, vrm, unal):
    links = many_analysts(unal, vrm, luz, 13)
    sign_in(client, luz)
    url = users_url(process, vrm)
    first_page = [link.pk for link in links[:10]]
    # Mark the whole first page, then move to page 2.
    response = client.post(url, {"en_pagina": first_page, "seleccion": first_page, "ir_a": "2"})
    assert response["Location"].endswith("?pagina=2")
    page2 = client.get(url + "?pagina=2")
    assert page2.context["selected_count"] == 10
    second_page = [link.pk for link in links[10:]]
    client.post(
        url, {"en_pagina": second_page, "seleccion": [links[12].pk], "accion": "desasociar"}
    )
    assert list(calls_models.TestUser.objects.values_list("pk", flat=True)) == [
        links[10].pk,
        links[11].pk,
    ]


def test_unmarking_on_a_page_removes_it_from_the_selection(client, luz, process, vrm, unal):
    links = many_analysts(unal, vrm, luz, 2)
    sign_in(client, luz)
    url = users_url(process, vrm)
    ids = [link.pk for link in links]
    client.post(url, {"en_pagina": ids, "seleccion": ids, "ir_a": "1"})
    client.post(url, {"en_pagina": ids, "seleccion": [ids[0]], "accion": "desasociar"})
    assert list(calls_models.TestUser.objects.values_list("pk", flat=True)) == [ids[1]]


def test_a_user_with_pending_folders_is_not_unlinked(client, luz, process, vrm, unal, monkeypatch):
    links = many_analysts(unal, vrm, luz, 2)
    # The work evaluation registers for a test, as if analista01 held one folder of it.
    monkeypatch.setattr(
        services, "_pending_work", [lambda user, test: 1 if user.username == "analista01" else 0]
    )
    sign_in(client, luz)
    url = users_url(process, vrm)
    ids = [link.pk for link in links]
    response = client.post(
        url, {"en_pagina": ids, "seleccion": ids, "accion": "desasociar"}, follow=True
    )
    assert (
        "El usuario analista01 tiene tareas pendientes, reasigne las tareas, para poder "
        "desasociarlo" in response.content.decode()
    )
    assert calls_models.TestUser.objects.count() == 2


def test_pending_folders_is_zero_until_folders_exist(vrm, ana):
    assert distribution.pending_folders(ana, vrm) == 0


def test_process_management_sees_links_but_cannot_change_them(
    client, carlos, luz, process, vrm, ana
):
    link = services.test_user_link(test=vrm, user=ana, role=Role.ANALYST, by=luz)
    sign_in(client, carlos)
    assert client.get(users_url(process, vrm)).status_code == 200
    response = client.post(users_url(process, vrm), {"desasociar_uno": link.pk})
    assert response.status_code == 403
    assert calls_models.TestUser.objects.filter(pk=link.pk).exists()


def test_an_unknown_role_answers_404(client, luz, process, vrm):
    sign_in(client, luz)
    assert client.get(users_url(process, vrm, "juridico")).status_code == 404


def test_linked_users_export_csv(client, luz, process, vrm, ana):
    services.test_user_link(test=vrm, user=ana, role=Role.ANALYST, by=luz)
    sign_in(client, luz)
    csv = client.get(users_url(process, vrm) + "?formato=csv").content.decode()
    assert "ana.analista" in csv


def test_a_document_already_registered_is_refused(client, luz, unal, ana):
    sign_in(client, luz)
    response = create(client, unal, document_number=ana.document_number)
    assert response.status_code == 400
    assert "Ya existe una cuenta con este documento de identidad" in response.content.decode()
    assert not User.objects.filter(username="maria.perez_01").exists()


def test_the_administrator_s_reads_of_a_user_are_audit_rows(client, luz, unal, ana):
    """Opening a user's page and exporting the operator's users read their documents and
    e-mails: each is an audit row the person's history finds."""
    sign_in(client, luz)
    client.get(reverse("backoffice:evaluation:user_edit", args=[unal.pk, ana.pk]))
    viewed = AuditEvent.objects.get(action="accounts.user.viewed")
    assert (viewed.actor_id, viewed.object_id) == (luz.pk, str(ana.pk))
    client.get(reverse("backoffice:evaluation:operator_detail", args=[unal.pk]) + "?formato=csv")
    exported = AuditEvent.objects.get(action="organizations.operator.users_exported")
    assert ana.pk in exported.after["shown"]
    assert {e.action for e in object_history(ana)} >= {viewed.action, exported.action}
