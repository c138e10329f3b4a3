"""Write a batch while the next one is validated: an import's COPY streamed by a second thread.

Validating is Python's work, storing is PostgreSQL's (triggers, foreign keys, indexes); ``WriteBehind``
sends a batch's COPY from a background thread, on the import's own connection and so in its
transaction, and returns at once, so both run side by side.

One write is in flight at a time, in a savepoint of its own, and is finished (waited for, its savepoint
released, or rolled back and its error reported) before anything else uses the connection:
``active()`` wraps every query of the importing thread, so no query can run in the middle of a COPY
or after a failed one. Leaving ``active()`` finishes the last write.

The writer needs the GIL a few times per batch, and CPython hands it over only after the holder kept
it for 5 ms: a row loop with a system call per row keeps winning it back. Hence no per-row system
calls in an import (registry/imports/resources.py: ``init_instance()``, ``pooled_uuid4()``).
"""

import contextlib
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

from django.db import transaction

from registry.imports.copy_insert import PreparedCopy


class WriteBehind:
    def __init__(self, connection):
        self.connection = connection
        self._executor: ThreadPoolExecutor | None = None
        self._pending: tuple[Future, str, PreparedCopy, Callable] | None = None

    @contextlib.contextmanager
    def active(self):
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="write-behind") as executor:
            self._executor = executor
            try:
                with self.connection.execute_wrapper(self._finish_first):
                    yield self
            finally:
                self.finish()
                self._executor = None

    def start(self, prepared: PreparedCopy, on_error: Callable[[Exception], None]) -> None:
        """Stream ``prepared`` in the background, in a savepoint; return without waiting. If it
        fails, ``on_error(error)`` is called in the importing thread with the error as Django raises
        it (an ``IntegrityError``...), after the batch was rolled back."""
        self.finish()
        savepoint = transaction.savepoint(using=self.connection.alias)
        future = self._executor.submit(prepared.stream, self.connection.connection)
        self._pending = (future, savepoint, prepared, on_error)

    def finish(self) -> None:
        """Wait for the write in flight, if any: release its savepoint, or roll it back and report."""
        if self._pending is None:
            return
        future, savepoint, prepared, on_error = self._pending
        self._pending = None  # the savepoint statements below go through _finish_first too
        error = future.exception()
        if error is None:
            transaction.savepoint_commit(savepoint, using=self.connection.alias)
            prepared.mark_saved()
            return
        transaction.savepoint_rollback(savepoint, using=self.connection.alias)
        try:
            with self.connection.wrap_database_errors:  # psycopg's error as Django's
                raise error
        except Exception as converted:  # noqa: BLE001 (reported, as a synchronous write's would be)
            on_error(converted)

    def _finish_first(self, execute, sql, params, many, context):
        self.finish()
        return execute(sql, params, many, context)
