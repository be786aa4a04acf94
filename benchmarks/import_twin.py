"""The raw-SQL twin of a participant import (kivo: ``pathway.importing``): the same CSV
parsing, people, cases and enrolment history written through ``sqlite3`` or
``psycopg``, in the same chunks and one transaction."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

from benchmarks.rawsql import RawDatabase
from states.import_rows import REQUIRED_COLUMNS

IMPORT_COLUMNS = (*REQUIRED_COLUMNS, "step_on")  # the columns the benchmark files carry


def import_csv(db: RawDatabase, path: Path, recorded_at: datetime, chunk: int = 2000) -> int:
    """Import a participants CSV (kivo: ``pathway.importing.import_file``): one
    transaction; per chunk, which personnummer are stored already, then multi-row
    INSERT … RETURNING of people and cases, and the history in one executemany."""
    import csv

    written = 0
    db.begin()
    try:
        with path.open(encoding="utf-8-sig", newline="") as file:
            reader = csv.reader(file, delimiter=";")
            header = [cell.strip().lower() for cell in next(reader)]
            where = {name: header.index(name) for name in IMPORT_COLUMNS}
            pending: list[list[str]] = []
            for cells in reader:
                pending.append(cells)
                if len(pending) >= chunk:
                    written += _import_chunk(db, pending, where, recorded_at)
                    pending = []
            written += _import_chunk(db, pending, where, recorded_at)
    except BaseException:
        db.rollback()
        raise
    db.commit()
    return written


SLUGS = {1: "information", 2: "short-practice", 3: "study-practice", 4: "study-prep"}


def _import_chunk(
    db: RawDatabase, rows: list[list[str]], where: dict[str, int], recorded_at: datetime
) -> int:
    if not rows:
        return 0
    parsed = []
    for cells in rows:
        step = cells[where["step"]].strip()
        consent = cells[where["consent_on"]].strip()
        enrolled_on = date.fromisoformat(cells[where["enrolled_on"]])
        step_on = cells[where["step_on"]].strip()
        groups = [g for g in cells[where["groups"]].split("|") if g]
        parsed.append(
            (
                cells[where["name"]].strip(),
                cells[where["personnummer"]].replace("-", "").strip(),
                cells[where["gender"]].strip(),
                int(cells[where["birth_year"]]),
                groups,
                int(cells[where["caseworker"]]),
                enrolled_on,
                int(step) if step else None,
                date.fromisoformat(consent) if consent else None,
                date.fromisoformat(step_on) if step_on else enrolled_on,
            )
        )
    digits = [row[1] for row in parsed]
    if db.sqlite:
        marks = ", ".join("?" * len(digits))
        stored = db.rows(
            f"SELECT personnummer, id FROM person WHERE personnummer IN ({marks})", digits
        )
    else:
        stored = list(
            db.conn.execute(
                "SELECT personnummer, id FROM person WHERE personnummer = ANY(%s)", [digits]
            ).fetchall()
        )
    if stored:
        raise ValueError(f"{len(stored)} personnummer are stored already")
    if not db.sqlite:
        return _import_chunk_postgres(db, parsed, recorded_at)
    people = _insert_many(
        db,
        "person (name, personnummer, gender, birth_year, groups)",
        [(r[0], r[1], r[2], r[3], r[4]) for r in parsed],
    )
    cases = _insert_many(
        db,
        "kivo_case (person_id, state, step, paused_from, caseworker_id, opened_on, closed_on, "
        "outcome, consent_on, last_move_on, version)",
        [
            (
                person,
                SLUGS[r[7]] if r[7] else "enrolled",
                r[7],
                None,
                r[5],
                r[6],
                None,
                None,
                r[8],
                r[9] if r[7] else r[6],
                2 if r[7] else 1,
            )
            for r, person in zip(parsed, people, strict=True)
        ],
    )
    events = _history(db, parsed, cases, recorded_at)
    statement = (
        'INSERT INTO case_event (case_id, seq, kind, from_state, to_state, "on", recorded_at, '
        "warnings, overrides, data) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    )
    if db.sqlite:
        db.conn.executemany(statement, events)
    else:  # one round trip per 1,000 rows, as SQLAlchemy's insertmanyvalues does
        head, _, row = statement.partition(" VALUES ")
        for start in range(0, len(events), 1000):
            part = events[start : start + 1000]
            flat = [value for values in part for value in values]
            db.conn.execute(
                f"{head} VALUES {', '.join([row] * len(part))}".replace("?", "%s"), flat
            )
    return len(parsed)


def _history(
    db: RawDatabase, parsed: list[Any], cases: list[int], recorded_at: datetime
) -> list[list[Any]]:
    """enrolled, consent and the advance, in date order, seq from 1 (as kivo's import)."""
    events: list[list[Any]] = []
    for r, case_id in zip(parsed, cases, strict=True):
        mark = {"imported": True, "source": "raw", "line": 0}
        history: list[tuple[date, int, str, str | None, str | None]] = [
            (r[6], 0, "enrolled", None, "enrolled")
        ]
        if r[8] is not None:
            history.append((r[8], 1, "consent", None, None))
        if r[7]:
            history.append((r[9], 2, "advanced", "enrolled", SLUGS[r[7]]))
        history.sort(key=lambda h: (h[0], h[1]))
        for seq, (on, _, kind, source, target) in enumerate(history, start=1):
            values: tuple[object, ...] = (
                case_id,
                seq,
                kind,
                source,
                target,
                on,
                recorded_at,
                [],
                [],
                mark,
            )
            events.append([db.value(v) for v in values])
    return events


def _import_chunk_postgres(db: RawDatabase, parsed: list[Any], recorded_at: datetime) -> int:
    """PostgreSQL's fastest plain route: INSERT … SELECT FROM unnest(arrays) RETURNING id
    for people and cases, COPY for the history."""
    columns = list(zip(*parsed, strict=True))
    people = sorted(
        row[0]
        for row in db.conn.execute(
            "INSERT INTO person (name, personnummer, gender, birth_year, groups) "
            "SELECT n, p, g, b, gr::json FROM unnest(%s::text[], %s::text[], %s::text[], "
            "%s::int[], %s::text[]) AS t(n, p, g, b, gr) RETURNING id",
            [
                list(columns[0]),
                list(columns[1]),
                list(columns[2]),
                list(columns[3]),
                [json.dumps(groups) for groups in columns[4]],
            ],
        ).fetchall()
    )
    steps = list(columns[7])
    cases = sorted(
        row[0]
        for row in db.conn.execute(
            "INSERT INTO kivo_case (person_id, state, step, caseworker_id, opened_on, "
            "consent_on, last_move_on, version) SELECT * FROM unnest(%s::int[], %s::text[], "
            "%s::int[], %s::int[], %s::date[], %s::date[], %s::date[], %s::int[]) RETURNING id",
            [
                people,
                [SLUGS[s] if s else "enrolled" for s in steps],
                steps,
                list(columns[5]),
                list(columns[6]),
                list(columns[8]),
                [r[9] if r[7] else r[6] for r in parsed],
                [2 if s else 1 for s in steps],
            ],
        ).fetchall()
    )
    events = _history(db, parsed, cases, recorded_at)
    with (
        db.conn.cursor() as cursor,
        cursor.copy(
            'COPY case_event (case_id, seq, kind, from_state, to_state, "on", recorded_at, '
            "warnings, overrides, data) FROM STDIN"
        ) as copy,
    ):
        for values in events:
            copy.write_row([json.dumps(v.obj) if hasattr(v, "obj") else v for v in values])
    return len(parsed)


def _insert_many(db: RawDatabase, into: str, rows: list[tuple[object, ...]]) -> list[int]:
    """One multi-row INSERT … RETURNING id; ids in the order of ``rows``."""
    width = len(rows[0])
    one = "(" + ", ".join("?" * width) + ")"
    values = ", ".join([one] * len(rows))
    params = [value for row in rows for value in row]
    found = db.rows(f"INSERT INTO {into} VALUES {values} RETURNING id", params)
    return sorted(int(row[0]) for row in found)
