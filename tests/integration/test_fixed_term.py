"""Fixed-term employment counted per employer and kind as LAS counts it, extension
decision dates, a programme's total over the placements in its scope and YA's training
share, on a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import date

import pytest

from pathway import directory, enrolment, moves, placements
from pathway.context import Kivo
from pathway.errors import Refused
from states.errors import InvalidInput
from states.steps import Step
from tests.integration.support import (
    Staff,
    enrol_case,
    events_of,
    personnummer,
    placements_of,
)


def second_bakery(kivo: Kivo) -> int:
    """Another workplace of the staff's bakery employer, spelt a little differently."""
    workplace = directory.add_workplace(kivo, "Bageriet i Slite", employer="bageriet  ab")
    assert workplace.id is not None
    return workplace.id


def first_stay_then_back(kivo: Kivo, staff: Staff) -> int:
    """Fixed-term at the bakery 2025-01-02 to 2025-07-01 (181 days), then back to step 1."""
    case_id = enrol_case(kivo, staff, on=date(2024, 12, 2))
    moves.advance(
        kivo,
        case_id,
        Step.FIXED_TERM,
        on=date(2025, 1, 2),
        workplace_id=staff.workplace,
        until=date(2025, 6, 30),
    )
    moves.fall_back(kivo, case_id, Step.INFORMATION, reason="contract ended", on=date(2025, 7, 1))
    return case_id


def codes(warnings: list[dict[str, object]]) -> set[object]:
    return {w["code"] for w in warnings}


def test_a_new_fixed_term_stay_at_another_workplace_of_the_same_employer_adds_up(
    kivo: Kivo, staff: Staff
) -> None:
    case_id = first_stay_then_back(kivo, staff)

    result = moves.advance(
        kivo,
        case_id,
        Step.FIXED_TERM,
        on=date(2025, 9, 1),
        workplace_id=second_bakery(kivo),
        until=date(2026, 1, 31),
    )

    # 181 + 153 days: more than 9 months within 3 years, not more than 12 within 5.
    assert codes(result.warnings) == {"preferential-right"}
    assert "SÄVA within 3 years adds up to 334 days" in str(result.warnings)
    assert codes(events_of(kivo, case_id)[-1].warnings) == {"preferential-right"}


def test_a_fixed_term_stay_with_another_employer_does_not_add_up(kivo: Kivo, staff: Staff) -> None:
    case_id = first_stay_then_back(kivo, staff)

    result = moves.advance(
        kivo,
        case_id,
        Step.FIXED_TERM,
        on=date(2025, 9, 1),
        workplace_id=staff.other_workplace,
        until=date(2026, 1, 31),
    )

    assert codes(result.warnings) == set()


def test_extending_fixed_term_employment_past_12_months_flags_it_as_permanent(
    kivo: Kivo, staff: Staff
) -> None:
    case_id = first_stay_then_back(kivo, staff)
    moves.advance(
        kivo,
        case_id,
        Step.FIXED_TERM,
        on=date(2025, 9, 1),
        workplace_id=second_bakery(kivo),
        until=date(2026, 1, 31),
    )

    within = placements.extend(kivo, case_id, until=date(2026, 3, 1), on=date(2026, 1, 15))
    assert codes(within.warnings) == {"preferential-right"}  # 363 days: not yet 12 months
    beyond = placements.extend(kivo, case_id, until=date(2026, 4, 30), on=date(2026, 2, 20))

    assert codes(beyond.warnings) == {"preferential-right", "las-permanent"}
    last = events_of(kivo, case_id)[-1]
    assert last.kind == "extended"
    assert "las-permanent" in codes(last.warnings)


def test_seven_and_six_months_of_sava_seven_months_apart_are_flagged_as_permanent(
    kivo: Kivo, staff: Staff
) -> None:
    """LAS 5 a § first paragraph point 1: all SÄVA in five years counts, whatever the
    gaps; the 7-month gap only breaks the run of succeeding employments (point 2)."""
    case_id = enrol_case(kivo, staff, on=date(2024, 12, 2))
    moves.advance(
        kivo,
        case_id,
        Step.FIXED_TERM,
        on=date(2025, 1, 1),
        workplace_id=staff.workplace,
        until=date(2025, 7, 31),
    )
    moves.fall_back(kivo, case_id, Step.INFORMATION, reason="contract ended", on=date(2025, 7, 31))

    result = moves.advance(
        kivo,
        case_id,
        Step.FIXED_TERM,
        on=date(2026, 3, 1),
        workplace_id=second_bakery(kivo),
        until=date(2026, 8, 31),
    )

    assert codes(result.warnings) == {"preferential-right", "las-permanent"}
    assert "SÄVA within 5 years adds up to 396 days" in str(result.warnings)


def test_a_vikariat_is_recorded_on_its_placement_and_judged_by_its_own_rule(
    kivo: Kivo, staff: Staff
) -> None:
    """Vikariat is its own kind: 13 months of it are no SÄVA conversion; more than two
    years of vikariat in five are (``las-vikariat``), flagged again on extension."""
    case_id = enrol_case(kivo, staff, on=date(2023, 12, 1))
    opened = moves.advance(
        kivo,
        case_id,
        Step.FIXED_TERM,
        on=date(2024, 1, 1),
        workplace_id=staff.workplace,
        until=date(2025, 1, 31),
        employment_kind="Vikariat",
    )
    assert codes(opened.warnings) == {"preferential-right"}  # 13 months within 3 years
    assert placements_of(kivo, case_id)[-1].employment_kind == "vikariat"
    assert events_of(kivo, case_id)[-1].data["employment_kind"] == "vikariat"

    extended = placements.extend(kivo, case_id, until=date(2026, 1, 1), on=date(2025, 1, 15))

    assert codes(extended.warnings) == {"preferential-right", "las-vikariat"}
    assert "vikariat within 5 years adds up to 732 days" in str(extended.warnings)


def test_a_fixed_term_stay_is_recorded_as_sava_unless_another_kind_is_given(
    kivo: Kivo, staff: Staff
) -> None:
    case_id = first_stay_then_back(kivo, staff)

    assert placements_of(kivo, case_id)[0].employment_kind == "sava"


@pytest.mark.parametrize(
    ("step", "kind", "problem"),
    [
        (Step.FIXED_TERM, "allmän visstid", "unknown employment kind 'allmän visstid'"),
        (Step.SHORT_PRACTICE, "vikariat", "not for step 2"),
    ],
)
def test_an_unknown_employment_kind_or_one_for_another_step_is_bad_input(
    kivo: Kivo, staff: Staff, step: Step, kind: str, problem: str
) -> None:
    case_id = enrol_case(kivo, staff)
    before = len(events_of(kivo, case_id))

    with pytest.raises(InvalidInput, match=problem):
        moves.advance(kivo, case_id, step, supervisor_id=staff.supervisor, employment_kind=kind)

    assert placements_of(kivo, case_id) == []
    assert len(events_of(kivo, case_id)) == before


def test_a_stay_begun_in_2018_is_judged_by_the_older_text_not_by_the_2022_one(
    kivo: Kivo, staff: Staff
) -> None:
    """Allmän visstid before 2022-10-01: 13 months is not more than two years in five."""
    case_id = enrol_case(kivo, staff, on=date(2017, 12, 1))

    result = moves.advance(
        kivo,
        case_id,
        Step.FIXED_TERM,
        on=date(2018, 1, 1),
        workplace_id=staff.workplace,
        until=date(2019, 1, 31),
    )

    assert codes(result.warnings) == {"preferential-right"}  # 13 months in 3 years


def test_sheltered_public_employment_is_exempt_from_las_on_advance_and_on_extension(
    kivo: Kivo, staff: Staff
) -> None:
    """LAS 1 §: OSA is not employment under LAS. Thirteen months of it are no preferential
    right and not permanent, and they do not count towards a later SÄVA stay with the
    same employer."""
    case_id = enrol_case(kivo, staff, on=date(2024, 12, 2))
    opened = moves.advance(
        kivo,
        case_id,
        Step.FIXED_TERM,
        on=date(2025, 1, 2),
        workplace_id=staff.workplace,
        programme="OSA",
        until=date(2025, 12, 31),
    )
    extended = placements.extend(kivo, case_id, until=date(2026, 1, 31), on=date(2025, 12, 1))
    assert codes(opened.warnings) == codes(extended.warnings) == set()
    placements.end(kivo, case_id, on=date(2026, 1, 31), reason="the decision ran out")
    moves.fall_back(kivo, case_id, Step.INFORMATION, reason="OSA ended", on=date(2026, 2, 2))

    sava = moves.advance(
        kivo,
        case_id,
        Step.FIXED_TERM,
        on=date(2026, 2, 2),
        workplace_id=second_bakery(kivo),
        programme="SAVA",
        until=date(2026, 8, 31),
    )

    assert codes(sava.warnings) == set()  # 211 days of SÄVA alone: under 9 months


def test_a_decision_dated_before_the_placement_started_is_bad_input_and_writes_nothing(
    kivo: Kivo, staff: Staff
) -> None:
    case_id = first_stay_then_back(kivo, staff)
    moves.advance(
        kivo,
        case_id,
        Step.FIXED_TERM,
        on=date(2026, 1, 5),
        workplace_id=staff.workplace,
        until=date(2026, 6, 30),
    )
    before = len(events_of(kivo, case_id))

    with pytest.raises(InvalidInput, match="before the placement started"):
        placements.extend(kivo, case_id, until=date(2026, 7, 31), on=date(2026, 1, 4))

    assert len(events_of(kivo, case_id)) == before
    assert placements_of(kivo, case_id)[-1].planned_end == date(2026, 6, 30)


def test_a_decision_dated_after_the_planned_end_is_refused_unless_a_coordinator_overrides(
    kivo: Kivo, staff: Staff
) -> None:
    case_id = enrol_case(kivo, staff)
    moves.advance(
        kivo,
        case_id,
        Step.FIXED_TERM,
        on=date(2026, 1, 19),
        workplace_id=staff.workplace,
        until=date(2026, 2, 28),
    )
    before = len(events_of(kivo, case_id))

    with pytest.raises(Refused) as refused:
        placements.extend(kivo, case_id, until=date(2026, 5, 31), on=date(2026, 3, 1))
    assert {v.code for v in refused.value.violations} == {"extension-after-end"}
    assert len(events_of(kivo, case_id)) == before
    with pytest.raises(Refused):
        placements.extend(
            kivo,
            case_id,
            until=date(2026, 5, 31),
            on=date(2026, 3, 1),
            by=staff.caseworker,
            override="late",
        )
    result = placements.extend(
        kivo,
        case_id,
        until=date(2026, 5, 31),
        on=date(2026, 3, 2),
        by=staff.coordinator,
        override="the decision was made in time, recorded late",
    )

    assert result.overridden == ["extension-after-end"]
    assert events_of(kivo, case_id)[-1].overrides == ["extension-after-end"]


def test_a_decision_dated_on_the_planned_end_is_in_time(kivo: Kivo, staff: Staff) -> None:
    case_id = enrol_case(kivo, staff)
    moves.advance(
        kivo,
        case_id,
        Step.FIXED_TERM,
        on=date(2026, 1, 19),
        workplace_id=staff.workplace,
        until=date(2026, 2, 28),
    )

    result = placements.extend(kivo, case_id, until=date(2026, 3, 31), on=date(2026, 2, 28))

    assert (result.decided_on, result.new_end) == (date(2026, 2, 28), date(2026, 3, 31))


def practice_then_back(kivo: Kivo, staff: Staff) -> int:
    """PRAKTIK at the bakery 2026-01-05 to 2026-02-20 (46 days), then back to step 1."""
    case_id = enrol_case(kivo, staff, on=date(2026, 1, 2))
    moves.advance(
        kivo,
        case_id,
        Step.SHORT_PRACTICE,
        on=date(2026, 1, 5),
        supervisor_id=staff.supervisor,
        programme="PRAKTIK",
        until=date(2026, 4, 5),
    )
    moves.fall_back(kivo, case_id, Step.INFORMATION, reason="ill", on=date(2026, 2, 20))
    return case_id


def test_practice_with_one_employer_adds_up_across_placements_of_the_participant(
    kivo: Kivo, staff: Staff
) -> None:
    case_id = practice_then_back(kivo, staff)

    with pytest.raises(Refused) as refused:
        moves.advance(
            kivo,
            case_id,
            Step.SHORT_PRACTICE,
            on=date(2026, 2, 23),
            supervisor_id=staff.supervisor,
            programme="PRAKTIK",
            until=date(2026, 7, 12),  # 139 days: 185 with the 46 before
        )
    assert {v.code for v in refused.value.violations} == {"programme-total-too-long"}
    assert "(46 days)" in str(refused.value.violations)
    assert len(placements_of(kivo, case_id)) == 1

    moves.advance(
        kivo,
        case_id,
        Step.SHORT_PRACTICE,
        on=date(2026, 2, 23),
        supervisor_id=staff.supervisor,
        programme="PRAKTIK",
        until=date(2026, 7, 11),  # exactly 184 days together: accepted
    )
    with pytest.raises(Refused) as over:
        placements.extend(kivo, case_id, until=date(2026, 7, 12))
    assert {v.code for v in over.value.violations} == {"programme-total-too-long"}


def test_practice_at_another_workplace_of_the_same_employer_adds_up(
    kivo: Kivo, staff: Staff
) -> None:
    """Praktik is at most 6 months "with the same employer": another of its workplaces
    does not start the count over."""
    case_id = practice_then_back(kivo, staff)
    elsewhere = second_bakery(kivo)
    supervisor = directory.add_supervisor(
        kivo, "Sven Handledare", workplace_id=elsewhere, trained_on=date(2025, 1, 1)
    )

    with pytest.raises(Refused) as refused:
        moves.advance(
            kivo,
            case_id,
            Step.SHORT_PRACTICE,
            on=date(2026, 2, 23),
            supervisor_id=supervisor.id,
            programme="PRAKTIK",
            until=date(2026, 7, 12),  # 139 days: 185 with the 46 before
        )

    assert {v.code for v in refused.value.violations} == {"programme-total-too-long"}
    assert "with one employer" in str(refused.value.violations)


def test_practice_with_another_employer_starts_its_own_total(kivo: Kivo, staff: Staff) -> None:
    case_id = practice_then_back(kivo, staff)

    moves.advance(
        kivo,
        case_id,
        Step.SHORT_PRACTICE,
        on=date(2026, 2, 23),
        supervisor_id=staff.other_supervisor,
        programme="PRAKTIK",
        until=date(2026, 8, 25),  # 183 days
    )

    assert placements_of(kivo, case_id)[-1].planned_end == date(2026, 8, 25)


def pis_then_back(kivo: Kivo, staff: Staff) -> int:
    """PIS at the bakery 2026-01-05 to 2026-02-20 (46 days), then back to step 1."""
    case_id = enrol_case(kivo, staff, on=date(2026, 1, 2))
    moves.advance(
        kivo,
        case_id,
        Step.SHORT_PRACTICE,
        on=date(2026, 1, 5),
        supervisor_id=staff.supervisor,
        programme="PIS",
        until=date(2026, 4, 5),
    )
    moves.fall_back(kivo, case_id, Step.INFORMATION, reason="ill", on=date(2026, 2, 20))
    return case_id


def test_pis_adds_up_every_placement_of_the_participant_wherever_it_ran(
    kivo: Kivo, staff: Staff
) -> None:
    """PIS is at most 6 months for the participant: falling back and advancing again,
    even with another employer, never restarts the count."""
    case_id = pis_then_back(kivo, staff)

    with pytest.raises(Refused) as refused:
        moves.advance(
            kivo,
            case_id,
            Step.STUDY_PRACTICE,
            on=date(2026, 2, 23),
            supervisor_id=staff.other_supervisor,
            programme="PIS",
            until=date(2026, 7, 12),  # 139 days: 185 with the 46 before
        )
    assert {v.code for v in refused.value.violations} == {"programme-total-too-long"}
    assert "the participant's earlier ones (46 days)" in str(refused.value.violations)

    moves.advance(
        kivo,
        case_id,
        Step.STUDY_PRACTICE,
        on=date(2026, 2, 23),
        supervisor_id=staff.other_supervisor,
        programme="PIS",
        until=date(2026, 7, 11),  # exactly 184 days together
    )
    with pytest.raises(Refused) as over:
        placements.extend(kivo, case_id, until=date(2026, 7, 12))
    assert {v.code for v in over.value.violations} == {"programme-total-too-long"}


def vocational_intro(
    kivo: Kivo,
    staff: Staff,
    share: int | None,
    *,
    extent: int | None = 100,
    until: date | None = None,
) -> tuple[int, object]:
    """A YA decision of 2023, before the support was repealed on 2024-01-01."""
    case_id = enrol_case(kivo, staff, pnr=personnummer("20050301"), on=date(2022, 12, 1))
    trained = directory.add_supervisor(
        kivo, "Yvonne Handledare", workplace_id=staff.workplace, trained_on=date(2022, 9, 1)
    )
    assert trained.id is not None
    try:
        return case_id, moves.advance(
            kivo,
            case_id,
            Step.VOCATIONAL_INTRO,
            on=date(2023, 2, 2),
            supervisor_id=trained.id,
            programme="YA",
            training_share=share,
            extent=extent,
            until=until,
        )
    except Refused as refused:
        return case_id, refused


def test_ya_with_enough_training_records_the_share_in_the_event(kivo: Kivo, staff: Staff) -> None:
    case_id, result = vocational_intro(kivo, staff, 15)

    assert not isinstance(result, Refused)
    last = events_of(kivo, case_id)[-1]
    assert (last.kind, last.data["training_share"]) == ("advanced", 15)
    assert "training-share-missing" not in codes(last.warnings)


def test_ya_with_too_little_training_is_refused_and_writes_nothing(
    kivo: Kivo, staff: Staff
) -> None:
    case_id, result = vocational_intro(kivo, staff, 14)

    assert isinstance(result, Refused)
    assert {v.code for v in result.violations} == {"training-share-too-low"}
    assert placements_of(kivo, case_id) == []


def test_ya_without_a_recorded_share_is_opened_with_a_warning(kivo: Kivo, staff: Staff) -> None:
    case_id, result = vocational_intro(kivo, staff, None)

    assert not isinstance(result, Refused)
    assert "training-share-missing" in codes(events_of(kivo, case_id)[-1].warnings)


def test_ya_records_the_extent_of_full_time_in_the_event(kivo: Kivo, staff: Staff) -> None:
    case_id, result = vocational_intro(kivo, staff, 15, extent=75)

    assert not isinstance(result, Refused), result
    last = events_of(kivo, case_id)[-1]
    assert (last.data["training_share"], last.data["extent"]) == (15, 75)


@pytest.mark.parametrize(
    ("extent", "until", "code", "message"),
    [
        (74, None, "extent-too-low", "at least 75 % of full time, not 74 %"),
        (
            100,
            date(2023, 7, 31),
            "programme-too-short",
            "at least 6 months: 2023-02-02 to 2023-07-31 ends before 2023-08-01",
        ),
    ],
)
def test_ya_below_75_percent_of_full_time_or_6_months_is_refused_and_writes_nothing(
    kivo: Kivo, staff: Staff, extent: int, until: date | None, code: str, message: str
) -> None:
    """Förordning 2013:1157 6 § 2: at least 75 % of full time for at least 6 months."""
    case_id, result = vocational_intro(kivo, staff, 15, extent=extent, until=until)

    assert isinstance(result, Refused)
    (violation,) = result.violations
    assert (violation.code, violation.blocking) == (code, True)
    assert message in violation.message
    assert placements_of(kivo, case_id) == []


def test_ya_without_a_recorded_extent_is_opened_with_a_warning(kivo: Kivo, staff: Staff) -> None:
    case_id, result = vocational_intro(kivo, staff, 15, extent=None)

    assert not isinstance(result, Refused)
    assert "extent-missing" in codes(events_of(kivo, case_id)[-1].warnings)


def test_a_training_share_outside_0_to_100_is_bad_input(kivo: Kivo, staff: Staff) -> None:
    case_id = enrol_case(kivo, staff)
    with pytest.raises(InvalidInput, match="percentage from 0 to 100"):
        moves.advance(
            kivo,
            case_id,
            Step.VOCATIONAL_INTRO,
            supervisor_id=staff.supervisor,
            programme="YA",
            training_share=101,
        )
    assert placements_of(kivo, case_id) == []


# YA's "newly arrived" is a dated membership: within 36 months of the residence permit.


def newly_arrived_ya(kivo: Kivo, staff: Staff, permit: date, serial: str) -> tuple[int, object]:
    """A 44-year-old, newly arrived with a permit of ``permit``, into YA on 2023-02-02."""
    enrolled = enrolment.enrol(
        kivo,
        "Nadia Nyanländ",
        personnummer=personnummer("19780301", serial),
        groups=["newly-arrived"],
        permit_date=permit,
        caseworker_id=staff.caseworker,
        consent=True,
        on=date(2022, 12, 1),
    )
    trained = directory.add_supervisor(
        kivo, "Yngve Handledare", workplace_id=staff.workplace, trained_on=date(2022, 9, 1)
    )
    assert trained.id is not None
    try:
        return enrolled.case_id, moves.advance(
            kivo,
            enrolled.case_id,
            Step.VOCATIONAL_INTRO,
            on=date(2023, 2, 2),
            supervisor_id=trained.id,
            programme="YA",
            training_share=20,
            extent=100,
        )
    except Refused as refused:
        return enrolled.case_id, refused


def test_a_residence_permit_within_36_months_makes_a_newly_arrived_adult_eligible_for_ya(
    kivo: Kivo, staff: Staff
) -> None:
    case_id, result = newly_arrived_ya(kivo, staff, date(2020, 2, 3), "481")

    assert not isinstance(result, Refused), result
    assert placements_of(kivo, case_id)[-1].programme == "YA"
    with kivo.uow(read_only=True) as uow:
        person_id = uow.cases.get(case_id).person_id
        assert uow.people.get(person_id).permit_date == date(2020, 2, 3)
        assert uow.pipeline.load([case_id])[case_id][1].permit_date == date(2020, 2, 3)


def test_a_residence_permit_older_than_36_months_does_not_and_nothing_is_written(
    kivo: Kivo, staff: Staff
) -> None:
    case_id, result = newly_arrived_ya(kivo, staff, date(2020, 2, 1), "493")

    assert isinstance(result, Refused)
    (violation,) = result.violations
    assert violation.code == "ya-not-eligible"
    assert "residence permit of 2020-02-01, which counts for 36 months" in violation.message
    assert placements_of(kivo, case_id) == []


@pytest.mark.parametrize(
    ("groups", "permit", "message"),
    [
        ([], date(2025, 1, 1), "a residence-permit date dates the newly-arrived group"),
        (["newly-arrived"], date(2026, 12, 1), "the residence-permit date 2026-12-01 is after"),
    ],
)
def test_a_permit_date_without_the_group_or_after_today_is_bad_input_and_writes_nothing(
    kivo: Kivo, staff: Staff, groups: list[str], permit: date, message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        enrolment.enrol(
            kivo,
            "Fel Datum",
            personnummer=personnummer("19800101", "517"),
            groups=groups,
            permit_date=permit,
            caseworker_id=staff.caseworker,
        )
    with kivo.uow(read_only=True) as uow:
        assert uow.people.by_personnummer(personnummer("19800101", "517")) is None
