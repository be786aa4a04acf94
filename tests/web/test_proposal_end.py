"""Ending an accepted proposal (``kivo proposal end``) from the place page and the API,
on SQLite and PostgreSQL: the position is given back, a reason is needed, another
caseworker's proposal is unknown."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi import FastAPI

from pathway import directory, places, proposals
from pathway.context import Kivo
from tests.integration.support import Staff, table_contents
from tests.web.api_support import Api, api_app, caller, enrolled
from tests.web.conftest import Browser
from tests.web.test_places_pages import open_place

BrowserFor = Callable[[int], Browser]


@pytest.fixture(scope="module")
def colleague(web_kivo: Kivo, web_staff: Staff) -> int:
    worker = directory.add_caseworker(web_kivo, "Olof Kollega")
    assert worker.id is not None
    return worker.id


def accepted(kivo: Kivo, staff: Staff, caseworker_id: int) -> tuple[int, int]:
    """An open place of one position, taken by a case of ``caseworker_id``."""
    place = open_place(kivo, staff, positions=1)
    case_id = enrolled(kivo, caseworker_id)
    proposal = proposals.propose(kivo, place, case_id).id
    proposals.accept(kivo, proposal)
    return place, proposal


def test_the_place_page_ends_an_acceptance_with_its_reason_and_frees_the_position(
    web_kivo: Kivo, web_staff: Staff, browser_for: BrowserFor
) -> None:
    place, proposal = accepted(web_kivo, web_staff, web_staff.caseworker)
    me = browser_for(web_staff.caseworker)
    assert f'action="/proposals/{proposal}/end"' in me.get(f"/places/{place}")
    before = table_contents(web_kivo.database)

    refused = me.post(f"/proposals/{proposal}/end", {"place": str(place), "on": "2026-03-01"})
    assert refused.status_code == 400  # no reason
    assert 'value="2026-03-01"' in refused.text  # what was typed, kept
    assert table_contents(web_kivo.database) == before

    done = me.post(f"/proposals/{proposal}/end", {"place": str(place), "reason": "Flyttade"})

    assert done.status_code == 303, done.text
    assert places.show_place(web_kivo, place).free == 1
    assert [p.status for p in proposals.list_proposals(web_kivo, place_id=place)] == ["ended"]


def test_the_api_ends_an_acceptance_and_another_caseworkers_is_unknown(
    web_kivo: Kivo, web_staff: Staff, colleague: int
) -> None:
    app: FastAPI = api_app(web_kivo)
    anna: Api = caller(app, web_kivo, "Anna Avslut")
    _, mine = accepted(web_kivo, web_staff, anna.id)
    _, theirs = accepted(web_kivo, web_staff, colleague)

    ended = anna.post(f"/proposals/{mine}/end", {"reason": "moved away"})
    unknown = anna.post(f"/proposals/{theirs}/end", {"reason": "moved away"})

    assert ended.status_code == 200, ended.text
    assert ended.json()["status"] == "ended"
    assert unknown.status_code == 404
    assert proposals.show_proposal(web_kivo, theirs).status == "accepted"
