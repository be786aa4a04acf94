"""A page's reads: the case page's (``pathway.case_page``) in one unit of work with one
access-log row, the reader checked in it; the list's and Today's read use cases in one
shared read transaction (``pathway.page_reads``); on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date, datetime
from typing import Any

import pytest

from pathway import directory, enrolment, handover, moves, workspace
from pathway.audit import access_reads
from pathway.case_page import case_page
from pathway.context import Kivo
from pathway.listing import list_cases
from pathway.meetings import schedule_meeting
from pathway.notes import add_note, list_notes
from pathway.page_reads import WriteInSharedReads, page_reads
from states.errors import InactiveActor, NotFound, UnknownActor
from states.steps import Step
from tests.integration.support import Staff, fresh_personnummer


@pytest.fixture
def kivo(module_kivo: Kivo) -> Kivo:
    return module_kivo


@pytest.fixture
def staff(module_staff: Staff) -> Staff:
    return module_staff


def new_caseworker(kivo: Kivo, name: str) -> int:
    worker = directory.add_caseworker(kivo, name)
    assert worker.id is not None
    return worker.id


def enrol(kivo: Kivo, caseworker: int) -> int:
    return enrolment.enrol(
        kivo,
        "Nils Deltagare",
        personnummer=fresh_personnummer(),
        caseworker_id=caseworker,
        consent=True,
        on=date(2026, 1, 20),
    ).case_id


def logged(kivo: Kivo, staff: Staff, case_id: int) -> list[tuple[int | None, str]]:
    rows = access_reads(kivo, actor=staff.coordinator, case_id=case_id, limit=0).rows
    return [(row.caseworker_id, row.action) for row in rows]


def counting(kivo: Kivo, opened: list[bool]) -> Kivo:
    """``kivo`` whose units of work note each one entered (``True``: a writing one)."""

    def unit_of_work(*args: Any, read_only: bool = False, **kwargs: Any) -> Any:
        made = kivo.uow(*args, read_only=read_only, **kwargs)

        @contextmanager
        def entered() -> Iterator[Any]:
            opened.append(not read_only)
            with made as uow:
                yield uow

        return entered()

    return replace(kivo, uow=unit_of_work)


def test_a_case_page_is_read_in_one_transaction_that_logs_one_row(kivo: Kivo, staff: Staff) -> None:
    worker = new_caseworker(kivo, "Vera Sida")
    case_id = enrol(kivo, worker)
    moves.advance(
        kivo,
        case_id,
        Step.SHORT_PRACTICE,
        on=date(2026, 2, 2),
        workplace_id=staff.workplace,
        supervisor_id=staff.supervisor,
        programme="praktik",
        until=date(2026, 4, 30),
    )
    add_note(kivo, case_id, "Ringde om praktiken", by=worker)
    schedule_meeting(kivo, case_id, datetime(2026, 3, 10, 10, 0), by=worker)
    before = logged(kivo, staff, case_id)
    opened: list[bool] = []
    shown = case_page(counting(kivo, opened), case_id, by=worker)
    assert opened == [True]
    assert logged(kivo, staff, case_id)[len(before) :] == [(worker, "read")]
    assert (shown.reader.id, shown.reader.name) == (worker, "Vera Sida")
    assert shown.reading.view.step == Step.SHORT_PRACTICE.number
    assert [p.workplace_id for p in shown.agenda.placements] == [staff.workplace]
    assert shown.agenda.followups
    assert len(shown.agenda.meetings) == 1
    assert [n.text for n in shown.notes] == ["Ringde om praktiken"]
    assert staff.workplace in shown.workplace_names
    assert staff.supervisor in shown.supervisor_names
    assert staff.supervisor in [choice.id for choice in shown.supervisors]


def test_the_personnummer_in_full_is_logged_as_such_and_nothing_else(
    kivo: Kivo, staff: Staff
) -> None:
    worker = new_caseworker(kivo, "Vera Visar")
    case_id = enrol(kivo, worker)
    before = logged(kivo, staff, case_id)
    shown = case_page(kivo, case_id, by=worker, show_personal=True)
    assert shown.reading.view.personnummer is not None
    assert "*" not in shown.reading.view.personnummer
    assert logged(kivo, staff, case_id)[len(before) :] == [(worker, "show-personal")]


def test_a_refused_case_page_writes_nothing(kivo: Kivo, staff: Staff) -> None:
    worker, colleague = new_caseworker(kivo, "Vera Egen"), new_caseworker(kivo, "Kim Annan")
    theirs = enrol(kivo, colleague)
    leaving = new_caseworker(kivo, "Lena Slutar")
    handover.deactivate_caseworker(kivo, leaving, by=staff.coordinator)
    before = logged(kivo, staff, theirs)
    with pytest.raises(NotFound):
        case_page(kivo, theirs, by=worker)
    with pytest.raises(InactiveActor):
        case_page(kivo, theirs, by=leaving)
    with pytest.raises(UnknownActor):
        case_page(kivo, theirs, by=999_999)
    with pytest.raises(NotFound):
        case_page(kivo, 999_999, by=staff.coordinator)
    assert logged(kivo, staff, theirs) == before
    assert case_page(kivo, theirs, by=staff.coordinator).reader.coordinator


def test_a_page_s_read_use_cases_share_one_read_transaction(kivo: Kivo, staff: Staff) -> None:
    worker = new_caseworker(kivo, "Vera Lista")
    case_id = enrol(kivo, worker)
    opened: list[bool] = []
    with page_reads(counting(kivo, opened), worker) as (me, shared):
        rows = list(list_cases(shared, caseworker_id=me.id, by=me.id))
        details = workspace.row_details(shared, [row.id for row in rows], by=me.id)
        day = workspace.today_for(shared, me.id, by=me.id)
        assert workspace.active_caseworkers(shared)
    assert opened == [False]
    assert [row.id for row in rows] == [case_id]
    assert details[case_id].days_in_step == (kivo.today() - date(2026, 1, 20)).days
    assert day.day == kivo.today()


def test_a_page_s_use_cases_read_the_reader_once_and_each_still_checks_by(
    kivo: Kivo, staff: Staff
) -> None:
    from sqlalchemy import event

    worker, colleague = new_caseworker(kivo, "Vera En"), new_caseworker(kivo, "Kim Annan")
    case_id, theirs = enrol(kivo, worker), enrol(kivo, colleague)
    read: list[Any] = []

    def record(conn: Any, cursor: Any, statement: str, params: Any, *rest: Any) -> None:
        if "FROM caseworker" in statement and "WHERE caseworker.id" in statement:
            read.append(params)

    with page_reads(kivo, worker) as (me, shared):
        connection = shared.uow(read_only=True).session.connection()  # type: ignore[attr-defined]
        event.listen(connection, "before_cursor_execute", record)
        rows = list(list_cases(shared, caseworker_id=me.id, by=me.id))
        workspace.row_details(shared, [case_id], by=me.id)
        with pytest.raises(NotFound):
            workspace.row_details(shared, [theirs], by=me.id)
        with pytest.raises(UnknownActor):
            workspace.row_details(shared, [case_id], by=999_999)
        with pytest.raises(NotFound):
            workspace.row_details(shared, [case_id], by=colleague)
        event.remove(connection, "before_cursor_execute", record)
    assert [row.id for row in rows] == [case_id]
    assert len(read) == 2  # the unknown one and the colleague: the reader was read once


def test_a_write_is_refused_in_a_page_s_shared_reads_and_writes_nothing(
    kivo: Kivo, staff: Staff
) -> None:
    worker = new_caseworker(kivo, "Vera Skriver")
    case_id = enrol(kivo, worker)
    with page_reads(kivo, worker) as (me, shared), pytest.raises(WriteInSharedReads):
        add_note(shared, case_id, "Får inte skrivas här", by=me.id)
    assert list_notes(kivo, case_id) == []
    with pytest.raises(InactiveActor), page_reads(kivo, _deactivated(kivo, staff)):
        pass


def _deactivated(kivo: Kivo, staff: Staff) -> int:
    leaving = new_caseworker(kivo, "Lena Går")
    handover.deactivate_caseworker(kivo, leaving, by=staff.coordinator)
    return leaving
