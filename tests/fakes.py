"""A unit of work in memory, for service tests that need no database.

``FakeStore`` holds the records a case's moves and its page read (cases, people,
caseworkers, workplaces, supervisors, the history, placements, follow-ups, reminders and
meetings); ``FakeUnitOfWork`` is one transaction on it: it works on a copy of the store's
records and puts the copy in place on ``commit``, so anything not committed is gone, as
with the SQL unit of work. It has the members the move pipeline and the case page reach
(``pipeline``, and ``reminders`` for a resume that queues reminders again); any other
member is an ``AttributeError`` naming it, which is how a service test learns that a use
case reaches further than it should.

``fake_kivo`` builds a ``Kivo`` on a store: the use cases run as in production (the same
pipeline, rules, planning and views), in milliseconds.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from types import TracebackType
from typing import TYPE_CHECKING, Self, cast

from pathway.clock import FixedClock, parse_now
from pathway.context import Kivo
from states.access import AccessEntry
from states.errors import Conflict
from states.records import (
    Case,
    CaseEvent,
    Caseworker,
    Followup,
    Person,
    Placement,
    Reminder,
    Supervisor,
    Workplace,
)
from states.ruleset import load_default_rules

if TYPE_CHECKING:
    from pathway.ports import UnitOfWork
    from states.ruleset import RuleSet

OPEN = ("pending", "suspended")


@dataclass
class Meeting:
    case_id: int
    at: datetime
    status: str = "scheduled"  # scheduled, held, cancelled
    notes: str | None = None


@dataclass
class Records:
    """Everything the store holds, by id (events and reminders in the order added)."""

    people: dict[int, Person] = field(default_factory=dict)
    cases: dict[int, Case] = field(default_factory=dict)
    caseworkers: dict[int, Caseworker] = field(default_factory=dict)
    workplaces: dict[int, Workplace] = field(default_factory=dict)
    supervisors: dict[int, Supervisor] = field(default_factory=dict)
    events: list[CaseEvent] = field(default_factory=list)
    placements: dict[int, Placement] = field(default_factory=dict)
    followups: dict[int, Followup] = field(default_factory=dict)
    reminders: list[Reminder] = field(default_factory=list)
    meetings: list[Meeting] = field(default_factory=list)
    access: list[AccessEntry] = field(default_factory=list)
    protected_initials: dict[int, str] = field(default_factory=dict)  # by person id
    last_id: int = 0

    def next_id(self) -> int:
        self.last_id += 1
        return self.last_id


class FakeStore:
    """The committed records; ``add_…`` set up a test's starting point directly."""

    def __init__(self) -> None:
        self.records = Records()
        self.commits = 0

    def add_caseworker(self, name: str, role: str = "caseworker") -> int:
        ident = self.records.next_id()
        self.records.caseworkers[ident] = Caseworker(name, role=role, id=ident)
        return ident

    def add_workplace(self, name: str, employer: str | None = None) -> int:
        ident = self.records.next_id()
        self.records.workplaces[ident] = Workplace(name, employer, id=ident)
        return ident

    def add_supervisor(self, name: str, workplace_id: int, trained_on: date | None) -> int:
        ident = self.records.next_id()
        self.records.supervisors[ident] = Supervisor(
            name, workplace_id, trained_on=trained_on, id=ident
        )
        return ident

    def add_case(
        self,
        name: str,
        *,
        personnummer: str | None,
        opened_on: date,
        caseworker_id: int | None = None,
        consent: bool = True,
    ) -> int:
        """A participant enrolled on ``opened_on``, with the enrolment in the history."""
        person_id = self.records.next_id()
        self.records.people[person_id] = Person(name, personnummer, id=person_id)
        case_id = self.records.next_id()
        self.records.cases[case_id] = Case(
            person_id,
            opened_on,
            caseworker_id=caseworker_id,
            consent_on=opened_on if consent else None,
            last_move_on=opened_on,
            id=case_id,
        )
        self.records.events.append(
            CaseEvent(
                case_id,
                "enrolled",
                opened_on,
                datetime(opened_on.year, opened_on.month, opened_on.day, 9),
                to_state="enrolled",
                actor_id=caseworker_id,
                seq=1,
                id=self.records.next_id(),
            )
        )
        return case_id

    def history(self, case_id: int) -> list[CaseEvent]:
        return [e for e in self.records.events if e.case_id == case_id]


class _Reminders:
    """The one reminder write a move makes outside the pipeline (a resume queues the
    resumed follow-ups' reminders again)."""

    def __init__(self, records: Records) -> None:
        self.records = records

    def add_many(self, reminders: Sequence[Reminder]) -> None:
        for reminder in reminders:
            reminder.id = self.records.next_id()
            self.records.reminders.append(replace(reminder))


class _NoProposals:
    """The in-memory store holds no places: no case is in an accepted proposal."""

    def accepted_of_cases(self, case_ids: Sequence[int]) -> list[object]:
        return []


class FakePipeline:
    """``pathway.pipeline_ports.PipelineStore`` on a transaction's copy of the records."""

    def __init__(self, records: Records) -> None:
        self.records = records

    def load(self, case_ids: Sequence[int]) -> dict[int, tuple[Case, Person, bool, bool]]:
        found: dict[int, tuple[Case, Person, bool, bool]] = {}
        for case_id in case_ids:
            case = self.records.cases.get(case_id)
            if case is None:
                continue
            items = any(
                f.case_id == case_id and f.status in OPEN for f in self.records.followups.values()
            )
            placed = any(
                p.case_id == case_id and p.ended_on is None
                for p in self.records.placements.values()
            )
            person = self.records.people[case.person_id]
            found[case_id] = (replace(case), copy.deepcopy(person), items, placed)
        return found

    def caseworker(self, caseworker_id: int) -> Caseworker | None:
        found = self.records.caseworkers.get(caseworker_id)
        return None if found is None else replace(found)

    def caseworker_names(self, caseworker_ids: Sequence[int]) -> dict[int, str]:
        known = self.records.caseworkers
        return {i: known[i].name for i in caseworker_ids if i in known}

    def protected_names(self, case_ids: Sequence[int]) -> dict[int, tuple[str, str]]:
        found: dict[int, tuple[str, str]] = {}
        for case_id in case_ids:
            case = self.records.cases.get(case_id)
            mask = None if case is None else self.records.protected_initials.get(case.person_id)
            if case is not None and mask is not None:
                found[case_id] = (mask, self.records.people[case.person_id].name)
        return found

    def histories(self, case_ids: Sequence[int]) -> dict[int, list[CaseEvent]]:
        found: dict[int, list[CaseEvent]] = {}
        for event in sorted(self.records.events, key=lambda e: (e.case_id, e.seq)):
            if event.case_id in case_ids:
                found.setdefault(event.case_id, []).append(copy.deepcopy(event))
        return found

    def held_moments(self, case_ids: Sequence[int]) -> dict[int, list[datetime]]:
        found: dict[int, list[datetime]] = {}
        for meeting in self.records.meetings:
            if meeting.case_id in case_ids and meeting.status == "held":
                found.setdefault(meeting.case_id, []).append(meeting.at)
        return found

    def supervisor(self, supervisor_id: int) -> Supervisor | None:
        found = self.records.supervisors.get(supervisor_id)
        return None if found is None else replace(found)

    def supervisor_load(self, supervisor_id: int, excluding_case: int) -> int:
        return sum(
            1
            for p in self.records.placements.values()
            if p.supervisor_id == supervisor_id
            and p.ended_on is None
            and p.case_id != excluding_case
        )

    def workplace(self, workplace_id: int) -> Workplace | None:
        found = self.records.workplaces.get(workplace_id)
        return None if found is None else replace(found)

    def employers(self, workplace_ids: Sequence[int]) -> dict[int, str | None]:
        known = self.records.workplaces
        return {i: known[i].employer for i in workplace_ids if i in known}

    def open_items(self, case_ids: Sequence[int]) -> dict[int, list[Followup]]:
        found: dict[int, list[Followup]] = {}
        items = sorted(self.records.followups.values(), key=lambda f: (f.case_id, f.due, f.id))
        for item in items:
            if item.case_id in case_ids and item.status in OPEN:
                found.setdefault(item.case_id, []).append(replace(item))
        return found

    def save_items(self, items: Sequence[Followup]) -> None:
        for item in items:
            assert item.id is not None
            stored = self.records.followups[item.id]
            stored.status, stored.due = item.status, item.due
            stored.suspended_on, stored.cancel_reason = item.suspended_on, item.cancel_reason

    def drop_reminders(self, followup_ids: Sequence[int]) -> None:
        for reminder in self.records.reminders:
            if reminder.followup_id in followup_ids and reminder.status == "pending":
                reminder.status = "dropped"

    def placements_of_people(self, person_ids: Sequence[int]) -> dict[int, list[Placement]]:
        found: dict[int, list[Placement]] = {}
        placements = sorted(self.records.placements.values(), key=lambda p: (p.start, p.id))
        for placement in placements:
            person_id = self.records.cases[placement.case_id].person_id
            if person_id in person_ids:
                found.setdefault(person_id, []).append(replace(placement))
        return found

    def record_access(self, entries: Sequence[AccessEntry]) -> None:
        self.records.access.extend(entries)

    def open_placement_ids(self, case_ids: Sequence[int]) -> dict[int, list[int]]:
        found: dict[int, list[int]] = {}
        for ident, placement in sorted(self.records.placements.items()):
            if placement.case_id in case_ids and placement.ended_on is None:
                found.setdefault(placement.case_id, []).append(ident)
        return found

    def accepted_proposal_ids(self, case_ids: Sequence[int]) -> dict[int, list[int]]:
        return {}  # the in-memory records hold no places or proposals

    def booked_meeting_ids(self, case_ids: Sequence[int]) -> dict[int, list[int]]:
        found: dict[int, list[int]] = {}
        for number, meeting in enumerate(self.records.meetings, start=1):  # ids by position
            if meeting.case_id in case_ids and meeting.status == "scheduled":
                found.setdefault(meeting.case_id, []).append(number)
        return found

    def add_placements(self, placements: Sequence[Placement]) -> None:
        for placement in placements:
            placement.id = self.records.next_id()
            self.records.placements[placement.id] = replace(placement)

    def add_followups(self, items: Sequence[Followup]) -> None:
        for item in items:
            item.id = self.records.next_id()
            self.records.followups[item.id] = replace(item)

    def add_reminders(self, reminders: Sequence[Reminder]) -> None:
        _Reminders(self.records).add_many(reminders)

    def save_cases(self, cases: Sequence[Case]) -> None:
        for case in cases:
            assert case.id is not None
            if self.records.cases[case.id].version != case.version:
                raise Conflict(f"case {case.id} changed since it was read")
        for case in cases:
            assert case.id is not None
            case.version += 1
            self.records.cases[case.id] = replace(case)

    def close_placements(self, closing: Sequence[tuple[int, date, str]]) -> None:
        for case_id, on, reason in closing:
            for placement in self.records.placements.values():
                if placement.case_id == case_id and placement.ended_on is None:
                    placement.ended_on, placement.end_reason = on, reason

    def cancel_booked_meetings(self, cancelling: Sequence[tuple[int, str]]) -> None:
        for case_id, reason in cancelling:
            for meeting in self.records.meetings:
                if meeting.case_id == case_id and meeting.status == "scheduled":
                    meeting.status = "cancelled"
                    meeting.notes = f"{meeting.notes}; {reason}" if meeting.notes else reason

    def append_events(self, events: Sequence[CaseEvent]) -> None:
        for event in events:
            seqs = [e.seq for e in self.records.events if e.case_id == event.case_id]
            event.seq = max(seqs, default=0) + 1
            event.id = self.records.next_id()
            self.records.events.append(copy.deepcopy(event))


class FakeUnitOfWork:
    """One transaction on a ``FakeStore``: a copy of its records, put in place on commit."""

    def __init__(self, store: FakeStore) -> None:
        self.store = store
        self.records = store.records

    def __enter__(self) -> Self:
        self.records = copy.deepcopy(self.store.records)
        self.pipeline = FakePipeline(self.records)
        self.reminders = _Reminders(self.records)
        self.proposals = _NoProposals()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.records = self.store.records  # what was not committed is gone

    def commit(self) -> None:
        self.store.records = self.records
        self.store.commits += 1
        self.__enter__()  # go on, as a new transaction, on a copy of what was committed

    def rollback(self) -> None:
        self.__enter__()


def fake_kivo(
    store: FakeStore, *, now: str = "2026-03-02T09:00:00", rules: RuleSet | None = None
) -> Kivo:
    """kivo on ``store``: the real use cases, clock and rules; no database."""

    def unit_of_work(*, read_only: bool = False) -> UnitOfWork:
        # The fake has only the members those use cases reach, so it is not the whole port.
        return cast("UnitOfWork", FakeUnitOfWork(store))

    return Kivo(
        uow=unit_of_work,
        clock=FixedClock(parse_now(now)),
        rules=rules if rules is not None else load_default_rules(),
        database="memory:",
        close=lambda: None,
    )
