import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tests.conftest import make_user


@pytest.mark.django_db
def test_username_cannot_change_after_creation():
    user = make_user(username="analista_01")
    user.username = "analista_02"
    with pytest.raises(ValidationError) as excinfo:
        user.full_clean()
    assert "El usuario no se puede modificar" in str(excinfo.value)


@pytest.mark.django_db
def test_identity_number_cannot_change_after_creation():
    user = make_user(document_number="52345678")
    user.document_number = "52345679"
    with pytest.raises(ValidationError) as excinfo:
        user.full_clean()
    assert "El número de identificación no se puede modificar" in str(excinfo.value)


@pytest.mark.django_db
def test_database_refuses_a_second_account_for_one_document():
    make_user(document_number="52345678", email="una@example.org")
    from merito.accounts.models import User

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(
            email="otra@example.org",
            document_country="CO",
            document_type="CC",
            document_number="52345678",
            given_names="X",
            first_surname="Y",
        )


@pytest.mark.django_db
def test_same_number_in_another_country_is_another_person():
    make_user(
        document_number="40123456",
        document_country="PE",
        document_type="DNI",
        email="pe@example.org",
    )
    make_user(
        document_number="40123456",
        document_country="CO",
        document_type="CC",
        email="co@example.org",
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("username", "message"),
    [
        ("corto", "mínimo 6"),
        ("con espacio", "espacios"),
        ("ñandú_01", "solo puede contener"),
        ("a" * 31, "máximo 30"),
    ],
)
def test_username_rules_of_seed_004(username, message):
    with pytest.raises(ValidationError) as excinfo:
        make_user(username=username)
    assert message in str(excinfo.value)
