"""Enrolling a participant (person and case) and recording consent."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from pathway.context import Kivo
from pathway.errors import Refused
from pathway.moves import actor_of
from pathway.ports import UnitOfWork
from pathway.results import EnrolResult
from states.case import ENROLLED, EXITED, Characteristic, Gender, Group, parse_enum
from states.errors import InvalidInput
from states.ownership import ENROLLED_OWNER
from states.personnummer import parse_personnummer
from states.records import Case, CaseEvent, Person
from states.violations import structural


def enrol(
    kivo: Kivo,
    name: str,
    *,
    personnummer: str | None = None,
    gender: str = "unknown",
    birth_year: int | None = None,
    groups: Sequence[str] = (),
    characteristics: Mapping[str, bool] | None = None,
    caseworker_id: int | None = None,
    consent: bool = False,
    on: date | None = None,
    by: int | None = None,
) -> EnrolResult:
    """Open a case for a participant; a known person (by personnummer) is reused.

    ``characteristics`` are the sensitive ESF+ ones the person stated (name: yes/no);
    those not given stay unknown."""
    on = on or kivo.today()
    person = _person(kivo, name, personnummer, gender, birth_year, groups)
    person.characteristics = _characteristics(characteristics or {})
    _check_date(kivo, on, "enrolment")
    with kivo.uow() as uow:
        actor = actor_of(uow, by)
        _check_caseworker(uow, caseworker_id)
        known = _known_person(uow, person)
        saved = known or uow.people.add(person)
        assert saved.id is not None
        case = uow.cases.add(
            Case(
                person_id=saved.id,
                opened_on=on,
                caseworker_id=caseworker_id,
                consent_on=on if consent else None,
                last_move_on=on,
            )
        )
        assert case.id is not None
        for kind in ("enrolled", "consent") if consent else ("enrolled",):
            uow.events.append(
                CaseEvent(
                    case_id=case.id,
                    kind=kind,
                    on=on,
                    recorded_at=kivo.now(),
                    to_state=ENROLLED if kind == "enrolled" else None,
                    actor_id=actor.id if actor else None,
                    data=_owner_data(kind, caseworker_id),
                )
            )
        uow.commit()
    return EnrolResult(case.id, saved.id, on, case.consent_on, known is None)


def _owner_data(kind: str, caseworker_id: int | None) -> dict[str, Any]:
    """The enrolment names its first owner, so "who owned this case on D" needs no guess."""
    if kind != "enrolled" or caseworker_id is None:
        return {}
    return {ENROLLED_OWNER: caseworker_id}


def _characteristics(given: Mapping[str, bool]) -> dict[str, bool]:
    return {
        parse_enum(Characteristic, name, "characteristic").value: bool(value)
        for name, value in sorted(given.items())
    }


def _check_caseworker(uow: UnitOfWork, caseworker_id: int | None) -> None:
    if caseworker_id is not None and not uow.caseworkers.get(caseworker_id).active:
        raise InvalidInput(f"caseworker {caseworker_id} is no longer active", field="caseworker")


def _known_person(uow: UnitOfWork, person: Person) -> Person | None:
    """The same person (by personnummer) may enrol again only once earlier cases closed."""
    digits = person.personnummer
    known = uow.people.by_personnummer(digits, lock=True) if digits else None
    if known is None or known.id is None:
        return None
    open_cases = [c.id for c in uow.cases.for_person(known.id) if c.state != EXITED]
    if open_cases:
        problem = structural(
            "already-enrolled",
            f"this person already has open case {open_cases[0]}",
            case_id=open_cases[0],
        )
        raise Refused("already enrolled", [problem])
    return known


def record_consent(
    kivo: Kivo, case_id: int, *, on: date | None = None, by: int | None = None
) -> date:
    """Record the participant's consent to share information with employers and agencies."""
    on = on or kivo.today()
    _check_date(kivo, on, "consent")
    with kivo.uow() as uow:
        actor = actor_of(uow, by)
        case = uow.cases.get(case_id)
        problems = []
        if case.state == EXITED:
            problems.append(structural("case-exited", "the case has exited"))
        if case.consent_on is not None:
            problems.append(
                structural(
                    "consent-already-recorded",
                    f"consent was recorded on {case.consent_on.isoformat()}",
                )
            )
        if on < case.opened_on:
            problems.append(
                structural(
                    "date-before-enrolment",
                    f"{on.isoformat()} is before the enrolment ({case.opened_on.isoformat()})",
                )
            )
        if problems:
            raise Refused(f"case {case_id}: consent refused", problems)
        case.consent_on = on
        uow.cases.save(case)
        uow.events.append(
            CaseEvent(
                case_id=case_id,
                kind="consent",
                on=on,
                recorded_at=kivo.now(),
                actor_id=actor.id if actor else None,
            )
        )
        uow.commit()
    return on


def _person(
    kivo: Kivo,
    name: str,
    personnummer: str | None,
    gender: str,
    birth_year: int | None,
    groups: Sequence[str],
) -> Person:
    """Validate everything about the person before anything is written."""
    if not name or not name.strip():
        raise InvalidInput("a participant needs a name", field="name")
    if len(name) > 200:
        raise InvalidInput("a name is at most 200 characters", field="name")
    pnr = parse_personnummer(personnummer, today=kivo.today()) if personnummer else None
    if pnr is not None:
        if birth_year is not None and birth_year != pnr.birth_date.year:
            raise InvalidInput(
                f"birth year {birth_year} does not match the personnummer ({pnr.masked()})",
                field="birth_year",
            )
        birth_year = pnr.birth_date.year
    if birth_year is not None and not 1900 <= birth_year <= kivo.today().year:
        raise InvalidInput(f"birth year {birth_year} is not plausible", field="birth_year")
    return Person(
        name=name.strip(),
        personnummer=pnr.digits if pnr else None,
        gender=parse_enum(Gender, gender, "gender").value,
        birth_year=birth_year,
        groups=sorted({parse_enum(Group, g, "group").value for g in groups}),
    )


def _check_date(kivo: Kivo, on: date, what: str) -> None:
    if on > kivo.today():
        raise Refused(
            f"{what} refused",
            [
                structural(
                    "date-in-future",
                    f"the {what} date {on.isoformat()} is after today ({kivo.today().isoformat()})",
                )
            ],
        )
