"""The raw-SQL twins of kivo's use cases: the same reads and writes, statement for
statement, through ``sqlite3`` or ``psycopg`` — the floor kivo is measured against.

Each twin reads what kivo reads to judge a move (the case, its person, its history, the
meetings held in the step, its placements), writes what kivo writes (the case row with
its version check, the placement, follow-ups and their reminders, the history event) in
the same transactions, with the same statements: a move reads its open follow-ups once,
cancels them with one executemany, inserts its follow-ups in one multi-row ``INSERT …
RETURNING id`` and queues their reminders with one read and one executemany; a batch
reads each chunk set-based and writes it with one statement per table. What it leaves
out is only what is not SQL: the rule engine's verdict is reduced to the one check that
matters for the benchmark's moves (the case is where the move may start).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from benchmarks.rawsql import RawDatabase
from pathway.clock import LOCAL
from states.schedule import Planned, ReminderPolicy

OPEN = ("pending", "suspended")
INSERT_ROWS = 500  # rows per multi-row INSERT: within SQLite's limit on parameters


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
    """One advance, one transaction (kivo: ``pathway.moves.advance``): the reads one by
    one, the follow-ups in one insert, their reminders in one executemany."""
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
    """Advance many cases, one transaction per chunk, set-based (kivo: ``pathway.batch``).

    Per chunk, as kivo: the actor, then the chunk's cases, people, histories, held
    meetings and placements in one ``IN (…)`` query each; the check per case in Python;
    then the moved cases by a versioned ``UPDATE`` executemany (its row count checked),
    their open placements closed and open items cancelled (one read of the open items,
    executemany updates, one ``UPDATE`` of their pending reminders), the new placements
    and follow-ups each in one multi-row ``INSERT … RETURNING id``, their reminders by one
    read of what is queued and one executemany, the events after one read of each case's
    last ``seq``, by one executemany.
    """
    moved = 0
    for start in range(0, len(case_ids), chunk):
        db.begin()
        try:
            if move.by is not None:
                db.one("SELECT id, active, role FROM caseworker WHERE id = ?", (move.by,))
            moved += _advance_chunk(db, list(dict.fromkeys(case_ids[start : start + chunk])), move)
        except BaseException:
            db.rollback()
            raise
        db.commit()
    return moved


def _advance_chunk(db: RawDatabase, ids: list[int], move: RawMove) -> int:
    marks = _marks(ids)
    cases = {
        row[0]: row
        for row in db.rows(
            "SELECT id, person_id, state, paused_from, consent_on, last_move_on, version, "
            f"step FROM kivo_case WHERE id IN ({marks})",
            ids,
        )
    }
    people = sorted({case[1] for case in cases.values()})
    db.rows(
        "SELECT id, personnummer, gender, birth_year, groups FROM person "
        f"WHERE id IN ({_marks(people)})",
        people,
    )
    entered: dict[int, date] = {}
    for case_id, kind, to_state, on in db.rows(
        f'SELECT case_id, kind, to_state, "on" FROM case_event WHERE case_id IN ({marks}) '
        "ORDER BY case_id, seq",
        ids,
    ):
        if kind in ("advanced", "fell_back") and to_state == cases[case_id][2]:
            entered[case_id] = max(entered.get(case_id, _day(on)), _day(on))
    held: dict[int, int] = {}
    for case_id, at in db.rows(
        f"SELECT case_id, at FROM meeting WHERE case_id IN ({marks}) AND status = 'held'", ids
    ):
        since = entered.get(case_id)
        if since is not None and _utc(at) >= datetime.combine(since, time(), LOCAL):
            held[case_id] = held.get(case_id, 0) + 1
    open_placements = [
        (row[0], row[1])
        for row in db.rows(
            "SELECT id, case_id, step, workplace_id, start, ended_on, planned_end FROM "
            f"placement WHERE case_id IN ({marks}) ORDER BY case_id, start, id",
            ids,
        )
        if row[5] is None
    ]
    moving = [
        cases[case_id]
        for case_id in ids
        if case_id in cases
        and not (
            cases[case_id][2] == move.to_slug
            or cases[case_id][2] in ("exited", "paused")
            or cases[case_id][4] is None
        )
    ]
    if not moving:
        return 0
    moved_ids = [case[0] for case in moving]
    changed = _many(
        db,
        "UPDATE kivo_case SET state = ?, step = ?, paused_from = NULL, last_move_on = ?, "
        "version = ? WHERE id = ? AND version = ?",
        [(move.to_slug, move.to_number, move.on, case[6] + 1, case[0], case[6]) for case in moving],
    )
    if changed != len(moving):
        raise RuntimeError("a case changed meanwhile")
    moved_set = set(moved_ids)
    _many(
        db,
        "UPDATE placement SET ended_on = ?, end_reason = 'advanced' WHERE id = ?",
        [(move.on, ident) for ident, case_id in open_placements if case_id in moved_set],
    )
    kept = _cancel_open(db, moved_ids, move)
    placement_ids: dict[int, int | None] = dict.fromkeys(moved_ids)
    if move.placement:
        placement_ids = dict(
            zip(
                moved_ids,
                _insert_many(
                    db,
                    "placement",
                    "case_id, step, workplace_id, supervisor_id, programme, start, planned_end",
                    [
                        (
                            case_id,
                            move.to_number,
                            None,
                            move.supervisor_id,
                            move.programme,
                            move.on,
                            move.until,
                        )
                        for case_id in moved_ids
                    ],
                ),
                strict=True,
            )
        )
    _plan(db, [(case_id, placement_ids[case_id], kept[case_id]) for case_id in moved_ids], move)
    last = dict(
        db.rows(
            "SELECT case_id, max(seq) FROM case_event "
            f"WHERE case_id IN ({_marks(moved_ids)}) GROUP BY case_id",
            moved_ids,
        )
    )
    _many(
        db,
        'INSERT INTO case_event (case_id, seq, kind, from_state, to_state, "on", '
        "recorded_at, actor_id, reason, warnings, overrides, data) "
        "VALUES (?, ?, 'advanced', ?, ?, ?, ?, ?, NULL, ?, ?, ?)",
        [
            (
                case[0],
                (last.get(case[0]) or 0) + 1,
                case[2],
                move.to_slug,
                move.on,
                move.now,
                move.by,
                [],
                [],
                _event_data(move, None, placement_ids[case[0]]),
            )
            for case in moving
        ],
    )
    return len(moving)


def _cancel_open(db: RawDatabase, case_ids: list[int], move: RawMove) -> dict[int, set[str]]:
    """Cancel the cases' open items that are not kept (one read, one executemany, one
    UPDATE of their reminders); the names of the kept items still open, per case."""
    kept: dict[int, set[str]] = {case_id: set() for case_id in case_ids}
    cancelled: list[int] = []
    for item_id, case_id, name, keep in db.rows(
        "SELECT id, case_id, name, keep FROM followup WHERE case_id IN "
        f"({_marks(case_ids)}) AND status IN (?, ?) ORDER BY case_id, due, id",
        [*case_ids, *OPEN],
    ):
        if keep:
            kept[case_id].add(name)
        else:
            cancelled.append(item_id)
    reason = f"advanced on {move.on.isoformat()}"
    _many(
        db,
        "UPDATE followup SET status = 'cancelled', cancel_reason = ? WHERE id = ?",
        [(reason, item_id) for item_id in cancelled],
    )
    if cancelled:
        db.run(
            f"UPDATE reminder SET status = 'dropped' WHERE followup_id IN ({_marks(cancelled)}) "
            "AND status = 'pending'",
            cancelled,
        )
    return kept


def _plan(
    db: RawDatabase, cases: Sequence[tuple[int, int | None, set[str]]], move: RawMove
) -> None:
    """The planned follow-ups of the moved cases in one multi-row insert, then their
    reminders: one read of what is queued already, one executemany."""
    rows = [
        (
            case_id,
            plan.name,
            plan.kind,
            plan.title,
            plan.due,
            "pending",
            move.to_number,
            placement_id,
            plan.anchor,
            plan.offset_days,
            plan.keep,
        )
        for case_id, placement_id, kept in cases
        for plan in move.planned
        if not (plan.keep and plan.name in kept)
    ]
    item_ids = _insert_many(
        db,
        "followup",
        "case_id, name, kind, title, due, status, step, placement_id, anchor, offset_days, keep",
        rows,
    )
    if not item_ids:
        return
    db.rows(
        f"SELECT id, followup_id, kind, due, status FROM reminder WHERE followup_id IN "
        f"({_marks(item_ids)})",
        item_ids,
    )
    _many(
        db,
        "INSERT INTO reminder (followup_id, case_id, kind, due, send_on, status, attempts) "
        "VALUES (?, ?, ?, ?, ?, 'pending', 0)",
        [
            (item_id, row[0], kind, row[4], send_on)
            for item_id, row in zip(item_ids, rows, strict=True)
            for kind, send_on in move.policy.sends(row[4], move.on)
        ],
    )


def _event_data(
    move: RawMove, workplace_id: int | None, placement_id: int | None
) -> dict[str, object]:
    data: dict[str, object] = {}
    if move.supervisor_id is not None:
        data = {"workplace_id": workplace_id, "supervisor_id": move.supervisor_id}
    if move.programme:
        data["programme"] = move.programme
    if move.until:
        data["until"] = move.until.isoformat()
    if placement_id is not None:
        data["placement_id"] = placement_id
    return data


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
    kept = _cancel_open(db, [case_id], move)
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
    _plan(db, [(case_id, placement_id, kept[case_id])], move)
    last = db.one("SELECT max(seq) FROM case_event WHERE case_id = ?", (case_id,))[0]
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
            _event_data(move, workplace_id, placement_id),
        ),
    )
    return True


def _marks(values: Sequence[object]) -> str:
    return ", ".join("?" * len(values))


def _many(db: RawDatabase, sql: str, rows: Sequence[Sequence[object]]) -> int:
    """One prepared statement executed for every row (the driver's executemany); the
    rows it changed."""
    if not rows:
        return 0
    cursor = db.conn.cursor()
    try:
        cursor.executemany(db._text(sql), [[db.value(value) for value in row] for row in rows])
        return int(cursor.rowcount)
    finally:
        cursor.close()


def _insert_many(
    db: RawDatabase, table: str, columns: str, rows: Sequence[Sequence[object]]
) -> list[int]:
    """One multi-row ``INSERT … RETURNING id``; the ids in the order of ``rows`` (one
    writer: the ids of one statement ascend in its rows' order)."""
    ids: list[int] = []
    for start in range(0, len(rows), INSERT_ROWS):
        part = rows[start : start + INSERT_ROWS]
        values = ", ".join(f"({_marks(row)})" for row in part)
        params = [value for row in part for value in row]
        found = db.rows(f"INSERT INTO {table} ({columns}) VALUES {values} RETURNING id", params)
        ids += sorted(int(row[0]) for row in found)
    return ids


def _utc(value: object) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.fromisoformat(str(value)).replace(tzinfo=UTC)


def _day(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))
