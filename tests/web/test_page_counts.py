"""A page says a number with the form it takes: "1 ärende bakom siffran", "2 ärenden
avslutades" in Swedish, "1 case was closed" in English, never "1 ärenden"."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from pathway import directory, moves
from pathway.context import Kivo
from states.case import Outcome
from states.steps import Step
from tests.web.api_support import enrolled
from tests.web.conftest import Browser

BrowserFor = Callable[[int], Browser]


def test_a_report_figure_of_one_case_says_ett_arende(
    web_kivo: Kivo, browser_for: BrowserFor
) -> None:
    worker = directory.add_caseworker(web_kivo, "Rakel Räkning").id
    assert worker is not None
    moved = enrolled(web_kivo, worker, on=date(2026, 1, 10))
    moves.advance(web_kivo, moved, Step.INFORMATION, on=date(2026, 1, 12), by=worker)
    page = browser_for(worker).get("/reports/funnel")
    assert '1<span class="visually-hidden"> ärende bakom siffran</span>' in page
    assert "1 ärenden" not in page


def test_the_closed_cases_of_a_year_are_counted_in_the_pages_language(
    web_kivo: Kivo, browser_for: BrowserFor
) -> None:
    worker = directory.add_caseworker(web_kivo, "Stig Summa").id
    assert worker is not None
    case_id = enrolled(web_kivo, worker, on=date(2026, 1, 10))
    moves.exit_case(web_kivo, case_id, outcome=Outcome.MOVED, on=date(2026, 2, 20), by=worker)
    me = browser_for(worker)
    assert "<p>1 ärende avslutades " in me.get("/reports/outcomes?year=2026")
    english = me.client.get("/reports/outcomes?year=2026", headers={"Accept-Language": "en"})
    assert "<p>1 case was closed " in english.text
    other = enrolled(web_kivo, worker, on=date(2026, 1, 10))
    moves.exit_case(web_kivo, other, outcome=Outcome.DECLINED, on=date(2026, 2, 21), by=worker)
    assert "<p>2 ärenden avslutades " in me.get("/reports/outcomes?year=2026")
