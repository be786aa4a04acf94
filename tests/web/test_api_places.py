"""The JSON API's employer side on SQLite and PostgreSQL: a place's lifecycle, matching
with its reasons, proposals accepted into the place in one transaction (a refused
accept writes nothing), the employer's contact log and the participant's profile; each
through the CLI's use cases with the caller as the actor, another caseworker's case
unknown (404), the read scope reading places but changing nothing (403)."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI

from pathway import directory, places, proposals
from pathway.context import Kivo
from pathway.views import read_case
from tests.integration.support import Staff
from tests.web.api_support import Api, api_app, caller, enrolled, log_rows, mint, written
from tests.web.conftest import signed_in
from web.bearer import READ


@pytest.fixture(scope="module")
def app(web_kivo: Kivo) -> FastAPI:
    return api_app(web_kivo)


@pytest.fixture(scope="module")
def anna(app: FastAPI, web_kivo: Kivo) -> Api:
    return caller(app, web_kivo, "Anna Plats")


@pytest.fixture(scope="module")
def bo(app: FastAPI, web_kivo: Kivo) -> Api:
    return caller(app, web_kivo, "Bo Plats")


@pytest.fixture(scope="module")
def boss(app: FastAPI, web_kivo: Kivo) -> Api:
    return caller(app, web_kivo, "Cilla Plats", role="coordinator")


def place_body(staff: Staff, **changes: Any) -> dict[str, Any]:
    return {
        "workplace": staff.workplace,
        "title": "Bagerilärling",
        "positions": 2,
        "steps": [2],
        "programmes": ["PRAKTIK"],
        "supervisor": staff.supervisor,
        **changes,
    }


def opened(api: Api, staff: Staff, **changes: Any) -> int:
    """A place ``api``'s caller added, agreed and opened through the API."""
    added = api.post("/places", place_body(staff, **changes))
    assert added.status_code == 201, added.text
    place_id: int = added.json()["place_id"]
    for action in ("agree", "open"):
        moved = api.post(f"/places/{place_id}/{action}", {})
        assert moved.status_code == 200, moved.text
    return place_id


def proposed(api: Api, place_id: int, case_id: int) -> int:
    made = api.post("/proposals", {"place": place_id, "case": case_id})
    assert made.status_code == 201, made.text
    proposal_id: int = made.json()["id"]
    return proposal_id


def test_a_place_goes_from_contact_through_open_to_cancelled(
    web_kivo: Kivo, web_staff: Staff, anna: Api
) -> None:
    added = anna.post(
        "/places", place_body(web_staff, tasks=["Baka bröd"], hours=30, on="2026-01-15")
    )
    assert added.status_code == 201, added.text
    assert added.json()["to_status"] == "contact"
    place_id = added.json()["place_id"]

    agreed = anna.post(f"/places/{place_id}/agree", {"on": "2026-02-01"})
    again = anna.post(f"/places/{place_id}/agree", {})
    opening = anna.post(f"/places/{place_id}/open", {})
    no_reason = anna.post(f"/places/{place_id}/cancel", {"reason": " "})
    cancelled = anna.post(f"/places/{place_id}/cancel", {"reason": "omorganisation"})

    assert agreed.status_code == 200, agreed.text
    assert again.status_code == 422, again.text
    assert again.json()["violations"][0]["code"] == "place-transition"
    assert opening.json()["to_status"] == "open"
    assert no_reason.status_code == 400, no_reason.text
    assert cancelled.status_code == 200, cancelled.text
    view = places.show_place(web_kivo, place_id)
    assert view.status == "cancelled"
    assert [e.by_id for e in view.history] == [anna.id] * 4
    assert anna.post("/places/999999/open", {}).status_code == 404


def test_a_place_with_bad_input_is_refused_and_nothing_is_written(
    web_kivo: Kivo, web_staff: Staff, anna: Api
) -> None:
    before = len(places.list_places(web_kivo, limit=None))

    no_steps = anna.post("/places", place_body(web_staff, steps=[]))
    bad_requirement = anna.post("/places", place_body(web_staff, requires=["klingon:C2"]))
    elsewhere = anna.post("/places", place_body(web_staff, supervisor=web_staff.other_supervisor))
    too_many = anna.post("/places", place_body(web_staff, positions=0))
    unknown = anna.post("/places", place_body(web_staff, workplace=999999))

    for answer in (no_steps, bad_requirement, elsewhere, too_many):
        assert answer.status_code == 400, answer.text
    assert elsewhere.json()["field"] == "supervisor"
    assert unknown.status_code == 404
    assert len(places.list_places(web_kivo, limit=None)) == before


def test_a_place_refused_is_said_in_swedish_to_a_caller_who_accepts_it(
    web_staff: Staff, anna: Api
) -> None:
    sv = {"Authorization": f"Bearer {anna.token}", "Accept-Language": "sv-SE, en;q=0.5"}
    place_id = opened(anna, web_staff)

    again = anna.client.post(f"/api/v1/places/{place_id}/open", json={}, headers=sv)
    no_reason = anna.client.post(
        f"/api/v1/places/{place_id}/cancel", json={"reason": " "}, headers=sv
    )
    english = anna.post(f"/places/{place_id}/open", {})

    assert again.status_code == english.status_code == 422, again.text
    assert again.json()["message"] == (
        f"plats {place_id}: en plats kan inte gå från öppen till öppen: "
        "platsen har redan status öppen"
    )
    assert again.json()["violations"][0]["message"] == (
        "en plats kan inte gå från öppen till öppen: platsen har redan status öppen"
    )
    assert english.json()["message"] == (
        f"place {place_id}: a place cannot go from open to open: the place is open already"
    )
    assert no_reason.status_code == 400, no_reason.text
    assert no_reason.json()["message"] == "att avbryta en plats kräver reason"


def test_the_read_scope_reads_places_but_changes_nothing(
    app: FastAPI, web_kivo: Kivo, web_staff: Staff, anna: Api
) -> None:
    place_id = opened(anna, web_staff)
    email = f"platform.{place_id}@kommun.example"
    directory.add_caseworker(web_kivo, "Plattform", email=email)
    reader = Api(anna.client, mint(email, scope=READ), anna.id)

    listed = reader.get("/places")
    shown = reader.get(f"/places/{place_id}")
    adding = reader.post("/places", place_body(web_staff))
    cancelling = reader.post(f"/places/{place_id}/cancel", {"reason": "nej"})

    assert listed.status_code == 200
    assert place_id in {p["id"] for p in listed.json()}
    assert shown.json()["status"] == "open"
    assert adding.status_code == 403
    assert cancelling.status_code == 403
    assert places.show_place(web_kivo, place_id).status == "open"


def test_candidates_carry_their_reasons_and_why_not_names_the_constraint(
    web_kivo: Kivo, web_staff: Staff, anna: Api
) -> None:
    place_id = opened(anna, web_staff)
    ready = enrolled(web_kivo, anna.id)
    no_consent = enrolled(web_kivo, anna.id, consent=False)

    ranked = anna.get(f"/places/{place_id}/candidates", limit=1000, why_not=no_consent)
    too_many = anna.get(f"/places/{place_id}/candidates", limit=0)

    assert ranked.status_code == 200, ranked.text
    rows = {row["case_id"]: row for row in ranked.json()["candidates"]}
    assert no_consent not in rows
    row = rows[ready]
    assert isinstance(row["score"], int)
    assert {"code": "rules", "kind": "hard", "passed": True}.items() <= row["reasons"][0].items()
    assert any(r["kind"] == "soft" for r in row["reasons"])
    why = ranked.json()["why_not"]
    assert (why["case_id"], why["excluded"]) == (no_consent, True)
    assert why["constraint"] == "consent-missing"
    assert too_many.status_code == 400


def test_a_caseworker_ranks_only_their_own_cases_and_a_coordinator_every_one(
    web_kivo: Kivo, web_staff: Staff, anna: Api, bo: Api, boss: Api
) -> None:
    place_id = opened(anna, web_staff)
    annas, bos = enrolled(web_kivo, anna.id), enrolled(web_kivo, bo.id)

    by_anna = anna.get(f"/places/{place_id}/candidates", limit=1000).json()["candidates"]
    by_boss = boss.get(f"/places/{place_id}/candidates", limit=1000).json()["candidates"]
    about_bos = anna.get(f"/places/{place_id}/candidates", why_not=bos)

    assert annas in {c["case_id"] for c in by_anna}
    assert bos not in {c["case_id"] for c in by_anna}
    assert {annas, bos} <= {c["case_id"] for c in by_boss}
    assert about_bos.status_code == 404


def test_a_case_is_matched_with_open_places_and_the_read_is_logged(
    web_kivo: Kivo, web_staff: Staff, anna: Api, bo: Api
) -> None:
    place_id = opened(anna, web_staff)
    case_id = enrolled(web_kivo, anna.id)

    ranked = anna.get(f"/cases/{case_id}/places", limit=1000)
    theirs = bo.get(f"/cases/{case_id}/places")

    assert ranked.status_code == 200, ranked.text
    found = {p["place_id"]: p for p in ranked.json()["places"]}
    assert found[place_id]["step"] == 2
    assert found[place_id]["reasons"][0]["passed"] is True
    assert theirs.status_code == 404
    assert log_rows(web_kivo, web_staff, case_id)[-1] == (anna.id, "read")


def test_an_accepted_proposal_moves_the_case_into_the_place(
    web_kivo: Kivo, web_staff: Staff, anna: Api
) -> None:
    place_id = opened(anna, web_staff, positions=1)
    case_id = enrolled(web_kivo, anna.id)
    proposal_id = proposed(anna, place_id, case_id)

    listed = anna.get("/proposals", case=case_id)
    accepted = anna.post(f"/proposals/{proposal_id}/accept", {"until": "2026-05-29"})
    twice = anna.post(f"/proposals/{proposal_id}/accept", {})

    assert [(p["id"], p["status"]) for p in listed.json()] == [(proposal_id, "open")]
    assert accepted.status_code == 200, accepted.text
    done = accepted.json()
    assert (done["step"], done["programme"], done["place_status"]) == (2, "PRAKTIK", "filled")
    assert done["move"]["placement_id"] == done["placement_id"]
    view = read_case(web_kivo, case_id).view
    assert view.state == "short-practice"
    assert view.history[-1].by_id == anna.id
    assert twice.status_code == 422, twice.text


def test_an_accept_into_a_full_place_is_refused_with_the_rule_and_writes_nothing(
    web_kivo: Kivo, web_staff: Staff, anna: Api
) -> None:
    place_id = opened(anna, web_staff, positions=1)
    first, second = enrolled(web_kivo, anna.id), enrolled(web_kivo, anna.id)
    winner, loser = proposed(anna, place_id, first), proposed(anna, place_id, second)
    assert anna.post(f"/proposals/{winner}/accept", {}).status_code == 200
    before = written(web_kivo, web_staff, second), places.show_place(web_kivo, place_id)

    refused = anna.post(f"/proposals/{loser}/accept", {})

    assert refused.status_code == 422, refused.text
    assert [v["code"] for v in refused.json()["violations"]] == ["place-full"]
    assert (written(web_kivo, web_staff, second), places.show_place(web_kivo, place_id)) == before
    (line,) = proposals.list_proposals(web_kivo, case_id=second)
    assert line.status == "open"


def test_a_proposal_is_declined_by_the_employer_with_the_reason(
    web_kivo: Kivo, web_staff: Staff, anna: Api
) -> None:
    place_id = opened(anna, web_staff)
    proposal_id = proposed(anna, place_id, enrolled(web_kivo, anna.id))

    nobody = anna.post(f"/proposals/{proposal_id}/decline", {"by": "the cat", "reason": "x"})
    declined = anna.post(
        f"/proposals/{proposal_id}/decline", {"by": "employer", "reason": "full this spring"}
    )
    unknown = anna.post("/proposals/999999/decline", {"by": "employer", "reason": "x"})

    assert nobody.status_code == 400
    assert declined.status_code == 200, declined.text
    assert (declined.json()["status"], declined.json()["declined_by"]) == ("declined", "employer")
    assert unknown.status_code == 404


def test_another_caseworkers_case_is_neither_proposed_nor_its_proposal_answered(
    web_kivo: Kivo, web_staff: Staff, anna: Api, bo: Api, boss: Api
) -> None:
    place_id = opened(anna, web_staff)
    case_id = enrolled(web_kivo, anna.id)
    proposal_id = proposed(anna, place_id, case_id)

    proposing = bo.post("/proposals", {"place": place_id, "case": case_id})
    accepting = bo.post(f"/proposals/{proposal_id}/accept", {})
    declining = bo.post(f"/proposals/{proposal_id}/decline", {"by": "employer", "reason": "x"})
    by_case = bo.get("/proposals", case=case_id)
    by_place = bo.get("/proposals", place=place_id)
    by_boss = boss.get("/proposals", place=place_id)

    for answer in (proposing, accepting, declining, by_case):
        assert answer.status_code == 404, answer.text
    assert by_place.json() == []
    assert [p["id"] for p in by_boss.json()] == [proposal_id]
    (line,) = proposals.list_proposals(web_kivo, case_id=case_id)
    assert line.status == "open"


def test_an_employer_contact_is_logged_and_the_employer_shown(
    web_kivo: Kivo, web_staff: Staff, anna: Api
) -> None:
    place_id = opened(anna, web_staff)
    contact = {"on": "2026-02-20", "kind": "visit", "note": "Två platser", "next": "2026-03-01"}

    logged = anna.post(f"/employers/{web_staff.workplace}/contacts", contact)
    bad_kind = anna.post(f"/employers/{web_staff.workplace}/contacts", {**contact, "kind": "fax"})
    future = anna.post(
        f"/employers/{web_staff.workplace}/contacts", {**contact, "on": "2026-04-01"}
    )
    shown = anna.get(f"/employers/{web_staff.workplace}")

    assert logged.status_code == 201, logged.text
    assert (logged.json()["by_id"], logged.json()["next_on"]) == (anna.id, "2026-03-01")
    assert bad_kind.status_code == 400
    assert future.status_code == 400
    view = shown.json()
    assert view["contacts"][0]["id"] == logged.json()["id"]
    assert view["next_step"] == {
        "on": "2026-03-01",
        "contact_id": logged.json()["id"],
        "due": True,
        "overdue_days": 1,
    }
    assert place_id in {p["id"] for p in view["places"]}
    assert web_staff.supervisor in {s["id"] for s in view["supervisors"]}
    assert anna.get("/employers/999999").status_code == 404


def test_an_employer_view_lists_a_caseworkers_own_placements_only(
    web_kivo: Kivo, web_staff: Staff, anna: Api, bo: Api, boss: Api
) -> None:
    place_id = opened(anna, web_staff)
    case_id = enrolled(web_kivo, anna.id)
    assert anna.post(f"/proposals/{proposed(anna, place_id, case_id)}/accept", {}).is_success

    annas = anna.get(f"/employers/{web_staff.workplace}").json()["placements"]
    bos = bo.get(f"/employers/{web_staff.workplace}").json()["placements"]
    every = boss.get(f"/employers/{web_staff.workplace}").json()["placements"]

    assert case_id in {p["case_id"] for p in annas}
    assert case_id not in {p["case_id"] for p in bos}
    assert case_id in {p["case_id"] for p in every}
    assert all(p["personnummer"] is None or "*" in p["personnummer"] for p in every)


def test_a_profile_is_set_and_read_back_by_its_caseworker_only(
    web_kivo: Kivo, anna: Api, bo: Api
) -> None:
    case_id = enrolled(web_kivo, anna.id)
    profile = {"interests": ["retail"], "languages": ["swedish:B1"], "max_hours": 30}

    empty = anna.get(f"/cases/{case_id}/profile")
    changed = anna.put(f"/cases/{case_id}/profile", profile)
    bad = anna.put(f"/cases/{case_id}/profile", {"languages": ["swedish:Z9"]})
    nothing = anna.put(f"/cases/{case_id}/profile", {})
    theirs = bo.put(f"/cases/{case_id}/profile", profile)
    read = anna.get(f"/cases/{case_id}/profile")

    assert empty.json()["recorded"] is False
    assert changed.status_code == 200, changed.text
    assert {c["by_id"] for c in changed.json()["changes"]} == {anna.id}
    assert bad.status_code == 400
    assert nothing.status_code == 400
    assert theirs.status_code == 404
    assert bo.get(f"/cases/{case_id}/profile").status_code == 404
    assert (read.json()["languages"], read.json()["max_hours"]) == (["swedish:B1"], 30)


def test_a_session_adds_a_place_only_with_the_csrf_header(
    app: FastAPI, web_kivo: Kivo, web_staff: Staff
) -> None:
    hanna = signed_in(app, web_staff.caseworker)
    before = len(places.list_places(web_kivo, limit=None))

    bare = hanna.client.post("/api/v1/places", json=place_body(web_staff))
    assert bare.status_code == 403, bare.text
    assert bare.json()["code"] == "csrf"
    assert len(places.list_places(web_kivo, limit=None)) == before

    added = hanna.client.post(
        "/api/v1/places", json=place_body(web_staff), headers={"X-CSRF-Token": hanna.token}
    )
    assert added.status_code == 201, added.text
    history = places.show_place(web_kivo, added.json()["place_id"]).history
    assert [e.by_id for e in history] == [web_staff.caseworker]
