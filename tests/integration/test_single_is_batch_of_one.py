"""A single move is the move pipeline with one case, a batch the same pipeline with many:
for the same moves of twin cases they leave identical rows (cases, events, placements,
follow-ups, reminders, meetings; compared without ids and recording moments), on SQLite
and PostgreSQL, for light moves, heavy ones (a placement under a programme with its
follow-ups and reminders), a fixed-term stay with an earlier one at another workplace of
the same employer, pauses, resumes, falls back, exits, and refusals."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from pathway import batch, directory, meetings, moves, pipeline
from pathway.bootstrap import bootstrap
from pathway.context import Kivo
from pathway.errors import Refused
from pathway.pipeline import Request
from persistence.tables import FollowupRow, MeetingRow, PlacementRow, ReminderRow
from states.case import Move, MoveKind, Outcome
from states.fixed_term import SAVA
from states.ruleset import default_rules_text
from states.steps import Step
from tests.integration.support import Staff, engine_of, enrol_case, events_of, stored_case

ENROLLED_ON = date(2026, 1, 12)
FIRST = date(2026, 1, 19)
LATER = date(2026, 2, 16)
TODAY = date(2026, 3, 2)
NOW = "2026-03-02T09:00:00"


def stored(kivo: Kivo, case_id: int) -> dict[str, Any]:
    """Every row a move can leave of a case, ids replaced by their order in the case."""
    with Session(engine_of(kivo.database)) as session:
        placements = session.exec(
            select(PlacementRow)
            .where(PlacementRow.case_id == case_id)
            .order_by(col(PlacementRow.id))
        ).all()
        items = session.exec(
            select(FollowupRow).where(FollowupRow.case_id == case_id).order_by(col(FollowupRow.id))
        ).all()
        reminders = session.exec(
            select(ReminderRow).where(ReminderRow.case_id == case_id).order_by(col(ReminderRow.id))
        ).all()
        booked = session.exec(
            select(MeetingRow).where(MeetingRow.case_id == case_id).order_by(col(MeetingRow.id))
        ).all()
    placement_no = {p.id: n for n, p in enumerate(placements)}
    item_no = {f.id: n for n, f in enumerate(items)}
    meeting_no = {m.id: n for n, m in enumerate(booked)}
    numbered = {"items": item_no, "added": item_no, "ended": placement_no, "meetings": meeting_no}

    def in_case(key: str, value: Any) -> Any:
        """An event's data with the ids it names (its placement, and what its move wrote,
        for a correction) numbered in the case, as the rows are."""
        if key == "placement_id":
            return placement_no[value]
        if key != "undo":
            return value
        return {
            part: [
                [numbered[part][found[0]], *found[1:]]
                if isinstance(found, list)
                else numbered[part][found]
                for found in written
            ]
            if part in numbered
            else written
            for part, written in value.items()
        }

    case = stored_case(kivo, case_id)
    return {
        "case": (
            case.state,
            case.step,
            case.paused_from,
            case.closed_on,
            case.outcome,
            case.consent_on,
            case.last_move_on,
            case.version,
        ),
        "placements": [
            (
                p.step,
                p.start,
                p.workplace_id,
                p.supervisor_id,
                p.programme,
                p.planned_end,
                p.ended_on,
                p.end_reason,
                p.employment_kind,
            )
            for p in placements
        ],
        "items": [
            (
                f.name,
                f.kind,
                f.due,
                f.status,
                f.step,
                placement_no.get(f.placement_id),
                f.anchor,
                f.offset_days,
                f.keep,
                f.suspended_on,
                f.cancel_reason,
            )
            for f in items
        ],
        "reminders": sorted(
            (item_no[r.followup_id], r.kind, r.due, r.send_on, r.status) for r in reminders
        ),
        "meetings": [(m.status, m.notes) for m in booked],
        "events": [
            (
                e.seq,
                e.kind,
                e.on,
                e.from_state,
                e.to_state,
                e.actor_id,
                e.reason,
                e.warnings,
                e.overrides,
                {key: in_case(key, value) for key, value in e.data.items()},
            )
            for e in events_of(kivo, case_id)
        ],
    }


@dataclass(frozen=True)
class Twin:
    """A move given once through ``pathway.moves`` and once as a request in a batch."""

    name: str
    prepare: Callable[[Kivo, Staff, str], int]
    single: Callable[[Kivo, Staff, int], object]
    request: Callable[[Staff, int], Request]


def _enrolled(kivo: Kivo, staff: Staff, name: str) -> int:
    return enrol_case(kivo, staff, name=name, on=ENROLLED_ON)


def _unconsented(kivo: Kivo, staff: Staff, name: str) -> int:
    return enrol_case(kivo, staff, name=name, on=ENROLLED_ON, consent=False)


def _informed(kivo: Kivo, staff: Staff, name: str) -> int:
    case_id = _enrolled(kivo, staff, name)
    moves.advance(kivo, case_id, Step.INFORMATION, on=FIRST, by=staff.caseworker)
    return case_id


def _in_practice(kivo: Kivo, staff: Staff, name: str) -> int:
    case_id = _informed(kivo, staff, name)
    moves.advance(
        kivo,
        case_id,
        Step.SHORT_PRACTICE,
        on=LATER,
        supervisor_id=staff.supervisor,
        programme="PRAKTIK",
        until=LATER + timedelta(days=60),
        by=staff.caseworker,
    )
    return case_id


def _paused(kivo: Kivo, staff: Staff, name: str) -> int:
    case_id = _in_practice(kivo, staff, name)
    moves.pause(kivo, case_id, reason="ill", on=LATER + timedelta(days=3))
    return case_id


def _employed(kivo: Kivo, staff: Staff, name: str) -> int:
    """In permanent employment (step 9), with a meeting still booked."""
    case_id = _informed(kivo, staff, name)
    moves.advance(kivo, case_id, Step.PERMANENT, on=LATER, workplace_id=staff.workplace)
    meetings.schedule_meeting(
        kivo, case_id, datetime(2026, 3, 20, 9, tzinfo=UTC), supervisor_id=staff.supervisor
    )
    return case_id


def _after_a_stay(kivo: Kivo, staff: Staff, name: str) -> int:
    """Back in step 1 after ten months fixed-term at the employer's first workplace."""
    case_id = enrol_case(kivo, staff, name=name, on=date(2024, 1, 8))
    moves.advance(kivo, case_id, Step.INFORMATION, on=date(2024, 1, 15))
    start, end = date(2024, 2, 1), date(2024, 12, 1)
    moves.advance(kivo, case_id, Step.FIXED_TERM, on=start, workplace_id=staff.workplace, until=end)
    moves.fall_back(kivo, case_id, Step.INFORMATION, reason="contract ended", on=end)
    return case_id


def _same_employer(kivo: Kivo) -> int:
    """Another workplace of the first workplace's employer (spelled differently)."""
    found = directory.add_workplace(kivo, "Bageriet i Slite", employer="bageriet  ab")
    assert found.id is not None
    return found.id


def _advance(to: Step, **details: Any) -> Callable[[Staff, int], Request]:
    def request(staff: Staff, case_id: int) -> Request:
        return Request(case_id, Move(MoveKind.ADVANCE, on=TODAY, to=to, **details))

    return request


TWINS = [
    Twin(
        "light",
        _enrolled,
        lambda k, s, c: moves.advance(k, c, Step.INFORMATION, on=TODAY, by=s.caseworker),
        _advance(Step.INFORMATION),
    ),
    Twin(
        "into study preparation (follow-ups)",
        _informed,
        lambda k, s, c: moves.advance(k, c, Step.STUDY_PREP, on=TODAY, by=s.caseworker),
        _advance(Step.STUDY_PREP),
    ),
    Twin(
        "refused: no consent",
        _unconsented,
        lambda k, s, c: moves.advance(
            k, c, Step.PERMANENT, on=TODAY, workplace_id=s.workplace, by=s.caseworker
        ),
        lambda s, c: Request(
            c, Move(MoveKind.ADVANCE, on=TODAY, to=Step.PERMANENT, workplace_id=s.workplace)
        ),
    ),
    Twin(
        "pause",
        _in_practice,
        lambda k, s, c: moves.pause(k, c, reason="ill", on=TODAY, by=s.caseworker),
        lambda s, c: Request(c, Move(MoveKind.PAUSE, on=TODAY, reason="ill")),
    ),
    Twin(
        "resume",
        _paused,
        lambda k, s, c: moves.resume(k, c, on=TODAY, by=s.caseworker),
        lambda s, c: Request(c, Move(MoveKind.RESUME, on=TODAY)),
    ),
    Twin(
        "fall back",
        _in_practice,
        lambda k, s, c: moves.fall_back(
            k, c, Step.INFORMATION, reason="r", on=TODAY, by=s.caseworker
        ),
        lambda s, c: Request(
            c, Move(MoveKind.FALL_BACK, on=TODAY, to=Step.INFORMATION, reason="r")
        ),
    ),
    Twin(
        "exit from employment",
        _employed,
        lambda k, s, c: moves.exit_case(k, c, outcome=Outcome.EMPLOYED, on=TODAY, by=s.caseworker),
        lambda s, c: Request(c, Move(MoveKind.EXIT, on=TODAY, outcome=Outcome.EMPLOYED)),
    ),
]


def _fixed_term_twin(other: int) -> Twin:
    until = TODAY + timedelta(days=120)
    return Twin(
        "fixed term after a stay with the same employer",
        _after_a_stay,
        lambda k, s, c: moves.advance(
            k, c, Step.FIXED_TERM, on=TODAY, workplace_id=other, until=until, by=s.caseworker
        ),
        _advance(Step.FIXED_TERM, workplace_id=other, until=until, employment_kind=SAVA),
    )


def _outcome(call: Callable[[], object]) -> tuple[str, ...]:
    """A move's refusal codes (empty when it moved)."""
    try:
        call()
    except Refused as refused:
        return tuple(v.code for v in refused.violations if v.blocking)
    return ()


def test_single_moves_and_one_batch_of_the_same_moves_leave_identical_rows(
    kivo: Kivo, staff: Staff
) -> None:
    twins = [*TWINS, _fixed_term_twin(_same_employer(kivo))]
    pairs = [(t, t.prepare(kivo, staff, "En"), t.prepare(kivo, staff, "Två")) for t in twins]
    assert all(stored(kivo, a) == stored(kivo, b) for _, a, b in pairs)

    single = [_outcome(partial(t.single, kivo, staff, a)) for t, a, _ in pairs]
    with kivo.uow() as uow:
        requests = [twin.request(staff, b) for twin, _, b in pairs]
        decided = pipeline.run(kivo, uow, requests, staff.caseworker)
        uow.commit()
    together = [
        tuple(v.code for v in d.error.violations if v.blocking)
        if isinstance(d.error, Refused)
        else ()
        for d in decided
    ]

    assert together == single
    assert single[2] == ("consent-missing",)
    assert sum(1 for codes in single if not codes) == len(twins) - 1
    fixed_term = stored(kivo, pairs[-1][1])["events"][-1]
    assert {w["code"] for w in fixed_term[7]} >= {"las-permanent"}, fixed_term
    for twin, a, b in pairs:
        assert stored(kivo, a) == stored(kivo, b), twin.name


def _lenient_rules(folder: Path) -> Path:
    """The shipped rules with the workplace and the supervisor only warned about."""
    text = default_rules_text()
    for code in ("workplace-missing", "supervisor-missing"):
        head = text.index(f"[rules.{code}]")
        text = text[:head] + text[head:].replace('severity = "blocking"', 'severity = "warning"', 1)
    path = folder / "lenient.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_batch_advance_leaves_each_case_as_a_single_advance_does(
    kivo: Kivo, staff: Staff, tmp_path: Path
) -> None:
    lenient = bootstrap(kivo.database, rules=str(_lenient_rules(tmp_path)), now=NOW)
    try:
        until = TODAY + timedelta(days=90)
        light = [_enrolled(lenient, staff, name) for name in ("A", "B", "C")]
        heavy = [_informed(lenient, staff, name) for name in ("D", "E", "F")]
        refused = [_unconsented(lenient, staff, name) for name in ("G", "H")]
        moves.advance(lenient, light[0], Step.INFORMATION, on=TODAY, by=staff.caseworker)
        moves.advance(
            lenient,
            heavy[0],
            Step.SHORT_PRACTICE,
            on=TODAY,
            programme="PRAKTIK",
            until=until,
            by=staff.caseworker,
        )

        def refused_alone() -> object:
            return moves.advance(
                lenient, refused[0], Step.SHORT_PRACTICE, on=TODAY, by=staff.caseworker
            )

        alone = _outcome(refused_alone)

        done = batch.batch_advance(
            lenient, light[1:], Step.INFORMATION, on=TODAY, by=staff.caseworker, chunk=1
        )
        many = batch.batch_advance(
            lenient,
            [*heavy[1:], refused[1]],
            Step.SHORT_PRACTICE,
            on=TODAY,
            programme="PRAKTIK",
            until=until,
            by=staff.caseworker,
        )
    finally:
        lenient.close()

    assert (done.moved, many.moved, many.refused) == (2, 2, 1)
    assert alone == ("consent-missing",)
    assert many.refusals == {"consent-missing": 1}
    assert stored(kivo, heavy[0])["items"], "the heavy move plans follow-ups"
    assert stored(kivo, heavy[0])["reminders"], "and their reminders"
    for group in (light, heavy, refused):
        first = stored(kivo, group[0])
        assert all(stored(kivo, other) == first for other in group[1:])
