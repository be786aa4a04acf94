"""The pages as a browser gets them (SQLite): Swedish, semantic (landmarks, headings, a
label for every field, a skip link), signed in or sent to /login, with clear error pages
and the security headers on every answer."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import date
from html.parser import HTMLParser

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from pathway import directory, enrolment, handover
from pathway.context import Kivo
from tests.integration.support import Staff, add_staff, fresh_personnummer
from tests.web.conftest import Browser, signed_in
from web.app import create_app


@pytest.fixture(scope="module")
def staff(sqlite_kivo: Kivo) -> Staff:
    return add_staff(sqlite_kivo)


@pytest.fixture(scope="module")
def app(sqlite_kivo: Kivo) -> FastAPI:
    return create_app(sqlite_kivo, dev_login=True, secure_cookies=False)


PERSONNUMMER = fresh_personnummer("19850505")


@pytest.fixture(scope="module")
def case_id(sqlite_kivo: Kivo, staff: Staff) -> int:
    return enrolment.enrol(
        sqlite_kivo,
        "Amira Testsson",
        personnummer=PERSONNUMMER,
        caseworker_id=staff.caseworker,
        consent=True,
        on=date(2025, 12, 1),
    ).case_id


@pytest.fixture
def me(app: FastAPI, staff: Staff) -> Browser:
    return signed_in(app, staff.caseworker)


class Structure(HTMLParser):
    """What an accessibility scan looks at first: the language, landmarks, headings, the
    skip link, and the fields each with a label."""

    def __init__(self) -> None:
        super().__init__()
        self.lang: str | None = None
        self.tags: list[str] = []
        self.labelled: set[str] = set()
        self.fields: list[str] = []
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.tags.append(tag)
        if tag == "html":
            self.lang = found.get("lang")
        if tag == "label" and found.get("for"):
            self.labelled.add(str(found["for"]))
        if tag in ("input", "select", "textarea") and found.get("type") != "hidden":
            self.fields.append(str(found.get("id")))
        if tag == "a" and found.get("href"):
            self.links.append(str(found["href"]))


def structure_of(page: str) -> Structure:
    parsed = Structure()
    parsed.feed(page)
    return parsed


def test_every_page_is_swedish_with_landmarks_a_skip_link_and_a_label_for_every_field(
    me: Browser, case_id: int
) -> None:
    for url in ("/", "/cases", f"/cases/{case_id}", "/accessibility", "/login"):
        page = structure_of(me.get(url))
        assert page.lang == "sv", url
        for landmark in ("header", "main", "footer", "h1"):
            assert landmark in page.tags, (url, landmark)
        assert page.links[0] == "#innehall", url
        unlabelled = [field for field in page.fields if field not in page.labelled]
        assert unlabelled == [], url


def test_the_case_page_draws_the_path_masks_the_personnummer_and_shows_why_a_move_is_blocked(
    me: Browser, case_id: int
) -> None:
    page = me.get(f"/cases/{case_id}")
    assert page.count("<li") >= 9
    assert "Tillsvidareanställning" in page
    assert PERSONNUMMER not in page
    assert f"{PERSONNUMMER[:8]}-{PERSONNUMMER[8:]}" not in page
    assert f"{PERSONNUMMER[:8]}-****" in page
    assert "Spärras av:" in page  # a workplace step needs a placement: shown, disabled
    assert "disabled" in page


def test_opening_a_case_page_is_logged_with_who_read_it_and_from_where(
    sqlite_kivo: Kivo, staff: Staff, me: Browser, case_id: int
) -> None:
    from pathway.audit import access_reads

    def reads() -> list[tuple[int | None, str, str | None]]:
        rows = access_reads(sqlite_kivo, actor=staff.coordinator, case_id=case_id, limit=0).rows
        return [(r.caseworker_id, r.action, r.address) for r in rows if r.action == "read"]

    before = reads()
    me.get(f"/cases/{case_id}")
    assert reads() == [*before, (staff.caseworker, "read", "testclient")]


def test_without_a_session_pages_lead_to_the_sign_in_page(app: FastAPI, case_id: int) -> None:
    anonymous = TestClient(app, follow_redirects=False)
    for url in ("/", "/cases", f"/cases/{case_id}"):
        answer = anonymous.get(url)
        assert answer.status_code == 303
        assert answer.headers["location"] == "/login"


def test_a_deactivated_caseworker_is_signed_out_at_the_next_click(
    sqlite_kivo: Kivo, app: FastAPI, staff: Staff
) -> None:
    leaving = directory.add_caseworker(sqlite_kivo, "Lena Slutar")
    assert leaving.id is not None
    browser = signed_in(app, leaving.id)
    assert browser.client.get("/").status_code == 200
    handover.deactivate_caseworker(sqlite_kivo, leaving.id, by=staff.coordinator)
    assert browser.client.get("/").headers["location"] == "/login"


def test_every_page_signs_out_a_caseworker_deactivated_since_signing_in(
    sqlite_kivo: Kivo, app: FastAPI, staff: Staff, case_id: int
) -> None:
    leaving = directory.add_caseworker(sqlite_kivo, "Lars Slutar")
    assert leaving.id is not None
    urls = ("/", "/cases", f"/cases/{case_id}")
    browsers = {url: signed_in(app, leaving.id) for url in urls}
    handover.deactivate_caseworker(sqlite_kivo, leaving.id, by=staff.coordinator)
    for url, browser in browsers.items():
        answer = browser.client.get(url)
        assert (url, answer.status_code, answer.headers["location"]) == (url, 303, "/login")
        assert browser.client.get("/cases").headers["location"] == "/login"  # signed out


def test_dev_login_lists_active_caseworkers_and_without_it_names_the_provider(
    sqlite_kivo: Kivo, app: FastAPI, staff: Staff
) -> None:
    listing = TestClient(app).get("/login").text
    assert "Hanna Handläggare" in listing
    assert "Cecilia Samordnare" in listing
    closed = TestClient(create_app(sqlite_kivo, dev_login=False, secret_key="k" * 32))
    page = closed.get("/login").text
    assert "organisationens inloggningstjänst" in page
    assert "Hanna" not in page
    token = page.split('name="csrf-token" content="')[1].split('"')[0]
    chosen = {"caseworker_id": str(staff.caseworker), "csrf_token": token}
    assert closed.post("/login", data=chosen, follow_redirects=False).status_code == 403


def test_search_is_a_post_and_finds_only_the_caseworkers_own_cases(
    me: Browser, case_id: int
) -> None:
    found = me.post("/cases/search", {"q": "Amira"})
    assert found.status_code == 200
    assert f'href="/cases/{case_id}"' in found.text


def test_today_counts_link_to_their_lists(me: Browser, case_id: int) -> None:
    page = me.get("/")
    for anchor in ("#idag", "#forsenade", "#moten", "#slutar", "#stilla"):
        assert f'href="{anchor}"' in page
    assert f'href="/cases/{case_id}"' in page  # enrolled in December: idle 60 days


def test_error_pages_are_swedish_and_never_a_traceback(sqlite_kivo: Kivo, me: Browser) -> None:
    missing = me.client.get("/ingen-sida")
    assert missing.status_code == 404
    assert "finns inte" in missing.text
    assert 'lang="sv"' in missing.text
    too_big = me.client.post("/cases/search", content=b"q=" + b"a" * 1_100_000)
    assert too_big.status_code == 413
    assert "för stort" in too_big.text
    broken = create_app(sqlite_kivo, dev_login=True)

    @broken.get("/fel")
    def fails() -> None:
        raise RuntimeError("secret detail")

    answer = TestClient(broken, raise_server_exceptions=False).get("/fel")
    assert answer.status_code == 500
    assert "oväntat fel" in answer.text
    assert "secret detail" not in answer.text
    assert "Traceback" not in answer.text


def test_every_answer_carries_a_csp_without_inline_script_and_a_safe_cookie(
    sqlite_kivo: Kivo, me: Browser, app: FastAPI
) -> None:
    answer = me.client.get("/")
    policy = answer.headers["content-security-policy"]
    assert "default-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "<script>" not in answer.text  # every script is a file
    fresh = TestClient(app).get("/login")
    cookie = fresh.headers["set-cookie"].lower()
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    secure = TestClient(create_app(sqlite_kivo, dev_login=True))
    assert "secure" in secure.get("/login").headers["set-cookie"].lower()


def test_health_checks_answer_for_a_load_balancer(me: Browser) -> None:
    assert me.client.get("/healthz").json() == {"status": "ok"}
    ready = me.client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["status"] == "ready"


@pytest.fixture
def access_lines(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    with caplog.at_level(logging.INFO, logger="kivo.web.access"):
        yield caplog


def test_one_access_log_line_per_request_without_what_was_typed(
    me: Browser, case_id: int, access_lines: pytest.LogCaptureFixture
) -> None:
    access_lines.clear()
    me.client.get(f"/cases/{case_id}?q=19850505-1234")
    me.post("/cases/search", {"q": "Amira"})
    lines = [json.loads(r.getMessage()) for r in access_lines.records]
    assert [line["route"] for line in lines] == ["/cases/{case_id}", "/cases/search"]
    assert all(line["status"] == 200 for line in lines)
    text = " ".join(r.getMessage() for r in access_lines.records)
    assert "19850505" not in text
    assert "Amira" not in text


def test_the_case_list_filters_and_refuses_a_filter_that_cannot_be(me: Browser) -> None:
    assert "Inga ärenden matchar." in me.get("/cases?programme=PRAKTIK&status=active")
    for url in ("/cases?programme=NOPE", "/cases?step=12", "/cases?after=x"):
        refused = me.client.get(url)
        assert refused.status_code == 400, url
        assert "Uppgifterna kunde inte användas." in refused.text


def test_readyz_answers_503_naming_kivo_init_once_the_schema_is_behind(sqlite_url: str) -> None:
    import sqlite3
    from contextlib import closing

    from pathway.bootstrap import bootstrap

    kivo = bootstrap(sqlite_url)
    try:
        client = TestClient(create_app(kivo, dev_login=True))
        assert client.get("/readyz").status_code == 200
        with closing(sqlite3.connect(sqlite_url.removeprefix("sqlite:///"))) as db, db:
            db.execute("UPDATE alembic_version SET version_num = '0001'")
        behind = client.get("/readyz")
        assert behind.status_code == 503
        assert "kivo init" in behind.json()["problem"]
        assert client.get("/healthz").status_code == 200  # the process itself is up
    finally:
        kivo.close()


def test_an_address_no_route_matches_is_logged_without_what_was_typed(
    me: Browser, access_lines: pytest.LogCaptureFixture
) -> None:
    access_lines.clear()
    me.client.get("/Amira-Testsson/19850505")
    (line,) = [json.loads(r.getMessage()) for r in access_lines.records]
    assert line["route"] == "(no route)"
    assert line["status"] == 404


@pytest.mark.parametrize(
    "name", ["funnel", "outcomes", "time-in-step", "lead-time", "targets", "overdue"]
)
def test_every_report_page_renders_semantic_swedish_html(
    me: Browser, case_id: int, name: str
) -> None:
    page = me.get(f"/reports/{name}")
    parsed = structure_of(page)
    assert parsed.lang == "sv"
    assert "table" in parsed.tags or "dl" in parsed.tags
    assert [field for field in parsed.fields if field not in parsed.labelled] == []


def test_the_funnel_counts_the_caseworkers_own_cases_and_links_to_them(
    me: Browser, app: FastAPI, staff: Staff, case_id: int
) -> None:
    page = me.get("/reports/funnel")
    assert '<svg role="img"' in page
    assert "<title" in page  # the chart's text alternative
    assert "<tr><td>inskrivet</td><td>1</td></tr>" in page  # the one case enrolled
    boss = signed_in(app, staff.coordinator).get("/reports/funnel")
    assert "hela organisationen" in boss
    assert "din ärendelista" in page
    assert me.client.get("/reports/nope").status_code == 404
    assert me.client.get("/reports/funnel?year=1066").status_code == 400
