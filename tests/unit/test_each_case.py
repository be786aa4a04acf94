"""Several cases, one change each (``pathway.each.each_case``) and how cases are named
(``states.case_refs``): pure, with a stand-in for the one-case use case."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pathway.each import MOVED, WOULD_MOVE, each_case
from pathway.errors import Refused
from states.case_refs import CaseRef, checked_refs, parse_case_ref
from states.errors import (
    Conflict,
    DatabaseUnavailable,
    InvalidInput,
    NotFound,
    NotInitialised,
)
from states.violations import structural


def change_refusing(
    refused: set[int], missing: set[int], calls: list[CaseRef]
) -> Callable[[CaseRef], str]:
    def change(ref: CaseRef) -> str:
        calls.append(ref)
        if ref.case_id in missing:
            raise NotFound(f"no case with id {ref.case_id}")
        if ref.case_id in refused:
            raise Refused(
                f"case {ref.case_id}: advance refused", [structural("case-paused", "paused")]
            )
        if ref.version is not None and ref.version != 1:
            raise Conflict(f"case {ref.case_id} is at version 1, not {ref.version}")
        return f"moved {ref.case_id}"

    return change


def test_every_case_is_tried_in_order_and_a_refusal_does_not_stop_the_others() -> None:
    calls: list[CaseRef] = []
    refs = [CaseRef(4), CaseRef(2), CaseRef(9), CaseRef(7, 3), CaseRef(1)]

    result = each_case(refs, change_refusing({2}, {9}, calls))

    assert calls == refs
    assert [(o.case_id, o.status) for o in result.cases] == [
        (4, MOVED),
        (2, "refused"),
        (9, "not-found"),
        (7, "conflict"),
        (1, MOVED),
    ]
    assert [o.result for o in result.cases if o.moved] == ["moved 4", "moved 1"]
    assert result.cases[1].error is not None
    assert result.cases[1].error["violations"][0]["code"] == "case-paused"
    assert result.counts() == {MOVED: 2, "refused": 1, "not-found": 1, "conflict": 1}
    assert not result.all_moved
    first = result.first_failure
    assert first is not None
    assert first.case_id == 2
    assert isinstance(first.raised, Refused)


def test_all_moved_only_when_every_case_moved_and_a_dry_run_says_would_move() -> None:
    result = each_case([CaseRef(1), CaseRef(2)], change_refusing(set(), set(), []), dry_run=True)

    assert result.all_moved
    assert result.first_failure is None
    assert [o.status for o in result.cases] == [WOULD_MOVE, WOULD_MOVE]


@pytest.mark.parametrize("error", [NotInitialised("run kivo init"), DatabaseUnavailable("gone")])
def test_an_error_of_the_whole_database_stops_at_once(error: Exception) -> None:
    calls: list[int] = []

    def change(ref: CaseRef) -> None:
        calls.append(ref.case_id)
        raise error

    with pytest.raises(type(error)):
        each_case([CaseRef(1), CaseRef(2)], change)
    assert calls == [1]


def test_an_error_that_is_no_domain_error_is_not_swallowed() -> None:
    def change(ref: CaseRef) -> None:
        raise RuntimeError("a bug")

    with pytest.raises(RuntimeError):
        each_case([CaseRef(1)], change)


@pytest.mark.parametrize(
    ("refs", "message"),
    [
        ([], "name at least one case"),
        ([CaseRef(3), CaseRef(1), CaseRef(3, 2), CaseRef(1)], "more than once: 1, 3"),
    ],
)
def test_no_cases_or_a_case_named_twice_is_bad_input_before_anything_is_tried(
    refs: list[CaseRef], message: str
) -> None:
    calls: list[CaseRef] = []

    with pytest.raises(InvalidInput, match=message):
        each_case(refs, change_refusing(set(), set(), calls))
    assert calls == []


@pytest.mark.parametrize(
    ("text", "ref"),
    [("12", CaseRef(12)), (" 12@3 ", CaseRef(12, 3)), ("7@0", CaseRef(7, 0))],
)
def test_a_case_is_named_by_its_id_and_perhaps_the_version_looked_at(
    text: str, ref: CaseRef
) -> None:
    assert parse_case_ref(text) == ref


@pytest.mark.parametrize("text", ["", "x", "12@", "@3", "12@3@4", "1.5", "-3", "12@x", "١٢"])
def test_anything_else_is_bad_input_naming_the_value(text: str) -> None:
    with pytest.raises(InvalidInput, match="is not an id"):
        parse_case_ref(text)


def test_a_personnummer_given_as_a_case_is_not_echoed() -> None:
    with pytest.raises(InvalidInput) as raised:
        parse_case_ref("19980412-3389")
    assert "3389" not in raised.value.message


@given(st.lists(st.integers(0, 10**9 - 1), min_size=1, max_size=20, unique=True))
def test_distinct_cases_are_kept_in_the_order_given(ids: list[int]) -> None:
    refs = [CaseRef(case_id) for case_id in ids]

    assert checked_refs(refs) == refs
    assert [parse_case_ref(str(case_id)).case_id for case_id in ids] == ids
