"""The rest of the CLI's case actions as forms, on SQLite and PostgreSQL: move a meeting,
start a placement, correct an event (coordinators), show the personnummer in full (a
logged read); each as the signed-in caseworker, checked and logged by the use case."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from pathway import directory
from pathway.audit import access_reads
from pathway.clock import LOCAL
from pathway.context import Kivo
from pathway.meetings import list_meetings
from pathway.placements import listing
from pathway.views import read_case
from tests.integration.support import Staff
from tests.web.api_support import enrolled
from tests.web.conftest import Browser
from tests.web.test_case_actions import colleague, in_practice

__all__ = ["colleague"]  # the fixture, shared with the case actions' tests

BrowserFor = Callable[[int], Browser]


def actions_on(kivo: Kivo, staff: Staff, case_id: int) -> list[tuple[int | None, str]]:
    rows = access_reads(kivo, actor=staff.coordinator, case_id=case_id, limit=0).rows
    return [(row.caseworker_id, row.action) for row in rows]


def test_a_meeting_is_moved_through_the_form_by_the_signed_in_caseworker(
    web_kivo: Kivo, web_staff: Staff, colleague: int, browser_for: BrowserFor
) -> None:
    case_id = enrolled(web_kivo, web_staff.caseworker, on=date(2026, 2, 1))
    theirs = enrolled(web_kivo, colleague, on=date(2026, 2, 1))
    me, other = browser_for(web_staff.caseworker), browser_for(colleague)
    assert me.post(f"/cases/{case_id}/meetings", {"at": "2026-03-10T10:00"}).status_code == 303
    assert other.post(f"/cases/{theirs}/meetings", {"at": "2026-03-10T10:00"}).status_code == 303
    (meeting,) = list_meetings(web_kivo, case_id=case_id)
    (their_meeting,) = list_meetings(web_kivo, case_id=theirs)
    assert "Flytta mötet" in me.get(f"/cases/{case_id}")

    moved = me.post(
        f"/cases/{case_id}/meetings/{meeting.id}/move", {"at": "2026-03-12T13:30", "reason": "Sjuk"}
    )
    assert moved.status_code == 303, moved.text
    (now,) = list_meetings(web_kivo, case_id=case_id)
    assert now.at == datetime(2026, 3, 12, 13, 30, tzinfo=LOCAL)
    assert (web_staff.caseworker, "move-meeting") in actions_on(web_kivo, web_staff, case_id)

    past = me.post(f"/cases/{case_id}/meetings/{meeting.id}/move", {"at": "2026-03-01T10:00"})
    assert past.status_code == 400
    assert 'value="2026-03-01T10:00"' in past.text  # what was typed is kept
    for url in (
        f"/cases/{case_id}/meetings/{their_meeting.id}/move",  # another case's meeting
        f"/cases/{theirs}/meetings/{their_meeting.id}/move",  # another caseworker's case
    ):
        assert me.post(url, {"at": "2026-03-20T10:00"}).status_code == 404
    (untouched,) = list_meetings(web_kivo, case_id=theirs)
    assert untouched.at == their_meeting.at


def test_a_placement_is_started_through_the_form_after_the_first_one_ended(
    web_kivo: Kivo, web_staff: Staff, browser_for: BrowserFor
) -> None:
    me = browser_for(web_staff.caseworker)
    case_id = in_practice(web_kivo, web_staff, me)
    ended = me.post(f"/cases/{case_id}/placement", {"kind": "end", "reason": "Bytte"})
    assert ended.status_code == 303, ended.text
    assert "Starta placering" in me.get(f"/cases/{case_id}")

    nowhere = me.post(f"/cases/{case_id}/placement", {"kind": "start"})
    assert nowhere.status_code == 400  # neither a supervisor nor a workplace named
    started = me.post(
        f"/cases/{case_id}/placement",
        {"kind": "start", "supervisor": str(web_staff.supervisor), "until": "2026-06-01"},
    )
    assert started.status_code == 303, started.text
    open_ones = [p for p in listing(web_kivo) if p.case_id == case_id and p.ended_on is None]
    assert [(p.supervisor_id, p.planned_end) for p in open_ones] == [
        (web_staff.supervisor, date(2026, 6, 1))
    ]
    assert read_case(web_kivo, case_id).view.history[-1].by_id == web_staff.caseworker


def test_only_a_coordinator_corrects_an_event_and_a_refused_correction_writes_nothing(
    web_kivo: Kivo, web_staff: Staff, browser_for: BrowserFor
) -> None:
    case_id = enrolled(web_kivo, web_staff.caseworker, on=date(2026, 1, 15))
    me, lead = browser_for(web_staff.caseworker), browser_for(web_staff.coordinator)
    advanced = me.post(
        f"/cases/{case_id}/moves", {"kind": "advance", "step": "1", "intent": "save"}
    )
    assert advanced.status_code == 303
    view = read_case(web_kivo, case_id).view
    move = view.history[-1].seq
    assert "Rätta en händelse" not in me.get(f"/cases/{case_id}")
    assert "Rätta en händelse" in lead.get(f"/cases/{case_id}")

    refused = me.post(f"/cases/{case_id}/correct", {"event": str(move), "reason": "Fel"})
    assert refused.status_code == 422
    assert "correction-not-permitted" in refused.text
    assert read_case(web_kivo, case_id).view.version == view.version
    corrected = lead.post(
        f"/cases/{case_id}/correct",
        {"event": str(move), "reason": "Fel ärende", "version": str(view.version)},
    )
    assert corrected.status_code == 303, corrected.text
    after = read_case(web_kivo, case_id).view
    assert after.state == "enrolled"
    assert after.history[-1].by_id == web_staff.coordinator


def test_showing_the_personnummer_in_full_is_a_post_that_the_access_log_keeps(
    web_kivo: Kivo, web_staff: Staff, colleague: int, browser_for: BrowserFor
) -> None:
    case_id = enrolled(web_kivo, web_staff.caseworker)
    full = read_case(web_kivo, case_id, show_personal=True).view.personnummer
    assert full is not None
    me = browser_for(web_staff.caseworker)
    assert full not in me.get(f"/cases/{case_id}")
    shown = me.post(f"/cases/{case_id}/personnummer", {})
    assert shown.status_code == 200
    assert full in shown.text
    assert shown.headers["HX-Replace-Url"] == f"/cases/{case_id}"
    assert (web_staff.caseworker, "show-personal") in actions_on(web_kivo, web_staff, case_id)
    assert browser_for(colleague).post(f"/cases/{case_id}/personnummer", {}).status_code == 404
    no_token = me.client.post(f"/cases/{case_id}/personnummer")
    assert no_token.status_code == 403


def test_every_write_and_read_of_the_case_page_is_logged_as_the_signed_in_caseworker(
    web_kivo: Kivo, web_staff: Staff, browser_for: BrowserFor
) -> None:
    case_id = enrolled(web_kivo, web_staff.caseworker, on=date(2026, 2, 1))
    me = browser_for(web_staff.caseworker)
    before = actions_on(web_kivo, web_staff, case_id)
    me.get(f"/cases/{case_id}")
    me_id = web_staff.caseworker
    assert actions_on(web_kivo, web_staff, case_id)[len(before) :] == [(me_id, "read")]
    assert me.post(f"/cases/{case_id}/meetings", {"at": "2026-03-02T08:00"}).status_code == 303
    (meeting,) = list_meetings(web_kivo, case_id=case_id)
    recorded = me.post(f"/cases/{case_id}/meetings/{meeting.id}/record", {"outcome": "held"})
    assert recorded.status_code == 303
    logged = actions_on(web_kivo, web_staff, case_id)[len(before) :]
    assert (me_id, "book-meeting") in logged
    assert (me_id, "record-meeting") in logged
    assert {who for who, _ in logged} == {me_id}


def test_a_meeting_is_booked_with_a_chosen_supervisor_and_recorded_with_notes(
    web_kivo: Kivo, web_staff: Staff, browser_for: BrowserFor
) -> None:
    case_id = enrolled(web_kivo, web_staff.caseworker, on=date(2026, 2, 1))
    me = browser_for(web_staff.caseworker)
    chosen = {"at": "2026-03-02T08:00", "supervisor": str(web_staff.other_supervisor)}
    assert me.post(f"/cases/{case_id}/meetings", chosen).status_code == 303
    (meeting,) = list_meetings(web_kivo, case_id=case_id)
    assert meeting.supervisor == "Olle Annanstans"
    recorded = me.post(
        f"/cases/{case_id}/meetings/{meeting.id}/record",
        {"outcome": "held", "notes": "Gick bra, fortsätter."},
    )
    assert recorded.status_code == 303, recorded.text
    (held,) = list_meetings(web_kivo, case_id=case_id)
    assert (held.status, held.notes) == ("held", "Gick bra, fortsätter.")
    unknown = me.post(f"/cases/{case_id}/meetings", {**chosen, "supervisor": "999999"})
    assert unknown.status_code == 404  # no such supervisor


def test_today_lists_meetings_gone_by_that_are_not_recorded_yet(
    web_kivo: Kivo, web_staff: Staff, browser_for: BrowserFor
) -> None:
    worker = directory.add_caseworker(web_kivo, "Tove Idag").id
    assert worker is not None
    case_id = enrolled(web_kivo, worker, on=date(2026, 2, 1))
    me = browser_for(worker)
    for at in ("2026-02-20T09:00", "2026-03-02T15:00"):  # a past day, and today
        assert me.post(f"/cases/{case_id}/meetings", {"at": at}).status_code == 303
    page = me.get("/")
    assert 'href="#oregistrerade">Trepartssamtal som passerat men inte registrerats: ' in page
    unrecorded = page.split('id="oregistrerade"')[1].split("</section>")[0]
    assert "2026-02-20 09:00" in unrecorded
    assert "2026-03-02 15:00" not in unrecorded
    today = page.split('id="moten"')[1].split("</section>")[0]
    assert "2026-03-02 15:00" in today
