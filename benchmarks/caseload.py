"""A seeded synthetic caseload, written straight into a migrated kivo database.

This is set-up, not a measured path: rows are written with Core ``insert()``
executemany, in chunks, with ids chosen here (so foreign keys need no round trip).
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

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Engine, insert, text

from persistence.tables import (
    CaseEventRow,
    CaseRow,
    CaseworkerRow,
    FollowupRow,
    MeetingRow,
    PersonRow,
    PlacementRow,
    ReminderRow,
    SupervisorRow,
    WorkplaceRow,
)
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
CHUNK = 5_000
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

    def add(self, other: Counts) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class _Rows:
    people: list[dict[str, Any]] = field(default_factory=list)
    cases: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)
    placements: list[dict[str, Any]] = field(default_factory=list)
    followups: list[dict[str, Any]] = field(default_factory=list)
    meetings: list[dict[str, Any]] = field(default_factory=list)
    reminders: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class _Ids:
    event: int = 0
    placement: int = 0
    followup: int = 0
    meeting: int = 0
    reminder: int = 0


def due_reminders_for(size: int) -> int:
    """Reminders due today: a tenth of the cases, at most the issue's 100,000."""
    return max(10, min(size // 10, 100_000))


def generate(engine: Engine, size: int, seed: int = 7) -> Counts:
    """Fill an empty, migrated kivo database with ``size`` cases (seeded, repeatable)."""
    rng = random.Random(seed)
    rules = load_default_rules()
    staff = _staff(size)
    counts = Counts()
    ids = _Ids()
    with engine.begin() as connection:
        connection.execute(insert(CaseworkerRow), staff["caseworkers"])
        connection.execute(insert(WorkplaceRow), staff["workplaces"])
        connection.execute(insert(SupervisorRow), staff["supervisors"])
    workers = [w["id"] for w in staff["caseworkers"][1:]]
    supervisors = [(s["id"], s["workplace_id"]) for s in staff["supervisors"]]
    due_left = due_reminders_for(size)
    for first in range(1, size + 1, CHUNK):
        rows = _Rows()
        for case_id in range(first, min(first + CHUNK, size + 1)):
            walk = _Walk(rng, rules, ids, rows, case_id, workers, supervisors)
            walk.build()
            if due_left and walk.active_in_step:
                walk.due_today()
                due_left -= 1
        counts.add(_write(engine, rows))
    counts.due_reminders = due_reminders_for(size) - due_left
    _fix_sequences(engine)
    return counts


def _staff(size: int) -> dict[str, list[dict[str, Any]]]:
    caseworkers = [{"id": 1, "name": "Samordnare Bench", "email": MARKER, "role": "coordinator"}]
    for n in range(2, max(size // 250, 4) + 2):
        caseworkers.append(
            {
                "id": n,
                "name": f"Handläggare {n}",
                "email": f"cw{n}@kivo.invalid",
                "role": "caseworker",
            }
        )
    workplaces, supervisors = [], []
    for n in range(1, max(size // 50, 10) + 1):
        workplaces.append({"id": n, "name": f"Arbetsplats {n}", "employer": f"Företag {n} AB"})
        for k in (0, 1):
            supervisors.append(
                {
                    "id": 2 * n - 1 + k,
                    "name": f"Handledare {n}-{k}",
                    "workplace_id": n,
                    "trained_on": TODAY - timedelta(days=400 + n % 300),
                    "capacity": SUPERVISOR_CAPACITY,
                }
            )
    return {"caseworkers": caseworkers, "workplaces": workplaces, "supervisors": supervisors}


def personnummer(index: int) -> str:
    """A valid, unique personnummer for the ``index``-th person (12 digits)."""
    days = 365 * 45
    born = date(1960, 1, 1) + timedelta(days=index % days)
    serial = index // days
    nine = born.strftime("%y%m%d") + f"{serial:03d}"
    return born.strftime("%Y%m%d") + f"{serial:03d}{luhn_check_digit(nine)}"


class _Walk:
    """One case's life from enrolment up to today, as rows."""

    def __init__(
        self,
        rng: random.Random,
        rules: Any,
        ids: _Ids,
        rows: _Rows,
        case_id: int,
        workers: list[int],
        supervisors: list[tuple[int, int]],
    ) -> None:
        self.rng, self.rules, self.ids, self.rows = rng, rules, ids, rows
        self.case_id = case_id
        self.worker = workers[case_id % len(workers)]
        self.supervisors = supervisors
        self.seq = 0
        self.state = "enrolled"
        self.paused_from: str | None = None
        self.placement: dict[str, Any] | None = None
        self.open_items: list[dict[str, Any]] = []
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
            self._plan(plan_items(on_exit(self.rules.schedule, move.value), day, None), None)
        elif move == "pause":
            self._event("paused", day, self.state, "paused", reason="parental leave")
            self.paused_from, self.state = self.state, "paused"
            for item in self.open_items:
                item["status"], item["suspended_on"] = "suspended", day
        elif move == "resume":
            assert self.paused_from is not None
            self._event("resumed", day, "paused", self.paused_from)
            self.state, self.paused_from = self.paused_from, None
            for item in self.open_items:
                item["status"], item["suspended_on"] = "pending", None
        elif isinstance(move, tuple):
            step = Step(int(move[1]))
            self._leave(day, "fell_back")
            self._event("fell_back", day, self.state, step.slug, reason="the placement ended")
            self.state = step.slug
            planned = plan_items(on_entering(self.rules.schedule, step.number), day, None)
            planned += plan_items(on_fall_back(self.rules.schedule), day, None)
            self._plan(planned, step.number)
        else:
            assert isinstance(move, int)
            self._advance(move, day)

    def _advance(self, number: int, day: date) -> None:
        self._leave(day, "advanced")
        step = Step(number)
        until = day + timedelta(days=self.rng.randint(60, 180)) if number != 1 else None
        data: dict[str, Any] = {}
        placement_id = None
        if number in WORKPLACE_STEPS:
            supervisor, workplace = self.rng.choice(self.supervisors)
            self.ids.placement += 1
            placement_id = self.ids.placement
            self.placement = {
                "id": placement_id,
                "case_id": self.case_id,
                "step": number,
                "workplace_id": workplace,
                "supervisor_id": supervisor if number in SUPERVISED_STEPS else None,
                "programme": PROGRAMMES[number],
                "start": day,
                "planned_end": until,
                "ended_on": None,
                "end_reason": None,
            }
            self.rows.placements.append(self.placement)
            data = {
                "workplace_id": workplace,
                "programme": PROGRAMMES[number],
                "placement_id": placement_id,
            }
            if self.placement["supervisor_id"] is not None:
                data["supervisor_id"] = supervisor
        if until is not None:
            data["until"] = until.isoformat()
        self._event("advanced", day, self.state, step.slug, data=data)
        self.state = step.slug
        items = plan_items(on_entering(self.rules.schedule, number), day, until)
        made = self._plan(items, number, placement_id)
        if number in PLACEMENT_STEPS and placement_id is not None:
            start = next((m for m in made if m["name"] == "tripartite-start"), None)
            if start is not None and day < TODAY:
                self._meeting(start, day)

    def _leave(self, day: date, why: str) -> None:
        """Close the placement and settle the step's items, as leaving a step does."""
        if self.placement is not None:
            self.placement["ended_on"], self.placement["end_reason"] = day, why
            self.placement = None
        kept = []
        for item in self.open_items:
            if item["keep"]:
                kept.append(item)
            elif item["due"] < day and self.rng.random() < 0.85:
                item["status"], item["done_on"] = "done", item["due"]
            else:
                item["status"] = "cancelled"
                item["cancel_reason"] = f"{why} on {day.isoformat()}"
        self.open_items = kept

    def _settle_open_items(self) -> None:
        """Items of the current step: past ones mostly done, the rest pending with their
        reminders queued (the past ones' reminders already sent)."""
        self.active_in_step = self.state not in ("enrolled", "exited", "paused")
        for item in self.open_items:
            if item["status"] != "pending":
                continue
            if item["due"] < TODAY and self.rng.random() < 0.9:
                item["status"], item["done_on"] = "done", item["due"]
                continue
            for kind, send_on in self.rules.reminders.sends(item["due"], item["due"]):
                sent = send_on <= TODAY
                self._reminder(item, kind, send_on, "sent" if sent else "pending")

    def due_today(self) -> None:
        """One follow-up due today with its 'due' reminder waiting to be sent."""
        item = self._followup(
            Planned(
                "placement-contact", "follow-up", "Follow-up contact", TODAY, "start", 0, False
            ),
            Step.INFORMATION.number if self.state == "information" else None,
            None,
        )
        self._reminder(item, "due", TODAY, "pending")

    # -- rows -------------------------------------------------------------------------

    def _enrol(self, opened: date, *, consent: bool) -> None:
        rng = self.rng
        groups = sorted(rng.sample(GROUPS, k=rng.choice((0, 0, 1, 1, 2))))
        pnr = personnummer(self.case_id)
        self.rows.people.append(
            {
                "id": self.case_id,
                "name": f"Deltagare {self.case_id}",
                "personnummer": pnr,
                "gender": rng.choice(GENDERS),
                "birth_year": int(pnr[:4]),
                "groups": groups,
            }
        )
        self.consent_on = opened if consent else None
        self._event("enrolled", opened, None, "enrolled")
        if consent:
            self._event("consent", opened, None, None)

    def _case_row(self, opened: date, last_move: date) -> None:
        step = step_of_state(self._step_state())
        self.rows.cases.append(
            {
                "id": self.case_id,
                "person_id": self.case_id,
                "state": self.state,
                "step": step.number if step else None,
                "paused_from": self.paused_from,
                "caseworker_id": self.worker,
                "opened_on": opened,
                "closed_on": last_move if self.state == "exited" else None,
                "outcome": self.outcome,
                "consent_on": self.consent_on,
                "last_move_on": last_move,
                "version": self.seq,
            }
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
        self.ids.event += 1
        self.rows.events.append(
            {
                "id": self.ids.event,
                "case_id": self.case_id,
                "seq": self.seq,
                "kind": kind,
                "from_state": from_state,
                "to_state": to_state,
                "on": on,
                "recorded_at": datetime.combine(on, time(9), UTC),
                "actor_id": self.worker,
                "reason": reason,
                "warnings": [],
                "overrides": [],
                "data": data or {},
            }
        )

    def _plan(
        self, planned: list[Planned], step: int | None, placement_id: int | None = None
    ) -> list[dict[str, Any]]:
        made = []
        for plan in planned:
            if plan.due > TODAY + timedelta(days=400):
                continue
            made.append(self._followup(plan, step, placement_id))
        return made

    def _followup(
        self, plan: Planned, step: int | None, placement_id: int | None
    ) -> dict[str, Any]:
        self.ids.followup += 1
        item = {
            "id": self.ids.followup,
            "case_id": self.case_id,
            "name": plan.name,
            "kind": plan.kind,
            "title": plan.title,
            "due": plan.due,
            "status": "pending",
            "step": step,
            "placement_id": placement_id,
            "anchor": plan.anchor,
            "offset_days": plan.offset_days,
            "keep": plan.keep,
            "done_on": None,
            "suspended_on": None,
            "notes": None,
            "cancel_reason": None,
        }
        self.rows.followups.append(item)
        self.open_items.append(item)
        return item

    def _meeting(self, item: dict[str, Any], day: date) -> None:
        self.ids.meeting += 1
        self.rows.meetings.append(
            {
                "id": self.ids.meeting,
                "case_id": self.case_id,
                "at": datetime.combine(day, time(10), UTC),
                "uid": f"bench-{self.ids.meeting}@kivo.invalid",
                "status": "held",
                "followup_id": item["id"],
                "supervisor_id": self.placement["supervisor_id"] if self.placement else None,
                "notes": None,
            }
        )
        item["status"], item["done_on"] = "done", day

    def _reminder(self, item: dict[str, Any], kind: str, send_on: date, status: str) -> None:
        self.ids.reminder += 1
        self.rows.reminders.append(
            {
                "id": self.ids.reminder,
                "followup_id": item["id"],
                "case_id": self.case_id,
                "kind": kind,
                "due": item["due"],
                "send_on": send_on,
                "status": status,
                "attempts": 1 if status == "sent" else 0,
                "sent_at": datetime.combine(send_on, time(7), UTC) if status == "sent" else None,
            }
        )


def _write(engine: Engine, rows: _Rows) -> Counts:
    with engine.begin() as connection:
        for table, values in (
            (PersonRow, rows.people),
            (CaseRow, rows.cases),
            (CaseEventRow, rows.events),
            (PlacementRow, rows.placements),
            (FollowupRow, rows.followups),
            (MeetingRow, rows.meetings),
            (ReminderRow, rows.reminders),
        ):
            if values:
                connection.execute(insert(table), values)
    return Counts(
        cases=len(rows.cases),
        events=len(rows.events),
        placements=len(rows.placements),
        followups=len(rows.followups),
        meetings=len(rows.meetings),
        reminders=len(rows.reminders),
    )


def _fix_sequences(engine: Engine) -> None:
    """PostgreSQL: ids were chosen here, so each serial sequence moves past them."""
    if engine.dialect.name != "postgresql":
        return
    tables = [
        "person",
        "caseworker",
        "workplace",
        "supervisor",
        "kivo_case",
        "case_event",
        "placement",
        "followup",
        "meeting",
        "reminder",
    ]
    with engine.begin() as connection:
        for table in tables:
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
    """The number of cases of a benchmark caseload already there, or ``None``."""
    with engine.connect() as connection:
        marker = connection.execute(
            text("SELECT id FROM caseworker WHERE email = :marker"), {"marker": MARKER}
        ).first()
        if marker is None:
            return None
        return int(connection.execute(text("SELECT count(*) FROM kivo_case")).scalar_one())
