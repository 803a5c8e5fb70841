# Mizkhedmat: `make demo` to run it, `make test` to check it.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PYTHON := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test lint check-migrations unit browser install clean bench

$(BIN)/activate: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(BIN)/activate

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch node_modules/.package-lock.json

install: $(BIN)/activate node_modules/.package-lock.json

# Migrate, load the demo data, then the web app and the job worker together (Ctrl+C stops both).
# The worker first sends the demo requests' queued SMS; the sign-in banner is shown after them.
# SITE_URL: the links in the demo's SMS and result PDFs point at the address it serves.
DEMO_ENV = DEBUG=1 SITE_URL=http://$(HOST):$(PORT)
demo: install
	$(DEMO_ENV) $(PYTHON) manage.py migrate --noinput
	$(DEMO_ENV) DEMO_URL=http://$(HOST):$(PORT) $(PYTHON) manage.py load_demo > var/demo-accounts.txt
	@trap 'kill 0' INT TERM EXIT; \
	  $(DEMO_ENV) SMS_BACKEND=console $(PYTHON) manage.py run_huey --workers 2 --quiet & \
	  sleep 3; cat var/demo-accounts.txt; \
	  echo "Serving on http://$(HOST):$(PORT)/ — sign-in codes are printed here by the job worker."; \
	  $(DEMO_ENV) $(PYTHON) manage.py runserver --noreload $(HOST):$(PORT)

lint: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy desk
	$(BIN)/lint-imports

check-migrations: install
	$(PYTHON) manage.py makemigrations --check --dry-run
	$(PYTHON) manage.py check

# desk.benchdata is installed only with BENCH=1, so its tests run in a second, short pass.
# The tests tagged `serial` run after the parallel part, alone (desk.test.Runner).
unit: install
	$(PYTHON) manage.py test --parallel auto --noinput $(TESTS)
	$(if $(TESTS),,BENCH=1 $(PYTHON) manage.py test desk.benchdata --noinput)

# The end-to-end walk in Chromium alone (it also runs inside `unit` when Chromium is present).
browser: install
	$(PYTHON) manage.py test --tag browser --noinput

test: lint check-migrations unit

# Data generator, gunicorn, load driver, ceiling and peer on SQLite and PostgreSQL (docs/benchmarks.md).
# BENCH_SCALE=0.01 for a quick run; the full scale (1,000,000 requests) takes about an hour.
BENCH_SCALE ?= 1
bench: install
	BENCH=1 BENCH_SCALE=$(BENCH_SCALE) $(PYTHON) bench/run.py
	@if grep -q '^bench-outbox:' $(firstword $(MAKEFILE_LIST)); then $(MAKE) bench-outbox; fi

# The benchmark's pages at a CI size (500 generated requests, seconds): each answers as the
# load driver expects, in its pinned number of queries; realistic queues; no timings.
.PHONY: bench-smoke
bench-smoke: install
	BENCH=1 $(PYTHON) manage.py test desk.benchdata.tests.test_smoke --noinput

# The survey results page with 1,000,000 requests and 300,000 responses (docs/benchmarks.md,
# "Survey results"); BENCH_SURVEYS_SCALE=0.1 BENCH_SURVEYS_RESPONSES=30000 for a smaller run.
.PHONY: bench-surveys
bench-surveys: install
	BENCH=1 $(PYTHON) bench/surveys.py

# The oversight dashboards at 1,000,000 requests and the aggregation's time (docs/benchmarks.md,
# "Oversight dashboards"). CI-sized: make bench-oversight BENCH_OVERSIGHT_SCALE=0.02 BENCH_OVERSIGHT_DAYS=30
BENCH_OVERSIGHT_SCALE ?= 1
BENCH_OVERSIGHT_DAYS ?= 365
.PHONY: bench-oversight
bench-oversight: install
	BENCH=1 BENCH_OVERSIGHT_SCALE=$(BENCH_OVERSIGHT_SCALE) BENCH_OVERSIGHT_DAYS=$(BENCH_OVERSIGHT_DAYS) $(PYTHON) bench/oversight.py

# Outbox throughput with the fake gateway, SQLite and PostgreSQL (docs/benchmarks.md).
.PHONY: bench-outbox
bench-outbox: install
	BENCH=1 $(PYTHON) bench/outbox.py

# The reliability figures of issue 11 (kill -9, dropped connections, audit tamper, restore
# drill, and the other parts' scripts) into docs/reliability.md; counts: RELIABILITY_* there.
.PHONY: reliability
reliability: install
	$(PYTHON) bench/reliability.py

# A closure with N open requests on SQLite and PostgreSQL: the admin's save, the deadline job,
# its memory (docs/benchmarks.md, "Closure recompute"). Small and without the doc for CI:
# make bench-closure BENCH_CLOSURE_N=2000 BENCH_CLOSURE_DOC=0
BENCH_CLOSURE_N ?= 100000,200000
.PHONY: bench-closure
bench-closure: install
	BENCH_CLOSURE_N=$(BENCH_CLOSURE_N) $(PYTHON) bench/closure.py

# One national-system call's own cost (fake GSB behind the real client stack) on SQLite and
# PostgreSQL + Redis (docs/benchmarks.md, "Adapter overhead").
.PHONY: bench-registries
bench-registries: install
	$(PYTHON) bench/registries.py

# Schemathesis against the API's OpenAPI document, in-process (desk/api/tests/fuzz.py): at least
# 1,000 generated calls, 0 server errors, 0 answers the document does not describe. A few minutes.
# FUZZ_EXAMPLES=100 for a longer run (examples per operation).
.PHONY: api-fuzz
api-fuzz: install
	$(PYTHON) manage.py test desk.api.tests.fuzz --noinput

clean:
	rm -rf $(VENV) node_modules var/*.sqlite3* var/private var/static
