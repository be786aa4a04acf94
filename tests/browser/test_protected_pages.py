"""The coordinator's log review page and a protected participant's case page, in
Chromium, scanned with axe (WCAG 2.1 A/AA); the workspace's dev login signs in."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import pytest
from playwright.sync_api import Page

from pathway import enrolment
from pathway.bootstrap import bootstrap
from pathway.protection import protect_participant
from tests.browser.axe import assert_accessible
from tests.browser.conftest import LiveServer, live_server
from tests.conftest import DEFAULT_NOW
from tests.databases import SqliteDatabases
from tests.integration.support import Staff, add_staff, fresh_personnummer
from web.app import create_app


@dataclass(frozen=True)
class Served:
    server: LiveServer
    staff: Staff
    case_id: int


@pytest.fixture(scope="module")
def served(sqlite_databases: SqliteDatabases, web_socket: socket.socket) -> Iterator[Served]:
    with sqlite_databases.fresh() as url:
        kivo = bootstrap(url, now=DEFAULT_NOW)
        try:
            staff = add_staff(kivo)
            case_id = enrolment.enrol(
                kivo,
                "Zelda Quist",
                personnummer=fresh_personnummer("19870605"),
                caseworker_id=staff.caseworker,
                on=date(2026, 1, 12),
            ).case_id
            protect_participant(kivo, case_id, reason="beslut", by=staff.coordinator)
            app = create_app(kivo, dev_login=True, secret_key="x" * 40, secure_cookies=False)
            with live_server(app, web_socket) as running:
                yield Served(running, staff, case_id)
        finally:
            kivo.close()


def sign_in(page: Page, served: Served, caseworker_id: int) -> None:
    page.goto(f"{served.server.url}/login")
    page.locator("select#caseworker_id").select_option(str(caseworker_id))
    page.locator("form[action='/login'] button[type=submit]").click()
    page.wait_for_url(f"{served.server.url}/")


def test_the_protected_case_page_and_the_log_review_pass_the_axe_scan(
    page: Page, served: Served
) -> None:
    sign_in(page, served, served.staff.coordinator)
    page.goto(f"{served.server.url}/cases/{served.case_id}")
    assert "Z. Q." in page.get_by_role("heading", level=1).inner_text()
    assert_accessible(page)

    page.goto(f"{served.server.url}/audit/review?month=2026-03")

    assert page.get_by_role("heading", level=1).inner_text() == "Loggkontroll 2026-03"
    assert page.get_by_role("cell", name="skyddade personuppgifter").count() >= 1
    assert_accessible(page)
    page.goto(f"{served.server.url}/audit/review?month=2026-13")
    assert page.get_by_role("alert").is_visible()
    assert_accessible(page)
