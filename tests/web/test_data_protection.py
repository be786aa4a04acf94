"""The data-protection page, on SQLite and PostgreSQL: a coordinator downloads a person's
register extract as JSON or PDF (logged as a read of their case); to a caseworker the
page does not exist; the form needs the session's CSRF token; bad input is the form
again with the sentence."""

from __future__ import annotations

from collections.abc import Callable

from pathway import enrolment
from pathway.audit import access_reads
from pathway.context import Kivo
from tests.integration.support import Staff, fresh_personnummer
from tests.web.conftest import Browser

BrowserFor = Callable[[int], Browser]


def enrolled(kivo: Kivo, staff: Staff, name: str) -> tuple[int, str]:
    pnr = fresh_personnummer("19920315")
    case_id = enrolment.enrol(
        kivo, name, personnummer=pnr, caseworker_id=staff.caseworker, consent=True
    ).case_id
    return case_id, pnr


def extract_reads(kivo: Kivo, staff: Staff, case_id: int) -> int:
    rows = access_reads(kivo, actor=staff.coordinator, case_id=case_id, limit=0).rows
    return sum(row.action == "extract" for row in rows)


def test_a_coordinator_downloads_the_json_extract_and_it_is_logged(
    web_kivo: Kivo, web_staff: Staff, browser_for: BrowserFor
) -> None:
    case_id, pnr = enrolled(web_kivo, web_staff, "Greta Webbsson")
    boss = browser_for(web_staff.coordinator)
    assert 'href="/data-protection"' in boss.get("/")
    assert "Registerutdrag" in boss.get("/data-protection")

    got = boss.post("/data-protection/extract", {"person": pnr, "format": "json"})

    assert got.status_code == 200
    assert got.headers["content-type"].startswith("application/json")
    assert got.headers["content-disposition"].startswith("attachment;")
    assert got.headers["cache-control"] == "no-store"
    document = got.json()
    assert (document["person"]["name"], document["person"]["personnummer"]) == (
        "Greta Webbsson",
        pnr,
    )
    assert [case["id"] for case in document["cases"]] == [case_id]
    assert extract_reads(web_kivo, web_staff, case_id) == 1


def test_a_coordinator_downloads_the_pdf_extract(
    web_kivo: Kivo, web_staff: Staff, browser_for: BrowserFor
) -> None:
    _, pnr = enrolled(web_kivo, web_staff, "Pelle Pdf")
    boss = browser_for(web_staff.coordinator)

    got = boss.post("/data-protection/extract", {"person": pnr, "format": "pdf"})

    assert got.status_code == 200
    assert got.headers["content-type"] == "application/pdf"
    assert got.content.startswith(b"%PDF-")


def test_to_a_caseworker_the_page_does_not_exist_and_nothing_is_made(
    web_kivo: Kivo, web_staff: Staff, browser_for: BrowserFor
) -> None:
    case_id, pnr = enrolled(web_kivo, web_staff, "Hemlig Hansson")
    me = browser_for(web_staff.caseworker)

    assert me.client.get("/data-protection").status_code == 404
    assert me.post("/data-protection/extract", {"person": pnr}).status_code == 404
    assert 'href="/data-protection"' not in me.get("/")
    assert extract_reads(web_kivo, web_staff, case_id) == 0


def test_the_form_needs_the_sessions_csrf_token(
    web_kivo: Kivo, web_staff: Staff, browser_for: BrowserFor
) -> None:
    case_id, pnr = enrolled(web_kivo, web_staff, "Cecilia Csrf")
    boss = browser_for(web_staff.coordinator)

    forged = boss.client.post("/data-protection/extract", data={"person": pnr})

    assert forged.status_code == 403
    assert extract_reads(web_kivo, web_staff, case_id) == 0


def test_bad_input_shows_the_form_again_with_the_sentence(
    web_kivo: Kivo, web_staff: Staff, browser_for: BrowserFor
) -> None:
    boss = browser_for(web_staff.coordinator)

    unknown = boss.post("/data-protection/extract", {"person": "999999", "format": "pdf"})
    missing = boss.post("/data-protection/extract", {"person": "", "format": "pdf"})
    fmt = boss.post("/data-protection/extract", {"person": "1", "format": "docx"})

    assert unknown.status_code == 404
    assert "ingen person med id 999999" in unknown.text  # the page says it in Swedish
    assert missing.status_code == 400
    assert "Ange personens id eller personnummer" in missing.text
    assert fmt.status_code == 400
    assert "använd json eller pdf" in fmt.text  # the format named as the form's, in Swedish
    assert "--format" not in fmt.text
    assert all('role="alert"' in r.text for r in (unknown, missing, fmt))
