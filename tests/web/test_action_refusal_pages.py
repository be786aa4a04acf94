"""A refusal met through a case's forms is said on the page in Swedish (the pages'
default), naming the page's fields and forms rather than the CLI's options."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from pathway.context import Kivo
from tests.integration.support import Staff
from tests.web.api_support import enrolled
from tests.web.conftest import Browser

BrowserFor = Callable[[int], Browser]


def test_an_extension_before_the_planned_end_is_refused_in_swedish_naming_the_forms(
    web_kivo: Kivo, web_staff: Staff, browser_for: BrowserFor
) -> None:
    me = browser_for(web_staff.caseworker)
    case_id = enrolled(web_kivo, web_staff.caseworker, on=date(2026, 1, 15))
    place = {"workplace": str(web_staff.workplace), "supervisor": str(web_staff.supervisor)}
    form = {"kind": "advance", "step": "2", "on": "2026-02-01", "until": "2026-05-01", **place}
    assert me.post(f"/cases/{case_id}/moves", {**form, "intent": "save"}).status_code == 303

    refused = me.post(f"/cases/{case_id}/placement", {"kind": "extend", "until": "2026-04-01"})

    assert refused.status_code == 400, refused.text
    assert "det nya slutet 2026-04-01 måste komma efter det nu planerade slutet 2026-05-01" in (
        refused.text
    )
    assert "placeringens formulär på ärendesidan" in refused.text
    assert "kivo placement end" not in refused.text
    assert "must come after" not in refused.text


def test_a_meeting_before_the_case_opened_is_refused_in_swedish(
    web_kivo: Kivo, web_staff: Staff, browser_for: BrowserFor
) -> None:
    me = browser_for(web_staff.caseworker)
    case_id = enrolled(web_kivo, web_staff.caseworker, on=date(2026, 2, 1))

    refused = me.post(f"/cases/{case_id}/meetings", {"at": "2026-01-20T10:00"})

    assert refused.status_code == 400, refused.text
    assert f"mötets dag 2026-01-20 är före att ärende {case_id} öppnades (2026-02-01)" in (
        refused.text
    )
