"""Correcting a mistake: a recorded move or exit undone, the history kept whole.

``correct`` puts a case back where it was before one of its moves, in one transaction:
the case's state (and its pause, its exit's day and outcome), the placement the move
opened removed and the ones it ended open again, the follow-ups it planned cancelled
(their reminders dropped, their booked meetings cancelled), the follow-ups it cancelled,
suspended or resumed as they were (their reminders queued again), the meetings an exit
cancelled booked again. Then a ``correction`` event is appended: the corrected event
stays in the history, and replay, facts and reports leave both out
(``states.corrections``).

The move's event records what it wrote (``undo`` in its data, since this version); an
older event, or an imported one, has no such record and is refused with a sentence.
Only a coordinator corrects, with a written reason. A later event that stands on the
move (a later move, a placement decision), a follow-up it planned that is done, or a
meeting booked for one that was held: each is named in the refusal, nothing written.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from pathway.context import Kivo
from pathway.errors import Refused
from pathway.pipeline import actor_of, at_version
from pathway.ports import UnitOfWork
from pathway.scheduling import reminders_for
from states.case import EXITED, Role
from states.corrections import CORRECTABLE, CORRECTION, corrected_by, dependents
from states.errors import Conflict, InvalidInput, NotFound
from states.messages import N_, Hint, Message
from states.notes import MAX_NOTE, checked_text
from states.records import Case, CaseEvent, Caseworker, Followup, Meeting
from states.violations import Violation, structural

OPEN = ("pending", "suspended")
DONE_MEETINGS = ("held", "no-show")


@dataclass(frozen=True)
class Corrected:
    """What a correction did; ``seq``: the correction's own number in the history."""

    case_id: int
    event: int
    kind: str
    seq: int
    from_state: str
    to_state: str
    version: int
    placement_removed: int | None = None
    placements_reopened: list[int] = field(default_factory=list)
    followups_cancelled: list[int] = field(default_factory=list)
    followups_restored: list[int] = field(default_factory=list)
    meetings_cancelled: list[int] = field(default_factory=list)
    meetings_restored: list[int] = field(default_factory=list)


def correct(
    kivo: Kivo,
    case_id: int,
    event: int,
    *,
    reason: str,
    by: int | None,
    expected_version: int | None = None,
) -> Corrected:
    """Undo event ``event`` (its number in the case's history) of case ``case_id``."""
    reason = checked_text(reason or "", "the reason", limit=MAX_NOTE, field="reason")
    if by is None:
        raise InvalidInput(
            Message(
                N_("a correction is made by a coordinator: give {option} with a coordinator's id"),
                {"option": BY},
            ),
            field="by",
        )
    with kivo.uow() as uow:
        actor = _coordinator(uow, by)
        loaded = uow.pipeline.load([case_id])
        if case_id not in loaded:
            raise NotFound.with_id("case", case_id)
        case = loaded[case_id][0]
        at_version(case, expected_version)
        history = uow.events.for_case(case_id)
        target = _correctable(case_id, history, event)
        undo = _record_of(case_id, target)
        added = _ids(undo, "added")
        items = uow.corrections.items(added)
        meetings = uow.corrections.meetings(_ids(undo, "meetings"), of_items=added)
        _refuse_dependents(case_id, history, target, items, meetings)
        if case.state != target.to_state:
            raise Conflict(
                Message(
                    N_(
                        "case {case} is {state}, not {left} as event {event} left it: its "
                        "history and its state disagree (run `kivo doctor`)"
                    ),
                    {"case": case_id, "state": case.state, "left": target.to_state, "event": event},
                ),
                case_id=case_id,
            )
        from_state = case.state
        _restore_case(case, target, undo)
        uow.pipeline.save_cases([case])
        note = f"correction of event {event}"
        placement = target.data.get("placement_id")
        removed = isinstance(placement, int) and uow.corrections.remove_placement(placement)
        ended = _ids(undo, "ended")
        done = Corrected(
            case_id=case_id,
            event=event,
            kind=target.kind,
            seq=0,
            from_state=from_state,
            to_state=case.state,
            version=case.version,
            placement_removed=placement if removed and isinstance(placement, int) else None,
            placements_reopened=ended if uow.corrections.reopen_placements(ended) else [],
            followups_cancelled=_cancel_added(uow, items, note),
            followups_restored=_restore_items(kivo, uow, undo),
            meetings_cancelled=_cancel_meetings(uow, meetings, set(added), note),
            meetings_restored=_restore_meetings(uow, meetings, undo, target),
        )
        appended = uow.events.append(
            CaseEvent(
                case_id=case_id,
                kind=CORRECTION,
                on=kivo.today(),
                recorded_at=kivo.now(),
                from_state=from_state,
                to_state=case.state,
                actor_id=actor.id,
                reason=reason,
                data=_correction_data(target, done),
            )
        )
        uow.commit()
    return replace(done, seq=appended.seq)


def _coordinator(uow: UnitOfWork, by: int) -> Caseworker:
    """The active caseworker ``by`` names, who must be a coordinator (as stored)."""
    actor = actor_of(uow, by)
    if actor.role != Role.COORDINATOR.value:
        head = N_("caseworker {by} is not a coordinator: only a coordinator may correct a case")
        rule = N_(
            "only a coordinator may correct a recorded move: give {option} with a coordinator's id"
        )
        raise Refused.saying(
            Message(head, {"by": by}),
            [structural("correction-not-permitted", Message(rule, {"option": BY}), by=by)],
        )
    return actor


def _correctable(case_id: int, history: list[CaseEvent], event: int) -> CaseEvent:
    """The event to correct: one of the case's moves, not corrected before."""
    target = next((e for e in history if e.seq == event), None)
    if target is None:
        last = history[-1].seq if history else 0
        raise NotFound(
            Message(
                N_("case {case} has no event {event} (its history runs from 1 to {last})"),
                {"case": case_id, "event": event, "last": last},
            ),
            what="event",
            id=event,
        )
    if target.kind not in CORRECTABLE:
        raise InvalidInput(
            Message(
                N_(
                    "event {event} of case {case} is {kind}, not a move or an exit: only an "
                    "advance, a fall back, a pause, a resume or an exit can be corrected"
                ),
                {"event": event, "case": case_id, "kind": _kind(target.kind)},
            ),
            field="event",
        )
    by = corrected_by(history).get(event)
    if by is not None:
        params = {"case": case_id, "event": event, "by": by}
        head = N_("case {case}: event {event} is already corrected (by event {by})")
        rule = N_("event {event} was corrected by event {by}")
        raise Refused.saying(
            Message(head, params), [structural("already-corrected", Message(rule, params))]
        )
    return target


def _record_of(case_id: int, target: CaseEvent) -> dict[str, Any]:
    undo = target.data.get("undo")
    if not isinstance(undo, dict):
        rule = N_(
            "event {event} was recorded without what its move wrote (an import, or a kivo "
            "before corrections): it cannot be undone automatically; record the right state "
            "with a new move instead"
        )
        raise Refused.saying(
            Message(
                N_("case {case}: event {event} cannot be corrected"),
                {"case": case_id, "event": target.seq},
            ),
            [
                structural(
                    "correction-without-record",
                    Message(rule, {"event": target.seq}),
                    event=target.seq,
                )
            ],
        )
    return undo


def _refuse_dependents(
    case_id: int,
    history: list[CaseEvent],
    target: CaseEvent,
    items: list[Followup],
    meetings: list[Meeting],
) -> None:
    """Refuse, naming every later event, done follow-up and held meeting that stands on
    the move."""
    later_event = N_(
        "event {event} ({kind} on {on}) depends on it: correct that first, or record a new move"
    )
    found: list[Violation] = [
        structural(
            "later-event",
            Message(
                later_event, {"event": later.seq, "kind": event_word(later.kind), "on": later.on}
            ),
            event=later.seq,
            kind=later.kind,
        )
        for later in dependents(history, target.seq)
    ]
    found += [
        structural("followup-done", _done_item(item), followup=item.id)
        for item in items
        if item.status == "done"
    ]
    planned = {item.id for item in items}
    held = N_("meeting {meeting} booked for a follow-up it planned was {status}")
    found += [
        structural(
            "meeting-held",
            Message(held, {"meeting": meeting.id, "status": _meeting_status(meeting.status)}),
            meeting=meeting.id,
        )
        for meeting in meetings
        if meeting.followup_id in planned and meeting.status in DONE_MEETINGS
    ]
    if found:
        raise Refused.saying(_cannot_correct(case_id, target, len(found)), found)


def _done_item(item: Followup) -> Message:
    params = {"followup": item.id, "title": item.title}
    if item.done_on is None:
        return Message(N_("follow-up {followup} ({title}) that it planned is done"), params)
    on = item.done_on.isoformat()
    done_on = N_("follow-up {followup} ({title}) that it planned is done on {on}")
    return Message(done_on, {**params, "on": on})


def _cannot_correct(case_id: int, target: CaseEvent, count: int) -> Message:
    """The refusal's head: the event and how many things stand on it."""
    one = N_(
        "case {case}: event {event} ({kind} on {on}) cannot be corrected: "
        "{count} thing depends on it"
    )
    many = N_(
        "case {case}: event {event} ({kind} on {on}) cannot be corrected: "
        "{count} things depend on it"
    )
    params = {
        "case": case_id,
        "event": target.seq,
        "kind": _kind(target.kind),
        "on": target.on.isoformat(),
        "count": count,
    }
    return Message(one if count == 1 else many, params)


def _restore_case(case: Case, target: CaseEvent, undo: dict[str, Any]) -> None:
    """The case as it was before the move (in memory, for the versioned save)."""
    assert target.from_state is not None  # every move records where it came from
    case.state = target.from_state
    paused_from = undo.get("paused_from")
    case.paused_from = paused_from if isinstance(paused_from, str) else None
    last = undo.get("last_move_on")
    case.last_move_on = date.fromisoformat(last) if isinstance(last, str) else None
    if target.kind == EXITED:
        case.closed_on, case.outcome = None, None


def _cancel_added(uow: UnitOfWork, items: list[Followup], note: str) -> list[int]:
    """The follow-ups the move planned, still open: cancelled, their reminders dropped."""
    cancelled = [item for item in items if item.status in OPEN]
    for item in cancelled:
        item.status, item.cancel_reason, item.suspended_on = "cancelled", note, None
    uow.pipeline.save_items(cancelled)
    ids = [item.id for item in cancelled if item.id is not None]
    uow.pipeline.drop_reminders(ids)
    return ids


def _cancel_meetings(
    uow: UnitOfWork, meetings: list[Meeting], added: set[int], note: str
) -> list[int]:
    """Meetings still booked for a follow-up the move planned: cancelled, with a note."""
    cancelled = [m for m in meetings if m.followup_id in added and m.status == "scheduled"]
    for meeting in cancelled:
        meeting.status = "cancelled"
        meeting.notes = f"{meeting.notes}; {note}" if meeting.notes else note
    uow.corrections.set_meetings(cancelled)
    return [m.id for m in cancelled if m.id is not None]


def _restore_items(kivo: Kivo, uow: UnitOfWork, undo: dict[str, Any]) -> list[int]:
    """The open follow-ups the move cancelled, suspended or resumed, as they were; the
    pending ones' reminders queued again, a suspended one's dropped."""
    was = {int(row[0]): row[1:] for row in undo.get("items", []) if isinstance(row, list)}
    items = [item for item in uow.corrections.items(sorted(was)) if item.status != "done"]
    for item in items:
        assert item.id is not None
        status, due, suspended_on, cancel_reason = was[item.id]
        item.status, item.due = str(status), date.fromisoformat(str(due))
        item.suspended_on = date.fromisoformat(suspended_on) if suspended_on else None
        item.cancel_reason = cancel_reason if isinstance(cancel_reason, str) else None
    uow.pipeline.save_items(items)
    uow.pipeline.drop_reminders([item.id for item in items if item.id is not None])
    pending = [item for item in items if item.status == "pending"]
    if pending:  # queued before: a dropped one comes back, a sent one stays sent
        uow.reminders.add_many(reminders_for(kivo, pending))
    return [item.id for item in items if item.id is not None]


def _restore_meetings(
    uow: UnitOfWork, meetings: list[Meeting], undo: dict[str, Any], target: CaseEvent
) -> list[int]:
    """The meetings an exit cancelled, booked again, the exit's note taken off."""
    cancelled_by_exit = set(_ids(undo, "meetings"))
    note = f"case exited on {target.on.isoformat()}"
    restored = [m for m in meetings if m.id in cancelled_by_exit and m.status == "cancelled"]
    for meeting in restored:
        meeting.status = "scheduled"
        meeting.notes = _without(meeting.notes, note)
    uow.corrections.set_meetings(restored)
    return [m.id for m in restored if m.id is not None]


def _without(notes: str | None, note: str) -> str | None:
    if notes is None or notes == note:
        return None
    return notes.removesuffix(f"; {note}")


def _correction_data(target: CaseEvent, done: Corrected) -> dict[str, object]:
    data: dict[str, object] = {
        "corrects": target.seq,
        "corrects_id": target.id,
        "corrected": target.kind,
        "placement_removed": done.placement_removed,
        "placements_reopened": done.placements_reopened,
        "followups_cancelled": done.followups_cancelled,
        "followups_restored": done.followups_restored,
        "meetings_cancelled": done.meetings_cancelled,
        "meetings_restored": done.meetings_restored,
    }
    return {key: value for key, value in data.items() if value not in (None, [])}


def _ids(undo: dict[str, Any], key: str) -> list[int]:
    found = undo.get(key)
    if not isinstance(found, list):
        return []
    return [int(ident) for ident in found if isinstance(ident, int)]


def _kind(kind: str) -> Message:
    """An event as a noun in a sentence: "an advance", "a fall back"."""
    phrase = KIND_PHRASES.get(kind)
    if phrase is not None:
        return Message(phrase)
    return Message(N_("a {kind} event"), {"kind": kind.replace("_", " ")})


def event_word(kind: str) -> Message | str:
    """An event's kind as a word in a sentence: "fell back", "paused" (in English the
    stored kind with spaces); a kind without a word here as it is stored."""
    word = EVENT_WORDS.get(kind)
    return Message(word) if word is not None else kind.replace("_", " ")


def _meeting_status(status: str) -> Message | str:
    word = MEETING_STATUSES.get(status)
    return Message(word) if word is not None else status


BY = Hint("by", "--by")
"""Who makes the correction: the CLI's ``--by``."""
KIND_PHRASES = {
    "advanced": N_("an advance"),
    "fell_back": N_("a fall back"),
    "paused": N_("a pause"),
    "resumed": N_("a resume"),
    "exited": N_("an exit"),
    "enrolled": N_("the enrolment"),
    CORRECTION: N_("a correction"),
}
EVENT_WORDS = {
    "advanced": N_("advanced"),
    "fell_back": N_("fell back"),
    "paused": N_("paused"),
    "resumed": N_("resumed"),
    "exited": N_("exited"),
    "enrolled": N_("enrolled"),
    "extended": N_("extended"),
    "placement_ended": N_("placement ended"),
    "supervisor_changed": N_("supervisor changed"),
    CORRECTION: N_("correction"),
}
"""Event kinds as words whose English is the kind itself, "_" said as a space."""
MEETING_STATUSES = {"held": N_("held"), "no-show": N_("no-show")}
