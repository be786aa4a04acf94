"""A counted text takes the form its number takes in the reader's language: "1 case",
"2 cases"; "1 ärende", "2 ärenden". English stays the source, the singular for exactly
1, and every entry point (rule sentence, CLI, page) picks the form the same way."""

from __future__ import annotations

import pytest

from cli import speech
from pathway import sentences
from states.messages import NP_, Message
from web import page_language

CASES = NP_("{count} case", "{count} cases")


@pytest.mark.parametrize(("n", "expected"), [(0, "0 cases"), (1, "1 case"), (2, "2 cases")])
def test_a_counted_message_in_english_is_singular_only_for_one(n: int, expected: str) -> None:
    assert Message.counted(CASES, count=n).english() == expected


@pytest.mark.parametrize(
    ("lang", "n", "expected"),
    [("en", 1, "1 case"), ("en", 2, "2 cases"), ("sv", 1, "1 ärende"), ("sv", 2, "2 ärenden")],
)
def test_a_counted_message_is_said_in_the_form_of_its_number(
    lang: str, n: int, expected: str
) -> None:
    assert sentences.say(lang, Message.counted(CASES, count=n)) == expected


def test_a_counted_message_may_count_by_a_parameter_of_another_name() -> None:
    forms = NP_("{shown} of {reads} read", "{shown} of {reads} reads")
    assert Message.counted(forms, by="reads", shown=3, reads=1).english() == "3 of 1 read"
    assert Message.counted(forms, by="reads", shown=1, reads=3).english() == "1 of 3 reads"


@pytest.mark.parametrize(
    ("lang", "n", "expected"),
    [("en", 1, "1 case"), ("en", 2, "2 cases"), ("sv", 1, "1 ärende"), ("sv", 2, "2 ärenden")],
)
def test_the_cli_counts_in_its_language(
    monkeypatch: pytest.MonkeyPatch, lang: str, n: int, expected: str
) -> None:
    monkeypatch.setenv("KIVO_LANG", lang)
    speech.current.cache_clear()
    try:
        assert speech.count_words(CASES, n) == expected
    finally:
        speech.current.cache_clear()


@pytest.mark.parametrize(
    ("lang", "n", "expected"),
    [
        ("en", 1, "1 case was closed"),
        ("en", 2, "2 cases were closed"),
        ("sv", 1, "1 ärende avslutades"),
        ("sv", 2, "2 ärenden avslutades"),
    ],
)
def test_a_page_counts_in_its_language(lang: str, n: int, expected: str) -> None:
    assert page_language.counted(lang, "r_exited_during", n) == expected


def test_a_pages_counted_text_fills_its_other_fields() -> None:
    assert page_language.counted("sv", "rv_reads", 1, shown=1) == "1 av 1 läsning att granska."
    assert page_language.counted("en", "rv_reads", 3, shown=2) == "2 of 3 reads to review."
