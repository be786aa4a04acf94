"""The employer side's pages in a real browser (the operating system's Chromium), signed
in through ``--dev-login``: every page of places, proposals, employers and a case's
matching places has zero WCAG 2.1 A/AA violations (axe-core), with its forms open and a
refusal shown; a proposal is accepted through the page's own form, without JavaScript
being needed for it."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page

from pathway import employers, enrolment, places, proposals
from pathway.bootstrap import bootstrap
from tests.browser.axe import assert_accessible
from tests.browser.conftest import LiveServer, live_server
from tests.conftest import DEFAULT_NOW
from tests.databases import SqliteDatabases
from tests.integration.support import Staff, add_staff
from web.app import create_app


@dataclass(frozen=True)
class Seeded:
    server: LiveServer
    staff: Staff
    place: int
    case_id: int
    proposal: int


@pytest.fixture(scope="module")
def seeded(sqlite_databases: SqliteDatabases, web_socket: socket.socket) -> Iterator[Seeded]:
    with sqlite_databases.fresh() as url:
        kivo = bootstrap(url, now=DEFAULT_NOW)
        try:
            staff = add_staff(kivo)
            place = places.add_place(
                kivo,
                staff.workplace,
                title="Bagerilärling",
                positions=1,
                steps=[2],
                supervisor_id=staff.supervisor,
                tasks=["Baka bröd"],
            ).place_id
            places.agree_place(kivo, place)
            places.open_place(kivo, place)
            cases = [
                enrolment.enrol(kivo, name, caseworker_id=staff.caseworker, consent=True).case_id
                for name in ("Sara Deltagare", "Ali Deltagare")
            ]
            proposal = proposals.propose(kivo, place, cases[0], by=staff.caseworker).id
            employers.record_contact(
                kivo,
                staff.workplace,
                on=None,
                kind="call",
                note="Ringde chefen",
                by=staff.caseworker,
            )
            app = create_app(kivo, dev_login=True, secure_cookies=False)
            with live_server(app, web_socket) as server:
                yield Seeded(server, staff, place, cases[1], proposal)
        finally:
            kivo.close()


def sign_in(page: Page, server: LiveServer, caseworker_id: int) -> None:
    page.goto(f"{server.url}/login")
    page.select_option("#caseworker_id", str(caseworker_id))
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(f"{server.url}/")


def test_the_places_and_employer_pages_have_no_wcag_violations(page: Page, seeded: Seeded) -> None:
    url = seeded.server.url
    sign_in(page, seeded.server, seeded.staff.caseworker)
    for path in (
        "/places",
        "/places?status=open&step=2",
        "/places/new",
        f"/places/{seeded.place}",
        f"/places/{seeded.place}?why_not={seeded.case_id}",
        f"/employers/{seeded.staff.workplace}",
        f"/cases/{seeded.case_id}/matches",
        f"/cases/{seeded.case_id}",
    ):
        page.goto(f"{url}{path}")
        for summary in page.locator("details > summary").all():
            summary.click()  # the forms folded away are scanned too
        assert_accessible(page)
    page.goto(f"{url}/places/new")
    page.get_by_role("button", name="Spara").click()  # the browser's own check first
    page.fill("#np-title", "Kökshjälp")
    page.fill("#np-steps", "4")
    page.select_option("#np-workplace", str(seeded.staff.workplace))
    page.get_by_role("button", name="Spara").click()
    page.wait_for_selector("section.refused")
    assert_accessible(page)


def test_a_proposal_is_accepted_through_the_places_form(page: Page, seeded: Seeded) -> None:
    sign_in(page, seeded.server, seeded.staff.caseworker)
    page.goto(f"{seeded.server.url}/places/{seeded.place}")
    form = f"form[action='/proposals/{seeded.proposal}/accept']"
    page.locator(f"details:has({form}) > summary").click()
    page.get_by_role("button", name="Godkänn och placera").click()
    page.wait_for_selector("p.flash")
    assert "tillsatt" in page.locator("main").inner_text()
    assert_accessible(page)
