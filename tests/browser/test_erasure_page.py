"""The erasure page in a real browser: a coordinator signed in (``--dev-login``) opens
the preview of a closed person, and both it and the answer after the confirmation have
no WCAG 2.1 A/AA violation (axe)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import date

import pytest
from playwright.sync_api import Page

from pathway import enrolment, moves
from pathway.bootstrap import bootstrap
from pathway.context import Kivo
from states.case import Outcome
from tests.browser.axe import assert_accessible
from tests.browser.conftest import LiveServer, live_server
from tests.conftest import DEFAULT_NOW
from tests.databases import SqliteDatabases
from tests.integration.support import Staff, add_staff
from web.app import create_app


@pytest.fixture(scope="module")
def kivo(sqlite_databases: SqliteDatabases) -> Iterator[Kivo]:
    with sqlite_databases.fresh() as url:
        kivo = bootstrap(url, now=DEFAULT_NOW)
        yield kivo
        kivo.close()


@pytest.fixture(scope="module")
def staff(kivo: Kivo) -> Staff:
    return add_staff(kivo)


@pytest.fixture(scope="module")
def server(kivo: Kivo, web_socket: socket.socket) -> Iterator[LiveServer]:
    app = create_app(kivo, dev_login=True, secret_key="x" * 40, secure_cookies=False)
    with live_server(app, web_socket) as running:
        yield running


def test_the_erasure_preview_and_its_answer_are_accessible(
    page: Page, server: LiveServer, kivo: Kivo, staff: Staff
) -> None:
    enrolled = enrolment.enrol(
        kivo, "Hedda Tillgänglig", caseworker_id=staff.caseworker, on=date(2026, 1, 12)
    )
    moves.exit_case(
        kivo, enrolled.case_id, outcome=Outcome.MOVED, on=date(2026, 2, 2), by=staff.coordinator
    )
    page.goto(f"{server.url}/login")
    page.select_option("select[name=caseworker_id]", str(staff.coordinator))
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url(f"{server.url}/")

    page.goto(f"{server.url}/people/{enrolled.person_id}/erase")
    assert "Hedda Tillgänglig" in page.locator("main").inner_text()
    assert_accessible(page)
    page.get_by_label("Begärans diarienummer (inga personuppgifter)").fill("diarienr 2026-50")
    with page.expect_navigation():
        page.get_by_role("button", name="Radera").click()

    assert "Raderad " in page.locator("main").inner_text()
    assert_accessible(page)
