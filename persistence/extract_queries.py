"""What a register extract reads: every row that holds one person's data, a statement
per kind, the names of the caseworkers, workplaces and supervisors joined in
(``states.extracts``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, Table, and_, select
from sqlmodel import Session

from persistence.place_tables import PlaceRow
from persistence.profile_tables import ProfileCapabilityRow, ProfileRow
from persistence.proposal_tables import ProposalRow
from persistence.tables import (
    AccessLogRow,
    CaseEventRow,
    CaseNoteRow,
    CaseRow,
    CaseworkerRow,
    FollowupRow,
    MeetingRow,
    PersonRow,
    PlacementRow,
    RecordChangeRow,
    ReminderRow,
    SupervisorRow,
    WorkplaceRow,
)
from states.extracts import Held


def _table(row: type) -> Table:
    table: Table = row.__table__  # type: ignore[attr-defined]
    return table


PERSON, PROFILE, CAPABILITY = _table(PersonRow), _table(ProfileRow), _table(ProfileCapabilityRow)
CASE, EVENT, PLACEMENT = _table(CaseRow), _table(CaseEventRow), _table(PlacementRow)
FOLLOWUP, MEETING, REMINDER = _table(FollowupRow), _table(MeetingRow), _table(ReminderRow)
NOTE, PROPOSAL, ACCESS = _table(CaseNoteRow), _table(ProposalRow), _table(AccessLogRow)
CHANGE, WORKER, WORKPLACE = _table(RecordChangeRow), _table(CaseworkerRow), _table(WorkplaceRow)
SUPERVISOR, PLACE = _table(SupervisorRow), _table(PlaceRow)


class ExtractQueries:
    def __init__(self, session: Session) -> None:
        self.session = session

    def held(self, person_id: int) -> Held | None:
        """Everything held about the person, or ``None`` if there is no such person."""
        people = self._rows(select(PERSON).where(PERSON.c.id == person_id))
        if not people:
            return None
        case_ids = [
            row["id"] for row in self._rows(select(CASE.c.id).where(CASE.c.person_id == person_id))
        ]
        return Held(
            person=people[0],
            profile=self._profile(person_id),
            cases=self._rows(_cases(person_id)),
            parts={key: self._rows(query(case_ids)) for key, query in PARTS.items()},
            record_changes=self._rows(_changes(person_id)),
        )

    def _profile(self, person_id: int) -> dict[str, Any] | None:
        found = self._rows(select(PROFILE).where(PROFILE.c.person_id == person_id))
        if not found:
            return None
        profile = {k: v for k, v in found[0].items() if k not in ("person_id", "interest_mask")}
        profile.pop("municipality_key", None)
        capabilities = select(CAPABILITY.c.capability).where(CAPABILITY.c.person_id == person_id)
        profile["capabilities"] = [
            r["capability"] for r in self._rows(capabilities.order_by(CAPABILITY.c.capability))
        ]
        return profile

    def _rows(self, query: Select[Any]) -> list[dict[str, Any]]:
        result = self.session.connection().execute(query)
        return [{name: _utc(value) for name, value in row._mapping.items()} for row in result]


def _utc(value: Any) -> Any:
    """A moment read back in UTC (SQLite's, without a zone, was stored in UTC)."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return value


def _worker(alias: str) -> Any:
    return WORKER.alias(alias)


def _cases(person_id: int) -> Select[Any]:
    owner = _worker("owner")
    return (
        select(
            CASE.c.id,
            CASE.c.state,
            CASE.c.step,
            CASE.c.paused_from,
            CASE.c.opened_on,
            CASE.c.closed_on,
            CASE.c.outcome,
            CASE.c.consent_on,
            CASE.c.last_move_on,
            CASE.c.caseworker_id,
            owner.c.name.label("caseworker"),
        )
        .select_from(CASE.outerjoin(owner, owner.c.id == CASE.c.caseworker_id))
        .where(CASE.c.person_id == person_id)
        .order_by(CASE.c.id)
    )


def _history(case_ids: Sequence[int]) -> Select[Any]:
    actor = _worker("actor")
    columns = [c for c in EVENT.c if c.name not in ("id",)]
    return (
        select(*columns, actor.c.name.label("actor"))
        .select_from(EVENT.outerjoin(actor, actor.c.id == EVENT.c.actor_id))
        .where(EVENT.c.case_id.in_(case_ids))
        .order_by(EVENT.c.case_id, EVENT.c.seq)
    )


def _placements(case_ids: Sequence[int]) -> Select[Any]:
    return (
        select(
            *PLACEMENT.c,
            WORKPLACE.c.name.label("workplace"),
            WORKPLACE.c.employer.label("employer"),
            SUPERVISOR.c.name.label("supervisor"),
        )
        .select_from(
            PLACEMENT.outerjoin(WORKPLACE, WORKPLACE.c.id == PLACEMENT.c.workplace_id).outerjoin(
                SUPERVISOR, SUPERVISOR.c.id == PLACEMENT.c.supervisor_id
            )
        )
        .where(PLACEMENT.c.case_id.in_(case_ids))
        .order_by(PLACEMENT.c.case_id, PLACEMENT.c.start, PLACEMENT.c.id)
    )


def _followups(case_ids: Sequence[int]) -> Select[Any]:
    columns = [
        c for c in FOLLOWUP.c if c.name not in ("anchor", "offset_days", "keep", "placement_id")
    ]
    return (
        select(*columns)
        .where(FOLLOWUP.c.case_id.in_(case_ids))
        .order_by(FOLLOWUP.c.case_id, FOLLOWUP.c.due, FOLLOWUP.c.id)
    )


def _meetings(case_ids: Sequence[int]) -> Select[Any]:
    columns = [c for c in MEETING.c if c.name not in ("uid", "sequence", "followup_id")]
    return (
        select(*columns, SUPERVISOR.c.name.label("supervisor"))
        .select_from(MEETING.outerjoin(SUPERVISOR, SUPERVISOR.c.id == MEETING.c.supervisor_id))
        .where(MEETING.c.case_id.in_(case_ids))
        .order_by(MEETING.c.case_id, MEETING.c.at, MEETING.c.id)
    )


def _reminders(case_ids: Sequence[int]) -> Select[Any]:
    return (
        select(
            REMINDER.c.id,
            REMINDER.c.case_id,
            REMINDER.c.followup_id,
            FOLLOWUP.c.title.label("about"),
            REMINDER.c.kind,
            REMINDER.c.due,
            REMINDER.c.send_on,
            REMINDER.c.status,
            REMINDER.c.sent_at,
        )
        .select_from(REMINDER.join(FOLLOWUP, FOLLOWUP.c.id == REMINDER.c.followup_id))
        .where(REMINDER.c.case_id.in_(case_ids))
        .order_by(REMINDER.c.case_id, REMINDER.c.send_on, REMINDER.c.id)
    )


def _notes(case_ids: Sequence[int]) -> Select[Any]:
    author = _worker("author")
    return (
        select(*NOTE.c, author.c.name.label("author"))
        .select_from(NOTE.outerjoin(author, author.c.id == NOTE.c.author_id))
        .where(NOTE.c.case_id.in_(case_ids))
        .order_by(NOTE.c.case_id, NOTE.c.id)
    )


def _proposals(case_ids: Sequence[int]) -> Select[Any]:
    by = _worker("proposer")
    return (
        select(
            PROPOSAL.c.id,
            PROPOSAL.c.case_id,
            PROPOSAL.c.place_id,
            PLACE.c.title.label("place"),
            WORKPLACE.c.name.label("workplace"),
            PROPOSAL.c.status,
            PROPOSAL.c.step,
            PROPOSAL.c.proposed_on,
            by.c.name.label("proposed_by"),
            PROPOSAL.c.decided_on,
            PROPOSAL.c.declined_by,
            PROPOSAL.c.reason,
            PROPOSAL.c.placement_id,
        )
        .select_from(
            PROPOSAL.join(PLACE, PLACE.c.id == PROPOSAL.c.place_id)
            .join(WORKPLACE, WORKPLACE.c.id == PLACE.c.workplace_id)
            .outerjoin(by, by.c.id == PROPOSAL.c.by_id)
        )
        .where(PROPOSAL.c.case_id.in_(case_ids))
        .order_by(PROPOSAL.c.case_id, PROPOSAL.c.id)
    )


def _access(case_ids: Sequence[int]) -> Select[Any]:
    who = _worker("reader")
    return (
        select(
            ACCESS.c.id,
            ACCESS.c.case_id,
            ACCESS.c.at,
            ACCESS.c.action,
            ACCESS.c.caseworker_id,
            who.c.name.label("caseworker"),
            ACCESS.c.address,
        )
        .select_from(ACCESS.outerjoin(who, who.c.id == ACCESS.c.caseworker_id))
        .where(ACCESS.c.case_id.in_(case_ids))
        .order_by(ACCESS.c.case_id, ACCESS.c.id)
    )


def _changes(person_id: int) -> Select[Any]:
    actor = _worker("editor")
    return (
        select(
            CHANGE.c.id,
            CHANGE.c.field_name.label("field"),
            CHANGE.c.old_value,
            CHANGE.c.new_value,
            CHANGE.c.reason,
            CHANGE.c.recorded_at,
            CHANGE.c.actor_id,
            actor.c.name.label("actor"),
        )
        .select_from(CHANGE.outerjoin(actor, actor.c.id == CHANGE.c.actor_id))
        .where(and_(CHANGE.c.record == "person", CHANGE.c.record_id == person_id))
        .order_by(CHANGE.c.id)
    )


PARTS = {
    "history": _history,
    "placements": _placements,
    "followups": _followups,
    "meetings": _meetings,
    "reminders": _reminders,
    "notes": _notes,
    "proposals": _proposals,
    "access_log": _access,
}
"""The statement of each part of a case (``states.extracts.CASE_PARTS``)."""
