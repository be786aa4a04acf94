"""Enrolment with a personnummer: stored in full, shown masked, never in an error."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import text

from pathway import directory, enrolment, moves, views
from pathway.context import Kivo
from pathway.errors import Refused
from states.case import Outcome
from states.errors import InvalidInput, KivoError
from tests.integration.support import (
    Staff,
    engine_of,
    enrol_case,
    error_texts,
    events_of,
    fresh_personnummer,
    personnummer,
    stored_case,
    table_contents,
    written_forms,
)

PNR = personnummer("19900101", "123")  # 199001011239


@pytest.fixture
def kivo(module_kivo: Kivo) -> Kivo:
    """One database per kind for this module: every test enrols its own participants."""
    return module_kivo


@pytest.fixture
def staff(module_staff: Staff) -> Staff:
    return module_staff


def stored_personnummer(kivo: Kivo, person_id: int) -> str | None:
    with engine_of(kivo.database).connect() as connection:
        query = text("SELECT personnummer FROM person WHERE id = :id")
        value = connection.execute(query, {"id": person_id}).scalar_one()
    return None if value is None else str(value)


@pytest.fixture
def pnr() -> str:
    """A personnummer of this test's own (the module's tests share a database)."""
    return fresh_personnummer()


FORMS: dict[str, Callable[[str], str]] = {
    "12 digits": lambda d: d,
    "YYYYMMDD-NNNC": lambda d: f"{d[:8]}-{d[8:]}",
    "YYMMDD-NNNC": lambda d: f"{d[2:8]}-{d[8:]}",
    "10 digits": lambda d: d[2:],
    "with spaces": lambda d: f" {d[2:8]}-{d[8:]} ",
}


@pytest.mark.parametrize("written", FORMS.values(), ids=FORMS.keys())
def test_a_personnummer_in_any_accepted_form_is_stored_as_twelve_digits(
    kivo: Kivo, pnr: str, written: Callable[[str], str]
) -> None:
    result = enrolment.enrol(kivo, "Amira Deltagare", personnummer=written(pnr))

    assert stored_personnummer(kivo, result.person_id) == pnr
    assert len(pnr) == 12


def test_a_centenarians_plus_sign_and_a_samordningsnummer_keep_their_century_and_day(
    kivo: Kivo,
) -> None:
    old = fresh_personnummer("19250505")
    coordination = fresh_personnummer("19900161")  # born 1 January 1990, day + 60

    first = enrolment.enrol(kivo, "Greta Hundra", personnummer=f"{old[2:8]}+{old[8:]}")
    second = enrolment.enrol(kivo, "Sam Ordning", personnummer=coordination[2:])

    assert stored_personnummer(kivo, first.person_id) == old
    assert stored_personnummer(kivo, second.person_id) == coordination
    assert views.show_case(kivo, second.case_id).birth_year == 1990


def test_showing_a_case_masks_the_personnummer_unless_personal_data_is_asked_for(
    kivo: Kivo, pnr: str
) -> None:
    case_id = enrolment.enrol(kivo, "Amira Deltagare", personnummer=pnr).case_id

    masked = views.show_case(kivo, case_id)
    full = views.show_case(kivo, case_id, show_personal=True)

    assert masked.personnummer == "19900101-****"
    assert all(form not in repr(masked) for form in written_forms(pnr))
    assert full.personnummer == f"{pnr[:8]}-{pnr[8:]}"
    assert masked.birth_year == full.birth_year == 1990


def test_a_case_without_a_personnummer_shows_none(kivo: Kivo) -> None:
    case_id = enrolment.enrol(kivo, "Utan Nummer", birth_year=1995).case_id

    assert views.show_case(kivo, case_id, show_personal=True).personnummer is None


def test_enrolling_a_person_with_an_open_case_is_refused_and_writes_nothing(
    kivo: Kivo, pnr: str, staff: Staff
) -> None:
    case_id = enrol_case(kivo, staff, pnr=pnr)
    before = table_contents(kivo.database)

    with pytest.raises(Refused) as refused:
        enrolment.enrol(kivo, "Amira Igen", personnummer=f"{pnr[2:8]}-{pnr[8:]}")

    (violation,) = refused.value.violations
    assert (violation.code, violation.params) == ("already-enrolled", {"case_id": case_id})
    assert [form for form in written_forms(pnr) if form in error_texts(refused.value)] == []
    assert table_contents(kivo.database) == before


def test_after_an_exit_the_same_person_gets_a_second_case_under_the_same_person_id(
    kivo: Kivo, pnr: str
) -> None:
    first = enrolment.enrol(kivo, "Amira Deltagare", personnummer=pnr, on=date(2026, 1, 12))
    moves.exit_case(kivo, first.case_id, outcome=Outcome.JOB_SEEKING, on=date(2026, 2, 1))
    history_before = events_of(kivo, first.case_id)

    second = enrolment.enrol(kivo, "Amira Deltagare", personnummer=pnr[2:], consent=True)

    assert second.case_id != first.case_id
    assert (second.person_id, second.new_person) == (first.person_id, False)
    assert stored_case(kivo, second.case_id).state == "enrolled"
    assert stored_case(kivo, first.case_id).state == "exited"
    assert events_of(kivo, first.case_id) == history_before
    assert [e.kind for e in events_of(kivo, second.case_id)] == ["enrolled", "consent"]
    with engine_of(kivo.database).connect() as connection:
        query = text("SELECT count(*) FROM person WHERE personnummer = :pnr")
        assert connection.execute(query, {"pnr": pnr}).scalar_one() == 1


def test_a_paused_case_is_still_open_so_a_second_enrolment_is_refused(kivo: Kivo, pnr: str) -> None:
    first = enrolment.enrol(kivo, "Amira Deltagare", personnummer=pnr, on=date(2026, 1, 12))
    moves.pause(kivo, first.case_id, reason="travelling", on=date(2026, 2, 1))
    before = table_contents(kivo.database)

    with pytest.raises(Refused) as refused:
        enrolment.enrol(kivo, "Amira Deltagare", personnummer=pnr)

    assert [v.code for v in refused.value.violations] == ["already-enrolled"]
    assert table_contents(kivo.database) == before


NO_DIGITS_IN: dict[str, tuple[str, Callable[[Kivo, str], object], type[KivoError]]] = {
    "wrong check digit": (
        PNR[:11] + str((int(PNR[11]) + 1) % 10),
        lambda k, p: enrolment.enrol(k, "A", personnummer=p),
        InvalidInput,
    ),
    "not a date": (
        "199002301230",
        lambda k, p: enrolment.enrol(k, "A", personnummer=f"{p[:8]}-{p[8:]}"),
        InvalidInput,
    ),
    "born in the future": (
        personnummer("20300101", "123"),
        lambda k, p: enrolment.enrol(k, "A", personnummer=p),
        InvalidInput,
    ),
    "malformed": (
        PNR,
        lambda k, p: enrolment.enrol(k, "A", personnummer=p + "7"),
        InvalidInput,
    ),
    "birth year contradicts": (
        PNR,
        lambda k, p: enrolment.enrol(k, "A", personnummer=p, birth_year=1991),
        InvalidInput,
    ),
}


@pytest.mark.parametrize(
    ("number", "attempt", "error"), NO_DIGITS_IN.values(), ids=NO_DIGITS_IN.keys()
)
def test_no_error_about_a_personnummer_contains_the_full_number(
    module_kivo: Kivo,
    number: str,
    attempt: Callable[[Kivo, str], object],
    error: type[KivoError],
) -> None:
    with pytest.raises(error) as raised:
        attempt(module_kivo, number)

    shown = error_texts(raised.value)
    assert number[:8] in shown or "personnummer" in shown  # it does say what is wrong
    assert [form for form in written_forms(number) if form in shown] == []


def test_the_enrolment_event_names_the_first_caseworker_so_ownership_needs_no_guess(
    kivo: Kivo, staff: Staff
) -> None:
    case_id = enrol_case(kivo, staff, pnr=fresh_personnummer())
    enrolled = events_of(kivo, case_id)[0]
    assert (enrolled.kind, enrolled.data) == ("enrolled", {"caseworker_id": staff.caseworker})
    owners = views.show_case(kivo, case_id).owners
    assert owners == [{"caseworker_id": staff.caseworker, "from": "2026-01-12", "to": None}]


def test_an_enrolment_without_a_caseworker_names_no_owner(kivo: Kivo) -> None:
    result = enrolment.enrol(kivo, "Utan Handläggare", on=date(2026, 1, 12))
    assert events_of(kivo, result.case_id)[0].data == {}


NAMED: dict[str, Callable[[Kivo, str], object]] = {
    "participant": lambda k, n: enrolment.enrol(k, n),
    "caseworker": lambda k, n: directory.add_caseworker(k, n),
    "workplace": lambda k, n: directory.add_workplace(k, n),
    "employer": lambda k, n: directory.add_workplace(k, "Visby bageri", employer=n),
}


@pytest.mark.parametrize("kind", NAMED)
@pytest.mark.parametrize(
    "name", [f"Amina {PNR[:8]}-{PNR[8:]}", "Anna\nLindqvist", "Anna\u202eLindqvist"]
)
def test_a_name_holding_a_personnummer_or_a_control_character_is_refused_and_nothing_written(
    kivo: Kivo, kind: str, name: str
) -> None:
    before = table_contents(kivo.database)

    with pytest.raises(InvalidInput) as raised:
        NAMED[kind](kivo, name)

    assert (
        "holds a personnummer" in raised.value.message
        or "control character" in raised.value.message
    )
    assert [form for form in written_forms(PNR) if form in error_texts(raised.value)] == []
    assert table_contents(kivo.database) == before
