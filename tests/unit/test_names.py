"""Specification of names: shown in full everywhere, so no personnummer and no control
character gets into one."""

from __future__ import annotations

from datetime import date

import pytest

from states.errors import InvalidInput
from states.names import checked_name, name_problem
from states.personnummer import holds_personnummer

TODAY = date(2026, 3, 2)
CONTROL = "contains a control character"
NUMBER = "holds a personnummer"


@pytest.mark.parametrize(
    "name",
    [
        "Amina 19980412-3389",
        "Amina 199804123389",
        "980412-3389 Amina",
        "Amina (9804123389)",
        "Amina 19980472-3386",  # a samordningsnummer: day + 60
        "Gamle Olle 260101+0008",  # over a hundred: the '+' form
    ],
)
def test_a_name_holding_a_valid_personnummer_is_refused(name: str) -> None:
    assert holds_personnummer(name, today=TODAY)
    assert (name_problem(name, today=TODAY) or "").startswith(NUMBER)


@pytest.mark.parametrize(
    "name",
    [
        "Bageriet AB 556677-8899",  # an organisationsnummer: month 66 is no date
        "Amina 19980412-3388",  # the check digit is wrong: not a personnummer
        "Kafé 2026-03-02",
        "Lindqvist 0701234",
    ],
)
def test_a_name_with_digits_that_are_no_personnummer_is_accepted(name: str) -> None:
    assert name_problem(name, today=TODAY) is None


@pytest.mark.parametrize(
    "char",
    ["\t", "\n", "\r", "\x00", "\x1b", "\x7f", "\x85", "\u2028", "\u2029", "\u202e", "\u2066"],
)
def test_a_name_with_a_control_character_is_refused(char: str) -> None:
    assert (name_problem(f"Anna{char}Lindqvist", today=TODAY) or "").startswith(CONTROL)


@pytest.mark.parametrize("name", ["Ali Rezā\u200cpour", "Åsa Öberg-Ärlig", "O'Brien", "José Núñez"])
def test_names_in_every_script_with_joiners_and_accents_are_accepted(name: str) -> None:
    assert name_problem(name, today=TODAY) is None


def test_a_checked_name_is_stripped_and_a_bad_one_is_invalid_input_naming_the_field() -> None:
    assert checked_name("  Anna  ", "a caseworker", today=TODAY) == "Anna"
    with pytest.raises(InvalidInput) as raised:
        checked_name("Amina 19980412-3389", "a participant", today=TODAY)
    assert raised.value.message.startswith("a participant's name holds a personnummer")
    assert "3389" not in raised.value.message
    assert raised.value.params == {"field": "name"}
