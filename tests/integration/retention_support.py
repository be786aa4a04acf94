"""Closed cases full of what retention destroys, and what each case still holds of it,
read straight from the tables (bypassing the use cases)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import text

from pathway import meetings, moves, notes
from pathway.clock import LOCAL
from pathway.context import Kivo
from states.case import Outcome
from states.steps import Step
from tests.integration.support import Staff, engine_of, enrol_case

CLOSED_ON = date(2026, 2, 20)
HELD = {
    "notes": (
        "SELECT count(*) FROM case_note WHERE case_id = :case",
        "SELECT count(*) FROM case_event WHERE case_id = :case AND reason IS NOT NULL",
        "SELECT count(*) FROM followup WHERE case_id = :case "
        "AND (notes IS NOT NULL OR cancel_reason IS NOT NULL)",
        "SELECT count(*) FROM placement WHERE case_id = :case AND end_reason IS NOT NULL",
        "SELECT count(*) FROM proposal WHERE case_id = :case AND reason IS NOT NULL",
    ),
    "meetings": ("SELECT count(*) FROM meeting WHERE case_id = :case AND notes IS NOT NULL",),
    "reminders": ("SELECT count(*) FROM reminder WHERE case_id = :case",),
    "access_log": ("SELECT count(*) FROM access_log WHERE case_id = :case",),
    "history": ("SELECT count(*) FROM case_event WHERE case_id = :case",),
    "placements": ("SELECT count(*) FROM placement WHERE case_id = :case",),
}


def closed_case(kivo: Kivo, staff: Staff, name: str = "Anna Andersson") -> int:
    """A case with a reason, a note, a meeting's notes, reminders and access-log rows,
    closed on ``CLOSED_ON``."""
    by = staff.caseworker
    case_id = enrol_case(kivo, staff, name=name)
    moves.advance(kivo, case_id, Step.STUDY_PREP, on=date(2026, 2, 2), by=by)
    moves.pause(kivo, case_id, on=date(2026, 2, 9), reason=f"{name} sjuk", by=by)
    notes.add_note(kivo, case_id, f"Ringde {name}", by=by)
    at = datetime(2026, 2, 10, 10, tzinfo=LOCAL)
    meeting = meetings.schedule_meeting(kivo, case_id, at, by=by)
    meetings.record_meeting(kivo, meeting.id, "held", notes=f"{name} trivs", by=by)
    moves.exit_case(kivo, case_id, outcome=Outcome.STUDIES, on=CLOSED_ON, by=by)
    return case_id


def held(url: str, case_id: int) -> dict[str, int]:
    """How many records of each kind the case holds."""
    with engine_of(url).connect() as connection:
        return {
            kind: sum(connection.execute(text(q), {"case": case_id}).scalar_one() for q in queries)
            for kind, queries in HELD.items()
        }


def removals(url: str) -> list[tuple[int, str, str, dict[str, int]]]:
    """The destruction records: case, kind, decision, counts."""
    import json

    with engine_of(url).connect() as connection:
        rows = connection.execute(
            text("SELECT case_id, kind, decision, counts FROM data_removal ORDER BY case_id, id")
        ).all()
    return [
        (case, kind, decision, counts if isinstance(counts, dict) else json.loads(counts))
        for case, kind, decision, counts in rows
    ]
