"""The raw-SQL twins of kivo's use cases: the same reads and writes, statement for
statement, through ``sqlite3`` or ``psycopg`` — the floor kivo is measured against.

Each twin reads what kivo reads to judge a move (the case, its person, its history, the
meetings held in the step, its placements), writes what kivo writes (the case row with
its version check, the placement, follow-ups and their reminders, the history event) in
the same transactions, and does the same per-reminder work when dispatching. What it
leaves out is only what is not SQL: the rule engine's verdict is reduced to the one check
that matters for the benchmark's moves (the case is where the move may start).
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from benchmarks.rawsql import RawDatabase
from pathway.clock import LOCAL
from states.schedule import Planned, ReminderPolicy

OPEN = ("pending", "suspended")


@dataclass(frozen=True)
class RawMove:
    """An advance as the twin does it: where to, when, and what it plans."""

    to_slug: str
    to_number: int
    on: date
    now: datetime
    planned: Sequence[Planned]
    policy: ReminderPolicy
    until: date | None = None
    programme: str | None = None
    supervisor_id: int | None = None
    by: int | None = None
    placement: bool = False


def single_move(db: RawDatabase, case_id: int, move: RawMove) -> bool:
    """One advance, one transaction (kivo: ``pathway.moves.advance``)."""
    db.begin()
    try:
        workplace_id = None
        if move.supervisor_id is not None:
            lock = "" if db.sqlite else " FOR UPDATE"
            supervisor = db.one(
                "SELECT id, workplace_id, trained_on, capacity, active FROM supervisor "
                f"WHERE id = ?{lock}",
                (move.supervisor_id,),
            )
            workplace_id = supervisor[1]
            db.one("SELECT id, name FROM workplace WHERE id = ?", (workplace_id,))
            load = db.one(
                "SELECT count(id) FROM placement WHERE ended_on IS NULL AND supervisor_id = ? "
                "AND case_id != ?",
                (move.supervisor_id, case_id),
            )[0]
            if load >= supervisor[3]:
                db.rollback()
                return False
        moved = _advance(db, case_id, move, workplace_id, check_actor=True)
    except BaseException:
        db.rollback()
        raise
    if moved:
        db.commit()
    else:
        db.rollback()
    return moved


def batch_move(db: RawDatabase, case_ids: Sequence[int], move: RawMove, chunk: int) -> int:
    """Advance many cases, one transaction per chunk (kivo: ``pathway.batch``)."""
    moved = 0
    for start in range(0, len(case_ids), chunk):
        db.begin()
        try:
            if move.by is not None:
                db.one("SELECT id, active, role FROM caseworker WHERE id = ?", (move.by,))
            for case_id in case_ids[start : start + chunk]:
                moved += _advance(db, case_id, move, None, check_actor=False)
        except BaseException:
            db.rollback()
            raise
        db.commit()
    return moved


def _advance(
    db: RawDatabase, case_id: int, move: RawMove, workplace_id: int | None, *, check_actor: bool
) -> bool:
    case = db.one(
        "SELECT id, person_id, state, paused_from, consent_on, last_move_on, version, step "
        "FROM kivo_case WHERE id = ?",
        (case_id,),
    )
    if check_actor and move.by is not None:
        db.one("SELECT id, active, role FROM caseworker WHERE id = ?", (move.by,))
    db.one(
        "SELECT id, personnummer, gender, birth_year, groups FROM person WHERE id = ?",
        (case[1],),
    )
    events = db.rows(
        'SELECT kind, to_state, "on" FROM case_event WHERE case_id = ? ORDER BY seq',
        (case_id,),
    )
    entered = [e[2] for e in events if e[0] in ("advanced", "fell_back") and e[1] == case[2]]
    if entered:
        since = datetime.combine(_day(max(entered)), time(), LOCAL)
        db.one(
            "SELECT count(*) FROM meeting WHERE case_id = ? AND status = 'held' AND at >= ?",
            (case_id, since),
        )
    db.rows(
        "SELECT step, workplace_id, start, ended_on, planned_end FROM placement "
        "WHERE case_id = ? ORDER BY start, id",
        (case_id,),
    )
    if case[2] == move.to_slug or case[2] in ("exited", "paused") or case[4] is None:
        return False
    changed = db.changed(
        "UPDATE kivo_case SET state = ?, step = ?, paused_from = NULL, last_move_on = ?, "
        "version = ? WHERE id = ? AND version = ?",
        (move.to_slug, move.to_number, move.on, case[6] + 1, case_id, case[6]),
    )
    if changed != 1:
        raise RuntimeError(f"case {case_id} changed meanwhile")
    for (placement_id,) in db.rows(
        "SELECT id FROM placement WHERE case_id = ? AND ended_on IS NULL", (case_id,)
    ):
        db.run(
            "UPDATE placement SET ended_on = ?, end_reason = 'advanced' WHERE id = ?",
            (move.on, placement_id),
        )
    cancelled = []
    reason = f"advanced on {move.on.isoformat()}"
    for item_id, keep in db.rows(
        "SELECT id, keep FROM followup WHERE case_id = ? AND status IN (?, ?) ORDER BY due, id",
        (case_id, *OPEN),
    ):
        if not keep:
            db.run(
                "UPDATE followup SET status = 'cancelled', cancel_reason = ? WHERE id = ?",
                (reason, item_id),
            )
            cancelled.append(item_id)
    if cancelled:
        marks = ", ".join("?" * len(cancelled))
        db.run(
            f"UPDATE reminder SET status = 'dropped' WHERE followup_id IN ({marks}) "
            "AND status = 'pending'",
            cancelled,
        )
    placement_id = None
    if move.placement:
        placement_id = db.insert(
            "INSERT INTO placement (case_id, step, workplace_id, supervisor_id, programme, "
            "start, planned_end) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                case_id,
                move.to_number,
                workplace_id,
                move.supervisor_id,
                move.programme,
                move.on,
                move.until,
            ),
        )
    kept = {
        name
        for name, keep in db.rows(
            "SELECT name, keep FROM followup WHERE case_id = ? AND status IN (?, ?) "
            "ORDER BY due, id",
            (case_id, *OPEN),
        )
        if keep
    }
    for plan in move.planned:
        if plan.keep and plan.name in kept:
            continue
        item_id = db.insert(
            "INSERT INTO followup (case_id, name, kind, title, due, status, step, "
            "placement_id, anchor, offset_days, keep) VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, "
            "?, ?, ?)",
            (
                case_id,
                plan.name,
                plan.kind,
                plan.title,
                plan.due,
                move.to_number,
                placement_id,
                plan.anchor,
                plan.offset_days,
                plan.keep,
            ),
        )
        for kind, send_on in move.policy.sends(plan.due, move.on):
            db.one(
                "SELECT id, status FROM reminder WHERE followup_id = ? AND kind = ? AND due = ?",
                (item_id, kind, plan.due),
            )
            db.insert(
                "INSERT INTO reminder (followup_id, case_id, kind, due, send_on, status, "
                "attempts) VALUES (?, ?, ?, ?, ?, 'pending', 0)",
                (item_id, case_id, kind, plan.due, send_on),
            )
    last = db.one("SELECT max(seq) FROM case_event WHERE case_id = ?", (case_id,))[0]
    data: dict[str, object] = {}
    if move.supervisor_id is not None:
        data = {"workplace_id": workplace_id, "supervisor_id": move.supervisor_id}
    if move.programme:
        data["programme"] = move.programme
    if move.until:
        data["until"] = move.until.isoformat()
    if placement_id is not None:
        data["placement_id"] = placement_id
    db.insert(
        'INSERT INTO case_event (case_id, seq, kind, from_state, to_state, "on", '
        "recorded_at, actor_id, reason, warnings, overrides, data) "
        "VALUES (?, ?, 'advanced', ?, ?, ?, ?, ?, NULL, ?, ?, ?)",
        (
            case_id,
            (last or 0) + 1,
            case[2],
            move.to_slug,
            move.on,
            move.now,
            move.by,
            [],
            [],
            data,
        ),
    )
    return True


def _day(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def dispatch(db: RawDatabase, path: Path, today: date, now: datetime, worker: str) -> int:
    """One dispatch pass (kivo: ``pathway.dispatch.dispatch`` with a ``file:`` notifier):
    claim 500 at a time in one statement, then for each, one line appended and fsynced,
    and its own transaction recording it sent."""
    sent = 0
    lease = now + timedelta(minutes=5)
    for_update = "" if db.sqlite else " FOR UPDATE SKIP LOCKED"
    while True:
        db.begin()
        claimed = db.rows(
            "UPDATE reminder SET claimed_until = ?, claimed_by = ?, attempts = attempts + 1 "
            "WHERE id IN (SELECT id FROM reminder WHERE status = 'pending' AND send_on <= ? "
            "AND (claimed_until IS NULL OR claimed_until < ?) "
            "AND (next_attempt_at IS NULL OR next_attempt_at <= ?) "
            f"ORDER BY send_on, id LIMIT 500{for_update}) "
            "RETURNING id, followup_id, case_id, kind, due, send_on, status, attempts, "
            "next_attempt_at, claimed_until, claimed_by, sent_at, last_error",
            (lease, worker, today, now, now),
        )
        if not claimed:
            db.commit()
            return sent
        claimed.sort(key=lambda r: (str(r[5]), r[0]))
        followups = _by_id(
            db,
            "SELECT id, case_id, name, kind, title, due, status FROM followup WHERE id IN",
            {r[1] for r in claimed},
        )
        cases = _by_id(
            db, "SELECT id, caseworker_id FROM kivo_case WHERE id IN", {r[2] for r in claimed}
        )
        workers = _by_id(
            db,
            "SELECT id, name, email, role, active FROM caseworker WHERE id IN",
            {int(str(c[1])) for c in cases.values() if c[1] is not None},
        )
        coordinator = db.one(
            "SELECT id, name, email, role, active FROM caseworker WHERE role = 'coordinator' "
            "AND active ORDER BY id LIMIT 1"
        )
        db.commit()
        for reminder in claimed:
            item = followups[reminder[1]]
            if item[6] != "pending" or str(item[5]) != str(reminder[4]):
                continue
            responsible = cases[reminder[2]][1]
            found = workers.get(int(str(responsible))) if responsible is not None else None
            worker_row = found or coordinator
            _append(path, reminder, item, worker_row)
            db.begin()
            db.run(
                "UPDATE reminder SET status = 'sent', sent_at = ?, claimed_until = NULL "
                "WHERE id = ? AND claimed_by = ? AND status = 'pending'",
                (now, reminder[0], worker),
            )
            db.commit()
            sent += 1


def _by_id(db: RawDatabase, sql: str, ids: set[int]) -> dict[int, tuple[object, ...]]:
    if not ids:
        return {}
    marks = ", ".join("?" * len(ids))
    return {row[0]: tuple(row) for row in db.rows(f"{sql} ({marks})", sorted(ids))}


def _append(
    path: Path, reminder: Sequence[object], item: Sequence[object], to: Sequence[object]
) -> None:
    line = json.dumps(
        {
            "reminder_id": reminder[0],
            "case_id": reminder[2],
            "kind": reminder[3],
            "due": str(reminder[4]),
            "title": item[4],
            "recipient": {"id": to[0], "name": to[1], "email": to[2]},
            "escalation": reminder[3] == "escalation",
        },
        ensure_ascii=False,
    )
    data = (line + "\n").encode()
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(descriptor, data)
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def utc(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour), UTC)


IMPORT_COLUMNS = (
    "name",
    "personnummer",
    "gender",
    "birth_year",
    "groups",
    "caseworker",
    "enrolled_on",
    "step",
    "consent_on",
    "step_on",
)


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
