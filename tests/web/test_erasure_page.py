"""The erasure page (coordinators, SQLite): a preview names the person, their cases and
the rule that keeps their data; the confirmation erases them; a caseworker gets 404, a
post without the CSRF token 403, and neither writes anything."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi import FastAPI

from pathway import enrolment, moves
from pathway.context import Kivo
from states.case import Outcome
from tests.integration.support import Staff, add_staff, fresh_personnummer, table_contents
from tests.web.conftest import Browser, signed_in
from web.app import create_app


@pytest.fixture(scope="module")
def staff(sqlite_kivo: Kivo) -> Staff:
    return add_staff(sqlite_kivo)


@pytest.fixture(scope="module")
def app(sqlite_kivo: Kivo) -> FastAPI:
    return create_app(sqlite_kivo, dev_login=True, secure_cookies=False)


@pytest.fixture
def coordinator(app: FastAPI, staff: Staff) -> Browser:
    return signed_in(app, staff.coordinator)


def _person(kivo: Kivo, staff: Staff, name: str, *, closed: bool) -> int:
    enrolled = enrolment.enrol(
        kivo,
        name,
        personnummer=fresh_personnummer("19920202"),
        caseworker_id=staff.caseworker,
        consent=True,
        on=date(2026, 1, 12),
    )
    if closed:
        moves.exit_case(
            kivo,
            enrolled.case_id,
            outcome=Outcome.STUDIES,
            on=date(2026, 2, 2),
            by=staff.coordinator,
        )
    return enrolled.person_id


def test_a_coordinator_previews_then_erases_a_closed_person(
    sqlite_kivo: Kivo, staff: Staff, coordinator: Browser
) -> None:
    person = _person(sqlite_kivo, staff, "Greta Raderasson", closed=True)

    preview = coordinator.get(f"/people/{person}/erase")
    done = coordinator.post(f"/people/{person}/erase", {"reason": "diarienr 2026-40"})

    assert "Greta Raderasson" in preview
    assert 'name="reason"' in preview
    assert done.status_code == 200, done.text
    assert "Raderad " in done.text
    assert "Greta" not in done.text
    assert "Greta" not in repr(table_contents(sqlite_kivo.database))


def test_the_preview_names_the_rule_that_keeps_an_open_cases_data(
    sqlite_kivo: Kivo, staff: Staff, coordinator: Browser
) -> None:
    person = _person(sqlite_kivo, staff, "Olof Oppensson", closed=False)
    before = table_contents(sqlite_kivo.database)

    preview = coordinator.get(f"/people/{person}/erase")
    refused = coordinator.post(f"/people/{person}/erase", {"reason": "diarienr 2026-41"})

    assert "erasure-open-case" in preview
    assert 'name="reason"' not in preview
    assert refused.status_code == 422
    assert "erasure-open-case" in refused.text
    assert _without_access_log(table_contents(sqlite_kivo.database)) == _without_access_log(before)


def test_the_rule_and_a_missing_reason_are_said_in_swedish_naming_the_field(
    sqlite_kivo: Kivo, staff: Staff, coordinator: Browser
) -> None:
    kept = _person(sqlite_kivo, staff, "Sune Svensson", closed=False)
    closed = _person(sqlite_kivo, staff, "Tove Tomsson", closed=True)

    preview = coordinator.get(f"/people/{kept}/erase")
    no_reason = coordinator.post(f"/people/{closed}/erase", {"reason": " "})

    assert "är öppet: en person raderas först när alla hens ärenden har avslutats" in preview
    assert "is open" not in preview
    assert no_reason.status_code == 400
    assert "ange fältet Skäl (t.ex. diarienumret)" in no_reason.text
    assert "--reason" not in no_reason.text


def test_a_caseworker_gets_404_and_a_post_without_the_token_403(
    sqlite_kivo: Kivo, staff: Staff, app: FastAPI, coordinator: Browser
) -> None:
    person = _person(sqlite_kivo, staff, "Tora Tokensson", closed=True)
    caseworker = signed_in(app, staff.caseworker)
    before = table_contents(sqlite_kivo.database)

    read = caseworker.client.get(f"/people/{person}/erase")
    posted = caseworker.post(f"/people/{person}/erase", {"reason": "diarienr 2026-42"})
    forged = coordinator.client.post(f"/people/{person}/erase", data={"reason": "x 1"})

    assert (read.status_code, posted.status_code, forged.status_code) == (404, 404, 403)
    assert table_contents(sqlite_kivo.database) == before


def _without_access_log(contents: dict[str, list[tuple[object, ...]]]) -> dict[str, object]:
    """Everything but the access log: a page read is logged, by design."""
    return {table: rows for table, rows in contents.items() if table != "access_log"}
