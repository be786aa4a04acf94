"""The place lifecycle, the requirement vocabulary, free text and lead times, as pure rules."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from states.errors import InvalidInput
from states.places import (
    AUTOMATIC,
    LIFECYCLE,
    PlaceEvent,
    PlaceStatus,
    checked_text,
    first_contacts,
    lead_time,
    parse_contact_kind,
    parse_place_steps,
    parse_requirement,
    parse_requirements,
    parse_status,
    replay_place,
    transition_problem,
)

TODAY = date(2026, 3, 2)
S = PlaceStatus
PAIRS = [(a, b) for a in PlaceStatus for b in PlaceStatus]
ASKED = {
    (S.CONTACT, S.AGREED),
    (S.CONTACT, S.CANCELLED),
    (S.AGREED, S.OPEN),
    (S.AGREED, S.CANCELLED),
    (S.OPEN, S.CANCELLED),
}


@pytest.mark.parametrize(("current", "wanted"), PAIRS)
def test_a_person_may_agree_open_and_cancel_exactly_as_the_lifecycle_says(
    current: PlaceStatus, wanted: PlaceStatus
) -> None:
    problem = transition_problem(current, wanted)
    assert (problem is None) == ((current, wanted) in ASKED)
    if problem is not None:
        assert problem.code == "place-transition"
        assert problem.params == {"from_status": current.value, "to_status": wanted.value}
        assert f"from {current.value} to {wanted.value}" in problem.message
        assert not problem.overridable


@pytest.mark.parametrize(("current", "wanted"), PAIRS)
def test_only_positions_fill_a_place_and_open_a_filled_one_again(
    current: PlaceStatus, wanted: PlaceStatus
) -> None:
    allowed = transition_problem(current, wanted, automatic=True) is None
    assert allowed == ((current, wanted) in AUTOMATIC)


def test_filling_by_hand_is_refused_saying_positions_do_it() -> None:
    problem = transition_problem(S.OPEN, S.FILLED)
    assert problem is not None
    assert "taking and releasing its positions" in problem.message


def test_a_cancelled_place_never_changes_and_a_filled_one_is_not_cancelled() -> None:
    assert LIFECYCLE[S.CANCELLED] == frozenset()
    for wanted in PlaceStatus:
        assert transition_problem(S.CANCELLED, wanted) is not None
    assert transition_problem(S.FILLED, S.CANCELLED) is not None


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("swedish:b1", "swedish:B1"),
        (" Swedish : C2 ", "swedish:C2"),
        ("english:A2", "english:A2"),
        ("driving-licence:b", "driving-licence:B"),
        ("driving-licence:CE", "driving-licence:CE"),
        ("certificate:Hygiene-2", "certificate:hygiene-2"),
        ("physical:Heavy", "physical:heavy"),
    ],
)
def test_a_requirement_from_the_vocabulary_is_spelled_one_way(text: str, canonical: str) -> None:
    assert str(parse_requirement(text)) == canonical


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("swedish", "is not KIND:VALUE"),
        ("swedish:", "is not KIND:VALUE"),
        ("swedish:B3", "has no CEFR level"),
        ("klingon:B1", "is of no known kind"),
        ("driving-licence:Z", "names no licence class"),
        ("certificate:forklift licence", "names no certificate"),
        ("physical:extreme", "is not physical:light|medium|heavy"),
    ],
)
def test_a_requirement_outside_the_vocabulary_is_bad_input_naming_it(text: str, why: str) -> None:
    with pytest.raises(InvalidInput) as error:
        parse_requirement(text)
    assert why in error.value.message
    assert error.value.params == {"field": "requires"}
    assert "--requires-note" in error.value.message


def test_requirements_are_sorted_and_each_kind_given_once() -> None:
    assert parse_requirements(
        ["physical:light", "swedish:B1", "certificate:b", "certificate:a"]
    ) == [
        "certificate:a",
        "certificate:b",
        "swedish:B1",
        "physical:light",
    ]
    with pytest.raises(InvalidInput, match="say the same thing twice"):
        parse_requirements(["swedish:B1", "swedish:A2"])
    with pytest.raises(InvalidInput, match="say the same thing twice"):
        parse_requirements(["physical:light", "physical:heavy"])


def test_a_place_is_for_workplace_steps_given_by_number_or_slug() -> None:
    assert parse_place_steps("7,2,short-practice") == [2, 7]
    assert parse_place_steps("workplace-learning") == [6]
    with pytest.raises(InvalidInput, match=r"workplace steps only .* not 1, 4"):
        parse_place_steps("1,2,4")
    with pytest.raises(InvalidInput, match="empty step"):
        parse_place_steps("2,,7")
    with pytest.raises(InvalidInput, match="unknown step"):
        parse_place_steps("12")


def test_statuses_and_contact_kinds_are_parsed_or_named_as_unknown() -> None:
    assert parse_status(" Open ") is S.OPEN
    assert parse_contact_kind("email").value == "e-mail"
    assert parse_contact_kind("Visit").value == "visit"
    with pytest.raises(InvalidInput, match="unknown place status 'closed'"):
        parse_status("closed")
    with pytest.raises(InvalidInput, match="unknown contact kind 'fax'"):
        parse_contact_kind("fax")


@pytest.mark.parametrize(
    ("text", "lines", "why"),
    [
        ("   ", False, "is empty"),
        ("x" * 121, False, "is longer than 120 characters"),
        ("tab\there", False, "control character"),
        ("two\nlines", False, "control character"),
        ("esc\x1b[31m", True, "control character"),
        ("bidi \u202e", True, "control character"),
        ("call 19980412-3389 back", True, "holds a personnummer"),
    ],
)
def test_free_text_refuses_control_characters_personnummer_and_length(
    text: str, lines: bool, why: str
) -> None:
    with pytest.raises(InvalidInput, match=why) as error:
        checked_text(text, "the note", today=TODAY, limit=120, field_name="note", lines=lines)
    assert error.value.params == {"field": "note"}


def test_free_text_keeps_line_breaks_where_allowed_and_is_stripped() -> None:
    text = checked_text(
        " Positive.\nCall back ", "the note", today=TODAY, limit=120, field_name="note", lines=True
    )
    assert text == "Positive.\nCall back"


def test_lead_time_is_the_nearest_rank_median_and_p90_of_days() -> None:
    first = date(2026, 1, 1)
    spans = [(first, date(2026, 1, 1 + days)) for days in (10, 1, 5, 30, 20)]
    found = lead_time("open", spans)
    assert (found.places, found.median_days, found.p90_days) == (5, 10, 30)
    assert lead_time("filled", []).median_days is None


def test_first_contact_is_the_earliest_since_the_workplaces_previous_place() -> None:
    contacts = {1: [date(2025, 1, 10), date(2025, 6, 1), date(2025, 12, 1)], 2: [date(2026, 2, 1)]}
    places = [
        (10, 1, date(2025, 2, 1)),  # the first place at workplace 1
        (11, 1, date(2026, 1, 15)),  # its next place: contacts after 2025-02-01 count
        (12, 2, date(2026, 1, 20)),  # recorded before its workplace's first contact
        (13, 3, date(2026, 1, 5)),  # no contact logged at all
    ]
    assert first_contacts(places, contacts) == {
        10: date(2025, 1, 10),
        11: date(2025, 6, 1),
        12: date(2026, 1, 20),
        13: date(2026, 1, 5),
    }


def _event(seq: int, kind: str, to: str | None = None) -> PlaceEvent:
    at = datetime(2026, 3, 2, tzinfo=UTC)
    return PlaceEvent(place_id=1, seq=seq, kind=kind, on=TODAY, recorded_at=at, to_status=to)


@given(st.lists(st.sampled_from(["take", "release"]), max_size=30), st.integers(1, 5))
def test_replaying_a_places_events_gives_its_status_and_positions_taken(
    actions: list[str], positions: int
) -> None:
    """The events written by taking and releasing, replayed, give the place back."""
    events = [_event(1, "created", "contact"), _event(2, "agreed", "agreed")]
    events.append(_event(3, "opened", "open"))
    status, taken = "open", 0
    for action in actions:
        seq = len(events) + 1
        if action == "take" and status == "open":
            taken += 1
            events.append(_event(seq, "taken"))
            if taken == positions:
                status = "filled"
                events.append(_event(seq + 1, "filled", status))
        elif action == "release" and taken > 0:
            taken -= 1
            events.append(_event(seq, "released"))
            if status == "filled":
                status = "open"
                events.append(_event(seq + 1, "reopened", status))
    assert replay_place(events) == (status, taken)
    assert 0 <= taken <= positions
