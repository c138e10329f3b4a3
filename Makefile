# The two commands: `make run` (start the registry) and `make test` (run the whole test suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
SEED := $(sort $(wildcard fixtures/*.yaml))
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test lint seed stop-db clean

$(STAMP): pyproject.toml package-lock.json
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/pip install --quiet --disable-pip-version-check -e ".[dev]"
	# The website's map library, from the npm registry (served by the app, no CDN).
	npm ci --no-audit --no-fund --loglevel=error
	touch $(STAMP)

install: $(STAMP)

seed: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py loaddata $(SEED)

run: seed
	$(BIN)/python manage.py ensure_local_curator
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(BIN)/python manage.py runserver $(HOST):$(PORT)

# Tests speak plain HTTP to testserver/localhost; on a DATABASE_URL database that is production mode,
# so give it a throwaway key and hosts and no HTTPS redirect (your own values win when set).
test: install
	DJANGO_SECRET_KEY=$${DJANGO_SECRET_KEY:-test-only-not-a-secret-$$$$} \
	DJANGO_ALLOWED_HOSTS=$${DJANGO_ALLOWED_HOSTS:-testserver,localhost,127.0.0.1} \
	DJANGO_SECURE_SSL_REDIRECT=false DJANGO_SECURE_COOKIES=false \
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python manage.py check

stop-db: install
	$(BIN)/python -c "from pathlib import Path; from registry.embedded_db import stop_embedded_postgres; stop_embedded_postgres(Path('var'))"

clean: stop-db
	rm -rf var staticfiles node_modules
