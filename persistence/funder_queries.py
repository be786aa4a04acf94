"""What the funders are told: the ESF participant rows (indicators and the follow-ups'
findings) and the placements and extensions per programme beside the year's target."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, literal, select, union_all

from persistence.report_sql import (
    CASE,
    EVENT,
    FIRST,
    FOLLOWUP,
    LAST,
    PERSON,
    PLACEMENT,
    TARGET,
    YEAR,
    ReportSql,
    built,
    events_of,
    in_force,
    mine,
    params_for,
    worker_param,
)
from states.personnummer import Personnummer
from states.reports import (
    AFTER_4_WEEKS,
    AFTER_LEAVING_6_MONTHS,
    EsfRow,
    TargetResult,
    age_band,
    education_band,
    entry_status,
    esf_characteristics,
    esf_gender,
    upon_leaving,
)


class FunderQueries(ReportSql):
    """Programme targets and the ESF rows."""

    # -- targets --------------------------------------------------------------------

    def target_results(self, year: int, *, caseworker_id: int | None = None) -> list[TargetResult]:
        """Placements started in the year and extension decisions made in it, per
        programme, beside the year's target."""
        query = built(
            ("targets", caseworker_id is None), lambda: _targets(worker_param(caseworker_id))
        )
        params = params_for(
            caseworker_id, year=year, first=date(year, 1, 1), last=date(year, 12, 31)
        )
        found: dict[str, dict[str, int]] = {"target": {}, "started": {}, "extended": {}}
        for what, code, n in self._rows(query, params):
            found[what][code] = int(n)
        goal, began, more = found["target"], found["started"], found["extended"]
        return [
            TargetResult(code, year, goal.get(code), began.get(code, 0), more.get(code, 0))
            for code in sorted(goal.keys() | began.keys() | more.keys())
        ]

    # -- ESF ------------------------------------------------------------------------

    def esf(self, first: date, last: date, *, caseworker_id: int | None = None) -> list[EsfRow]:
        """Cases that were open at some time in the period, with the person's indicators
        and the status found by the follow-ups 4 weeks into employment and 6 months after
        leaving (the finding when one was recorded, else the follow-up's own status).

        The age at entry is worked out here from the date of birth the personnummer
        gives (a samordningsnummer's day less 60), which SQL cannot read portably."""
        after_4w = _followup_status(AFTER_4_WEEKS)
        after_6m = _followup_status(AFTER_LEAVING_6_MONTHS)
        qualified = _qualified()
        query = mine(
            select(
                CASE.c.id,
                PERSON.c.id,
                PERSON.c.personnummer,
                PERSON.c.gender,
                PERSON.c.birth_year,
                PERSON.c.groups,
                CASE.c.opened_on,
                CASE.c.closed_on,
                CASE.c.outcome,
                after_4w.c.status,
                after_6m.c.status,
                PERSON.c.characteristics,
                qualified.c.case_id.is_not(None),
                PERSON.c.born_on,
            )
            .select_from(CASE)
            .join(PERSON, PERSON.c.id == CASE.c.person_id)
            .outerjoin(after_4w, after_4w.c.case_id == CASE.c.id)
            .outerjoin(after_6m, after_6m.c.case_id == CASE.c.id)
            .outerjoin(qualified, qualified.c.case_id == CASE.c.id)
            .where(
                CASE.c.opened_on <= last,
                CASE.c.closed_on.is_(None) | (CASE.c.closed_on >= first),
            )
            .order_by(CASE.c.id),
            caseworker_id,
        )
        return [
            EsfRow(
                case_id=row[0],
                person_id=row[1],
                personnummer=row[2],
                gender=esf_gender(row[3]),
                age_band=age_band(row[6], birth_date=_born(row[2]) or row[13], birth_year=row[4]),
                entry_status=entry_status(list(row[5] or [])),
                education=education_band(list(row[5] or [])),
                groups=list(row[5] or []),
                entry=row[6],
                exit=row[7],
                outcome=row[8],
                after_4_weeks=row[9],
                after_6_months=row[10],
                upon_leaving=upon_leaving(row[8]),
                characteristics=esf_characteristics(dict(row[11] or {}), list(row[5] or [])),
                qualification=bool(row[12]),
            )
            for row in self._rows(query)
        ]


def _born(digits: str | None) -> date | None:
    return Personnummer(digits).birth_date if digits else None


def _targets(caseworker_id: Any) -> Any:
    """Placements started, extensions decided (``first``..``last``) and targets set
    (``year``), per programme: one statement, each row tagged with what it counts."""
    started = events_of(
        select(literal("started"), PLACEMENT.c.programme, func.count())
        .where(
            PLACEMENT.c.programme.is_not(None),
            PLACEMENT.c.start >= FIRST,
            PLACEMENT.c.start <= LAST,
        )
        .group_by(PLACEMENT.c.programme),
        caseworker_id,
        PLACEMENT.c.case_id,
    )
    programme = EVENT.c.data["programme"].as_string()
    extended = events_of(
        select(literal("extended"), programme, func.count())
        .where(
            EVENT.c.kind == "extended",
            EVENT.c.on >= FIRST,
            EVENT.c.on <= LAST,
            programme.is_not(None),
        )
        .group_by(programme),
        caseworker_id,
    )
    targets = select(literal("target"), TARGET.c.programme, TARGET.c.count).where(
        TARGET.c.year == YEAR
    )
    return union_all(started, extended, targets)


def _qualified() -> Any:
    """The cases whose exit recorded a qualification gained (``kivo exit
    --qualification``): the key is written only when true."""
    return (
        select(EVENT.c.case_id)
        .where(
            EVENT.c.kind == "exited",
            EVENT.c.data["qualification"].as_boolean().is_(True),
            in_force(),
        )
        .subquery("qualified")
    )


def _followup_status(name: str) -> Any:
    """One status per case for the named follow-up (the latest planned, if several):
    what it found when a finding was recorded, else its own status."""
    latest = func.row_number().over(partition_by=FOLLOWUP.c.case_id, order_by=FOLLOWUP.c.id.desc())
    status = func.coalesce(FOLLOWUP.c.finding, FOLLOWUP.c.status)
    ranked = (
        select(FOLLOWUP.c.case_id, status.label("status"), latest.label("latest"))
        .where(FOLLOWUP.c.name == name)
        .subquery()
    )
    return (
        select(ranked.c.case_id, ranked.c.status)
        .where(ranked.c.latest == 1)
        .subquery(name.replace("-", "_"))
    )
