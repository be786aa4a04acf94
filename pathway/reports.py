"""The reports for steering groups and funders: each one read transaction, computed in
the database, returned as a plain result (``states.reports``).

Shared definitions (see ``states.reports``): periods include both ends and default to
the year to date of the injected clock; ``caseworker_id`` narrows every report to the
cases that caseworker holds now; percentiles are nearest-rank.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time

from pathway import actors
from pathway.clock import LOCAL
from pathway.context import Kivo
from pathway.ports import UnitOfWork
from states.calendar_bounds import MAX_DAYS
from states.errors import InvalidInput
from states.messages import N_, Message
from states.personnummer import Personnummer
from states.reports import (
    DEFAULT_FALLBACK_WINDOW_DAYS,
    FLOW_EVENTS,
    STATE_LABELS,
    EsfReport,
    EsfRow,
    EsfSummary,
    Fallbacks,
    Funnel,
    LeadTime,
    Outcomes,
    Overdue,
    TargetResult,
    TimeInStep,
    check_breakdown,
    check_year,
    esf_summary,
    masked_characteristics,
    period_of,
)


def funnel(
    kivo: Kivo,
    *,
    on: date | None = None,
    start: date | None = None,
    end: date | None = None,
    year: int | None = None,
    caseworker_id: int | None = None,
) -> Funnel:
    """Cases per state at the end of ``on`` (default: the period's last day), replayed
    from the history so a past date shows the past; and the flows of the period: every
    advance, fall back and exit counted by the state it left and the state it entered."""
    period = period_of(kivo.today(), start=start, end=end, year=year)
    day = on or period.end
    with kivo.uow(read_only=True) as uow:
        _check_caseworker(uow, caseworker_id)
        found = uow.reports.states_on(day, caseworker_id=caseworker_id)
        flows = uow.reports.flows(
            period.start, period.end, kinds=FLOW_EVENTS, caseworker_id=caseworker_id
        )
    states = {label: found.get(label, 0) for label in STATE_LABELS}
    return Funnel(day, period.start, period.end, states, flows)


def outcomes(
    kivo: Kivo,
    *,
    start: date | None = None,
    end: date | None = None,
    year: int | None = None,
    by: str = "gender",
    caseworker_id: int | None = None,
) -> Outcomes:
    """Cases that exited in the period, by outcome within each gender (or group, or
    caseworker); each share is of the exits with the same breakdown value."""
    period = period_of(kivo.today(), start=start, end=end, year=year)
    breakdown = check_breakdown(by)
    with kivo.uow(read_only=True) as uow:
        _check_caseworker(uow, caseworker_id)
        total = uow.reports.exits(period.start, period.end, caseworker_id=caseworker_id)
        rows = uow.reports.outcomes(
            period.start, period.end, by=breakdown, caseworker_id=caseworker_id
        )
    return Outcomes(period.start, period.end, breakdown, total, rows)


def fallbacks(
    kivo: Kivo,
    *,
    start: date | None = None,
    end: date | None = None,
    year: int | None = None,
    window_days: int = DEFAULT_FALLBACK_WINDOW_DAYS,
    caseworker_id: int | None = None,
) -> Fallbacks:
    """Moves back to an earlier step in the period, and per step the share of the cases
    that left it in the period and fell back within ``window_days`` of leaving."""
    period = period_of(kivo.today(), start=start, end=end, year=year)
    if not 0 <= window_days <= MAX_DAYS:
        said = N_("the window is 0 to {most:,} days, not {days}")
        raise InvalidInput(
            Message(said, {"most": MAX_DAYS, "days": window_days}), field="window_days"
        )
    with kivo.uow(read_only=True) as uow:
        _check_caseworker(uow, caseworker_id)
        moves = uow.reports.flows(
            period.start, period.end, kinds=("fell_back",), caseworker_id=caseworker_id
        )
        steps = uow.reports.fallback_steps(
            period.start, period.end, window_days=window_days, caseworker_id=caseworker_id
        )
    return Fallbacks(period.start, period.end, window_days, moves, steps)


def time_in_step(
    kivo: Kivo,
    *,
    start: date | None = None,
    end: date | None = None,
    year: int | None = None,
    caseworker_id: int | None = None,
) -> TimeInStep:
    """Median and 90th percentile days per step: stays that ended in the period, and
    stays still open at its end (counted up to that day), reported apart."""
    period = period_of(kivo.today(), start=start, end=end, year=year)
    with kivo.uow(read_only=True) as uow:
        _check_caseworker(uow, caseworker_id)
        steps = uow.reports.step_times(period.start, period.end, caseworker_id=caseworker_id)
    return TimeInStep(period.start, period.end, steps)


def lead_time(
    kivo: Kivo,
    *,
    start: date | None = None,
    end: date | None = None,
    year: int | None = None,
    by: str | None = None,
    caseworker_id: int | None = None,
) -> LeadTime:
    """Days from enrolment to the first placement start, for the cases whose first
    placement started in the period; with ``by``, also per gender, group or caseworker."""
    period = period_of(kivo.today(), start=start, end=end, year=year)
    breakdown = check_breakdown(by) if by is not None else None
    with kivo.uow(read_only=True) as uow:
        _check_caseworker(uow, caseworker_id)
        return uow.reports.lead_time(
            period.start, period.end, by=breakdown, caseworker_id=caseworker_id
        )


def targets(
    kivo: Kivo, *, year: int | None = None, caseworker_id: int | None = None
) -> list[TargetResult]:
    """Per programme for the year (default: this year): the target, the placements
    started in the year and the extensions decided in it."""
    wanted = check_year(year) if year is not None else kivo.today().year
    with kivo.uow(read_only=True) as uow:
        _check_caseworker(uow, caseworker_id)
        return uow.reports.target_results(wanted, caseworker_id=caseworker_id)


def overdue(kivo: Kivo, *, on: date | None = None, caseworker_id: int | None = None) -> Overdue:
    """Per caseworker, pending follow-ups, planned meetings and decisions due before
    ``on`` (default today), and booked meetings before it never recorded."""
    day = on or kivo.today()
    moment = datetime.combine(day, time(), LOCAL)
    with kivo.uow(read_only=True) as uow:
        _check_caseworker(uow, caseworker_id)
        lines = uow.reports.overdue(day, moment, caseworker_id=caseworker_id)
    return Overdue(day, lines)


def esf(
    kivo: Kivo,
    *,
    start: date | None = None,
    end: date | None = None,
    year: int | None = None,
    caseworker_id: int | None = None,
    show_personal: bool = False,
) -> EsfReport:
    """One row per participant and case open at some time in the period, with the ESF+
    indicators; the personnummer and the sensitive characteristics are masked unless
    ``show_personal`` (a protected person's stay masked: ``states.protection``)."""
    found = _esf(kivo, start=start, end=end, year=year, caseworker_id=caseworker_id)
    if show_personal:
        with kivo.uow(read_only=True) as uow:
            protected = uow.protection.protected_cases([row.case_id for row in found.rows])
        rows = [_masked(r) if r.case_id in protected else _unmasked(r) for r in found.rows]
        return replace(found, rows=rows)
    return replace(found, rows=[_masked(row) for row in found.rows])


def _esf(
    kivo: Kivo,
    *,
    start: date | None,
    end: date | None,
    year: int | None,
    caseworker_id: int | None,
) -> EsfReport:
    period = period_of(kivo.today(), start=start, end=end, year=year)
    with kivo.uow(read_only=True) as uow:
        _check_caseworker(uow, caseworker_id)
        rows = uow.reports.esf(period.start, period.end, caseworker_id=caseworker_id)
    return EsfReport(period.start, period.end, rows)


def _unmasked(row: EsfRow) -> EsfRow:
    if not row.personnummer:
        return row
    return replace(row, personnummer=Personnummer(row.personnummer).formatted())


def _masked(row: EsfRow) -> EsfRow:
    number = Personnummer(row.personnummer).masked() if row.personnummer else None
    return replace(
        row, personnummer=number, characteristics=masked_characteristics(row.characteristics)
    )


def esf_indicators(
    kivo: Kivo,
    *,
    start: date | None = None,
    end: date | None = None,
    year: int | None = None,
    caseworker_id: int | None = None,
) -> EsfSummary:
    """The ESF+ common indicators over the same rows as ``esf``: each counted by gender
    (woman, man, non-binary) and in total, as the funder's template lays them out. The
    counts show no person, so the characteristics are counted unmasked."""
    return esf_summary(_esf(kivo, start=start, end=end, year=year, caseworker_id=caseworker_id))


def _check_caseworker(uow: UnitOfWork, caseworker_id: int | None) -> None:
    """An unknown caseworker is not found (exit 4), rather than an empty report."""
    if caseworker_id is not None:
        uow.caseworkers.get(caseworker_id)


def caseload_for(kivo: Kivo, *, by: int | None, caseworker_id: int | None = None) -> int | None:
    """The caseworker whose cases a report read by ``by`` covers: a caseworker, their
    own (another's asked for is refused); a coordinator, ``caseworker_id`` (``None``:
    every case). What an entry point passes on as every report's ``caseworker_id``."""
    with kivo.uow(read_only=True) as uow:
        return actors.caseload_of(actors.actor_of(uow, by), caseworker_id)
