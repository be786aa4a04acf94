"""The coordinator's retention page (/retention) on SQLite and PostgreSQL: the plan for
a day, and the apply button (CSRF) with its result; anyone else finds no such page."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from pathway.context import Kivo
from states.retention import default_schedule_text
from tests.integration.retention_support import closed_case, held, removals
from tests.integration.support import Staff, table_contents
from tests.web.conftest import Browser

DESTROYED = ("notes", "meetings", "reminders", "access_log")


@pytest.fixture(autouse=True)
def at_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A schedule under which everything it destroys is due the day a case closes."""
    path = tmp_path / "at-once.toml"
    text = (
        default_schedule_text().replace('"2 years"', '"0 months"').replace('"1 year"', '"0 months"')
    )
    path.write_text(
        text.replace('reference = "DEFAULT', 'reference = "KS 2026/17 DEFAULT'), encoding="utf-8"
    )
    monkeypatch.setenv("KIVO_RETENTION", str(path))


def test_a_coordinator_sees_the_plan_by_case_id_and_applies_it(
    web_kivo: Kivo, web_staff: Staff, browser_for: Callable[[int], Browser]
) -> None:
    case_id = closed_case(web_kivo, web_staff, name="Petra Planlagd")
    coordinator = browser_for(web_staff.coordinator)

    shown = coordinator.get("/retention?on=2026-03-02")

    assert "<h1>Gallring</h1>" in shown
    assert f"<tr><td>{case_id}</td><td>anteckningar och skäl</td>" in shown
    assert "KS 2026/17" in shown
    assert "Petra" not in shown
    done = coordinator.post("/retention", {"on": "2026-03-02"})
    assert done.status_code == 200, done.text
    assert "Gallrat" in done.text
    assert all(held(web_kivo.database, case_id)[kind] == 0 for kind in DESTROYED)
    assert case_id in [case for case, *_ in removals(web_kivo.database)]


def test_a_caseworker_finds_no_retention_page(
    web_kivo: Kivo, web_staff: Staff, browser_for: Callable[[int], Browser]
) -> None:
    closed_case(web_kivo, web_staff, name="Cilla Caseworker")
    caseworker = browser_for(web_staff.caseworker)
    before = table_contents(web_kivo.database)

    assert caseworker.client.get("/retention").status_code == 404
    assert caseworker.post("/retention", {"on": "2026-03-02"}).status_code == 404
    assert table_contents(web_kivo.database) == before


def test_apply_without_the_csrf_token_or_for_a_future_day_writes_nothing(
    web_kivo: Kivo, web_staff: Staff, browser_for: Callable[[int], Browser]
) -> None:
    closed_case(web_kivo, web_staff, name="Fredrik Framtid")
    coordinator = browser_for(web_staff.coordinator)
    before = table_contents(web_kivo.database)

    forged = coordinator.client.post("/retention", data={"on": "2026-03-02"})
    future = coordinator.post("/retention", {"on": "2026-03-03"})

    assert forged.status_code == 403
    assert future.status_code == 400
    assert "2026-03-03 ligger i framtiden" in future.text  # the page says it in Swedish
    assert table_contents(web_kivo.database) == before
