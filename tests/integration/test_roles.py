"""Roles hold in the use cases, whatever the entry point: a caseworker reads and changes
their own caseload only (another's case is answered as an unknown one), a coordinator
all; only a coordinator sets targets, hands over, deactivates, overrides or writes under
a loosened rule set. Every read given an actor and every action writes one access-log
row in its own transaction; a refused one writes none."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from pathway import audit, batch, directory, editing, enrolment, handover, listing, moves, views
from pathway.adhoc_followups import add_followup
from pathway.clock import LOCAL
from pathway.context import Kivo
from pathway.errors import NotPermitted, Refused
from pathway.followups import mark_done
from pathway.meeting_move import move_meeting
from pathway.meetings import record_meeting, schedule_meeting
from pathway.notes import add_note
from pathway.results import MoveResult
from pathway.targets import set_target
from states.access import AccessEntry
from states.errors import InactiveActor, KivoError, NotFound, UnknownActor
from states.ruleset import load_rules_file
from states.steps import Step
from tests.integration.support import Staff, enrol_case, events_of, rules_file, table_contents


@pytest.fixture(scope="module")
def kivo(module_kivo: Kivo) -> Kivo:
    return module_kivo


@pytest.fixture(scope="module")
def staff(module_staff: Staff) -> Staff:
    return module_staff


@pytest.fixture(scope="module")
def other(kivo: Kivo) -> int:
    """A second caseworker, whose caseload the staff's caseworker does not see."""
    worker = directory.add_caseworker(kivo, "Olof Annan")
    assert worker.id is not None
    return worker.id


def log_of(kivo: Kivo, staff: Staff, case_id: int) -> list[AccessEntry]:
    return audit.access_reads(kivo, actor=staff.coordinator, case_id=case_id, limit=0).rows


def actions(kivo: Kivo, staff: Staff, case_id: int) -> list[tuple[int | None, str]]:
    return [(row.caseworker_id, row.action) for row in log_of(kivo, staff, case_id)]


def raised(call: Callable[[], object]) -> KivoError:
    with pytest.raises(KivoError) as error:
        call()
    return error.value


def case_uses(kivo: Kivo, case: int, by: int) -> list[Callable[[], object]]:
    """Every kind of use of one case: the reads and a few actions."""
    return [
        lambda: views.show_case(kivo, case, by=by),
        lambda: views.read_history(kivo, case, by=by),
        lambda: views.owner_on_day(kivo, case, date(2026, 2, 1), by=by),
        lambda: moves.advance(kivo, case, Step.INFORMATION, by=by),
        lambda: moves.pause(kivo, case, reason="sjuk", by=by),
        lambda: add_note(kivo, case, "en anteckning", by=by),
        lambda: enrolment.record_consent(kivo, case, by=by),
    ]


def coordinator_uses(
    kivo: Kivo, staff: Staff, other: int, leaving: int, by: int | None
) -> list[Callable[[], object]]:
    """What only a coordinator does."""
    return [
        lambda: set_target(kivo, "PIS", 2026, 4, by=by),
        lambda: handover.transfer_caseload(kivo, other, staff.caseworker, by=by),
        lambda: handover.transfer_caseload(kivo, other, staff.caseworker, by=by, dry_run=True),
        lambda: handover.deactivate_caseworker(kivo, leaving, by=by),
    ]


def test_another_caseworkers_case_is_answered_exactly_as_an_unknown_case(
    kivo: Kivo, staff: Staff, other: int
) -> None:
    case_id = enrol_case(kivo, staff)
    missing = 999_999
    before = table_contents(kivo.database)

    for by, case in ((other, case_id), (staff.caseworker, missing)):
        for call in case_uses(kivo, case, by):
            error = raised(call)
            assert type(error) is NotFound
            assert error.to_dict() == {
                "code": "not-found",
                "message": f"no case with id {case}",
                "what": "case",
                "id": case,
            }
    assert table_contents(kivo.database) == before, "a hidden case: nothing read is logged"


def test_a_meeting_or_follow_up_of_another_caseworkers_case_is_answered_as_unknown(
    kivo: Kivo, staff: Staff, other: int
) -> None:
    case_id = enrol_case(kivo, staff)
    at = datetime(2026, 3, 10, 10, 0, tzinfo=LOCAL)
    with pytest.raises(NotFound, match=f"no case with id {case_id}"):
        schedule_meeting(kivo, case_id, at, by=other)
    meeting = schedule_meeting(kivo, case_id, at, by=staff.caseworker)
    item = add_followup(kivo, case_id, date(2026, 3, 20), "Ring", by=staff.caseworker)
    before = table_contents(kivo.database)

    for meeting_id in (meeting.id, 999_999):
        with pytest.raises(NotFound) as refused:
            record_meeting(kivo, meeting_id, "held", by=other)
        assert (
            refused.value.to_dict()
            == NotFound(f"no meeting with id {meeting_id}", what="meeting", id=meeting_id).to_dict()
        )
        with pytest.raises(NotFound, match=f"no meeting with id {meeting_id}$"):
            move_meeting(kivo, meeting_id, at + timedelta(days=1), by=other)
    for followup_id in (item.id, 999_999):
        with pytest.raises(NotFound, match=f"no follow-up with id {followup_id}$"):
            mark_done(kivo, followup_id, by=other)
    assert table_contents(kivo.database) == before

    record_meeting(kivo, meeting.id, "cancelled", by=staff.coordinator)
    mark_done(kivo, item.id, by=staff.caseworker)
    assert actions(kivo, staff, case_id)[-4:] == [
        (staff.caseworker, "book-meeting"),
        (staff.caseworker, "add-followup"),
        (staff.coordinator, "record-meeting"),
        (staff.caseworker, "followup-done"),
    ]


def test_the_owner_and_a_coordinator_read_and_move_the_case_and_each_is_logged(
    kivo: Kivo, staff: Staff
) -> None:
    case_id = enrol_case(kivo, staff)

    views.show_case(kivo, case_id, by=staff.caseworker)
    views.show_case(kivo, case_id, by=staff.coordinator, show_personal=True)
    views.read_history(kivo, case_id, by=staff.coordinator)
    views.show_case(kivo, case_id)  # no one named: neither checked nor logged
    moves.advance(kivo, case_id, Step.INFORMATION, by=staff.caseworker)
    add_note(kivo, case_id, "ringde", by=staff.coordinator)

    assert actions(kivo, staff, case_id) == [
        (staff.caseworker, "enrol"),
        (staff.caseworker, "read"),
        (staff.coordinator, "show-personal"),
        (staff.coordinator, "read-history"),
        (staff.caseworker, "advanced"),
        (staff.coordinator, "note"),
    ]
    row = log_of(kivo, staff, case_id)[-1]
    assert (row.at, row.address) == (kivo.now(), None)  # the CLI says "cli", the web its client


def test_a_refused_action_writes_no_access_log_row(kivo: Kivo, staff: Staff) -> None:
    case_id = enrol_case(kivo, staff, consent=False)
    before = table_contents(kivo.database)

    with pytest.raises(Refused):  # consent-missing: the rules refuse
        moves.advance(
            kivo, case_id, Step.SHORT_PRACTICE, supervisor_id=staff.supervisor, by=staff.caseworker
        )
    with pytest.raises(Refused, match="override refused") as refused:  # a caseworker's
        moves.advance(
            kivo,
            case_id,
            Step.SHORT_PRACTICE,
            supervisor_id=staff.supervisor,
            by=staff.caseworker,
            override="brådskande",
        )
    assert refused.value.code == "not-permitted"  # a role's refusal: 403 on the web
    assert "override-not-permitted" in [v.code for v in refused.value.violations]
    assert "consent-missing" in [v.code for v in refused.value.violations]  # what it lifts

    assert table_contents(kivo.database) == before


def test_a_batch_moves_only_the_actors_own_cases_and_logs_each_move(
    kivo: Kivo, staff: Staff, other: int
) -> None:
    mine = [enrol_case(kivo, staff, name=f"Egen {n}") for n in range(3)]
    theirs = enrolment.enrol(kivo, "Annans Deltagare", caseworker_id=other).case_id

    result = batch.batch_advance(kivo, [*mine, theirs], Step.INFORMATION, by=staff.caseworker)

    assert (result.moved, result.not_found) == (3, 1)
    for case_id in mine:
        assert actions(kivo, staff, case_id)[-1] == (staff.caseworker, "advanced")
    assert actions(kivo, staff, theirs) == [(None, "enrol")]


def test_a_caseworkers_list_is_their_own_caseload(kivo: Kivo, staff: Staff, other: int) -> None:
    enrol_case(kivo, staff, name="Min Deltagare")
    enrolment.enrol(kivo, "Annans Deltagare", caseworker_id=other)

    own = {c.caseworker_id for c in listing.list_cases(kivo, limit=0, by=staff.caseworker)}
    every = {c.caseworker_id for c in listing.list_cases(kivo, limit=0, by=staff.coordinator)}
    assert own == {staff.caseworker}
    assert {staff.caseworker, other} <= every
    assert {c.caseworker_id for c in views.list_cases(kivo, by=other)} == {other}
    with pytest.raises(NotPermitted):
        listing.list_cases(kivo, caseworker_id=other, by=staff.caseworker)


def test_only_a_coordinator_sets_targets_hands_over_deactivates_or_reactivates(
    kivo: Kivo, staff: Staff, other: int
) -> None:
    theirs = enrolment.enrol(kivo, "Annans Deltagare", caseworker_id=other).case_id
    leaving = directory.add_caseworker(kivo, "Lisa Slutar").id
    assert leaving is not None
    before = table_contents(kivo.database)

    for by in (staff.caseworker, None):
        for call in coordinator_uses(kivo, staff, other, leaving, by):
            error = raised(call)
            assert isinstance(error, NotPermitted)
            assert error.code == "not-permitted"
            assert [v.code for v in error.violations] == ["coordinator-only"]
            assert "only a coordinator may" in error.message
    assert table_contents(kivo.database) == before

    handover.transfer_caseload(
        kivo, other, staff.caseworker, case_ids=[theirs], by=staff.coordinator
    )
    assert actions(kivo, staff, theirs)[-1] == (staff.coordinator, "transferred")
    handover.deactivate_caseworker(kivo, leaving, by=staff.coordinator)
    with pytest.raises(NotPermitted):
        editing.reactivate_caseworker(kivo, leaving, by=staff.caseworker)
    editing.reactivate_caseworker(kivo, leaving, by=staff.coordinator)
    assert set_target(kivo, "PIS", 2026, 4, by=staff.coordinator).count == 4


def test_an_unknown_or_deactivated_actor_is_refused_with_its_own_code(
    kivo: Kivo, staff: Staff
) -> None:
    case_id = enrol_case(kivo, staff)
    gone = directory.add_caseworker(kivo, "Gunnar Gått").id
    assert gone is not None
    handover.deactivate_caseworker(kivo, gone, by=staff.coordinator)

    unknown = raised(lambda: views.show_case(kivo, case_id, by=999_999))
    inactive = raised(lambda: moves.advance(kivo, case_id, Step.INFORMATION, by=gone))

    assert isinstance(unknown, UnknownActor)
    assert (unknown.code, unknown.message) == ("unknown-actor", "no caseworker with id 999999")
    assert isinstance(inactive, InactiveActor)
    assert inactive.code == "inactive-actor"


def test_a_move_under_a_loosened_rule_set_is_a_coordinators_and_the_history_shows_it(
    kivo: Kivo, staff: Staff, tmp_path: Path
) -> None:
    loosened = replace(
        kivo,
        rules=load_rules_file(rules_file(tmp_path, "supervisor-untrained")),
        configured_rules=kivo.fingerprint,
    )
    assert loosened.loosened
    assert loosened.fingerprint != kivo.fingerprint
    case_id = enrol_case(kivo, staff)
    before = table_contents(kivo.database)

    def practice(by: int, *, dry_run: bool = False) -> MoveResult:
        """Short practice with an untrained supervisor: the loosened rules only warn."""
        return moves.advance(
            loosened,
            case_id,
            Step.SHORT_PRACTICE,
            supervisor_id=staff.untrained_supervisor,
            programme="PIS",
            by=by,
            dry_run=dry_run,
        )

    with pytest.raises(NotPermitted, match="rule set other than the organisation's"):
        practice(staff.caseworker)
    assert table_contents(kivo.database) == before
    preview = practice(staff.caseworker, dry_run=True)  # a preview writes nothing: allowed
    assert [w["code"] for w in preview.warnings] == ["supervisor-untrained"]

    practice(staff.coordinator)

    assert events_of(kivo, case_id)[-1].data["rules"] == loosened.fingerprint
    first, *_, last = views.read_history(loosened, case_id).lines
    assert (first.kind, first.rules, first.configured_rules) == ("enrolled", None, None)
    assert (last.rules, last.configured_rules) == (loosened.fingerprint, False)
    seen_by_the_organisation = views.read_history(kivo, case_id).lines[-1]
    assert seen_by_the_organisation.configured_rules is False


def test_the_access_log_is_a_coordinators_query_by_case_caseworker_and_day(
    kivo: Kivo, staff: Staff
) -> None:
    case_id = enrol_case(kivo, staff)
    views.show_case(kivo, case_id, by=staff.caseworker)
    today, tomorrow = kivo.today(), date.fromordinal(kivo.today().toordinal() + 1)

    by_worker = audit.access_reads(
        kivo, actor=staff.coordinator, caseworker_id=staff.caseworker, start=today, end=today
    )
    assert (case_id, "read") in {(r.case_id, r.action) for r in by_worker.rows}
    assert audit.access_reads(kivo, actor=staff.coordinator, start=tomorrow).rows == []
    page = audit.access_reads(kivo, actor=staff.coordinator, case_id=case_id, limit=1)
    assert page.more
    assert len(page.rows) == 1
    rest = audit.access_reads(kivo, actor=staff.coordinator, case_id=case_id, after=page.last_id)
    assert [r.action for r in rest.rows] == ["read"]
    with pytest.raises(NotPermitted):
        audit.access_reads(kivo, actor=staff.caseworker)
    with pytest.raises(NotPermitted):
        audit.access_reads(kivo, actor=None)


def test_a_caseworker_enrols_into_their_own_caseload_only_and_a_coordinator_into_any(
    kivo: Kivo, staff: Staff, other: int
) -> None:
    before = table_contents(kivo.database)
    with pytest.raises(NotPermitted, match="enrols into their own caseload only") as refused:
        enrolment.enrol(kivo, "Annans Ny", caseworker_id=other, by=staff.caseworker)
    assert (refused.value.code, refused.value.params["action"]) == (
        "not-permitted",
        "enrol into another caseload",
    )
    assert table_contents(kivo.database) == before

    own = enrolment.enrol(kivo, "Egen Ny", by=staff.caseworker)  # none named: their own
    named = enrolment.enrol(
        kivo, "Egen Namngiven", caseworker_id=staff.caseworker, by=staff.caseworker
    )
    theirs = enrolment.enrol(kivo, "Annans Ny", caseworker_id=other, by=staff.coordinator)

    assert views.show_case(kivo, own.case_id, by=staff.caseworker).caseworker_id == staff.caseworker
    assert views.show_case(kivo, named.case_id).caseworker_id == staff.caseworker
    assert views.show_case(kivo, theirs.case_id).caseworker_id == other


def test_a_person_named_by_id_is_edited_through_the_actors_own_caseload_only(
    kivo: Kivo, staff: Staff, other: int
) -> None:
    theirs = enrolment.enrol(kivo, "Annans Person", caseworker_id=other)
    before = table_contents(kivo.database)

    for ident in (theirs.person_id, 999_999):
        with pytest.raises(NotFound, match=f"no person with id {ident}"):
            editing.edit_participant(kivo, ident, person=True, name="Ny Namn", by=staff.caseworker)
    assert table_contents(kivo.database) == before

    done = editing.edit_participant(
        kivo, theirs.person_id, person=True, name="Nytt Namn", by=staff.coordinator
    )
    assert [c.field for c in done.changes] == ["name"]
