"""A seeded synthetic caseload, written straight into a migrated kivo database.

This is set-up, not a measured path, and it has to be fast enough for a million cases:
rows are built as plain tuples and lists (ids chosen here, so foreign keys need no
round trip) and written through the bare driver in chunks of ``CHUNK`` cases (memory
stays flat in the size): ``sqlite3`` ``executemany`` with journal and sync off while the
template is built, or PostgreSQL ``COPY``. The secondary indexes (and on PostgreSQL the
foreign keys) are dropped for the load and created again from their own stored
definitions afterwards, so the result is schema-identical to a migrated database
(``case_event`` keeps its append-only triggers; no table is ever rebuilt). The
caseworker that marks a finished caseload is written last.
The caseload is realistic in shape: every case walks one of the path's typical routes
(skips, fallbacks, a pause, exits) from a seeded start date up to the benchmark's
"today", with its history events, placements at workplaces with trained supervisors,
the follow-ups and tripartite meetings the default rule set plans (done, cancelled or
pending as the walk left them) and the reminders of what is still pending.

Three pools are left for the scenarios to use up: enrolled cases with consent (batch
moves), cases in step 1 with consent (single moves to short practice) and a set of
reminders due today (dispatch).
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Engine, inspect, text

from states.case import Outcome, step_of_state
from states.personnummer import luhn_check_digit
from states.ruleset import load_default_rules
from states.schedule import Planned, on_entering, on_exit, on_fall_back, plan_items
from states.steps import Step

TODAY = date(2026, 3, 2)
NOW = "2026-03-02T09:00:00"
MARKER = "bench@kivo.invalid"
WORKPLACE_STEPS = frozenset({2, 3, 6, 7, 8, 9})
SUPERVISED_STEPS = frozenset({2, 3, 6, 8})
PLACEMENT_STEPS = frozenset({2, 3, 6, 7, 8})
PROGRAMMES = {2: "PRAKTIK", 3: "PRAKTIK", 6: "APL", 7: "SAVA", 8: "YA", 9: "LONESTOD"}
GENDERS = ("woman", "man", "woman", "man", "non-binary")
GROUPS = ("long-term-unemployed", "newly-arrived", "foreign-background")
# A route: step numbers, ("fall-back", step), "pause", "resume", or an outcome to exit with.
Route = list[object]
ROUTES: list[Route] = [
    [1, 2, 7, 9, Outcome.EMPLOYED],
    [1, 4, 5, 6, 8],
    [1, 2, ("fall-back", 1), 3, 4],
    [1, 3, "pause", "resume", 5, 6],
    [1, 2, 9, Outcome.EMPLOYED],
    [1, Outcome.DECLINED],
    [1, 4, Outcome.STUDIES],
    [2, 7, ("fall-back", 2), 9],
    [1, 4, 5, 6, 7, 9],
]
ENROLLED_SHARE = 0.2  # still only enrolled: the batch-move pool
INFORMATION_SHARE = 0.2  # in step 1 with consent: the single-move pool
CHUNK = 10_000
SUPERVISOR_CAPACITY = 50  # room for the single-move scenario's new placements


@dataclass
class Counts:
    cases: int = 0
    events: int = 0
    placements: int = 0
    followups: int = 0
    meetings: int = 0
    reminders: int = 0
    due_reminders: int = 0


# The columns written, in the order of the tuples (and lists) built below.
COLUMNS: dict[str, tuple[str, ...]] = {
    "caseworker": ("id", "name", "email", "role", "active"),
    "workplace": ("id", "name", "employer", "active"),
    "supervisor": ("id", "name", "workplace_id", "trained_on", "capacity", "active"),
    "person": ("id", "name", "personnummer", "gender", "birth_year", "groups"),
    "kivo_case": (
        "id",
        "person_id",
        "state",
        "step",
        "paused_from",
        "caseworker_id",
        "opened_on",
        "closed_on",
        "outcome",
        "consent_on",
        "last_move_on",
        "version",
    ),
    "case_event": (
        "id",
        "case_id",
        "seq",
        "kind",
        "from_state",
        "to_state",
        "on",
        "recorded_at",
        "actor_id",
        "reason",
        "warnings",
        "overrides",
        "data",
    ),
    "placement": (
        "id",
        "case_id",
        "step",
        "workplace_id",
        "supervisor_id",
        "programme",
        "start",
        "planned_end",
        "ended_on",
        "end_reason",
    ),
    "followup": (
        "id",
        "case_id",
        "name",
        "kind",
        "title",
        "due",
        "status",
        "step",
        "placement_id",
        "anchor",
        "offset_days",
        "keep",
        "done_on",
        "suspended_on",
        "notes",
        "cancel_reason",
    ),
    "meeting": ("id", "case_id", "at", "uid", "status", "followup_id", "supervisor_id", "notes"),
    "reminder": (
        "id",
        "followup_id",
        "case_id",
        "kind",
        "due",
        "send_on",
        "status",
        "attempts",
        "sent_at",
    ),
}
# Positions in a placement's list and a follow-up's list (they change as the walk goes).
P_SUPERVISOR, P_ENDED, P_END_REASON = 4, 8, 9
F_ID, F_DUE, F_STATUS, F_KEEP, F_DONE, F_SUSPENDED, F_CANCEL = 0, 5, 6, 11, 12, 13, 15
EMPTY_LIST, EMPTY_OBJECT = "[]", "{}"
HORIZON = TODAY + timedelta(days=400)
Row = Sequence[Any]


class _Rows:
    """One chunk's rows; the ids go on from where the chunks before stopped."""

    def __init__(self, before: Counts) -> None:
        self.people: list[Row] = []
        self.cases: list[Row] = []
        self.events: list[Row] = []
        self.placements: list[list[Any]] = []
        self.followups: list[list[Any]] = []
        self.meetings: list[Row] = []
        self.reminders: list[Row] = []
        self.first_event = before.events + 1
        self.first_placement = before.placements + 1
        self.first_followup = before.followups + 1
        self.first_meeting = before.meetings + 1
        self.first_reminder = before.reminders + 1

    def by_table(self) -> dict[str, list[Any]]:
        return {
            "person": self.people,
            "kivo_case": self.cases,
            "case_event": self.events,
            "placement": self.placements,
            "followup": self.followups,
            "meeting": self.meetings,
            "reminder": self.reminders,
        }


def due_reminders_for(size: int) -> int:
    """Reminders due today: a tenth of the cases, at most the issue's 100,000."""
    return max(10, min(size // 10, 100_000))


def generate(engine: Engine, size: int, seed: int = 7) -> Counts:
    """Fill an empty, migrated kivo database with ``size`` cases (seeded, repeatable)."""
    rng = random.Random(seed)
    staff = _staff(size)
    workers = [row[0] for row in staff["caseworker"][1:]]
    supervisors = [(row[0], row[2]) for row in staff["supervisor"]]
    planner = _Planner()
    counts = Counts()
    due_left = due_reminders_for(size)
    sink = _sink(engine)
    try:
        sink.start()
        sink.write("workplace", staff["workplace"])
        sink.write("supervisor", staff["supervisor"])
        sink.write("caseworker", staff["caseworker"][1:])
        for first in range(1, size + 1, CHUNK):
            rows = _Rows(counts)
            for case_id in range(first, min(first + CHUNK, size + 1)):
                walk = _Walk(rng, planner, rows, case_id, workers, supervisors)
                walk.build()
                if due_left and walk.active_in_step:
                    walk.due_today()
                    due_left -= 1
            for table, values in rows.by_table().items():
                sink.write(table, values)
            sink.commit()
            counts.cases += len(rows.cases)
            counts.events += len(rows.events)
            counts.placements += len(rows.placements)
            counts.followups += len(rows.followups)
            counts.meetings += len(rows.meetings)
            counts.reminders += len(rows.reminders)
        sink.finish()
        # Last, once everything else is in: the coordinator that marks a whole caseload.
        sink.write("caseworker", staff["caseworker"][:1])
        sink.commit()
    finally:
        sink.close()
    counts.due_reminders = due_reminders_for(size) - due_left
    _fix_sequences(engine)
    return counts


def _staff(size: int) -> dict[str, list[Row]]:
    caseworkers: list[Row] = [(1, "Samordnare Bench", MARKER, "coordinator", True)]
    for n in range(2, max(size // 250, 4) + 2):
        caseworkers.append((n, f"Handläggare {n}", f"cw{n}@kivo.invalid", "caseworker", True))
    workplaces: list[Row] = []
    supervisors: list[Row] = []
    for n in range(1, max(size // 50, 10) + 1):
        workplaces.append((n, f"Arbetsplats {n}", f"Företag {n} AB", True))
        for k in (0, 1):
            trained_on = TODAY - timedelta(days=400 + n % 300)
            supervisors.append(
                (2 * n - 1 + k, f"Handledare {n}-{k}", n, trained_on, SUPERVISOR_CAPACITY, True)
            )
    return {"caseworker": caseworkers, "workplace": workplaces, "supervisor": supervisors}


_BIRTH_DAYS = 365 * 45
_BIRTHS: dict[int, tuple[str, str]] = {}


def personnummer(index: int) -> str:
    """A valid, unique personnummer for the ``index``-th person (12 digits)."""
    day = index % _BIRTH_DAYS
    born = _BIRTHS.get(day)
    if born is None:
        when = date(1960, 1, 1) + timedelta(days=day)
        born = _BIRTHS[day] = (when.strftime("%Y%m%d"), when.strftime("%y%m%d"))
    serial = f"{index // _BIRTH_DAYS:03d}"
    return f"{born[0]}{serial}{luhn_check_digit(born[1] + serial)}"


# A planned item relative to the stay's start: (days after the start, the item).
_Relative = list[tuple[timedelta, Planned]]


class _Planner:
    """The default rule set's plans, computed once per kind of stay and shifted.

    ``plan_items`` only ever adds to the start day (the anchors are the start, the
    midpoint and the end), so a plan for a stay of a given length is the same plan moved
    to another start: it is worked out once for a fixed day and moved by date arithmetic.
    """

    BASE = date(2000, 1, 1)

    def __init__(self) -> None:
        self.rules = load_default_rules()
        self._plans: dict[tuple[object, ...], _Relative] = {}
        sends = self.rules.reminders.sends(self.BASE, self.BASE)
        self.sends = [(kind, day - self.BASE) for kind, day in sends]

    def _relative(
        self, key: tuple[object, ...], make: Callable[[date], list[Planned]]
    ) -> _Relative:
        plan = self._plans.get(key)
        if plan is None:
            plan = self._plans[key] = [(p.due - self.BASE, p) for p in make(self.BASE)]
        return plan

    def entering(self, number: int, days: int | None) -> _Relative:
        schedule = self.rules.schedule

        def make(base: date) -> list[Planned]:
            end = None if days is None else base + timedelta(days=days)
            return plan_items(on_entering(schedule, number), base, end)

        return self._relative(("enter", number, days), make)

    def falling_back(self, number: int) -> _Relative:
        schedule = self.rules.schedule

        def make(base: date) -> list[Planned]:
            planned = plan_items(on_entering(schedule, number), base, None)
            return planned + plan_items(on_fall_back(schedule), base, None)

        return self._relative(("fall-back", number), make)

    def exiting(self, outcome: str) -> _Relative:
        schedule = self.rules.schedule
        return self._relative(
            ("exit", outcome), lambda base: plan_items(on_exit(schedule, outcome), base, None)
        )


_DUE_TODAY = Planned(
    "placement-contact", "follow-up", "Follow-up contact", TODAY, "start", 0, False
)
_json_cache: dict[tuple[str, ...], str] = {}


def _groups_json(groups: list[str]) -> str:
    key = tuple(groups)
    found = _json_cache.get(key)
    if found is None:
        found = _json_cache[key] = json.dumps(groups)
    return found


class _Walk:
    """One case's life from enrolment up to today, as rows (tuples; lists where the walk
    changes them later: placements and follow-ups)."""

    def __init__(
        self,
        rng: random.Random,
        planner: _Planner,
        rows: _Rows,
        case_id: int,
        workers: list[int],
        supervisors: list[tuple[int, int]],
    ) -> None:
        self.rng, self.planner, self.rows = rng, planner, rows
        self.case_id = case_id
        self.worker = workers[case_id % len(workers)]
        self.supervisors = supervisors
        self.seq = 0
        self.state = "enrolled"
        self.paused_from: str | None = None
        self.placement: list[Any] | None = None
        self.open_items: list[list[Any]] = []
        self.active_in_step = False
        self.consent_on: date | None = None
        self.outcome: str | None = None

    def build(self) -> None:
        rng = self.rng
        kind = rng.random()
        if kind < ENROLLED_SHARE:
            opened = TODAY - timedelta(days=rng.randint(1, 20))
            self._enrol(opened, consent=True)
            self._case_row(opened, opened)
            return
        if kind < ENROLLED_SHARE + INFORMATION_SHARE:
            opened = TODAY - timedelta(days=rng.randint(40, 120))
            self._enrol(opened, consent=True)
            day = opened + timedelta(days=rng.randint(7, 20))
            self._advance(1, day)
            self._case_row(opened, day)
            return
        opened = TODAY - timedelta(days=rng.randint(60, 1200))
        self._enrol(opened, consent=rng.random() < 0.95)
        route = ROUTES[self.case_id % len(ROUTES)]
        day = opened
        for move in route[: rng.randint(1, len(route))]:
            next_day = day + timedelta(days=rng.randint(14, 120))
            if next_day >= TODAY:
                break
            day = next_day
            self._move(move, day)
        self._settle_open_items()
        self._case_row(opened, day)

    # -- moves ------------------------------------------------------------------------

    def _move(self, move: object, day: date) -> None:
        if isinstance(move, Outcome):
            self._leave(day, "exited")
            self._event("exited", day, self.state, "exited", data={"outcome": move.value})
            self.outcome = move.value
            self.state = "exited"
            self._plan(self.planner.exiting(move.value), day, None, None)
        elif move == "pause":
            self._event("paused", day, self.state, "paused", reason="parental leave")
            self.paused_from, self.state = self.state, "paused"
            for item in self.open_items:
                item[F_STATUS], item[F_SUSPENDED] = "suspended", day
        elif move == "resume":
            assert self.paused_from is not None
            self._event("resumed", day, "paused", self.paused_from)
            self.state, self.paused_from = self.paused_from, None
            for item in self.open_items:
                item[F_STATUS], item[F_SUSPENDED] = "pending", None
        elif isinstance(move, tuple):
            step = Step(int(move[1]))
            self._leave(day, "fell_back")
            self._event("fell_back", day, self.state, step.slug, reason="the placement ended")
            self.state = step.slug
            self._plan(self.planner.falling_back(step.number), day, step.number, None)
        else:
            assert isinstance(move, int)
            self._advance(move, day)

    def _advance(self, number: int, day: date) -> None:
        self._leave(day, "advanced")
        step = Step(number)
        days = self.rng.randint(60, 180) if number != 1 else None
        until = day + timedelta(days=days) if days is not None else None
        data: dict[str, Any] = {}
        placement_id = None
        if number in WORKPLACE_STEPS:
            supervisor, workplace = self.rng.choice(self.supervisors)
            placement_id = self.rows.first_placement + len(self.rows.placements)
            programme = PROGRAMMES[number]
            supervised = supervisor if number in SUPERVISED_STEPS else None
            self.placement = [
                placement_id,
                self.case_id,
                number,
                workplace,
                supervised,
                programme,
                day,
                until,
                None,
                None,
            ]
            self.rows.placements.append(self.placement)
            data = {"workplace_id": workplace, "programme": programme, "placement_id": placement_id}
            if supervised is not None:
                data["supervisor_id"] = supervisor
        if until is not None:
            data["until"] = until.isoformat()
        self._event("advanced", day, self.state, step.slug, data=data)
        self.state = step.slug
        made = self._plan(self.planner.entering(number, days), day, number, placement_id)
        if number in PLACEMENT_STEPS and placement_id is not None and day < TODAY:
            for item in made:
                if item[2] == "tripartite-start":
                    self._meeting(item, day)
                    break

    def _leave(self, day: date, why: str) -> None:
        """Close the placement and settle the step's items, as leaving a step does."""
        if self.placement is not None:
            self.placement[P_ENDED], self.placement[P_END_REASON] = day, why
            self.placement = None
        if not self.open_items:
            return
        kept = []
        random_ = self.rng.random
        reason = None
        for item in self.open_items:
            if item[F_KEEP]:
                kept.append(item)
            elif item[F_DUE] < day and random_() < 0.85:
                item[F_STATUS], item[F_DONE] = "done", item[F_DUE]
            else:
                item[F_STATUS] = "cancelled"
                if reason is None:
                    reason = f"{why} on {day.isoformat()}"
                item[F_CANCEL] = reason
        self.open_items = kept

    def _settle_open_items(self) -> None:
        """Items of the current step: past ones mostly done, the rest pending with their
        reminders queued (the past ones' reminders already sent)."""
        self.active_in_step = self.state not in ("enrolled", "exited", "paused")
        random_ = self.rng.random
        for item in self.open_items:
            if item[F_STATUS] != "pending":
                continue
            due = item[F_DUE]
            if due < TODAY and random_() < 0.9:
                item[F_STATUS], item[F_DONE] = "done", due
                continue
            for kind, after in self.planner.sends:
                send_on = due + after
                self._reminder(item, kind, send_on, "sent" if send_on <= TODAY else "pending")

    def due_today(self) -> None:
        """One follow-up due today with its 'due' reminder waiting to be sent."""
        step = Step.INFORMATION.number if self.state == "information" else None
        item = self._followup(_DUE_TODAY, TODAY, step, None)
        self._reminder(item, "due", TODAY, "pending")

    # -- rows -------------------------------------------------------------------------

    def _enrol(self, opened: date, *, consent: bool) -> None:
        rng = self.rng
        groups = sorted(rng.sample(GROUPS, k=rng.choice((0, 0, 1, 1, 2))))
        pnr = personnummer(self.case_id)
        self.rows.people.append(
            (
                self.case_id,
                f"Deltagare {self.case_id}",
                pnr,
                rng.choice(GENDERS),
                int(pnr[:4]),
                _groups_json(groups),
            )
        )
        self.consent_on = opened if consent else None
        self._event("enrolled", opened, None, "enrolled")
        if consent:
            self._event("consent", opened, None, None)

    def _case_row(self, opened: date, last_move: date) -> None:
        step = step_of_state(self._step_state())
        self.rows.cases.append(
            (
                self.case_id,
                self.case_id,
                self.state,
                step.number if step else None,
                self.paused_from,
                self.worker,
                opened,
                last_move if self.state == "exited" else None,
                self.outcome,
                self.consent_on,
                last_move,
                self.seq,
            )
        )

    def _step_state(self) -> str:
        return self.paused_from if self.state == "paused" and self.paused_from else self.state

    def _event(
        self,
        kind: str,
        on: date,
        from_state: str | None,
        to_state: str | None,
        *,
        reason: str | None = None,
        data: dict[str, Any] | None = None,
    ) -> None:
        self.seq += 1
        self.rows.events.append(
            (
                self.rows.first_event + len(self.rows.events),
                self.case_id,
                self.seq,
                kind,
                from_state,
                to_state,
                on,
                None,  # recorded_at: 09:00 UTC on ``on``, filled in when written
                self.worker,
                reason,
                EMPTY_LIST,
                EMPTY_LIST,
                json.dumps(data) if data else EMPTY_OBJECT,
            )
        )

    def _plan(
        self, planned: _Relative, day: date, step: int | None, placement_id: int | None
    ) -> list[list[Any]]:
        made = []
        for after, plan in planned:
            due = day + after
            if due > HORIZON:
                continue
            made.append(self._followup(plan, due, step, placement_id))
        return made

    def _followup(
        self, plan: Planned, due: date, step: int | None, placement_id: int | None
    ) -> list[Any]:
        followups = self.rows.followups
        item = [
            self.rows.first_followup + len(followups),
            self.case_id,
            plan.name,
            plan.kind,
            plan.title,
            due,
            "pending",
            step,
            placement_id,
            plan.anchor,
            plan.offset_days,
            plan.keep,
            None,
            None,
            None,
            None,
        ]
        followups.append(item)
        self.open_items.append(item)
        return item

    def _meeting(self, item: list[Any], day: date) -> None:
        meeting_id = self.rows.first_meeting + len(self.rows.meetings)
        self.rows.meetings.append(
            (
                meeting_id,
                self.case_id,
                day,  # at: 10:00 UTC that day, filled in when written
                f"bench-{meeting_id}@kivo.invalid",
                "held",
                item[F_ID],
                self.placement[P_SUPERVISOR] if self.placement else None,
                None,
            )
        )
        item[F_STATUS], item[F_DONE] = "done", day

    def _reminder(self, item: list[Any], kind: str, send_on: date, status: str) -> None:
        sent = status == "sent"
        self.rows.reminders.append(
            (
                self.rows.first_reminder + len(self.rows.reminders),
                item[F_ID],
                self.case_id,
                kind,
                item[F_DUE],
                send_on,
                status,
                1 if sent else 0,
                send_on if sent else None,  # sent_at: 07:00 UTC that day, when written
            )
        )


# -- writing ------------------------------------------------------------------------------


def _on(value: Any) -> Any:
    """Nothing to change: the value as it is."""
    return value


class _Stamps(dict[date, str]):
    """ISO texts of days (and of a fixed hour on them), worked out once per day."""

    def __init__(self, suffix: str) -> None:
        super().__init__()
        self.suffix = suffix

    def __missing__(self, day: date) -> str:
        text_ = self[day] = day.isoformat() + self.suffix
        return text_


class _Sink:
    """Where the rows go: a driver connection, in big transactions."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.proxy = engine.raw_connection()
        self.connection: Any = self.proxy.driver_connection

    def start(self) -> None:
        raise NotImplementedError

    def write(self, table: str, rows: list[Any]) -> None:
        raise NotImplementedError

    def commit(self) -> None:
        self.connection.commit()

    def finish(self) -> None:
        raise NotImplementedError

    def close(self) -> None:
        self.proxy.close()


def _sink(engine: Engine) -> _Sink:
    if engine.dialect.name == "postgresql":
        return _PostgresSink(engine)
    return _SqliteSink(engine)


class _SqliteSink(_Sink):
    """``executemany`` on the bare ``sqlite3`` connection, journal and sync off while the
    template is built (a failed build is thrown away), the secondary indexes made after
    the load from their own ``CREATE INDEX`` text, and WAL again at the end."""

    def start(self) -> None:
        self.connection.isolation_level = None
        cursor = self.connection.cursor()
        cursor.execute("PRAGMA foreign_keys=OFF")
        cursor.execute("PRAGMA journal_mode=OFF")
        cursor.execute("PRAGMA synchronous=OFF")
        cursor.execute("PRAGMA cache_size=-64000")
        self.indexes: list[tuple[str, str]] = cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            f"AND tbl_name IN ({', '.join('?' for _ in COLUMNS)}) ORDER BY name",
            tuple(COLUMNS),
        ).fetchall()
        for name, _sql in self.indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute("BEGIN")
        self.day = _Stamps("")
        self.statements = {
            table: f"INSERT INTO {table} ({', '.join(_quoted(columns))}) "
            f"VALUES ({', '.join('?' for _ in columns)})"
            for table, columns in COLUMNS.items()
        }
        day = self.day
        at9, at10, at7 = (
            _Stamps(" 09:00:00.000000"),
            _Stamps(" 10:00:00.000000"),
            _Stamps(" 07:00:00.000000"),
        )
        self.shape: dict[str, Callable[[Any], Row]] = {
            "supervisor": lambda r: (r[0], r[1], r[2], day[r[3]], r[4], r[5]),
            "kivo_case": lambda r: (
                *r[:6],
                day[r[6]],
                r[7] and day[r[7]],
                r[8],
                r[9] and day[r[9]],
                day[r[10]],
                r[11],
            ),
            "case_event": lambda r: (*r[:6], day[r[6]], at9[r[6]], *r[8:]),
            "placement": lambda r: (
                *r[:6],
                day[r[6]],
                r[7] and day[r[7]],
                r[8] and day[r[8]],
                r[9],
            ),
            "followup": lambda r: (
                *r[:5],
                day[r[5]],
                *r[6:12],
                r[12] and day[r[12]],
                r[13] and day[r[13]],
                r[14],
                r[15],
            ),
            "meeting": lambda r: (r[0], r[1], at10[r[2]], *r[3:]),
            "reminder": lambda r: (*r[:4], day[r[4]], day[r[5]], r[6], r[7], r[8] and at7[r[8]]),
        }

    def write(self, table: str, rows: list[Any]) -> None:
        if not rows:
            return
        shape = self.shape.get(table)
        values: Iterable[Any] = rows if shape is None else map(shape, rows)
        self.connection.executemany(self.statements[table], values)

    def commit(self) -> None:
        self.connection.execute("COMMIT")
        self.connection.execute("BEGIN")

    def finish(self) -> None:
        cursor = self.connection.cursor()
        for _name, sql in self.indexes:
            cursor.execute(sql)

    def close(self) -> None:
        try:
            if self.connection.in_transaction:
                self.connection.execute("COMMIT")
            self.connection.execute("PRAGMA journal_mode=WAL")
            self.connection.execute("PRAGMA synchronous=NORMAL")
            self.connection.execute("PRAGMA foreign_keys=ON")
        finally:
            super().close()


class _PostgresSink(_Sink):
    """``COPY … FROM STDIN`` on the bare psycopg connection; the secondary indexes and
    the foreign keys of the loaded tables are dropped for the load and made again after
    it from their own definitions (``pg_get_indexdef``, ``pg_get_constraintdef``), in
    the same transaction as the last rows."""

    def start(self) -> None:
        tables = list(COLUMNS)
        with self.connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit = off")
            cursor.execute("SET maintenance_work_mem = '256MB'")
            cursor.execute(
                "SELECT c.relname, k.conname, pg_get_constraintdef(k.oid) "
                "FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid "
                "WHERE k.contype = 'f' AND c.relname = ANY(%s) "
                "AND c.relnamespace = current_schema()::regnamespace ORDER BY k.conname",
                (tables,),
            )
            self.keys: list[tuple[str, str, str]] = cursor.fetchall()
            cursor.execute(
                "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) "
                "FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid "
                "WHERE c.relname = ANY(%s) AND c.relnamespace = current_schema()::regnamespace "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid "
                "AND k.contype IN ('p', 'u', 'x')) ORDER BY 1",
                (tables,),
            )
            self.indexes: list[tuple[str, str]] = cursor.fetchall()
            for table, name, _definition in self.keys:
                cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
            for name, _definition in self.indexes:
                cursor.execute(f"DROP INDEX {name}")
        self.connection.commit()
        at9 = _Hours(9)
        at10 = _Hours(10)
        at7 = _Hours(7)
        self.shape: dict[str, Callable[[Any], Row]] = {
            "case_event": lambda r: (*r[:7], at9[r[6]], *r[8:]),
            "meeting": lambda r: (r[0], r[1], at10[r[2]], *r[3:]),
            "reminder": lambda r: (*r[:8], r[8] and at7[r[8]]),
        }

    def write(self, table: str, rows: list[Any]) -> None:
        if not rows:
            return
        shape: Callable[[Any], Row] = self.shape.get(table, _on)
        statement = f"COPY {table} ({', '.join(_quoted(COLUMNS[table]))}) FROM STDIN"
        with self.connection.cursor() as cursor, cursor.copy(statement) as copy:
            write_row: Callable[[Row], None] = copy.write_row
            for row in rows:
                write_row(shape(row))

    def finish(self) -> None:
        with self.connection.cursor() as cursor:
            for _name, definition in self.indexes:
                cursor.execute(definition)
            for table, name, definition in self.keys:
                cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        self.connection.commit()


class _Hours(dict[date, datetime]):
    """A fixed hour (UTC) on a day, worked out once per day."""

    def __init__(self, hour: int) -> None:
        super().__init__()
        self.hour = time(hour, tzinfo=UTC)

    def __missing__(self, day: date) -> datetime:
        value = self[day] = datetime.combine(day, self.hour)
        return value


def _quoted(columns: Iterable[str]) -> list[str]:
    return [f'"{column}"' for column in columns]


def _fix_sequences(engine: Engine) -> None:
    """PostgreSQL: ids were chosen here, so each serial sequence moves past them."""
    if engine.dialect.name != "postgresql":
        return
    with engine.begin() as connection:
        for table in COLUMNS:
            connection.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"COALESCE((SELECT max(id) FROM {table}), 1))"
                )
            )


def chunked(values: list[int], size: int) -> Iterator[list[int]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def stored_size(engine: Engine) -> int | None:
    """The number of cases of a whole benchmark caseload already there, or ``None`` (no
    schema, or no marker: the marker is written last). Only reads: on SQLite it begins
    DEFERRED, so it never waits for (or fails on) the write lock another reader holds."""
    reader = engine.execution_options(sqlite_begin="DEFERRED")
    if not inspect(reader).has_table("caseworker"):
        return None
    with reader.connect() as connection:
        marker = connection.execute(
            text("SELECT id FROM caseworker WHERE email = :marker"), {"marker": MARKER}
        ).first()
        if marker is None:
            return None
        return int(connection.execute(text("SELECT count(*) FROM kivo_case")).scalar_one())
