"""Free text: control characters refused at input, shown escaped at output."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from states.errors import InvalidInput
from states.text import cell_shown, checked_text, json_shown, shown, text_problem, unsafe_char


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("a\x1b[2Jb", "contains an escape (\\x1b)"),
        ("a\rb", "contains a carriage return"),
        ("a\x9bb", "contains a control character (\\x9b)"),
        ("a\x7fb", "contains a delete"),
        ("a\u202eb", "contains a text-direction override (\\u202e)"),
        ("a\u2028b", "contains a control character (\\u2028)"),
        ("a\nb", "contains a line break"),
    ],
)
def test_a_control_character_in_one_line_text_is_named(text: str, says: str) -> None:
    problem = text_problem(text)
    assert problem is not None
    assert problem.startswith(says)


def test_tabs_joiners_and_letters_of_every_script_are_plain_text() -> None:
    for text in ("Åsa\tÖberg", "می\u200cخواهم", "Zoë Ñúñez", "李小龙", "🙂"):
        assert text_problem(text) is None


def test_a_line_break_is_allowed_where_the_field_allows_several_lines() -> None:
    assert text_problem("first\nsecond", multiline=True) is None
    assert text_problem("first\r\nsecond", multiline=True) is not None


def test_checked_text_names_the_field() -> None:
    with pytest.raises(InvalidInput) as raised:
        checked_text("x\x1b", "--reason")
    assert raised.value.message.startswith("--reason contains an escape")
    assert raised.value.params == {"field": "reason"}


@given(st.text())
def test_shown_text_holds_nothing_a_terminal_acts_on(text: str) -> None:
    assert unsafe_char(shown(text), multiline=True) is None
    assert unsafe_char(shown(text, multiline=False)) is None


@given(st.text())
def test_shown_text_is_unchanged_when_it_was_plain(text: str) -> None:
    if unsafe_char(text, multiline=True) is None:
        assert shown(text) == text


@given(st.recursive(st.text(), lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner)))
def test_json_shown_holds_no_raw_control_and_reads_back_the_same(value: object) -> None:
    document = json_shown(json.dumps(value, ensure_ascii=False))
    assert unsafe_char(document, multiline=True) is None
    assert json.loads(document) == value


@given(st.text())
def test_an_xlsx_cell_never_holds_a_character_openpyxl_refuses(text: str) -> None:
    assert ILLEGAL_CHARACTERS_RE.search(cell_shown(text)) is None
