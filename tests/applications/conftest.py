from tests.calls.conftest import make_call  # noqa: F401  (fixture)
