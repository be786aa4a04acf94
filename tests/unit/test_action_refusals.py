"""Refusals met while acting on a case carry a catalogue ``Message``: each entry point
says them in its reader's language, while ``message`` stays the English it always was."""

from __future__ import annotations

from datetime import date

import pytest

from pathway import sentences
from pathway.actors import require_coordinator
from pathway.meetings import parse_moment
from pathway.moves import _check_shares, _required, kind_of_employment, require_written_override
from pathway.notes import NOTE
from states.agenda import finding_of
from states.calendar_bounds import check_day
from states.case import parse_characteristics
from states.errors import InvalidInput, KivoError
from states.notes import checked_text
from states.steps import Step
from web.messages import message_text


def said_in(lang: str, error: KivoError) -> str:
    assert error.said is not None, "not from the catalogue"
    return sentences.say(lang, error.said)


def test_an_employment_kind_outside_fixed_term_employment_is_said_in_swedish() -> None:
    with pytest.raises(InvalidInput) as caught:
        kind_of_employment(Step(2), "vikariat")

    assert caught.value.message == (
        "an employment kind is recorded for fixed-term employment (step 7), not for step 2"
    )
    assert said_in("sv", caught.value) == (
        "en anställningsform registreras för visstidsanställning (steg 7), inte för steg 2"
    )


def test_a_training_share_out_of_range_is_said_in_swedish_and_english_alike() -> None:
    with pytest.raises(InvalidInput) as caught:
        _check_shares(140, None)

    assert said_in("en", caught.value) == caught.value.message
    assert said_in("sv", caught.value) == (
        "utbildningsandelen är en procentsats från 0 till 100, inte 140"
    )
    assert caught.value.to_dict() == {
        "code": "invalid-input",
        "message": "the training share is a percentage from 0 to 100, not 140",
        "field": "training_share",
    }


def test_a_meeting_time_without_a_time_of_day_names_the_option_and_example_in_swedish() -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_moment("2026-03-10")

    assert caught.value.message == (
        "--at '2026-03-10' has no time of day: give one, such as 2026-03-10T10:00 "
        "(Swedish time unless a zone is given)"
    )
    assert said_in("sv", caught.value) == (
        "--at '2026-03-10' saknar klockslag: ange ett, till exempel 2026-03-10T10:00 "
        "(svensk tid om ingen tidszon anges)"
    )


def test_a_blank_override_names_the_override_reason_field_on_a_page() -> None:
    with pytest.raises(InvalidInput) as caught:
        require_written_override("  ")

    assert caught.value.message == "an override needs a written reason"
    assert said_in("sv", caught.value) == "ett åsidosättande kräver ett skriftligt skäl"


def test_the_coordinators_refusal_names_the_action_in_swedish() -> None:
    with pytest.raises(KivoError) as caught:
        require_coordinator(None, "set targets")

    assert caught.value.message == (
        "only a coordinator may set targets: give --by (or KIVO_ACTOR) with a "
        "coordinator's id (no one was named)"
    )
    assert said_in("sv", caught.value) == (
        "bara en samordnare får sätta mål: ange --by (eller KIVO_ACTOR) med en "
        "samordnares id (ingen angavs)"
    )


def test_an_empty_note_and_an_unknown_finding_are_said_in_swedish() -> None:
    with pytest.raises(InvalidInput) as empty:
        checked_text("   ", NOTE, limit=10, field="text")
    with pytest.raises(InvalidInput) as unknown:
        finding_of("maybe")

    assert empty.value.message == "the note is empty"
    assert said_in("sv", empty.value) == "anteckningen saknar text"
    assert said_in("sv", unknown.value).startswith("okänt resultat 'maybe': välj ett av ")


def test_a_characteristic_without_an_answer_is_said_in_swedish() -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_characteristics(["disability"])

    assert said_in("sv", caught.value).startswith("egenskap 'disability': skriv NAMN=yes")


def test_a_date_outside_the_calendar_keeps_its_field_and_is_said_in_swedish() -> None:
    with pytest.raises(InvalidInput) as caught:
        check_day(date(1800, 1, 1), "--on")

    assert caught.value.params == {"field": "--on"}
    assert caught.value.message == (
        "--on 1800-01-01 is outside the dates kivo accepts (1900-01-01 to 2199-12-31)"
    )
    assert said_in("sv", caught.value) == (
        "--on 1800-01-01 ligger utanför de datum kivo tar emot (1900-01-01 till 2199-12-31)"
    )


def test_a_page_names_the_field_where_the_cli_names_the_option() -> None:
    with pytest.raises(InvalidInput) as caught:
        _required(" ")

    assert caught.value.said is not None
    assert caught.value.message == "a reason is required for this move: give --reason"
    assert said_in("sv", caught.value) == "den här flytten kräver ett skäl: ange --reason"
    assert message_text(caught.value.said, "sv") == (
        "den här flytten kräver ett skäl: ange fältet Skäl"
    )
