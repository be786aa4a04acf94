"""Enrolling a participant (person and case) and recording consent."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pathway import actors
from pathway.context import Kivo
from pathway.directory import ToResolve, placements_to_resolve
from pathway.errors import Refused
from pathway.moves import actor_of, case_at_version
from pathway.ports import UnitOfWork
from pathway.results import EnrolResult
from states.case import ENROLLED, EXITED, Characteristic, Gender, Group, parse_enum
from states.errors import InvalidInput
from states.messages import N_, Hint, Message
from states.names import checked_name
from states.ownership import ENROLLED_OWNER
from states.personnummer import parse_personnummer
from states.records import Case, CaseEvent, Caseworker, Person
from states.replay import CONSENT_WITHDRAWN
from states.violations import Violation, structural


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
    permit_date: date | None = None,
) -> EnrolResult:
    """Open a case for a participant; a known person (by personnummer) is reused.

    ``characteristics`` are the sensitive ESF+ ones the person stated (name: yes/no);
    those not given stay unknown."""
    on = on or kivo.today()
    person = _person(kivo, name, personnummer, gender, birth_year, groups)
    person.permit_date = _permit_date(kivo, permit_date, person.groups)
    person.characteristics = _characteristics(characteristics or {})
    _check_date(kivo, on, "enrolment")
    with kivo.uow() as uow:
        actor = actor_of(uow, by)
        caseworker_id = actors.enrolled_into(actor, caseworker_id)
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
        actors.log(kivo, uow, actor, [(case.id, "enrol")])
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
        raise InvalidInput(
            Message(N_("caseworker {id} is no longer active"), {"id": caseworker_id}),
            field="caseworker",
        )


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
            Message(N_("this person already has open case {case}"), {"case": open_cases[0]}),
            case_id=open_cases[0],
        )
        raise Refused.saying(Message(N_("already enrolled")), [problem])
    return known


def record_consent(
    kivo: Kivo,
    case_id: int,
    *,
    on: date | None = None,
    by: int | None = None,
    expected_version: int | None = None,
) -> date:
    """Record the participant's consent to share information with employers and agencies
    (again, after a withdrawal)."""
    on = on or kivo.today()
    _check_date(kivo, on, "consent")
    with kivo.uow() as uow:
        actor = actors.acting_on(kivo, uow, by, case_id, "consent")
        case = case_at_version(uow, case_id, expected_version)
        problems = _consent_problems(case, on, withdrawing=False)
        problems += _before_withdrawal(uow, case_id, on)
        if problems:
            head = Message(N_("case {case}: consent refused"), {"case": case_id})
            raise Refused.saying(head, problems)
        case.consent_on = on
        uow.cases.save(case)
        uow.events.append(_consent_event(kivo, case_id, "consent", on, actor))
        uow.commit()
    return on


@dataclass(frozen=True)
class ConsentWithdrawn:
    """A withdrawal, and the case's open placements the caseworker must now resolve
    (the workplace no longer gets the participant's information)."""

    case_id: int
    withdrawn_on: date
    version: int
    placements: list[ToResolve] = field(default_factory=list)


def withdraw_consent(
    kivo: Kivo,
    case_id: int,
    *,
    on: date | None = None,
    by: int | None = None,
    expected_version: int | None = None,
) -> ConsentWithdrawn:
    """Record that the participant withdrew their consent: from then on
    ``consent-missing`` refuses the workplace steps until consent is given again. Open
    placements go on and are listed for the caseworker to resolve."""
    on = on or kivo.today()
    _check_date(kivo, on, "withdrawal")
    with kivo.uow() as uow:
        actor = actors.acting_on(kivo, uow, by, case_id, "withdraw-consent")
        case = case_at_version(uow, case_id, expected_version)
        problems = _consent_problems(case, on, withdrawing=True)
        if problems:
            head = Message(N_("case {case}: withdrawal refused"), {"case": case_id})
            raise Refused.saying(head, problems)
        case.consent_on = None
        uow.cases.save(case)
        uow.events.append(_consent_event(kivo, case_id, CONSENT_WITHDRAWN, on, actor))
        found = uow.placements.open_with(case_id=case_id)
        uow.commit()
    return ConsentWithdrawn(case_id, on, case.version, placements_to_resolve(found))


def _consent_problems(case: Case, on: date, *, withdrawing: bool) -> list[Violation]:
    """What makes recording (or withdrawing) consent on ``on`` impossible."""
    problems = []
    if case.state == EXITED:
        problems.append(structural("case-exited", Message(N_("the case has exited"))))
    if withdrawing and case.consent_on is None:
        said = Message(N_("no consent is in force to withdraw"))
        problems.append(structural("consent-not-recorded", said))
    if not withdrawing and case.consent_on is not None:
        said = Message(N_("consent was recorded on {on}"), {"on": case.consent_on.isoformat()})
        problems.append(structural("consent-already-recorded", said))
    if withdrawing and case.consent_on is not None and on < case.consent_on:
        said = Message(
            N_("{on} is before the consent ({consent})"),
            {"on": on.isoformat(), "consent": case.consent_on.isoformat()},
        )
        problems.append(structural("date-before-consent", said))
    if on < case.opened_on:
        said = Message(
            N_("{on} is before the enrolment ({opened})"),
            {"on": on.isoformat(), "opened": case.opened_on.isoformat()},
        )
        problems.append(structural("date-before-enrolment", said))
    return problems


def _before_withdrawal(uow: UnitOfWork, case_id: int, on: date) -> list[Violation]:
    """Consent given again is dated from the latest withdrawal on, so the history keeps
    consent and withdrawal in the order they happened."""
    withdrawn = max(
        (e.on for e in uow.events.for_case(case_id) if e.kind == CONSENT_WITHDRAWN),
        default=None,
    )
    if withdrawn is None or on >= withdrawn:
        return []
    said = Message(
        N_("{on} is before the withdrawal of consent ({withdrawn})"),
        {"on": on.isoformat(), "withdrawn": withdrawn.isoformat()},
    )
    return [structural("date-before-withdrawal", said)]


def _consent_event(
    kivo: Kivo, case_id: int, kind: str, on: date, actor: Caseworker | None
) -> CaseEvent:
    return CaseEvent(
        case_id=case_id,
        kind=kind,
        on=on,
        recorded_at=kivo.now(),
        actor_id=actor.id if actor else None,
    )


def _person(
    kivo: Kivo,
    name: str,
    personnummer: str | None,
    gender: str,
    birth_year: int | None,
    groups: Sequence[str],
) -> Person:
    """Validate everything about the person before anything is written."""
    name = checked_name(name, "a participant", today=kivo.today())
    pnr = parse_personnummer(personnummer, today=kivo.today()) if personnummer else None
    if pnr is not None:
        if birth_year is not None and birth_year != pnr.birth_date.year:
            raise InvalidInput(
                Message(
                    N_("birth year {year} does not match the personnummer ({masked})"),
                    {"year": birth_year, "masked": pnr.masked()},
                ),
                field="birth_year",
            )
        birth_year = pnr.birth_date.year
    if birth_year is not None and not 1900 <= birth_year <= kivo.today().year:
        raise InvalidInput(
            Message(N_("birth year {year} is not plausible"), {"year": birth_year}),
            field="birth_year",
        )
    return Person(
        name=name,
        personnummer=pnr.digits if pnr else None,
        gender=parse_enum(Gender, gender, "gender").value,
        birth_year=birth_year,
        groups=sorted({parse_enum(Group, g, "group").value for g in groups}),
    )


def _permit_date(kivo: Kivo, permit_date: date | None, groups: Sequence[str]) -> date | None:
    """The residence permit's date dates the newly-arrived group (YA counted it for 36
    months from the permit): it belongs with that group, and lies in the past."""
    if permit_date is None:
        return None
    if Group.NEWLY_ARRIVED.value not in groups:
        raise InvalidInput(
            Message(
                N_("a residence-permit date dates the newly-arrived group: give it with {how}"),
                {"how": Hint("groups", "--group newly-arrived")},
            ),
            field="permit_date",
        )
    if permit_date > kivo.today():
        raise InvalidInput(
            Message(
                N_("the residence-permit date {on} is after today ({today})"),
                {"on": permit_date.isoformat(), "today": kivo.today().isoformat()},
            ),
            field="permit_date",
        )
    return permit_date


DATED = {
    "enrolment": (N_("enrolment refused"), N_("the enrolment date {on} is after today ({today})")),
    "consent": (N_("consent refused"), N_("the consent date {on} is after today ({today})")),
    "withdrawal": (
        N_("withdrawal refused"),
        N_("the withdrawal date {on} is after today ({today})"),
    ),
}
"""A dated act's refusal head and its future-date sentence, by the act."""


def _check_date(kivo: Kivo, on: date, what: str) -> None:
    if on > kivo.today():
        head, future = DATED[what]
        said = Message(future, {"on": on.isoformat(), "today": kivo.today().isoformat()})
        raise Refused.saying(Message(head), [structural("date-in-future", said)])
