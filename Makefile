# Reform Tracker: `make run` and `make test` are all a newcomer needs (see README.md).
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Tests run with debug off, as production does; they need a secret, which is not a real one.
TEST_ENV := DJANGO_DEBUG=false DJANGO_SECRET_KEY=test-only-not-a-secret

.PHONY: install run serve test lint format migrations-check load bench clean oidc-provider html-checker messages messages-check

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $@

# The French and Spanish catalogues, compiled (msgfmt --check) from the committed .po files.
MO_FILES := locale/fr/LC_MESSAGES/django.mo locale/es/LC_MESSAGES/django.mo
# Any settings will do for compiling and extracting messages.
MANAGE_I18N := DJANGO_DEBUG=true $(BIN)/python manage.py

install: $(VENV)/.installed $(MO_FILES)

locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po | $(VENV)/.installed
	$(MANAGE_I18N) compilemessages --locale $* --ignore .venv --verbosity 0

# Collect the interface's strings into the catalogues after templates or code changed; then
# translate what is new (msgstr "") and make sure nothing is marked fuzzy. Stable output: no
# source locations, no obsolete entries, no creation date (it changes on every run), so that a
# run with nothing new leaves the files as they are (`make messages-check`, run by CI).
messages: $(VENV)/.installed
	$(MANAGE_I18N) makemessages --locale fr --locale es --no-location --no-obsolete \
		--ignore .venv --ignore tests --ignore staticfiles --ignore build --verbosity 0
	sed -i '/^"POT-Creation-Date: /d' locale/*/LC_MESSAGES/django.po

messages-check: messages
	git diff --exit-code -- locale/

load: install
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(BIN)/python manage.py migrate --noinput
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(BIN)/python manage.py createcachetable
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(BIN)/python manage.py load_document

run: load
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(BIN)/python manage.py ensure_admin
	DJANGO_DEBUG=$${DJANGO_DEBUG:-true} $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# As in production: debug off, gunicorn, static files collected and served by whitenoise. Needs
# DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS (see docs/operations.md, "Production"). The document's data is
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

# The OpenID Connect provider that the single sign-on tests start (tests/oidc/, Node.js).
tests/oidc/node_modules/.installed: tests/oidc/package-lock.json
	npm ci --prefix tests/oidc --no-audit --no-fund --loglevel=error
	touch $@

oidc-provider: tests/oidc/node_modules/.installed

# The W3C HTML checker that tests/test_valid_html.py runs (tests/vnu/, vnu.jar; it needs Java:
# installed from Debian as root, else make stops and names the command).
tests/vnu/node_modules/.installed: tests/vnu/package-lock.json
	npm ci --prefix tests/vnu --no-audit --no-fund --loglevel=error
	touch $@

html-checker: tests/vnu/node_modules/.installed
	@command -v java >/dev/null || { \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			apt-get update -q && apt-get install -y -q --no-upgrade default-jre-headless; \
		else echo "make test: the HTML checker needs Java; run: sudo apt-get install default-jre-headless" >&2; exit 1; fi; }

# The browser tests (tests/browser/) drive the Chromium that scripts/find-chromium finds or
# installs, exported as CHROMIUM; without one it stops and names the command to run.
# `make test BROWSER=0` leaves them out on purpose, and says so last.
BROWSER ?= 1
test: install oidc-provider html-checker
ifeq ($(BROWSER),0)
	$(TEST_ENV) $(BIN)/pytest -m "not browser" $(PYTEST_ARGS); status=$$?; \
		echo "make test BROWSER=0: the browser tests (tests/browser/, marked browser) were left out."; \
		exit $$status
else
	chromium=$$($(BIN)/python scripts/find-chromium) || exit 1; \
		$(TEST_ENV) CHROMIUM="$$chromium" $(BIN)/pytest $(PYTEST_ARGS)
endif

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: install
	$(TEST_ENV) $(BIN)/python manage.py makemigrations --check --dry-run

# Load benchmark against PostgreSQL (docs/development.md, "Synthetic data and the benchmark"): loads
# BENCH_DATABASE_URL once with the document and `synthesize --scale 1`, serves it with gunicorn
# on BENCH_PORT, waits for the load average to settle, drives it with wrk (pages of
# bench/pages.toml, saves, the stampede and rolling restart runs) and writes BENCHMARKS.md.
BENCH_PORT ?= 8001
BENCH_SECONDS ?= 10
BENCH_ARGS ?=
bench: install
	BENCH_PORT=$(BENCH_PORT) $(BIN)/python bench/run.py --seconds $(BENCH_SECONDS) --write $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache $(MO_FILES)
