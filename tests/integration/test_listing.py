"""A case list is read a chunk at a time: the use case returns an iterator that asks the
database for one chunk when the last is used up, continues each chunk from the key of
the last row read (never by offset), and never holds more than a chunk."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import date, timedelta
from functools import cached_property
from typing import Any

import pytest

from pathway.context import Kivo
from pathway.listing import case_document, list_cases
from persistence.engine import make_engine
from persistence.list_queries import ListQueries
from persistence.unit_of_work import SqlUnitOfWork
from states.errors import InvalidInput, NotFound
from states.listing import ListedCase
from tests.integration.support import Staff, enrol_case

NAMES = ["Örjan", "Bo", "Ada", "Cecilia", "Ada", "Dan", "Eva", "Ada", "Fia", "Gun"]


class Recording(ListQueries):
    """The real queries, each chunk asked for written down as (after, offset, size, got)."""

    def __init__(self, session: Any, calls: list[tuple[Any, int, int, int]]) -> None:
        super().__init__(session)
        self.calls = calls

    def case_chunk(self, **kwargs: Any) -> list[ListedCase]:
        rows = super().case_chunk(**kwargs)
        self.calls.append((kwargs["after"], kwargs["offset"], kwargs["size"], len(rows)))
        return rows


@pytest.fixture
def cases(kivo: Kivo, staff: Staff) -> list[int]:
    start = date(2025, 6, 1)
    return [
        enrol_case(kivo, staff, name=name, on=start + timedelta(days=(7 * index) % 5))
        for index, name in enumerate(NAMES)
    ]


@pytest.fixture
def recorded(kivo: Kivo) -> Iterator[tuple[Kivo, list[tuple[Any, int, int, int]]]]:
    """kivo whose unit of work records every chunk the list reads."""
    calls: list[tuple[Any, int, int, int]] = []
    engine = make_engine(kivo.database, create=False)

    class RecordingUnitOfWork(SqlUnitOfWork):
        @cached_property
        def listing(self) -> Recording:
            return Recording(self.session, calls)

    def unit_of_work(*, read_only: bool = False) -> RecordingUnitOfWork:
        return RecordingUnitOfWork(engine, read_only=read_only)

    try:
        yield dataclasses.replace(kivo, uow=unit_of_work), calls
    finally:
        engine.dispose()


def test_a_list_reads_nothing_until_iterated_and_then_one_chunk_at_a_time(
    cases: list[int], recorded: tuple[Kivo, list[tuple[Any, int, int, int]]]
) -> None:
    kivo, calls = recorded
    listed = iter(list_cases(kivo, limit=0, chunk=3))
    assert calls == []

    ids = [next(listed).id]

    assert ids == [cases[0]]
    assert len(calls) == 1
    ids += [next(listed).id, next(listed).id]
    assert len(calls) == 1, "the second chunk is read only when the first is used up"
    ids.append(next(listed).id)
    assert len(calls) == 2
    ids += [c.id for c in listed]
    assert ids == cases
    assert [size for _, _, size, _ in calls] == [3, 3, 3, 3]
    assert [got for _, _, _, got in calls] == [3, 3, 3, 1]


def test_each_chunk_continues_from_the_key_of_the_last_row_read_not_by_offset(
    cases: list[int], recorded: tuple[Kivo, list[tuple[Any, int, int, int]]]
) -> None:
    kivo, calls = recorded

    listed = [c.id for c in list_cases(kivo, limit=0, offset=2, chunk=4)]

    assert listed == cases[2:]
    assert [(after, offset) for after, offset, _, _ in calls] == [
        (None, 2),
        ((cases[5],), 0),
        ((cases[9],), 0),
    ]


def test_a_page_reads_one_row_more_than_its_limit_to_know_whether_more_follow(
    cases: list[int], recorded: tuple[Kivo, list[tuple[Any, int, int, int]]]
) -> None:
    kivo, calls = recorded
    page = list_cases(kivo, limit=4, chunk=100)

    assert [c.id for c in page] == cases[:4]
    assert calls == [(None, 0, 5, 5)]
    assert page.more is True
    assert page.last_id == cases[3]
    assert page.count == 4

    last = list_cases(kivo, limit=4, after=cases[7], chunk=100)
    assert [c.id for c in last] == cases[8:]
    assert last.more is False


def test_a_limit_spanning_chunks_stops_at_the_limit(
    cases: list[int], recorded: tuple[Kivo, list[tuple[Any, int, int, int]]]
) -> None:
    kivo, calls = recorded
    page = list_cases(kivo, limit=5, chunk=2)

    assert [c.id for c in page] == cases[:5]
    assert page.more is True
    assert max(size for _, _, size, _ in calls) <= 2


@pytest.mark.parametrize("sort", ["id", "name", "opened"])
def test_pages_chained_by_after_give_every_case_once_in_the_sort_order(
    kivo: Kivo, cases: list[int], sort: str
) -> None:
    everything = [c.id for c in list_cases(kivo, sort=sort, limit=0)]
    paged: list[int] = []
    after = None
    while True:
        page = list_cases(kivo, sort=sort, limit=3, after=after, chunk=2)
        paged.extend(c.id for c in page)
        if not page.more:
            break
        after = page.last_id

    assert paged == everything
    assert sorted(everything) == cases
    listed = list(list_cases(kivo, sort=sort, limit=0))
    keys: list[Any] = [
        c.id if sort == "id" else (c.name if sort == "name" else c.opened_on, c.id) for c in listed
    ]
    assert keys == sorted(keys)


def test_the_listed_fields_are_those_of_the_caseload_query(kivo: Kivo, cases: list[int]) -> None:
    with kivo.uow(read_only=True) as uow:
        summaries = uow.queries.caseload()
    listed = [case_document(c) for c in list_cases(kivo, limit=0)]

    assert listed == [
        {**dataclasses.asdict(s), "opened_on": s.opened_on.isoformat()} for s in summaries
    ]


def test_filters_narrow_the_list_as_they_did(kivo: Kivo, cases: list[int], staff: Staff) -> None:
    assert [c.id for c in list_cases(kivo, status="active", limit=0)] == cases
    assert list(list_cases(kivo, status="exited", limit=0)) == []
    assert [c.id for c in list_cases(kivo, caseworker_id=staff.caseworker, limit=0)] == cases
    assert list(list_cases(kivo, step=2, limit=0)) == []


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"limit": -1}, "limit"),
        ({"offset": -5}, "offset"),
        ({"sort": "surname"}, "sort"),
        ({"status": "sleeping"}, "status"),
        ({"after": 999_999}, "after"),
    ],
)
def test_bad_paging_is_refused_before_any_row_is_read(
    cases: list[int],
    recorded: tuple[Kivo, list[tuple[Any, int, int, int]]],
    arguments: dict[str, Any],
    field: str,
) -> None:
    kivo, calls = recorded
    with pytest.raises(InvalidInput) as refused:
        list_cases(kivo, **arguments)
    assert refused.value.params["field"] == field
    assert calls == []


def test_an_unknown_caseworker_is_not_found(kivo: Kivo, cases: list[int]) -> None:
    with pytest.raises(NotFound):
        list_cases(kivo, caseworker_id=999)


def test_an_exit_filter_lists_the_exited_cases_of_a_gender_outcome_and_closing_period(
    kivo: Kivo, staff: Staff
) -> None:
    from pathway import directory, enrolment, moves
    from states.case import Outcome
    from states.listing import ExitFilter

    worker = directory.add_caseworker(kivo, "Elsa Exit").id

    def case(gender: str, outcome: Outcome | None, on: date) -> int:
        case_id = enrolment.enrol(
            kivo, "Exit Person", gender=gender, caseworker_id=worker, on=date(2026, 1, 5)
        ).case_id
        if outcome is not None:
            moves.exit_case(kivo, case_id, outcome=outcome, on=on)
        return case_id

    wanted = case("woman", Outcome.MOVED, date(2026, 2, 1))
    case("man", Outcome.MOVED, date(2026, 2, 1))
    case("woman", Outcome.DECLINED, date(2026, 2, 1))
    case("woman", Outcome.MOVED, date(2026, 2, 20))
    case("woman", None, date(2026, 2, 1))

    def ids(exited: ExitFilter) -> list[int]:
        return [c.id for c in list_cases(kivo, caseworker_id=worker, exited=exited)]

    period = {"first": date(2026, 1, 1), "last": date(2026, 2, 10)}
    assert ids(ExitFilter(gender="woman", outcome="moved", **period)) == [wanted]
    assert len(ids(ExitFilter(outcome="moved"))) == 3
    assert len(ids(ExitFilter(gender="woman"))) == 3  # exited only
    with pytest.raises(InvalidInput, match="unknown gender"):
        ids(ExitFilter(gender="robot"))
    with pytest.raises(InvalidInput, match="ends"):
        ids(ExitFilter(first=date(2026, 2, 1), last=date(2026, 1, 1)))
