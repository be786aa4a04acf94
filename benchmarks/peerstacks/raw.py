"""The raw twin: ``sqlite3`` or ``psycopg``, the statements written by hand."""

from __future__ import annotations

import sqlite3
from typing import Any

from benchmarks.peerstacks.common import (
    FROM_STATE,
    MOVED_AT,
    SQLITE_PRAGMAS,
    TO_STATE,
    Refused,
    arguments,
    libpq,
    run,
    sqlite_path,
)


def main() -> None:
    url, first, count = arguments()
    path = sqlite_path(url)
    conn: Any
    if path is not None:
        conn = sqlite3.connect(path, isolation_level=None)
        for pragma in SQLITE_PRAGMAS:
            conn.execute(pragma)
        mark, begin = "?", "BEGIN IMMEDIATE"
    else:
        import psycopg

        conn = psycopg.connect(libpq(url), autocommit=True)
        mark, begin = "%s", "BEGIN"
    load = f"SELECT state, version FROM peer_case WHERE id = {mark}"
    update = (
        f"UPDATE peer_case SET state = {mark}, version = {mark} "
        f"WHERE id = {mark} AND version = {mark}"
    )
    append = (
        "INSERT INTO peer_history (case_id, from_state, to_state, at) "
        f"VALUES ({mark}, {mark}, {mark}, {mark})"
    )
    conn.execute(f"SELECT count(*) FROM peer_case WHERE id = {mark}", (first,)).fetchone()

    def move(case_id: int) -> None:
        conn.execute(begin)
        try:
            state, version = conn.execute(load, (case_id,)).fetchone()
            if state != FROM_STATE:
                raise Refused(f"case {case_id} is {state}")
            if conn.execute(update, (TO_STATE, version + 1, case_id, version)).rowcount != 1:
                raise Refused(f"case {case_id} changed meanwhile")
            conn.execute(append, (case_id, state, TO_STATE, MOVED_AT))
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    run("raw", move, first, count)
    conn.close()


if __name__ == "__main__":
    main()
