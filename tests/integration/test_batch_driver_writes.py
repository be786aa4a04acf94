"""The move pipeline's writes and reads that go straight to the driver
(``persistence.pipeline_store``: ``save_cases``, ``append_events``, ``load``; and
``events.for_cases``) store and give back exactly what the ORM paths store and give, on
SQLite and PostgreSQL:
the same stored values (dates, moments in UTC, JSON text), read back the same by the
ORM repositories."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from pathway.context import Kivo
from states.records import CaseEvent
from tests.integration.support import Staff, engine_of, enrol_case

STOCKHOLM = ZoneInfo("Europe/Stockholm")
MOVED_ON = date(2026, 2, 16)


def _stored_row(kivo: Kivo, statement: str, ident: int) -> tuple[Any, ...]:
    """A row as the driver returns it (on SQLite: the stored text itself)."""
    marker = "?" if kivo.database.startswith("sqlite") else "%s"
    with engine_of(kivo.database).connect() as connection:
        row = connection.exec_driver_sql(f"{statement} {marker}", (ident,)).one()
    return tuple(row)


def _event(case_id: int, recorded_at: datetime) -> CaseEvent:
    return CaseEvent(
        case_id=case_id,
        kind="advanced",
        on=MOVED_ON,
        recorded_at=recorded_at,
        from_state="enrolled",
        to_state="information",
        actor_id=None,
        reason="Åsa bytte steg",
        warnings=[{"code": "late", "message": "för sent – 3 dagar", "days": 3}],
        overrides=["capacity"],
        data={"programme": "pis", "until": None, "nested": {"ö": [1, 2.5, True]}},
    )


EVENT_COLUMNS = (
    'SELECT kind, from_state, to_state, "on", recorded_at, actor_id, reason, warnings, '
    "overrides, data FROM case_event WHERE id ="
)
CASE_COLUMNS = (
    "SELECT state, step, paused_from, caseworker_id, opened_on, closed_on, outcome, "
    "consent_on, last_move_on, version FROM kivo_case WHERE id ="
)


def test_events_appended_in_a_batch_are_stored_exactly_as_a_single_append_stores_them(
    kivo: Kivo, staff: Staff
) -> None:
    single, batched = enrol_case(kivo, staff, name="Ensam"), enrol_case(kivo, staff, name="Grupp")
    moment = datetime(2026, 2, 16, 10, 15, 30, 123456, tzinfo=STOCKHOLM)  # not UTC
    with kivo.uow() as uow:
        alone = uow.events.append(_event(single, moment))
        many = [_event(batched, moment), _event(batched, moment + timedelta(seconds=1))]
        uow.pipeline.append_events(many)
        uow.commit()

    with kivo.uow(read_only=True) as uow:
        stored = {e.seq: e for e in uow.events.for_case(batched)}
        assert sorted(stored) == [1, 2, 3, 4], "numbered after the case's own, in order"
        history_alone = uow.events.for_case(single)
        lone = {e.seq: e for e in history_alone}[alone.seq]
        read_together = uow.events.for_cases([single, batched])
    first, second = stored[3], stored[4]
    assert first.id is not None
    assert lone.id is not None
    assert _stored_row(kivo, EVENT_COLUMNS, first.id) == _stored_row(kivo, EVENT_COLUMNS, lone.id)
    assert (first.recorded_at, first.recorded_at.utcoffset()) == (moment, timedelta(0))
    assert second.recorded_at == moment + timedelta(seconds=1)
    assert (first.warnings, first.overrides, first.data, first.reason) == (
        lone.warnings,
        lone.overrides,
        lone.data,
        "Åsa bytte steg",
    )
    assert first.data["nested"] == {"ö": [1, 2.5, True]}
    assert read_together == {single: history_alone, batched: list(stored.values())}


def test_cases_saved_in_a_batch_are_stored_exactly_as_a_single_save_stores_them(
    kivo: Kivo, staff: Staff
) -> None:
    single, batched = enrol_case(kivo, staff, name="Ensam"), enrol_case(kivo, staff, name="Grupp")
    with kivo.uow() as uow:
        alone = uow.cases.get(single)
        together = uow.pipeline.load([batched])[batched][0]
        for case in (alone, together):
            case.state, case.last_move_on = "information", MOVED_ON
            case.closed_on, case.outcome = date(2026, 3, 1), "job"
        uow.cases.save(alone)
        uow.pipeline.save_cases([together])
        uow.commit()

    assert _stored_row(kivo, CASE_COLUMNS, batched) == _stored_row(kivo, CASE_COLUMNS, single)
    with kivo.uow(read_only=True) as uow:
        reread, lone = uow.cases.get(batched), uow.cases.get(single)
        loaded = uow.pipeline.load([batched, single])
        assert {i: case for i, (case, _, _, _) in loaded.items()} == {batched: reread, single: lone}
        person = uow.people.get(reread.person_id)
        assert loaded[batched][1] == person
    assert (reread.state, reread.last_move_on, reread.closed_on, reread.outcome) == (
        "information",
        MOVED_ON,
        date(2026, 3, 1),
        "job",
    )
    assert reread.version == together.version == lone.version


def test_a_moment_recorded_in_utc_reads_back_as_the_same_instant(kivo: Kivo, staff: Staff) -> None:
    case_id = enrol_case(kivo, staff)
    moment = datetime(2026, 2, 16, 23, 59, 59, 999999, tzinfo=UTC)
    with kivo.uow() as uow:
        uow.pipeline.append_events([_event(case_id, moment)])
        uow.commit()

    with kivo.uow(read_only=True) as uow:
        last = uow.events.for_cases([case_id])[case_id][-1]
    assert last.recorded_at == moment
    assert last.recorded_at.utcoffset() == timedelta(0)
