"""Reading cases: one case with its history and next moves, and caseload lists."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from pathway import actors
from pathway.errors import NotPermitted
from pathway.facts import read_facts
from pathway.results import CaseView, HistoryLine, NextMove
from states.access import READ, READ_HISTORY, SHOW_PERSONAL
from states.case import status_of_state
from states.errors import NotFound
from states.judge import next_steps
from states.ownership import TRANSFERRED, Ownership, owners
from states.personnummer import Personnummer
from states.protection import may_reveal, sees_whereabouts

if TYPE_CHECKING:
    from datetime import date

    from pathway.context import Kivo
    from pathway.ports import UnitOfWork
    from states.case import CaseFacts, Move
    from states.records import Case, CaseEvent, CaseSummary, Caseworker, Person


def next_moves_of(kivo: Kivo, facts: CaseFacts, given: Move | None = None) -> list[NextMove]:
    """Steps the case may advance to now, with what each would need or warn about (with
    the details of a refused advance ``given``, as that advance would be judged)."""
    return [
        NextMove(
            step=step.number,
            slug=step.slug,
            needs=[v.to_dict() for v in verdict.blocking],
            warnings=[v.to_dict() for v in verdict.warnings],
            blocked_by=tuple(verdict.blocking),
            warned_by=tuple(verdict.warnings),
        )
        for step, verdict in next_steps(facts, kivo.rules, kivo.today(), given)
    ]


@dataclass(frozen=True)
class CaseReading:
    """A case as the text of ``participant show`` needs it: the view, and the names of the
    caseworkers its owners and transfers speak of (``{id: name}``)."""

    view: CaseView
    names: dict[int, str] = field(default_factory=dict)

    def owners(self) -> list[dict[str, Any]]:
        return named_owners(self.view.owners, self.names)


@dataclass(frozen=True)
class HistoryReading:
    """A case's history lines, who owned the case when, and the caseworkers' names."""

    lines: list[HistoryLine]
    owners: list[dict[str, Any]]
    names: dict[int, str] = field(default_factory=dict)


def show_case(
    kivo: Kivo, case_id: int, *, show_personal: bool = False, by: int | None = None
) -> CaseView:
    return read_case(kivo, case_id, show_personal=show_personal, by=by).view


def seen(
    kivo: Kivo, uow: UnitOfWork, by: int | None, case_id: int, action: str
) -> Caseworker | None:
    """A read by ``by`` (``None``: no one named, nothing checked or logged): the case
    must be theirs to see (another's is answered as unknown), and the read is logged in
    this transaction, which the read use case commits. Returns the reader."""
    if by is None:
        return None
    actor = actors.actor_of(uow, by)
    actors.cases_for(kivo, uow, actor, [case_id], action)
    return actor


def read_case(
    kivo: Kivo, case_id: int, *, show_personal: bool = False, by: int | None = None
) -> CaseReading:
    """One read of a case: its view, and the names of everyone who owned it. ``by``:
    who reads (checked and logged; the personnummer shown in full is logged as such).

    A read model on the move pipeline's own driver-level reads (``uow.pipeline``): the
    case and participant as a move loads them, its facts as a move judges them, and no
    ORM session (nor SQLModel's import) for the case page when no reader is named."""
    with kivo.uow(read_only=by is None) as uow:
        actor = seen(kivo, uow, by, case_id, SHOW_PERSONAL if show_personal else READ)
        reading = reading_in(kivo, uow, case_id, actor, show_personal=show_personal)
        if by is not None:
            uow.commit()
    return reading


def reading_in(
    kivo: Kivo,
    uow: UnitOfWork,
    case_id: int,
    actor: Caseworker | None,
    *,
    show_personal: bool = False,
) -> CaseReading:
    """``read_case``'s reads in the caller's unit of work, for ``actor`` (already checked
    and logged by the caller): a page that shows more than the case reads it all in one
    transaction."""
    case, person = case_and_person(uow, case_id)
    protection = _protection(uow, case, actor, show_personal)
    events = uow.pipeline.histories([case_id]).get(case_id, [])
    facts = read_facts(uow, kivo.rules, {case_id: (case, person)}, {case_id: None}, every=True)
    periods = owners(events, case.caseworker_id)
    named = _owner_ids(periods, events)
    if case.caseworker_id is not None:
        named.add(case.caseworker_id)
    actor_ids = {e.actor_id for e in events if e.actor_id is not None}
    found = caseworker_names(uow, named | actor_ids)  # one query for every name
    history = _lines(events, found, configured_rules(kivo))
    if protection is not None and not protection.whereabouts:
        history = [_without_whereabouts(line) for line in history]
    worker = found.get(case.caseworker_id) if case.caseworker_id is not None else None
    names = {ident: name for ident, name in found.items() if ident in named}
    assert case.id is not None
    assert person.id is not None
    pnr = Personnummer(person.personnummer) if person.personnummer else None
    view = CaseView(
        id=case.id,
        person_id=person.id,
        name=protection.name if protection is not None and show_personal else person.name,
        personnummer=(pnr.formatted() if show_personal else pnr.masked()) if pnr else None,
        gender=person.gender,
        birth_year=person.birth_year,
        groups=list(person.groups),
        state=case.state,
        step=case.step.number if case.step else None,
        status=status_of_state(case.state),
        paused_from=case.paused_from,
        outcome=case.outcome,
        caseworker=worker,
        caseworker_id=case.caseworker_id,
        opened_on=case.opened_on,
        closed_on=case.closed_on,
        consent_on=case.consent_on,
        version=case.version,
        history=history,
        next=next_moves_of(kivo, facts[case_id].facts),
        owners=[period.to_dict() for period in periods],
        protected=protection is not None,
        whereabouts_hidden=protection is not None and not protection.whereabouts,
    )
    return CaseReading(view, names)


@dataclass(frozen=True)
class _Protection:
    name: str  # what the initials the pipeline loads hide
    whereabouts: bool  # the reader sees the address and workplace


def _protection(
    uow: UnitOfWork, case: Case, actor: Caseworker | None, reveal: bool
) -> _Protection | None:
    """How a protected person's case is shown to ``actor`` (``None``: not protected).
    Only the case's own caseworker or a coordinator may reveal the identity."""
    assert case.id is not None
    found = uow.pipeline.protected_names([case.id]).get(case.id)
    if found is None:
        return None
    entitled = sees_whereabouts(actor, case.caseworker_id)
    if reveal and not may_reveal(actor, case.caseworker_id):
        raise NotPermitted(
            f"case {case.id}'s participant has a protected identity: only the case's own "
            "caseworker or a coordinator may reveal it (give --by with your id)",
            action="reveal a protected identity",
            actor=None if actor is None else actor.id,
        )
    return _Protection(found[1], entitled)


WHEREABOUTS = ("workplace", "supervisor", "employer", "address", "email", "phone")


def _without_whereabouts(line: HistoryLine) -> HistoryLine:
    """A history line with what would tell where a protected person is taken out."""
    kept = {k: v for k, v in line.data.items() if not any(w in k for w in WHEREABOUTS)}
    return replace(line, data=kept) if kept != line.data else line


def case_and_person(uow: UnitOfWork, case_id: int) -> tuple[Case, Person]:
    """The case and its participant as the move pipeline loads them; no case is
    ``NotFound``."""
    found = uow.pipeline.load([case_id]).get(case_id)
    if found is None:
        raise NotFound.with_id("case", case_id)
    return found[0], found[1]


def case_history(kivo: Kivo, case_id: int, *, by: int | None = None) -> list[HistoryLine]:
    return read_history(kivo, case_id, by=by).lines


def read_history(kivo: Kivo, case_id: int, *, by: int | None = None) -> HistoryReading:
    """A case's history with who owned it when (``[{caseworker_id, caseworker, from,
    to}]``, ``to`` exclusive and ``None`` while it lasts). ``by``: who reads (checked
    and logged)."""
    with kivo.uow(read_only=by is None) as uow:
        actor = seen(kivo, uow, by, case_id, READ_HISTORY)
        case, _ = case_and_person(uow, case_id)
        protection = _protection(uow, case, actor, reveal=False)
        events = uow.pipeline.histories([case_id]).get(case_id, [])
        lines = history_lines(uow, events, configured_rules(kivo))
        if protection is not None and not protection.whereabouts:
            lines = [_without_whereabouts(line) for line in lines]
        periods = owners(events, case.caseworker_id)
        names = caseworker_names(uow, _owner_ids(periods, events))
        if by is not None:
            uow.commit()
    plain_periods = [period.to_dict() for period in periods]
    return HistoryReading(lines, named_owners(plain_periods, names), names)


def owner_on_day(kivo: Kivo, case_id: int, day: date, *, by: int | None = None) -> dict[str, Any]:
    """Who was responsible for the case on ``day``: ``{case_id, on, caseworker_id,
    caseworker, from, to}`` (all ``None`` but the first two before the case opened)."""
    with kivo.uow(read_only=by is None) as uow:
        seen(kivo, uow, by, case_id, READ_HISTORY)
        case, _ = case_and_person(uow, case_id)
        periods = owners(uow.pipeline.histories([case_id]).get(case_id, []), case.caseworker_id)
        period = next((p for p in periods if p.covers(day)), None)
        who = None if period is None else period.caseworker_id
        names = caseworker_names(uow, set() if who is None else {who})
        if by is not None:
            uow.commit()
    found = (
        named_owners([period.to_dict()], names)[0]
        if period is not None
        else {"caseworker_id": None, "caseworker": None, "from": None, "to": None}
    )
    return {"case_id": case_id, "on": day.isoformat(), **found}


def named_owners(periods: list[dict[str, Any]], names: dict[int, str]) -> list[dict[str, Any]]:
    return [
        {
            "caseworker_id": p["caseworker_id"],
            "caseworker": names.get(p["caseworker_id"]),
            "from": p["from"],
            "to": p["to"],
        }
        for p in periods
    ]


def caseworker_names(uow: UnitOfWork, ids: set[int]) -> dict[int, str]:
    return uow.pipeline.caseworker_names(sorted(ids)) if ids else {}


def _owner_ids(periods: list[Ownership], events: list[CaseEvent]) -> set[int]:
    """The caseworkers the owners and the transfers name."""
    ids = {p.caseworker_id for p in periods}
    for e in events:
        if e.kind == TRANSFERRED:
            ids |= {e.data.get("from"), e.data.get("to")}
    return {i for i in ids if isinstance(i, int)}


def history_lines(
    uow: UnitOfWork, events: list[CaseEvent], configured: str | None = None
) -> list[HistoryLine]:
    """The events as lines; ``configured``: the organisation's rule-set fingerprint, to
    say of each event judged by rules whether they were the organisation's."""
    actor_ids = {e.actor_id for e in events if e.actor_id is not None}
    return _lines(events, caseworker_names(uow, actor_ids), configured)


def _lines(
    events: list[CaseEvent], names: dict[int, str], configured: str | None = None
) -> list[HistoryLine]:
    return [
        HistoryLine(
            seq=e.seq,
            kind=e.kind,
            from_state=e.from_state,
            to_state=e.to_state,
            from_step=e.from_step,
            to_step=e.to_step,
            on=e.on,
            recorded_at=e.recorded_at,
            by=names.get(e.actor_id) if e.actor_id is not None else None,
            by_id=e.actor_id,
            reason=e.reason,
            warnings=e.warnings,
            overrides=e.overrides,
            data=e.data,
            rules=_rules_of(e),
            configured_rules=None if _rules_of(e) is None else _rules_of(e) == configured,
        )
        for e in events
    ]


def _rules_of(event: CaseEvent) -> str | None:
    found = event.data.get("rules")
    return found if isinstance(found, str) else None


def configured_rules(kivo: Kivo) -> str:
    """The organisation's rule-set fingerprint (the one in force unless another is)."""
    return kivo.configured_rules or kivo.fingerprint


def list_cases(
    kivo: Kivo,
    *,
    step: int | None = None,
    status: str | None = None,
    caseworker_id: int | None = None,
    by: int | None = None,
) -> list[CaseSummary]:
    """Cases by step, status and caseworker; ``by`` a caseworker: their own caseload."""
    with kivo.uow(read_only=True) as uow:
        caseworker_id = actors.caseload_of(actors.actor_of(uow, by), caseworker_id)
        if caseworker_id is not None:
            uow.caseworkers.get(caseworker_id)
        return uow.queries.caseload(step=step, status=status, caseworker_id=caseworker_id)
