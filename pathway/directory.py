"""Caseworkers, workplaces and supervisors: the people and places cases depend on."""

from __future__ import annotations

import re
from datetime import date

from pathway.context import Kivo
from states.case import Role, parse_enum
from states.errors import InvalidInput, quoted
from states.records import Caseworker, Supervisor, Workplace

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _name(text: str, what: str) -> str:
    if not text or not text.strip():
        raise InvalidInput(f"a {what} needs a name", field="name")
    if len(text) > 200:
        raise InvalidInput(f"a {what}'s name is at most 200 characters", field="name")
    return text.strip()


def add_caseworker(
    kivo: Kivo, name: str, *, email: str | None = None, role: str = "caseworker"
) -> Caseworker:
    if email is not None and not EMAIL.match(email):
        raise InvalidInput(f"{quoted(email)} is not an email address", field="email")
    worker = Caseworker(
        name=_name(name, "caseworker"), email=email, role=parse_enum(Role, role, "role").value
    )
    with kivo.uow() as uow:
        uow.caseworkers.add(worker)
        uow.commit()
    return worker


def add_workplace(kivo: Kivo, name: str, *, employer: str | None = None) -> Workplace:
    workplace = Workplace(name=_name(name, "workplace"), employer=employer)
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
        name=_name(name, "supervisor"),
        workplace_id=workplace_id,
        trained_on=trained_on,
        capacity=capacity,
    )
    with kivo.uow() as uow:
        uow.workplaces.get(workplace_id)
        uow.supervisors.add(supervisor)
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
