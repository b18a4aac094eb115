# Mérito — everything a newcomer needs, with only Python 3.11, git and make.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
STAMP_BASE := $(VENV)/.installed-base
STAMP_DEV  := $(VENV)/.installed-dev

.PHONY: install install-dev demo test lint typecheck contracts unit bench messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"

$(STAMP_BASE): requirements/base.txt pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements/base.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

$(STAMP_DEV): requirements/dev.txt $(STAMP_BASE)
	$(BIN)/pip install --quiet -r requirements/dev.txt
	touch $@

install: $(STAMP_BASE)

install-dev: $(STAMP_DEV)

# The demo runs with DEBUG on: no SECRET_KEY to set, e-mail written to var/mail/.
demo: export DEBUG = 1
demo: install
	$(BIN)/merito migrate --no-input
	$(BIN)/merito demo-data
	@echo "Mérito en http://127.0.0.1:$(PORT)/ — correos enviados en var/mail/ (Ctrl+C para detener)"
	$(BIN)/merito runserver --noreload 127.0.0.1:$(PORT)

lint: install-dev
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests

# Django code with django-stubs; merito.rubrics held to the strict flags in pyproject.toml.
typecheck: install-dev
	MERITO_TESTING=1 $(BIN)/mypy src/merito

contracts: install-dev
	$(BIN)/lint-imports
	env -u DATABASE_URL DEBUG=1 $(BIN)/merito makemigrations --check --dry-run

unit: install-dev
	$(BIN)/pytest $(PYTEST_ARGS)

test: lint typecheck contracts unit

bench: install-dev
	@for script in bench/bench_*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

messages: export DEBUG = 1
messages: install-dev
	cd src/merito && ../../$(BIN)/merito makemessages -l en --no-obsolete && ../../$(BIN)/merito compilemessages

clean:
	rm -rf $(VENV) var/*.sqlite3 var/media var/mail
