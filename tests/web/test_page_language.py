"""The pages' language (SQLite): Swedish by default, English when the browser asks for it,
and either one by the switch on every page, which remembers the choice and only ever
sends the reader back to a page of this site."""

from __future__ import annotations

from datetime import date

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from pathway import enrolment
from pathway.context import Kivo
from tests.integration.support import Staff, add_staff, fresh_personnummer
from tests.web.conftest import signed_in
from web.app import create_app


@pytest.fixture(scope="module")
def staff(sqlite_kivo: Kivo) -> Staff:
    return add_staff(sqlite_kivo)


@pytest.fixture(scope="module")
def app(sqlite_kivo: Kivo) -> FastAPI:
    return create_app(sqlite_kivo, dev_login=True, secure_cookies=False)


@pytest.fixture(scope="module")
def case_id(sqlite_kivo: Kivo, staff: Staff) -> int:
    return enrolment.enrol(
        sqlite_kivo,
        "Elsa Språksson",
        personnummer=fresh_personnummer("19900303"),
        caseworker_id=staff.caseworker,
        consent=True,
        on=date(2025, 12, 1),
    ).case_id


def test_a_page_answers_in_swedish_by_default(app: FastAPI, staff: Staff, case_id: int) -> None:
    me = signed_in(app, staff.caseworker)
    page = me.get(f"/cases/{case_id}")
    assert '<html lang="sv">' in page
    assert "Nästa steg" in page
    assert "Historik" in page
    assert 'lang="en" hreflang="en"' in page  # the switch offers English, named in English


def test_a_browser_asking_for_english_gets_the_pages_in_english(
    app: FastAPI, staff: Staff, case_id: int
) -> None:
    me = signed_in(app, staff.caseworker)
    me.client.headers["Accept-Language"] = "en-GB,en;q=0.9,sv;q=0.5"
    case = me.get(f"/cases/{case_id}")
    assert '<html lang="en">' in case
    assert me.client.get(f"/cases/{case_id}").headers["content-language"] == "en"
    assert "<h2" in case
    assert "Next moves" in case
    assert "History" in case
    assert "Historik" not in case
    assert "1 Clearer information about the occupation" in me.get("/cases")
    today = me.get("/")
    assert "<h1>Today 20" in today
    assert "Overdue follow-ups" in today


def test_an_error_page_follows_the_language_too(app: FastAPI) -> None:
    client = TestClient(app, raise_server_exceptions=False, follow_redirects=False)
    english = client.get("/no-such-page", headers={"Accept-Language": "en"})
    assert english.status_code == 404
    assert '<html lang="en">' in english.text
    assert "The page or the case does not exist." in english.text
    swedish = client.get("/no-such-page")
    assert '<html lang="sv">' in swedish.text
    assert "Sidan eller ärendet finns inte." in swedish.text


def test_the_switch_sets_the_language_and_the_next_request_keeps_it(
    app: FastAPI, staff: Staff, case_id: int
) -> None:
    me = signed_in(app, staff.caseworker)
    switched = me.client.get(f"/language/en?back=/cases/{case_id}")
    assert switched.status_code == 303
    assert switched.headers["location"] == f"/cases/{case_id}"
    assert '<html lang="en">' in me.get(f"/cases/{case_id}")
    assert '<html lang="en">' in me.get("/cases")
    # the choice wins over what the browser asks for, both ways
    me.client.headers["Accept-Language"] = "en"
    me.client.get("/language/sv?back=/cases")
    assert '<html lang="sv">' in me.get("/cases")


def test_the_switch_works_before_signing_in(app: FastAPI) -> None:
    client = TestClient(app, raise_server_exceptions=False, follow_redirects=False)
    assert client.get("/language/en?back=/login").headers["location"] == "/login"
    login = client.get("/login").text
    assert '<html lang="en">' in login
    assert "Sign in" in login


@pytest.mark.parametrize(
    "back",
    ["https://evil.example/", "//evil.example/x", "///evil.example", "/\\evil.example", ""],
)
def test_the_switch_never_sends_the_reader_off_the_site(app: FastAPI, back: str) -> None:
    client = TestClient(app, raise_server_exceptions=False, follow_redirects=False)
    answer = client.get("/language/en", params={"back": back})
    assert answer.status_code == 303
    assert answer.headers["location"] == "/"


def test_the_switch_refuses_a_language_kivo_does_not_have(app: FastAPI) -> None:
    client = TestClient(app, raise_server_exceptions=False, follow_redirects=False)
    answer = client.get("/language/de?back=/")
    assert answer.status_code == 404
    assert "kivo_lang" not in answer.headers.get("set-cookie", "")
