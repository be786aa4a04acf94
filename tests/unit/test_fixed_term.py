"""Specification of fixed-term accumulation with one employer (LAS 5 a §, 25 §)."""

from __future__ import annotations

from datetime import date

from states.case import CaseFacts, Move, MoveKind
from states.fixed_term import accumulate, add_months, permanent, preferential_right
from states.rules import REGISTRY
from states.steps import Step


def test_exactly_12_months_is_not_more_than_12_months() -> None:
    found = accumulate([(date(2025, 1, 1), date(2025, 12, 31))], date(2025, 12, 31))
    assert found.within_5_years == 365
    assert not permanent(found)


def test_one_day_more_than_12_months_makes_the_employment_permanent() -> None:
    found = accumulate([(date(2025, 1, 1), date(2026, 1, 1))], date(2026, 1, 1))
    assert permanent(found)


def test_stays_six_months_apart_are_counted_together() -> None:
    stays = [(date(2024, 1, 1), date(2024, 6, 30)), (date(2024, 12, 30), date(2025, 6, 30))]
    assert accumulate(stays, date(2025, 6, 30)).within_5_years == 182 + 183


def test_a_gap_of_six_months_and_one_day_breaks_the_chain() -> None:
    stays = [(date(2024, 1, 1), date(2024, 6, 30)), (date(2024, 12, 31), date(2025, 6, 30))]
    assert accumulate(stays, date(2025, 6, 30)).within_5_years == 182


def test_more_than_nine_months_within_three_years_gives_a_preferential_right() -> None:
    nine = accumulate([(date(2025, 1, 1), date(2025, 9, 30))], date(2025, 9, 30))
    assert nine.within_3_years == 273
    assert not preferential_right(nine)
    more = accumulate([(date(2025, 1, 1), date(2025, 10, 1))], date(2025, 10, 1))
    assert preferential_right(more)


def test_days_older_than_the_window_do_not_count() -> None:
    stays = [(date(2020, 1, 1), date(2020, 12, 31)), (date(2021, 6, 1), date(2023, 12, 31))]
    found = accumulate(stays, date(2023, 12, 31))
    assert found.within_3_years == 944  # from 2021-06-01
    assert found.within_5_years > found.within_3_years


def test_months_are_added_on_the_calendar() -> None:
    assert add_months(date(2024, 8, 31), 6) == date(2025, 2, 28)
    assert add_months(date(2024, 1, 15), -36) == date(2021, 1, 15)


def test_the_las_rules_warn_about_earlier_stays_at_the_same_workplace() -> None:
    facts = CaseFacts(
        state="information", fixed_term_stays=((4, date(2025, 1, 1), date(2026, 1, 31)),)
    )
    here = Move(MoveKind.ADVANCE, on=date(2026, 3, 1), to=Step.FIXED_TERM, workplace_id=4)
    elsewhere = Move(MoveKind.ADVANCE, on=date(2026, 3, 1), to=Step.FIXED_TERM, workplace_id=5)
    assert REGISTRY["las-permanent"].fn(facts, here, {"more_than_days": 365})
    assert REGISTRY["preferential-right"].fn(facts, here, {"more_than_days": 273})
    assert REGISTRY["las-permanent"].fn(facts, elsewhere, {"more_than_days": 365}) is None
