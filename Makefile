# Mizkhedmat: `make demo` to run it, `make test` to check it.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PYTHON := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test lint check-migrations unit browser install serve worker clean bench

$(BIN)/activate: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(BIN)/activate

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch node_modules/.package-lock.json

install: $(BIN)/activate node_modules/.package-lock.json

# Fresh database, demo data, then the web app and the job worker together (Ctrl+C stops both).
demo: install
	DEBUG=1 $(PYTHON) manage.py migrate --noinput
	DEBUG=1 $(PYTHON) manage.py load_demo
	@echo "Serving on http://$(HOST):$(PORT)/  (SMS codes appear below, printed by the job worker)"
	@trap 'kill 0' INT TERM EXIT; \
	  DEBUG=1 SMS_BACKEND=console $(PYTHON) manage.py run_huey --workers 2 & \
	  DEBUG=1 $(PYTHON) manage.py runserver --noreload $(HOST):$(PORT)

lint: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy desk

check-migrations: install
	$(PYTHON) manage.py makemigrations --check --dry-run
	$(PYTHON) manage.py check

unit: install
	$(PYTHON) manage.py test --parallel auto --noinput $(TESTS)

test: lint check-migrations unit

bench: install
	@echo "Benchmarks arrive with the production issue; see docs/benchmarks.md."

clean:
	rm -rf $(VENV) node_modules var/*.sqlite3* var/private var/static
