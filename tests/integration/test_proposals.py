"""Proposals on real databases (SQLite and PostgreSQL): propose, decline, accept. An
acceptance takes a position, advances the case through the move pipeline with its
placement at the place and marks the proposal, in one transaction; any refusal writes
nothing; a cancelled place closes its open proposals; a case holds one accepted
proposal at a time."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from pathway import directory, enrolment, moves, places, profiles, proposals
from pathway.context import Kivo
from pathway.errors import Refused
from states.case import Outcome
from states.errors import Conflict, InvalidInput, NotFound
from states.steps import Step
from tests.integration.support import (
    Staff,
    assert_history_replays_to_stored_state,
    engine_of,
    enrol_case,
    events_of,
    placements_of,
    table_contents,
)
from tests.integration.test_places import opened, run_together


def proposed(kivo: Kivo, staff: Staff, place: int, **enrolled: object) -> tuple[int, int]:
    case = enrol_case(kivo, staff, **enrolled)  # type: ignore[arg-type]
    return case, proposals.propose(kivo, place, case, by=staff.caseworker).id


def test_an_accepted_proposal_moves_the_case_into_the_place_in_one_transaction(
    kivo: Kivo, staff: Staff
) -> None:
    place = opened(kivo, staff, positions=2, steps=[2, 7])
    case, proposal = proposed(kivo, staff, place)
    done = proposals.accept(kivo, proposal, by=staff.caseworker)
    assert (done.step, done.programme, done.taken, done.place_status) == (2, "PRAKTIK", 1, "open")
    (placement,) = placements_of(kivo, case)
    assert (placement.id, placement.step, placement.workplace_id, placement.supervisor_id) == (
        done.placement_id,
        2,
        staff.workplace,
        staff.supervisor,
    )
    assert placement.programme == "PRAKTIK"
    advances = [e for e in events_of(kivo, case) if e.kind == "advanced"]
    assert [(e.to_state, e.data["placement_id"]) for e in advances] == [
        ("short-practice", done.placement_id)
    ]
    assert_history_replays_to_stored_state(kivo, case)
    (line,) = proposals.list_proposals(kivo, case_id=case)
    assert (line.status, line.placement_id, line.step, line.decided_on) == (
        "accepted",
        done.placement_id,
        2,
        kivo.today(),
    )
    taken = [e for e in places.show_place(kivo, place).history if e.kind == "taken"]
    assert [e.data["case_id"] for e in taken] == [case]


def test_the_step_is_the_first_of_the_places_steps_ahead_of_the_case(
    kivo: Kivo, staff: Staff
) -> None:
    place = opened(kivo, staff, positions=2, steps=[2, 7], programmes=[])
    case = enrol_case(kivo, staff)
    moves.advance(kivo, case, Step.SHORT_PRACTICE, supervisor_id=staff.other_supervisor)
    proposal = proposals.propose(kivo, place, case).id
    with pytest.raises(Refused) as refused:
        proposals.accept(kivo, proposal)
    assert "end-date-missing" in [v.code for v in refused.value.violations]
    done = proposals.accept(kivo, proposal, until=date(2026, 9, 1))
    assert (done.step, done.programme) == (7, None)
    steps = [(p.step, p.workplace_id, p.ended_on) for p in placements_of(kivo, case)]
    assert steps == [(2, staff.other_workplace, kivo.today()), (7, staff.workplace, None)]
    beyond = enrol_case(kivo, staff)
    moves.advance(kivo, beyond, Step.PERMANENT, supervisor_id=staff.other_supervisor)
    with pytest.raises(Refused) as refused:
        proposals.propose(kivo, place, beyond)
    assert [v.code for v in refused.value.violations] == ["proposal-step-passed"]


def test_accepting_when_the_place_is_full_is_refused_and_writes_nothing(
    kivo: Kivo, staff: Staff
) -> None:
    place = opened(kivo, staff, positions=1)
    _, first = proposed(kivo, staff, place)
    _, second = proposed(kivo, staff, place)
    proposals.accept(kivo, first)
    before = table_contents(kivo.database)
    with pytest.raises(Refused) as refused:
        proposals.accept(kivo, second)
    assert [v.code for v in refused.value.violations] == ["place-full"]
    assert table_contents(kivo.database) == before


def test_a_move_the_rules_refuse_takes_no_position_and_writes_nothing(
    kivo: Kivo, staff: Staff
) -> None:
    """Without consent, the move into a workplace step is refused: the position the
    acceptance took first goes with the rollback."""
    place = opened(kivo, staff, positions=1)
    case, proposal = proposed(kivo, staff, place, consent=False)
    before = table_contents(kivo.database)
    with pytest.raises(Refused) as refused:
        proposals.accept(kivo, proposal)
    assert "consent" in " ".join(v.code for v in refused.value.violations)
    assert table_contents(kivo.database) == before
    assert places.show_place(kivo, place).taken == 0
    assert placements_of(kivo, case) == []


def test_a_declined_proposal_keeps_who_and_why_and_can_no_longer_be_accepted(
    kivo: Kivo, staff: Staff
) -> None:
    place = opened(kivo, staff)
    _, proposal = proposed(kivo, staff, place)
    line = proposals.decline(kivo, proposal, declined_by="Employer", reason="hours too long")
    assert (line.status, line.declined_by, line.reason) == (
        "declined",
        "employer",
        "hours too long",
    )
    calls: list[Callable[[], object]] = [
        lambda: proposals.accept(kivo, proposal),
        lambda: proposals.decline(kivo, proposal, declined_by="participant", reason="no"),
    ]
    for call in calls:
        with pytest.raises(Refused) as refused:
            call()
        assert [v.code for v in refused.value.violations] == ["proposal-not-open"]


@pytest.mark.parametrize(
    ("who", "reason", "words"),
    [
        ("caseworker", "no", "neither participant nor employer"),
        ("participant", " ", "needs --reason"),
        ("participant", "bad\x1b[2J", "control character"),
    ],
)
def test_a_bad_decline_is_named_and_writes_nothing(
    kivo: Kivo, staff: Staff, who: str, reason: str, words: str
) -> None:
    place = opened(kivo, staff)
    _, proposal = proposed(kivo, staff, place)
    before = table_contents(kivo.database)
    with pytest.raises(InvalidInput, match=words):
        proposals.decline(kivo, proposal, declined_by=who, reason=reason)
    assert table_contents(kivo.database) == before


def test_proposing_is_refused_for_a_place_not_open_an_exited_case_and_twice(
    kivo: Kivo, staff: Staff
) -> None:
    place = opened(kivo, staff)
    not_open = places.add_place(
        kivo, staff.workplace, title="Later", positions=1, steps=[2], on=date(2026, 2, 1)
    ).place_id
    case, _ = proposed(kivo, staff, place)
    exited = enrol_case(kivo, staff)
    moves.exit_case(kivo, exited, outcome=Outcome.OTHER)
    before = table_contents(kivo.database)
    calls: list[tuple[Callable[[], object], str]] = [
        (lambda: proposals.propose(kivo, not_open, case), "place-not-open"),
        (lambda: proposals.propose(kivo, place, exited), "proposal-case-exited"),
        (lambda: proposals.propose(kivo, place, case), "proposal-open-already"),
    ]
    for call, code in calls:
        with pytest.raises(Refused) as refused:
            call()
        assert [v.code for v in refused.value.violations] == [code]
    with pytest.raises(NotFound):
        proposals.propose(kivo, 999, case)
    with pytest.raises(InvalidInput, match="after today"):
        proposals.propose(kivo, place, exited, on=date(2026, 3, 9))
    assert table_contents(kivo.database) == before


def test_the_database_keeps_one_open_proposal_per_place_and_case(kivo: Kivo, staff: Staff) -> None:
    place = opened(kivo, staff)
    case, _ = proposed(kivo, staff, place)
    insert = text(
        "INSERT INTO proposal (place_id, case_id, status, proposed_on, recorded_at) "
        "VALUES (:place, :case, 'open', '2026-03-02', '2026-03-02 09:00:00+00')"
    )
    with (
        pytest.raises(IntegrityError, match=r"(?i)unique|uq_proposal"),
        engine_of(kivo.database).begin() as db,
    ):
        db.execute(insert, {"place": place, "case": case})


def test_a_cancelled_place_closes_its_open_proposals_and_keeps_the_accepted(
    kivo: Kivo, staff: Staff
) -> None:
    place = opened(kivo, staff, positions=3)
    _, open_one = proposed(kivo, staff, place)
    _, accepted = proposed(kivo, staff, place)
    proposals.accept(kivo, accepted)
    places.cancel_place(kivo, place, reason="the kitchen closes")
    statuses = {p.id: (p.status, p.reason) for p in proposals.list_proposals(kivo, place_id=place)}
    assert statuses == {
        open_one: ("closed", "the place was cancelled: the kitchen closes"),
        accepted: ("accepted", None),
    }


def test_a_second_acceptance_ends_the_first_and_gives_its_position_back(
    kivo: Kivo, staff: Staff
) -> None:
    first_place = opened(kivo, staff, positions=1, steps=[2])
    later_place = opened(kivo, staff, positions=1, steps=[7], programmes=[])
    case, first = proposed(kivo, staff, first_place)
    proposals.accept(kivo, first)
    assert places.show_place(kivo, first_place).status == "filled"
    second = proposals.propose(kivo, later_place, case).id
    done = proposals.accept(kivo, second, until=date(2026, 9, 1))
    assert done.ended_proposal_id == first
    statuses = {p.id: p.status for p in proposals.list_proposals(kivo, case_id=case)}
    assert statuses == {first: "ended", second: "accepted"}
    view = places.show_place(kivo, first_place)
    assert (view.status, view.taken) == ("open", 0)
    assert [p.ended_on for p in placements_of(kivo, case)] == [kivo.today(), None]


def test_ending_an_acceptance_gives_the_position_back_and_only_an_accepted_one_ends(
    kivo: Kivo, staff: Staff
) -> None:
    place = opened(kivo, staff, positions=1)
    case = enrol_case(kivo, staff)
    proposal = proposals.propose(kivo, place, case, on=date(2026, 2, 16)).id
    proposals.accept(kivo, proposal, on=date(2026, 2, 23))
    before = table_contents(kivo.database)
    with pytest.raises(InvalidInput, match="needs --reason"):
        proposals.end_acceptance(kivo, proposal, reason=" ")
    with pytest.raises(InvalidInput, match="before the acceptance"):
        proposals.end_acceptance(kivo, proposal, reason="left", on=date(2026, 2, 20))
    assert table_contents(kivo.database) == before
    line = proposals.end_acceptance(kivo, proposal, reason="moved away", by=staff.caseworker)
    assert (line.status, line.reason, line.decided_on) == ("ended", "moved away", kivo.today())
    view = places.show_place(kivo, place)
    assert (view.status, view.taken, view.history[-1].kind) == ("open", 0, "reopened")
    with pytest.raises(Refused) as refused:
        proposals.end_acceptance(kivo, proposal, reason="again")
    assert [v.code for v in refused.value.violations] == ["proposal-not-accepted"]


def test_accepters_at_the_same_time_never_take_more_than_the_positions(
    kivo: Kivo, staff: Staff
) -> None:
    place = opened(kivo, staff, positions=2)
    offered = [proposed(kivo, staff, place)[1] for _ in range(5)]
    results = run_together(
        [lambda p=p: proposals.accept(kivo, p) for p in offered]  # type: ignore[misc]
    )
    won = [r for r in results if isinstance(r, proposals.Accepted)]
    lost = [r for r in results if isinstance(r, Exception)]
    assert len(won) == 2, results
    assert all(isinstance(e, Refused | Conflict) for e in lost), lost
    assert (places.show_place(kivo, place).taken, places.show_place(kivo, place).status) == (
        2,
        "filled",
    )
    accepted = proposals.list_proposals(kivo, place_id=place, status="accepted")
    assert sorted(p.id for p in accepted) == sorted(r.proposal_id for r in won)


def test_listing_filters_by_place_case_and_status(kivo: Kivo, staff: Staff) -> None:
    place = opened(kivo, staff)
    other = opened(kivo, staff)
    case, first = proposed(kivo, staff, place)
    second = proposals.propose(kivo, other, case).id
    proposals.decline(kivo, second, declined_by="participant", reason="too far")
    assert [p.id for p in proposals.list_proposals(kivo)] == [first, second]
    assert [p.id for p in proposals.list_proposals(kivo, place_id=other)] == [second]
    assert [p.id for p in proposals.list_proposals(kivo, status="open")] == [first]
    assert [p.id for p in proposals.list_proposals(kivo, case_id=case, limit=1)] == [first]
    with pytest.raises(InvalidInput, match="unknown proposal status"):
        proposals.list_proposals(kivo, status="maybe")


def test_the_report_gives_the_lead_time_to_a_person_in_place_and_the_fill_rates(
    kivo: Kivo, staff: Staff
) -> None:
    """First contact 01-09; the place is recorded 01-19 and opens 02-09; its first
    person is in place on 02-23 (45 days after the first contact); a second place at
    the other workplace, under no programme, stays empty."""
    from pathway import employers

    employers.record_contact(kivo, staff.workplace, on=date(2026, 1, 9), kind="call", note="ok")
    place = opened(kivo, staff, positions=2)
    empty = opened(kivo, staff, positions=1, programmes=[], supervisor_id=None)
    case = enrol_case(kivo, staff)
    proposal = proposals.propose(kivo, place, case, on=date(2026, 2, 16)).id
    proposals.accept(kivo, proposal, on=date(2026, 2, 23))
    report = places.places_report(kivo)
    lead = {t.stage: (t.places, t.median_days, t.p90_days) for t in report.lead_times}
    assert lead["in place"] == (1, 45, 45)
    fill = {(f.by, f.key): (f.places, f.positions, f.taken, f.rate_percent) for f in report.fill}
    assert fill == {
        ("workplace", str(staff.workplace)): (2, 3, 1, 33),
        ("programme", "PRAKTIK"): (1, 2, 1, 50),
        ("programme", "none"): (1, 1, 0, 0),
    }
    # The matching engine's filter: an open place is hard to match when `kivo match
    # place` finds no one for it.
    from pathway.matching import match_place

    open_ids = [p.id for p in places.list_places(kivo, status="open")]
    assert report.hard_to_match == open_ids  # the one active case is in place already
    from pathway.profiles import set_profile

    fresh = enrol_case(kivo, staff)  # no profile: meets no requirement
    assert places.places_report(kivo).hard_to_match == open_ids
    set_profile(kivo, fresh, languages=["swedish:B1"], by=staff.caseworker)
    again = places.places_report(kivo).hard_to_match
    assert again is not None
    assert len(again) < len(open_ids)
    assert again == [
        place_id for place_id in open_ids if not match_place(kivo, place_id, limit=1).candidates
    ]
    assert empty != place


def test_the_weekly_letter_lists_the_open_and_the_coming_places(kivo: Kivo, staff: Staff) -> None:
    from pathway.letters import send_weekly_letters
    from tests.integration.test_places import add
    from tests.integration.test_weekly_letters import RecordingLetters

    place = opened(kivo, staff, positions=2)
    coming = add(kivo, staff, title="Baker's help", earliest_start=date(2026, 4, 1))
    places.agree_place(kivo, coming, on=date(2026, 2, 2))
    full = opened(kivo, staff, positions=1, title="Full one")
    proposals.accept(kivo, proposed(kivo, staff, full)[1])
    notifier = RecordingLetters()
    send_weekly_letters(kivo, notifier)
    letters = {letter.recipient.id: letter for letter in notifier.letters}
    mine, overview = letters[staff.caseworker], letters[staff.coordinator]
    assert mine.body.endswith(
        "Places open (1):\n"
        f"- place {place} Kitchen assistant at Bageriet i Visby ({staff.workplace}), steps "
        "2,7: 2 free\n"
        "Places coming (1):\n"
        f"- place {coming} Baker's help at Bageriet i Visby ({staff.workplace}), steps 2,7: "
        "from 2026-04-01\n"
        # the one active case is in place already: no one passes the open place's rules
        f"Hard to match (1): place {place}"
    )
    assert "Full one" not in mine.body
    assert overview.body.endswith("- places open: 1 (2 free), coming: 1, hard to match: 1")


def test_proposals_listed_for_a_caseworker_are_those_of_their_own_cases(
    kivo: Kivo, staff: Staff
) -> None:
    place = opened(kivo, staff, positions=3)
    _, mine = proposed(kivo, staff, place)
    other = directory.add_caseworker(kivo, "Otto Annan")
    assert other.id is not None
    theirs_case = enrolment.enrol(kivo, "Tea Deras", caseworker_id=other.id, consent=True).case_id
    theirs = proposals.propose(kivo, place, theirs_case).id

    every = [p.id for p in proposals.list_proposals(kivo, place_id=place)]
    own = [
        p.id for p in proposals.list_proposals(kivo, place_id=place, caseworker_id=staff.caseworker)
    ]
    others = [p.id for p in proposals.list_proposals(kivo, caseworker_id=other.id)]

    assert every == [mine, theirs]
    assert own == [mine]
    assert others == [theirs]


def test_another_caseworkers_proposal_or_profile_is_answered_as_unknown_by_the_use_case(
    kivo: Kivo, staff: Staff
) -> None:
    place = opened(kivo, staff, positions=2)
    other = directory.add_caseworker(kivo, "Ulla Annan").id
    assert other is not None
    theirs_case = enrolment.enrol(kivo, "Tor Deras", caseworker_id=other, consent=True).case_id
    theirs = proposals.propose(kivo, place, theirs_case, by=other).id
    before = table_contents(kivo.database)

    refusals: list[Callable[[], object]] = [
        lambda: proposals.accept(kivo, theirs, by=staff.caseworker),
        lambda: proposals.accept(kivo, 999_999, by=staff.caseworker),
        lambda: proposals.end_acceptance(kivo, theirs, reason="left", by=staff.caseworker),
        lambda: proposals.decline(
            kivo, theirs, declined_by="employer", reason="full", by=staff.caseworker
        ),
    ]
    for refused in refusals:
        with pytest.raises(NotFound, match="no proposal with id"):
            refused()
    with pytest.raises(NotFound, match=f"no case with id {theirs_case}"):
        proposals.list_proposals(kivo, case_id=theirs_case, by=staff.caseworker)
    with pytest.raises(NotFound, match=f"no case with id {theirs_case}"):
        profiles.set_profile(kivo, theirs_case, max_hours=20, by=staff.caseworker)
    assert table_contents(kivo.database) == before

    listed = proposals.list_proposals(kivo, place_id=place, by=staff.caseworker)
    assert theirs not in [p.id for p in listed]
    assert [p.id for p in proposals.list_proposals(kivo, case_id=theirs_case, by=other)] == [theirs]
    assert proposals.accept(kivo, theirs, by=staff.coordinator).case_id == theirs_case
