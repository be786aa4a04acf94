"""The workspace with a protected participant (SQLite and PostgreSQL): the case page
shows the initials and a masked personnummer, and the coordinator's log review page
lists the read; a caseworker is answered as if the review page did not exist."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from pathway import enrolment
from pathway.context import Kivo
from pathway.protection import protect_participant
from tests.integration.support import Staff, fresh_personnummer
from tests.web.conftest import Browser

NAME = "Zelda Quist"


@pytest.fixture(scope="module")
def protected_case(web_kivo: Kivo, web_staff: Staff) -> int:
    case_id = enrolment.enrol(
        web_kivo,
        NAME,
        personnummer=fresh_personnummer("19870605"),
        caseworker_id=web_staff.caseworker,
        consent=True,
        on=date(2026, 1, 12),
    ).case_id
    protect_participant(web_kivo, case_id, reason="beslut", by=web_staff.coordinator)
    return case_id


def test_the_case_page_of_a_protected_person_shows_only_the_initials(
    browser_for: Callable[[int], Browser], web_staff: Staff, protected_case: int
) -> None:
    for who in (web_staff.caseworker, web_staff.coordinator):
        page = browser_for(who).get(f"/cases/{protected_case}")
        assert "Z. Q." in page
        assert "Zelda" not in page
        assert "19870605-****" in page


def test_the_coordinators_review_lists_the_read_of_the_protected_case(
    browser_for: Callable[[int], Browser], web_staff: Staff, protected_case: int
) -> None:
    browser_for(web_staff.caseworker).get(f"/cases/{protected_case}")

    page = browser_for(web_staff.coordinator).get("/audit/review?month=2026-03")

    assert "<h1>Loggkontroll 2026-03</h1>" in page
    assert f"<td>{protected_case}</td>" in page
    assert "skyddade personuppgifter" in page
    assert "Zelda" not in page


def test_a_caseworker_gets_no_review_page(
    browser_for: Callable[[int], Browser], web_staff: Staff
) -> None:
    response = browser_for(web_staff.caseworker).client.get("/audit/review?month=2026-03")
    assert response.status_code == 404


def test_a_bad_month_is_answered_400_naming_it(
    browser_for: Callable[[int], Browser], web_staff: Staff
) -> None:
    response = browser_for(web_staff.coordinator).client.get("/audit/review?month=2026-13")
    assert response.status_code == 400
    assert "is not a month" in response.text
