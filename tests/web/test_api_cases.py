"""The JSON API's cases, on SQLite and PostgreSQL: listing, reading, next moves,
enrolling and moving, through the same use cases as the CLI, with the statuses the CLI's
exit codes stand for; each caseworker sees their own caseload only, and every read and
action is in the access log."""

from __future__ import annotations

import pytest
from fastapi import FastAPI

from pathway import enrolment
from pathway.audit import access_reads
from pathway.context import Kivo
from pathway.directory import list_caseworkers
from pathway.results import plain
from pathway.views import read_case, show_case
from tests.integration.support import Staff, fresh_personnummer
from tests.web.api_support import Api, api_app, caller, enrolled, log_rows, mint, written
from web.bearer import READ


@pytest.fixture(scope="module")
def app(web_kivo: Kivo) -> FastAPI:
    return api_app(web_kivo)


@pytest.fixture(scope="module")
def anna(app: FastAPI, web_kivo: Kivo) -> Api:
    return caller(app, web_kivo, "Anna Api")


@pytest.fixture(scope="module")
def bo(app: FastAPI, web_kivo: Kivo) -> Api:
    return caller(app, web_kivo, "Bo Api")


@pytest.fixture(scope="module")
def boss(app: FastAPI, web_kivo: Kivo) -> Api:
    return caller(app, web_kivo, "Cilla Api", role="coordinator")


def test_a_case_reads_as_participant_show_json_and_the_read_is_logged(
    web_kivo: Kivo, web_staff: Staff, anna: Api
) -> None:
    case_id = enrolled(web_kivo, anna.id)
    before = log_rows(web_kivo, web_staff, case_id)

    answer = anna.get(f"/cases/{case_id}")

    assert answer.status_code == 200, answer.text
    assert answer.json() == plain(show_case(web_kivo, case_id))
    assert "*" in answer.json()["personnummer"]  # masked
    assert log_rows(web_kivo, web_staff, case_id) == [*before, (anna.id, "read")]
    rows = access_reads(web_kivo, actor=web_staff.coordinator, case_id=case_id, limit=0).rows
    assert rows[-1].address == "testclient"  # the client's address, as the pages log it


def test_another_caseworkers_case_answers_404_to_every_endpoint_and_writes_nothing(
    web_kivo: Kivo, web_staff: Staff, anna: Api, bo: Api
) -> None:
    case_id = enrolled(web_kivo, anna.id)
    before = written(web_kivo, web_staff, case_id)

    reads = [bo.get(f"/cases/{case_id}"), bo.get(f"/cases/{case_id}/next")]
    moved = bo.post(f"/cases/{case_id}/moves", {"to": 1})
    missing = bo.get("/cases/999999")

    assert [r.status_code for r in [*reads, moved]] == [404, 404, 404]
    assert moved.json() == missing.json() | {"message": f"no case with id {case_id}"}
    assert written(web_kivo, web_staff, case_id) == before


def test_the_list_shows_the_callers_caseload_and_a_coordinator_sees_every_one(
    web_kivo: Kivo, anna: Api, bo: Api, boss: Api
) -> None:
    mine, theirs = enrolled(web_kivo, anna.id), enrolled(web_kivo, bo.id)

    own = {row["id"] for row in anna.get("/cases").json()["cases"]}
    every = boss.get("/cases", limit=500).json()["cases"]
    asked_for_another = anna.get("/cases", caseworker=bo.id)

    assert mine in own
    assert theirs not in own
    assert {mine, theirs} <= {row["id"] for row in every}
    assert asked_for_another.status_code == 403
    assert asked_for_another.json()["code"] == "not-permitted"


def test_the_list_pages_on_with_next_after_and_never_repeats_a_case(
    web_kivo: Kivo, bo: Api
) -> None:
    for _ in range(5):
        enrolled(web_kivo, bo.id)
    seen: list[int] = []
    after = None
    while True:
        page = bo.get("/cases", limit=2, **({"after": after} if after else {})).json()
        seen += [row["id"] for row in page["cases"]]
        after = page["next_after"]
        if not page["more"]:
            break
    assert seen == sorted(set(seen))
    assert len(seen) >= 5


def test_the_list_filters_by_status_and_step_and_a_search_finds_by_name(
    web_kivo: Kivo, anna: Api
) -> None:
    case_id = enrolled(web_kivo, anna.id)
    assert anna.post(f"/cases/{case_id}/moves", {"to": 1}).status_code == 200

    at_one = {row["id"] for row in anna.get("/cases", step=1).json()["cases"]}
    exited = {row["id"] for row in anna.get("/cases", status="exited").json()["cases"]}
    found = anna.post("/cases/search", {"q": "Deltagare"}).json()["cases"]
    bad = anna.get("/cases", status="sleeping")

    assert case_id in at_one
    assert case_id not in exited
    assert case_id in {row["id"] for row in found}
    assert bad.status_code == 400
    assert "status" in bad.json()["message"]


def test_a_move_to_a_later_step_advances_an_earlier_falls_back_and_both_are_logged(
    web_kivo: Kivo, web_staff: Staff, anna: Api
) -> None:
    case_id = enrolled(web_kivo, anna.id)

    advanced = anna.post(f"/cases/{case_id}/moves", {"to": "information", "expected_version": 1})
    study = anna.post(f"/cases/{case_id}/moves", {"to": 4})
    back = anna.post(f"/cases/{case_id}/moves", {"to": 1, "reason": "the course was cancelled"})

    assert advanced.status_code == 200, advanced.text
    assert [advanced.json()["kind"], study.json()["kind"], back.json()["kind"]] == [
        "advanced",
        "advanced",
        "fell_back",
    ]
    view = read_case(web_kivo, case_id).view
    assert view.state == "information"
    assert view.history[-1].by_id == anna.id
    actions = [action for _, action in log_rows(web_kivo, web_staff, case_id)]
    assert actions[-3:] == ["advanced", "advanced", "fell_back"], actions


def test_pause_resume_and_exit_are_moves_to_a_state(web_kivo: Kivo, anna: Api) -> None:
    case_id = enrolled(web_kivo, anna.id)
    anna.post(f"/cases/{case_id}/moves", {"to": 1})

    paused = anna.post(f"/cases/{case_id}/moves", {"to": "paused", "reason": "sjuk"})
    resumed = anna.post(f"/cases/{case_id}/moves", {"to": "information"})
    exited = anna.post(f"/cases/{case_id}/moves", {"to": "exited", "outcome": "studies"})

    assert [paused.json()["kind"], resumed.json()["kind"], exited.json()["kind"]] == [
        "paused",
        "resumed",
        "exited",
    ]
    assert read_case(web_kivo, case_id).view.state == "exited"


def test_a_move_the_rules_refuse_answers_422_with_every_violation_and_writes_nothing(
    web_kivo: Kivo, web_staff: Staff, anna: Api
) -> None:
    case_id = enrolled(web_kivo, anna.id, consent=False)
    before = written(web_kivo, web_staff, case_id)

    refused = anna.post(f"/cases/{case_id}/moves", {"to": "short-practice"})

    assert refused.status_code == 422, refused.text
    violations = refused.json()["violations"]
    assert violations
    assert {"code", "message", "severity"} <= set(violations[0])
    assert any("consent" in v["code"] for v in violations), violations
    assert written(web_kivo, web_staff, case_id) == before


def test_a_refusal_is_said_in_the_language_the_caller_accepts_naming_json_keys(
    web_kivo: Kivo, anna: Api
) -> None:
    case_id = enrolled(web_kivo, anna.id, consent=False)
    headers = {"Authorization": f"Bearer {anna.token}", "Accept-Language": "sv-SE, en;q=0.5"}

    swedish = anna.client.post(
        f"/api/v1/cases/{case_id}/moves", json={"to": "short-practice"}, headers=headers
    )
    english = anna.post(f"/cases/{case_id}/moves", {"to": "short-practice"})

    assert swedish.status_code == english.status_code == 422, swedish.text
    said = {v["code"]: v["message"] for v in swedish.json()["violations"]}
    assert said["workplace-missing"] == (
        "steg 2 Kort arbetspraktik sker på en arbetsplats: ange den med workplace"
    )
    assert "POST /api/v1/cases/{case_id}/consent" in said["consent-missing"]
    assert swedish.json()["message"] == f"ärende {case_id}: stegförflyttning nekades"
    assert [v["code"] for v in english.json()["violations"]] == list(said)
    assert english.json()["violations"][0]["message"].startswith("the participant's consent")


def test_a_stale_version_answers_409_and_bad_input_400(
    web_kivo: Kivo, web_staff: Staff, anna: Api
) -> None:
    case_id = enrolled(web_kivo, anna.id)
    before = written(web_kivo, web_staff, case_id)

    stale = anna.post(f"/cases/{case_id}/moves", {"to": 1, "expected_version": 99})
    unknown_step = anna.post(f"/cases/{case_id}/moves", {"to": "moon"})
    not_a_date = anna.post(f"/cases/{case_id}/moves", {"to": 1, "on": "2026-13-45"})
    too_early = anna.post(f"/cases/{case_id}/moves", {"to": 1, "on": "1066-10-14"})
    stray_field = anna.post(f"/cases/{case_id}/moves", {"to": 1, "hack": True})
    no_reason = anna.post(f"/cases/{case_id}/moves", {"to": "paused"})

    assert stale.status_code == 409
    assert stale.json()["code"] == "conflict"
    assert unknown_step.status_code == 400
    assert unknown_step.json()["field"] == "to"
    assert "paused or exited" in unknown_step.json()["message"]
    for bad in (not_a_date, too_early, stray_field, no_reason):
        assert bad.status_code == 400, bad.text
        assert "Traceback" not in bad.text
    assert written(web_kivo, web_staff, case_id) == before


def test_next_moves_name_the_rules_that_block_them(web_kivo: Kivo, anna: Api) -> None:
    case_id = enrolled(web_kivo, anna.id, consent=False)

    answer = anna.get(f"/cases/{case_id}/next")

    assert answer.status_code == 200
    practice = next(m for m in answer.json()["next"] if m["slug"] == "short-practice")
    assert practice["needs"]
    assert all(n["message"] for n in practice["needs"])


def test_enrol_opens_a_case_in_the_callers_caseload_not_in_anothers(
    web_kivo: Kivo, anna: Api, bo: Api, boss: Api
) -> None:
    mine = anna.post("/cases", {"name": "Nora Ny", "gender": "woman", "consent": True})
    for_bo = anna.post("/cases", {"name": "Nora Ny", "caseworker": bo.id})
    by_boss = boss.post("/cases", {"name": "Nils Ny", "caseworker": bo.id})
    bad = anna.post("/cases", {"name": "Nora Ny", "personnummer": "19900101-0000"})

    assert mine.status_code == 201, mine.text
    assert read_case(web_kivo, mine.json()["case_id"]).view.caseworker_id == anna.id
    assert for_bo.status_code == 403, for_bo.text
    assert for_bo.json()["code"] == "not-permitted"  # the use case's refusal, as the CLI's
    assert "enrols into their own caseload only" in for_bo.json()["message"]
    assert by_boss.status_code == 201
    assert read_case(web_kivo, by_boss.json()["case_id"]).view.caseworker_id == bo.id
    assert bad.status_code == 400
    assert "19900101-0000" not in bad.text


def test_a_read_only_token_reads_but_may_not_change(
    web_kivo: Kivo, web_staff: Staff, app: FastAPI, anna: Api
) -> None:
    case_id = enrolled(web_kivo, anna.id)
    email = next(w.email for w in list_caseworkers(web_kivo) if w.id == anna.id)
    reader = Api(anna.client, mint(str(email), READ), anna.id)
    before = written(web_kivo, web_staff, case_id)

    assert reader.get(f"/cases/{case_id}/next").status_code == 200
    refused = reader.post(f"/cases/{case_id}/moves", {"to": 1})
    assert refused.status_code == 403
    assert refused.headers["www-authenticate"].startswith('Bearer error="insufficient_scope"')
    assert written(web_kivo, web_staff, case_id)[:3] == before[:3]


def test_a_call_without_a_token_or_session_answers_401(anna: Api) -> None:
    answer = anna.client.get("/api/v1/cases")
    forged = anna.client.get("/api/v1/cases", headers={"Authorization": "Bearer a.b.c"})
    assert answer.status_code == 401
    assert answer.json()["code"] == "invalid-token"
    assert forged.status_code == 401


def test_a_dry_run_judges_the_move_and_writes_nothing(
    web_kivo: Kivo, web_staff: Staff, anna: Api
) -> None:
    case_id = enrolled(web_kivo, anna.id)
    before = written(web_kivo, web_staff, case_id)

    judged = anna.post(f"/cases/{case_id}/moves", {"to": 1, "dry_run": True})

    assert judged.status_code == 200, judged.text
    assert judged.json()["dry_run"] is True
    assert judged.json()["to_state"] == "information"
    assert written(web_kivo, web_staff, case_id)[:3] == before[:3]


def test_the_personnummer_in_full_is_shown_on_asking_and_logged_as_such(
    web_kivo: Kivo, web_staff: Staff, anna: Api
) -> None:
    case_id = enrolled(web_kivo, anna.id)

    full = anna.get(f"/cases/{case_id}", show_personal="true").json()["personnummer"]

    assert "*" not in full
    assert log_rows(web_kivo, web_staff, case_id)[-1] == (anna.id, "show-personal")


def test_a_search_by_personnummer_is_a_post_and_finds_the_callers_case_only(
    web_kivo: Kivo, anna: Api, bo: Api
) -> None:
    number = fresh_personnummer("19850505")
    case_id = enrolment.enrol(
        web_kivo, "Pia Person", personnummer=number, caseworker_id=anna.id
    ).case_id

    mine = anna.post("/cases/search", {"q": number})
    theirs = bo.post("/cases/search", {"q": number})

    assert [row["id"] for row in mine.json()["cases"]] == [case_id]
    assert number not in mine.text  # masked
    assert theirs.json()["cases"] == []
