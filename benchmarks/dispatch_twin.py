"""The raw-SQL twin of a reminder dispatch pass (kivo: ``pathway.dispatch.dispatch``
with a ``file:`` notifier): the same claims, reads, appended lines and writes through
``sqlite3`` or ``psycopg``."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from pathlib import Path

from benchmarks.rawsql import RawDatabase


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
