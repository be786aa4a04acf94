"""The employer side in the workspace, on SQLite and PostgreSQL: places (list, add, the
lifecycle), the ranked candidates with their reasons and "why not", proposals (propose,
accept, decline), the employer page with its contact log, and the matching places on a
case. The same use cases as the CLI, the signed-in caseworker as the actor: a
caseworker ranks and proposes their own caseload, a coordinator every case; another's
case answers as unknown; a refused or forged post writes nothing."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from pathway import directory, places, proposals
from pathway.context import Kivo
from pathway.views import read_case
from tests.integration.support import Staff, table_contents
from tests.web.api_support import enrolled
from tests.web.conftest import Browser

BrowserFor = Callable[[int], Browser]


@pytest.fixture(scope="module")
def colleague(web_kivo: Kivo, web_staff: Staff) -> int:
    worker = directory.add_caseworker(web_kivo, "Olof Kollega")
    assert worker.id is not None
    return worker.id


def open_place(kivo: Kivo, staff: Staff, positions: int = 1) -> int:
    place = places.add_place(
        kivo,
        staff.workplace,
        title="Bagerilärling",
        positions=positions,
        steps=[2],
        supervisor_id=staff.supervisor,
    ).place_id
    places.agree_place(kivo, place)
    places.open_place(kivo, place)
    return place


def new_place_form(staff: Staff, **changes: str) -> dict[str, str]:
    return {
        "workplace": str(staff.workplace),
        "title": "Kökshjälp",
        "positions": "2",
        "steps": "2,7",
        "supervisor": str(staff.supervisor),
        "hours": "30",
        "requires": "swedish:a2",
        "tasks": "Diska\nDuka",
        **changes,
    }


def test_a_caseworker_adds_a_place_through_the_form_and_finds_it_in_the_list(
    web_kivo: Kivo, web_staff: Staff, browser_for: BrowserFor
) -> None:
    me = browser_for(web_staff.caseworker)
    assert 'action="/places/new"' in me.get("/places/new")
    done = me.post("/places/new", new_place_form(web_staff))
    assert done.status_code == 303
    place_id = int(done.headers["location"].rsplit("/", 1)[1])
    view = places.show_place(web_kivo, place_id)
    assert (view.status, view.positions, view.steps, view.tasks) == (
        "contact",
        2,
        [2, 7],
        ["Diska", "Duka"],
    )
    assert view.history[0].by_id == web_staff.caseworker
    listed = me.get("/places?status=contact&step=7")
    assert f'href="/places/{place_id}"' in listed
    assert f'href="/places/{place_id}"' not in me.get("/places?status=open")


def test_a_place_without_steps_is_refused_naming_the_field_and_writes_nothing(
    web_kivo: Kivo, web_staff: Staff, browser_for: BrowserFor
) -> None:
    me = browser_for(web_staff.caseworker)
    before = table_contents(web_kivo.database)
    refused = me.post("/places/new", new_place_form(web_staff, steps=""))
    assert refused.status_code == 400
    assert "en plats behöver de steg den passar för (fältet Steg 2,7)" in refused.text
    assert 'value="Kökshjälp"' in refused.text
    assert me.post("/places/new", new_place_form(web_staff, steps="4")).status_code == 400
    assert table_contents(web_kivo.database) == before


def test_the_lifecycle_forms_agree_open_and_cancel_with_a_reason(
    web_kivo: Kivo, web_staff: Staff, browser_for: BrowserFor
) -> None:
    me = browser_for(web_staff.coordinator)
    place = places.add_place(
        web_kivo, web_staff.workplace, title="Vaktmästare", positions=1, steps=[2]
    ).place_id
    page = me.get(f"/places/{place}")
    assert 'name="action" value="agree"' in page
    assert 'name="action" value="cancel"' in page
    assert me.post(f"/places/{place}/status", {"action": "agree"}).status_code == 303
    assert me.post(f"/places/{place}/status", {"action": "open"}).status_code == 303
    before = table_contents(web_kivo.database)
    refused = me.post(f"/places/{place}/status", {"action": "cancel", "reason": ""})
    assert refused.status_code == 400
    assert "att avbryta en plats kräver fältet Skäl" in refused.text
    assert me.post(f"/places/{place}/status", {"action": "agree"}).status_code == 422
    assert table_contents(web_kivo.database) == before
    done = me.post(f"/places/{place}/status", {"action": "cancel", "reason": "No budget"})
    assert done.status_code == 303
    view = places.show_place(web_kivo, place)
    assert [e.kind for e in view.history][-3:] == ["agreed", "opened", "cancelled"]
    assert view.history[-1].by_id == web_staff.coordinator


def test_candidates_are_ranked_with_their_reasons_from_the_caseworkers_own_caseload(
    web_kivo: Kivo, web_staff: Staff, colleague: int, browser_for: BrowserFor
) -> None:
    place = open_place(web_kivo, web_staff)
    mine = enrolled(web_kivo, web_staff.caseworker)
    theirs = enrolled(web_kivo, colleague)
    page = browser_for(web_staff.caseworker).get(f"/places/{place}")
    assert f'href="/cases/{mine}"' in page
    assert f'href="/cases/{theirs}"' not in page
    # the reasons: which constraints passed, which points were earned
    assert '<span class="code">rules</span>' in page
    assert "15 poäng" in page
    assert f'name="case" value="{mine}"' in page  # a propose button per candidate
    everyone = browser_for(web_staff.coordinator).get(f"/places/{place}")
    assert f'href="/cases/{mine}"' in everyone
    assert f'href="/cases/{theirs}"' in everyone


def test_why_not_names_the_constraint_and_another_caseworkers_case_is_unknown(
    web_kivo: Kivo, web_staff: Staff, colleague: int, browser_for: BrowserFor
) -> None:
    place = open_place(web_kivo, web_staff)
    without = enrolled(web_kivo, web_staff.caseworker, consent=False)
    theirs = enrolled(web_kivo, colleague)
    me = browser_for(web_staff.caseworker)
    page = me.get(f"/places/{place}?why_not={without}")
    assert re.search(r"Utesluts av <span class=\"code\">consent-missing</span>", page), page
    assert me.client.get(f"/places/{place}?why_not={theirs}").status_code == 404
    answer = browser_for(web_staff.coordinator).get(f"/places/{place}?why_not={theirs}")
    assert "Ärendet klarar alla krav." in answer


def test_proposing_accepting_and_declining_through_the_forms(
    web_kivo: Kivo, web_staff: Staff, browser_for: BrowserFor
) -> None:
    place = open_place(web_kivo, web_staff, positions=1)
    first = enrolled(web_kivo, web_staff.caseworker)
    second = enrolled(web_kivo, web_staff.caseworker)
    me = browser_for(web_staff.caseworker)
    for case_id in (first, second):
        assert me.post(f"/places/{place}/proposals", {"case": str(case_id)}).status_code == 303
    one, two = (p.id for p in proposals.list_proposals(web_kivo, place_id=place))
    page = me.get(f"/places/{place}")
    assert f'action="/proposals/{one}/accept"' in page
    assert f'action="/proposals/{two}/decline"' in page
    before = table_contents(web_kivo.database)
    refused = me.post(f"/proposals/{two}/decline", {"place": str(place), "declined_by": "employer"})
    assert refused.status_code == 400
    assert table_contents(web_kivo.database) == before
    assert me.post(f"/proposals/{one}/accept", {"place": str(place)}).status_code == 303
    view = read_case(web_kivo, first).view
    assert view.step == 2
    assert places.show_place(web_kivo, place).status == "filled"
    full = me.post(f"/proposals/{two}/accept", {"place": str(place)})
    assert full.status_code == 422
    assert "place-full" in full.text
    declined = me.post(
        f"/proposals/{two}/decline",
        {"place": str(place), "declined_by": "employer", "reason": "Full"},
    )
    assert declined.status_code == 303
    statuses = [p.status for p in proposals.list_proposals(web_kivo, place_id=place)]
    assert statuses == ["accepted", "declined"]


def test_another_caseworkers_case_cannot_be_proposed_nor_its_proposal_answered(
    web_kivo: Kivo, web_staff: Staff, colleague: int, browser_for: BrowserFor
) -> None:
    place = open_place(web_kivo, web_staff)
    theirs = enrolled(web_kivo, colleague)
    me = browser_for(web_staff.caseworker)
    before = table_contents(web_kivo.database)
    assert me.post(f"/places/{place}/proposals", {"case": str(theirs)}).status_code == 404
    assert table_contents(web_kivo.database) == before
    offered = proposals.propose(web_kivo, place, theirs, by=colleague).id
    before = table_contents(web_kivo.database)
    answer = {"place": str(place), "declined_by": "participant", "reason": "Nej"}
    assert me.post(f"/proposals/{offered}/decline", answer).status_code == 404
    assert me.post(f"/proposals/{offered}/accept", {"place": str(place)}).status_code == 404
    assert table_contents(web_kivo.database) == before
    coordinator = browser_for(web_staff.coordinator)
    assert coordinator.post(f"/proposals/{offered}/decline", answer).status_code == 303


def test_every_post_needs_the_csrf_token_and_a_forged_one_writes_nothing(
    web_kivo: Kivo, web_staff: Staff, browser_for: BrowserFor
) -> None:
    place = open_place(web_kivo, web_staff)
    case_id = enrolled(web_kivo, web_staff.caseworker)
    me = browser_for(web_staff.caseworker)
    before = table_contents(web_kivo.database)
    posts = [
        ("/places/new", new_place_form(web_staff)),
        (f"/places/{place}/status", {"action": "cancel", "reason": "x"}),
        (f"/places/{place}/proposals", {"case": str(case_id)}),
        (f"/employers/{web_staff.workplace}/contacts", {"kind": "call", "note": "Hej"}),
    ]
    for url, form in posts:
        assert me.client.post(url, data=form).status_code == 403
        assert me.client.post(url, data={**form, "csrf_token": "forged"}).status_code == 403
    assert table_contents(web_kivo.database) == before


def test_the_employer_page_logs_a_contact_with_its_next_step(
    web_kivo: Kivo, web_staff: Staff, browser_for: BrowserFor
) -> None:
    me = browser_for(web_staff.caseworker)
    url = f"/employers/{web_staff.other_workplace}"
    page = me.get(url)
    assert "Vården Norr" in page
    assert "Olle Annanstans" in page
    before = table_contents(web_kivo.database)
    bad = me.post(f"{url}/contacts", {"kind": "fax", "note": "Hej"})
    assert bad.status_code == 400
    assert 'value="fax"' not in bad.text
    assert me.post(f"{url}/contacts", {"kind": "call", "note": ""}).status_code == 400
    assert table_contents(web_kivo.database) == before
    form = {"kind": "visit", "note": "Visade köket", "on": "2026-02-20", "next": "2026-03-20"}
    assert me.post(f"{url}/contacts", form).status_code == 303
    page = me.get(url)
    assert "Visade köket" in page
    assert "2026-03-20" in page
    assert "Hanna Handläggare" in page


def test_the_case_page_links_its_matching_places_with_the_reasons(
    web_kivo: Kivo, web_staff: Staff, colleague: int, browser_for: BrowserFor
) -> None:
    place = open_place(web_kivo, web_staff)
    case_id = enrolled(web_kivo, web_staff.caseworker)
    me = browser_for(web_staff.caseworker)
    assert f'href="/cases/{case_id}/matches"' in me.get(f"/cases/{case_id}")
    page = me.get(f"/cases/{case_id}/matches")
    assert f'action="/places/{place}/proposals"' in page
    assert "poäng" in page
    fragment = me.client.get(f"/cases/{case_id}/matches", headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert "<html" not in fragment.text
    theirs = enrolled(web_kivo, colleague)
    assert me.client.get(f"/cases/{theirs}/matches").status_code == 404
    proposed = me.post(f"/places/{place}/proposals", {"case": str(case_id)})
    assert proposed.status_code == 303
    assert [p.case_id for p in proposals.list_proposals(web_kivo, place_id=place)] == [case_id]
