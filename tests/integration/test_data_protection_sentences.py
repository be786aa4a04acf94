"""Refused corrections, erasures, retention runs and access-log reviews carry their
sentence from the catalogue: a Swedish reader (the CLI, a page, the API) reads Swedish,
a page names its field rather than the CLI's option, and the English is as it was."""

from __future__ import annotations

from datetime import date

import pytest

from pathway import moves
from pathway.audit import access_reads
from pathway.context import Kivo
from pathway.corrections import correct
from pathway.erasure import erase_person
from pathway.errors import Refused
from pathway.retention import apply_retention, load_schedule
from pathway.sentences import say, violation_text
from states.errors import InvalidInput, KivoError
from states.steps import Step
from tests.integration.support import Staff, add_staff, enrol_case
from web.messages import message_text


@pytest.fixture
def staff(kivo: Kivo) -> Staff:
    return add_staff(kivo)


def said_sv(error: KivoError) -> str:
    assert error.said is not None
    return say("sv", error.said)


def test_a_correction_refused_by_a_later_move_is_said_in_swedish(kivo: Kivo, staff: Staff) -> None:
    case_id = enrol_case(kivo, staff)
    moves.advance(kivo, case_id, Step.INFORMATION, on=date(2026, 1, 14), by=staff.caseworker)
    moves.pause(kivo, case_id, reason="sick leave", by=staff.caseworker)

    with pytest.raises(Refused) as raised:
        correct(kivo, case_id, 3, reason="a mistake", by=staff.coordinator)

    error = raised.value
    assert said_sv(error).endswith("kan inte rättas: 1 sak bygger på den")
    assert violation_text("sv", error.violations[0]).startswith("händelse 4 (pausat ")
    assert error.message.endswith("cannot be corrected: 1 thing depends on it")


def test_an_erasure_refused_for_an_open_case_is_said_in_swedish(kivo: Kivo, staff: Staff) -> None:
    case_id = enrol_case(kivo, staff)

    with pytest.raises(Refused) as raised:
        erase_person(kivo, "1", reason="request 2026-0113", by=staff.coordinator)

    assert said_sv(raised.value) == (
        f"person 1 kan inte raderas: ärende {case_id} är öppet: en person raderas först när "
        "alla hens ärenden har avslutats"
    )
    assert raised.value.message == (
        f"person 1 cannot be erased: case {case_id} is open: a person is erased only when "
        "every case of theirs has closed"
    )


def test_an_erasure_without_a_reason_names_the_pages_field(kivo: Kivo, staff: Staff) -> None:
    enrol_case(kivo, staff)

    with pytest.raises(InvalidInput) as raised:
        erase_person(kivo, "1", reason=" ", by=staff.coordinator)

    assert raised.value.said is not None
    assert message_text(raised.value.said, "sv") == (
        "en radering behöver den begäran den besvarar: ange fältet Skäl (t.ex. diarienumret)"
    )
    assert "give --reason" in raised.value.message


def test_retention_on_a_future_day_is_refused_in_swedish(kivo: Kivo, staff: Staff) -> None:
    with pytest.raises(InvalidInput) as raised:
        apply_retention(kivo, load_schedule(), on=date(2099, 1, 1), by=staff.coordinator)

    assert said_sv(raised.value).startswith("2099-01-01 ligger i framtiden")


def test_a_backwards_period_of_the_access_log_is_refused_in_swedish(
    kivo: Kivo, staff: Staff
) -> None:
    with pytest.raises(InvalidInput) as raised:
        access_reads(kivo, actor=staff.coordinator, start=date(2026, 3, 2), end=date(2026, 3, 1))

    assert said_sv(raised.value) == "--to 2026-03-01 är före --from 2026-03-02"
    assert raised.value.message == "--to 2026-03-01 is before --from 2026-03-02"
