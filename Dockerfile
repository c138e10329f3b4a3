# The registry under gunicorn, for docker-compose.yml (PostgreSQL runs in its own container).
# The image installs the registry's wheel (not the source tree) with the pinned, hashed requirements.lock.

# The website's map library, from the npm registry.
FROM node:20-bookworm-slim AS assets
WORKDIR /assets
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM python:3.13-slim-bookworm AS wheel
WORKDIR /src
COPY pyproject.toml README.md LICENSE ./
COPY registry registry
COPY vendors vendors
COPY deployments deployments
COPY api api
COPY web web
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /dist .

FROM python:3.13-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    REGISTRY_HOME=/app
WORKDIR /app

COPY requirements.lock ./
# PyICU (followthemoney's transliteration) is published as source only: build it against Debian's
# ICU, then keep only the ICU runtime.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libicu72 libicu-dev pkg-config g++ \
    && pip install --no-cache-dir --require-hashes -r requirements.lock \
    && apt-get purge -y --auto-remove libicu-dev pkg-config g++ \
    && rm -rf /var/lib/apt/lists/*
COPY --from=wheel /dist /dist
RUN pip install --no-cache-dir --no-deps /dist/*.whl && rm -rf /dist && useradd --system --home-dir /app registry

# Beside the package (REGISTRY_HOME): the map library, the seed data and manage.py.
COPY manage.py ./
COPY --from=assets /assets/node_modules node_modules
COPY fixtures fixtures
RUN DJANGO_SECRET_KEY=build-only-not-a-secret-0123456789abcdefghijklmnopqrstuvwxyz DJANGO_ALLOWED_HOSTS=build DATABASE_URL=postgres://build@localhost/none \
    registry-manage collectstatic --noinput

USER registry
EXPOSE 8000
# DATABASE_URL from POSTGRES_HOST, POSTGRES_USER, POSTGRES_PASSWORD, POSTGRES_DB when it is not set.
ENTRYPOINT ["python", "-m", "registry.container_entrypoint"]
CMD ["gunicorn", "registry.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
