"""The Docker image's entrypoint: runs its command with DATABASE_URL built from the PostgreSQL image's
variables (POSTGRES_USER, POSTGRES_PASSWORD, POSTGRES_DB, plus POSTGRES_HOST and POSTGRES_PORT) when
DATABASE_URL itself is not set. Each part is URL-encoded, so a password may hold ``@ : / # %``."""

import os
import sys
from urllib.parse import quote


def database_url(user: str, password: str, host: str, port: str, name: str) -> str:
    def part(value: str) -> str:
        return quote(value, safe="")

    if not port.isdigit():
        raise ValueError(f"POSTGRES_PORT must be a port number, not {port!r}.")
    credentials = f"{part(user)}:{part(password)}" if password else part(user)
    return f"postgres://{credentials}@{host}:{port}/{part(name)}"


def environment_with_database_url(environment: dict[str, str]) -> dict[str, str]:
    """``environment`` with DATABASE_URL added from the POSTGRES_* variables, when POSTGRES_HOST is set
    and DATABASE_URL is not."""
    if "DATABASE_URL" in environment or "POSTGRES_HOST" not in environment:
        return dict(environment)
    url = database_url(
        user=environment.get("POSTGRES_USER", "postgres"),
        password=environment.get("POSTGRES_PASSWORD", ""),
        host=environment["POSTGRES_HOST"],
        port=environment.get("POSTGRES_PORT", "5432"),
        name=environment.get("POSTGRES_DB") or environment.get("POSTGRES_USER", "postgres"),
    )
    return {**environment, "DATABASE_URL": url}


def main() -> None:
    if len(sys.argv) < 2:
        sys.exit("usage: python -m registry.container_entrypoint COMMAND [ARGUMENTS...]")
    try:
        environment = environment_with_database_url(dict(os.environ))
    except ValueError as error:
        sys.exit(str(error))
    os.execvpe(sys.argv[1], sys.argv[1:], environment)  # noqa: S606


if __name__ == "__main__":
    main()
