import pytest
from django.urls import reverse

from tests.conftest import PASSWORD, make_user, sign_in


@pytest.fixture
def signed_in(client, db):
    user = make_user(email="docente@example.org")
    sign_in(client, user)
    return user


@pytest.mark.django_db
def test_change_password_checks_the_old_one(client, signed_in):
    response = client.post(
        reverse("public:accounts:password_change"),
        {
            "old_password": "Incorrecta.1",
            "new_password1": "Otra.Clave-77",
            "new_password2": "Otra.Clave-77",
        },
    )
    assert "contraseña antigua" in " ".join(response.context["form"].errors["old_password"])
    signed_in.refresh_from_db()
    assert signed_in.check_password(PASSWORD)


@pytest.mark.django_db
def test_change_password_confirmation_must_match(client, signed_in):
    response = client.post(
        reverse("public:accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Otra.Clave-77",
            "new_password2": "Otra.Clave-78",
        },
    )
    assert response.context["form"].errors["new_password2"]
    signed_in.refresh_from_db()
    assert signed_in.check_password(PASSWORD)


@pytest.mark.django_db
def test_change_password_applies_the_policy(client, signed_in):
    response = client.post(
        reverse("public:accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "con espacio 1",
            "new_password2": "con espacio 1",
        },
    )
    assert "espacios en blanco" in " ".join(response.context["form"].errors["new_password2"])


@pytest.mark.django_db
def test_change_password_succeeds_and_keeps_the_session(client, signed_in):
    response = client.post(
        reverse("public:accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Otra.Clave-77",
            "new_password2": "Otra.Clave-77",
        },
        follow=True,
    )
    assert "Su contraseña se cambió correctamente" in response.content.decode()
    signed_in.refresh_from_db()
    assert signed_in.check_password("Otra.Clave-77")
    assert client.session["_auth_user_id"] == str(signed_in.pk)


@pytest.mark.django_db
def test_anonymous_user_is_sent_to_login(client):
    response = client.get(reverse("public:accounts:password_change"))
    assert response.status_code == 302
    assert reverse("public:accounts:login") in response["Location"]
