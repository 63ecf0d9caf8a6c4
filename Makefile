# The README's commands. Everything runs inside .venv, created on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 5000
# Test processes (pytest-xdist): one per CPU core; TEST_WORKERS=0 runs in one process.
TEST_WORKERS ?= auto
# Links printed or emailed in development use the port the app runs on.
FLASK := FACILITATOR_ENV=development BASE_URL=http://$(HOST):$(PORT) $(BIN)/flask --app wsgi

.PHONY: run test lint format translations compile-translations db-upgrade demo clean bench bench-load bench-centres

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

## Compile the translation catalogs (.mo files are built, never committed).
compile-translations: $(STAMP)
	$(BIN)/pybabel compile --use-fuzzy -d translations -D messages >/dev/null 2>&1

## Apply the migrations to the development database (instance/facilitator.sqlite).
db-upgrade: $(STAMP)
	$(FLASK) db upgrade

## Serve the app with the demo data on http://$(HOST):$(PORT)
run: $(STAMP) compile-translations db-upgrade
	$(FLASK) demo-data --if-empty
	@echo "facilitator runs on http://$(HOST):$(PORT)  (demo log-in: camille@demo.example.org / demo-password-2026; centre staff: sandrine@demo.example.org / demo-password-2026)"
	$(FLASK) run --host $(HOST) --port $(PORT)

## Mozilla's ical.js for the feed tests (skipped locally when npm is missing).
tests/js/node_modules/.package-lock.json: tests/js/package-lock.json
	@if command -v npm >/dev/null; then cd tests/js && npm ci --silent --no-audit --no-fund; \
	else echo "npm not found: the ical.js feed test will be skipped"; fi

## Run the whole test suite (SQLite; PostgreSQL too when TEST_DATABASE_URL is set).
test: $(STAMP) compile-translations tests/js/node_modules/.package-lock.json
	$(BIN)/python -m pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

## ruff, then mypy (strict on facilitator/domain; see [tool.mypy] in pyproject.toml).
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## Extract messages, update the fr/it/de catalogs, compile them.
translations: $(STAMP)
	$(BIN)/pybabel extract -F translations/babel.cfg -k _l -k lazy_gettext -k lazy_pgettext:1c,2 \
		--no-location --sort-output -o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations \
		--no-fuzzy-matching --ignore-obsolete
	$(MAKE) compile-translations

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

## Benchmarks (see bench/README.md); BENCH_DATABASE_URL selects PostgreSQL.
bench: $(STAMP) compile-translations
	@command -v wrk >/dev/null || (apt-get install -y -qq wrk >/dev/null 2>&1 || echo "install wrk first")
	$(BIN)/python bench/run.py

## Load: 200 feed clients, 50 logged-in clients, 20 first actions at once (bench/load.py).
bench-load: $(STAMP) compile-translations
	@command -v wrk >/dev/null || (apt-get install -y -qq wrk >/dev/null 2>&1 || echo "install wrk first")
	$(BIN)/python bench/load.py

## The staff group list for 600 groups with 5 years of headcounts (bench/centres.py).
bench-centres: $(STAMP) compile-translations
	@command -v wrk >/dev/null || (apt-get install -y -qq wrk >/dev/null 2>&1 || echo "install wrk first")
	$(BIN)/python bench/centres.py
