"""Moving many cases at once: the same judge and the same writes as a single move,
committed in chunks, read and written set-based.

A coordinator moves a whole cohort (say every enrolled case into step 1 at the start of
a programme). Each case gets exactly what ``pathway.moves`` gives one case: its facts
are read, the rules judge the move, and an allowed move writes the case's state, its
history event, its placement and its follow-ups. Only the transaction and the
statements differ: a chunk of cases is one transaction, so a case's writes are still
together (a chunk is committed whole or not at all), and a refusal of one case writes
nothing for it and leaves the others of the chunk to go on.

Per chunk, the facts of all its cases are read in a few ``IN (…)`` queries (cases,
people, histories, placements, held meetings), each case is judged in Python as a single
move is, and the allowed moves are written with one statement per table: the cases by a
versioned ``UPDATE … WHERE id = ? AND version = ?`` executemany (a case changed by
someone else since it was read is a conflict and the chunk rolls back, never a lost
update), placements, follow-ups, reminders and events by executemany inserts. A case
named twice in a chunk is moved, then judged again on its new state (the chunk is read
again from the repeat on).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date

from pathway import moves, scheduling
from pathway.context import Kivo
from pathway.facts import facts_from, scoped_total_violation, spans_placements
from pathway.ports import UnitOfWork
from states.case import LEAVING_MOVES, Move, MoveKind
from states.errors import InvalidInput
from states.judge import Verdict, judge
from states.records import Case, Caseworker, Followup
from states.schedule import Planned
from states.steps import Step

DEFAULT_CHUNK = 1000


@dataclass(frozen=True)
class BatchResult:
    """What a batch move did: counts, and the codes that refused the cases it left."""

    moved: int
    refused: int
    not_found: int
    chunks: int
    refusals: dict[str, int] = field(default_factory=dict)
    refused_ids: list[int] = field(default_factory=list)


def batch_advance(
    kivo: Kivo,
    case_ids: Iterable[int],
    to: Step,
    *,
    on: date | None = None,
    by: int | None = None,
    until: date | None = None,
    programme: str | None = None,
    chunk: int = DEFAULT_CHUNK,
) -> BatchResult:
    """Advance every case in ``case_ids`` to ``to`` (one rule evaluation each), committing
    every ``chunk`` cases; cases the rules refuse are counted, with their codes."""
    if chunk < 1:
        raise InvalidInput("a chunk holds at least one case", field="chunk")
    move = moves.with_default_end(
        kivo.catalogue,
        Move(
            MoveKind.ADVANCE,
            on=on or kivo.today(),
            to=to,
            programme=moves.programme_code(kivo.catalogue, programme),
            until=until,
            employment_kind=moves.kind_of_employment(to, None),
        ),
    )
    planned = scheduling.planned_for(kivo, move)
    tally = _Tally()
    chunks = 0
    for ids in _chunks(case_ids, chunk):
        with kivo.uow() as uow:
            actor = moves.actor_of(uow, by)
            for run in _distinct_runs(ids):
                _move_run(kivo, uow, run, move, actor, planned, tally)
            uow.commit()
        chunks += 1
    return BatchResult(
        tally.moved, tally.refused, tally.missing, chunks, dict(tally.codes), tally.refused_ids
    )


@dataclass
class _Tally:
    moved: int = 0
    refused: int = 0
    missing: int = 0
    codes: Counter[str] = field(default_factory=Counter)
    refused_ids: list[int] = field(default_factory=list)


def _move_run(
    kivo: Kivo,
    uow: UnitOfWork,
    ids: Sequence[int],
    move: Move,
    actor: Caseworker | None,
    planned: Sequence[Planned],
    tally: _Tally,
) -> None:
    """Judge and move distinct cases: reads set-based, the judge per case, writes
    set-based, in the order a single move writes (the case rows first)."""
    cases = uow.cases.load_many(ids)
    found = [case_id for case_id in ids if case_id in cases]
    people = uow.people.load_many([cases[case_id].person_id for case_id in found])
    histories = uow.events.for_cases(found)
    placements = uow.placements.for_cases(found)
    held = uow.meetings.held_moments(found)
    theirs = (
        uow.placements.for_people([cases[case_id].person_id for case_id in found])
        if spans_placements(kivo.catalogue, move.programme) and move.until is not None
        else {}
    )
    today = kivo.today()
    allowed: list[tuple[Case, Verdict, str]] = []
    for case_id in ids:
        case = cases.get(case_id)
        if case is None:
            tally.missing += 1
            continue
        facts = facts_from(
            case,
            people[case.person_id],
            histories.get(case_id, ()),
            placements.get(case_id, ()),
            held.get(case_id, ()),
            kivo.catalogue,
        )
        verdict = judge(facts, move, kivo.rules, today)
        total = scoped_total_violation(kivo.catalogue, move, theirs.get(case.person_id, ()))
        verdict = moves.weighed_with(kivo, verdict, [total] if total else [], move)
        if verdict.blocking:
            tally.refused += 1
            tally.refused_ids.append(case_id)
            tally.codes.update(v.code for v in verdict.blocking)
            continue
        assert verdict.target is not None
        allowed.append((case, verdict, moves.moved(case, move, verdict)))
        tally.moved += 1
    if not allowed:
        return
    moving = [case for case, _, _ in allowed]
    uow.cases.save_many(moving)
    if move.kind in LEAVING_MOVES:
        closing = [
            placement
            for case in moving
            for placement in placements.get(_id(case), ())
            if placement.ended_on is None
        ]
        for placement in closing:
            placement.ended_on, placement.end_reason = move.on, move.kind.value
        uow.placements.save_many(closing)
    opened = {_id(case): moves.placement_of(_id(case), move) for case in moving}
    uow.placements.add_many([p for p in opened.values() if p is not None])
    placement_ids = {case_id: p.id if p is not None else None for case_id, p in opened.items()}
    open_items = uow.followups.open_for_cases([_id(case) for case in moving])
    reason = f"{move.kind.value} on {move.on.isoformat()}"
    cancelled: list[Followup] = []
    items: list[Followup] = []
    for case in moving:
        mine = open_items.get(_id(case), [])
        cancelled += scheduling.superseded(mine, planned, f"planned again from {move.on}")
        if move.kind in LEAVING_MOVES:
            cancelled += scheduling.cancellations(mine, reason)
        placement_id = placement_ids[_id(case)]
        items += scheduling.new_items(_id(case), planned, move.to, placement_id, mine)
    uow.followups.save_many(cancelled)
    uow.reminders.drop_pending(item.id for item in cancelled if item.id is not None)
    uow.followups.add_many(items)
    uow.reminders.add_many(scheduling.reminders_for(kivo, items))
    uow.events.append_many(
        [
            moves.event_of(
                kivo,
                _id(case),
                move,
                verdict,
                from_state,
                actor,
                None,
                placement_ids[_id(case)],
            )
            for case, verdict, from_state in allowed
        ]
    )


def _id(case: Case) -> int:
    assert case.id is not None
    return case.id


def _distinct_runs(ids: Sequence[int]) -> Iterator[list[int]]:
    """The chunk in runs without a repeated case: a case named again starts a new run, so
    it is judged on the state its first move left."""
    run: list[int] = []
    seen: set[int] = set()
    for case_id in ids:
        if case_id in seen:
            yield run
            run, seen = [], set()
        run.append(case_id)
        seen.add(case_id)
    if run:
        yield run


def _chunks(ids: Iterable[int], size: int) -> Iterator[Sequence[int]]:
    batch: list[int] = []
    for case_id in ids:
        batch.append(case_id)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
