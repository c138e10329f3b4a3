"""Time limits on the web's database work, so that a database that does not answer (its processes
stopped, a lock held for minutes, a stalled disk) gives the same 503 with ``Retry-After`` as one that
is down (registry/views.py), instead of a request hanging until the web server kills its worker.

- Connecting gives up after ``DJANGO_DB_CONNECT_TIMEOUT`` seconds, in every process (settings.py).
- In the web server's processes (registry/wsgi.py calls ``limit_web_database_work()``) a statement
  is cancelled by PostgreSQL after ``DJANGO_DB_STATEMENT_TIMEOUT`` seconds (``statement_timeout``),
  and the client stops waiting for any answer a little later: a stopped server cancels nothing, and a
  connection kept from an earlier request (``CONN_MAX_AGE``) would otherwise wait for ever. The
  connection is then closed, so the next request connects again.

Management commands (imports, exports, backups, migrations) have no statement limit.
"""

import psycopg
from django.conf import settings
from django.db.backends.signals import connection_created

# The server's own cancellation comes first when it is alive (the connection stays usable).
CLIENT_GRACE_SECONDS = 2.0


class AnswerTimeoutConnection(psycopg.Connection):
    """A psycopg connection that waits at most ``answer_timeout`` seconds for each answer."""

    __slots__ = ()
    answer_timeout: float | None = None

    def wait(self, gen, interval=0.1, timeout=None):
        limit = timeout if timeout is not None else self.answer_timeout
        try:
            return super().wait(gen, interval, limit)
        except psycopg.errors._WaitTimeout:  # psycopg's (internal) timeout of a wait
            self.close()  # the protocol is mid-exchange: this connection cannot be used again
            raise psycopg.OperationalError(
                f"the database did not answer within {limit:g} s (connection closed)"
            ) from None


def _answer_within_timeout(sender, connection, **kwargs):
    if isinstance(connection.connection, psycopg.Connection):
        connection.connection.__class__ = AnswerTimeoutConnection


def limit_web_database_work(databases: dict | None = None) -> None:
    """Give every database of ``databases`` (settings.DATABASES) the statement timeout of
    ``settings.DATABASE_STATEMENT_TIMEOUT`` seconds, and their connections the client's answer
    timeout; 0 turns both off. Call before the process's first query."""
    seconds = settings.DATABASE_STATEMENT_TIMEOUT
    if not seconds:
        return
    for database in (settings.DATABASES if databases is None else databases).values():
        options = database.setdefault("OPTIONS", {})
        options["options"] = (
            f"{options.get('options', '')} -c statement_timeout={int(seconds * 1000)}".strip()
        )
    AnswerTimeoutConnection.answer_timeout = seconds + CLIENT_GRACE_SECONDS
    connection_created.connect(_answer_within_timeout, dispatch_uid="registry.database.answer_timeout")
