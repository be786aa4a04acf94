"""A report's refusals keep their sentence as a catalogue ``Message``: the CLI says it in
its reader's language naming its options, the API naming its JSON keys, and the English
is the sentence the CLI has always printed."""

from __future__ import annotations

from datetime import date

import pytest

from pathway.sentences import say
from states.errors import InvalidInput
from states.messages import Message
from states.reports import check_breakdown, check_year, period_of
from web.api.sentences import api_hint

TODAY = date(2026, 3, 2)


def said(raised: pytest.ExceptionInfo[InvalidInput]) -> Message:
    """The refusal's catalogue sentence (a refusal without one fails here)."""
    assert raised.value.said is not None
    return raised.value.said


def test_a_backwards_period_is_said_in_swedish_naming_the_options() -> None:
    with pytest.raises(InvalidInput) as raised:
        period_of(TODAY, start=date(2026, 3, 2), end=date(2026, 3, 1))
    sentence = said(raised)

    assert raised.value.message == (
        "the period starts (2026-03-02) after it ends (2026-03-01): "
        "--from must be on or before --to"
    )
    assert say("sv", sentence) == (
        "perioden börjar (2026-03-02) efter att den slutar (2026-03-01): "
        "--from måste vara samma dag som eller före --to"
    )
    assert say("en", sentence, api_hint).endswith("from must be on or before to")


def test_a_year_with_from_or_to_is_said_in_swedish() -> None:
    with pytest.raises(InvalidInput) as raised:
        period_of(TODAY, year=2026, end=TODAY)
    assert raised.value.message == "give either --year or --from/--to, not both"
    assert say("sv", said(raised)) == "ange antingen --year eller --from/--to, inte båda"


def test_a_year_out_of_range_and_an_unknown_breakdown_are_said_in_swedish() -> None:
    with pytest.raises(InvalidInput) as year:
        check_year(1066)
    with pytest.raises(InvalidInput) as breakdown:
        check_breakdown("age")
    assert say("sv", said(year)) == "året 1066 ligger utanför de år som kivo tar emot (1900–2199)"
    assert breakdown.value.message == (
        "unknown breakdown 'age': choose one of gender, group, caseworker"
    )
    assert say("sv", said(breakdown)).startswith("okänd uppdelning 'age': välj en av")
