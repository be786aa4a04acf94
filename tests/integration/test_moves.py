"""Moving a case along the path through the use cases, on SQLite and PostgreSQL.

Each test reads back what was stored (case row, history, placements) rather than
trusting the use case's result, and checks that the history replays to the state.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from pathway import enrolment, moves, views
from pathway.context import Kivo
from states.case import Outcome
from states.ruleset import load_rules_file
from states.steps import Step
from tests.integration.support import (
    TODAY,
    Staff,
    assert_history_replays_to_stored_state,
    enrol_case,
    events_of,
    placements_of,
    rules_file,
    stored_case,
)

ENROLLED_ON = date(2026, 1, 12)


@pytest.fixture
def kivo(module_kivo: Kivo) -> Kivo:
    """One database per kind for this module: every test enrols its own participants."""
    return module_kivo


@pytest.fixture
def staff(module_staff: Staff) -> Staff:
    return module_staff


def test_enrolling_with_consent_opens_a_case_with_an_enrolment_and_a_consent_event(
    kivo: Kivo, staff: Staff
) -> None:
    result = enrolment.enrol(
        kivo,
        "Amira Deltagare",
        caseworker_id=staff.caseworker,
        consent=True,
        on=ENROLLED_ON,
        by=staff.caseworker,
        gender="woman",
        groups=["newly-arrived"],
    )

    case = stored_case(kivo, result.case_id)
    assert (case.state, case.step, case.paused_from) == ("enrolled", None, None)
    assert (case.opened_on, case.consent_on, case.last_move_on) == (ENROLLED_ON,) * 3
    assert (case.caseworker_id, case.person_id, case.version) == (
        staff.caseworker,
        result.person_id,
        1,
    )
    events = events_of(kivo, result.case_id)
    assert [(e.seq, e.kind, e.from_state, e.to_state, e.on, e.actor_id) for e in events] == [
        (1, "enrolled", None, "enrolled", ENROLLED_ON, staff.caseworker),
        (2, "consent", None, None, ENROLLED_ON, staff.caseworker),
    ]
    assert placements_of(kivo, result.case_id) == []
    assert_history_replays_to_stored_state(kivo, result.case_id)


def test_enrolling_without_consent_records_only_the_enrolment(kivo: Kivo, staff: Staff) -> None:
    case_id = enrol_case(kivo, staff, consent=False)

    assert stored_case(kivo, case_id).consent_on is None
    assert [e.kind for e in events_of(kivo, case_id)] == ["enrolled"]


def test_recording_consent_later_sets_its_date_bumps_the_version_and_appends_an_event(
    kivo: Kivo, staff: Staff
) -> None:
    case_id = enrol_case(kivo, staff, consent=False)

    recorded = enrolment.record_consent(kivo, case_id, on=date(2026, 1, 20), by=staff.caseworker)

    case = stored_case(kivo, case_id)
    assert recorded == case.consent_on == date(2026, 1, 20)
    assert (case.state, case.version) == ("enrolled", 2)
    last = events_of(kivo, case_id)[-1]
    assert (last.seq, last.kind, last.on, last.actor_id) == (
        2,
        "consent",
        date(2026, 1, 20),
        staff.caseworker,
    )


def test_advancing_into_a_workplace_step_opens_its_placement_with_the_event(
    kivo: Kivo, staff: Staff
) -> None:
    case_id = enrol_case(kivo, staff)

    result = moves.advance(
        kivo,
        case_id,
        Step.SHORT_PRACTICE,
        on=date(2026, 1, 19),
        workplace_id=staff.workplace,
        supervisor_id=staff.supervisor,
        programme="pis",
        until=date(2026, 4, 30),
        by=staff.caseworker,
    )

    case = stored_case(kivo, case_id)
    assert (case.state, case.step, case.last_move_on, case.version) == (
        "short-practice",
        Step.SHORT_PRACTICE,
        date(2026, 1, 19),
        2,
    )
    (placement,) = placements_of(kivo, case_id)
    assert placement.id == result.placement_id
    assert (placement.step, placement.workplace_id, placement.supervisor_id) == (
        2,
        staff.workplace,
        staff.supervisor,
    )
    assert (placement.programme, placement.start, placement.planned_end) == (
        "PIS",
        date(2026, 1, 19),
        date(2026, 4, 30),
    )
    assert (placement.ended_on, placement.end_reason) == (None, None)
    event = events_of(kivo, case_id)[-1]
    assert (event.seq, event.kind, event.from_state, event.to_state) == (
        3,
        "advanced",
        "enrolled",
        "short-practice",
    )
    assert (event.on, event.actor_id, event.reason) == (date(2026, 1, 19), staff.caseworker, None)
    assert (event.warnings, event.overrides) == ([], [])
    undo = event.data.pop("undo")  # what the move wrote, for a correction to undo
    assert {key: undo[key] for key in ("paused_from", "last_move_on", "items", "ended")} == {
        "paused_from": None,
        "last_move_on": "2026-01-12",
        "items": [],
        "ended": [],
    }
    assert undo["added"]
    assert undo["meetings"] == []
    assert event.data == {
        "workplace_id": staff.workplace,
        "supervisor_id": staff.supervisor,
        "programme": "PIS",
        "until": "2026-04-30",
        "placement_id": placement.id,
        "rules": kivo.fingerprint,  # the rule set that judged the move
    }
    assert (result.from_state, result.to_state, result.step, result.version) == (
        "enrolled",
        "short-practice",
        2,
        2,
    )
    assert_history_replays_to_stored_state(kivo, case_id)


def test_a_supervisor_alone_names_the_workplace_of_the_placement(kivo: Kivo, staff: Staff) -> None:
    case_id = enrol_case(kivo, staff)

    moves.advance(
        kivo,
        case_id,
        Step.STUDY_PRACTICE,
        on=date(2026, 1, 19),
        supervisor_id=staff.other_supervisor,
    )

    (placement,) = placements_of(kivo, case_id)
    assert (placement.workplace_id, placement.supervisor_id) == (
        staff.other_workplace,
        staff.other_supervisor,
    )


def test_skipping_forward_to_a_step_away_from_a_workplace_opens_no_placement(
    kivo: Kivo, staff: Staff
) -> None:
    case_id = enrol_case(kivo, staff, consent=False)

    result = moves.advance(kivo, case_id, Step.VOCATIONAL_TRAINING, on=date(2026, 1, 19))

    assert result.placement_id is None
    assert placements_of(kivo, case_id) == []
    assert stored_case(kivo, case_id).step == Step.VOCATIONAL_TRAINING
    event = events_of(kivo, case_id)[-1]
    undo = event.data.pop("undo")
    assert (event.kind, event.from_state, event.to_state, event.actor_id, event.data) == (
        "advanced",
        "enrolled",
        "vocational-training",
        None,
        {"rules": kivo.fingerprint},
    )
    assert (undo["ended"], undo["last_move_on"]) == ([], "2026-01-12")


def test_advancing_from_one_workplace_step_to_another_ends_the_first_placement_and_opens_the_next(
    kivo: Kivo, staff: Staff
) -> None:
    case_id = enrol_case(kivo, staff)
    first = moves.advance(
        kivo, case_id, Step.SHORT_PRACTICE, on=date(2026, 1, 19), supervisor_id=staff.supervisor
    )

    second = moves.advance(
        kivo,
        case_id,
        Step.FIXED_TERM,
        on=date(2026, 2, 16),
        workplace_id=staff.other_workplace,
        programme="lönestöd",
        until=date(2026, 12, 31),
        by=staff.caseworker,
    )

    ended, opened = sorted(placements_of(kivo, case_id), key=lambda p: p.id or 0)
    assert ended.id == first.placement_id
    assert opened.id == second.placement_id
    assert (ended.ended_on, ended.end_reason) == (date(2026, 2, 16), "advanced")
    assert (opened.step, opened.workplace_id, opened.supervisor_id, opened.programme) == (
        7,
        staff.other_workplace,
        None,
        "LONESTOD",
    )
    assert (opened.start, opened.planned_end, opened.ended_on) == (
        date(2026, 2, 16),
        date(2026, 12, 31),
        None,
    )
    assert stored_case(kivo, case_id).state == "fixed-term"


def test_falling_back_records_its_reason_and_ends_the_open_placement(
    kivo: Kivo, staff: Staff
) -> None:
    case_id = enrol_case(kivo, staff)
    moves.advance(
        kivo, case_id, Step.STUDY_PRACTICE, on=date(2026, 1, 19), supervisor_id=staff.supervisor
    )

    result = moves.fall_back(
        kivo,
        case_id,
        Step.INFORMATION,
        reason="  lost the placement  ",
        on=date(2026, 2, 9),
        by=staff.caseworker,
    )

    case = stored_case(kivo, case_id)
    assert (case.state, case.step, case.version) == ("information", Step.INFORMATION, 3)
    (placement,) = placements_of(kivo, case_id)
    assert (placement.ended_on, placement.end_reason) == (date(2026, 2, 9), "fell_back")
    event = events_of(kivo, case_id)[-1]
    assert (event.kind, event.from_state, event.to_state, event.on) == (
        "fell_back",
        "study-practice",
        "information",
        date(2026, 2, 9),
    )
    assert (event.actor_id, event.reason, event.overrides) == (
        staff.caseworker,
        "lost the placement",
        [],
    )
    assert (result.kind, result.step, result.placement_id) == ("fell_back", 1, None)
    assert_history_replays_to_stored_state(kivo, case_id)


def test_pausing_and_resuming_returns_to_the_same_step_and_keeps_the_placement_open(
    kivo: Kivo, staff: Staff
) -> None:
    case_id = enrol_case(kivo, staff)
    advanced = moves.advance(
        kivo, case_id, Step.SHORT_PRACTICE, on=date(2026, 1, 19), supervisor_id=staff.supervisor
    )

    moves.pause(kivo, case_id, reason="parental leave", on=date(2026, 1, 26), by=staff.caseworker)
    paused = stored_case(kivo, case_id)
    open_while_paused = placements_of(kivo, case_id)
    moves.resume(kivo, case_id, on=date(2026, 2, 23), by=staff.caseworker, reason="back")

    assert (paused.state, paused.paused_from, paused.step, paused.version) == (
        "paused",
        "short-practice",
        Step.SHORT_PRACTICE,
        3,
    )
    case = stored_case(kivo, case_id)
    assert (case.state, case.paused_from, case.version) == ("short-practice", None, 4)
    assert open_while_paused == placements_of(kivo, case_id)
    (placement,) = placements_of(kivo, case_id)
    assert (placement.id, placement.ended_on) == (advanced.placement_id, None)
    pause_event, resume_event = events_of(kivo, case_id)[-2:]
    assert (pause_event.kind, pause_event.from_state, pause_event.to_state) == (
        "paused",
        "short-practice",
        "paused",
    )
    assert (pause_event.on, pause_event.reason, pause_event.actor_id) == (
        date(2026, 1, 26),
        "parental leave",
        staff.caseworker,
    )
    assert (resume_event.kind, resume_event.from_state, resume_event.to_state) == (
        "resumed",
        "paused",
        "short-practice",
    )
    assert (resume_event.on, resume_event.reason) == (date(2026, 2, 23), "back")
    assert_history_replays_to_stored_state(kivo, case_id)


def test_exiting_closes_the_case_with_its_outcome_and_ends_the_placement(
    kivo: Kivo, staff: Staff
) -> None:
    case_id = enrol_case(kivo, staff)
    moves.advance(
        kivo, case_id, Step.SHORT_PRACTICE, on=date(2026, 1, 19), supervisor_id=staff.supervisor
    )
    moves.pause(kivo, case_id, reason="ill", on=date(2026, 1, 26))

    result = moves.exit_case(
        kivo,
        case_id,
        outcome=Outcome.STUDIES,
        on=TODAY,
        by=staff.caseworker,
        reason="starts komvux",
    )

    case = stored_case(kivo, case_id)
    assert (case.state, case.outcome, case.closed_on, case.paused_from) == (
        "exited",
        "studies",
        TODAY,
        None,
    )
    (placement,) = placements_of(kivo, case_id)
    assert (placement.ended_on, placement.end_reason) == (TODAY, "exited")
    event = events_of(kivo, case_id)[-1]
    assert (event.kind, event.from_state, event.to_state, event.on) == (
        "exited",
        "paused",
        "exited",
        TODAY,
    )
    undo = event.data.pop("undo")
    assert (event.reason, event.actor_id, event.data) == (
        "starts komvux",
        staff.caseworker,
        {"outcome": "studies", "rules": kivo.fingerprint},
    )
    assert (undo["paused_from"], undo["last_move_on"], undo["ended"]) == (
        "short-practice",
        "2026-01-26",
        [placement.id],
    )
    assert (result.to_state, result.version) == ("exited", case.version)
    assert_history_replays_to_stored_state(kivo, case_id)


def test_a_whole_path_bumps_the_version_once_per_change_and_replays_to_the_stored_state(
    kivo: Kivo, staff: Staff
) -> None:
    case_id = enrol_case(kivo, staff, consent=False)
    changes: list[Callable[[], object]] = [
        lambda: moves.advance(kivo, case_id, Step.INFORMATION, on=date(2026, 1, 13)),
        lambda: enrolment.record_consent(kivo, case_id, on=date(2026, 1, 14)),
        lambda: moves.advance(
            kivo, case_id, Step.SHORT_PRACTICE, on=date(2026, 1, 15), supervisor_id=staff.supervisor
        ),
        lambda: moves.pause(kivo, case_id, reason="ill", on=date(2026, 1, 16)),
        lambda: moves.resume(kivo, case_id, on=date(2026, 1, 17)),
        lambda: moves.advance(kivo, case_id, Step.VOCATIONAL_TRAINING, on=date(2026, 1, 18)),
        lambda: moves.advance(
            kivo,
            case_id,
            Step.WORKPLACE_LEARNING,
            on=date(2026, 1, 19),
            supervisor_id=staff.other_supervisor,
        ),
        lambda: moves.fall_back(
            kivo, case_id, Step.VOCATIONAL_TRAINING, reason="no", on=date(2026, 1, 20)
        ),
        lambda: moves.advance(
            kivo, case_id, Step.PERMANENT, on=date(2026, 1, 21), workplace_id=staff.workplace
        ),
        lambda: moves.exit_case(kivo, case_id, outcome=Outcome.EMPLOYED, on=date(2026, 1, 22)),
    ]

    versions = []
    for change in changes:
        change()
        versions.append(stored_case(kivo, case_id).version)
        assert_history_replays_to_stored_state(kivo, case_id)

    assert versions == list(range(2, 2 + len(changes)))
    assert [e.kind for e in events_of(kivo, case_id)] == [
        "enrolled",
        "advanced",
        "consent",
        "advanced",
        "paused",
        "resumed",
        "advanced",
        "advanced",
        "fell_back",
        "advanced",
        "exited",
    ]
    placements = sorted(placements_of(kivo, case_id), key=lambda p: p.id or 0)
    assert [(p.step, p.start, p.ended_on, p.end_reason) for p in placements] == [
        (2, date(2026, 1, 15), date(2026, 1, 18), "advanced"),
        (6, date(2026, 1, 19), date(2026, 1, 20), "fell_back"),
        (9, date(2026, 1, 21), date(2026, 1, 22), "exited"),
    ]
    view = views.show_case(kivo, case_id)
    assert (view.state, view.outcome, view.version) == ("exited", "employed", versions[-1])
    assert [line.seq for line in view.history] == list(range(1, 12))


def test_a_rule_the_organisation_made_a_warning_is_recorded_in_the_event_and_the_result(
    kivo: Kivo, staff: Staff, tmp_path: Path
) -> None:
    rules = rules_file(tmp_path, "supervisor-untrained")
    kivo = dataclasses.replace(kivo, rules=load_rules_file(rules))
    case_id = enrol_case(kivo, staff)

    result = moves.advance(
        kivo,
        case_id,
        Step.SHORT_PRACTICE,
        on=date(2026, 1, 19),
        supervisor_id=staff.untrained_supervisor,
        by=staff.caseworker,
    )

    assert [w["code"] for w in result.warnings] == ["supervisor-untrained"]
    assert [w["severity"] for w in result.warnings] == ["warning"]
    event = events_of(kivo, case_id)[-1]
    assert event.warnings == result.warnings
    assert (event.overrides, event.to_state) == ([], "short-practice")
    assert views.case_history(kivo, case_id)[-1].warnings == result.warnings


def test_a_move_without_an_explicit_date_takes_effect_today(kivo: Kivo, staff: Staff) -> None:
    case_id = enrol_case(kivo, staff)

    moves.advance(kivo, case_id, Step.INFORMATION)

    assert events_of(kivo, case_id)[-1].on == stored_case(kivo, case_id).last_move_on == TODAY


def test_an_event_records_the_moment_it_was_written_whatever_the_database_keeps_of_zones(
    kivo: Kivo, staff: Staff
) -> None:
    case_id = enrol_case(kivo, staff)

    moves.advance(kivo, case_id, Step.INFORMATION)

    recorded = [line.recorded_at for line in views.case_history(kivo, case_id)]
    assert recorded == [kivo.now()] * 3  # enrolled, consent, advanced
