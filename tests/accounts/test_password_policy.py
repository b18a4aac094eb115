import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from merito.accounts.models import User


def refusal(password: str, user: User | None = None) -> str:
    with pytest.raises(ValidationError) as excinfo:
        validate_password(password, user)
    return " ".join(excinfo.value.messages)


@pytest.mark.parametrize(
    "password", ["Merito.2026x", "a@#$%&+-_*9Zq", "Ab3.Ab3.", "Zq9-Xw8_Yv7*Ut6@Rs5k"]
)
def test_passwords_within_seed_004_policy_are_accepted(password):
    validate_password(password)


def test_seven_characters_is_too_short():
    assert "mínimo 8 y máximo 20" in refusal("Ab3.Xy9")


def test_twenty_one_characters_is_too_long():
    assert "mínimo 8 y máximo 20" in refusal("Zq9-Xw8_Yv7*Ut6@Rs5kQ")


def test_spaces_are_refused_with_their_own_rule():
    message = refusal("Merito 2026x")
    assert "espacios en blanco" in message
    assert "mínimo 8" not in message


def test_characters_outside_the_list_are_named():
    message = refusal("Merito!2026x?")
    assert "no se permite: ! ?" in message


def test_common_password_is_refused_by_djangos_validator():
    assert "demasiado común" in refusal("password123")


def test_all_numeric_password_is_refused():
    assert "completamente numérica" in refusal("80457123596")


def test_password_similar_to_the_email_is_refused():
    user = User(email="quispe.huaman@example.org", given_names="Rosa", first_surname="Huaman")
    assert "demasiado similar" in refusal("huaman.rosa", user)
