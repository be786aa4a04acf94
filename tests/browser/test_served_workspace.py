"""The workspace as the installed ``kivo serve`` serves it (one server and one Chromium
for the session, ``tests.browser.served``), used as a caseworker would: signing in
through the test OpenID provider; a participant walked from enrolment to permanent
employment through the pages; a blocked move's reasons; a bulk action with one refusal;
an import with a bad row; the move form by keyboard alone; every page scanned by axe-core
for WCAG 2.1 A/AA; and the server's access log without personal data.

Tests find things by the labels and roles a person sees, at the workspace's stable
addresses, and each makes the cases it changes, so they run in any order."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from states.personnummer import luhn_check_digit
from tests.browser.axe import assert_accessible
from tests.browser.case_page import (
    blocked_reasons,
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


def test_a_blocked_move_is_shown_disabled_with_the_sentences_of_the_rules_that_block_it(
    anna: Page, served: Served
) -> None:
    page = anna
    enrol(page, served.url, "Bo Blockerad", on="2026-02-02")
    without_consent = blocked_reasons(page, 2)
    assert_accessible(page)

    record_consent(page, on="2026-02-02")
    with_consent = blocked_reasons(page, 2)

    # step 2 takes a workplace and a supervisor, and consent before any workplace step
    assert len(without_consent) == 3
    assert all(reason.strip() for reason in without_consent)
    lifted = [reason for reason in without_consent if reason not in with_consent]
    assert len(lifted) == 1
    assert re.search(r"consent|samtycke", lifted[0], re.IGNORECASE)
    assert with_consent == [reason for reason in without_consent if reason != lifted[0]]
    allowed = page.get_by_role("button", name=re.compile(r"^Flytta till steg 4 "))
    expect(allowed).to_be_enabled()


def test_a_bulk_follow_up_with_one_refusal_keeps_the_others_done(
    anna: Page, served: Served
) -> None:
    page = anna
    active, exited = first_case(page, served, "active"), first_case(page, served, "exited")
    page.goto(f"{served.url}/cases")
    page.get_by_label(f"Välj ärende {active}", exact=True).check()
    page.get_by_label(f"Välj ärende {exited}", exact=True).check()
    bulk = page.get_by_role("group", name="Gör med de valda ärendena")
    bulk.get_by_label("Åtgärd").select_option("followup")
    bulk.get_by_label("Vad ska följas upp").fill("Ring om sommarjobb")
    bulk.get_by_label("Förfaller").fill("2026-03-16")
    bulk.get_by_role("button", name="Utför").click()

    result = page.get_by_role("region", name="Resultat per ärende")
    expect(result).to_be_visible()
    rows = {cells[0]: cells[1:] for cells in table_of(result)}
    assert rows[str(active)][0] == "Klart"
    assert rows[str(exited)][0] == "Nekad"
    assert rows[str(exited)][1].strip(), "the refusal says why"
    assert_accessible(page)
    page.goto(f"{served.url}/cases/{active}")
    followups = page.get_by_role("region", name="Uppföljningar")
    expect(followups.get_by_role("row").filter(has_text="Ring om sommarjobb")).to_have_count(1)
    page.goto(f"{served.url}/cases/{exited}")
    expect(page.get_by_text("Ring om sommarjobb")).to_have_count(0)


def first_case(page: Page, served: Served, status: str) -> int:
    """The first case of the signed-in caseworker's list with ``status``."""
    page.goto(f"{served.url}/cases?status={status}")
    listed = page.get_by_role("region", name="Ärenden").get_by_role("table")
    return int(listed.get_by_role("link").first.inner_text())


def table_of(region: Locator) -> list[list[str]]:
    """The body rows of the table in ``region``, as the texts of their cells."""
    rows = region.get_by_role("table").locator("tbody tr")
    return [row.get_by_role("cell").all_inner_texts() for row in rows.all()]


def test_an_import_with_a_bad_row_previews_its_error_and_writes_only_the_valid_rows(
    karin: Page, served: Served
) -> None:
    page = karin
    good = [personnummer(date(1990, 4, 12), 123), personnummer(date(1985, 11, 3), 456)]
    bad = good[0][:-1] + str((int(good[0][-1]) + 1) % 10)  # a wrong check digit
    rows = [("Ines Import", good[0]), ("Ivar Import", good[1]), ("Ilse Felrad", bad)]
    header = "name;personnummer;gender;birth_year;groups;caseworker;enrolled_on;step;consent_on"
    csv = (
        header
        + "\n"
        + "".join(f"{name};{number};woman;;;Anna Lindqvist;2026-02-16;;\n" for name, number in rows)
    )
    page.goto(f"{served.url}/import")
    page.get_by_label("CSV-fil").set_input_files(
        {"name": "deltagare.csv", "mimeType": "text/csv", "buffer": csv.encode()}
    )
    page.get_by_role("button", name="Förhandsgranska").click()

    preview = page.get_by_role("status").filter(has_text="inget är sparat ännu")
    expect(preview).to_be_visible()
    assert facts_of(preview) == {"Rader": "3", "Giltiga rader": "2", "Felaktiga rader": "1"}
    problems = table_of(preview)
    assert [cells[0] for cells in problems] == ["4"]  # the header is line 1
    assert problems[0][1].strip()
    assert_accessible(page)
    assert found(page.context.new_page(), served, "Import") == []  # the preview wrote nothing
    preview.get_by_role("button", name="Spara de giltiga raderna").click()
    done = page.get_by_role("status", name="Importen är sparad")
    expect(done).to_be_visible()
    assert facts_of(done)["Inskrivna"] == "2"

    assert found(page, served, "Import") == ["Ines Import", "Ivar Import"]
    assert found(page, served, "Felrad") == []


def facts_of(region: Locator) -> dict[str, str]:
    """The terms and values of the description list in ``region``."""
    terms = region.locator("dl dt").all_inner_texts()
    values = region.locator("dl dd").all_inner_texts()
    return dict(zip(terms, values, strict=True))


def found(page: Page, served: Served, query: str) -> list[str]:
    """The participants the case list's search finds for ``query``, sorted."""
    page.goto(f"{served.url}/cases")
    page.get_by_label("Namn eller personnummer").fill(query)
    page.get_by_role("button", name="Sök", exact=True).click()
    results = page.get_by_role("region", name="Sökresultat")
    expect(results).to_be_visible()
    return sorted(cells[1] for cells in table_of(results))


def personnummer(born: date, serial: int) -> str:
    digits = born.strftime("%y%m%d") + f"{serial:03d}"
    return f"{digits[:6]}-{digits[6:]}{luhn_check_digit(digits)}"


FOCUSED = """() => {
  const e = document.activeElement;
  const style = getComputedStyle(e);
  const label = e.labels && e.labels.length ? e.labels[0].innerText : '';
  return {
    tag: e.tagName.toLowerCase(),
    name: (label || e.innerText || e.value || '').trim(),
    outline: style.outlineStyle === 'none' ? 0 : parseFloat(style.outlineWidth),
    colour: style.outlineColor,
    in_preview: e.closest('[role=status]') !== null,
  };
}"""


def tab_to(page: Page, tag: str, name: str, *, in_preview: bool = False) -> None:
    """Press Tab until the focus is on the ``tag`` element named ``name``; every element
    the focus passes shows it (a visible outline)."""
    for _ in range(150):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        assert focused["outline"] >= 2, f"the focus is not visible on {focused}"
        assert contrast_on_white(focused["colour"]) >= 3, f"a faint focus on {focused}"
        wanted = focused["tag"] == tag and focused["name"].startswith(name)
        if wanted and focused["in_preview"] == in_preview:
            return
    raise AssertionError(f"Tab never reached the {tag} {name!r}")


def contrast_on_white(colour: str) -> float:
    """WCAG's contrast ratio of a CSS ``rgb(r, g, b)`` colour against white."""
    red, green, blue = (int(part) for part in re.findall(r"\d+", colour)[:3])

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.03928 else float(((c + 0.055) / 1.055) ** 2.4)

    luminance = 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)
    return 1.05 / (luminance + 0.05)


def test_the_move_dialog_works_with_the_keyboard_alone_and_shows_where_the_focus_is(
    anna: Page, served: Served
) -> None:
    page = anna
    case_id = enrol(page, served.url, "Kim Tangentbord", on="2026-02-02")
    page.goto(f"{served.url}/cases/{case_id}")  # from here on: no mouse

    tab_to(page, "summary", "Flytta framåt")
    page.keyboard.press("Enter")
    dialog = page.locator("details").filter(has=page.locator("summary", has_text="Flytta framåt"))
    assert dialog.evaluate("element => element.open")
    tab_to(page, "select", "Till steg")
    page.keyboard.type("4")  # the option that begins with 4
    assert page.evaluate("document.activeElement.value") == "4"
    tab_to(page, "button", "Förhandsgranska")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Förhandsgranskning")).to_be_visible()
    tab_to(page, "button", "Spara", in_preview=True)
    page.keyboard.press("Space")

    expect(current_step(page)).to_contain_text("4 Studieförberedande kurs")
    assert page.url == f"{served.url}/cases/{case_id}"


SIGNED_IN_PAGES = {
    "today": "/",
    "cases": "/cases",
    "enrol": "/cases/new",
    "reports": "/reports",
    "import": "/import",
    "handover": "/handover",
    "accessibility": "/accessibility",
    "error": "/cases/999999999",
}


@pytest.mark.parametrize("path", SIGNED_IN_PAGES.values(), ids=SIGNED_IN_PAGES.keys())
def test_every_page_a_coordinator_opens_has_no_wcag_violation(
    karin: Page, served: Served, path: str
) -> None:
    answer = karin.goto(f"{served.url}{path}")
    assert answer is not None
    assert answer.status == (404 if path.endswith("999999999") else 200)
    assert_accessible(karin)


def test_every_report_page_has_no_wcag_violation(karin: Page, served: Served) -> None:
    karin.goto(f"{served.url}/reports")
    links = karin.get_by_role("main").locator("a[href^='/reports/']")
    reports = sorted({str(link.get_attribute("href")).split("?")[0] for link in links.all()})
    assert len(reports) >= 6
    for path in reports:
        karin.goto(f"{served.url}{path}")
        assert_accessible(karin)


def test_a_case_page_with_every_form_open_has_no_wcag_violation(
    karin: Page, served: Served
) -> None:
    karin.goto(f"{served.url}/cases?step=6")  # in a placement: follow-ups, meetings
    case = karin.get_by_role("region", name="Ärenden").get_by_role("link").first.inner_text()
    karin.goto(f"{served.url}/cases/{case}")
    karin.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
    assert karin.get_by_role("region", name="Uppföljningar").get_by_role("row").count() > 1
    assert_accessible(karin)


@pytest.mark.parametrize("path", ["/login", "/accessibility", "/no-such-page"])
def test_the_pages_before_signing_in_have_no_wcag_violation(
    page: Page, served: Served, path: str
) -> None:
    page.goto(f"{served.url}{path}")
    assert_accessible(page)


def test_the_server_logs_one_line_per_request_without_personal_data(
    anna: Page, served: Served
) -> None:
    page = anna
    case_id = enrol(page, served.url, "Lova Loggfri", on="2026-02-02")
    before = len(served.access_log())
    page.goto(f"{served.url}/cases/{case_id}")
    assert found(page, served, "Loggfri") == ["Lova Loggfri"]

    lines = served.access_log()[before:]
    routes = [(line["method"], line["route"], line["status"]) for line in lines]
    assert ("GET", "/cases/{case_id}", 200) in routes
    assert ("POST", "/cases/search", 200) in routes
    printed = "\n".join(served.out)
    assert "Loggfri" not in printed
    assert f"/cases/{case_id}" not in printed  # the route's pattern, not the address
