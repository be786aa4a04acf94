"""The reports, aggregated in SQL: GROUP BY and window functions, the same on SQLite and
PostgreSQL; Python only renames the grouped rows.

``ReportQueries`` is every report: those here (the funnel, outcomes, fall-backs and
overdue work) with ``DurationQueries`` (time in step, lead time) and ``FunderQueries``
(ESF, programme targets); the SQL they share is in ``persistence.report_sql``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Float, and_, case, cast, exists, func, select, true, union_all
from sqlalchemy.sql.elements import ColumnElement

from persistence.duration_queries import DurationQueries
from persistence.funder_queries import FunderQueries
from persistence.report_sql import (
    CASE,
    DAY,
    EVENT,
    FIRST,
    FOLLOWUP,
    LAST,
    MEETING,
    PERSON,
    STEP_NUMBER,
    WORKER,
    breakdown,
    built,
    events_of,
    in_force,
    mine,
    params_for,
    worker_param,
)
from states.case import EXITED
from states.reports import (
    NO_GROUP,
    STATE_EVENTS,
    FallbackStep,
    Flow,
    OutcomeCount,
    OverdueLine,
    state_label,
)


class ReportQueries(DurationQueries, FunderQueries):
    """Every report: the funnel, outcomes, fall-backs and overdue work here, the others
    from the classes it derives from."""

    # -- funnel ---------------------------------------------------------------------

    def states_on(self, day: date, *, caseworker_id: int | None = None) -> dict[str, int]:
        """Each case's last state-changing event on or before ``day`` is its state then.

        Only the cases with a state change after ``day`` need their history replayed:
        every other case is still in the state it reached by then, which is
        ``kivo_case.state`` (the history replays to it). So the count is the cases per
        current state (``ix_case_state``), less the changed cases at their current
        state, plus the changed cases at their replayed state. For today no case has
        changed since (moves are never dated ahead), and the count is the first part.
        """
        key = ("states_on", self.dialect, caseworker_id is None)
        query = built(key, lambda: self._states_on(worker_param(caseworker_id)))
        rows = self._rows(query, params_for(caseworker_id, day=day))
        found = {state_label(s): int(n) for s, n in rows}
        return {label: n for label, n in found.items() if n}

    def _states_on(self, caseworker_id: Any) -> Any:
        day = DAY
        after = EVENT.alias("after")
        changed = select(after.c.case_id).where(
            after.c.kind.in_(STATE_EVENTS), self._rare(after.c.on > day), in_force(after)
        )
        now = mine(
            select(CASE.c.state, func.count().label("n")).group_by(CASE.c.state), caseworker_id
        )
        undone = mine(
            select(CASE.c.state, (-func.count()).label("n"))
            .where(CASE.c.id.in_(changed))
            .group_by(CASE.c.state),
            caseworker_id,
        )
        ranked = self._replayed(day, caseworker_id, EVENT.c.case_id.in_(changed))
        redone = (
            select(ranked.c.to_state, func.count().label("n"))
            .where(ranked.c.latest == 1)
            .group_by(ranked.c.to_state)
        )
        parts = union_all(now, undone, redone).subquery()
        state = parts.c[0]
        return select(state, func.sum(parts.c.n)).group_by(state)

    def replayed_states_on(self, day: date, *, caseworker_id: int | None = None) -> dict[str, int]:
        """``states_on`` by replaying every case's history up to ``day`` (the reference
        the restricted replay is checked against)."""
        ranked = self._replayed(day, caseworker_id, true())
        query = (
            select(ranked.c.to_state, func.count())
            .where(ranked.c.latest == 1)
            .group_by(ranked.c.to_state)
        )
        return {state_label(state): count for state, count in self._rows(query)}

    def _replayed(self, day: Any, caseworker_id: Any, cases: Any) -> Any:
        """The state-changing events on or before ``day`` of ``cases``, the latest of
        each case numbered 1."""
        latest = func.row_number().over(partition_by=EVENT.c.case_id, order_by=EVENT.c.seq.desc())
        return events_of(
            select(EVENT.c.case_id, EVENT.c.to_state, latest.label("latest")).where(
                EVENT.c.kind.in_(STATE_EVENTS), EVENT.c.on <= day, cases, in_force()
            ),
            caseworker_id,
        ).subquery()

    def flows(
        self,
        first: date,
        last: date,
        *,
        kinds: tuple[str, ...],
        caseworker_id: int | None = None,
    ) -> list[Flow]:
        query = built(
            ("flows", kinds, caseworker_id is None),
            lambda: events_of(
                select(EVENT.c.from_state, EVENT.c.to_state, EVENT.c.kind, func.count())
                .where(EVENT.c.kind.in_(kinds), EVENT.c.on >= FIRST, EVENT.c.on <= LAST, in_force())
                .group_by(EVENT.c.from_state, EVENT.c.to_state, EVENT.c.kind),
                worker_param(caseworker_id),
            ),
        )
        rows = self._rows(query, params_for(caseworker_id, first=first, last=last))
        flows = [
            Flow(state_label(source), state_label(target), kind, count)
            for source, target, kind, count in rows
        ]
        return sorted(flows, key=lambda f: (_order(f.source), _order(f.target), f.kind))

    # -- outcomes -------------------------------------------------------------------

    def _exited(self) -> ColumnElement[bool]:
        return and_(CASE.c.state == EXITED, CASE.c.closed_on >= FIRST, CASE.c.closed_on <= LAST)

    def exits(self, first: date, last: date, *, caseworker_id: int | None = None) -> int:
        query = built(
            ("exits", caseworker_id is None),
            lambda: mine(
                select(func.count()).select_from(CASE).where(self._exited()),
                worker_param(caseworker_id),
            ),
        )
        return int(self._rows(query, params_for(caseworker_id, first=first, last=last))[0][0])

    def outcomes(
        self, first: date, last: date, *, by: str, caseworker_id: int | None = None
    ) -> list[OutcomeCount]:
        """Exits by outcome within each breakdown value; a person in several groups counts
        in each of them, one without groups under ``(none)``."""
        query = built(
            ("outcomes", self.dialect, by, caseworker_id is None),
            lambda: self._outcomes(by, worker_param(caseworker_id)),
        )
        rows = [
            OutcomeCount(
                breakdown(by, row[:-3]),
                row[-3],
                int(row[-2]),
                round(float(row[-1]), 4),
                row[0] if by == "caseworker" else None,
            )
            for row in self._rows(query, params_for(caseworker_id, first=first, last=last))
        ]
        return sorted(rows, key=lambda r: (r.breakdown, r.outcome))

    def _outcomes(self, by: str, caseworker_id: Any) -> Any:
        source: Any = CASE.join(PERSON, PERSON.c.id == CASE.c.person_id)
        keys: list[Any]
        if by == "gender":
            keys = [PERSON.c.gender]
        elif by == "caseworker":
            source = source.outerjoin(WORKER, WORKER.c.id == CASE.c.caseworker_id)
            keys = [CASE.c.caseworker_id, WORKER.c.name]
        else:
            unnest = "json_each" if self.dialect == "sqlite" else "json_array_elements_text"
            member = getattr(func, unnest)(PERSON.c.groups).table_valued("value").alias("member")
            source = source.outerjoin(member, true())
            keys = [func.coalesce(member.c.value, NO_GROUP)]
        count = func.count()
        share = cast(count, Float) / cast(func.sum(count).over(partition_by=keys), Float)
        return mine(
            select(*keys, CASE.c.outcome, count, share)
            .select_from(source)
            .where(self._exited())
            .group_by(*keys, CASE.c.outcome),
            caseworker_id,
        )

    # -- fallbacks ------------------------------------------------------------------

    def fallback_steps(
        self, first: date, last: date, *, window_days: int, caseworker_id: int | None = None
    ) -> list[FallbackStep]:
        """Per step: fall-back moves out of it, the cases that left it (by advancing or
        falling back) in the period, and those of them that fell back (that move itself,
        or a later one) within ``window_days`` of leaving."""
        later = EVENT.alias("later")
        fell = exists(
            select(later.c.id).where(
                later.c.case_id == EVENT.c.case_id,
                later.c.kind == "fell_back",
                later.c.seq >= EVENT.c.seq,
                self._days(later.c.on, EVENT.c.on) <= window_days,
                in_force(later),
            )
        )
        leaving = events_of(
            select(
                EVENT.c.case_id,
                EVENT.c.from_state,
                EVENT.c.kind,
                case((fell, EVENT.c.case_id), else_=None).label("fell"),
            ).where(
                EVENT.c.kind.in_(("advanced", "fell_back")),
                EVENT.c.on >= first,
                EVENT.c.on <= last,
                EVENT.c.from_state.in_(STEP_NUMBER),
                in_force(),
            ),
            caseworker_id,
        ).subquery()
        query = select(
            leaving.c.from_state,
            func.sum(case((leaving.c.kind == "fell_back", 1), else_=0)),
            func.count(leaving.c.case_id.distinct()),
            func.count(leaving.c.fell.distinct()),
        ).group_by(leaving.c.from_state)
        steps = [
            FallbackStep(
                STEP_NUMBER[state], int(moves), int(left), int(fell), round(fell / left, 4)
            )
            for state, moves, left, fell in self._rows(query)
        ]
        return sorted(steps, key=lambda s: s.step)

    # -- overdue --------------------------------------------------------------------

    def overdue(
        self, day: date, moment: datetime, *, caseworker_id: int | None = None
    ) -> list[OverdueLine]:
        def kind(name: str) -> Any:
            return func.sum(case((FOLLOWUP.c.kind == name, 1), else_=0))

        items = mine(
            select(
                CASE.c.caseworker_id,
                kind("follow-up"),
                kind("meeting"),
                kind("decision"),
                func.min(FOLLOWUP.c.due),
            )
            .select_from(FOLLOWUP)
            .join(CASE, CASE.c.id == FOLLOWUP.c.case_id)
            .where(FOLLOWUP.c.status == "pending", FOLLOWUP.c.due < day)
            .group_by(CASE.c.caseworker_id),
            caseworker_id,
        )
        booked = mine(
            select(CASE.c.caseworker_id, func.count())
            .select_from(MEETING)
            .join(CASE, CASE.c.id == MEETING.c.case_id)
            .where(MEETING.c.status == "scheduled", MEETING.c.at < moment.astimezone(UTC))
            .group_by(CASE.c.caseworker_id),
            caseworker_id,
        )
        unrecorded = {worker: int(n) for worker, n in self._rows(booked)}
        found = {row[0]: row[1:] for row in self._rows(items)}
        names = dict(self._rows(select(WORKER.c.id, WORKER.c.name)))
        lines = []
        for worker in sorted(found.keys() | unrecorded.keys(), key=lambda w: (w is None, w)):
            followups, meetings, decisions, oldest = found.get(worker, (0, 0, 0, None))
            lines.append(
                OverdueLine(
                    worker,
                    names.get(worker),
                    int(followups),
                    int(meetings),
                    int(decisions),
                    unrecorded.get(worker, 0),
                    oldest,
                )
            )
        return lines


def _order(label: str) -> tuple[int, str]:
    ranks = {"enrolled": 0, "paused": 10, "exited": 11}
    return (ranks.get(label, int(label) if label.isdigit() else 12), label)
