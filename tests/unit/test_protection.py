"""Protected identity: a protected person is shown by initials and nothing more, and the
monthly log review lists the reads that deserve a look."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from states.access import READ, SHOW_PERSONAL, AccessEntry
from states.errors import InvalidInput
from states.ownership import Ownership
from states.protection import MAX_LENGTH, initials, may_reveal, sees_whereabouts, shown_name
from states.review import (
    COORDINATOR,
    NO_ONE_NAMED,
    OUTSIDE_CASELOAD,
    PROTECTED_PERSON,
    month_days,
    parse_month,
    protected_at,
    reviewed,
)

SHAPE = re.compile(r"(\S\.)( \S\.)?|\?")
STOCKHOLM = ZoneInfo("Europe/Stockholm")


def test_a_name_is_shown_by_the_initials_of_its_first_and_last_word() -> None:
    assert initials("Anna Maria Öberg") == "A. Ö."
    assert initials("åsa öberg") == "Å. Ö."
    assert initials("Madonna") == "M."
    assert initials("  Karl-Erik   d'Ambrosio ") == "K. D."


def test_a_name_without_a_letter_is_shown_as_a_question_mark() -> None:
    assert initials("123 !!") == "?"


def test_the_mask_is_shown_unless_revealed_and_an_unprotected_name_as_it_is() -> None:
    assert shown_name("Anna Öberg", "A. Ö.") == "A. Ö."
    assert shown_name("Anna Öberg", "A. Ö.", reveal=True) == "Anna Öberg"
    assert shown_name("Bo Ek", None) == "Bo Ek"


@given(st.text(max_size=300))
def test_the_initials_never_tell_more_than_two_first_letters(name: str) -> None:
    shown = initials(name)
    assert SHAPE.fullmatch(shown), shown
    assert len(shown) <= MAX_LENGTH
    firsts = {next((c for c in word if c.isalpha()), "") for word in name.split()}
    allowed = firsts | {c.upper() for c in firsts}
    for letter in shown.replace(".", "").split():
        assert letter == "?" or letter in allowed


@given(st.lists(st.text(alphabet=st.characters(categories=["L"]), min_size=2), min_size=1))
def test_no_letter_after_a_words_first_is_shown(words: list[str]) -> None:
    shown = initials(" ".join(words)).replace(".", "").replace(" ", "")
    assert len(shown) <= 2
    assert shown[0] in (words[0][0], words[0][0].upper())
    assert shown[-1] in (words[-1][0], words[-1][0].upper())


class Worker:
    def __init__(self, ident: int, role: str) -> None:
        self.id, self.role = ident, role


def test_only_the_own_caseworker_and_coordinators_see_the_whereabouts_or_reveal() -> None:
    own, other = Worker(1, "caseworker"), Worker(2, "caseworker")
    coordinator = Worker(3, "coordinator")
    readers = (own, other, coordinator, None)  # None: a script naming no one
    assert [sees_whereabouts(w, 1) for w in readers] == [True, False, True, False]
    assert [may_reveal(w, 1) for w in readers] == [True, False, True, False]


@pytest.mark.parametrize("text", ["2026-13", "2026-1", "26-11", "november", "2026-11-01", ""])
def test_a_month_that_is_not_yyyy_mm_is_refused_naming_it(text: str) -> None:
    with pytest.raises(InvalidInput, match="is not a month"):
        parse_month(text)


def test_a_month_runs_from_its_first_day_to_the_first_of_the_next() -> None:
    assert parse_month("2026-12") == (2026, 12)
    assert month_days(2026, 12) == (date(2026, 12, 1), date(2027, 1, 1))


MONTH_START = datetime(2026, 11, 1, tzinfo=UTC)
WORKERS = {1: ("Anna", "caseworker"), 2: ("Bert", "caseworker"), 9: ("Cilla", "coordinator")}
# Case 10: Anna's until 5 November, Bert's from then. Case 20: Bert's.
PERIODS = {
    10: [Ownership(1, date(2026, 1, 1), date(2026, 11, 5)), Ownership(2, date(2026, 11, 5))],
    20: [Ownership(2, date(2026, 1, 1))],
}


def entry(day: int, who: int | None, case: int, action: str = READ) -> AccessEntry:
    return AccessEntry(datetime(2026, 11, day, 10, tzinfo=UTC), who, case, action)


def test_a_read_is_judged_against_the_caseload_of_its_day() -> None:
    entries = [entry(3, 1, 10), entry(6, 1, 10), entry(6, 2, 10)]
    lines = reviewed(entries, PERIODS, WORKERS, {}, STOCKHOLM)
    assert [(line.at.day, line.caseworker_id, line.why) for line in lines] == [
        (6, 1, (OUTSIDE_CASELOAD,))
    ]
    assert lines[0].caseworker == "Anna"


def test_a_coordinators_read_outside_their_caseload_is_listed_as_theirs() -> None:
    lines = reviewed([entry(6, 9, 20)], PERIODS, WORKERS, {}, STOCKHOLM)
    assert [line.why for line in lines] == [(COORDINATOR,)]


def test_every_read_of_a_protected_persons_case_is_listed_and_actions_are_not() -> None:
    entries = [entry(6, 2, 20), entry(6, None, 20, SHOW_PERSONAL), entry(6, 2, 20, "advance")]
    lines = reviewed(entries, PERIODS, WORKERS, {20: [(MONTH_START, True)]}, STOCKHOLM)
    assert [line.why for line in lines] == [(PROTECTED_PERSON,), (NO_ONE_NAMED, PROTECTED_PERSON)]


def test_a_read_counts_as_protected_while_the_protection_was_on_at_the_time() -> None:
    changes = {
        20: [(datetime(2026, 11, 5, tzinfo=UTC), True), (datetime(2026, 11, 8, tzinfo=UTC), False)]
    }
    entries = [entry(day, 2, 20) for day in (4, 6, 9)]
    lines = reviewed(entries, PERIODS, WORKERS, changes, STOCKHOLM)
    assert [(line.at.day, line.why) for line in lines] == [(6, (PROTECTED_PERSON,))]


def test_a_read_at_the_very_moment_of_a_set_or_a_lift_counts_as_protected() -> None:
    moment = datetime(2026, 11, 6, 10, tzinfo=UTC)
    assert protected_at([(moment, True), (moment, False)], moment)
    assert protected_at([(MONTH_START, True), (moment, False)], moment)
    assert not protected_at([(MONTH_START, True), (MONTH_START, False)], moment)
    assert not protected_at([(moment, True)], MONTH_START)


def test_a_scripts_read_of_an_ordinary_case_is_not_listed() -> None:
    assert reviewed([entry(6, None, 20)], PERIODS, WORKERS, {}, STOCKHOLM) == []


def test_a_read_late_in_the_evening_counts_on_its_swedish_day() -> None:
    late = AccessEntry(datetime(2026, 11, 4, 23, 30, tzinfo=UTC), 2, 10, READ)  # 5 Nov in Sweden
    assert reviewed([late], PERIODS, WORKERS, {}, STOCKHOLM) == []
