"""The list commands' own refusals and words: English as they always were, Swedish from
the catalogue, and a word for every status the domain has."""

from __future__ import annotations

import pytest

from cli.listing import choose_format, page_of
from cli.meeting_commands import MEETING_STATUSES
from cli.several import EACH_STATUSES, single
from pathway.language import text
from pathway.sentences import say
from states.agenda import MEETING_STATUSES as STORED_MEETING_STATUSES
from states.case_refs import CaseRef
from states.errors import InvalidInput
from states.messages import Message


def test_continuing_after_a_row_not_in_the_list_is_said_in_english_and_swedish() -> None:
    with pytest.raises(InvalidInput) as raised:
        page_of([1, 2], 10, 0, 5, lambda row: row, "meeting")
    error = raised.value
    assert error.message == "--after 5: there is no meeting 5 in this list to continue after"
    assert say("sv", error.said or Message("")) == (
        "--after 5: möte 5 finns inte i listan att fortsätta efter"
    )


def test_choosing_both_json_and_csv_is_refused_in_the_readers_language() -> None:
    with pytest.raises(InvalidInput) as raised:
        choose_format(True, True)
    assert raised.value.message == "choose one of --json and --csv"
    assert say("sv", raised.value.said or Message("")) == "välj ett av --json och --csv"


def test_every_stored_meeting_status_has_a_swedish_word() -> None:
    assert set(MEETING_STATUSES) == set(STORED_MEETING_STATUSES)
    swedish = {text("sv", word) for word in MEETING_STATUSES.values()}
    assert swedish == {"bokat", "genomfört", "uteblev", "inställt"}


def test_each_several_cases_status_reads_as_swedish() -> None:
    for status, word in EACH_STATUSES.items():
        assert text("sv", word) != word, status
    assert text("sv", EACH_STATUSES["not-found"]) == "finns inte"


def test_giving_a_version_twice_is_refused_in_swedish_too() -> None:
    with pytest.raises(InvalidInput) as raised:
        single([CaseRef(3, 2)], 2)
    assert raised.value.message == (
        "give the version once: CASE@VERSION or --expect-version, not both"
    )
    assert say("sv", raised.value.said or Message("")) == (
        "ange versionen en gång: CASE@VERSION eller --expect-version, inte båda"
    )
