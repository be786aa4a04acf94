"""A simulated year: a caseload of a few hundred cases moves along the path day by day,
caseworkers mark follow-ups done, and one dispatch pass runs every simulated day with
``KIVO_NOW`` set to that day, writing reminders to a file (one JSON line each).

Every day, just before the pass, the test reads the outbox and the follow-ups itself to
know what must be sent: each pending reminder whose send day has come and whose
follow-up is still pending and due on the day the reminder was queued for. Then it
checks the lines the pass wrote: exactly those reminders, each once in the whole year,
on its send day (or the day it was queued, when it was queued with a send day already
past), to the case's caseworker (escalations to the coordinator) — and never one for a
follow-up the test saw done or cancelled on or before that day.

Everything goes through the real use cases (enrol, advance, fall back, pause, resume,
exit, follow-up done, dispatch). On SQLite the full caseload; on PostgreSQL a smaller
one, so the suite stays fast.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, create_engine, text

from pathway import directory, enrolment, followups, moves
from pathway.context import Kivo
from pathway.dispatch import dispatch
from pathway.notifiers import FileNotifier
from states.case import Outcome
from states.steps import Step
from tests.integration.support import engine_of

FIRST_DAY = date(2026, 1, 5)  # a Monday
DAYS = 365
CASES = {"sqlite": 250, "postgresql": 50}
SEED = 2026
CASEWORKERS = 4

# Each case follows one of these plans; numbers are steps, the rest are moves.
PLANS: list[list[object]] = [
    [1, 2, 7, 9, Outcome.EMPLOYED],
    [1, 4, 5, 6, Outcome.STUDIES],
    [1, 2, ("fall-back", 1), 3, 4],
    [1, 3, "pause", "resume", 5],
    [1, 2, Outcome.EMPLOYED],
    [1, Outcome.DECLINED],
    [2, "pause", "resume", 9, Outcome.EMPLOYED],
    [1, 2, ("fall-back", 1), Outcome.JOB_SEEKING],
]
WORKPLACE_STEPS = {2, 3, 6, 7, 8}


@dataclass
class Office:
    coordinator: int
    caseworkers: list[int]
    supervisors: list[tuple[int, int]]  # (supervisor, workplace)


@dataclass
class CasePlan:
    enrol_on: date
    caseworker: int
    steps: list[object]
    next_on: date | None = None
    case_id: int | None = None


@dataclass
class Tally:
    """What the year did, for the assertions at the end and a look when one fails."""

    lines: Counter[int] = field(default_factory=Counter)
    moves: Counter[str] = field(default_factory=Counter)
    done: int = 0
    sent: int = 0
    escalated: int = 0
    dropped: int = 0
    late_queued: int = 0  # queued with a send day already past: sent the day they were queued


@dataclass(frozen=True)
class Due:
    """A reminder the pass of the day must send, as the test reads it from the database."""

    followup_id: int
    case_id: int
    kind: str
    due: date
    send_on: date
    caseworker_id: int | None


@pytest.fixture
def office(make_kivo: Callable[..., Kivo]) -> Office:
    kivo = make_kivo(now=f"{FIRST_DAY.isoformat()}T08:00")
    coordinator = directory.add_caseworker(kivo, "Cecilia Samordnare", role="coordinator").id
    workers = [
        directory.add_caseworker(kivo, f"Handläggare {n}", email=f"h{n}@kommun.example").id
        for n in range(CASEWORKERS)
    ]
    supervisors = []
    for n in range(4):
        place = directory.add_workplace(kivo, f"Arbetsplats {n}").id
        assert place is not None
        supervisor = directory.add_supervisor(
            kivo, f"Handledare {n}", workplace_id=place, trained_on=date(2025, 6, 1), capacity=50
        ).id
        assert supervisor is not None
        supervisors.append((supervisor, place))
    assert coordinator is not None
    return Office(coordinator, [w for w in workers if w is not None], supervisors)


def plans_for(count: int, office: Office, rng: random.Random) -> list[CasePlan]:
    plans = []
    for number in range(count):
        enrol_on = FIRST_DAY + timedelta(days=rng.randint(0, 150))
        plans.append(
            CasePlan(
                enrol_on=enrol_on,
                caseworker=office.caseworkers[number % len(office.caseworkers)],
                steps=list(PLANS[number % len(PLANS)]),
            )
        )
    return plans


def move_one(kivo: Kivo, plan: CasePlan, office: Office, rng: random.Random, day: date) -> str:
    """Make the plan's next move on ``day``; returns what it was."""
    assert plan.case_id is not None
    move = plan.steps.pop(0)
    if isinstance(move, Outcome):
        moves.exit_case(kivo, plan.case_id, outcome=move, on=day)
        return f"exit-{move.value}"
    if move == "pause":
        moves.pause(kivo, plan.case_id, reason="parental leave", on=day)
        return "pause"
    if move == "resume":
        moves.resume(kivo, plan.case_id, on=day)
        return "resume"
    if isinstance(move, tuple):
        moves.fall_back(
            kivo, plan.case_id, Step(move[1]), reason="the practice ended early", on=day
        )
        return "fall-back"
    assert isinstance(move, int)
    supervisor, workplace = rng.choice(office.supervisors)
    workplace_step = move in WORKPLACE_STEPS or move == 9
    moves.advance(
        kivo,
        plan.case_id,
        Step(move),
        on=day,
        supervisor_id=supervisor if move in WORKPLACE_STEPS else None,
        workplace_id=workplace if workplace_step else None,
        programme=PROGRAMME_OF_STEP.get(move) if workplace_step else None,
        until=day + timedelta(days=rng.randint(42, 150)) if move in WORKPLACE_STEPS else None,
    )
    return f"advance-{move}"


# PRAKTIK counts its 6 months per workplace: step 3 runs under PIS, so a plan going
# through steps 2 and 3 at one workplace is not refused for the total. Step 8 runs under no
# programme: YA, its support, takes no decisions from 2024-01-01.
PROGRAMME_OF_STEP = {2: "PRAKTIK", 3: "PIS", 6: "APL", 7: "SAVA", 9: "LONESTOD"}


def pending_followups(connection: Connection) -> dict[int, date]:
    """Every pending follow-up and its due date, read straight from the database."""
    rows = connection.execute(text("SELECT id, due FROM followup WHERE status = 'pending'"))
    return {int(row[0]): _day(row[1]) for row in rows}


def must_send(connection: Connection, today: date) -> dict[int, Due]:
    """The reminders today's pass must send: due by today, still pending, for a follow-up
    still pending and due on the day the reminder was queued for."""
    query = text(
        "SELECT r.id, r.followup_id, r.case_id, r.kind, r.due, r.send_on, c.caseworker_id "
        "FROM reminder r JOIN followup f ON f.id = r.followup_id "
        "JOIN kivo_case c ON c.id = r.case_id "
        "WHERE r.status = 'pending' AND r.send_on <= :today "
        "AND f.status = 'pending' AND f.due = r.due"
    )
    rows = connection.execute(query, {"today": today}).all()
    return {int(r[0]): Due(int(r[1]), int(r[2]), r[3], _day(r[4]), _day(r[5]), r[6]) for r in rows}


def last_reminder_id(connection: Connection) -> int:
    return int(connection.execute(text("SELECT coalesce(max(id), 0) FROM reminder")).one()[0])


def statuses(url: str) -> dict[int, str]:
    with engine_of(url).connect() as connection:
        rows = connection.execute(text("SELECT id, status FROM reminder"))
        return {int(row[0]): row[1] for row in rows}


def _day(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


class Lines:
    """Reads the lines the notifier appended since the last look."""

    def __init__(self, path: Path) -> None:
        self.path, self.offset = path, 0

    def new(self) -> list[dict[str, Any]]:
        if not self.path.exists():
            return []
        with self.path.open("rb") as file:
            file.seek(self.offset)
            chunk = file.read()
        self.offset += len(chunk)
        return [json.loads(line) for line in chunk.splitlines()]


def simulate(make_kivo: Callable[..., Kivo], url: str, office: Office, folder: Path) -> Tally:
    backend = "postgresql" if url.startswith("postgresql") else "sqlite"
    reader = create_engine(url)  # the test's own eyes on the database
    try:
        year = Year(make_kivo, reader, office, folder / "reminders.jsonl", CASES[backend])
        for offset in range(DAYS):
            year.live(FIRST_DAY + timedelta(days=offset))
        return year.tally
    finally:
        reader.dispose()


class Year:
    """The caseload, the notifier and what the test has seen so far."""

    def __init__(
        self,
        make_kivo: Callable[..., Kivo],
        reader: Engine,
        office: Office,
        path: Path,
        cases: int,
    ) -> None:
        self.make_kivo, self.reader, self.office = make_kivo, reader, office
        self.rng = random.Random(SEED)
        self.plans = plans_for(cases, office, self.rng)
        self.notifier, self.lines, self.tally = FileNotifier(path), Lines(path), Tally()
        self.closed_on: dict[int, date] = {}  # follow-up → day seen no longer pending
        self.queued_on: dict[int, date] = {}  # reminder → the day it was queued
        self.pending: dict[int, date] = {}
        self.known = 0

    def live(self, today: date) -> None:
        """One day: moves, follow-ups done, then the one dispatch pass, checked."""
        kivo = self.make_kivo(now=f"{today.isoformat()}T09:00")
        try:
            self._move(kivo, today)
            with self.reader.connect() as connection:
                pending = pending_followups(connection)
            self.tally.done += _do_some_followups(kivo, pending, self.rng, today)
            expected = self._look(today)
            result = dispatch(kivo, self.notifier)
        finally:
            kivo.close()
        _check_day(
            today,
            self.lines.new(),
            expected,
            self.office,
            self.closed_on,
            self.queued_on,
            self.tally,
        )
        assert (result.sent, result.failed) == (len(expected), 0), today
        self.tally.escalated += result.escalated
        self.tally.dropped += result.dropped

    def _move(self, kivo: Kivo, today: date) -> None:
        for plan in self.plans:
            if plan.case_id is None and plan.enrol_on == today:
                plan.case_id = _enrol(kivo, plan, self.rng)
                plan.next_on = today + timedelta(days=self.rng.randint(1, 10))
            elif plan.case_id is not None and plan.steps and plan.next_on == today:
                self.tally.moves[move_one(kivo, plan, self.office, self.rng, today)] += 1
                plan.next_on = today + timedelta(days=self.rng.randint(10, 75))

    def _look(self, today: date) -> dict[int, Due]:
        """Read what changed today and what the pass must send, before it runs."""
        with self.reader.connect() as connection:
            pending = pending_followups(connection)
            newest = last_reminder_id(connection)
            expected = must_send(connection, today)
        for followup_id in set(self.pending) - set(pending):
            self.closed_on.setdefault(followup_id, today)
        for followup_id in pending:
            self.closed_on.pop(followup_id, None)  # resumed: pending again
        for reminder_id in range(self.known + 1, newest + 1):
            self.queued_on[reminder_id] = today
        self.pending, self.known = pending, newest
        return expected


def _enrol(kivo: Kivo, plan: CasePlan, rng: random.Random) -> int:
    return enrolment.enrol(
        kivo,
        f"Deltagare {rng.randint(1, 10**6)}",
        caseworker_id=plan.caseworker,
        consent=True,
        on=plan.enrol_on,
    ).case_id


def _do_some_followups(
    kivo: Kivo, pending: dict[int, date], rng: random.Random, today: date
) -> int:
    """Caseworkers do most follow-ups on the day or a few days late, some a day early;
    about one in six is forgotten for over a week, so it escalates."""
    done = 0
    for followup_id, due in sorted(pending.items()):
        late = (today - due).days
        if rng.random() < (0.05 if late == -1 else 0.35 if 0 <= late <= 10 else 0.0):
            followups.mark_done(kivo, followup_id, on=today)
            done += 1
    return done


def _check_day(
    today: date,
    lines: list[dict[str, Any]],
    expected: dict[int, Due],
    office: Office,
    closed_on: dict[int, date],
    queued_on: dict[int, date],
    tally: Tally,
) -> None:
    sent = Counter(int(line["reminder_id"]) for line in lines)
    assert set(sent) == set(expected), f"{today}: sent other reminders than were due"
    for line in lines:
        reminder_id = int(line["reminder_id"])
        due = expected[reminder_id]
        tally.lines[reminder_id] += 1
        assert tally.lines[reminder_id] == 1, f"{today}: reminder {reminder_id} sent again"
        assert (line["case_id"], line["kind"], line["due"]) == (
            due.case_id,
            due.kind,
            due.due.isoformat(),
        )
        send_day = max(due.send_on, queued_on[reminder_id])
        assert send_day == today, f"reminder {reminder_id} due to go on {send_day}, sent {today}"
        tally.late_queued += due.send_on < today
        escalation = due.kind == "escalation"
        assert line["escalation"] is escalation
        to = office.coordinator if escalation else due.caseworker_id
        assert line["recipient"]["id"] == to, f"reminder {reminder_id} went to the wrong person"
        closed = closed_on.get(due.followup_id)
        assert closed is None or closed > today, f"reminder {reminder_id}: its work was done"
        tally.sent += 1


def test_a_simulated_year_sends_every_due_reminder_once_on_its_day_to_the_right_person(
    make_kivo: Callable[..., Kivo], database_url: str, office: Office, tmp_path: Path
) -> None:
    year = simulate(make_kivo, database_url, office, tmp_path)

    assert year.sent == sum(year.lines.values())
    assert set(year.lines.values()) == {1}
    stored = statuses(database_url)
    assert {i for i, s in stored.items() if s == "sent"} == set(year.lines)
    # and the year was a real one: every kind of move, work done, forgotten and escalated
    for move in ("advance-2", "advance-9", "fall-back", "pause", "resume", "exit-employed"):
        assert year.moves[move] > 0, move
    scale = 1 if database_url.startswith("sqlite") else CASES["postgresql"] / CASES["sqlite"]
    assert year.done > 500 * scale
    assert year.escalated > 20 * scale
    assert Counter(stored.values())["dropped"] > 100 * scale
    assert year.sent > 2000 * scale
