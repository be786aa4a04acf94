"""Specification of every configurable rule in ``states.rules.REGISTRY``.

Each rule is called directly with the settings of the default rules file, so that these
tests pin the rule's own logic; ``test_ruleset.py`` pins which steps each applies to.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from states.case import ENROLLED, CaseFacts, Group, Move, MoveKind, SupervisorFacts
from states.personnummer import Personnummer, luhn_check_digit
from states.records import SupervisorLoad
from states.rules import REGISTRY, age_on
from states.steps import Step

ON = date(2026, 3, 2)
DAY = timedelta(days=1)
YA_SETTINGS: dict[str, Any] = {
    "min_age": 15,
    "max_age": 24,
    "groups": ["long-term-unemployed", "newly-arrived"],
    "newly_arrived_months": 36,
}
APL_SETTINGS: dict[str, Any] = {"from_steps": [5]}
NO_SETTINGS: dict[str, Any] = {}


def check(code: str, facts: CaseFacts, move: Move, settings: dict[str, Any]) -> str | None:
    said = REGISTRY[code].fn(facts, move, settings)
    return None if said is None else said.english()


def advance(to: Step, **details: Any) -> Move:
    return Move(MoveKind.ADVANCE, on=details.pop("on", ON), to=to, **details)


def supervisor(trained_on: date | None) -> SupervisorFacts:
    return SupervisorFacts(id=7, workplace_id=3, trained_on=trained_on)


def personnummer_born(born: date, serial: str = "238") -> Personnummer:
    nine = born.strftime("%y%m%d") + serial
    return Personnummer(born.strftime("%Y%m%d") + serial + str(luhn_check_digit(nine)))


def test_the_registry_holds_exactly_the_documented_rules() -> None:
    assert set(REGISTRY) == {
        "consent-missing",
        "workplace-missing",
        "supervisor-missing",
        "supervisor-untrained",
        "supervisor-full",
        "supervisor-inactive",
        "workplace-inactive",
        "apl-outside-training",
        "end-date-missing",
        "end-before-start",
        "ya-not-eligible",
        "meeting-not-held",
        "programme-unknown",
        "programme-not-in-step",
        "programme-closed",
        "programme-too-long",
        "programme-total-too-long",
        "preferential-right",
        "las-permanent",
        "las-vikariat",
    }


# consent-missing


def test_consent_recorded_before_the_move_satisfies_the_consent_rule() -> None:
    facts = CaseFacts(state="information", consent_on=ON - 30 * DAY)
    assert check("consent-missing", facts, advance(Step.SHORT_PRACTICE), NO_SETTINGS) is None


def test_consent_recorded_the_same_day_as_the_move_satisfies_the_consent_rule() -> None:
    facts = CaseFacts(state="information", consent_on=ON)
    assert check("consent-missing", facts, advance(Step.SHORT_PRACTICE), NO_SETTINGS) is None


def test_consent_recorded_the_day_after_the_move_does_not_count() -> None:
    facts = CaseFacts(state="information", consent_on=ON + DAY)
    message = check("consent-missing", facts, advance(Step.SHORT_PRACTICE), NO_SETTINGS)
    assert message is not None
    assert "consent" in message
    assert "2 short-practice" in message


def test_a_workplace_step_without_any_consent_breaks_the_consent_rule() -> None:
    facts = CaseFacts(state="information")
    assert check("consent-missing", facts, advance(Step.FIXED_TERM), NO_SETTINGS) is not None


# workplace-missing


def test_a_named_workplace_satisfies_the_workplace_rule() -> None:
    move = advance(Step.SHORT_PRACTICE, workplace_id=3)
    assert check("workplace-missing", CaseFacts(state=ENROLLED), move, NO_SETTINGS) is None


def test_a_workplace_step_without_a_workplace_breaks_the_workplace_rule() -> None:
    message = check(
        "workplace-missing", CaseFacts(state=ENROLLED), advance(Step.PERMANENT), NO_SETTINGS
    )
    assert message is not None
    assert "--workplace" in message
    assert "9 permanent" in message


def test_workplace_id_zero_still_counts_as_a_named_workplace() -> None:
    move = advance(Step.SHORT_PRACTICE, workplace_id=0)
    assert check("workplace-missing", CaseFacts(state=ENROLLED), move, NO_SETTINGS) is None


# supervisor-missing


def test_a_named_supervisor_satisfies_the_supervisor_rule() -> None:
    move = advance(Step.SHORT_PRACTICE, supervisor=supervisor(None))
    assert check("supervisor-missing", CaseFacts(state=ENROLLED), move, NO_SETTINGS) is None


def test_a_practice_step_without_a_supervisor_breaks_the_supervisor_rule() -> None:
    move = advance(Step.STUDY_PRACTICE, workplace_id=3)
    message = check("supervisor-missing", CaseFacts(state=ENROLLED), move, NO_SETTINGS)
    assert message is not None
    assert "--supervisor" in message


# supervisor-untrained


def test_a_supervisor_trained_before_the_start_satisfies_the_training_rule() -> None:
    move = advance(Step.SHORT_PRACTICE, supervisor=supervisor(ON - 365 * DAY))
    assert check("supervisor-untrained", CaseFacts(state=ENROLLED), move, NO_SETTINGS) is None


def test_a_supervisor_trained_on_the_day_of_the_start_satisfies_the_training_rule() -> None:
    move = advance(Step.SHORT_PRACTICE, supervisor=supervisor(ON))
    assert check("supervisor-untrained", CaseFacts(state=ENROLLED), move, NO_SETTINGS) is None


def test_a_supervisor_trained_the_day_after_the_start_breaks_the_training_rule() -> None:
    move = advance(Step.SHORT_PRACTICE, supervisor=supervisor(ON + DAY))
    message = check("supervisor-untrained", CaseFacts(state=ENROLLED), move, NO_SETTINGS)
    assert message is not None
    assert "supervisor 7" in message
    assert ON.isoformat() in message


def test_a_supervisor_never_trained_breaks_the_training_rule() -> None:
    move = advance(Step.SHORT_PRACTICE, supervisor=supervisor(None))
    assert check("supervisor-untrained", CaseFacts(state=ENROLLED), move, NO_SETTINGS) is not None


def test_the_training_rule_leaves_a_missing_supervisor_to_the_supervisor_rule() -> None:
    move = advance(Step.SHORT_PRACTICE)
    assert check("supervisor-untrained", CaseFacts(state=ENROLLED), move, NO_SETTINGS) is None


# supervisor-full


def loaded(load: int, capacity: int = 2, *, active: bool = True) -> SupervisorFacts:
    return SupervisorFacts(7, 3, ON - 365 * DAY, capacity=capacity, load=load, active=active)


def test_a_supervisor_with_room_for_one_more_satisfies_the_capacity_rule() -> None:
    move = advance(Step.SHORT_PRACTICE, supervisor=loaded(1, capacity=2))
    assert check("supervisor-full", CaseFacts(state=ENROLLED), move, NO_SETTINGS) is None


def test_a_supervisor_at_capacity_breaks_the_capacity_rule_naming_load_and_capacity() -> None:
    move = advance(Step.SHORT_PRACTICE, supervisor=loaded(2, capacity=2))
    message = check("supervisor-full", CaseFacts(state=ENROLLED), move, NO_SETTINGS)
    assert message is not None
    assert "supervisor 7" in message
    assert "already has 2" in message
    assert "capacity is 2" in message


def test_a_supervisor_already_above_capacity_still_breaks_the_capacity_rule() -> None:
    move = advance(Step.SHORT_PRACTICE, supervisor=loaded(3, capacity=1))
    assert check("supervisor-full", CaseFacts(state=ENROLLED), move, NO_SETTINGS) is not None


def test_a_supervisor_without_participants_and_capacity_one_has_room() -> None:
    move = advance(Step.SHORT_PRACTICE, supervisor=loaded(0, capacity=1))
    assert check("supervisor-full", CaseFacts(state=ENROLLED), move, NO_SETTINGS) is None


def test_the_capacity_rule_leaves_a_missing_supervisor_to_the_supervisor_rule() -> None:
    move = advance(Step.SHORT_PRACTICE)
    assert check("supervisor-full", CaseFacts(state=ENROLLED), move, NO_SETTINGS) is None


# supervisor-inactive and workplace-inactive


def test_an_active_supervisor_satisfies_the_inactive_supervisor_rule() -> None:
    move = advance(Step.SHORT_PRACTICE, supervisor=loaded(0))
    assert check("supervisor-inactive", CaseFacts(state=ENROLLED), move, NO_SETTINGS) is None


def test_a_deactivated_supervisor_breaks_the_inactive_supervisor_rule() -> None:
    move = advance(Step.SHORT_PRACTICE, supervisor=loaded(0, active=False))
    message = check("supervisor-inactive", CaseFacts(state=ENROLLED), move, NO_SETTINGS)
    assert message is not None
    assert "supervisor 7 is deactivated" in message


def test_a_move_without_a_supervisor_satisfies_the_inactive_supervisor_rule() -> None:
    move = advance(Step.SHORT_PRACTICE)
    assert check("supervisor-inactive", CaseFacts(state=ENROLLED), move, NO_SETTINGS) is None


def test_an_active_workplace_satisfies_the_inactive_workplace_rule() -> None:
    move = advance(Step.FIXED_TERM, workplace_id=3)
    assert check("workplace-inactive", CaseFacts(state=ENROLLED), move, NO_SETTINGS) is None


def test_a_deactivated_workplace_breaks_the_inactive_workplace_rule() -> None:
    move = advance(Step.FIXED_TERM, workplace_id=3, workplace_active=False)
    message = check("workplace-inactive", CaseFacts(state=ENROLLED), move, NO_SETTINGS)
    assert message is not None
    assert "workplace 3 is deactivated" in message


def test_a_move_without_a_workplace_satisfies_the_inactive_workplace_rule() -> None:
    move = advance(Step.FIXED_TERM, workplace_active=False)
    assert check("workplace-inactive", CaseFacts(state=ENROLLED), move, NO_SETTINGS) is None


# apl-outside-training


def test_workplace_learning_is_allowed_from_vocational_training() -> None:
    facts = CaseFacts(state="vocational-training")
    move = advance(Step.WORKPLACE_LEARNING)
    assert check("apl-outside-training", facts, move, APL_SETTINGS) is None


@pytest.mark.parametrize(
    "state", ["enrolled", "information", "short-practice", "study-practice", "study-prep"]
)
def test_workplace_learning_is_refused_unless_the_case_is_in_vocational_training(
    state: str,
) -> None:
    message = check(
        "apl-outside-training",
        CaseFacts(state=state),
        advance(Step.WORKPLACE_LEARNING),
        APL_SETTINGS,
    )
    assert message is not None
    assert "only from step 5 vocational-training" in message


def test_the_steps_workplace_learning_may_follow_are_a_setting() -> None:
    facts = CaseFacts(state="study-prep")
    move = advance(Step.WORKPLACE_LEARNING)
    assert check("apl-outside-training", facts, move, {"from_steps": [4, 5]}) is None
    message = check("apl-outside-training", facts, move, APL_SETTINGS)
    assert message is not None


def test_a_paused_case_counts_as_being_in_the_step_it_was_paused_from() -> None:
    facts = CaseFacts(state="paused", paused_from="vocational-training")
    move = advance(Step.WORKPLACE_LEARNING)
    assert check("apl-outside-training", facts, move, APL_SETTINGS) is None


# end-date-missing


def test_a_planned_end_date_satisfies_the_end_date_rule() -> None:
    move = advance(Step.FIXED_TERM, until=ON + 180 * DAY)
    assert check("end-date-missing", CaseFacts(state=ENROLLED), move, NO_SETTINGS) is None


def test_fixed_term_employment_without_an_end_date_breaks_the_end_date_rule() -> None:
    message = check(
        "end-date-missing", CaseFacts(state=ENROLLED), advance(Step.FIXED_TERM), NO_SETTINGS
    )
    assert message is not None
    assert "--until" in message


# end-before-start


def test_an_end_the_day_after_the_start_satisfies_the_end_after_start_rule() -> None:
    move = advance(Step.FIXED_TERM, until=ON + DAY)
    assert check("end-before-start", CaseFacts(state=ENROLLED), move, NO_SETTINGS) is None


def test_no_planned_end_is_not_an_end_before_the_start() -> None:
    move = advance(Step.FIXED_TERM)
    assert check("end-before-start", CaseFacts(state=ENROLLED), move, NO_SETTINGS) is None


def test_an_end_date_equal_to_the_start_breaks_the_end_after_start_rule() -> None:
    move = advance(Step.FIXED_TERM, until=ON)
    message = check("end-before-start", CaseFacts(state=ENROLLED), move, NO_SETTINGS)
    assert message is not None
    assert message.count(ON.isoformat()) == 2


def test_an_end_date_before_the_start_breaks_the_end_after_start_rule() -> None:
    move = advance(Step.FIXED_TERM, until=ON - DAY)
    assert check("end-before-start", CaseFacts(state=ENROLLED), move, NO_SETTINGS) is not None


def test_a_move_starts_on_its_effective_date() -> None:
    assert advance(Step.FIXED_TERM, on=date(2025, 1, 31)).start == date(2025, 1, 31)


# ya-not-eligible


def ya(facts: CaseFacts, on: date = ON) -> str | None:
    move = advance(Step.VOCATIONAL_INTRO, on=on)
    return check("ya-not-eligible", facts, move, YA_SETTINGS)


def born_years_before(on: date, years: int) -> date:
    return on.replace(year=on.year - years)


def test_a_participant_turning_15_on_the_start_day_is_eligible_for_ya() -> None:
    assert ya(CaseFacts(state="fixed-term", birth_date=born_years_before(ON, 15))) is None


def test_a_participant_who_is_still_14_on_the_start_day_is_not_eligible_for_ya() -> None:
    facts = CaseFacts(state="fixed-term", birth_date=born_years_before(ON, 15) + DAY)
    message = ya(facts)
    assert message is not None
    assert "aged 14" in message
    assert "15–24" in message


def test_a_participant_aged_24_on_the_day_before_turning_25_is_eligible_for_ya() -> None:
    assert ya(CaseFacts(state="fixed-term", birth_date=born_years_before(ON, 25) + DAY)) is None


def test_a_participant_turning_25_on_the_start_day_is_not_eligible_for_ya() -> None:
    message = ya(CaseFacts(state="fixed-term", birth_date=born_years_before(ON, 25)))
    assert message is not None
    assert "aged 25" in message


def test_the_birth_date_from_a_personnummer_gives_the_exact_age() -> None:
    pnr = personnummer_born(date(2001, 12, 24))
    facts = CaseFacts(state="fixed-term", birth_date=pnr.birth_date)
    assert age_on(facts, ON) == 24
    assert ya(facts) is None
    assert ya(facts, on=date(2026, 12, 24)) is not None


def test_a_birth_year_alone_gives_the_age_reached_during_the_year() -> None:
    facts = CaseFacts(state="fixed-term", birth_year=2001)
    assert age_on(facts, ON) == 25
    message = ya(facts)
    assert message is not None
    assert "aged 25" in message


def test_a_birth_year_alone_reaching_24_during_the_year_is_eligible_for_ya() -> None:
    assert ya(CaseFacts(state="fixed-term", birth_year=2002)) is None


def test_a_birth_year_alone_reaching_15_during_the_year_is_eligible_for_ya() -> None:
    assert ya(CaseFacts(state="fixed-term", birth_year=2011)) is None
    assert ya(CaseFacts(state="fixed-term", birth_year=2012)) is not None


def test_the_birth_date_wins_over_the_birth_year_when_both_are_known() -> None:
    facts = CaseFacts(state="fixed-term", birth_date=date(2001, 12, 24), birth_year=2001)
    assert ya(facts) is None


def test_a_participant_of_unknown_age_outside_the_groups_is_not_eligible_for_ya() -> None:
    message = ya(CaseFacts(state="fixed-term"))
    assert message is not None
    assert "unknown age" in message
    assert "long-term-unemployed, newly-arrived" in message


def test_long_term_unemployment_makes_a_participant_of_any_age_eligible_for_ya() -> None:
    groups = frozenset({Group.LONG_TERM_UNEMPLOYED.value})
    assert ya(CaseFacts(state="fixed-term", birth_year=1970, groups=groups)) is None


def newly_arrived(permit: date | None) -> CaseFacts:
    groups = frozenset({Group.NEWLY_ARRIVED.value})
    return CaseFacts(state="fixed-term", birth_year=1970, groups=groups, permit_date=permit)


def test_a_newly_arrived_participant_is_eligible_for_ya_within_36_months_of_the_permit() -> None:
    """Förordning 2013:1157 6 §: newly arrived means a residence permit within 36 months;
    36 calendar months from 2020-03-02 end on 2023-03-01."""
    permit = date(2020, 3, 2)
    assert ya(newly_arrived(permit), on=permit) is None
    assert ya(newly_arrived(permit), on=date(2023, 3, 1)) is None
    late = ya(newly_arrived(permit), on=date(2023, 3, 2))
    assert late is not None
    assert "residence permit of 2020-03-02, which counts for 36 months" in late


def test_newly_arrived_without_a_permit_date_is_not_eligible_for_ya_and_is_told_why() -> None:
    """The group alone is a permanent flag: it cannot say the 36 months have not run out."""
    message = ya(newly_arrived(None))
    assert message is not None
    assert "newly arrived without a residence-permit date (`--permit-date`)" in message


def test_a_permit_granted_after_the_start_does_not_make_a_participant_eligible() -> None:
    assert ya(newly_arrived(ON + DAY)) is not None


def test_the_months_a_permit_counts_for_are_a_setting() -> None:
    facts = newly_arrived(date(2020, 3, 2))
    settings = {**YA_SETTINGS, "newly_arrived_months": 73}
    assert ya(facts) is not None
    assert check("ya-not-eligible", facts, advance(Step.VOCATIONAL_INTRO), settings) is None


def test_a_group_not_named_in_the_settings_does_not_make_a_participant_eligible() -> None:
    facts = CaseFacts(
        state="fixed-term", birth_year=1970, groups=frozenset({Group.DISABILITY.value})
    )
    assert ya(facts) is not None


def test_the_ya_age_band_is_a_setting() -> None:
    facts = CaseFacts(state="fixed-term", birth_date=born_years_before(ON, 30))
    assert ya(facts) is not None
    settings = {**YA_SETTINGS, "max_age": 30}
    assert check("ya-not-eligible", facts, advance(Step.VOCATIONAL_INTRO), settings) is None


def test_age_is_counted_at_the_start_of_the_move_not_at_enrolment() -> None:
    facts = CaseFacts(state="fixed-term", birth_date=date(2011, 6, 1), opened_on=date(2026, 1, 5))
    assert ya(facts, on=date(2026, 5, 31)) is not None
    assert ya(facts, on=date(2026, 6, 1)) is None


# A supervisor's free places (read side)


def supervisor_load(load: int, capacity: int, *, active: bool = True) -> SupervisorLoad:
    return SupervisorLoad(7, "Maja", 3, "Bageriet", ON, capacity, active, load)


def test_a_supervisors_free_places_are_capacity_less_load() -> None:
    assert supervisor_load(1, 3).free == 2


def test_a_supervisor_above_capacity_has_no_free_place_rather_than_a_negative_one() -> None:
    assert supervisor_load(3, 2).free == 0


def test_a_deactivated_supervisor_has_no_free_place() -> None:
    assert supervisor_load(0, 2, active=False).free == 0


def test_the_default_rules_file_counts_the_las_limits_in_calendar_months() -> None:
    from states.errors import RulesFileError
    from states.ruleset import default_rules_text, load_default_rules, parse_rules

    rules = load_default_rules()
    preferential, permanent = rules.rule("preferential-right"), rules.rule("las-permanent")
    assert preferential is not None
    assert permanent is not None
    assert dict(preferential.settings) == {"more_than_months": 9}
    assert dict(permanent.settings) == {"more_than_months": 12}
    old = default_rules_text().replace("more_than_months = 12", "more_than_days = 365")
    with pytest.raises(RulesFileError, match="more_than_days"):
        parse_rules(old, source="old")


def test_the_las_rules_count_nothing_without_a_workplace() -> None:
    stays = ((None, ON - 400 * DAY, ON - DAY, "sava"),)
    facts = CaseFacts(state=ENROLLED, fixed_term_stays=stays)
    move = advance(Step.FIXED_TERM, until=ON + 400 * DAY)
    assert check("las-permanent", facts, move, {"more_than_months": 12}) is None
    assert check("preferential-right", facts, move, {"more_than_months": 9}) is None
