"""Case actions through the pages' forms, on SQLite and PostgreSQL: the same use cases as
the CLI, the signed-in caseworker as the actor, one caseload each, CSRF on every post."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from pathway import directory
from pathway.context import Kivo
from pathway.views import read_case
from tests.integration.support import Staff, fresh_personnummer
from tests.web.api_support import enrolled
from tests.web.conftest import Browser

BrowserFor = Callable[[int], Browser]


@pytest.fixture(scope="module")
def colleague(web_kivo: Kivo, web_staff: Staff) -> int:
    """Another caseworker, with a caseload of their own."""
    worker = directory.add_caseworker(web_kivo, "Olof Kollega")
    assert worker.id is not None
    return worker.id


def in_practice(kivo: Kivo, staff: Staff, me: Browser) -> int:
    """A case of ``me`` (the staff's caseworker) moved through the form into short work
    practice from 1 February to 1 May, at the staff's workplace and trained supervisor."""
    case_id = enrolled(kivo, staff.caseworker, on=date(2026, 1, 15))
    place = {"workplace": str(staff.workplace), "supervisor": str(staff.supervisor)}
    form = {"kind": "advance", "step": "2", "on": "2026-02-01", "until": "2026-05-01", **place}
    assert me.post(f"/cases/{case_id}/moves", {**form, "intent": "save"}).status_code == 303
    return case_id


def test_a_move_through_the_form_changes_the_case_with_the_caseworker_as_actor(
    web_kivo: Kivo, web_staff: Staff, browser_for: BrowserFor
) -> None:
    case_id = enrolled(web_kivo, web_staff.caseworker)
    me = browser_for(web_staff.caseworker)
    done = me.post(f"/cases/{case_id}/moves", {"kind": "advance", "step": "1", "intent": "save"})
    assert done.status_code == 303
    assert done.headers["location"] == f"/cases/{case_id}"
    view = read_case(web_kivo, case_id).view
    assert view.state == "information"
    assert view.history[-1].by_id == web_staff.caseworker
    assert "Sparat." in me.get(f"/cases/{case_id}")


def test_a_refused_save_writes_nothing_shows_every_rule_and_keeps_what_was_typed(
    web_kivo: Kivo, web_staff: Staff, browser_for: BrowserFor
) -> None:
    case_id = enrolled(web_kivo, web_staff.caseworker, consent=False)
    before = read_case(web_kivo, case_id).view
    me = browser_for(web_staff.caseworker)
    typed = {"kind": "advance", "step": "2", "until": "2026-05-29", "intent": "save"}
    refused = me.post(f"/cases/{case_id}/moves", typed)
    assert refused.status_code == 422
    after = read_case(web_kivo, case_id).view
    assert (after.version, len(after.history)) == (before.version, len(before.history))
    page = refused.text
    assert "Det gick inte att spara" in page
    assert 'role="alert"' in page
    for code in ("consent", "workplace"):
        assert code in page  # every violated rule is named (consent, the placement's needs)
    assert 'value="2026-05-29"' in page  # what was typed is kept


def test_a_preview_reports_what_the_rules_say_and_writes_nothing(
    web_kivo: Kivo, web_staff: Staff, browser_for: BrowserFor
) -> None:
    case_id = enrolled(web_kivo, web_staff.caseworker)
    me = browser_for(web_staff.caseworker)
    shown = me.post(
        f"/cases/{case_id}/moves", {"kind": "advance", "step": "1", "intent": "preview"}
    )
    assert shown.status_code == 200
    assert "Förhandsgranskning" in shown.text
    assert read_case(web_kivo, case_id).view.state == "enrolled"


def test_pause_and_resume_go_through_the_forms(
    web_kivo: Kivo, web_staff: Staff, browser_for: BrowserFor
) -> None:
    case_id = enrolled(web_kivo, web_staff.caseworker)
    me = browser_for(web_staff.caseworker)
    paused = me.post(
        f"/cases/{case_id}/moves", {"kind": "pause", "reason": "Sjukskriven", "intent": "save"}
    )
    assert paused.status_code == 303
    assert read_case(web_kivo, case_id).view.state == "paused"
    blank = me.post(f"/cases/{case_id}/moves", {"kind": "fall_back", "step": "1", "reason": ""})
    assert blank.status_code in (400, 422)
    resumed = me.post(f"/cases/{case_id}/moves", {"kind": "resume", "intent": "save"})
    assert resumed.status_code == 303
    assert read_case(web_kivo, case_id).view.state == "enrolled"


def test_another_caseworkers_case_answers_404_to_reads_and_writes(
    web_kivo: Kivo, web_staff: Staff, colleague: int, browser_for: BrowserFor
) -> None:
    theirs = enrolled(web_kivo, colleague)
    me = browser_for(web_staff.caseworker)
    assert me.client.get(f"/cases/{theirs}").status_code == 404
    assert me.client.get(f"/cases/{theirs}/meetings.ics").status_code == 404
    moved = me.post(f"/cases/{theirs}/moves", {"kind": "advance", "step": "1", "intent": "save"})
    assert moved.status_code == 404
    assert me.client.get("/cases/999999").status_code == 404  # the same answer as no case
    assert read_case(web_kivo, theirs).view.state == "enrolled"
    assert f'href="/cases/{theirs}"' not in me.get("/cases")


def test_a_coordinator_sees_every_case_and_alone_gets_the_override_field(
    web_kivo: Kivo, web_staff: Staff, colleague: int, browser_for: BrowserFor
) -> None:
    theirs = enrolled(web_kivo, colleague)
    boss = browser_for(web_staff.coordinator)
    assert 'name="override"' in boss.get(f"/cases/{theirs}")
    mine = enrolled(web_kivo, web_staff.caseworker)
    me = browser_for(web_staff.caseworker)
    assert 'name="override"' not in me.get(f"/cases/{mine}")
    overriding = me.post(
        f"/cases/{mine}/moves",
        {"kind": "advance", "step": "2", "override": "Jag bestämmer", "intent": "save"},
    )
    assert overriding.status_code == 403
    assert read_case(web_kivo, mine).view.state == "enrolled"


def test_a_post_without_the_csrf_token_is_refused_with_403_and_writes_nothing(
    web_kivo: Kivo, web_staff: Staff, browser_for: BrowserFor
) -> None:
    case_id = enrolled(web_kivo, web_staff.caseworker)
    me = browser_for(web_staff.caseworker)
    form = {"kind": "advance", "step": "1", "intent": "save"}
    assert me.client.post(f"/cases/{case_id}/moves", data=form).status_code == 403
    forged = {**form, "csrf_token": "forged"}
    assert me.client.post(f"/cases/{case_id}/moves", data=forged).status_code == 403
    assert read_case(web_kivo, case_id).view.state == "enrolled"
    by_header = me.client.post(
        f"/cases/{case_id}/moves", data=form, headers={"X-CSRF-Token": me.token}
    )
    assert by_header.status_code == 303  # htmx sends the token as a header


def test_a_meeting_is_booked_and_a_follow_up_marked_done_through_the_forms(
    web_kivo: Kivo, web_staff: Staff, browser_for: BrowserFor
) -> None:
    case_id = enrolled(web_kivo, web_staff.caseworker, on=date(2026, 1, 15))
    me = browser_for(web_staff.caseworker)
    booked = me.post(f"/cases/{case_id}/meetings", {"at": "2026-03-04T10:00"})
    assert booked.status_code == 303
    calendar = me.client.get(f"/cases/{case_id}/meetings.ics")
    assert calendar.status_code == 200
    assert "BEGIN:VEVENT" in calendar.text
    assert "Sara" not in calendar.text  # a calendar leaves kivo: no names in it
    advanced = me.post(
        f"/cases/{case_id}/moves",
        {
            "kind": "advance",
            "step": "2",
            "workplace": str(web_staff.workplace),
            "supervisor": str(web_staff.supervisor),
            "on": "2026-02-01",
            "intent": "save",
        },
    )
    assert advanced.status_code == 303, advanced.text
    from pathway.followups import list_followups

    due = list_followups(web_kivo, case_id=case_id, due_by=web_kivo.today())
    assert due, "entering a placement step plans follow-ups"
    item = due[0].id
    done = me.post(f"/cases/{case_id}/followups/{item}/done", {"finding": "", "notes": "Bra"})
    assert done.status_code == 303, done.text
    statuses = {f.id: f.status for f in list_followups(web_kivo, case_id=case_id, status="all")}
    assert statuses[item] == "done"
    again = me.post(f"/cases/{case_id}/followups/{item}/done", {"notes": "Igen"})
    assert again.status_code == 422
    assert "är redan gjord" in again.text
    later = next(f.id for f in list_followups(web_kivo, case_id=case_id) if f.id != item)
    early = me.post(
        f"/cases/{case_id}/followups/{later}/done", {"notes": "Tidigt", "on": "2026-01-01"}
    )
    assert early.status_code == 422
    assert "date-before-case" in early.text  # done before the case was opened
    assert 'value="Tidigt"' in early.text  # what was typed is kept


def test_a_participant_walks_from_enrolment_to_permanent_employment_through_the_pages(
    web_kivo: Kivo, web_staff: Staff, browser_for: BrowserFor
) -> None:
    me = browser_for(web_staff.caseworker)
    assert 'name="personnummer"' in me.get("/cases/new")
    typed = {"name": "Wera Vandrare", "personnummer": "19900101-0000", "gender": "woman"}
    bad = me.post("/cases/new", typed)
    assert bad.status_code == 400
    assert 'value="Wera Vandrare"' in bad.text  # what was typed is kept
    pnr = fresh_personnummer("19920202")
    enrolled_page = me.post("/cases/new", {**typed, "personnummer": pnr, "on": "2026-01-05"})
    assert enrolled_page.status_code == 303
    case_page = enrolled_page.headers["location"]
    case_id = int(case_page.rsplit("/", 1)[1])
    assert read_case(web_kivo, case_id).view.caseworker_id == web_staff.caseworker
    assert me.post(f"{case_page}/consent", {"on": "2026-01-05"}).status_code == 303
    place = {"workplace": str(web_staff.workplace), "supervisor": str(web_staff.supervisor)}
    for step, on, more in (
        ("1", "2026-01-10", {}),
        ("2", "2026-01-20", place),
        ("9", "2026-02-20", {**place, "programme": "LONESTOD"}),
    ):
        form = {"kind": "advance", "step": step, "on": on, "intent": "save", **more}
        moved = me.post(f"{case_page}/moves", form)
        assert moved.status_code == 303, moved.text
    view = read_case(web_kivo, case_id).view
    assert view.state == "permanent"
    assert [line.by_id for line in view.history if line.kind == "advanced"] == [
        web_staff.caseworker
    ] * 3


def test_the_open_placement_is_extended_refused_a_new_supervisor_and_ended_through_the_forms(
    web_kivo: Kivo, web_staff: Staff, browser_for: BrowserFor
) -> None:
    from pathway.placements import listing

    me = browser_for(web_staff.caseworker)
    case_id = in_practice(web_kivo, web_staff, me)
    assert "Förläng placeringen" in me.get(f"/cases/{case_id}")

    extended = me.post(f"/cases/{case_id}/placement", {"kind": "extend", "until": "2026-06-01"})
    assert extended.status_code == 303, extended.text
    untrained = {"kind": "supervisor", "supervisor": str(web_staff.untrained_supervisor)}
    refused = me.post(f"/cases/{case_id}/placement", untrained)
    assert refused.status_code == 422
    assert "supervisor-untrained" in refused.text
    ended = me.post(f"/cases/{case_id}/placement", {"kind": "end", "reason": "Avbröt"})
    assert ended.status_code == 303, ended.text

    (placement,) = [p for p in listing(web_kivo) if p.case_id == case_id]
    assert placement.planned_end == date(2026, 6, 1)
    assert placement.supervisor_id == web_staff.supervisor
    assert placement.ended_on == web_kivo.today()


def test_a_meeting_is_recorded_as_held_and_another_cases_items_answer_404(
    web_kivo: Kivo, web_staff: Staff, colleague: int, browser_for: BrowserFor
) -> None:
    from pathway.meetings import list_meetings

    case_id = enrolled(web_kivo, web_staff.caseworker, on=date(2026, 2, 1))
    theirs = enrolled(web_kivo, colleague, on=date(2026, 2, 1))
    me = browser_for(web_staff.caseworker)
    assert me.post(f"/cases/{case_id}/meetings", {"at": "2026-03-02T08:00"}).status_code == 303
    (meeting,) = list_meetings(web_kivo, case_id=case_id)
    other = browser_for(colleague)
    assert other.post(f"/cases/{theirs}/meetings", {"at": "2026-03-02T08:00"}).status_code == 303
    (their_meeting,) = list_meetings(web_kivo, case_id=theirs)

    wrong_case = me.post(
        f"/cases/{case_id}/meetings/{their_meeting.id}/record", {"outcome": "held"}
    )
    assert wrong_case.status_code == 404
    held = me.post(f"/cases/{case_id}/meetings/{meeting.id}/record", {"outcome": "held"})
    assert held.status_code == 303
    assert [m.status for m in list_meetings(web_kivo, case_id=case_id)] == ["held"]
    assert [m.status for m in list_meetings(web_kivo, case_id=theirs)] == ["scheduled"]


def test_notes_ad_hoc_follow_ups_and_a_consent_withdrawal_go_through_the_forms(
    web_kivo: Kivo, web_staff: Staff, browser_for: BrowserFor
) -> None:
    from pathway.followups import list_followups

    case_id = enrolled(web_kivo, web_staff.caseworker, on=date(2026, 2, 1))
    me = browser_for(web_staff.caseworker)
    pnr = fresh_personnummer("19700707")
    noted = me.post(f"/cases/{case_id}/notes", {"text": f"Ringde om intyget ({pnr})"})
    assert noted.status_code == 303
    page = me.get(f"/cases/{case_id}")
    assert "Ringde om intyget" in page
    assert pnr not in page  # a personnummer in a note is shown masked
    assert me.post(f"/cases/{case_id}/notes", {"text": "  "}).status_code == 400

    planned = me.post(
        f"/cases/{case_id}/followups", {"title": "Kolla läkarintyget", "due": "2026-03-20"}
    )
    assert planned.status_code == 303, planned.text
    titles = [f.title for f in list_followups(web_kivo, case_id=case_id)]
    assert "Kolla läkarintyget" in titles

    withdrawn = me.post(f"/cases/{case_id}/consent", {"action": "withdraw"})
    assert withdrawn.status_code == 303, withdrawn.text
    assert read_case(web_kivo, case_id).view.consent_on is None
    assert "Registrera samtycke" in me.get(f"/cases/{case_id}")


def test_a_stale_version_answers_409_and_ids_beyond_any_column_answer_404(
    web_kivo: Kivo, web_staff: Staff, browser_for: BrowserFor
) -> None:
    case_id = enrolled(web_kivo, web_staff.caseworker)
    me = browser_for(web_staff.caseworker)
    version = str(read_case(web_kivo, case_id).view.version)
    paused = {"kind": "pause", "reason": "Sjuk", "version": version, "intent": "save"}
    assert me.post(f"/cases/{case_id}/moves", paused).status_code == 303
    stale = me.post(f"/cases/{case_id}/moves", {**paused, "kind": "resume"})
    assert stale.status_code == 409
    assert "Någon annan ändrade ärendet" in stale.text
    assert read_case(web_kivo, case_id).view.state == "paused"
    huge = "9" * 20
    assert me.client.get(f"/cases/{huge}").status_code == 404
    assert me.post(f"/cases/{huge}/moves", paused).status_code == 404
    assert me.client.get(f"/cases?after={huge}").status_code == 400


def test_a_bulk_follow_up_reports_each_case_and_one_refusal_undoes_no_other(
    web_kivo: Kivo, web_staff: Staff, colleague: int, browser_for: BrowserFor
) -> None:
    from pathway.followups import list_followups

    mine = [enrolled(web_kivo, web_staff.caseworker) for _ in range(2)]
    closed = enrolled(web_kivo, web_staff.caseworker)
    from pathway.moves import exit_case
    from states.case import Outcome

    exit_case(web_kivo, closed, outcome=Outcome.MOVED)
    theirs = enrolled(web_kivo, colleague)
    me = browser_for(web_staff.caseworker)
    assert 'name="case"' in me.get("/cases")
    picked = [str(i) for i in (*mine, closed, theirs)]
    done = me.client.post(
        "/cases/bulk",
        data={
            "case": picked,
            "action": "followup",
            "title": "Ring om schemat",
            "due": "2026-03-16",
            "csrf_token": me.token,
        },
    )
    assert done.status_code == 200
    assert done.text.count("Klart") == 2
    assert done.text.count("Nekad") == 2
    assert "Åtgärden utfördes för 2 av 4 ärenden." in done.text
    assert f"inget ärende med id {theirs}" in done.text  # a colleague's case: no case (sv)
    for case_id in mine:
        titles = [f.title for f in list_followups(web_kivo, case_id=case_id)]
        assert "Ring om schemat" in titles
    for case_id in (closed, theirs):
        titles = [f.title for f in list_followups(web_kivo, case_id=case_id)]
        assert "Ring om schemat" not in titles


def test_only_a_coordinator_hands_cases_over_in_bulk(
    web_kivo: Kivo, web_staff: Staff, colleague: int, browser_for: BrowserFor
) -> None:
    cases = [enrolled(web_kivo, web_staff.caseworker) for _ in range(2)]
    form = {"case": [str(i) for i in cases], "action": "reassign", "to": str(colleague)}
    me = browser_for(web_staff.caseworker)
    refused = me.client.post("/cases/bulk", data={**form, "csrf_token": me.token})
    assert refused.status_code == 403
    assert {read_case(web_kivo, i).view.caseworker_id for i in cases} == {web_staff.caseworker}
    boss = browser_for(web_staff.coordinator)
    done = boss.client.post("/cases/bulk", data={**form, "csrf_token": boss.token})
    assert done.status_code == 200
    assert done.text.count("Klart") == 2
    assert {read_case(web_kivo, i).view.caseworker_id for i in cases} == {colleague}


def test_a_coordinator_previews_then_confirms_a_handover_and_a_caseworker_may_not(
    web_kivo: Kivo, web_staff: Staff, browser_for: BrowserFor
) -> None:
    leaving = directory.add_caseworker(web_kivo, "Lisa Slutar").id
    taking = directory.add_caseworker(web_kivo, "Tore Tar").id
    assert leaving is not None
    assert taking is not None
    cases = [enrolled(web_kivo, leaving) for _ in range(2)]
    form = {"from": str(leaving), "to": str(taking)}
    me = browser_for(web_staff.caseworker)
    assert me.client.get("/handover").status_code == 403
    assert me.post("/handover", form).status_code == 403
    boss = browser_for(web_staff.coordinator)
    assert 'href="/handover"' in boss.get("/")
    preview = boss.post("/handover", {**form, "intent": "preview"})
    assert preview.status_code == 200
    assert "Bekräfta överlämningen" in preview.text
    assert {read_case(web_kivo, i).view.caseworker_id for i in cases} == {leaving}
    done = boss.post("/handover", {**form, "intent": "save"})
    assert done.status_code == 200
    assert "Överlämnat" in done.text
    assert {read_case(web_kivo, i).view.caseworker_id for i in cases} == {taking}
    same = boss.post("/handover", {"from": str(taking), "to": str(taking)})
    assert same.status_code in (400, 422)


def test_an_import_previews_its_bad_rows_then_writes_only_the_valid_ones(
    web_kivo: Kivo, web_staff: Staff, browser_for: BrowserFor
) -> None:
    from pathway.finding import find_participants

    good = fresh_personnummer("19880808")
    header = "name;personnummer;gender;birth_year;groups;caseworker;enrolled_on;step;consent_on"
    lines = [
        header,
        f"Ines Import;{good};woman;;;{web_staff.caseworker};2026-02-01;;",
        "Bad Rad;19900101-0000;;;;;2026-02-01;;",
    ]
    csv_bytes = ("\n".join(lines) + "\n").encode()
    me = browser_for(web_staff.caseworker)
    assert me.client.get("/import").status_code == 403
    boss = browser_for(web_staff.coordinator)
    upload = {"file": ("deltagare.csv", csv_bytes, "text/csv")}
    fields = {"intent": "preview", "csrf_token": boss.token}
    preview = boss.client.post("/import", data=fields, files=upload)
    assert preview.status_code == 200
    assert "inget är sparat ännu" in preview.text
    assert "<tr><td>3</td>" in preview.text  # the bad row, by its line
    assert "ogiltigt personnummer 19900101-****: kontrollsiffran ska vara" in preview.text
    shown = preview.text.split('name="csv"')[0]  # the page; the file itself rides along
    assert "19900101-0000" not in shown  # the bad row's personnummer is shown masked
    assert not find_participants(web_kivo, "Ines Import").cases
    csv_text = preview.text.split('name="csv" value="')[1].split('"')[0]
    import html

    saved = boss.post("/import", {"csv": html.unescape(csv_text), "intent": "save"})
    assert saved.status_code == 200
    assert "Importen är sparad" in saved.text
    assert [f.name for f in find_participants(web_kivo, "Ines Import").cases] == ["Ines Import"]


def test_an_upload_over_the_imports_limit_answers_413(
    web_staff: Staff, browser_for: BrowserFor
) -> None:
    boss = browser_for(web_staff.coordinator)
    huge = {"file": ("big.csv", b"x" * 5_100_000, "text/csv")}
    answer = boss.client.post("/import", data={"csrf_token": boss.token}, files=huge)
    assert answer.status_code == 413
    headless = {"file": ("x.csv", b"name;personnummer\n", "text/csv")}
    refused = boss.client.post("/import", data={"csrf_token": boss.token}, files=headless)
    assert refused.status_code == 400
    assert "kolumn(er) saknas: gender" in refused.text  # the file as a whole, in Swedish
    assert 'id="i-file"' in refused.text
