"""Editing people and places, each change logged: which record, which field, from, to,
who, when, in the same transaction as the change.

Values are checked as on creation (names, e-mail, capacity, training date) before
anything is read; a change that changes nothing logs nothing. A personnummer is changed
only by a coordinator with a written reason, and shown masked in every change listed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from pathway import actors
from pathway.context import Kivo
from pathway.courses import record_training
from pathway.directory import EMAIL
from pathway.errors import Refused
from pathway.moves import actor_of
from pathway.ports import UnitOfWork
from states.access import is_coordinator, may_see
from states.case import Role, parse_enum
from states.changes import (
    CASEWORKER,
    PERSON,
    PERSONNUMMER,
    SUPERVISOR,
    WORKPLACE,
    RecordChange,
    changed,
)
from states.errors import InvalidInput, NotFound, quoted
from states.messages import N_, Hint, Message
from states.names import checked_name
from states.personnummer import Personnummer, holds_personnummer, parse_personnummer
from states.protection import initials
from states.records import Caseworker
from states.violations import structural

MAX_REASON = 500
_PHONE = re.compile(r"\+?[0-9][0-9 ()-]{3,30}")


@dataclass(frozen=True)
class ChangeLine:
    """One logged change as shown: a personnummer's values masked."""

    id: int | None
    record: str
    record_id: int
    field: str
    old: str | None
    new: str | None
    by_id: int | None
    by: str | None
    reason: str | None
    recorded_at: datetime


@dataclass(frozen=True)
class Edited:
    """The changes one edit made; none when the values given were the current ones."""

    record: str
    id: int
    changes: list[ChangeLine] = field(default_factory=list)


def edit_participant(
    kivo: Kivo,
    ident: int,
    *,
    person: bool = False,
    name: str | None = None,
    email: str | None = None,
    phone: str | None = None,
    personnummer: str | None = None,
    reason: str | None = None,
    by: int | None = None,
) -> Edited:
    """Change a participant's name, e-mail, phone or personnummer. ``ident`` is a case id
    (its participant is edited), or a person id with ``person``. An empty e-mail or
    phone removes it."""
    wanted: dict[str, object] = {}
    if name is not None:
        wanted["name"] = checked_name(name, "a participant", today=kivo.today())
    if email is not None:
        wanted["email"] = _email(email)
    if phone is not None:
        wanted["phone"] = _phone(phone)
    pnr = _new_personnummer(kivo, personnummer, reason)
    if pnr is not None:
        wanted[PERSONNUMMER] = pnr.digits
        wanted["birth_year"] = pnr.birth_date.year
    if not wanted:
        raise _nothing_given("--name, --email, --phone or --personnummer")
    note = _reason(reason, kivo.today())
    with kivo.uow() as uow:
        actor = _actor(uow, by)
        if pnr is not None:
            _coordinator_only(actor, "change a personnummer")
        if not person:  # a case that is not the actor's is answered as unknown
            actors.cases_for(kivo, uow, actor, [ident], "edit-participant")
        else:
            _person_of_caseload(uow, actor, ident)
        person_id = ident if person else uow.cases.get(ident).person_id
        uow.changes.lock(PERSON, person_id)
        found = uow.people.get(person_id)
        old_email, old_phone = uow.changes.contact(person_id)
        before: dict[str, object] = {
            "name": found.name,
            "email": old_email,
            "phone": old_phone,
            PERSONNUMMER: found.personnummer,
            "birth_year": found.birth_year,
        }
        if pnr is not None and pnr.digits != found.personnummer:
            _personnummer_free(uow, pnr, person_id)
        lines = changed(
            PERSON, person_id, before, wanted, at=kivo.now(), actor_id=_id(actor), reason=note
        )
        if not lines:
            return Edited(PERSON, person_id)
        touched = {line.field_name for line in lines}
        if touched & {"name", PERSONNUMMER, "birth_year"}:
            found.name = str(wanted.get("name", found.name))
            if pnr is not None:
                found.personnummer, found.birth_year = pnr.digits, pnr.birth_date.year
            uow.people.save(found)
            if "name" in touched:  # a protected person is shown by the new initials
                uow.protection.renamed(person_id, initials(found.name))
        if touched & {"email", "phone"}:
            uow.changes.set_contact(
                person_id,
                wanted.get("email", old_email),  # type: ignore[arg-type]
                wanted.get("phone", old_phone),  # type: ignore[arg-type]
            )
        return _logged(uow, PERSON, person_id, lines, actor)


def participant_problems(
    kivo: Kivo,
    *,
    name: str | None = None,
    email: str | None = None,
    phone: str | None = None,
    personnummer: str | None = None,
    reason: str | None = None,
) -> list[InvalidInput]:
    """Every problem ``edit_participant`` would stop at the first of, with the same
    checks: a form shows them all at once, next to what was typed."""
    checks: list[Callable[[], object]] = [
        lambda: name is None or checked_name(name, "a participant", today=kivo.today()),
        lambda: email is None or _email(email),
        lambda: phone is None or _phone(phone),
        lambda: _new_personnummer(kivo, personnummer, reason),
        lambda: _reason(reason, kivo.today()),
    ]
    problems = []
    for check in checks:
        try:
            check()
        except InvalidInput as problem:
            problems.append(problem)
    return problems


def edit_caseworker(
    kivo: Kivo,
    caseworker_id: int,
    *,
    name: str | None = None,
    email: str | None = None,
    role: str | None = None,
    by: int | None = None,
) -> Edited:
    """Change a caseworker's name, e-mail or role (a role only by a coordinator)."""
    wanted: dict[str, object] = {}
    if name is not None:
        wanted["name"] = checked_name(name, "a caseworker", today=kivo.today())
    if email is not None:
        wanted["email"] = _email(email)
    if role is not None:
        wanted["role"] = parse_enum(Role, role, "role").value
    if not wanted:
        raise _nothing_given("--name, --email or --role")
    with kivo.uow() as uow:
        actor = _actor(uow, by)
        uow.changes.lock(CASEWORKER, caseworker_id)
        worker = uow.caseworkers.get(caseworker_id)
        if "role" in wanted and wanted["role"] != worker.role:
            _coordinator_only(actor, "change a role")
        before = {"name": worker.name, "email": worker.email, "role": worker.role}
        lines = changed(CASEWORKER, caseworker_id, before, wanted, at=kivo.now(), actor_id=actor.id)
        if not lines:
            return Edited(CASEWORKER, caseworker_id)
        worker.name = str(wanted.get("name", worker.name))
        worker.email = wanted.get("email", worker.email)  # type: ignore[assignment]
        worker.role = str(wanted.get("role", worker.role))
        uow.caseworkers.save(worker)
        return _logged(uow, CASEWORKER, caseworker_id, lines, actor)


def reactivate_caseworker(kivo: Kivo, caseworker_id: int, *, by: int | None = None) -> Edited:
    """Make a deactivated caseworker active again (they get no cases back by this)."""
    with kivo.uow() as uow:
        actor = _actor(uow, by)
        _coordinator_only(actor, "reactivate a colleague")
        uow.changes.lock(CASEWORKER, caseworker_id)
        worker = uow.caseworkers.get(caseworker_id)
        _inactive(CASEWORKER, caseworker_id, worker.active)
        worker.active = True
        uow.caseworkers.save(worker)
        lines = _activated(kivo, CASEWORKER, caseworker_id, actor)
        return _logged(uow, CASEWORKER, caseworker_id, lines, actor)


def edit_supervisor(
    kivo: Kivo,
    supervisor_id: int,
    *,
    name: str | None = None,
    capacity: int | None = None,
    by: int | None = None,
) -> Edited:
    """Change a supervisor's name or capacity (1–50 participants at once)."""
    wanted: dict[str, object] = {}
    if name is not None:
        wanted["name"] = checked_name(name, "a supervisor", today=kivo.today())
    if capacity is not None:
        if not 1 <= capacity <= 50:
            said = Message(N_("a supervisor's capacity is 1–50 participants"))
            raise InvalidInput(said, field="capacity")
        wanted["capacity"] = capacity
    if not wanted:
        raise _nothing_given("--name or --capacity")
    with kivo.uow() as uow:
        actor = _actor(uow, by)
        supervisor = uow.supervisors.locked(supervisor_id)
        before = {"name": supervisor.name, "capacity": supervisor.capacity}
        lines = changed(SUPERVISOR, supervisor_id, before, wanted, at=kivo.now(), actor_id=actor.id)
        if not lines:
            return Edited(SUPERVISOR, supervisor_id)
        supervisor.name = str(wanted.get("name", supervisor.name))
        supervisor.capacity = int(wanted.get("capacity", supervisor.capacity))  # type: ignore[call-overload]
        uow.supervisors.save(supervisor)
        return _logged(uow, SUPERVISOR, supervisor_id, lines, actor)


def train_supervisor(
    kivo: Kivo,
    supervisor_id: int,
    *,
    on: date,
    by: int | None = None,
    course_id: int | None = None,
) -> Edited:
    """Record the day a supervisor completed supervisor training (not after today),
    at a course (``course_id``) or not. Each training is kept in the supervisor's
    history (``pathway.courses``). The supervisor is trained since their first
    training: an earlier day than the one known becomes their training date (logged); a
    later one (a refresher) is kept in the history only. The known day again without a
    course changes nothing."""
    if on > kivo.today():
        said = N_("training date {on} is after today: record training once held")
        raise InvalidInput(Message(said, {"on": on.isoformat()}), field="trained_on")
    with kivo.uow() as uow:
        actor = _actor(uow, by)
        supervisor = uow.supervisors.locked(supervisor_id)
        lines = changed(
            SUPERVISOR,
            supervisor_id,
            {"trained_on": supervisor.trained_on},
            {"trained_on": min(on, supervisor.trained_on or on)},
            at=kivo.now(),
            actor_id=actor.id,
        )
        if not lines and course_id is None and on == supervisor.trained_on:
            return Edited(SUPERVISOR, supervisor_id)
        record_training(kivo, uow, supervisor_id, on=on, course_id=course_id, by=actor.id)
        if not lines:
            uow.commit()
            return Edited(SUPERVISOR, supervisor_id)
        supervisor.trained_on = on
        uow.supervisors.save(supervisor)
        return _logged(uow, SUPERVISOR, supervisor_id, lines, actor)


def reactivate_supervisor(kivo: Kivo, supervisor_id: int, *, by: int | None = None) -> Edited:
    """Make a deactivated supervisor active again: placements with them are possible."""
    with kivo.uow() as uow:
        actor = _actor(uow, by)
        supervisor = uow.supervisors.locked(supervisor_id)
        _inactive(SUPERVISOR, supervisor_id, supervisor.active)
        supervisor.active = True
        uow.supervisors.save(supervisor)
        lines = _activated(kivo, SUPERVISOR, supervisor_id, actor)
        return _logged(uow, SUPERVISOR, supervisor_id, lines, actor)


def edit_workplace(
    kivo: Kivo,
    workplace_id: int,
    *,
    name: str | None = None,
    employer: str | None = None,
    by: int | None = None,
) -> Edited:
    """Change a workplace's name or employer (an empty employer removes it)."""
    wanted: dict[str, object] = {}
    if name is not None:
        wanted["name"] = checked_name(name, "a workplace", today=kivo.today())
    if employer is not None:
        wanted["employer"] = (
            checked_name(employer, "the employer", today=kivo.today(), field="employer")
            if employer.strip()
            else None
        )
    if not wanted:
        raise _nothing_given("--name or --employer")
    with kivo.uow() as uow:
        actor = _actor(uow, by)
        uow.changes.lock(WORKPLACE, workplace_id)
        workplace = uow.workplaces.get(workplace_id)
        before = {"name": workplace.name, "employer": workplace.employer}
        lines = changed(WORKPLACE, workplace_id, before, wanted, at=kivo.now(), actor_id=actor.id)
        if not lines:
            return Edited(WORKPLACE, workplace_id)
        workplace.name = str(wanted.get("name", workplace.name))
        workplace.employer = wanted.get("employer", workplace.employer)  # type: ignore[assignment]
        uow.workplaces.save(workplace)
        return _logged(uow, WORKPLACE, workplace_id, lines, actor)


def reactivate_workplace(kivo: Kivo, workplace_id: int, *, by: int | None = None) -> Edited:
    """Make a deactivated workplace active again: placements there are possible."""
    with kivo.uow() as uow:
        actor = _actor(uow, by)
        uow.changes.lock(WORKPLACE, workplace_id)
        workplace = uow.workplaces.get(workplace_id)
        _inactive(WORKPLACE, workplace_id, workplace.active)
        workplace.active = True
        uow.workplaces.save(workplace)
        lines = _activated(kivo, WORKPLACE, workplace_id, actor)
        return _logged(uow, WORKPLACE, workplace_id, lines, actor)


def record_changes(kivo: Kivo, record: str, ident: int, *, person: bool = False) -> Edited:
    """Every logged change of a record, oldest first. ``record`` is ``participant`` (then
    ``ident`` is a case id, or a person id with ``person``), ``caseworker``,
    ``supervisor`` or ``workplace``."""
    kinds = {"participant": PERSON, CASEWORKER: CASEWORKER, SUPERVISOR: SUPERVISOR}
    kinds[WORKPLACE] = WORKPLACE
    if record not in kinds:
        said = N_(
            "unknown record {record}: choose participant, caseworker, supervisor or workplace"
        )
        raise InvalidInput(Message(said, {"record": quoted(record)}), field="record")
    kind = kinds[record]
    with kivo.uow(read_only=True) as uow:
        if kind == PERSON:
            ident = ident if person else uow.cases.get(ident).person_id
            uow.people.get(ident)
        elif kind == CASEWORKER:
            uow.caseworkers.get(ident)
        elif kind == SUPERVISOR:
            uow.supervisors.get(ident)
        else:
            uow.workplaces.get(ident)
        found = uow.changes.for_record(kind, ident)
        names = _names(uow, {c.actor_id for c in found if c.actor_id is not None})
    return Edited(kind, ident, [_line(c, names) for c in found])


def _actor(uow: UnitOfWork, by: int | None) -> Caseworker:
    """Who makes the change: every change is logged with its author."""
    if by is None:
        said = Message(N_("say who makes the change: give --by with your caseworker id"))
        raise InvalidInput(said, field="by")
    actor = actor_of(uow, by)
    assert actor is not None
    return actor


def _person_of_caseload(uow: UnitOfWork, actor: Caseworker, person_id: int) -> None:
    """A person named by id is a caseworker's to edit through a case of their caseload
    only; anyone else's is answered as no such person, as a case would be."""
    if is_coordinator(actor):
        return
    if not any(may_see(actor, case.caseworker_id) for case in uow.cases.for_person(person_id)):
        raise NotFound.with_id("person", person_id)


def _coordinator_only(actor: Caseworker, what: str) -> None:
    actors.require_coordinator(actor, what)


def _new_personnummer(kivo: Kivo, text: str | None, reason: str | None) -> Personnummer | None:
    if text is None:
        return None
    pnr = parse_personnummer(text, today=kivo.today())
    if reason is None or not reason.strip():
        said = N_("a personnummer is changed only with the reason: give {how}")
        raise InvalidInput(Message(said, {"how": Hint("reason", "--reason")}), field="reason")
    return pnr


def _personnummer_free(uow: UnitOfWork, pnr: Personnummer, person_id: int) -> None:
    other = uow.people.by_personnummer(pnr.digits)
    if other is not None and other.id != person_id:
        said = {"masked": pnr.masked(), "person": other.id}
        taken = Message(N_("person {person} has personnummer {masked}"), said)
        raise Refused.saying(
            Message(N_("personnummer {masked} belongs to another person"), said),
            [structural("personnummer-taken", taken, person_id=other.id)],
        )


def _reason(reason: str | None, today: date) -> str | None:
    """A reason as logged and shown: one line, no personnummer (the log is printed)."""
    if reason is None:
        return None
    text = reason.strip()
    problem = _reason_problem(text, today)
    if problem is not None:
        raise InvalidInput(problem, field="reason")
    return text


def _reason_problem(text: str, today: date) -> Message | None:
    if not text:
        return Message(N_("the reason is empty"))
    if len(text) > MAX_REASON:
        return Message(N_("the reason is longer than {limit} characters"), {"limit": MAX_REASON})
    if _has_control(text):
        return Message(
            N_("the reason contains a control character (a tab, a line break, an escape …)")
        )
    if holds_personnummer(text, today=today):
        said = N_(
            "the reason holds a personnummer: it is shown with the change, so give the number "
            "only in {where}"
        )
        return Message(said, {"where": Hint("personnummer", "--personnummer")})
    return None


def _email(text: str) -> str | None:
    """An e-mail address; empty removes it."""
    if not text.strip():
        return None
    if not EMAIL.match(text.strip()) or _has_control(text):
        said = Message(N_("{text} is not an email address"), {"text": quoted(text)})
        raise InvalidInput(said, field="email")
    return text.strip()


def _phone(text: str) -> str | None:
    """A phone number: digits with spaces, dashes, brackets, a leading +; empty removes it."""
    if not text.strip():
        return None
    number = text.strip()
    if not _PHONE.fullmatch(number) or sum(c.isdigit() for c in number) < 5:
        said = N_("{text} is not a phone number (digits, spaces, dashes, a leading +)")
        raise InvalidInput(Message(said, {"text": quoted(number)}), field="phone")
    return number


def _has_control(text: str) -> bool:
    return any(unicodedata.category(char) in ("Cc", "Zl", "Zp") for char in text)


def _nothing_given(options: str) -> InvalidInput:
    return InvalidInput(Message(N_("nothing to change: give {options}"), {"options": options}))


ACTIVE_ALREADY = {
    CASEWORKER: N_("caseworker {id} is active already: nothing to reactivate"),
    SUPERVISOR: N_("supervisor {id} is active already: nothing to reactivate"),
    WORKPLACE: N_("workplace {id} is active already: nothing to reactivate"),
}


def _inactive(record: str, ident: int, active: bool) -> None:
    if active:
        raise InvalidInput(Message(ACTIVE_ALREADY[record], {"id": ident}))


def _activated(kivo: Kivo, record: str, ident: int, actor: Caseworker) -> list[RecordChange]:
    return changed(
        record, ident, {"active": False}, {"active": True}, at=kivo.now(), actor_id=actor.id
    )


def _id(actor: Caseworker) -> int | None:
    return actor.id


def _logged(
    uow: UnitOfWork, record: str, ident: int, lines: list[RecordChange], actor: Caseworker
) -> Edited:
    """Append the change lines and commit, with the change itself."""
    uow.changes.append_many(lines)
    uow.commit()
    names = {actor.id: actor.name} if actor.id is not None else {}
    return Edited(record, ident, [_line(change, names) for change in lines])


def _names(uow: UnitOfWork, ids: set[int]) -> dict[int, str]:
    found = {}
    for ident in ids:
        worker = uow.caseworkers.find(ident)
        if worker is not None:
            found[ident] = worker.name
    return found


def _line(change: RecordChange, names: dict[int, str]) -> ChangeLine:
    old, new = change.old_value, change.new_value
    if change.field_name == PERSONNUMMER:
        old = Personnummer(old).masked() if old else None
        new = Personnummer(new).masked() if new else None
    return ChangeLine(
        id=change.id,
        record=change.record,
        record_id=change.record_id,
        field=change.field_name,
        old=old,
        new=new,
        by_id=change.actor_id,
        by=names.get(change.actor_id) if change.actor_id is not None else None,
        reason=change.reason,
        recorded_at=change.recorded_at,
    )
