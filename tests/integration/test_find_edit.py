"""Finding participants and editing people and places, on SQLite and PostgreSQL: every
change logged with the change, in one transaction; nothing changed logs nothing."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import text

from pathway import directory, editing, enrolment, moves
from pathway.bootstrap import bootstrap
from pathway.context import Kivo
from pathway.errors import Refused
from pathway.finding import find_participants
from pathway.importing import import_participants
from persistence import migrate
from persistence.engine import make_engine
from states.case import Outcome
from states.errors import InvalidInput, NotFound
from states.import_rows import REQUIRED_COLUMNS
from states.search import parse_query
from tests.conftest import DEFAULT_NOW
from tests.integration.support import Staff, enrol_case, personnummer, table_contents

AMINA = personnummer("19980412", "338")
OTHER = personnummer("19850709", "123")


def names(kivo: Kivo, typed: str, **options: object) -> list[str]:
    return [f.name for f in find_participants(kivo, typed, **options).cases]  # type: ignore[arg-type]


def test_a_name_is_found_by_the_beginning_of_any_word_without_accents_or_case(
    kivo: Kivo, staff: Staff
) -> None:
    enrol_case(kivo, staff, name="Åsa Öberg")
    enrol_case(kivo, staff, name="Osa Bergström")
    enrol_case(kivo, staff, name="Lasse Åberg")
    assert names(kivo, "asa") == ["Åsa Öberg"]
    assert names(kivo, "OBERG") == ["Åsa Öberg"]
    assert names(kivo, "berg") == ["Osa Bergström"]
    assert names(kivo, "åberg lass") == ["Lasse Åberg"]
    assert names(kivo, "sa") == []


@pytest.mark.parametrize("typed", ["19980412-3389", "980412-3389", "9804123389", "199804123389"])
def test_a_personnummer_in_any_accepted_form_finds_the_case_masked(
    kivo: Kivo, staff: Staff, typed: str
) -> None:
    case_id = enrol_case(kivo, staff, name="Amina Haddad", pnr=AMINA)
    enrol_case(kivo, staff, name="Amina Haddad")
    found = find_participants(kivo, typed)
    assert found.by == "personnummer"
    assert [(f.case_id, f.personnummer) for f in found.cases] == [(case_id, "19980412-****")]


def test_my_own_cases_come_first_then_open_cases_then_by_name(kivo: Kivo, staff: Staff) -> None:
    theirs = enrol_case(kivo, staff, name="Anna Andersson")
    exited = enrolment.enrol(
        kivo, "Anna Berg", caseworker_id=staff.coordinator, on=date(2026, 1, 12)
    ).case_id
    moves.exit_case(kivo, exited, outcome=Outcome.OTHER, on=date(2026, 2, 2))
    mine = enrolment.enrol(
        kivo, "Anna Ström", caseworker_id=staff.coordinator, on=date(2026, 1, 12)
    ).case_id
    found = find_participants(kivo, "anna", by=staff.coordinator)
    assert [(f.case_id, f.mine) for f in found.cases] == [
        (mine, True),
        (exited, True),
        (theirs, False),
    ]
    assert [f.case_id for f in find_participants(kivo, "anna").cases] == [theirs, mine, exited]


def test_the_limit_cuts_the_list_and_says_more_matched(kivo: Kivo, staff: Staff) -> None:
    for number in range(5):
        enrol_case(kivo, staff, name=f"Nils Nilsson {chr(ord('a') + number)}")
    found = find_participants(kivo, "nils", limit=3)
    assert (len(found.cases), found.more) == (3, True)
    assert find_participants(kivo, "nils", limit=5).more is False
    with pytest.raises(InvalidInput):
        find_participants(kivo, "nils", limit=0)


def test_imported_participants_are_found_by_name(kivo: Kivo, staff: Staff) -> None:
    row = f"Ögonblick Ärlig;{AMINA};woman;;;Hanna Handläggare;2026-01-12;information;"
    result = import_participants(kivo, [REQUIRED_COLUMNS, row.split(";")])
    assert result.imported == 1
    assert names(kivo, "arlig") == ["Ögonblick Ärlig"]


def test_a_renamed_participant_is_found_by_the_new_name_only(kivo: Kivo, staff: Staff) -> None:
    case_id = enrol_case(kivo, staff, name="Amina Hadad")
    done = editing.edit_participant(kivo, case_id, name="Amina Haddad", by=staff.caseworker)
    assert [(c.field, c.old, c.new) for c in done.changes] == [
        ("name", "Amina Hadad", "Amina Haddad")
    ]
    assert names(kivo, "haddad") == ["Amina Haddad"]
    assert names(kivo, "hadad") == []


def test_an_edit_logs_each_changed_field_with_who_and_when(kivo: Kivo, staff: Staff) -> None:
    case_id = enrol_case(kivo, staff, name="Amina Haddad")
    done = editing.edit_participant(
        kivo,
        case_id,
        name="Amina Haddad",
        email="amina@example.se",
        phone="070-123 45 67",
        by=staff.caseworker,
    )
    assert [(c.field, c.old, c.new) for c in done.changes] == [
        ("email", None, "amina@example.se"),
        ("phone", None, "070-123 45 67"),
    ]
    listed = editing.record_changes(kivo, "participant", case_id)
    assert [(c.field, c.by, c.by_id) for c in listed.changes] == [
        ("email", "Hanna Handläggare", staff.caseworker),
        ("phone", "Hanna Handläggare", staff.caseworker),
    ]
    assert {c.recorded_at.date() for c in listed.changes} == {date(2026, 3, 2)}
    cleared = editing.edit_participant(kivo, case_id, phone="", by=staff.caseworker)
    assert [(c.field, c.old, c.new) for c in cleared.changes] == [("phone", "070-123 45 67", None)]


def test_an_edit_that_changes_nothing_logs_nothing(kivo: Kivo, staff: Staff) -> None:
    case_id = enrol_case(kivo, staff, name="Amina Haddad")
    before = table_contents(kivo.database)
    done = editing.edit_participant(kivo, case_id, name=" Amina Haddad ", by=staff.caseworker)
    assert done.changes == []
    assert table_contents(kivo.database) == before


@pytest.mark.parametrize(
    ("options", "error"),
    [
        ({}, InvalidInput),
        ({"name": "Amina\x1b]0;x\x07"}, InvalidInput),
        ({"name": f"Amina {AMINA}"}, InvalidInput),
        ({"email": "not-an-address"}, InvalidInput),
        ({"email": "amina@exa\x00mple.se"}, InvalidInput),
        ({"personnummer": OTHER, "reason": f"was {AMINA}"}, InvalidInput),
        ({"personnummer": OTHER, "reason": "typo\nthere"}, InvalidInput),
        ({"phone": "call me"}, InvalidInput),
        ({"personnummer": OTHER}, InvalidInput),  # no reason
        ({"personnummer": "19980412-3388", "reason": "typo"}, InvalidInput),
        ({"personnummer": OTHER, "reason": "typo", "by": "caseworker"}, Refused),
        ({"name": "Amina H", "by": None}, InvalidInput),
    ],
)
def test_bad_edits_are_refused_and_write_nothing(
    kivo: Kivo, staff: Staff, options: dict[str, object], error: type[Exception]
) -> None:
    case_id = enrol_case(kivo, staff, name="Amina Haddad", pnr=AMINA)
    options = dict(options)  # the parameters are shared by both databases' runs
    actors: dict[object, int | None] = {"caseworker": staff.caseworker, None: None}
    who = actors.get(options.pop("by", "coordinator"), staff.coordinator)
    before = table_contents(kivo.database)
    with pytest.raises(error):
        editing.edit_participant(kivo, case_id, by=who, **options)  # type: ignore[arg-type]
    assert table_contents(kivo.database) == before


def test_a_coordinator_corrects_a_personnummer_with_a_reason_masked_in_the_log(
    kivo: Kivo, staff: Staff
) -> None:
    case_id = enrol_case(kivo, staff, name="Amina Haddad", pnr=AMINA)
    done = editing.edit_participant(
        kivo, case_id, personnummer="850709-1232", reason="typo at intake", by=staff.coordinator
    )
    assert [(c.field, c.old, c.new, c.reason) for c in done.changes] == [
        ("personnummer", "19980412-****", "19850709-****", "typo at intake"),
        ("birth_year", "1998", "1985", "typo at intake"),
    ]
    assert find_participants(kivo, "19850709-1232").cases[0].case_id == case_id
    assert find_participants(kivo, AMINA).cases == []
    listed = editing.record_changes(kivo, "participant", case_id)
    assert "3389" not in repr(listed)
    assert "1232" not in repr(listed)


def test_a_personnummer_of_another_person_is_refused(kivo: Kivo, staff: Staff) -> None:
    enrol_case(kivo, staff, name="Amina Haddad", pnr=AMINA)
    case_id = enrol_case(kivo, staff, name="Other Person", pnr=OTHER)
    before = table_contents(kivo.database)
    with pytest.raises(Refused) as refused:
        editing.edit_participant(
            kivo, case_id, personnummer=AMINA, reason="merge", by=staff.coordinator
        )
    assert [v.code for v in refused.value.violations] == ["personnummer-taken"]
    assert table_contents(kivo.database) == before


def test_caseworker_edits_and_reactivation_are_logged(kivo: Kivo, staff: Staff) -> None:
    worker = directory.add_caseworker(kivo, "Per Persson")
    assert worker.id is not None
    with pytest.raises(Refused):
        editing.edit_caseworker(kivo, worker.id, role="coordinator", by=staff.caseworker)
    done = editing.edit_caseworker(
        kivo, worker.id, email="per@example.se", role="coordinator", by=staff.coordinator
    )
    assert [c.field for c in done.changes] == ["email", "role"]
    with pytest.raises(InvalidInput, match="active already"):
        editing.reactivate_caseworker(kivo, worker.id, by=staff.coordinator)
    from pathway.handover import deactivate_caseworker

    deactivate_caseworker(kivo, worker.id, by=staff.coordinator)
    back = editing.reactivate_caseworker(kivo, worker.id, by=staff.coordinator)
    assert [(c.field, c.old, c.new) for c in back.changes] == [("active", "false", "true")]
    assert directory.list_caseworkers(kivo)[-1].active is True


def test_supervisor_training_capacity_and_reactivation(kivo: Kivo, staff: Staff) -> None:
    trained = editing.train_supervisor(
        kivo, staff.untrained_supervisor, on=date(2026, 2, 2), by=staff.caseworker
    )
    assert [(c.field, c.old, c.new) for c in trained.changes] == [
        ("trained_on", None, "2026-02-02")
    ]
    again = editing.train_supervisor(
        kivo, staff.untrained_supervisor, on=date(2026, 2, 2), by=staff.caseworker
    )
    assert again.changes == []
    with pytest.raises(InvalidInput):
        editing.train_supervisor(kivo, staff.supervisor, on=date(2026, 3, 3), by=staff.caseworker)
    with pytest.raises(InvalidInput):
        editing.edit_supervisor(kivo, staff.supervisor, capacity=51, by=staff.caseworker)
    editing.edit_supervisor(kivo, staff.supervisor, capacity=3, by=staff.caseworker)
    directory.deactivate_supervisor(kivo, staff.supervisor)
    back = editing.reactivate_supervisor(kivo, staff.supervisor, by=staff.caseworker)
    assert [c.field for c in back.changes] == ["active"]
    loads = {s.id: s for s in directory.supervisor_loads(kivo)}
    assert (loads[staff.supervisor].capacity, loads[staff.supervisor].active) == (3, True)
    fields = [c.field for c in editing.record_changes(kivo, "supervisor", staff.supervisor).changes]
    assert fields == ["capacity", "active"]


def test_workplace_edit_and_reactivation(kivo: Kivo, staff: Staff) -> None:
    done = editing.edit_workplace(
        kivo, staff.workplace, name="Bageriet i Slite", employer="", by=staff.caseworker
    )
    assert [(c.field, c.new) for c in done.changes] == [
        ("name", "Bageriet i Slite"),
        ("employer", None),
    ]
    with pytest.raises(InvalidInput):
        editing.reactivate_workplace(kivo, staff.workplace, by=staff.caseworker)
    directory.deactivate_workplace(kivo, staff.workplace)
    editing.reactivate_workplace(kivo, staff.workplace, by=staff.caseworker)
    assert [w.active for w in directory.list_workplaces(kivo) if w.id == staff.workplace] == [True]


def test_edits_of_what_does_not_exist_are_not_found(kivo: Kivo, staff: Staff) -> None:
    with pytest.raises(NotFound):
        editing.edit_workplace(kivo, 999, name="X", by=staff.caseworker)
    with pytest.raises(NotFound):
        editing.edit_participant(kivo, 999, name="X", by=staff.caseworker)
    with pytest.raises(NotFound):
        editing.record_changes(kivo, "supervisor", 999)
    with pytest.raises(InvalidInput):
        editing.record_changes(kivo, "building", 1)


def test_the_migration_indexes_the_names_of_people_already_stored(
    empty_database_url: str,
) -> None:
    engine = make_engine(empty_database_url)
    try:
        migrate.upgrade(engine, "0010")
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO person (id, name, gender, groups) "
                    "VALUES (1, 'Åsa Öberg', 'woman', '[]')"
                )
            )
            connection.execute(
                text(
                    "INSERT INTO kivo_case (id, person_id, state, opened_on, version) "
                    "VALUES (1, 1, 'enrolled', '2026-01-12', 1)"
                )
            )
        migrate.upgrade(engine)
    finally:
        engine.dispose()
    kivo = bootstrap(empty_database_url, now=DEFAULT_NOW)
    try:
        assert [f.case_id for f in find_participants(kivo, "oberg").cases] == [1]
    finally:
        kivo.close()


def test_a_name_search_reads_the_word_index_not_every_name(kivo: Kivo, staff: Staff) -> None:
    """The plan of the search statement itself: the word's beginning is looked up in
    ``ix_person_word_prefix`` (PostgreSQL: with sequential scans off, as a small table
    would otherwise be read whole), never by reading every person or word."""
    from sqlalchemy import event

    enrol_case(kivo, staff, name="Åsa Öberg")
    statements: list[tuple[str, Any]] = []

    def record(conn: Any, cursor: Any, statement: str, params: Any, *rest: Any) -> None:
        if "person_word" in statement:
            statements.append((statement, params))

    with kivo.uow(read_only=True) as uow:
        connection = uow.session.connection()  # type: ignore[attr-defined]
        event.listen(connection, "before_cursor_execute", record)
        uow.finder.find(
            parse_query("oberg asa", today=date(2026, 3, 2)), caseworker_id=None, limit=5
        )
        event.remove(connection, "before_cursor_execute", record)
        *counts, (statement, params) = statements  # each word counted, then the search
        assert len(counts) == 2
        assert "kivo_case" in statement
        raw = connection.connection.driver_connection
        cursor = raw.cursor()
        if connection.dialect.name == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {statement}", params)
            plan = " ".join(str(row[-1]) for row in cursor.fetchall())
            assert "ix_person_word_prefix" in plan, plan
            assert "SCAN person " not in plan + " ", plan
        else:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {statement}", params)
            plan = " ".join(str(row[0]) for row in cursor.fetchall())
            assert "ix_person_word_prefix" in plan, plan
            assert "Seq Scan on person_word" not in plan, plan
