"""Finding a participant by what a person types: folded names and personnummer."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from states.changes import changed
from states.errors import InvalidInput
from states.personnummer import InvalidPersonnummer
from states.search import fold, matches, name_words, parse_query

TODAY = date(2026, 3, 2)


@pytest.mark.parametrize(
    ("name", "folded"),
    [
        ("Åsa Öberg", "asa oberg"),
        ("ÄNGELHOLM", "angelholm"),
        ("Zoë Ødegård", "zoe odegard"),
        ("Strauß", "strauss"),
        ("Łukasz Wałęsa", "lukasz walesa"),
        ("Ærø", "aero"),
        ("Ｆｕｌｌｗｉｄｔｈ", "fullwidth"),
    ],
)
def test_folding_takes_away_accents_and_case(name: str, folded: str) -> None:
    assert fold(name) == folded


def test_a_name_is_kept_as_its_distinct_folded_words() -> None:
    assert name_words("Anna-Karin  O'Brien Anna") == ["anna", "karin", "obrien"]


@pytest.mark.parametrize("typed", ["asa", "oberg", "ÅSA", "Öb", "as ob", "öberg åsa"])
def test_asa_oberg_is_found_by_the_beginning_of_any_word_without_accents(typed: str) -> None:
    query = parse_query(typed, today=TODAY)
    assert matches(list(query.words), "Åsa Öberg")


@pytest.mark.parametrize("typed", ["berg", "sa", "asa x", "obergs"])
def test_a_word_that_begins_no_word_of_the_name_does_not_match(typed: str) -> None:
    assert not matches(list(parse_query(typed, today=TODAY).words), "Åsa Öberg")


@pytest.mark.parametrize(
    "typed", ["19980412-3389", "980412-3389", "9804123389", "199804123389", " 980412-3389 "]
)
def test_a_personnummer_in_any_accepted_form_is_looked_up_as_its_twelve_digits(
    typed: str,
) -> None:
    query = parse_query(typed, today=TODAY)
    assert (query.personnummer, query.words) == ("199804123389", ())


def test_a_number_that_is_no_valid_personnummer_is_bad_input_and_not_echoed() -> None:
    with pytest.raises(InvalidPersonnummer) as error:
        parse_query("19980412-3388", today=TODAY)
    assert "3388" not in error.value.message


@pytest.mark.parametrize("typed", ["", "   ", "--", "x" * 201, "a b c d e f g"])
def test_an_empty_or_oversized_search_is_bad_input(typed: str) -> None:
    with pytest.raises(InvalidInput):
        parse_query(typed, today=TODAY)


@given(st.text(min_size=1, max_size=40))
def test_folding_twice_changes_nothing_more(text: str) -> None:
    assert fold(fold(text)) == fold(text)


@given(st.lists(st.text(st.characters(categories=["L"]), min_size=1, max_size=12), min_size=1))
def test_every_name_is_found_by_each_of_its_own_words(words: list[str]) -> None:
    name = " ".join(words)
    for word in name_words(name):
        assert matches([word], name)


def test_a_change_is_logged_only_for_the_fields_whose_value_differs() -> None:
    at = datetime(2026, 3, 2, 9)
    lines = changed(
        "person",
        1,
        {"name": "Asa", "email": None, "phone": "070"},
        {"name": "Åsa", "email": None, "phone": "070"},
        at=at,
        actor_id=2,
    )
    assert [(c.field_name, c.old_value, c.new_value) for c in lines] == [("name", "Asa", "Åsa")]
    assert changed("person", 1, {"name": "Åsa"}, {"name": "Åsa"}, at=at, actor_id=2) == []


def test_dates_and_flags_are_logged_as_text() -> None:
    at = datetime(2026, 3, 2, 9)
    lines = changed(
        "supervisor",
        1,
        {"trained_on": None, "active": False},
        {"trained_on": date(2026, 2, 2), "active": True},
        at=at,
        actor_id=None,
    )
    assert [(c.old_value, c.new_value) for c in lines] == [(None, "2026-02-02"), ("false", "true")]
