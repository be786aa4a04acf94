"""The workspace as ``kivo serve`` serves it, driven in Chromium as a caseworker would:
signing in through the test OpenID provider, and every page free of WCAG 2.1 A/AA
violations."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.axe import assert_accessible
from tests.browser.case_page import (
    book_and_hold_meeting,
    current_step,
    enrol,
    mark_followup_done,
    opened,
    preview_advance,
    record_consent,
    save_preview,
)
from tests.browser.served import SIGN_IN_LINK, SUPERVISOR, WORKPLACE, Served


@pytest.fixture
def anna(browser: Browser, served: Served) -> Iterator[Page]:
    """Anna Lindqvist, a caseworker of the demo caseload, signed in."""
    context = served.context(browser, "anna")
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture
def karin(browser: Browser, served: Served) -> Iterator[Page]:
    """Karin Samordnare, the demo's coordinator, signed in."""
    context = served.context(browser, "karin")
    try:
        yield context.new_page()
    finally:
        context.close()


def test_a_caseworker_signs_in_to_kivo_serve_through_the_openid_provider(
    page: Page, served: Served
) -> None:
    page.goto(f"{served.url}/cases")
    assert page.url == f"{served.url}/login"
    page.get_by_role("link", name=SIGN_IN_LINK).click()
    page.locator("input[name=login]").fill("anna")
    page.locator("input[name=password]").fill("any password")
    page.locator("button[type=submit]").click()
    page.wait_for_url(f"{served.url}/")

    assert page.get_by_text("Inloggad som Anna Lindqvist").is_visible()
    page.goto(f"{served.url}/cases")
    assert page.get_by_role("heading", level=1).inner_text() == "Ärenden"


def test_a_participant_walks_from_enrolment_to_permanent_employment_through_the_pages(
    anna: Page, served: Served
) -> None:
    page = anna
    case_id = enrol(page, served.url, "Vera Vandring", on="2025-06-02")
    record_consent(page, on="2025-06-02")

    preview_advance(page, 1, on="2025-06-09")
    save_preview(page, 1)
    preview_advance(
        page, 2, on="2025-07-01", workplace=WORKPLACE, supervisor=SUPERVISOR,
        programme="PRAKTIK", until="2025-09-30",
    )  # fmt: skip
    save_preview(page, 2)
    placements = page.get_by_role("region", name="Placeringar")
    expect(placements.get_by_role("row").filter(has_text=SUPERVISOR)).to_have_count(1)
    book_and_hold_meeting(page, "2025-07-01T10:00")
    mark_followup_done(page, "unknown")

    leaving = preview_advance(
        page, 7, on="2025-10-01", workplace=WORKPLACE, programme="SAVA", until="2026-03-31"
    )
    expect(leaving.get_by_text("Varning")).to_have_count(0)  # a meeting was held in step 2
    save_preview(page, 7)
    book_and_hold_meeting(page, "2025-10-01T10:00")
    preview_advance(page, 9, on="2026-02-02", workplace=WORKPLACE, programme="LONESTOD")
    save_preview(page, 9)

    assert page.url == f"{served.url}/cases/{case_id}"
    history = page.get_by_role("region", name="Historik").get_by_role("listitem")
    advanced = [
        item.split("→")[1].split(" – ")[0].strip()
        for item in history.all_inner_texts()
        if "Flyttad framåt" in item
    ]
    assert advanced == [
        "1 Tydligare information om yrket",
        "2 Kort arbetspraktik",
        "7 Visstidsanställning",
        "9 Tillsvidareanställning",
    ]
    expect(current_step(page)).to_contain_text("9 Tillsvidareanställning")
    opened(page, "Avsluta ärendet")
    assert_accessible(page)
