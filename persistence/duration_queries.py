"""How long cases take: the time in each step and the lead time from enrolment to the
first placement (with the cases still waiting), as nearest-rank percentiles.

Percentiles are nearest-rank (``states.reports``): ROW_NUMBER() orders the values within
their group, COUNT(*) OVER the group gives n, and the row whose number is
``ceil(p * n / 100)`` (integer arithmetic: ``(p * n + 99) / 100``) holds the value.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Date, case, exists, func, literal, select, true
from sqlalchemy.sql.elements import ColumnElement

from persistence.report_sql import (
    CASE,
    EVENT,
    PERSON,
    PLACEMENT,
    STEP_NUMBER,
    WORKER,
    ReportSql,
    breakdown,
    events_of,
    in_force,
    mine,
)
from states.reports import (
    FIRST_WORKPLACE_STEP,
    LEAVING_EVENTS,
    NO_GROUP,
    SIX_MONTHS_DAYS,
    TWELVE_MONTHS_DAYS,
    LeadTime,
    LeadTimeRow,
    StepTimes,
)
from states.steps import Step

IMPORTED_PLACED_STATES = tuple(step.slug for step in Step if step.number >= FIRST_WORKPLACE_STEP)
MEDIAN, P90 = 50, 90


class DurationQueries(ReportSql):
    """Time in step and lead time."""

    # -- time in step ---------------------------------------------------------------

    def step_times(
        self, first: date, last: date, *, caseworker_id: int | None = None
    ) -> list[StepTimes]:
        """Stays in a step run from the move into it to the next move out of it (advance,
        fall back or exit; a pause stays in the step). Closed stays are those that ended
        in the period; open stays are those still running at the end of ``last``, counted
        up to ``last``."""
        left_on = func.lead(EVENT.c.on).over(partition_by=EVENT.c.case_id, order_by=EVENT.c.seq)
        moves = events_of(
            select(EVENT.c.kind, EVENT.c.to_state, EVENT.c.on, left_on.label("left_on")).where(
                EVENT.c.kind.in_(LEAVING_EVENTS), EVENT.c.on <= last, in_force()
            ),
            caseworker_id,
        ).subquery()
        is_open = case((moves.c.left_on.is_(None), 1), else_=0)
        days = case(
            (moves.c.left_on.is_(None), self._days(literal(last, Date), moves.c.on)),
            else_=self._days(moves.c.left_on, moves.c.on),
        )
        stays = (
            select(
                case(STEP_NUMBER, value=moves.c.to_state).label("step"),
                is_open.label("open"),
                days.label("days"),
            )
            .where(
                moves.c.kind.in_(("advanced", "fell_back")),
                (moves.c.left_on.is_(None)) | (moves.c.left_on >= first),
            )
            .subquery()
        )
        ranked = _ranked(stays, [stays.c.step, stays.c.open])
        query = _percentiles(ranked, [ranked.c.step, ranked.c.open])
        found: dict[int, dict[int, tuple[int, int | None, int | None]]] = {}
        for step, still_open, count, median, p90 in self._rows(query):
            found.setdefault(int(step), {})[int(still_open)] = (int(count), median, p90)
        none = (0, None, None)
        return [
            StepTimes(step, *times.get(0, none), *times.get(1, none))
            for step, times in sorted(found.items())
        ]

    # -- lead time ------------------------------------------------------------------

    def lead_time(
        self, first: date, last: date, *, by: str | None = None, caseworker_id: int | None = None
    ) -> LeadTime:
        """Enrolment to first placement start, for cases whose first placement started
        in the period; with ``by``, the same per gender, group or caseworker too."""
        total = self._lead_times(first, last, None, caseworker_id).get(())
        rows = []
        if by is not None:
            found = self._lead_times(first, last, by, caseworker_id)
            rows = sorted(
                (
                    LeadTimeRow(
                        breakdown(by, keys),
                        keys[0] if by == "caseworker" else None,
                        *numbers,
                    )
                    for keys, numbers in found.items()
                ),
                key=lambda row: row.breakdown,
            )
        count, median, p90, six, twelve, waiting, w6, w12, unknown = total or (
            (0, None, None, 0, 0, 0, 0, 0, 0)
        )
        return LeadTime(
            first, last, count, median, p90, six, twelve, waiting, w6, w12, unknown, by, rows
        )

    def _lead_times(
        self, first: date, last: date, by: str | None, caseworker_id: int | None
    ) -> dict[tuple[Any, ...], tuple[Any, ...]]:
        """Per breakdown value (the key ``()`` without one): first placements, median,
        p90, over 6 and 12 months; waiting, waiting over 6 and 12 months, placement
        unknown."""
        first_start = (
            select(PLACEMENT.c.case_id, func.min(PLACEMENT.c.start).label("start"))
            .group_by(PLACEMENT.c.case_id)
            .subquery()
        )
        source, keys = self._breakdown_source(by)
        waits = mine(
            select(*keys, self._days(first_start.c.start, CASE.c.opened_on).label("days"))
            .select_from(source)
            .join(first_start, first_start.c.case_id == CASE.c.id)
            .where(first_start.c.start >= first, first_start.c.start <= last),
            caseworker_id,
        ).subquery()
        grouped = [waits.c[key.name] for key in keys]
        ranked = _ranked(waits, grouped)
        by_key = [ranked.c[key.name] for key in keys]
        over_6 = func.sum(case((ranked.c.days > SIX_MONTHS_DAYS, 1), else_=0))
        over_12 = func.sum(case((ranked.c.days > TWELVE_MONTHS_DAYS, 1), else_=0))
        query = (
            select(
                *by_key, func.count(), _pick(ranked, MEDIAN), _pick(ranked, P90), over_6, over_12
            )
            .select_from(ranked)
            .group_by(*by_key)
        )
        width = len(keys)
        placed = {
            tuple(row[:width]): (int(row[width]), row[width + 1], row[width + 2],
                                 int(row[width + 3] or 0), int(row[width + 4] or 0))
            for row in self._rows(query)
            if int(row[width])
        }  # fmt: skip
        waiting = self._waiting(last, source, keys, caseworker_id)
        none = (0, None, None, 0, 0)
        return {
            key: (*placed.get(key, none), *waiting.get(key, (0, 0, 0, 0)))
            for key in placed.keys() | waiting.keys()
        }

    def _breakdown_source(self, by: str | None) -> tuple[Any, list[Any]]:
        """The cases joined to what they are broken down by, and the labelled key columns
        (``k0``, ``k1``): gender; group (a person in several groups in each, one in none
        under ``(none)``); caseworker id and name. No keys without ``by``."""
        source: Any = CASE.join(PERSON, PERSON.c.id == CASE.c.person_id)
        if by is None:
            return source, []
        if by == "gender":
            return source, [PERSON.c.gender.label("k0")]
        if by == "caseworker":
            source = source.outerjoin(WORKER, WORKER.c.id == CASE.c.caseworker_id)
            return source, [CASE.c.caseworker_id.label("k0"), WORKER.c.name.label("k1")]
        unnest = "json_each" if self.dialect == "sqlite" else "json_array_elements_text"
        member = getattr(func, unnest)(PERSON.c.groups).table_valued("value").alias("member")
        source = source.outerjoin(member, true())
        return source, [func.coalesce(member.c.value, NO_GROUP).label("k0")]

    def _waiting(
        self, last: date, source: Any, keys: list[Any], caseworker_id: int | None
    ) -> dict[tuple[Any, ...], tuple[int, int, int, int]]:
        """Cases open at the end of ``last`` with no placement started by then, and how
        many of them had waited more than 6 and 12 months; apart from them, those an
        import had put in or past the first workplace step (step 2) by then: they had a
        placement before kivo, which the import did not record (placement unknown).
        Per breakdown value (``keys``)."""
        placed = exists(
            select(PLACEMENT.c.id).where(
                PLACEMENT.c.case_id == CASE.c.id, PLACEMENT.c.start <= last
            )
        )
        imported_past = exists(
            select(EVENT.c.id).where(
                EVENT.c.case_id == CASE.c.id,
                EVENT.c.kind == "advanced",
                EVENT.c.to_state.in_(IMPORTED_PLACED_STATES),
                EVENT.c.on <= last,
                _imported(EVENT.c.data),
                in_force(),
            )
        )
        waits = mine(
            select(
                *keys,
                self._days(literal(last, Date), CASE.c.opened_on).label("days"),
                case((imported_past, 1), else_=0).label("unknown"),
            )
            .select_from(source)
            .where(
                CASE.c.opened_on <= last,
                CASE.c.closed_on.is_(None) | (CASE.c.closed_on > last),
                ~placed,
            ),
            caseworker_id,
        ).subquery()
        by_key = [waits.c[key.name] for key in keys]
        waiting = waits.c.unknown == 0
        query = (
            select(
                *by_key,
                func.count(),
                func.sum(case((waiting, 1), else_=0)),
                func.sum(case((waiting & (waits.c.days > SIX_MONTHS_DAYS), 1), else_=0)),
                func.sum(case((waiting & (waits.c.days > TWELVE_MONTHS_DAYS), 1), else_=0)),
                func.sum(waits.c.unknown),
            )
            .select_from(waits)
            .group_by(*by_key)
        )
        width = len(keys)
        return {
            tuple(row[:width]): tuple(int(n or 0) for n in row[width + 1 :])  # type: ignore[misc]
            for row in self._rows(query)
            if int(row[width])
        }


def _ranked(values: Any, partition: list[Any]) -> Any:
    """The values numbered in order within their group, with the group's size."""
    keys = [values.c[c.name] for c in partition]
    position = func.row_number().over(partition_by=keys or None, order_by=values.c.days)
    size = func.count().over(partition_by=keys or None)
    return select(values, position.label("position"), size.label("size")).subquery()


def _pick(ranked: Any, percent: int) -> Any:
    """The nearest-rank percentile: the value at position ceil(percent * size / 100)."""
    rank = (percent * ranked.c.size + 99) // 100
    return func.max(case((ranked.c.position == rank, ranked.c.days), else_=None))


def _percentiles(ranked: Any, keys: list[Any]) -> Any:
    return select(*keys, func.count(), _pick(ranked, MEDIAN), _pick(ranked, P90)).group_by(*keys)


def _imported(data: Any) -> ColumnElement[bool]:
    """An event an import wrote: its data says ``"imported": true``."""
    imported: ColumnElement[bool] = data["imported"].as_boolean().is_(True)
    return imported
