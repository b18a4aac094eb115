import pytest
from django.core.exceptions import ValidationError

from merito.identity import validate_identity_document


@pytest.mark.parametrize(
    ("country", "doc_type", "number", "expected"),
    [
        ("CO", "CC", "1020304050", "1020304050"),
        ("CO", "CC", "79.123.456", "79123456"),
        ("CO", "CC", "123456", "123456"),
        ("PE", "DNI", "40123456", "40123456"),
        ("CO", "PA", "ab123456", "AB123456"),
        ("CO", "TI", "1000123456", "1000123456"),
    ],
)
def test_valid_documents_are_normalised(country, doc_type, number, expected):
    assert validate_identity_document(country, doc_type, number) == expected


@pytest.mark.parametrize(
    ("country", "doc_type", "number", "message"),
    [
        ("CO", "CC", "0123456", "no puede iniciar con cero"),
        ("CO", "CC", "12345", "de 6 a 10 dígitos"),
        ("CO", "CC", "12345678901", "de 6 a 10 dígitos"),
        ("CO", "CC", "12A4567", "numérica"),
        ("PE", "DNI", "4012345", "exactamente 8 dígitos"),
        ("PE", "DNI", "401234567", "exactamente 8 dígitos"),
        ("PE", "DNI", "4012345X", "exactamente 8 dígitos"),
        ("CO", "PA", "AB-12 ¿?", "letras o dígitos"),
        ("CO", "CC", "", "Escriba el número"),
    ],
)
def test_malformed_documents_name_the_rule(country, doc_type, number, message):
    with pytest.raises(ValidationError) as excinfo:
        validate_identity_document(country, doc_type, number)
    assert message in " ".join(excinfo.value.messages)


def test_a_type_from_another_country_is_refused():
    with pytest.raises(ValidationError) as excinfo:
        validate_identity_document("PE", "CC", "1020304050")
    assert "no existe para el país PE" in excinfo.value.messages[0]
