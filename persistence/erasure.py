"""Erasure on request in the database: one person's identifying data removed or
overwritten in the caller's transaction, through the one door of the append-only tables
(``persistence.removal``), and (SQLite) the write-ahead log emptied after the commit so
no old page is left to read the erased values from.

Counts are per record kind (``data_removal.counts``); the person-wide kinds (the person,
their search words, profile, logged edits) are counted on the row of the person's first
case, so the rows add up to the erasure.
"""

from __future__ import annotations

from contextlib import closing
from typing import Any

from sqlalchemy import Connection, Table, delete, func, insert, or_, select, update
from sqlmodel import Session

from persistence.person_words import rewrite_words
from persistence.place_tables import EmployerContactRow, PlaceEventRow, PlaceRow
from persistence.profile_tables import ProfileCapabilityRow, ProfileRow
from persistence.proposal_tables import ProposalRow
from persistence.removal import sanctioned_removal
from persistence.tables import (
    CaseEventRow,
    CaseNoteRow,
    CaseRow,
    DataRemovalRow,
    FollowupRow,
    MeetingRow,
    PersonRow,
    PlacementRow,
    RecordChangeRow,
    ReminderRow,
)
from states.erasure import CaseFacts, ErasurePlan, Subject, scrub, scrubbed_data

PERSON: Table = PersonRow.__table__  # type: ignore[attr-defined]
CASE: Table = CaseRow.__table__  # type: ignore[attr-defined]
EVENT: Table = CaseEventRow.__table__  # type: ignore[attr-defined]
NOTE: Table = CaseNoteRow.__table__  # type: ignore[attr-defined]
CHANGE: Table = RecordChangeRow.__table__  # type: ignore[attr-defined]
FOLLOWUP: Table = FollowupRow.__table__  # type: ignore[attr-defined]
MEETING: Table = MeetingRow.__table__  # type: ignore[attr-defined]
PLACEMENT: Table = PlacementRow.__table__  # type: ignore[attr-defined]
REMINDER: Table = ReminderRow.__table__  # type: ignore[attr-defined]
PROPOSAL: Table = ProposalRow.__table__  # type: ignore[attr-defined]
PROFILE: Table = ProfileRow.__table__  # type: ignore[attr-defined]
CAPABILITY: Table = ProfileCapabilityRow.__table__  # type: ignore[attr-defined]
CONTACT: Table = EmployerContactRow.__table__  # type: ignore[attr-defined]
PLACE: Table = PlaceRow.__table__  # type: ignore[attr-defined]
PLACE_EVENT: Table = PlaceEventRow.__table__  # type: ignore[attr-defined]
REMOVAL: Table = DataRemovalRow.__table__  # type: ignore[attr-defined]
ERASED = "erased"
"""The kind of the event each erased case's history ends with."""


class ErasureStore:
    """Reads the person an erasure is asked for; writes the erasure."""

    def __init__(self, session: Session) -> None:
        self.session = session

    @property
    def connection(self) -> Connection:
        """The unit of work's connection, in its transaction."""
        return self.session.connection()

    def person_by_personnummer(self, digits: str) -> int | None:
        found = self.connection.execute(
            select(PERSON.c.id).where(PERSON.c.personnummer == digits)
        ).scalar()
        return None if found is None else int(found)

    def subject(self, person_id: int, *, lock: bool = False) -> Subject | None:
        """The person and their cases, oldest first; ``lock``: against a concurrent
        change until the transaction ends (PostgreSQL; SQLite's writer lock is held)."""
        query = select(
            PERSON.c.name, PERSON.c.personnummer, PERSON.c.birth_year, PERSON.c.erased_on
        ).where(PERSON.c.id == person_id)
        row = self.connection.execute(query.with_for_update() if lock else query).first()
        if row is None:
            return None
        cases = self.connection.execute(
            select(CASE.c.id, CASE.c.closed_on, CASE.c.opened_on, CASE.c.state)
            .where(CASE.c.person_id == person_id)
            .order_by(CASE.c.id)
        ).all()
        return Subject(
            person_id, row[0], row[1], row[2], row[3], tuple(CaseFacts(*case) for case in cases)
        )

    def erase(self, plan: ErasurePlan) -> dict[int | None, dict[str, int]]:
        """Write the erasure in the open transaction: the counts per case (``None``: a
        person without cases), each also recorded in a ``data_removal`` row."""
        with closing(self.connection.connection.cursor()) as cursor, sanctioned_removal(cursor):
            counts = self._per_case(plan)
            person = self._person(plan)
            first = min(counts, default=None, key=lambda ident: ident or 0)
            counts.setdefault(first, {}).update(person)
            for case_id, done in counts.items():
                removal = self._record(plan, case_id, done)
                if case_id is not None:
                    self._erased_event(plan, case_id, removal)
        return counts

    def _person(self, plan: ErasurePlan) -> dict[str, int]:
        pid = plan.person_id
        values: dict[str, Any] = {
            "name": plan.pseudonym,
            "personnummer": None,
            "email": None,
            "phone": None,
            "protected_initials": None,  # the real name's initials: the pseudonym shows now
            "erased_on": plan.on,
            "birth_year": plan.birth_year,
        }
        if plan.born_on is not None:
            values["born_on"] = plan.born_on
        self._run(update(PERSON).where(PERSON.c.id == pid).values(**values))
        rewrite_words(self.connection, pid, plan.pseudonym)
        changes = self._run(
            update(CHANGE)
            .where(CHANGE.c.record == "person", CHANGE.c.record_id == pid)
            .values(old_value=None, new_value=None, reason=None)
        )
        capabilities = self._run(delete(CAPABILITY).where(CAPABILITY.c.person_id == pid))
        profile = self._run(delete(PROFILE).where(PROFILE.c.person_id == pid))
        contacts = self._scrub_column(CONTACT, "note", plan)
        places = self._scrub_column(PLACE, "requirements_note", plan)
        place_events = self._scrub_column(PLACE_EVENT, "reason", plan)
        return _nonzero(
            {
                "person": 1,
                "person_word": 1,
                "record_change": changes,
                "profile": profile + capabilities,
                "employer_contact": contacts,
                "place": places,
                "place_event": place_events,
            }
        )

    def _per_case(self, plan: ErasurePlan) -> dict[int | None, dict[str, int]]:
        found: dict[int | None, dict[str, int]] = {}
        for case in plan.cases:
            ident = case.case_id
            found[ident] = _nonzero(
                {
                    "case_event": self._events(plan, ident),
                    "case_note": self._run(delete(NOTE).where(NOTE.c.case_id == ident)),
                    "followup": self._run(
                        update(FOLLOWUP)
                        .where(
                            FOLLOWUP.c.case_id == ident,
                            FOLLOWUP.c.notes.is_not(None) | FOLLOWUP.c.cancel_reason.is_not(None),
                        )
                        .values(notes=None, cancel_reason=None)
                    ),
                    "meeting": self._run(
                        update(MEETING)
                        .where(MEETING.c.case_id == ident, MEETING.c.notes.is_not(None))
                        .values(notes=None)
                    ),
                    "placement": self._run(
                        update(PLACEMENT)
                        .where(PLACEMENT.c.case_id == ident, PLACEMENT.c.end_reason.is_not(None))
                        .values(end_reason=None)
                    ),
                    "reminder": self._run(
                        update(REMINDER)
                        .where(REMINDER.c.case_id == ident, REMINDER.c.last_error.is_not(None))
                        .values(last_error=None)
                    ),
                    "proposal": self._run(
                        update(PROPOSAL)
                        .where(PROPOSAL.c.case_id == ident, PROPOSAL.c.reason.is_not(None))
                        .values(reason=None)
                    ),
                }
            )
        return found

    def _events(self, plan: ErasurePlan, case_id: int) -> int:
        """Every event of the case without its reason and free text; kinds, dates, steps,
        programmes, outcomes and ids as they were."""
        rows = self.connection.execute(
            select(EVENT.c.id, EVENT.c.reason, EVENT.c.data).where(EVENT.c.case_id == case_id)
        ).all()
        rewritten = 0
        for ident, reason, data in rows:
            clean = scrubbed_data(data or {}, plan.needles, plan.pseudonym)
            if reason is None and clean == (data or {}):
                continue
            self._run(update(EVENT).where(EVENT.c.id == ident).values(reason=None, data=clean))
            rewritten += 1
        return rewritten

    def _scrub_column(self, table: Table, column: str, plan: ErasurePlan) -> int:
        """Text of others' records that names the person (an employer contact's note, a
        place's): the whole name and the personnummer replaced by the pseudonym (a first
        name alone may be someone else's)."""
        target = table.c[column]
        likes = [func.lower(target).like(f"%{needle.lower()}%") for needle in plan.exact]
        if not likes:
            return 0
        rows = self.connection.execute(select(table.c.id, target).where(or_(*likes))).all()
        for ident, text in rows:
            cleaned = scrub(text, plan.exact, plan.pseudonym)
            self._run(update(table).where(table.c.id == ident).values({column: cleaned}))
        return len(rows)

    def _record(self, plan: ErasurePlan, case_id: int | None, counts: dict[str, int]) -> int:
        result = self.connection.execute(
            insert(REMOVAL)
            .values(
                at=plan.at,
                kind="erasure",
                decision=plan.decision,
                case_id=case_id,
                by_id=plan.by_id,
                counts=counts,
            )
            .returning(REMOVAL.c.id)
        )
        return int(result.scalar_one())

    def _erased_event(self, plan: ErasurePlan, case_id: int, removal: int) -> None:
        """The history shows the erasure: an ``erased`` event that moves nothing."""
        seq, state = self.connection.execute(
            select(func.max(EVENT.c.seq), CASE.c.state)
            .select_from(CASE)
            .outerjoin(EVENT, EVENT.c.case_id == CASE.c.id)
            .where(CASE.c.id == case_id)
            .group_by(CASE.c.state)
        ).one()
        self.connection.execute(
            insert(EVENT).values(
                case_id=case_id,
                seq=(seq or 0) + 1,
                kind=ERASED,
                from_state=state,
                to_state=state,
                on=plan.on,
                recorded_at=plan.at,
                actor_id=plan.by_id,
                reason=None,
                warnings=[],
                overrides=[],
                data={"data_removal_id": removal},
            )
        )

    def _run(self, statement: Any) -> int:
        return int(self.connection.execute(statement).rowcount or 0)

    def settle(self) -> bool:
        """After the commit: on SQLite, write the log's pages into the file and empty the
        log (``wal_checkpoint(TRUNCATE)``), so the old pages are in neither; ``False``
        when a reader kept the log from being emptied (run ``kivo person erase`` again
        or checkpoint later). PostgreSQL: nothing here (see the README: VACUUM)."""
        if self.connection.dialect.name != "sqlite":
            return True
        if self.connection.in_transaction():
            self.connection.commit()
        driver = self.connection.connection.driver_connection
        assert driver is not None
        busy = driver.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        return not busy or busy[0] == 0


def _nonzero(counts: dict[str, int]) -> dict[str, int]:
    return {kind: n for kind, n in counts.items() if n}
