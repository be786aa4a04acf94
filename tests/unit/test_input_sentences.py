"""Refusals of bad input carry a catalogue sentence (``error.said``): said in Swedish
for a Swedish reader, in English exactly as before, a personnummer always masked."""

from __future__ import annotations

from datetime import date

import pytest

from cli.options import NOT_A_DATE
from pathway.sentences import say
from pathway.targets import validity
from states.case_refs import CaseRef, checked_refs, parse_case_ref
from states.errors import InvalidInput, KivoError, NotFound
from states.import_rows import REQUIRED_COLUMNS, RowProblem, parse_row, read_header
from states.messages import Message
from states.names import checked_name
from states.personnummer import luhn_check_digit, parse_personnummer
from states.programmes import Programme
from states.relative_dates import FORMS
from states.search import parse_query
from states.steps import parse_step
from states.text import checked_text
from states.violations import structural
from web.bulk import reason_of
from web.messages import message_text

TODAY = date(2026, 3, 2)
NUMBER = "19900101-000" + str(luhn_check_digit("900101000"))
WRONG = NUMBER[:-1] + str((int(NUMBER[-1]) + 1) % 10)


def refusal(raising: object, *args: object, **kwargs: object) -> KivoError:
    assert callable(raising)
    with pytest.raises(KivoError) as caught:
        raising(*args, **kwargs)
    assert caught.value.said is not None, "the refusal keeps its catalogue sentence"
    assert caught.value.said.english() == caught.value.message
    return caught.value


def swedish(error: KivoError) -> str:
    assert error.said is not None
    return say("sv", error.said)


def test_a_wrong_check_digit_is_said_in_swedish_with_the_number_masked() -> None:
    error = refusal(parse_personnummer, WRONG, today=TODAY)
    expected = luhn_check_digit("900101000")
    assert error.message == f"personnummer 19900101-****: check digit should be {expected}"
    assert swedish(error) == f"personnummer 19900101-****: kontrollsiffran ska vara {expected}"
    assert WRONG not in swedish(error)


def test_a_malformed_and_a_future_personnummer_are_said_in_swedish() -> None:
    malformed = refusal(parse_personnummer, "12", today=TODAY)
    assert malformed.message.endswith("YYYYMMDD-NNNC or YYYYMMDDNNNC")
    assert "eller ÅÅÅÅMMDDNNNK" in swedish(malformed)
    coordination = refusal(parse_personnummer, "19900192-0000", today=TODAY)
    assert coordination.message == (
        "personnummer 19900192-****: 1990-01-32 is not a date (samordningsnummer day 92 minus 60)"
    )
    assert "är inte ett datum" in swedish(coordination)


def test_a_name_holding_a_personnummer_names_the_field_on_a_page_and_the_option_in_the_cli() -> (
    None
):
    error = refusal(checked_name, f"Bo {NUMBER}", "a participant", today=TODAY)
    assert error.message == (
        "a participant's name holds a personnummer: names are shown in full, so give the "
        "number only where it is asked for (--personnummer, the personnummer column)"
    )
    assert swedish(error).startswith("deltagarens namn innehåller ett personnummer: ")
    assert error.said is not None
    assert message_text(error.said, "sv").endswith("(fältet Personnummer)")


def test_an_empty_name_of_some_other_kind_is_still_said_in_swedish() -> None:
    error = refusal(checked_name, " ", "a coach", today=TODAY)
    assert error.message == "a coach's name is empty"
    assert swedish(error) == "namnet på a coach saknar text"


def test_an_unknown_step_is_said_in_swedish() -> None:
    error = refusal(parse_step, "nowhere")
    assert error.message.startswith("unknown step 'nowhere': give a number 1–9 or one of: 1 ")
    assert swedish(error).startswith("okänt steg 'nowhere': ange ett nummer 1–9 eller ett av: 1 ")


def test_search_and_case_reference_refusals_are_said_in_swedish() -> None:
    assert swedish(refusal(parse_query, "  ", today=TODAY)).startswith("söktexten är tom")
    assert swedish(refusal(parse_query, "a b c d e f g", today=TODAY)) == (
        "ange högst 6 ord av ett namn"
    )
    assert swedish(refusal(parse_case_ref, "x")).startswith("'x' är inte ett id")
    twice = refusal(checked_refs, [CaseRef(3), CaseRef(3)])
    assert twice.message == "each case may be named once; named more than once: 3"
    assert swedish(twice) == "varje ärende får anges en gång; angivna mer än en gång: 3"


def test_a_control_character_is_named_in_swedish() -> None:
    error = refusal(checked_text, "a\x1bb", "--reason")
    assert error.message == "--reason contains an escape (\\x1b): type plain text"
    assert swedish(error) == "--reason innehåller ett escape-tecken (\\x1b): skriv vanlig text"


def test_a_bad_import_row_keeps_every_problem_in_english_and_says_them_in_swedish() -> None:
    header = read_header(list(REQUIRED_COLUMNS))
    cells = ["", WRONG, "man", "", "", "", "2026-02-30", "practice", ""]
    row = parse_row(cells, 2, header, today=TODAY, caseworkers={})
    assert isinstance(row, RowProblem)
    expected = luhn_check_digit("900101000")
    assert row.reason == (
        f"name is empty; invalid personnummer 19900101-****: check digit should be {expected}; "
        "enrolled_on '2026-02-30' is not a real date in the form YYYY-MM-DD; "
        "unknown step 'practice': give 1-9 or a slug such as information"
    )
    assert row.said is not None
    assert row.said.english() == row.reason
    assert say("sv", row.said) == (
        "namnet saknar text; ogiltigt personnummer 19900101-****: kontrollsiffran ska vara "
        f"{expected}; enrolled_on '2026-02-30' är inte ett verkligt datum på formen "
        "ÅÅÅÅ-MM-DD; okänt steg 'practice': ange 1-9 eller ett kortnamn som information"
    )


def test_a_header_missing_columns_is_said_in_swedish() -> None:
    error = refusal(read_header, ["name"])
    assert error.message.startswith("line 1 (the header): missing column(s) personnummer, ")
    assert swedish(error).startswith("rad 1 (rubrikraden): kolumn(er) saknas: personnummer, ")


def test_the_date_option_sentence_names_the_forms_relative_dates_accepts() -> None:
    forms = FORMS.removeprefix("YYYY-MM-DD, ")
    english = Message(NOT_A_DATE, {"what": "on", "text": "'x'"}).english()
    assert english == f"on 'x' is not a real date in the form YYYY-MM-DD (or: {forms})"


def test_a_programmes_validity_reads_as_before_in_english() -> None:
    open_ended = Programme(
        code="X",
        name_sv="X",
        name_en="X",
        steps=frozenset({2}),
        default_days=None,
        max_total_days=90,
        max_decision_days=90,
        valid_from=date(2014, 1, 15),
    )
    assert validity(open_ended) == "decisions from 2014-01-15 until further notice"


def test_a_bulk_reason_is_each_violation_in_the_pages_language() -> None:
    said = Message("caseworker {caseworker} is inactive", {"caseworker": 4})
    refused = InvalidInput("two rules")
    refused.violations = (structural("a", said), structural("b", "the case has exited"))  # type: ignore[attr-defined]
    reason = reason_of(refused)
    assert isinstance(reason, Message)
    assert reason.english() == "caseworker 4 is inactive; the case has exited"
    assert message_text(reason, "sv") == "handläggare 4 är inaktiv; ärendet är avslutat"
    assert reason_of(InvalidInput("plain")) == "plain"
    unknown = reason_of(NotFound.with_id("case", 9))
    assert isinstance(unknown, Message)
    assert message_text(unknown, "sv") == "inget ärende med id 9"
