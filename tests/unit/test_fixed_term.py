"""Specification of fixed-term accumulation with one employer (LAS 5 a §, 25 §)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from pathway.facts import by_employer, stays_among
from states.case import CaseFacts, Move, MoveKind
from states.fixed_term import (
    accumulate,
    add_months,
    months_before,
    months_from,
    permanent,
    preferential_right,
)
from states.records import Placement, Workplace
from states.rules import REGISTRY
from states.steps import Step

NINE = {"more_than_months": 9}
TWELVE = {"more_than_months": 12}


def test_exactly_12_months_in_a_year_without_a_leap_day_is_not_more_than_12_months() -> None:
    found = accumulate([(date(2025, 1, 1), date(2025, 12, 31))], date(2025, 12, 31))
    assert found.within_5_years == 365
    assert not permanent(found)


def test_exactly_12_months_in_a_leap_year_is_not_more_than_12_months() -> None:
    found = accumulate([(date(2024, 1, 1), date(2024, 12, 31))], date(2024, 12, 31))
    assert found.within_5_years == 366
    assert not permanent(found)


def test_one_day_more_than_12_months_makes_the_employment_permanent() -> None:
    assert permanent(accumulate([(date(2025, 1, 1), date(2026, 1, 1))], date(2026, 1, 1)))
    assert permanent(accumulate([(date(2024, 1, 1), date(2025, 1, 1))], date(2025, 1, 1)))


def test_exactly_nine_months_is_not_more_than_nine_months() -> None:
    nine = accumulate([(date(2025, 3, 1), date(2025, 11, 30))], date(2025, 11, 30))
    assert nine.within_3_years == 275
    assert not preferential_right(nine)


def test_one_day_more_than_nine_months_gives_a_preferential_right() -> None:
    more = accumulate([(date(2025, 3, 1), date(2025, 12, 1))], date(2025, 12, 1))
    assert preferential_right(more)
    short = accumulate([(date(2025, 1, 1), date(2025, 10, 1))], date(2025, 10, 1))
    assert short.within_3_years == 274
    assert preferential_right(short)


def test_months_are_measured_on_the_calendar_ending_on_the_day_counted() -> None:
    assert months_before(date(2024, 12, 31), 12) == 366
    assert months_before(date(2025, 12, 31), 12) == 365
    assert months_before(date(2025, 11, 30), 9) == 275


def test_stays_six_months_apart_are_counted_together() -> None:
    stays = [(date(2024, 1, 1), date(2024, 6, 30)), (date(2024, 12, 30), date(2025, 6, 30))]
    assert accumulate(stays, date(2025, 6, 30)).within_5_years == 182 + 183


def test_a_gap_of_six_months_and_one_day_breaks_the_chain() -> None:
    stays = [(date(2024, 1, 1), date(2024, 6, 30)), (date(2024, 12, 31), date(2025, 6, 30))]
    assert accumulate(stays, date(2025, 6, 30)).within_5_years == 182


def test_days_older_than_the_window_do_not_count() -> None:
    stays = [(date(2020, 1, 1), date(2020, 12, 31)), (date(2021, 6, 1), date(2023, 12, 31))]
    found = accumulate(stays, date(2023, 12, 31))
    assert found.within_3_years == 944  # from 2021-06-01
    assert found.within_5_years > found.within_3_years


def test_months_are_added_on_the_calendar() -> None:
    assert add_months(date(2024, 8, 31), 6) == date(2025, 2, 28)
    assert add_months(date(2024, 1, 15), -36) == date(2021, 1, 15)


def fixed_term(
    on: date,
    until: date | None,
    workplace_id: int | None = 4,
    stays: tuple[tuple[int | None, date, date], ...] = (),
) -> tuple[CaseFacts, Move]:
    facts = CaseFacts(state="information", fixed_term_stays=stays)
    move = Move(MoveKind.ADVANCE, on=on, to=Step.FIXED_TERM, workplace_id=workplace_id, until=until)
    return facts, move


def test_the_las_rules_warn_about_earlier_stays_at_the_same_workplace() -> None:
    stays = ((4, date(2025, 1, 1), date(2026, 1, 31)),)
    facts, here = fixed_term(date(2026, 3, 1), None, 4, stays)
    _, elsewhere = fixed_term(date(2026, 3, 1), None, 5, stays)
    assert REGISTRY["las-permanent"].fn(facts, here, TWELVE)
    assert REGISTRY["preferential-right"].fn(facts, here, NINE)
    assert REGISTRY["las-permanent"].fn(facts, elsewhere, TWELVE) is None


def test_the_planned_stay_itself_counts_up_to_its_planned_end() -> None:
    facts, alone = fixed_term(date(2025, 1, 1), date(2026, 1, 1))
    message = REGISTRY["las-permanent"].fn(facts, alone, TWELVE)
    assert message is not None
    assert "366 days within 5 years by 2026-01-01" in message
    _, twelve = fixed_term(date(2025, 1, 1), date(2025, 12, 31))
    assert REGISTRY["las-permanent"].fn(facts, twelve, TWELVE) is None
    assert REGISTRY["preferential-right"].fn(facts, twelve, NINE) is not None
    _, nine = fixed_term(date(2025, 3, 1), date(2025, 11, 30))
    assert REGISTRY["preferential-right"].fn(facts, nine, NINE) is None


def test_an_earlier_stay_and_the_planned_one_add_up_across_a_gap_of_six_months() -> None:
    stays = ((4, date(2024, 1, 1), date(2024, 6, 30)),)
    facts, chained = fixed_term(date(2024, 12, 30), date(2025, 6, 30), 4, stays)
    assert REGISTRY["preferential-right"].fn(facts, chained, NINE) is not None
    _, broken = fixed_term(date(2024, 12, 31), date(2025, 6, 30), 4, stays)
    assert REGISTRY["preferential-right"].fn(facts, broken, NINE) is None


def test_an_extension_crossing_the_limit_is_flagged_and_one_within_it_is_not() -> None:
    facts, within = fixed_term(date(2025, 1, 1), date(2025, 12, 31))
    _, beyond = fixed_term(date(2025, 1, 1), date(2026, 1, 1))
    assert REGISTRY["las-permanent"].fn(facts, within, TWELVE) is None
    assert REGISTRY["las-permanent"].fn(facts, beyond, TWELVE) is not None


def test_two_workplaces_of_one_employer_add_up_and_another_employer_does_not() -> None:
    workplaces = [
        Workplace("Visby bageri", employer="Gotlands Bröd AB", id=4),
        Workplace("Slite bageri", employer=" gotlands  bröd ab", id=5),
        Workplace("Hamnen", employer="Region Gotland", id=6),
        Workplace("Okänd", id=7),
    ]
    earlier = by_employer([(4, date(2025, 1, 1), date(2025, 6, 30))], workplaces)
    assert {w for w, _, _ in earlier} == {4, 5}
    facts, other_workplace = fixed_term(date(2025, 7, 1), date(2026, 1, 31), 5, earlier)
    assert REGISTRY["las-permanent"].fn(facts, other_workplace, TWELVE) is not None
    _, other_employer = fixed_term(date(2025, 7, 1), date(2026, 1, 31), 6, earlier)
    assert REGISTRY["las-permanent"].fn(facts, other_employer, TWELVE) is None
    alone = by_employer([(7, date(2025, 1, 1), date(2025, 6, 30))], workplaces)
    assert alone == ((7, date(2025, 1, 1), date(2025, 6, 30)),)


@given(
    start=st.dates(min_value=date(1900, 1, 1), max_value=date(2190, 12, 31)),
    months=st.integers(min_value=1, max_value=48),
)
def test_months_from_plans_exactly_that_many_months_and_a_day_more_is_more(
    start: date, months: int
) -> None:
    """The default planned end is never over N months as a stay is counted here, and the
    day after it always is: a 12-month wage subsidy does not warn of permanent employment."""
    end = months_from(start, months)
    assert (end - start).days + 1 <= months_before(end, months)
    later = end + timedelta(days=1)
    assert (later - start).days + 1 > months_before(later, months)


def test_sheltered_public_employment_is_not_judged_by_the_las_rules() -> None:
    """LAS 1 §: the act does not apply to sheltered employment (OSA), so 13 months of it
    is neither a preferential right nor permanent; the same stay as SÄVA is both."""
    facts, _ = fixed_term(date(2025, 1, 1), date(2026, 1, 31))
    for code, flagged in (("OSA", False), ("SAVA", True), (None, True)):
        move = Move(
            MoveKind.ADVANCE,
            on=date(2025, 1, 1),
            to=Step.FIXED_TERM,
            workplace_id=4,
            programme=code,
            until=date(2026, 1, 31),
        )
        assert (REGISTRY["las-permanent"].fn(facts, move, TWELVE) is not None) == flagged
        assert (REGISTRY["preferential-right"].fn(facts, move, NINE) is not None) == flagged


def test_earlier_sheltered_employment_does_not_count_towards_a_fixed_term_stay() -> None:
    def stay(programme: str | None, start: date, end: date) -> Placement:
        return Placement(
            case_id=1, step=7, start=start, planned_end=end, workplace_id=4, programme=programme
        )

    earlier = [
        stay("OSA", date(2024, 1, 1), date(2024, 12, 31)),
        stay("LONESTOD", date(2025, 1, 1), date(2025, 3, 31)),
        stay(None, date(2025, 4, 1), date(2025, 4, 30)),
    ]

    assert stays_among(earlier) == (
        (4, date(2025, 1, 1), date(2025, 3, 31)),
        (4, date(2025, 4, 1), date(2025, 4, 30)),
    )
