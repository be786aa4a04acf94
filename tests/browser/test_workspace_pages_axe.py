"""An axe-core scan of every page of the workspace in a real browser (zero WCAG 2.1 A/AA
violations), each as a coordinator sees it (every form and menu shown): Idag, the case
list, a case page with a placement, meetings, follow-ups and notes (also with the
personnummer shown and with a refused save), enrolment, every report, import, handover,
the access log and the accessibility statement."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import date, datetime

import pytest
from playwright.sync_api import Page

from pathway import moves, notes
from pathway.bootstrap import bootstrap
from pathway.clock import LOCAL
from pathway.enrolment import enrol
from pathway.meetings import schedule_meeting
from states.steps import Step
from tests.browser.axe import assert_accessible
from tests.browser.conftest import LiveServer, live_server
from tests.conftest import DEFAULT_NOW
from tests.databases import SqliteDatabases
from tests.integration.support import Staff, add_staff, fresh_personnummer
from web.app import create_app
from web.texts import REPORT_TITLES


@pytest.fixture(scope="module")
def served(
    sqlite_databases: SqliteDatabases, web_socket: socket.socket
) -> Iterator[tuple[LiveServer, Staff, int]]:
    with sqlite_databases.fresh() as url:
        kivo = bootstrap(url, now=DEFAULT_NOW)
        staff = add_staff(kivo)
        case_id = enrol(
            kivo,
            "Alva Axesson",
            personnummer=fresh_personnummer(),
            gender="woman",
            caseworker_id=staff.caseworker,
            consent=True,
            on=date(2026, 1, 10),
        ).case_id
        moves.advance(
            kivo,
            case_id,
            Step.SHORT_PRACTICE,
            on=date(2026, 2, 1),
            workplace_id=staff.workplace,
            supervisor_id=staff.supervisor,
            until=date(2026, 3, 10),
        )
        schedule_meeting(kivo, case_id, datetime(2026, 3, 5, 10, tzinfo=LOCAL))
        notes.add_note(kivo, case_id, "Ringde arbetsplatsen.")
        app = create_app(kivo, dev_login=True, secret_key="k" * 40, secure_cookies=False)
        try:
            with live_server(app, web_socket) as running:
                yield running, staff, case_id
        finally:
            kivo.close()


def sign_in(page: Page, server: LiveServer, caseworker_id: int) -> None:
    page.goto(f"{server.url}/login")
    page.select_option("#caseworker_id", str(caseworker_id))
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(f"{server.url}/")


def test_every_page_has_no_wcag_21_a_or_aa_violation(
    page: Page, served: tuple[LiveServer, Staff, int]
) -> None:
    server, staff, case_id = served
    sign_in(page, server, staff.coordinator)
    addresses = [
        "/",
        "/cases",
        f"/cases/{case_id}",
        "/cases/new",
        "/reports",
        *(f"/reports/{name}" for name in REPORT_TITLES),
        "/import",
        "/handover",
        "/audit",
        f"/audit?case={case_id}",
        "/accessibility",
    ]
    for address in addresses:
        page.goto(f"{server.url}{address}")
        assert page.url.endswith(address), f"{address} answered {page.url}"
        page.locator("details").evaluate_all("all => all.forEach(d => d.open = true)")
        assert_accessible(page)


def test_the_pages_in_english_have_no_violation_either(
    page: Page, served: tuple[LiveServer, Staff, int]
) -> None:
    server, staff, case_id = served
    sign_in(page, server, staff.coordinator)
    page.get_by_role("link", name="English").click()  # the switch, without JavaScript
    page.wait_for_url(f"{server.url}/")
    for address in ("/", "/cases", f"/cases/{case_id}", "/reports/funnel", "/accessibility"):
        page.goto(f"{server.url}{address}")
        assert page.locator("html").get_attribute("lang") == "en", address
        page.locator("details").evaluate_all("all => all.forEach(d => d.open = true)")
        assert_accessible(page)
    assert page.get_by_role("heading", level=1).inner_text() == "Accessibility statement"


def test_the_case_page_after_a_refusal_and_with_the_personnummer_shown_has_no_violation(
    page: Page, served: tuple[LiveServer, Staff, int]
) -> None:
    server, staff, case_id = served
    sign_in(page, server, staff.caseworker)
    page.goto(f"{server.url}/cases/{case_id}")
    page.get_by_role("button", name="Visa hela personnumret").click()
    page.get_by_text("visningen loggas").wait_for()  # htmx swaps the page in
    assert_accessible(page)

    page.goto(f"{server.url}/cases/{case_id}")
    advance = page.locator("details", has_text="Flytta framåt").first
    advance.locator("summary").click()
    page.select_option("#adv-step", "9")  # permanent employment: no employer named
    advance.get_by_role("button", name="Spara").click()
    page.get_by_role("alert").wait_for()  # every violated rule, what was typed kept
    assert page.locator("#adv-step").input_value() == "9"
    assert_accessible(page)
