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

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time

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
