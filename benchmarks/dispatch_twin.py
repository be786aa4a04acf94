"""The raw-SQL twin of a reminder dispatch pass (kivo: ``pathway.dispatch.dispatch``
with a ``file:`` notifier): the same claims, reads, appended lines and writes through
``sqlite3`` or ``psycopg``, with the same group commit per claimed batch."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from pathlib import Path

from benchmarks.rawsql import RawDatabase

BATCH = 500


def dispatch(db: RawDatabase, path: Path, today: date, now: datetime, worker: str) -> int:
    """One dispatch pass (kivo: ``pathway.dispatch.dispatch`` with a ``file:`` notifier):
    per batch of 500, one transaction claims it and reads what the lines need (one
    joined SELECT, plus the coordinator); the batch's lines are appended (one ``write``
    each) and fsynced once; one transaction records them sent (one ``UPDATE … WHERE id
    IN (…)``) and drops those whose follow-up is no longer pending on that date."""
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
            f"ORDER BY send_on, id LIMIT {BATCH}{for_update}) "
            "RETURNING id, followup_id, case_id, kind, due, send_on, attempts",
            (lease, worker, today, now, now),
        )
        if not claimed:
            db.commit()
            return sent
        claimed.sort(key=lambda r: (str(r[5]), r[0]))
        marks = ", ".join("?" * len(claimed))
        found = {
            row[0]: tuple(row)
            for row in db.rows(
                "SELECT r.id, f.title, f.due, f.status, w.id, w.name, w.email, w.active "
                "FROM reminder r JOIN followup f ON f.id = r.followup_id "
                "JOIN kivo_case c ON c.id = r.case_id "
                "LEFT JOIN caseworker w ON w.id = c.caseworker_id "
                f"WHERE r.id IN ({marks})",
                [r[0] for r in claimed],
            )
        }
        coordinator = db.one(
            "SELECT id, name, email FROM caseworker WHERE role = 'coordinator' "
            "AND active ORDER BY id LIMIT 1"
        )
        db.commit()
        lines, done, dropped = [], [], []
        for reminder in claimed:
            _, title, due, status, *worker_row = found[reminder[0]]
            if status != "pending" or str(due) != str(reminder[4]):
                dropped.append(reminder[0])
                continue
            escalation = reminder[3] == "escalation"
            responsible = tuple(worker_row[:3]) if worker_row[0] and worker_row[3] else None
            first, second = (coordinator, responsible) if escalation else (responsible, coordinator)
            to = first or second
            if to is None:  # nobody to tell: left claimed here (kivo records a failure)
                continue
            lines.append(_line(reminder, str(title), to, escalation))
            done.append(reminder[0])
        _append(path, lines)
        db.begin()
        for ids, status in ((done, "sent"), (dropped, "dropped")):
            if ids:
                sent_at = ", sent_at = ?" if status == "sent" else ""
                args: list[object] = [now] if status == "sent" else []
                db.run(
                    f"UPDATE reminder SET status = '{status}'{sent_at}, claimed_until = NULL "
                    f"WHERE id IN ({', '.join('?' * len(ids))}) AND claimed_by = ? "
                    "AND status = 'pending'",
                    (*args, *ids, worker),
                )
        db.commit()
        sent += len(done)


def _line(reminder: Sequence[object], title: str, to: Sequence[object], escalation: bool) -> bytes:
    line = json.dumps(
        {
            "reminder_id": reminder[0],
            "case_id": reminder[2],
            "kind": reminder[3],
            "due": str(reminder[4]),
            "title": title,
            "recipient": {"id": to[0], "name": to[1], "email": to[2]},
            "escalation": escalation,
        },
        ensure_ascii=False,
    )
    return (line + "\n").encode()


def _append(path: Path, lines: list[bytes]) -> None:
    """One ``write`` per line (as kivo's ``FileNotifier.send_many``), one ``fsync``."""
    if not lines:
        return
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        for data in lines:
            os.write(descriptor, data)
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
