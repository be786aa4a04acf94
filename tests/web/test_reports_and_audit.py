"""Rapporter and Loggkontroll, on SQLite and PostgreSQL: every report as a table whose
figures link to the cases behind them, an SVG chart with its text alternative, the table
as CSV and xlsx; the access log's page for coordinators (a caseworker gets 404)."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import date

import pytest
from openpyxl import load_workbook

from pathway import directory, moves
from pathway.context import Kivo
from states.case import Outcome
from states.steps import Step
from tests.integration.support import Staff
from tests.web.api_support import enrolled
from tests.web.conftest import Browser

BrowserFor = Callable[[int], Browser]
REPORTS = ("funnel", "outcomes", "time-in-step", "lead-time", "targets", "overdue")


@pytest.fixture(scope="module")
def own(web_kivo: Kivo) -> tuple[int, int, int]:
    """A caseworker of their own, with one case in step 1 and one only enrolled."""
    worker = directory.add_caseworker(web_kivo, "Rut Rapport").id
    assert worker is not None
    moved = enrolled(web_kivo, worker, on=date(2026, 1, 10))
    moves.advance(web_kivo, moved, Step.INFORMATION, on=date(2026, 1, 12), by=worker)
    return worker, moved, enrolled(web_kivo, worker, on=date(2026, 1, 10))


def test_every_report_draws_a_chart_with_its_numbers_in_words_or_a_table(
    own: tuple[int, int, int], browser_for: BrowserFor
) -> None:
    me = browser_for(own[0])
    for name in REPORTS:
        page = me.get(f"/reports/{name}")
        assert f'href="/reports/{name}/download?format=csv"' in page
        assert f'href="/reports/{name}/download?format=xlsx"' in page
        if "<svg" in page:
            assert 'role="img"' in page
            assert "<desc" in page
    for name in ("funnel", "time-in-step", "lead-time"):  # each has figures to draw
        assert '<svg role="img"' in me.get(f"/reports/{name}")
    funnel = me.get("/reports/funnel")
    description = re.search(r"<desc[^>]*>(.*?)</desc>", funnel, re.S)
    assert description is not None
    assert "1 Tydligare information om yrket: 1" in description.group(1)


def test_a_funnel_figure_links_to_exactly_the_cases_behind_it(
    own: tuple[int, int, int], browser_for: BrowserFor
) -> None:
    worker, moved, waiting = own
    me = browser_for(worker)
    page = me.get("/reports/funnel")
    link = "/cases?step=1&amp;status=active"
    assert f'<a href="{link}">1<span class="visually-hidden">' in page
    listed = me.get(link.replace("&amp;", "&"))
    assert f'href="/cases/{moved}"' in listed
    assert f'href="/cases/{waiting}"' not in listed
    in_step = me.get("/reports/time-in-step")
    assert 'href="/cases?step=1&amp;status=active"' in in_step


def test_a_report_downloads_as_csv_and_xlsx_with_the_rows_the_page_shows(
    own: tuple[int, int, int], browser_for: BrowserFor
) -> None:
    me = browser_for(own[0])
    csv_file = me.client.get("/reports/funnel/download?format=csv")
    assert csv_file.status_code == 200
    assert csv_file.headers["content-type"].startswith("text/csv")
    assert 'filename="funnel.csv"' in csv_file.headers["content-disposition"]
    lines = csv_file.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "state,cases"
    assert {"enrolled,1", "1,1", "2,0"} <= set(lines)  # the caseworker's own two cases

    xlsx_file = me.client.get("/reports/time-in-step/download?format=xlsx&year=2026")
    assert xlsx_file.status_code == 200
    assert 'filename="time-in-step-2026.xlsx"' in xlsx_file.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(xlsx_file.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("step", "closed")
    open_stays = rows[0].index("open")
    assert [(row[0], row[open_stays]) for row in rows[1:]] == [(1, 1)]  # step 1: one case
    assert me.client.get("/reports/funnel/download?format=pdf").status_code == 400
    assert me.client.get("/reports/nope/download?format=csv").status_code == 404


def test_the_access_log_page_is_a_coordinators_and_filters_by_case_caseworker_and_days(
    web_staff: Staff, own: tuple[int, int, int], browser_for: BrowserFor
) -> None:
    worker, moved, _ = own
    me, lead = browser_for(worker), browser_for(web_staff.coordinator)
    me.get(f"/cases/{moved}")
    assert me.client.get("/audit").status_code == 404
    assert 'href="/audit"' not in me.get("/")
    assert 'href="/audit"' in lead.get("/")

    page = lead.get(f"/audit?case={moved}&caseworker={worker}&from=2026-03-02&to=2026-03-02")
    rows = re.findall(r"<tr><td><time.*?</tr>", page)
    assert rows, "the caseworker's read of the case is listed"
    assert all(f'href="/cases/{moved}"' in row and "Rut Rapport" in row for row in rows)
    assert any("<td>read</td>" in row for row in rows)
    assert "Inga rader." in lead.get(f"/audit?case={moved}&from=2026-03-03")
    assert lead.client.get("/audit?from=2026-13-01").status_code == 400
    assert lead.client.get("/audit?from=2026-03-05&to=2026-03-01").status_code == 400


def test_an_outcome_figure_links_to_exactly_the_exited_cases_behind_it(
    web_kivo: Kivo, browser_for: BrowserFor
) -> None:
    worker = directory.add_caseworker(web_kivo, "Ulf Utfall").id
    assert worker is not None
    moved, declined, still_open = (
        enrolled(web_kivo, worker, on=date(2026, 1, 10)) for _ in range(3)
    )
    for case_id, outcome in ((moved, Outcome.MOVED), (declined, Outcome.DECLINED)):
        moves.exit_case(web_kivo, case_id, outcome=outcome, on=date(2026, 2, 20), by=worker)
    me = browser_for(worker)
    page = me.get("/reports/outcomes?year=2026")
    link = (
        "/cases?gender=woman&amp;outcome=moved&amp;closed_from=2026-01-01&amp;closed_to=2026-12-31"
    )
    assert f'<a href="{link}">1<span class="visually-hidden">' in page
    listed = me.get(link.replace("&amp;", "&"))
    assert "Avslutade ärenden, kvinna" in listed
    assert f'href="/cases/{moved}"' in listed
    assert f'href="/cases/{declined}"' not in listed
    assert f'href="/cases/{still_open}"' not in listed
    before = me.get("/cases?outcome=moved&closed_from=2026-01-01&closed_to=2026-02-19")
    assert f'href="/cases/{moved}"' not in before  # it closed after that period
    for bad in ("gender=robot", "closed_from=2026-01-01", "outcome=employed&closed_to=x"):
        assert me.client.get(f"/cases?{bad}").status_code == 400
