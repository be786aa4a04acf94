"""The JSON API's case actions, reports and lists on SQLite and PostgreSQL: consent,
follow-ups, meetings, the placement and notes through the CLI's use cases, each logged
with the caller as the actor; refusals with the CLI's statuses, writing nothing."""

from __future__ import annotations

import pytest
from fastapi import FastAPI

from pathway import directory, places
from pathway.context import Kivo
from pathway.views import read_case
from tests.integration.support import TRAINED_ON, Staff
from tests.web.api_support import Api, api_app, caller, enrolled, log_rows, written


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


def placed(kivo: Kivo, staff: Staff, api: Api) -> int:
    """A case of ``api``'s caller in short practice at the staff's workplace."""
    case_id = enrolled(kivo, api.id)
    moved = api.post(
        f"/cases/{case_id}/moves",
        {
            "to": "short-practice",
            "workplace": staff.workplace,
            "supervisor": staff.supervisor,
            "programme": "PRAKTIK",
            "until": "2026-04-30",
        },
    )
    assert moved.status_code == 200, moved.text
    return case_id


def test_consent_is_recorded_and_withdrawn_by_the_caller(
    web_kivo: Kivo, web_staff: Staff, anna: Api
) -> None:
    case_id = enrolled(web_kivo, anna.id, consent=False)

    given = anna.post(f"/cases/{case_id}/consent", {"on": "2026-03-02"})
    assert given.status_code == 200, given.text
    assert given.json() == {"case_id": case_id, "consent_on": "2026-03-02"}
    assert read_case(web_kivo, case_id).view.consent_on is not None

    withdrawn = anna.post(f"/cases/{case_id}/consent", {"withdraw": True})
    assert withdrawn.status_code == 200, withdrawn.text
    assert read_case(web_kivo, case_id).view.consent_on is None
    assert log_rows(web_kivo, web_staff, case_id)[-2][0] == anna.id


def test_a_followup_is_planned_then_done_with_its_finding(
    web_kivo: Kivo, web_staff: Staff, anna: Api
) -> None:
    case_id = enrolled(web_kivo, anna.id)

    added = anna.post(f"/cases/{case_id}/followups", {"due": "2026-03-20", "title": "Ring"})
    assert added.status_code == 201, added.text
    followup = added.json()["id"]
    unknown = anna.post(f"/cases/{case_id}/followups/{followup}/done", {"finding": "asleep"})
    done = anna.post(f"/cases/{case_id}/followups/{followup}/done", {"finding": "employed"})

    assert unknown.status_code == 400, unknown.text
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "done"
    agenda = anna.get(f"/cases/{case_id}/agenda").json()
    assert any(f["id"] == followup and f["status"] == "done" for f in agenda["followups"])


def test_a_followup_of_another_case_is_unknown_on_this_one(web_kivo: Kivo, anna: Api) -> None:
    one, other = enrolled(web_kivo, anna.id), enrolled(web_kivo, anna.id)
    added = anna.post(f"/cases/{one}/followups", {"due": "2026-03-20", "title": "Ring"})
    answer = anna.post(f"/cases/{other}/followups/{added.json()['id']}/done", {})
    assert answer.status_code == 404


def test_a_meeting_is_booked_moved_and_recorded(
    web_kivo: Kivo, web_staff: Staff, anna: Api
) -> None:
    case_id = placed(web_kivo, web_staff, anna)

    booked = anna.post(f"/cases/{case_id}/meetings", {"at": "2026-03-10T10:00"})
    assert booked.status_code == 201, booked.text
    meeting = booked.json()["id"]
    moved = anna.post(
        f"/cases/{case_id}/meetings/{meeting}/move", {"at": "2026-03-11T13:00", "reason": "sjuk"}
    )
    not_yet = anna.post(f"/cases/{case_id}/meetings/{meeting}/record", {"outcome": "held"})
    cancelled = anna.post(f"/cases/{case_id}/meetings/{meeting}/record", {"outcome": "cancelled"})
    bad_time = anna.post(f"/cases/{case_id}/meetings", {"at": "tomorrow-ish"})

    assert moved.status_code == 200, moved.text
    assert not_yet.status_code in (400, 422), not_yet.text
    assert cancelled.status_code == 200, cancelled.text
    assert bad_time.status_code == 400
    actions = [action for _, action in log_rows(web_kivo, web_staff, case_id)]
    assert len(actions) >= 4


def test_the_placement_is_extended_its_supervisor_changed_ended_and_started_again(
    web_kivo: Kivo, web_staff: Staff, anna: Api
) -> None:
    case_id = placed(web_kivo, web_staff, anna)
    second = directory.add_supervisor(
        web_kivo, "Siv Andra", workplace_id=web_staff.workplace, trained_on=TRAINED_ON
    )

    extended = anna.post(
        f"/cases/{case_id}/placement", {"action": "extend", "until": "2026-05-29", "reason": "tid"}
    )
    changed = anna.post(
        f"/cases/{case_id}/placement", {"action": "supervisor", "supervisor": second.id}
    )
    no_day = anna.post(f"/cases/{case_id}/placement", {"action": "extend"})
    unknown = anna.post(f"/cases/{case_id}/placement", {"action": "double"})
    ended = anna.post(f"/cases/{case_id}/placement", {"action": "end", "reason": "avbröt"})
    started = anna.post(
        f"/cases/{case_id}/placement",
        {"action": "start", "supervisor": second.id},
    )

    for done in (extended, changed, ended, started):
        assert done.status_code == 200, done.text
    assert no_day.status_code == 400
    assert unknown.status_code == 400
    agenda = anna.get(f"/cases/{case_id}/agenda").json()
    open_ones = [p for p in agenda["placements"] if p["ended_on"] is None]
    assert [p["supervisor_id"] for p in open_ones] == [second.id]


def test_an_untrained_supervisor_is_refused_with_the_rule_and_nothing_is_written(
    web_kivo: Kivo, web_staff: Staff, anna: Api
) -> None:
    case_id = placed(web_kivo, web_staff, anna)
    before = written(web_kivo, web_staff, case_id)

    refused = anna.post(
        f"/cases/{case_id}/placement",
        {"action": "supervisor", "supervisor": web_staff.untrained_supervisor},
    )

    assert refused.status_code == 422, refused.text
    assert refused.json()["violations"][0]["severity"] == "blocking"
    assert written(web_kivo, web_staff, case_id) == before


def test_a_caseworker_may_not_override_a_rule_and_a_coordinator_may(
    web_kivo: Kivo, web_staff: Staff, anna: Api, boss: Api
) -> None:
    case_id = enrolled(web_kivo, anna.id)
    move = {
        "to": "short-practice",
        "workplace": web_staff.workplace,
        "supervisor": web_staff.untrained_supervisor,
    }
    overriding = {**move, "override": "beslut av samordnaren"}
    before = written(web_kivo, web_staff, case_id)

    refused = anna.post(f"/cases/{case_id}/moves", move)
    by_anna = anna.post(f"/cases/{case_id}/moves", overriding)
    assert refused.status_code == 422, refused.text
    assert by_anna.status_code == 403, by_anna.text
    assert by_anna.json()["code"] == "not-permitted"
    assert written(web_kivo, web_staff, case_id) == before

    by_boss = boss.post(f"/cases/{case_id}/moves", overriding)
    assert by_boss.status_code == 200, by_boss.text
    assert by_boss.json()["overridden"]
    assert read_case(web_kivo, case_id).view.history[-1].by_id == boss.id


def test_notes_are_kept_and_read_back_and_both_are_logged(
    web_kivo: Kivo, web_staff: Staff, anna: Api, bo: Api
) -> None:
    case_id = enrolled(web_kivo, anna.id)

    kept = anna.post(f"/cases/{case_id}/notes", {"text": "Ringde, mår bra."})
    escape = anna.post(f"/cases/{case_id}/notes", {"text": "\x1b[31mröd"})
    theirs = bo.get(f"/cases/{case_id}/notes")
    read = anna.get(f"/cases/{case_id}/notes")

    assert kept.status_code == 201, kept.text
    assert escape.status_code == 400
    assert theirs.status_code == 404
    assert [n["text"] for n in read.json()] == ["Ringde, mår bra."]
    actions = [action for _, action in log_rows(web_kivo, web_staff, case_id)]
    assert actions[-2:] == ["note", "read"]


def test_reports_cover_the_callers_caseload_and_an_unknown_report_is_404(
    web_kivo: Kivo, anna: Api, bo: Api, boss: Api
) -> None:
    enrolled(web_kivo, anna.id)

    own = anna.get("/reports/funnel", year=2026)
    every = boss.get("/reports/funnel", year=2026)
    another = anna.get("/reports/funnel", caseworker=bo.id)
    unknown = anna.get("/reports/horoscope")

    assert own.status_code == 200, own.text
    assert sum(own.json()["states"].values()) <= sum(every.json()["states"].values())
    for name in ("outcomes", "fallbacks", "time-in-step", "lead-time", "targets", "overdue"):
        assert anna.get(f"/reports/{name}").status_code == 200, name
    assert another.status_code == 403
    assert unknown.status_code == 404


def test_the_lists_name_caseworkers_programmes_workplaces_and_supervisors(
    web_staff: Staff, anna: Api
) -> None:
    workers = anna.get("/caseworkers").json()
    programmes = anna.get("/programmes").json()
    workplaces = anna.get("/workplaces").json()
    supervisors = anna.get("/supervisors").json()

    assert anna.id in {w["id"] for w in workers}
    assert all("email" not in w for w in workers)
    assert "PRAKTIK" in {p["code"] for p in programmes}
    assert web_staff.workplace in {w["id"] for w in workplaces}
    assert web_staff.supervisor in {s["id"] for s in supervisors}


def test_open_places_are_listed_and_shown_to_a_reader(
    web_kivo: Kivo, web_staff: Staff, anna: Api
) -> None:
    added = places.add_place(
        web_kivo, web_staff.workplace, title="Bagerilärling", steps=[2], positions=2
    )
    places.agree_place(web_kivo, added.place_id)
    places.open_place(web_kivo, added.place_id)

    listed = anna.get("/places").json()
    shown = anna.get(f"/places/{added.place_id}")

    assert added.place_id in {p["id"] for p in listed}
    assert shown.json()["title"] == "Bagerilärling"
    assert anna.get("/places/999999").status_code == 404


def test_every_action_on_another_caseworkers_case_answers_404_and_writes_nothing(
    web_kivo: Kivo, web_staff: Staff, anna: Api, bo: Api
) -> None:
    case_id = placed(web_kivo, web_staff, anna)
    followup = anna.post(f"/cases/{case_id}/followups", {"due": "2026-03-20", "title": "Ring"})
    meeting = anna.post(f"/cases/{case_id}/meetings", {"at": "2026-03-10T10:00"})
    before = written(web_kivo, web_staff, case_id)
    actions = {
        "consent": {},
        "followups": {"due": "2026-03-21", "title": "Ring"},
        f"followups/{followup.json()['id']}/done": {},
        "meetings": {"at": "2026-03-12T10:00"},
        f"meetings/{meeting.json()['id']}/record": {"outcome": "cancelled"},
        f"meetings/{meeting.json()['id']}/move": {"at": "2026-03-13T10:00"},
        "placement": {"action": "extend", "until": "2026-05-29"},
        "notes": {"text": "hej"},
        "moves": {"to": "information", "reason": "x"},
    }
    reads = ["", "/next", "/agenda", "/notes"]

    answers = {path: bo.post(f"/cases/{case_id}/{path}", body) for path, body in actions.items()}
    answers |= {path: bo.get(f"/cases/{case_id}{path}") for path in reads}

    assert {path: a.status_code for path, a in answers.items()} == dict.fromkeys(answers, 404)
    assert written(web_kivo, web_staff, case_id) == before


def test_a_stale_version_on_an_action_answers_409_and_writes_nothing(
    web_kivo: Kivo, web_staff: Staff, anna: Api
) -> None:
    case_id = placed(web_kivo, web_staff, anna)
    before = written(web_kivo, web_staff, case_id)

    stale = [
        anna.post(f"/cases/{case_id}/consent", {"expected_version": 1}),
        anna.post(
            f"/cases/{case_id}/placement",
            {"action": "extend", "until": "2026-05-29", "expected_version": 1},
        ),
        anna.post(
            f"/cases/{case_id}/followups",
            {"due": "2026-03-21", "title": "Ring", "expected_version": 1},
        ),
    ]

    assert [answer.status_code for answer in stale] == [409, 409, 409]
    assert written(web_kivo, web_staff, case_id) == before
