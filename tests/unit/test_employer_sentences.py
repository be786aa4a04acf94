"""The employer side's refusals (places, proposals, profiles) keep their sentence as a
catalogue ``Message``: each entry point says it in its reader's language, while the
English ``message`` stays word for word what it always was."""

from __future__ import annotations

from datetime import date

import pytest

from pathway.sentences import say
from states.errors import InvalidInput
from states.messages import N_, Message
from states.places import (
    PlaceStatus,
    check_count,
    checked_text,
    parse_place_steps,
    parse_requirement,
    transition_problem,
)
from states.profiles import parse_interests, parse_max_hours, parse_municipality
from states.proposals import decision_problem, parse_declined_by
from web.messages import message_text

TODAY = date(2026, 3, 2)


def said_of(error: InvalidInput) -> Message:
    assert error.said is not None
    return error.said


def test_a_refused_place_transition_is_said_in_swedish_with_the_statuses_named() -> None:
    problem = transition_problem(PlaceStatus.CONTACT, PlaceStatus.OPEN)
    assert problem is not None
    assert problem.said is not None
    assert problem.message == (
        "a place cannot go from contact to open: from contact it may go to agreed, cancelled"
    )
    assert say("sv", problem.said) == (
        "en plats kan inte gå från kontakt till öppen: "
        "från kontakt kan den gå till agreed, cancelled"
    )


def test_a_cancelled_place_says_it_never_changes_in_swedish() -> None:
    problem = transition_problem(PlaceStatus.CANCELLED, PlaceStatus.OPEN)
    assert problem is not None
    assert problem.said is not None
    assert say("sv", problem.said).endswith(": en avbruten plats ändras aldrig mer")


def test_a_count_out_of_bounds_names_what_in_swedish() -> None:
    with pytest.raises(InvalidInput) as refused:
        check_count(0, N_("positions"), 1, 100)
    assert refused.value.message == "positions must be from 1 to 100, not 0"
    assert refused.value.params == {"field": "positions"}
    assert say("sv", said_of(refused.value)) == "antal platser måste vara från 1 till 100, inte 0"


@pytest.mark.parametrize(
    ("text", "english", "swedish"),
    [
        ("  ", "the title is empty", "titeln saknar text"),
        ("x" * 201, "the title is longer than 200 characters", "titeln är längre än 200 tecken"),
        (
            "call 19980412-3389",
            "the title holds a personnummer: keep personal data out of it",
            "titeln innehåller ett personnummer: håll personuppgifter utanför",
        ),
    ],
)
def test_free_text_refused_is_said_in_swedish(text: str, english: str, swedish: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        checked_text(text, N_("the title"), today=TODAY, limit=200, field_name="title")
    assert refused.value.message == english
    assert say("sv", said_of(refused.value)) == swedish


def test_a_bad_requirement_names_the_cli_option_or_the_page_field() -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_requirement("swedish:Z9")
    english = refused.value.message
    assert english.startswith("requirement 'swedish:Z9' has no CEFR level A1/A2/B1/B2/C1/C2;")
    assert english.endswith("(anything else goes in --requires-note)")
    swedish = say("sv", said_of(refused.value))
    assert swedish.startswith("kravet 'swedish:Z9' har ingen CEFR-nivå A1/A2/B1/B2/C1/C2;")
    assert swedish.endswith("(allt annat skrivs i --requires-note)")
    assert "--requires-note" not in message_text(said_of(refused.value), "sv")


def test_steps_outside_the_workplace_are_refused_in_swedish() -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_place_steps("1,2")
    assert refused.value.message == "a place is for workplace steps only (2, 3, 6, 7, 8, 9); not 1"
    assert say("sv", said_of(refused.value)) == (
        "en plats är bara för steg på en arbetsplats (2, 3, 6, 7, 8, 9); inte 1"
    )


def test_a_proposal_decided_twice_is_refused_in_swedish() -> None:
    problem = decision_problem("declined", "accepted")
    assert problem is not None
    assert problem.said is not None
    assert problem.message == "the proposal is declined: only an open proposal can be accepted"
    assert say("sv", problem.said) == (
        "förslaget har status declined: bara ett öppet förslag kan godkännas"
    )


def test_who_declined_names_the_option_on_the_cli() -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_declined_by("boss")
    assert refused.value.message == (
        "--by 'boss' is neither participant nor employer: say who declined"
    )
    assert say("sv", said_of(refused.value)).startswith("--by 'boss' är varken participant")


@pytest.mark.parametrize(
    ("refuse", "english", "swedish"),
    [
        (
            lambda: parse_interests(["baking"]),
            "unknown occupational area 'baking': choose one of ",
            "yrkesområde 'baking' finns inte: välj bland ",
        ),
        (
            lambda: parse_max_hours(60),
            "the most hours per week must be from 1 to 40, not 60",
            "högsta antal timmar per vecka måste vara från 1 till 40, inte 60",
        ),
        (
            lambda: parse_municipality("Visby 2"),
            "the municipality 'Visby 2' holds digits: give the municipality's name",
            "kommunen 'Visby 2' innehåller siffror: ange kommunens namn",
        ),
    ],
)
def test_a_profile_refused_is_said_in_swedish(refuse: object, english: str, swedish: str) -> None:
    assert callable(refuse)
    with pytest.raises(InvalidInput) as refused:
        refuse()
    assert refused.value.message.startswith(english)
    assert say("sv", said_of(refused.value)).startswith(swedish)
