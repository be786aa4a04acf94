"""Helpers for the integration tests: staff, personnummer, whole-database snapshots,
and reading back what a use case stored (bypassing the use cases that wrote it)."""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, inspect, text
from sqlalchemy.pool import NullPool
from sqlmodel import Session, col, select

from pathway import directory, enrolment
from pathway.context import Kivo
from persistence.tables import CaseEventRow, CaseRow, PlacementRow
from states.errors import KivoError
from states.personnummer import luhn_check_digit
from states.replay import Replayed, ReplayError, replay
from states.ruleset import default_rules_text

TODAY = date(2026, 3, 2)  # the day of tests.conftest.DEFAULT_NOW, in Sweden
TRAINED_ON = date(2025, 9, 1)
MOVE_KINDS = ("advanced", "fell_back", "paused", "resumed", "exited")


@dataclass(frozen=True)
class Staff:
    coordinator: int
    caseworker: int
    workplace: int
    supervisor: int  # trained, works at ``workplace``; room for many (modules share it)
    untrained_supervisor: int  # works at ``workplace``
    other_workplace: int
    other_supervisor: int  # trained, works at ``other_workplace``


def add_staff(kivo: Kivo) -> Staff:
    coordinator = directory.add_caseworker(kivo, "Cecilia Samordnare", role="coordinator")
    caseworker = directory.add_caseworker(kivo, "Hanna Handläggare")
    workplace = directory.add_workplace(kivo, "Bageriet i Visby", employer="Bageriet AB")
    other = directory.add_workplace(kivo, "Vården Norr", employer="Region Gotland")
    trained = directory.add_supervisor(
        kivo, "Sven Handledare", workplace_id=_id(workplace.id), trained_on=TRAINED_ON, capacity=50
    )
    untrained = directory.add_supervisor(kivo, "Ulla Otränad", workplace_id=_id(workplace.id))
    elsewhere = directory.add_supervisor(
        kivo, "Olle Annanstans", workplace_id=_id(other.id), trained_on=TRAINED_ON, capacity=50
    )
    return Staff(
        coordinator=_id(coordinator.id),
        caseworker=_id(caseworker.id),
        workplace=_id(workplace.id),
        supervisor=_id(trained.id),
        untrained_supervisor=_id(untrained.id),
        other_workplace=_id(other.id),
        other_supervisor=_id(elsewhere.id),
    )


def _id(value: int | None) -> int:
    assert value is not None
    return value


def personnummer(birth: str = "19900101", serial: str = "123") -> str:
    """A valid 12-digit personnummer for ``birth`` (YYYYMMDD) and a 3-digit serial."""
    nine = birth[2:] + serial
    return f"{birth}{serial}{luhn_check_digit(nine)}"


_serials = itertools.count(100)


def fresh_personnummer(birth: str = "19900101") -> str:
    """A valid personnummer no other test of this session uses (databases are shared)."""
    return personnummer(birth, f"{next(_serials) % 1000:03d}")


def written_forms(digits: str) -> set[str]:
    """Every way the full number can be written; none may appear in an error."""
    short = digits[2:8]
    return {
        digits,
        digits[2:],
        f"{digits[:8]}-{digits[8:]}",
        f"{short}-{digits[8:]}",
        f"{short}+{digits[8:]}",
    }


def error_texts(error: KivoError) -> str:
    """Everything an entry point could show of an error: message, repr and JSON."""
    return "\n".join(
        [str(error), repr(error), json.dumps(error.to_dict(), default=str), repr(error.args)]
    )


def enrol_case(
    kivo: Kivo,
    staff: Staff,
    *,
    name: str = "Amira Deltagare",
    consent: bool = True,
    on: date = date(2026, 1, 12),
    pnr: str | None = None,
) -> int:
    result = enrolment.enrol(
        kivo,
        name,
        personnummer=pnr,
        caseworker_id=staff.caseworker,
        consent=consent,
        on=on,
        by=staff.caseworker,
    )
    return result.case_id


def engine_of(url: str) -> Engine:
    """A pool-less engine of our own, so reading back never shares the use cases' session."""
    if url not in _engines:
        _engines[url] = create_engine(url, poolclass=NullPool)
    return _engines[url]


_engines: dict[str, Engine] = {}


def stored_case(kivo: Kivo, case_id: int) -> CaseRow:
    with Session(engine_of(kivo.database)) as session:
        case = session.get(CaseRow, case_id)
        assert case is not None, f"case {case_id} is not stored"
        return case


def events_of(kivo: Kivo, case_id: int) -> list[CaseEventRow]:
    query = select(CaseEventRow).where(CaseEventRow.case_id == case_id)
    with Session(engine_of(kivo.database)) as session:
        return list(session.exec(query.order_by(col(CaseEventRow.seq))).all())


def cases_with_histories(url: str) -> list[tuple[CaseRow, list[CaseEventRow]]]:
    """Every stored case with its events in order: what the replay invariants read."""
    with Session(engine_of(url)) as session:
        cases = session.exec(select(CaseRow).order_by(col(CaseRow.id))).all()
        events = session.exec(
            select(CaseEventRow).order_by(col(CaseEventRow.case_id), col(CaseEventRow.seq))
        ).all()
    by_case: dict[int | None, list[CaseEventRow]] = {case.id: [] for case in cases}
    for event in events:
        by_case[event.case_id].append(event)
    return [(case, by_case[case.id]) for case in cases]


def placements_of(kivo: Kivo, case_id: int) -> list[PlacementRow]:
    query = select(PlacementRow).where(PlacementRow.case_id == case_id)
    with Session(engine_of(kivo.database)) as session:
        return list(session.exec(query.order_by(col(PlacementRow.id))).all())


def assert_history_replays_to_stored_state(kivo: Kivo, case_id: int) -> None:
    """The promise: replaying the history yields the stored state, and seq has no gaps."""
    case, events = stored_case(kivo, case_id), events_of(kivo, case_id)
    try:
        replayed = replay(events)
    except ReplayError as error:
        raise AssertionError(f"the history of case {case_id} does not replay: {error}") from None
    assert replayed == Replayed(case.state, case.paused_from, case.outcome)
    assert [e.seq for e in events] == list(range(1, len(events) + 1))


def table_contents(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in a stable order: the whole database, for comparing."""
    with engine_of(url).connect() as connection:
        contents = {}
        for table in sorted(inspect(connection).get_table_names()):
            rows = connection.execute(text(f'SELECT * FROM "{table}"')).all()
            contents[table] = sorted((tuple(row) for row in rows), key=repr)
        return contents


def rules_file(folder: Path, code: str, setting: str = 'severity = "warning"') -> Path:
    """The shipped rules file with rule ``code``'s severity line replaced by ``setting``
    (a warning by default), written to ``folder``: an organisation's own rules."""
    text = default_rules_text()
    section = text.index(f"[rules.{code}]")
    path = folder / "our-rules.toml"
    changed = text[section:].replace('severity = "blocking"', setting, 1)
    path.write_text(text[:section] + changed, encoding="utf-8")
    return path
