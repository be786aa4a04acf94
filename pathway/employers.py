"""The employer side of a workplace: the dated contact log and everything at one glance.

The next step agreed at a contact (``--next DATE``) is kept on the contact and shown as
due in ``employer show``; it is not a reminder in the outbox. Reminders hang off a
case's follow-ups (``reminder.followup_id`` and ``case_id`` are required, and the
dispatch addresses the case's caseworker): a workplace-level reminder would change the
outbox's schema and the dispatch, both in use by every case. The next step is due until
a later contact with the workplace is recorded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from pathway.context import Kivo
from pathway.courses import TrainingLine, trainings_of
from pathway.directory import ToResolve, placements_to_resolve
from pathway.places import PlaceLine, list_places
from states.errors import InvalidInput
from states.messages import N_, Hint, Message
from states.places import MAX_NOTE, EmployerContact, checked_text, parse_contact_kind
from states.records import SupervisorLoad


@dataclass(frozen=True)
class ContactLine:
    id: int
    on: date
    kind: str
    by_id: int | None
    by: str | None
    note: str
    next_on: date | None


@dataclass(frozen=True)
class NextStep:
    """The next step agreed at the latest contact, due on ``on``."""

    on: date
    contact_id: int
    due: bool  # on or before today
    overdue_days: int  # days past due (0 when not yet past)


@dataclass(frozen=True)
class EmployerView:
    workplace_id: int
    workplace: str
    employer: str | None
    active: bool
    first_contact: date | None
    next_step: NextStep | None
    contacts: list[ContactLine] = field(default_factory=list)
    places: list[PlaceLine] = field(default_factory=list)
    placements: list[ToResolve] = field(default_factory=list)  # open, participants masked
    supervisors: list[SupervisorLoad] = field(default_factory=list)
    training: list[TrainingLine] = field(default_factory=list)  # each supervisor's, in order


@dataclass(frozen=True)
class DueStep:
    """A workplace whose next agreed step falls due by a day: for the weekly letter."""

    workplace_id: int
    workplace: str
    on: date
    by_id: int | None  # who logged the contact that agreed it
    contact_id: int


def next_steps_due(kivo: Kivo, *, by: date, caseworker_id: int | None = None) -> list[DueStep]:
    """The next steps agreed at each workplace's latest contact that fall due on or
    before ``by`` (overdue ones too), earliest first; ``caseworker_id``: only those
    agreed at contacts this caseworker logged."""
    with kivo.uow(read_only=True) as uow:
        latest = uow.employer_contacts.latest_per_workplace()
        names = {w.id: w.name for w in uow.workplaces.all()} if latest else {}
    steps = [
        DueStep(c.workplace_id, names.get(c.workplace_id, ""), c.next_on, c.by_id, _id(c.id))
        for c in latest
        if c.next_on is not None
        and c.next_on <= by
        and (caseworker_id is None or c.by_id == caseworker_id)
    ]
    return sorted(steps, key=lambda s: (s.on, s.workplace_id))


def record_contact(
    kivo: Kivo,
    workplace_id: int,
    *,
    on: date | None,
    kind: str,
    note: str,
    next_on: date | None = None,
    by: int | None = None,
) -> ContactLine:
    """Log a contact with the employer at a workplace: when, how, who, what came of it,
    and the next step agreed. The note is free text about people: it is stored and
    shown to staff, never written to a log."""
    today = kivo.today()
    day = on or today
    if day > today:
        raise InvalidInput(
            Message(
                N_("{how} {on} is after today: record a contact once it happened"),
                {"how": Hint("on", "--on"), "on": day.isoformat()},
            ),
            field="on",
        )
    contact_kind = parse_contact_kind(kind)
    text = checked_text(
        note, N_("the note"), today=today, limit=MAX_NOTE, field_name="note", lines=True
    )
    if next_on is not None and next_on < day:
        raise InvalidInput(
            Message(
                N_("{how} {next} is before the contact ({on})"),
                {"how": Hint("next", "--next"), "next": next_on.isoformat(), "on": day.isoformat()},
            ),
            field="next",
        )
    contact = EmployerContact(
        workplace_id=workplace_id,
        on=day,
        kind=contact_kind.value,
        note=text,
        recorded_at=kivo.now(),
        by_id=by,
        next_on=next_on,
    )
    with kivo.uow() as uow:
        uow.workplaces.get(workplace_id)
        worker = uow.caseworkers.get(by) if by is not None else None
        uow.employer_contacts.add(contact)
        uow.commit()
    return _line(contact, worker.name if worker else None)


def employer_view(kivo: Kivo, workplace_id: int) -> EmployerView:
    """A workplace as the employer relationship: contacts (newest first), the next step
    due, its places, its open placements (participants masked) and its supervisors with
    their training (every training completed, at which course) and load."""
    today = kivo.today()
    with kivo.uow(read_only=True) as uow:
        workplace = uow.workplaces.get(workplace_id)
        contacts = uow.employer_contacts.for_workplace(workplace_id)
        names = {w.id: w.name for w in uow.caseworkers.all()}
        placements = uow.placements.open_with(workplace_id=workplace_id)
        supervisors = uow.supervisors.loads(workplace_id=workplace_id)
        training = trainings_of(uow, [s.id for s in supervisors])
    latest = contacts[0] if contacts else None
    step = None
    if latest is not None and latest.next_on is not None:
        step = NextStep(
            on=latest.next_on,
            contact_id=_id(latest.id),
            due=latest.next_on <= today,
            overdue_days=max(0, (today - latest.next_on).days),
        )
    return EmployerView(
        workplace_id=workplace_id,
        workplace=workplace.name,
        employer=workplace.employer,
        active=workplace.active,
        first_contact=min((c.on for c in contacts), default=None),
        next_step=step,
        contacts=[_line(c, names.get(c.by_id) if c.by_id else None) for c in contacts],
        places=list_places(kivo, workplace_id=workplace_id, limit=None),
        placements=placements_to_resolve(placements),
        supervisors=supervisors,
        training=training,
    )


def _line(contact: EmployerContact, by: str | None) -> ContactLine:
    return ContactLine(
        id=_id(contact.id),
        on=contact.on,
        kind=contact.kind,
        by_id=contact.by_id,
        by=by,
        note=contact.note,
        next_on=contact.next_on,
    )


def _id(value: int | None) -> int:
    assert value is not None
    return value
