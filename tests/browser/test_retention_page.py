"""The coordinator's retention page in Chromium: the plan, the apply button and its
result, each scanned with axe (WCAG 2.1 A/AA)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page

from pathway.bootstrap import bootstrap
from pathway.context import Kivo
from states.retention import default_schedule_text
from tests.browser.axe import assert_accessible
from tests.browser.conftest import LiveServer, live_server
from tests.conftest import DEFAULT_NOW
from tests.databases import SqliteDatabases
from tests.integration.retention_support import closed_case
from tests.integration.support import Staff, add_staff
from web.app import create_app


@pytest.fixture
def kivo_and_staff(sqlite_databases: SqliteDatabases) -> Iterator[tuple[Kivo, Staff]]:
    with sqlite_databases.fresh() as url:
        kivo = bootstrap(url, now=DEFAULT_NOW)
        try:
            yield kivo, add_staff(kivo)
        finally:
            kivo.close()


@pytest.fixture
def server(
    kivo_and_staff: tuple[Kivo, Staff],
    web_socket: socket.socket,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[LiveServer]:
    path = tmp_path / "at-once.toml"
    text = default_schedule_text().replace('"2 years"', '"0 months"')
    path.write_text(text.replace('"1 year"', '"0 months"'), encoding="utf-8")
    monkeypatch.setenv("KIVO_RETENTION", str(path))
    app = create_app(kivo_and_staff[0], dev_login=True, secure_cookies=False)
    with live_server(app, web_socket) as running:
        yield running


def test_the_retention_page_plans_applies_and_is_accessible(
    page: Page, server: LiveServer, kivo_and_staff: tuple[Kivo, Staff]
) -> None:
    kivo, staff = kivo_and_staff
    case_id = closed_case(kivo, staff)
    page.goto(f"{server.url}/login")
    page.locator("#caseworker_id").select_option(str(staff.coordinator))
    page.locator("form[action='/login'] button[type=submit]").click()
    page.wait_for_url(f"{server.url}/")

    page.goto(f"{server.url}/retention")

    assert page.get_by_role("heading", level=1).inner_text() == "Gallring"
    assert page.get_by_role("cell", name=str(case_id), exact=True).first.is_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Gallra").click()
    page.get_by_role("heading", name="Gallrat", exact=True).wait_for()
    assert page.get_by_text("Inget är gallringsbart den dagen.").is_visible()
    assert_accessible(page)
