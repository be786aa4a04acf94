"""Erasure on request (GDPR art. 17), on SQLite and PostgreSQL: an erased person's name
and personnummer are found nowhere afterwards (no table, no byte of the SQLite file or its
log, no file kivo writes), the history keeps its moves under a pseudonym, and bad input
(unknown person, open case, no reason, a caseworker) is a clear sentence that writes
nothing."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import text

from pathway import editing, employers, exporting, moves, notes
from pathway.bootstrap import bootstrap
from pathway.context import Kivo
from pathway.erasure import erase_person, preview_erasure
from pathway.errors import NotPermitted, Refused
from pathway.protection import protect_participant
from persistence.driver import configure
from states.case import Outcome
from states.erasure import KEEP_CASE_HISTORY, PSEUDONYM_PREFIX
from states.errors import InvalidInput, NotFound
from states.personnummer import InvalidPersonnummer
from states.retention import default_schedule_text
from states.steps import Step
from tests.conftest import DEFAULT_NOW
from tests.integration.support import (
    Staff,
    add_staff,
    assert_history_replays_to_stored_state,
    engine_of,
    enrol_case,
    events_of,
    fresh_personnummer,
    table_contents,
    written_forms,
)

NAME = "Zelda Qvarnstrom"
REQUEST = "request 2026-0113"
CONTACT_KIND = "call"


@pytest.fixture
def staff(kivo: Kivo) -> Staff:
    return add_staff(kivo)


def _closed_case(kivo: Kivo, staff: Staff, pnr: str, *, close: bool = True) -> int:
    """A case whose history, notes and edits name the person everywhere they can."""
    case_id = enrol_case(kivo, staff, name=NAME, pnr=pnr, on=date(2026, 1, 5))
    moves.advance(kivo, case_id, Step.STUDY_PREP, on=date(2026, 1, 12), by=staff.caseworker)
    moves.fall_back(
        kivo,
        case_id,
        Step.INFORMATION,
        reason=f"{NAME} ({pnr[2:8]}-{pnr[8:]}) was ill",
        on=date(2026, 1, 19),
        by=staff.caseworker,
    )
    notes.add_note(kivo, case_id, f"Called Zelda, {pnr}", by=staff.caseworker)
    editing.edit_participant(
        kivo,
        case_id,
        email="zelda.qvarnstrom@example.org",
        phone="070-1234567",
        by=staff.caseworker,
    )
    if close:
        moves.exit_case(
            kivo, case_id, outcome=Outcome.EMPLOYED, on=date(2026, 2, 2), by=staff.caseworker
        )
    return case_id


def _traces(pnr: str) -> list[str]:
    return [NAME, "Zelda", "Qvarnstrom", "qvarnstrom", *written_forms(pnr)]


def test_an_erased_person_is_in_no_table_and_the_history_keeps_its_moves(
    kivo: Kivo, staff: Staff
) -> None:
    pnr = fresh_personnummer("19970315")
    case_id = _closed_case(kivo, staff, pnr)
    kinds_before = [(e.kind, e.on, e.from_state, e.to_state) for e in events_of(kivo, case_id)]

    done = erase_person(kivo, pnr, reason=REQUEST, by=staff.coordinator)

    assert done.pseudonym.startswith(f"{PSEUDONYM_PREFIX} ")
    assert done.case_ids == [case_id]
    assert done.counts["case_note"] == 1
    assert done.counts["person"] == 1
    everything = repr(table_contents(kivo.database))
    assert [trace for trace in _traces(pnr) if trace in everything] == []
    events = events_of(kivo, case_id)
    assert [(e.kind, e.on, e.from_state, e.to_state) for e in events[:-1]] == kinds_before
    assert events[-1].kind == "erased"
    assert all(e.reason is None for e in events)
    assert_history_replays_to_stored_state(kivo, case_id)
    with engine_of(kivo.database).connect() as connection:
        removal = connection.execute(
            text("SELECT kind, decision, case_id, by_id FROM data_removal")
        ).all()
    assert [tuple(row) for row in removal] == [
        ("erasure", f"GDPR art. 17: {REQUEST}", case_id, staff.coordinator)
    ]


@pytest.fixture
def sqlite_kivo(sqlite_url: str) -> Iterator[Kivo]:
    kivo = bootstrap(sqlite_url, now=DEFAULT_NOW)
    yield kivo
    kivo.close()


def test_an_erased_personnummer_and_name_are_in_no_byte_of_the_file_its_log_or_an_export(
    sqlite_kivo: Kivo, tmp_path: Path
) -> None:
    kivo, staff = sqlite_kivo, add_staff(sqlite_kivo)
    pnr = fresh_personnummer("19880229")
    others = [enrol_case(kivo, staff, name="Olle Kvar", on=date(2026, 1, 5)) for _ in range(2)]
    notes.add_note(kivo, others[0], "Olle called about the bakery", by=staff.caseworker)
    _closed_case(kivo, staff, pnr)
    notes.add_note(kivo, others[1], "Olle starts on Monday", by=staff.caseworker)
    database = Path(kivo.database.removeprefix("sqlite:///"))
    with closing(sqlite3.connect(database)) as settled:  # the data has been in the file a while
        settled.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert NAME.encode() in database.read_bytes()  # there to be erased

    done = erase_person(kivo, str(_person_id(kivo, pnr)), reason=REQUEST, by=staff.coordinator)

    assert done.settled
    exported = [
        exporting.export(kivo, kind, tmp_path / f"{kind}.csv", show_personal=True).path
        for kind in ("cases", "events", "followups", "placements")
    ]
    files = [database, Path(f"{database}-wal"), *map(Path, exported)]
    written = b"".join(path.read_bytes() for path in files if path.exists())
    found = [t for t in _traces(pnr) if t.encode() in written or t.lower().encode() in written]
    assert found == []
    assert done.pseudonym.encode() in Path(exported[0]).read_bytes()


def test_every_kivo_connection_to_sqlite_zeroes_what_it_deletes() -> None:
    """Some builds of SQLite default to leaving deleted content in free space: kivo's
    connections never do, whatever the build."""
    with closing(sqlite3.connect(":memory:")) as connection:
        connection.execute("PRAGMA secure_delete=OFF")
        configure(connection)
        assert connection.execute("PRAGMA secure_delete").fetchone() == (1,)


def _person_id(kivo: Kivo, pnr: str) -> int:
    with engine_of(kivo.database).connect() as connection:
        found = connection.execute(
            text("SELECT id FROM person WHERE personnummer = :p"), {"p": pnr}
        ).scalar_one()
    return int(found)


def test_an_employer_contact_loses_the_whole_name_and_keeps_another_persons(
    kivo: Kivo, staff: Staff
) -> None:
    pnr = fresh_personnummer("19900101")
    _closed_case(kivo, staff, pnr)
    note = f"Talked about {NAME} and Zelda Andersson"
    employers.record_contact(
        kivo,
        staff.workplace,
        on=date(2026, 2, 3),
        kind=CONTACT_KIND,
        note=note,
        by=staff.caseworker,
    )

    done = erase_person(kivo, pnr, reason=REQUEST, by=staff.coordinator)

    with engine_of(kivo.database).connect() as connection:
        notes_now = connection.execute(text("SELECT note FROM employer_contact")).scalars().all()
    assert notes_now == [f"Talked about {done.pseudonym} and Zelda Andersson"]
    assert done.counts["employer_contact"] == 1


def test_a_second_erasure_of_the_same_person_is_bad_input(kivo: Kivo, staff: Staff) -> None:
    pnr = fresh_personnummer("19900101")
    _closed_case(kivo, staff, pnr)
    person_id = _person_id(kivo, pnr)
    erase_person(kivo, str(person_id), reason=REQUEST, by=staff.coordinator)
    before = table_contents(kivo.database)

    with pytest.raises(InvalidInput, match=f"person {person_id} was erased on 2026-03-02"):
        erase_person(kivo, str(person_id), reason=REQUEST, by=staff.coordinator)

    assert table_contents(kivo.database) == before


def test_the_preview_names_the_cases_and_the_rules_that_keep_the_data(
    kivo: Kivo, staff: Staff
) -> None:
    pnr = fresh_personnummer("19900101")
    case_id = _closed_case(kivo, staff, pnr, close=False)

    seen = preview_erasure(kivo, pnr, by=staff.coordinator)

    assert (seen.name, seen.case_ids, seen.erasable) == (NAME, [case_id], False)
    assert [v.code for v in seen.blockers] == ["erasure-open-case"]


BAD_INPUT = [
    ("unknown person", NotFound, "no person with id 999999"),
    ("open case", Refused, r"case \d+ is open: a person is erased only when every case"),
    ("no reason", InvalidInput, "an erasure needs the request it answers: give --reason"),
    ("caseworker", NotPermitted, "only a coordinator may erase a person"),
    ("retention", Refused, r"the retention schedule keeps its case history 365 days"),
    ("malformed personnummer", InvalidPersonnummer, "personnummer"),
    ("personnummer in the reason", InvalidInput, "the reason must not hold a personnummer"),
]


@pytest.mark.parametrize(("what", "error", "message"), BAD_INPUT, ids=[b[0] for b in BAD_INPUT])
def test_bad_input_is_a_clear_sentence_and_writes_nothing(
    kivo: Kivo, staff: Staff, what: str, error: type[Exception], message: str
) -> None:
    pnr = fresh_personnummer("19900101")
    _closed_case(kivo, staff, pnr, close=what != "open case")
    person, reason, by = pnr, REQUEST, staff.coordinator
    keep = {KEEP_CASE_HISTORY: 365} if what == "retention" else None
    if what == "unknown person":
        person = "999999"
    elif what == "no reason":
        reason = "   "
    elif what == "caseworker":
        by = staff.caseworker
    elif what == "malformed personnummer":
        person = "19900101-0000"
    elif what == "personnummer in the reason":
        reason = f"letter from {pnr}"
    before = table_contents(kivo.database)

    with pytest.raises(error, match=message) as raised:
        erase_person(kivo, person, reason=reason, by=by, keep=keep)

    assert table_contents(kivo.database) == before
    assert pnr not in str(raised.value)


def test_the_organisations_retention_schedule_keeps_a_closed_history_from_erasure(
    kivo: Kivo, staff: Staff, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    schedule = tmp_path / "gallringsplan.toml"
    text = default_schedule_text().replace(
        '[records.history]\nkeep = "10 years"', '[records.history]\nkeep = "1 year"'
    )
    assert 'keep = "1 year"\naction = "archive"' in text
    schedule.write_text(text, encoding="utf-8")
    monkeypatch.setenv("KIVO_RETENTION", str(schedule))
    pnr = fresh_personnummer("19900101")
    _closed_case(kivo, staff, pnr)
    before = table_contents(kivo.database)

    with pytest.raises(Refused, match="the retention schedule keeps its case history 365 days"):
        erase_person(kivo, pnr, reason=REQUEST, by=staff.coordinator)

    assert table_contents(kivo.database) == before
    monkeypatch.delenv("KIVO_RETENTION")  # the shipped default has no minimum
    erase_person(kivo, pnr, reason=REQUEST, by=staff.coordinator)


def test_an_erased_protected_person_keeps_no_initials_of_their_name(
    kivo: Kivo, staff: Staff
) -> None:
    pnr = fresh_personnummer("19900101")
    case_id = _closed_case(kivo, staff, pnr)
    protect_participant(kivo, case_id, reason="skyddade personuppgifter", by=staff.coordinator)

    erase_person(kivo, pnr, reason=REQUEST, by=staff.coordinator)

    with engine_of(kivo.database).connect() as connection:
        row = connection.execute(
            text(
                "SELECT p.name, p.protected_initials FROM person p "
                "JOIN kivo_case c ON c.person_id = p.id WHERE c.id = :case"
            ),
            {"case": case_id},
        ).one()
    assert row[0].startswith("Raderad ")
    assert row[1] is None
