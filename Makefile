# The two commands: `make run` (start the registry) and `make test` (run the whole test suite).
PYTHON ?= python3
# CI makes one virtual environment per Python version: make test PYTHON=python3.12 VENV=.venv-3.12
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
# Every package pinned with its hashes, for every supported Python (`make lock` renews it).
LOCK := requirements-dev.lock
HOST ?= 127.0.0.1
PORT ?= 8000
# Test processes (pytest-xdist; each has its own test database): one per core by default.
WORKERS ?= auto

.PHONY: install lock run test lint docs screenshots seed stop-db clean

$(STAMP): pyproject.toml $(LOCK) package-lock.json
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes -r $(LOCK)
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	$(BIN)/pip check --disable-pip-version-check >/dev/null  # the lock holds what pyproject.toml asks for
	# The website's map library, from the npm registry (served by the app, no CDN).
	npm ci --no-audit --no-fund --loglevel=error
	touch $(STAMP)

install: $(STAMP)

# After a change to [project.dependencies] or the dev extra; UPGRADE=1 moves every pin to the newest
# version in range. requirements.lock (no dev extra) is what a deployment installs (the Dockerfile).
# uv resolves for every supported Python at once (--universal); it is installed here only.
lock:
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check "uv>=0.13,<0.14"
	$(BIN)/uv pip compile --quiet pyproject.toml --extra dev --universal --generate-hashes \
		$(if $(UPGRADE),--upgrade) -o requirements-dev.lock
	$(BIN)/uv pip compile --quiet pyproject.toml --universal --generate-hashes \
		-c requirements-dev.lock -o requirements.lock

# Inserts only the seed records the registry lacks: never overwrites a curator's edit (registry/management/commands/seed.py).
seed: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed

# The development server, in debug mode from the first step on (migrate and seed included), so that a
# DATABASE_URL database needs no production settings here; your own DJANGO_DEBUG wins when set.
run: export DJANGO_DEBUG ?= 1
run: seed
	$(BIN)/python manage.py ensure_local_curator
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# Tests speak plain HTTP to testserver/localhost; on a DATABASE_URL database that is production mode,
# so give it a throwaway key and hosts and no HTTPS redirect (your own values win when set), and no
# statement timeout: the fuzzing imports registry/wsgi.py, which would give every test connection of
# its worker the web's 15 s limit, and a scale test's bulk load can take longer on a busy machine.
test: install
	DJANGO_SECRET_KEY=$${DJANGO_SECRET_KEY:-test-only-not-a-secret-$$$$-0123456789abcdefghijklmnopqrstuvwxyz} \
	DJANGO_ALLOWED_HOSTS=$${DJANGO_ALLOWED_HOSTS:-testserver,localhost,127.0.0.1} \
	DJANGO_SECURE_SSL_REDIRECT=false DJANGO_SECURE_COOKIES=false \
	DJANGO_DB_STATEMENT_TIMEOUT=$${DJANGO_DB_STATEMENT_TIMEOUT:-0} \
	$(BIN)/pytest -n $(WORKERS) $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python manage.py check
	$(BIN)/python manage.py draw_data_model --check
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet

# The documentation site, into site/.
docs: install
	$(BIN)/python manage.py draw_data_model
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

# The admin's screenshots in docs/img/, taken by its browser tests (after a change to the admin).
screenshots: install
	REGISTRY_SCREENSHOTS=docs/img $(MAKE) test WORKERS=0 PYTEST_ARGS="tests/test_admin_browser.py -q"

stop-db: install
	$(BIN)/python -c "from pathlib import Path; from registry.embedded_db import stop_embedded_postgres; stop_embedded_postgres(Path('var'))"

clean: stop-db
	rm -rf var staticfiles node_modules
