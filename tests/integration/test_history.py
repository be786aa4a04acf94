"""The history is append-only: the database itself refuses to change or remove an event."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from pathway import moves
from pathway.bootstrap import bootstrap
from pathway.context import Kivo
from persistence.tables import CaseEventRow
from states.steps import Step
from tests.conftest import DEFAULT_NOW
from tests.integration.support import (
    Staff,
    add_staff,
    assert_history_replays_to_stored_state,
    engine_of,
    enrol_case,
    table_contents,
)


@pytest.fixture
def kivo(module_kivo: Kivo) -> Kivo:
    """One database per kind for this module: every test enrols its own participants."""
    return module_kivo


@pytest.fixture
def staff(module_staff: Staff) -> Staff:
    return module_staff


TAMPERING = {
    "rewrite a reason": "UPDATE case_event SET reason = 'nothing happened'",
    "rewrite a move": "UPDATE case_event SET to_state = 'permanent' WHERE kind = 'advanced'",
    "delete one event": "DELETE FROM case_event WHERE seq = 2",
    "delete the whole history": "DELETE FROM case_event",
}


@pytest.fixture
def case_id(kivo: Kivo, staff: Staff) -> int:
    case_id = enrol_case(kivo, staff)
    moves.advance(kivo, case_id, Step.STUDY_PREP, on=date(2026, 2, 2))
    return case_id


@pytest.mark.parametrize("statement", TAMPERING.values(), ids=TAMPERING.keys())
def test_a_raw_update_or_delete_of_an_event_fails_in_the_database(
    kivo: Kivo, case_id: int, statement: str
) -> None:
    before = table_contents(kivo.database)

    with (
        pytest.raises(DBAPIError, match="case_event is append-only"),
        engine_of(kivo.database).begin() as connection,
    ):
        connection.execute(text(statement))

    assert table_contents(kivo.database) == before
    assert_history_replays_to_stored_state(kivo, case_id)


def test_the_orm_cannot_delete_an_event_either(kivo: Kivo, case_id: int) -> None:
    before = table_contents(kivo.database)

    with pytest.raises(DBAPIError, match="append-only"):
        _delete_first_event(kivo)

    assert table_contents(kivo.database) == before


def _delete_first_event(kivo: Kivo) -> None:
    with Session(engine_of(kivo.database)) as session:
        event = session.get(CaseEventRow, 1)
        assert event is not None
        session.delete(event)
        session.commit()


def test_appending_to_the_history_is_still_allowed_after_a_refused_tampering(
    kivo: Kivo, case_id: int
) -> None:
    with pytest.raises(DBAPIError), engine_of(kivo.database).begin() as connection:
        connection.execute(text(TAMPERING["delete the whole history"]))

    moves.advance(kivo, case_id, Step.VOCATIONAL_TRAINING, on=date(2026, 2, 3))

    assert_history_replays_to_stored_state(kivo, case_id)


@pytest.mark.postgres
def test_truncating_the_history_fails_on_postgresql_where_row_triggers_do_not_fire(
    postgres_only_url: str,
) -> None:
    kivo = bootstrap(postgres_only_url, now=DEFAULT_NOW)
    try:
        enrol_case(kivo, add_staff(kivo))
        before = table_contents(postgres_only_url)

        with (
            pytest.raises(DBAPIError, match="append-only"),
            engine_of(postgres_only_url).begin() as connection,
        ):
            connection.execute(text("TRUNCATE case_event"))

        assert table_contents(postgres_only_url) == before
    finally:
        kivo.close()
