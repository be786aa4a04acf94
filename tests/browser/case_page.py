"""A caseworker's hands on the workspace's pages: what they click and type, found by the
labels and roles a person sees (not by CSS), and waits on what the page then shows."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

CASE_URL = re.compile(r"/cases/(\d+)$")


def enrol(page: Page, url: str, name: str, *, on: str, consent: bool = False) -> int:
    """Enrol a participant through *Skriv in en deltagare*; the new case's id."""
    page.goto(f"{url}/cases/new")
    page.get_by_label("Namn").fill(name)
    page.get_by_label("Kön (självuppgivet)").select_option("woman")
    if consent:
        page.get_by_label("Deltagaren samtycker").check()
    page.get_by_label("Datum").fill(on)
    page.get_by_role("button", name="Skriv in").click()
    page.wait_for_url(CASE_URL)
    found = CASE_URL.search(page.url)
    assert found is not None
    expect(page.get_by_role("heading", level=1)).to_contain_text(name)
    return int(found.group(1))


def opened(page: Page, summary: str) -> Locator:
    """The disclosure (``<details>``) whose summary reads ``summary``, opened."""
    details = page.locator("details").filter(has=page.locator("summary", has_text=summary))
    if not details.evaluate("element => element.open"):
        details.locator("summary").click()
    return details


def record_consent(page: Page, *, on: str) -> None:
    form = opened(page, "Registrera samtycke")
    form.get_by_label("Datum").fill(on)
    form.get_by_role("button", name="Registrera samtycke").click()
    history = page.get_by_role("region", name="Historik")
    expect(history.get_by_text("Samtycke registrerat", exact=True)).to_be_visible()


def preview_advance(
    page: Page,
    step: int,
    *,
    on: str,
    workplace: str | None = None,
    supervisor: str | None = None,
    programme: str | None = None,
    until: str | None = None,
) -> Locator:
    """Fill in *Flytta framåt* and ask for the preview; the preview it shows."""
    form = opened(page, "Flytta framåt")
    form.get_by_label("Till steg").select_option(str(step))
    if workplace:
        form.get_by_label("Arbetsplats").fill(workplace)
    if supervisor:
        form.get_by_label("Handledare").fill(supervisor)
    if programme:
        form.get_by_label("Insats").select_option(programme)
    if until:
        form.get_by_label("Planerat slut").fill(until)
    form.get_by_label("Datum").fill(on)
    form.get_by_role("button", name="Förhandsgranska").click()
    preview = preview_of(page)
    expect(preview).to_contain_text("Reglerna tillåter flytten")
    return preview


def preview_of(page: Page) -> Locator:
    return page.get_by_role("status").filter(
        has=page.get_by_role("heading", name="Förhandsgranskning")
    )


def save_preview(page: Page, step: int) -> None:
    """Save what the preview showed; the path then marks ``step`` as the current one."""
    preview_of(page).get_by_role("button", name="Spara").click()
    expect(current_step(page)).to_contain_text(f"{step} ")
    expect(page.get_by_text("Sparat.")).to_be_visible()


def current_step(page: Page) -> Locator:
    return page.get_by_role("navigation", name="Vägen").locator("[aria-current=step]")


def book_and_hold_meeting(page: Page, at: str) -> None:
    """Book a tripartite meeting at ``at`` (YYYY-MM-DDTHH:MM) and record it as held."""
    meetings = page.get_by_role("region", name="Trepartssamtal")
    held = meetings.get_by_role("cell", name="genomfört", exact=True)
    before = held.count()
    meetings.get_by_label("Datum och tid").fill(at)
    meetings.get_by_role("button", name="Boka trepartssamtal").click()
    row = meetings.get_by_role("row").filter(
        has=page.get_by_role("button", name="Registrera utfall")
    )
    expect(row).to_have_count(1)
    row.get_by_label("Utfall").select_option("held")
    row.get_by_role("button", name="Registrera utfall").click()
    expect(held).to_have_count(before + 1)


def mark_followup_done(page: Page, finding: str) -> None:
    """Mark the first pending follow-up done, with ``finding``."""
    followups = page.get_by_role("region", name="Uppföljningar")
    pending = followups.get_by_role("row").filter(
        has=page.get_by_role("button", name="Markera som gjord")
    )
    before = pending.count()
    assert before, "a follow-up is pending"
    pending.first.get_by_label("Resultat").select_option(finding)
    pending.first.get_by_role("button", name="Markera som gjord").click()
    expect(pending).to_have_count(before - 1)


def blocked_reasons(page: Page, step: int) -> list[str]:
    """The sentences of the rules blocking the next move to ``step`` (the disabled
    button's description)."""
    button = page.get_by_role("button", name=re.compile(rf"^Flytta till steg {step} "))
    expect(button).to_be_disabled()
    described = button.get_attribute("aria-describedby")
    assert described, "a blocked move names the rules that block it (aria-describedby)"
    return page.locator(f"#{described} li").all_inner_texts()
