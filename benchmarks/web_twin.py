"""The web scenario's twin: a bare ASGI application that answers the same addresses as
``kivo serve`` by replaying, on the bare driver, the SQL statements kivo ran for that
page (captured once, in order, parameters inlined) and rendering the same template with
the context kivo rendered it with.

What the twin leaves out is exactly kivo's own work per request: FastAPI's routing and
dependencies, the session, the unit of work, mapping rows to records, the rules that
judge the next moves, and building the view. What it keeps is the database's and the
template's work, so ``kivo / twin`` is the cost of those layers.

``python -m benchmarks.web_twin CAPTURE DATABASE PORT`` serves it with uvicorn.
"""

from __future__ import annotations

import pickle
import sqlite3
import sys
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Captured:
    """One page as kivo served it: the statements it ran and what it rendered."""

    path: str
    statements: list[Any]  # SQL texts (sqlite3's trace); on PostgreSQL web_postgres.Call
    template: str
    context: dict[str, Any]


class Twin:
    def __init__(self, pages: dict[str, Captured], database: str) -> None:
        from web.render import environment

        self.pages = pages
        self.templates = {
            p.template: environment().get_template(p.template) for p in pages.values()
        }
        self.open(database)

    def open(self, database: str) -> None:
        self.db = sqlite3.connect(database, isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA busy_timeout = 5000")

    def replay(self, statements: list[Any]) -> None:
        execute = self.db.execute
        for statement in statements:
            execute(statement).fetchall()

    def body(self, path: str) -> bytes | None:
        captured = self.pages.get(path)
        if captured is None:
            return None
        self.replay(captured.statements)
        html = self.templates[captured.template].render(request=None, **captured.context)
        return html.encode()

    async def answer(self, path: str) -> bytes | None:
        """On the event loop, as the SQLite twin always did (one connection, one at a time)."""
        return self.body(path)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while (await receive())["type"] != "lifespan.shutdown":
                await send({"type": "lifespan.startup.complete"})
            await send({"type": "lifespan.shutdown.complete"})
            return
        body = await self.answer(scope["path"])
        status = 200 if body is not None else 404
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(b"content-type", b"text/html; charset=utf-8")],
            }
        )
        await send({"type": "http.response.body", "body": body or b""})


def main(argv: list[str]) -> None:
    import uvicorn

    capture, database, port = argv
    with open(capture, "rb") as file:
        pages: dict[str, Captured] = pickle.load(file)
    twin = Twin(pages, database)
    uvicorn.run(twin, host="127.0.0.1", port=int(port), log_level="warning", access_log=False)


if __name__ == "__main__":
    main(sys.argv[1:])
