# The registry under gunicorn, for docker-compose.yml (PostgreSQL runs in its own container).

# The website's map library, from the npm registry.
FROM node:20-bookworm-slim AS assets
WORKDIR /assets
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app

COPY pyproject.toml README.md ./
COPY registry registry
COPY vendors vendors
COPY deployments deployments
COPY api api
COPY web web
RUN pip install --no-cache-dir . && useradd --system --home-dir /app registry

COPY manage.py ./
COPY --from=assets /assets/node_modules node_modules
COPY fixtures fixtures
RUN DJANGO_SECRET_KEY=build-only DJANGO_ALLOWED_HOSTS=build DATABASE_URL=postgres://build@localhost/none \
    python manage.py collectstatic --noinput

USER registry
EXPOSE 8000
CMD ["gunicorn", "registry.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
