"""Specification of fixed-term accumulation with one employer (LAS 5 a §, 25 §)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from pathway.facts import by_employer, stays_among
from states.case import CaseFacts, Move, MoveKind
from states.fixed_term import (
    SASONG,
    SAVA,
    VIKARIAT,
    Employment,
    add_months,
    ava_permanent,
    employment_kind,
    months_before,
    months_from,
    preferential,
    sava_permanent,
    vikariat_permanent,
)
from states.messages import Message
from states.programmes import Catalogue, default_catalogue
from states.records import Placement, Workplace
from states.rules import REGISTRY
from states.steps import Step


def english(said: Message | None) -> str | None:
    return None if said is None else said.english()


NINE = {"more_than_months": 9}
TWELVE = {"more_than_months": 12}
TWO_YEARS = {"more_than_months": 24}


def sava(start: date, end: date) -> Employment:
    return (start, end, SAVA)


def test_exactly_12_months_in_a_year_without_a_leap_day_is_not_more_than_12_months() -> None:
    found = sava_permanent([sava(date(2025, 1, 1), date(2025, 12, 31))], date(2025, 12, 31))
    assert found.days == 365
    assert not found.passed


def test_exactly_12_months_in_a_leap_year_is_not_more_than_12_months() -> None:
    found = sava_permanent([sava(date(2024, 1, 1), date(2024, 12, 31))], date(2024, 12, 31))
    assert found.days == 366
    assert not found.passed


def test_one_day_more_than_12_months_makes_the_employment_permanent() -> None:
    assert sava_permanent([sava(date(2025, 1, 1), date(2026, 1, 1))], date(2026, 1, 1)).passed
    assert sava_permanent([sava(date(2024, 1, 1), date(2025, 1, 1))], date(2025, 1, 1)).passed


def test_exactly_nine_months_is_not_more_than_nine_months() -> None:
    stay = sava(date(2025, 3, 1), date(2025, 11, 30))
    nine = preferential([stay], stay)
    assert nine.days == 275
    assert not nine.passed


def test_one_day_more_than_nine_months_gives_a_preferential_right() -> None:
    stay = sava(date(2025, 3, 1), date(2025, 12, 1))
    assert preferential([stay], stay).passed
    short = sava(date(2025, 1, 1), date(2025, 10, 1))
    assert preferential([short], short).days == 274
    assert preferential([short], short).passed


def test_months_are_measured_on_the_calendar_ending_on_the_day_counted() -> None:
    assert months_before(date(2024, 12, 31), 12) == 366
    assert months_before(date(2025, 12, 31), 12) == 365
    assert months_before(date(2025, 11, 30), 9) == 275


def test_sava_within_five_years_adds_up_whatever_the_gaps() -> None:
    """LAS 5 a § first paragraph point 1: 7 + 6 months of SÄVA with a 7-month gap is more
    than 12 months in total within five years."""
    stays = [sava(date(2024, 1, 1), date(2024, 7, 31)), sava(date(2025, 3, 1), date(2025, 9, 1))]
    found = sava_permanent(stays, date(2025, 9, 1))
    assert found.days == 213 + 185
    assert found.counted == "SÄVA within 5 years"
    assert found.passed


def test_succeeding_employments_count_sava_beyond_five_years() -> None:
    """Point 2: SÄVA, then vikariat after vikariat each begun within six months of the
    last, then SÄVA again: the SÄVA of the whole run counts, though the first lies more
    than five years back; the vikariat days are not SÄVA time."""
    stays = [
        sava(date(2023, 1, 1), date(2023, 6, 30)),  # 181 days
        (date(2023, 12, 30), date(2025, 12, 31), VIKARIAT),
        (date(2026, 6, 30), date(2027, 12, 31), VIKARIAT),
        sava(date(2028, 6, 1), date(2028, 12, 31)),  # 214 days
    ]
    found = sava_permanent(stays, date(2028, 12, 31))
    assert (found.days, found.counted) == (395, "SÄVA in succeeding fixed-term employments")
    assert found.passed
    broken = [*stays[:2], (date(2026, 7, 1), date(2027, 12, 31), VIKARIAT), stays[3]]
    assert sava_permanent(broken, date(2028, 12, 31)).days == 214  # a gap of 6 months + 1 day


def test_stays_begun_six_months_after_the_last_day_succeed_it_and_a_day_later_do_not() -> None:
    first = sava(date(2024, 1, 1), date(2024, 6, 30))
    chained = sava(date(2024, 12, 30), date(2025, 6, 30))
    assert sava_permanent([first, chained], date(2025, 6, 30)).days == 182 + 183


def test_vikariat_and_seasonal_days_are_not_sava_time() -> None:
    stays = [
        sava(date(2025, 1, 1), date(2025, 2, 28)),
        (date(2025, 3, 1), date(2025, 10, 31), VIKARIAT),
        (date(2025, 11, 1), date(2026, 3, 31), SASONG),
    ]
    assert sava_permanent(stays, date(2026, 3, 31)).days == 59


def test_without_a_chain_only_the_days_within_five_years_count() -> None:
    stays = [sava(date(2023, 1, 1), date(2023, 9, 30)), sava(date(2027, 1, 1), date(2028, 6, 30))]
    found = sava_permanent(stays, date(2028, 6, 30))
    assert found.days == 92 + 547  # from 2023-07-01, and all of the second


def test_a_vikariat_becomes_permanent_after_more_than_two_years_within_five() -> None:
    """Two years are the 730 days of the 24 calendar months ending on 2026-05-30."""
    two = [(date(2024, 1, 1), date(2024, 12, 31), VIKARIAT)]
    two.append((date(2025, 6, 1), date(2026, 5, 30), VIKARIAT))  # 366 + 364 days
    assert vikariat_permanent(two, date(2026, 5, 30)).days == 730
    assert not vikariat_permanent(two, date(2026, 5, 30)).passed
    more = [*two[:1], (date(2025, 6, 1), date(2026, 5, 31), VIKARIAT)]
    assert vikariat_permanent(more, date(2026, 5, 31)).passed


def test_allman_visstid_before_2022_10_01_needs_more_than_two_years_within_five() -> None:
    """The older LAS 5 §: a 2018 stay is never judged by the 2022 text."""
    stays = [sava(date(2018, 1, 1), date(2019, 1, 31))]  # 13 months
    assert not ava_permanent(stays, date(2019, 1, 31)).passed
    longer = [sava(date(2018, 1, 1), date(2020, 1, 1))]  # two years and a day
    assert ava_permanent(longer, date(2020, 1, 1)).passed


def test_allman_visstid_from_2022_03_01_counts_as_sava_time_and_earlier_does_not() -> None:
    """SFS 2022:835, transitional rules: from 2022-03-01 allmän visstid is SÄVA time."""
    stays = [sava(date(2021, 1, 1), date(2022, 9, 30)), sava(date(2022, 10, 1), date(2023, 3, 31))]
    found = sava_permanent(stays, date(2023, 3, 31))
    assert found.days == (date(2023, 3, 31) - date(2022, 3, 1)).days + 1
    assert found.passed


def test_the_preferential_right_counts_every_stay_in_three_years_whatever_the_gaps() -> None:
    """LAS 25 §: no chain condition; 5 + 5 months of SÄVA a year apart is more than 9."""
    first = sava(date(2025, 1, 1), date(2025, 5, 31))
    second = sava(date(2026, 6, 1), date(2026, 10, 31))
    assert preferential([first, second], second).passed


def test_the_preferential_right_of_a_vikariat_or_an_older_stay_needs_more_than_12_months() -> None:
    vikariat = (date(2025, 1, 1), date(2025, 12, 1), VIKARIAT)  # 11 months
    assert not preferential([vikariat], vikariat).passed
    older = sava(date(2019, 1, 1), date(2019, 12, 1))  # 11 months, before 2022-10-01
    assert not preferential([older], older).passed
    longer = sava(date(2019, 1, 1), date(2020, 1, 1))  # 12 months and a day
    assert preferential([longer], longer).passed


def test_employment_kinds_are_read_in_swedish_or_ascii() -> None:
    assert employment_kind("SÄVA") == SAVA
    assert employment_kind(" sava ") == SAVA
    assert employment_kind("Vikariat") == VIKARIAT
    assert employment_kind("säsong") == SASONG
    assert employment_kind("allmän visstid") is None


def test_months_are_added_on_the_calendar() -> None:
    assert add_months(date(2024, 8, 31), 6) == date(2025, 2, 28)
    assert add_months(date(2024, 1, 15), -36) == date(2021, 1, 15)


def fixed_term(
    on: date,
    until: date | None,
    workplace_id: int | None = 4,
    stays: tuple[tuple[int | None, date, date, str], ...] = (),
    kind: str | None = None,
) -> tuple[CaseFacts, Move]:
    facts = CaseFacts(state="information", fixed_term_stays=stays)
    move = Move(
        MoveKind.ADVANCE,
        on=on,
        to=Step.FIXED_TERM,
        workplace_id=workplace_id,
        until=until,
        employment_kind=kind,
    )
    return facts, move


def test_seven_and_six_months_of_sava_seven_months_apart_are_flagged_as_permanent() -> None:
    """The issue's case: the gap breaks the chain, but 13 months within five years is
    more than 12 (LAS 5 a § first paragraph point 1)."""
    stays = ((4, date(2025, 1, 1), date(2025, 7, 31), SAVA),)
    facts, move = fixed_term(date(2026, 3, 1), date(2026, 8, 31), 4, stays)
    message = english(REGISTRY["las-permanent"].fn(facts, move, TWELVE))
    assert message is not None
    assert "SÄVA within 5 years adds up to 396 days by 2026-08-31" in message


def test_sava_chained_through_vikariat_is_flagged_beyond_five_years() -> None:
    stays = (
        (4, date(2023, 1, 1), date(2023, 6, 30), SAVA),
        (4, date(2023, 12, 30), date(2025, 12, 31), VIKARIAT),
        (4, date(2026, 6, 30), date(2027, 12, 31), VIKARIAT),
    )
    facts, move = fixed_term(date(2028, 6, 1), date(2028, 12, 31), 4, stays)
    message = english(REGISTRY["las-permanent"].fn(facts, move, TWELVE))
    assert message is not None
    assert "SÄVA in succeeding fixed-term employments adds up to 395 days" in message


def test_a_vikariat_is_judged_by_its_own_rule_not_by_the_sava_rule() -> None:
    stays = ((4, date(2024, 1, 1), date(2025, 12, 31), VIKARIAT),)
    facts, move = fixed_term(date(2026, 3, 1), date(2026, 3, 31), 4, stays, VIKARIAT)
    assert REGISTRY["las-permanent"].fn(facts, move, TWELVE) is None
    message = english(REGISTRY["las-vikariat"].fn(facts, move, TWO_YEARS))
    assert message is not None
    assert "vikariat within 5 years adds up to 762 days" in message
    _, sava_move = fixed_term(date(2026, 3, 1), date(2026, 3, 31), 4, stays, SAVA)
    assert REGISTRY["las-vikariat"].fn(facts, sava_move, TWO_YEARS) is None
    assert REGISTRY["las-permanent"].fn(facts, sava_move, TWELVE) is None  # 31 days of SÄVA


def test_a_2018_stay_is_judged_by_the_older_text_of_two_years_in_five() -> None:
    facts, thirteen = fixed_term(date(2018, 1, 1), date(2019, 1, 31))
    assert REGISTRY["las-permanent"].fn(facts, thirteen, TWELVE) is None
    _, longer = fixed_term(date(2018, 1, 1), date(2020, 1, 1))
    message = english(REGISTRY["las-permanent"].fn(facts, longer, TWELVE))
    assert message is not None
    assert "LAS 5 § before 2022-10-01" in message


def test_a_seasonal_stay_never_converts_but_counts_for_the_preferential_right() -> None:
    facts, season = fixed_term(date(2025, 1, 1), date(2026, 6, 30), kind=SASONG)
    assert REGISTRY["las-permanent"].fn(facts, season, TWELVE) is None
    assert REGISTRY["las-vikariat"].fn(facts, season, TWO_YEARS) is None
    assert REGISTRY["preferential-right"].fn(facts, season, NINE) is not None


def test_the_las_rules_warn_about_earlier_stays_at_the_same_workplace() -> None:
    stays = ((4, date(2025, 1, 1), date(2026, 1, 31), SAVA),)
    facts, here = fixed_term(date(2026, 3, 1), None, 4, stays)
    _, elsewhere = fixed_term(date(2026, 3, 1), None, 5, stays)
    assert REGISTRY["las-permanent"].fn(facts, here, TWELVE)
    assert REGISTRY["preferential-right"].fn(facts, here, NINE)
    assert REGISTRY["las-permanent"].fn(facts, elsewhere, TWELVE) is None


def test_the_planned_stay_itself_counts_up_to_its_planned_end() -> None:
    facts, alone = fixed_term(date(2025, 1, 1), date(2026, 1, 1))
    message = english(REGISTRY["las-permanent"].fn(facts, alone, TWELVE))
    assert message is not None
    assert "SÄVA within 5 years adds up to 366 days by 2026-01-01" in message
    _, twelve = fixed_term(date(2025, 1, 1), date(2025, 12, 31))
    assert REGISTRY["las-permanent"].fn(facts, twelve, TWELVE) is None
    assert REGISTRY["preferential-right"].fn(facts, twelve, NINE) is not None
    _, nine = fixed_term(date(2025, 3, 1), date(2025, 11, 30))
    assert REGISTRY["preferential-right"].fn(facts, nine, NINE) is None


def test_the_preferential_right_adds_up_stays_in_three_years_across_any_gap() -> None:
    """LAS 25 § has no chain condition: 6 + 6 months a year apart is more than 9."""
    stays = ((4, date(2024, 1, 1), date(2024, 6, 30), SAVA),)
    facts, later = fixed_term(date(2025, 7, 1), date(2025, 12, 31), 4, stays)
    assert REGISTRY["preferential-right"].fn(facts, later, NINE) is not None
    _, too_late = fixed_term(date(2027, 1, 1), date(2027, 6, 30), 4, stays)
    assert REGISTRY["preferential-right"].fn(facts, too_late, NINE) is None


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
    earlier = by_employer([(4, date(2025, 1, 1), date(2025, 6, 30), SAVA)], workplaces)
    assert {w for w, _, _, _ in earlier} == {4, 5}
    facts, other_workplace = fixed_term(date(2025, 7, 1), date(2026, 1, 31), 5, earlier)
    assert REGISTRY["las-permanent"].fn(facts, other_workplace, TWELVE) is not None
    _, other_employer = fixed_term(date(2025, 7, 1), date(2026, 1, 31), 6, earlier)
    assert REGISTRY["las-permanent"].fn(facts, other_employer, TWELVE) is None
    alone = by_employer([(7, date(2025, 1, 1), date(2025, 6, 30), VIKARIAT)], workplaces)
    assert alone == ((7, date(2025, 1, 1), date(2025, 6, 30), VIKARIAT),)


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
    def stay(programme: str | None, start: date, end: date, kind: str | None) -> Placement:
        return Placement(
            case_id=1,
            step=7,
            start=start,
            planned_end=end,
            workplace_id=4,
            programme=programme,
            employment_kind=kind,
        )

    earlier = [
        stay("OSA", date(2024, 1, 1), date(2024, 12, 31), SAVA),
        stay("LONESTOD", date(2025, 1, 1), date(2025, 3, 31), VIKARIAT),
        stay(None, date(2025, 4, 1), date(2025, 4, 30), None),
    ]

    assert stays_among(earlier, default_catalogue()) == (
        (4, date(2025, 1, 1), date(2025, 3, 31), VIKARIAT),
        (4, date(2025, 4, 1), date(2025, 4, 30), SAVA),  # none recorded: SÄVA
    )
    # The organisation's catalogue decides, not the shipped one: with OSA not exempt
    # there, its stay counts too.
    shipped = default_catalogue()
    theirs = Catalogue(
        tuple(replace(p, las_exempt=False) if p.code == "OSA" else p for p in shipped)
    )
    assert stays_among(earlier, theirs)[0] == (4, date(2024, 1, 1), date(2024, 12, 31), SAVA)
