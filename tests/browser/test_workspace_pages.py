"""axe on the workspace's coordinator pages in a real browser, signed in through the
dev-login form: zero WCAG 2.1 A/AA violations on each page of ``COORDINATOR_PAGES``, and
on each page as it answers a refused form (the sentence in its alert)."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page

from pathway import directory, enrolment
from pathway.bootstrap import bootstrap
from tests.browser.axe import assert_accessible
from tests.browser.conftest import LiveServer, live_server
from tests.conftest import DEFAULT_NOW
from tests.databases import SqliteDatabases
from web.app import create_app

COORDINATOR_PAGES = ["/data-protection"]
"""The coordinator pages axe scans (add a new coordinator page here)."""


@pytest.fixture(scope="module")
def server(sqlite_databases: SqliteDatabases, web_socket: socket.socket) -> Iterator[LiveServer]:
    with sqlite_databases.fresh() as url:
        kivo = bootstrap(url, now=DEFAULT_NOW)
        try:
            coordinator = directory.add_caseworker(kivo, "Cecilia Samordnare", role="coordinator")
            enrolment.enrol(kivo, "Amina Haddad", caseworker_id=coordinator.id)
            app = create_app(kivo, dev_login=True, secret_key="x" * 40, secure_cookies=False)
            with live_server(app, web_socket) as running:
                yield running
        finally:
            kivo.close()


def sign_in_as_coordinator(page: Page, server: LiveServer) -> None:
    page.goto(f"{server.url}/login")
    page.get_by_label("Handläggare").select_option(label="Cecilia Samordnare (samordnare)")
    page.get_by_role("button", name="Logga in").click()
    page.wait_for_url(f"{server.url}/")


@pytest.mark.parametrize("path", COORDINATOR_PAGES)
def test_a_coordinator_page_has_no_wcag_violations(
    page: Page, server: LiveServer, path: str
) -> None:
    sign_in_as_coordinator(page, server)
    page.goto(f"{server.url}{path}")
    assert page.locator("h1").count() == 1
    assert_accessible(page)


def test_the_extract_form_answering_an_unknown_person_has_no_wcag_violations(
    page: Page, server: LiveServer
) -> None:
    sign_in_as_coordinator(page, server)
    page.goto(f"{server.url}/data-protection")
    page.get_by_label("Person-id eller personnummer").fill("999")
    page.get_by_role("button", name="Hämta registerutdraget").click()
    page.wait_for_selector("[role=alert]")
    assert "ingen person med id 999" in page.locator("[role=alert]").inner_text()
    assert_accessible(page)


def test_the_extract_form_downloads_the_pdf(page: Page, server: LiveServer) -> None:
    sign_in_as_coordinator(page, server)
    page.goto(f"{server.url}/data-protection")
    page.get_by_label("Person-id eller personnummer").fill("1")
    with page.expect_download() as download:
        page.get_by_role("button", name="Hämta registerutdraget").click()
    assert download.value.suggested_filename == "registerutdrag-1.pdf"
    path = download.value.path()
    with open(path, "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
