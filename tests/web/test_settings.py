import os
import subprocess
import sys


def run_check(extra_env: dict[str, str]) -> subprocess.CompletedProcess:
    cleared = {"DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in cleared}
    env.update(extra_env)
    env["MERITO_TESTING"] = "0"
    return subprocess.run(
        [sys.executable, "-m", "merito.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_refuse_to_start_without_a_secret_key():
    result = run_check({"DEBUG": "0"})
    assert result.returncode != 0
    assert "SECRET_KEY es obligatoria" in result.stderr


def test_production_settings_pass_the_deploy_check():
    result = run_check({"DEBUG": "0", "SECRET_KEY": "k" * 20 + "-x9Q!r2@Lm#8vZ$w5&Tn*4pB^7yC0dF"})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
