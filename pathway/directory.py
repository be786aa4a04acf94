"""Caseworkers, workplaces and supervisors: the people and places cases depend on."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from pathway.context import Kivo
from pathway.courses import record_training
from states.case import Role, parse_enum
from states.errors import InvalidInput, quoted
from states.names import checked_name
from states.personnummer import Personnummer
from states.records import (
    Caseworker,
    OpenPlacement,
    Supervisor,
    SupervisorLoad,
    Workplace,
    WorkplaceLoad,
)

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _name(kivo: Kivo, text: str, what: str) -> str:
    return checked_name(text, f"a {what}", today=kivo.today())


def add_caseworker(
    kivo: Kivo, name: str, *, email: str | None = None, role: str = "caseworker"
) -> Caseworker:
    if email is not None and not EMAIL.match(email):
        raise InvalidInput(f"{quoted(email)} is not an email address", field="email")
    worker = Caseworker(
        name=_name(kivo, name, "caseworker"), email=email, role=parse_enum(Role, role, "role").value
    )
    with kivo.uow() as uow:
        uow.caseworkers.add(worker)
        uow.commit()
    return worker


def add_workplace(kivo: Kivo, name: str, *, employer: str | None = None) -> Workplace:
    if employer is not None:
        employer = checked_name(employer, "the employer", today=kivo.today(), field="employer")
    workplace = Workplace(name=_name(kivo, name, "workplace"), employer=employer)
    with kivo.uow() as uow:
        uow.workplaces.add(workplace)
        uow.commit()
    return workplace


def add_supervisor(
    kivo: Kivo,
    name: str,
    *,
    workplace_id: int,
    trained_on: date | None = None,
    capacity: int = 2,
) -> Supervisor:
    if trained_on is not None and trained_on > kivo.today():
        raise InvalidInput(
            f"training date {trained_on.isoformat()} is after today: record training once held",
            field="trained_on",
        )
    if not 1 <= capacity <= 50:
        raise InvalidInput("a supervisor's capacity is 1–50 participants", field="capacity")
    supervisor = Supervisor(
        name=_name(kivo, name, "supervisor"),
        workplace_id=workplace_id,
        trained_on=trained_on,
        capacity=capacity,
    )
    with kivo.uow() as uow:
        uow.workplaces.get(workplace_id)
        uow.supervisors.add(supervisor)
        if trained_on is not None:  # the first training in the supervisor's history
            assert supervisor.id is not None
            record_training(kivo, uow, supervisor.id, on=trained_on, course_id=None, by=None)
        uow.commit()
    return supervisor


def list_caseworkers(kivo: Kivo) -> list[Caseworker]:
    with kivo.uow(read_only=True) as uow:
        return uow.caseworkers.all()


def list_workplaces(kivo: Kivo) -> list[Workplace]:
    with kivo.uow(read_only=True) as uow:
        return uow.workplaces.all()


def list_supervisors(kivo: Kivo) -> list[Supervisor]:
    with kivo.uow(read_only=True) as uow:
        return uow.supervisors.all()


def supervisor_loads(
    kivo: Kivo, *, workplace_id: int | None = None, untrained: bool = False
) -> list[SupervisorLoad]:
    """Supervisors with their load (open placements) and free capacity; ``untrained``:
    only those without supervisor training completed by today."""
    with kivo.uow(read_only=True) as uow:
        if workplace_id is not None:
            uow.workplaces.get(workplace_id)
        return uow.supervisors.loads(
            workplace_id=workplace_id, untrained_on=kivo.today() if untrained else None
        )


def workplace_loads(kivo: Kivo) -> list[WorkplaceLoad]:
    """Workplaces with their open placements and their active supervisors' capacity."""
    with kivo.uow(read_only=True) as uow:
        return uow.workplaces.loads()


@dataclass(frozen=True)
class ToResolve:
    """An open placement the caseworker must resolve after a deactivation."""

    placement_id: int
    case_id: int
    step: int
    participant: str
    personnummer: str | None  # masked
    caseworker_id: int | None
    caseworker: str | None
    workplace_id: int | None
    supervisor_id: int | None
    start: date
    planned_end: date | None


@dataclass(frozen=True)
class Deactivated:
    """A supervisor or workplace marked inactive (``was_active`` false when it already
    was: deactivating again changes nothing and lists what is still open)."""

    kind: str  # supervisor or workplace
    id: int
    was_active: bool
    placements: list[ToResolve] = field(default_factory=list)


def deactivate_supervisor(kivo: Kivo, supervisor_id: int) -> Deactivated:
    """Mark a supervisor inactive: no new placements with them (``supervisor-inactive``).
    Their open placements go on and are listed for the caseworkers to resolve."""
    with kivo.uow() as uow:
        supervisor = uow.supervisors.locked(supervisor_id)
        was_active = supervisor.active
        if was_active:
            supervisor.active = False
            uow.supervisors.save(supervisor)
        found = uow.placements.open_with(supervisor_id=supervisor_id)
        uow.commit()
    return Deactivated("supervisor", supervisor_id, was_active, placements_to_resolve(found))


def deactivate_workplace(kivo: Kivo, workplace_id: int) -> Deactivated:
    """Mark a workplace inactive: no new placements there (``workplace-inactive``). Its
    supervisors stay as they are; its open placements are listed to resolve."""
    with kivo.uow() as uow:
        workplace = uow.workplaces.get(workplace_id)
        was_active = workplace.active
        if was_active:
            workplace.active = False
            uow.workplaces.save(workplace)
        found = uow.placements.open_with(workplace_id=workplace_id)
        uow.commit()
    return Deactivated("workplace", workplace_id, was_active, placements_to_resolve(found))


def placements_to_resolve(found: list[OpenPlacement]) -> list[ToResolve]:
    return [
        ToResolve(
            placement_id=p.placement_id,
            case_id=p.case_id,
            step=p.step,
            participant=p.participant,
            personnummer=Personnummer(p.personnummer).masked() if p.personnummer else None,
            caseworker_id=p.caseworker_id,
            caseworker=p.caseworker,
            workplace_id=p.workplace_id,
            supervisor_id=p.supervisor_id,
            start=p.start,
            planned_end=p.planned_end,
        )
        for p in found
    ]
