"""The web scenario on PostgreSQL: ``kivo serve --workers 2`` beside a twin served by as
many uvicorn workers, which replays on psycopg the driver calls kivo made for each page.

kivo reaches psycopg through SQLAlchemy and, for its hot reads (the list, the move
pipeline), straight through the pooled connection's cursor; SQLAlchemy's events would
miss the latter. So the capture sits on psycopg itself: every ``Cursor.execute`` and
``executemany`` (with its parameters, as kivo bound them) and every ``commit`` and
``rollback`` that ends a transaction, each with the connection it ran on. The twin runs
exactly those calls, on as many connections, in the same order: the same reads, the
same access-log write, the same transactions (and the pool's ``SELECT 1`` pings).

Like kivo's sync endpoints, the twin answers on a thread (anyio's pool), so a worker
overlaps one request's wait on the database with another's Python; it keeps at most
``POOL`` requests (and connection sets) at once per worker, the most connections one of
kivo's SQLAlchemy pools holds (5 + 10 overflow), and never closes them.

``python -m benchmarks.web_postgres CAPTURE DATABASE_URL PORT`` serves it.
"""

from __future__ import annotations

import os
import pickle
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

from sqlalchemy.engine import make_url

from benchmarks.web_twin import Captured, Twin

WORKERS = 2  # uvicorn worker processes on each side
POOL = 15  # SQLAlchemy's default pool_size 5 + max_overflow 10, per worker
CAPTURE_ENV = "KIVO_WEB_TWIN_CAPTURE"
DATABASE_ENV = "KIVO_WEB_TWIN_DATABASE"

# (connection, "execute" | "executemany" | "commit" | "rollback", query, parameters):
# the connection is id() of kivo's psycopg connection as captured, its index once loaded.
Call = tuple[int, str, Any, Any]


@contextmanager
def tracing(calls: list[Any]) -> Iterator[None]:
    """Every psycopg call made inside the block is recorded in ``calls``; a commit or a
    rollback with no transaction open (psycopg sends nothing then) is left out."""
    import psycopg
    from psycopg.pq import TransactionStatus

    cursor, connection = psycopg.Cursor, psycopg.Connection
    execute, executemany = cursor.execute, cursor.executemany
    commit, rollback = connection.commit, connection.rollback

    def traced_execute(self: Any, query: Any, params: Any = None, **options: Any) -> Any:
        calls.append((id(self.connection), "execute", query, params))
        return execute(self, query, params, **options)

    def traced_executemany(self: Any, query: Any, params_seq: Any, **options: Any) -> Any:
        rows = list(params_seq)
        calls.append((id(self.connection), "executemany", query, rows))
        return executemany(self, query, rows, **options)

    def ending(kind: str, original: Any) -> Any:
        def traced(self: Any) -> None:
            if self.info.transaction_status != TransactionStatus.IDLE:
                calls.append((id(self), kind, None, None))
            original(self)

        return traced

    cursor.execute, cursor.executemany = traced_execute, traced_executemany  # type: ignore[method-assign]
    connection.commit = ending("commit", commit)  # type: ignore[method-assign]
    connection.rollback = ending("rollback", rollback)  # type: ignore[method-assign]
    try:
        yield
    finally:
        cursor.execute, cursor.executemany = execute, executemany  # type: ignore[method-assign]
        connection.commit, connection.rollback = commit, rollback  # type: ignore[method-assign]


def numbered(calls: list[Call]) -> list[Call]:
    """The calls with each connection named by its order of first use (0, 1, …)."""
    index: dict[int, int] = {}
    return [(index.setdefault(c, len(index)), kind, q, p) for c, kind, q, p in calls]


def conninfo(url: str) -> str:
    """The libpq URI of a SQLAlchemy PostgreSQL URL (``postgresql+psycopg://…``)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


class PostgresTwin(Twin):
    """The web twin on psycopg: each request takes a set of kept connections."""

    def __init__(self, pages: dict[str, Captured], database: str) -> None:
        loaded = {p: replace(c, statements=numbered(c.statements)) for p, c in pages.items()}
        super().__init__(loaded, database)

    def open(self, database: str) -> None:
        import anyio

        self.conninfo = conninfo(database)
        self.idle: list[list[Any]] = []
        self.lock = threading.Lock()
        self.limiter = anyio.CapacityLimiter(POOL)

    def replay(self, statements: list[Any]) -> None:
        import psycopg

        with self.lock:
            connections = self.idle.pop() if self.idle else []
        try:
            for number, kind, query, params in statements:
                while len(connections) <= number:
                    connections.append(psycopg.connect(self.conninfo))
                connection = connections[number]
                if kind in ("commit", "rollback"):
                    getattr(connection, kind)()
                    continue
                with connection.cursor() as cursor:
                    getattr(cursor, kind)(query, params)
                    if kind == "execute" and cursor.description is not None:
                        cursor.fetchall()
        finally:
            with self.lock:
                self.idle.append(connections)

    async def answer(self, path: str) -> bytes | None:
        import anyio.to_thread

        return await anyio.to_thread.run_sync(self.body, path, limiter=self.limiter)


def twin_from_environment() -> PostgresTwin:
    """uvicorn's factory: each worker process loads the capture and opens its own pool."""
    with open(os.environ[CAPTURE_ENV], "rb") as file:
        pages: dict[str, Captured] = pickle.load(file)
    return PostgresTwin(pages, os.environ[DATABASE_ENV])


def main(argv: list[str]) -> None:
    import uvicorn

    capture, database, port = argv
    os.environ.update({CAPTURE_ENV: capture, DATABASE_ENV: database})
    uvicorn.run(
        "benchmarks.web_postgres:twin_from_environment",
        factory=True,
        host="127.0.0.1",
        port=int(port),
        workers=WORKERS,
        log_level="warning",
        access_log=False,
    )


if __name__ == "__main__":
    main(sys.argv[1:])
