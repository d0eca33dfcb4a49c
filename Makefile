# Reform Tracker: `make run` and `make test` are all a newcomer needs (see README.md).
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Tests run with debug off, as production does; they need a secret, which is not a real one.
TEST_ENV := DJANGO_DEBUG=false DJANGO_SECRET_KEY=test-only-not-a-secret

.PHONY: install run serve test lint format migrations-check load bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

load: install
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(BIN)/python manage.py migrate --noinput
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(BIN)/python manage.py createcachetable
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(BIN)/python manage.py load_document

run: load
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(BIN)/python manage.py ensure_admin
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# As in production: debug off, gunicorn, static files collected and served by whitenoise. Needs
# DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS (see README, "Production"). The document's data is
# loaded only into an empty database, so that a restart never undoes what editors changed.
WEB_CONCURRENCY ?= 2
PROD := DJANGO_DEBUG=false $(BIN)/python manage.py
serve:
	@test -n "$$DJANGO_SECRET_KEY" || { echo "make serve: DJANGO_SECRET_KEY is not set. Set it to a long random value, e.g. from: python3 -c 'import secrets; print(secrets.token_urlsafe(50))'" >&2; exit 1; }
	@$(MAKE) --no-print-directory install
	$(PROD) migrate --noinput
	$(PROD) createcachetable
	if $(PROD) shell --verbosity 0 -c "from actions.models import Plan; raise SystemExit(Plan.objects.exists())"; \
		then $(PROD) load_document; fi
	$(PROD) collectstatic --noinput --verbosity 0
	DJANGO_DEBUG=false $(BIN)/gunicorn reform_tracker.wsgi --bind 127.0.0.1:$(PORT) \
		--workers $(WEB_CONCURRENCY) --access-logfile -

test: install
	$(TEST_ENV) $(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: install
	$(TEST_ENV) $(BIN)/python manage.py makemigrations --check --dry-run

# Load benchmark against PostgreSQL (README, "Synthetic data and the benchmark"): loads
# BENCH_DATABASE_URL once with the document and `synthesize --scale 1`, serves it with gunicorn
# on BENCH_PORT, drives it with wrk and writes BENCHMARKS.md.
BENCH_PORT ?= 8001
BENCH_SECONDS ?= 10
bench: install
	BENCH_PORT=$(BENCH_PORT) $(BIN)/python bench/run.py --seconds $(BENCH_SECONDS) --write

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
