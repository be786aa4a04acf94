"""The reports, aggregated in SQL: GROUP BY and window functions, the same on SQLite and
PostgreSQL; Python only renames the grouped rows.

Percentiles are nearest-rank (``states.reports``): ROW_NUMBER() orders the values within
their group, COUNT(*) OVER the group gives n, and the row whose number is
``ceil(p * n / 100)`` (integer arithmetic: ``(p * n + 99) / 100``) holds the value.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    Date,
    Float,
    Integer,
    and_,
    bindparam,
    case,
    cast,
    exists,
    extract,
    func,
    literal,
    literal_column,
    select,
    true,
    union_all,
)
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session

from persistence.tables import (
    CaseEventRow,
    CaseRow,
    CaseworkerRow,
    FollowupRow,
    MeetingRow,
    PersonRow,
    PlacementRow,
    TargetRow,
)
from states.case import EXITED
from states.reports import (
    AFTER_4_WEEKS,
    AFTER_6_MONTHS,
    FIRST_WORKPLACE_STEP,
    LEAVING_EVENTS,
    NO_GROUP,
    SIX_MONTHS_DAYS,
    STATE_EVENTS,
    TWELVE_MONTHS_DAYS,
    EsfRow,
    FallbackStep,
    Flow,
    LeadTime,
    LeadTimeRow,
    OutcomeCount,
    OverdueLine,
    StepTimes,
    TargetResult,
    education_band,
    entry_status,
    esf_gender,
    state_label,
)
from states.steps import Step

EVENT = CaseEventRow.__table__  # type: ignore[attr-defined]
CASE = CaseRow.__table__  # type: ignore[attr-defined]
PERSON = PersonRow.__table__  # type: ignore[attr-defined]
WORKER = CaseworkerRow.__table__  # type: ignore[attr-defined]
PLACEMENT = PlacementRow.__table__  # type: ignore[attr-defined]
FOLLOWUP = FollowupRow.__table__  # type: ignore[attr-defined]
MEETING = MeetingRow.__table__  # type: ignore[attr-defined]
TARGET = TargetRow.__table__  # type: ignore[attr-defined]

STEP_NUMBER = {step.slug: step.number for step in Step}
IMPORTED_PLACED_STATES = tuple(step.slug for step in Step if step.number >= FIRST_WORKPLACE_STEP)
MEDIAN, P90 = 50, 90

# The reports run most often are built once per shape (dialect, a caseworker or not) with
# these placeholders, then only executed: building the SQL expression costs more than
# running it on a small database.
DAY, FIRST, LAST = (bindparam(name, type_=Date) for name in ("day", "first", "last"))
YEAR, CASEWORKER = bindparam("year", type_=Integer), bindparam("caseworker", type_=Integer)
_BUILT: dict[tuple[Any, ...], Any] = {}


def _built(key: tuple[Any, ...], build: Callable[[], Any]) -> Any:
    found = _BUILT.get(key)
    if found is None:
        found = _BUILT[key] = build()
    return found


def _params(caseworker_id: int | None, **values: Any) -> dict[str, Any]:
    return values if caseworker_id is None else {**values, "caseworker": caseworker_id}


def _worker(caseworker_id: int | None) -> Any:
    """The caseworker placeholder when one is asked for."""
    return None if caseworker_id is None else CASEWORKER


class ReportQueries:
    def __init__(self, session: Session) -> None:
        self.session = session

    @property
    def dialect(self) -> str:
        return self.session.get_bind().dialect.name

    def _rows(self, query: Any, params: dict[str, Any] | None = None) -> list[Any]:
        return list(self.session.connection().execute(query, params).all())

    def _rare(self, condition: ColumnElement[bool]) -> ColumnElement[bool]:
        """A condition few rows meet, such as events after a recent day (none after
        today). SQLite's statistics count events per kind, not per day: told so, it
        reads them through ``ix_case_event_flow`` rather than reading every event."""
        if self.dialect == "sqlite":
            return func.likelihood(condition, literal_column("0.001"))
        return condition

    def _days(self, later: Any, earlier: Any) -> ColumnElement[Any]:
        """Whole days from ``earlier`` to ``later``."""
        if self.dialect == "sqlite":
            return cast(func.julianday(later) - func.julianday(earlier), Integer)
        return cast(later - earlier, Integer)

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
        query = _built(key, lambda: self._states_on(_worker(caseworker_id)))
        rows = self._rows(query, _params(caseworker_id, day=day))
        found = {state_label(s): int(n) for s, n in rows}
        return {label: n for label, n in found.items() if n}

    def _states_on(self, caseworker_id: Any) -> Any:
        day = DAY
        after = EVENT.alias("after")
        changed = select(after.c.case_id).where(
            after.c.kind.in_(STATE_EVENTS), self._rare(after.c.on > day)
        )
        now = _mine(
            select(CASE.c.state, func.count().label("n")).group_by(CASE.c.state), caseworker_id
        )
        undone = _mine(
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
        return _events_of(
            select(EVENT.c.case_id, EVENT.c.to_state, latest.label("latest")).where(
                EVENT.c.kind.in_(STATE_EVENTS), EVENT.c.on <= day, cases
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
        query = _built(
            ("flows", kinds, caseworker_id is None),
            lambda: _events_of(
                select(EVENT.c.from_state, EVENT.c.to_state, EVENT.c.kind, func.count())
                .where(EVENT.c.kind.in_(kinds), EVENT.c.on >= FIRST, EVENT.c.on <= LAST)
                .group_by(EVENT.c.from_state, EVENT.c.to_state, EVENT.c.kind),
                _worker(caseworker_id),
            ),
        )
        rows = self._rows(query, _params(caseworker_id, first=first, last=last))
        flows = [
            Flow(state_label(source), state_label(target), kind, count)
            for source, target, kind, count in rows
        ]
        return sorted(flows, key=lambda f: (_order(f.source), _order(f.target), f.kind))

    # -- outcomes -------------------------------------------------------------------

    def _exited(self) -> ColumnElement[bool]:
        return and_(CASE.c.state == EXITED, CASE.c.closed_on >= FIRST, CASE.c.closed_on <= LAST)

    def exits(self, first: date, last: date, *, caseworker_id: int | None = None) -> int:
        query = _built(
            ("exits", caseworker_id is None),
            lambda: _mine(
                select(func.count()).select_from(CASE).where(self._exited()),
                _worker(caseworker_id),
            ),
        )
        return int(self._rows(query, _params(caseworker_id, first=first, last=last))[0][0])

    def outcomes(
        self, first: date, last: date, *, by: str, caseworker_id: int | None = None
    ) -> list[OutcomeCount]:
        """Exits by outcome within each breakdown value; a person in several groups counts
        in each of them, one without groups under ``(none)``."""
        query = _built(
            ("outcomes", self.dialect, by, caseworker_id is None),
            lambda: self._outcomes(by, _worker(caseworker_id)),
        )
        rows = [
            OutcomeCount(
                _breakdown(by, row[:-3]),
                row[-3],
                int(row[-2]),
                round(float(row[-1]), 4),
                row[0] if by == "caseworker" else None,
            )
            for row in self._rows(query, _params(caseworker_id, first=first, last=last))
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
        return _mine(
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
            )
        )
        leaving = _events_of(
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

    # -- time in step ---------------------------------------------------------------

    def step_times(
        self, first: date, last: date, *, caseworker_id: int | None = None
    ) -> list[StepTimes]:
        """Stays in a step run from the move into it to the next move out of it (advance,
        fall back or exit; a pause stays in the step). Closed stays are those that ended
        in the period; open stays are those still running at the end of ``last``, counted
        up to ``last``."""
        left_on = func.lead(EVENT.c.on).over(partition_by=EVENT.c.case_id, order_by=EVENT.c.seq)
        moves = _events_of(
            select(EVENT.c.kind, EVENT.c.to_state, EVENT.c.on, left_on.label("left_on")).where(
                EVENT.c.kind.in_(LEAVING_EVENTS), EVENT.c.on <= last
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
                        _breakdown(by, keys),
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
        waits = _mine(
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
            )
        )
        waits = _mine(
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

    # -- targets --------------------------------------------------------------------

    def target_results(self, year: int, *, caseworker_id: int | None = None) -> list[TargetResult]:
        """Placements started in the year and extension decisions made in it, per
        programme, beside the year's target."""
        query = _built(("targets", caseworker_id is None), lambda: _targets(_worker(caseworker_id)))
        params = _params(caseworker_id, year=year, first=date(year, 1, 1), last=date(year, 12, 31))
        found: dict[str, dict[str, int]] = {"target": {}, "started": {}, "extended": {}}
        for what, code, n in self._rows(query, params):
            found[what][code] = int(n)
        goal, began, more = found["target"], found["started"], found["extended"]
        return [
            TargetResult(code, year, goal.get(code), began.get(code, 0), more.get(code, 0))
            for code in sorted(goal.keys() | began.keys() | more.keys())
        ]

    # -- overdue --------------------------------------------------------------------

    def overdue(
        self, day: date, moment: datetime, *, caseworker_id: int | None = None
    ) -> list[OverdueLine]:
        def kind(name: str) -> Any:
            return func.sum(case((FOLLOWUP.c.kind == name, 1), else_=0))

        items = _mine(
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
        booked = _mine(
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

    # -- ESF ------------------------------------------------------------------------

    def esf(self, first: date, last: date, *, caseworker_id: int | None = None) -> list[EsfRow]:
        """Cases that were open at some time in the period, with the person's indicators
        and the status found by the follow-ups 4 weeks and 6 months into employment (the
        finding when one was recorded, else the follow-up's own status)."""
        after_4w = _followup_status(AFTER_4_WEEKS)
        after_6m = _followup_status(AFTER_6_MONTHS)
        age = extract("year", CASE.c.opened_on) - PERSON.c.birth_year
        band = case(
            (PERSON.c.birth_year.is_(None), None),
            (age < 18, "<18"),
            (age < 30, "18-29"),
            (age < 55, "30-54"),
            else_="55+",
        )
        query = _mine(
            select(
                CASE.c.id,
                PERSON.c.id,
                PERSON.c.personnummer,
                PERSON.c.gender,
                band,
                PERSON.c.groups,
                CASE.c.opened_on,
                CASE.c.closed_on,
                CASE.c.outcome,
                after_4w.c.status,
                after_6m.c.status,
            )
            .select_from(CASE)
            .join(PERSON, PERSON.c.id == CASE.c.person_id)
            .outerjoin(after_4w, after_4w.c.case_id == CASE.c.id)
            .outerjoin(after_6m, after_6m.c.case_id == CASE.c.id)
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
                age_band=row[4],
                entry_status=entry_status(list(row[5] or [])),
                education=education_band(list(row[5] or [])),
                groups=list(row[5] or []),
                entry=row[6],
                exit=row[7],
                outcome=row[8],
                after_4_weeks=row[9],
                after_6_months=row[10],
            )
            for row in self._rows(query)
        ]


def _targets(caseworker_id: Any) -> Any:
    """Placements started, extensions decided (``first``..``last``) and targets set
    (``year``), per programme: one statement, each row tagged with what it counts."""
    started = _events_of(
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
    extended = _events_of(
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


def _imported(data: Any) -> ColumnElement[bool]:
    """An event an import wrote: its data says ``"imported": true``."""
    imported: ColumnElement[bool] = data["imported"].as_boolean().is_(True)
    return imported


def _events_of(query: Any, caseworker_id: int | None, case_id: Any = EVENT.c.case_id) -> Any:
    """Only the rows (events, or those whose ``case_id`` is given) of the cases the
    caseworker holds now; all of them (no join: every row's case exists) when no
    caseworker is asked for."""
    if caseworker_id is None:
        return query
    return query.join(CASE, CASE.c.id == case_id).where(CASE.c.caseworker_id == caseworker_id)


def _mine(query: Any, caseworker_id: int | None) -> Any:
    """Only the cases the caseworker holds now (the query joins ``kivo_case``)."""
    return query if caseworker_id is None else query.where(CASE.c.caseworker_id == caseworker_id)


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


def _breakdown(by: str, keys: tuple[Any, ...]) -> str:
    if by == "caseworker":
        worker, name = keys
        return f"{name} ({worker})" if worker is not None else "(unassigned)"
    return str(keys[0])


def _order(label: str) -> tuple[int, str]:
    ranks = {"enrolled": 0, "paused": 10, "exited": 11}
    return (ranks.get(label, int(label) if label.isdigit() else 12), label)
