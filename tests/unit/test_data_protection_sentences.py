"""Refusals of erasure, the log review and the register extract as catalogue messages:
said in Swedish for a Swedish reader, a page naming its field, English as it always was."""

from __future__ import annotations

from datetime import date

import pytest

from pathway.corrections import event_word
from pathway.extract_files import checked_format
from pathway.sentences import say
from states.erasure import KEEP_CASE_HISTORY, CaseFacts, erasure_blockers
from states.errors import InvalidInput
from states.messages import N_, Message
from states.review import WHY, parse_month
from web.messages import message_text


def test_a_month_that_is_not_one_is_refused_in_swedish_and_in_english_as_before() -> None:
    with pytest.raises(InvalidInput) as raised:
        parse_month("2026-13")

    assert raised.value.said is not None
    assert say("sv", raised.value.said) == (
        "'2026-13' är inte en månad: ange den som ÅÅÅÅ-MM, t.ex. 2026-11"
    )
    assert raised.value.message == "'2026-13' is not a month: give it as YYYY-MM, e.g. 2026-11"


def test_an_unknown_extract_format_names_the_option_on_the_cli_and_not_on_a_page() -> None:
    with pytest.raises(InvalidInput) as raised:
        checked_format("docx")

    said = raised.value.said
    assert said is not None
    assert (
        say("sv", said)
        == "--format 'docx' är inte ett format för registerutdraget: använd json eller pdf"
    )
    assert "--format" not in message_text(said, "sv")
    assert raised.value.message == "--format 'docx' is not a format of the extract: use json or pdf"


def test_the_rules_that_keep_a_persons_data_are_said_in_swedish() -> None:
    cases = [CaseFacts(1, None), CaseFacts(2, date(2026, 2, 1))]

    open_case, kept = erasure_blockers(cases, {KEEP_CASE_HISTORY: 30}, date(2026, 2, 10))

    assert open_case.said is not None
    assert kept.said is not None
    assert say("sv", open_case.said) == (
        "ärende 1 är öppet: en person raderas först när alla hens ärenden har avslutats"
    )
    assert say("sv", kept.said) == (
        "ärende 2 avslutades 2026-02-01: gallringsplanen bevarar ärendets historik 30 dagar "
        "efter avslut, till 2026-03-03"
    )
    assert kept.message == (
        "case 2 closed on 2026-02-01: the retention schedule keeps its case history 30 days "
        "after closing, until 2026-03-03"
    )


def test_an_event_in_a_correction_sentence_is_its_kind_in_english_and_a_word_in_swedish() -> None:
    sentence = Message(
        N_(
            "event {event} ({kind} on {on}) depends on it: correct that first, or record a new move"
        ),
        {"event": 5, "kind": event_word("fell_back"), "on": "2026-03-02"},
    )

    assert sentence.english().startswith("event 5 (fell back on 2026-03-02) depends on it")
    assert say("sv", sentence).startswith("händelse 5 (flyttat bakåt 2026-03-02) bygger på den")
    assert event_word("meeting_moved") == "meeting moved"


def test_every_reason_a_read_is_reviewed_has_swedish_words() -> None:
    assert {say("sv", Message(text)) for text in WHY.values()} == {
        "utanför ärendelistan",
        "läst av samordnare",
        "skyddad identitet",
        "ingen namngiven",
    }
