"""The pure definitions the reports share: periods, nearest-rank percentiles, ESF+ bands."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from states.case import parse_characteristics
from states.errors import InvalidInput
from states.personnummer import Personnummer, luhn_check_digit
from states.reports import (
    STATE_LABELS,
    EsfReport,
    EsfRow,
    Period,
    age_band,
    age_on,
    check_breakdown,
    education_band,
    entry_status,
    esf_characteristics,
    esf_gender,
    esf_summary,
    masked_characteristics,
    nearest_rank,
    percentile,
    period_of,
    state_label,
    upon_leaving,
)

TODAY = date(2026, 3, 2)


def fresh(birth: str, serial: str = "123") -> str:
    """A valid 12-digit number for ``birth`` (YYYYMMDD, day + 60 for a samordningsnummer)."""
    return f"{birth}{serial}{luhn_check_digit(birth[2:] + serial)}"


def test_the_default_period_is_the_year_to_date() -> None:
    assert period_of(TODAY) == Period(date(2026, 1, 1), TODAY)


def test_a_period_without_from_starts_on_1_january_of_the_year_it_ends_in() -> None:
    assert period_of(TODAY, end=date(2025, 6, 30)) == Period(date(2025, 1, 1), date(2025, 6, 30))


def test_a_year_is_1_january_to_31_december() -> None:
    assert period_of(TODAY, year=2025) == Period(date(2025, 1, 1), date(2025, 12, 31))


def test_a_period_includes_both_of_its_ends() -> None:
    period = Period(date(2026, 3, 1), date(2026, 3, 31))
    assert date(2026, 3, 1) in period
    assert date(2026, 3, 31) in period
    assert date(2026, 2, 28) not in period
    assert date(2026, 4, 1) not in period


def test_a_single_day_is_a_period() -> None:
    assert Period(TODAY, TODAY).start == TODAY


def test_a_period_ending_before_it_starts_is_invalid_input() -> None:
    with pytest.raises(InvalidInput, match="--from must be on or before --to"):
        period_of(TODAY, start=date(2026, 3, 2), end=date(2026, 3, 1))


def test_a_year_together_with_from_or_to_is_invalid_input() -> None:
    with pytest.raises(InvalidInput, match="either --year or --from/--to"):
        period_of(TODAY, year=2026, end=TODAY)


@pytest.mark.parametrize("year", [26, 1899, 2200, 9999])
def test_a_year_outside_the_accepted_calendar_is_invalid_input(year: int) -> None:
    with pytest.raises(InvalidInput, match=r"outside the years kivo accepts \(1900–2199\)"):
        period_of(TODAY, year=year)


@pytest.mark.parametrize(
    ("percent", "count", "rank"),
    [(50, 1, 1), (50, 2, 1), (50, 3, 2), (50, 4, 2), (90, 1, 1), (90, 9, 9), (90, 10, 9)],
)
def test_nearest_rank_is_the_ceiling_of_p_times_n(percent: int, count: int, rank: int) -> None:
    assert nearest_rank(percent, count) == rank


def test_the_median_of_an_even_count_is_the_lower_middle_value() -> None:
    assert percentile([40, 10, 30, 20], 50) == 20
    assert percentile([40, 10, 30, 20], 90) == 40
    assert percentile([], 50) is None


@given(st.lists(st.integers(0, 1000), min_size=1), st.integers(1, 100))
def test_a_percentile_is_a_value_with_at_least_p_percent_at_or_below_it(
    values: list[int], percent: int
) -> None:
    found = percentile(values, percent)
    assert found in values
    at_or_below = sum(v <= found for v in values)
    below = sum(v < found for v in values)
    assert at_or_below * 100 >= percent * len(values)
    assert below * 100 < percent * len(values)


@pytest.mark.parametrize(
    ("born", "entry", "band"),
    [
        (date(1996, 11, 28), date(2026, 1, 10), "18-29"),  # 29, not the 30 of the year
        (date(1996, 1, 10), date(2026, 1, 10), "30-54"),  # 30 on the day of entry
        (date(2008, 6, 1), date(2026, 5, 31), "<18"),
        (date(2008, 6, 1), date(2026, 6, 1), "18-29"),
        (date(1971, 12, 31), date(2026, 12, 30), "30-54"),
        (date(1971, 12, 31), date(2026, 12, 31), "55+"),
    ],
)
def test_the_esf_age_band_is_the_age_on_the_day_of_entry_from_the_date_of_birth(
    born: date, entry: date, band: str
) -> None:
    assert age_band(entry, birth_date=born) == band


def test_a_samordningsnummer_gives_its_date_of_birth_with_the_day_less_60() -> None:
    number = Personnummer(fresh("19961188"))  # 28 November 1996, day written 88
    assert number.birth_date == date(1996, 11, 28)
    assert age_on(number.birth_date, date(2026, 1, 10)) == 29


@pytest.mark.parametrize(
    ("birth_year", "band"),
    [(2009, "<18"), (2008, None), (1997, "18-29"), (1996, None), (1971, None), (1970, "55+")],
)
def test_with_only_a_birth_year_the_band_is_given_only_when_either_age_falls_in_it(
    birth_year: int, band: str | None
) -> None:
    assert age_band(date(2026, 1, 1), birth_year=birth_year) == band


def test_without_date_or_year_of_birth_the_age_band_is_unknown() -> None:
    assert age_band(date(2026, 1, 1)) is None


def test_the_result_upon_leaving_counts_self_employment_as_employment() -> None:
    assert [upon_leaving(o) for o in ("employed", "self-employed", "studies")] == [
        "employed",
        "employed",
        "in-education",
    ]
    assert [upon_leaving(o) for o in ("job-seeking", "moved", "declined", None)] == [
        "job-searching",
        None,
        None,
        None,
    ]


def test_the_esf_summary_counts_each_indicator_by_gender_and_in_total() -> None:
    def row(case_id: int, gender: str | None, **values: object) -> EsfRow:
        base: dict[str, object] = dict.fromkeys(
            ("personnummer", "age_band", "entry_status", "education", "exit", "outcome"),
            None,
        )
        base |= {"after_4_weeks": None, "after_6_months": None, "groups": []}
        base |= values
        return EsfRow(case_id, case_id, gender=gender, entry=date(2026, 1, 5), **base)  # type: ignore[arg-type]

    rows = [
        row(1, "woman", entry_status="long-term unemployed", upon_leaving="employed"),
        row(2, "man", entry_status="unemployed", after_6_months="self-employed"),
        row(3, "non-binary", age_band="<18", upon_leaving="job-searching"),
        row(4, None, entry_status="long-term unemployed", after_6_months="pending"),
    ]
    lines = {
        i.indicator: (i.woman, i.man, i.non_binary, i.total)
        for i in esf_summary(EsfReport(date(2026, 1, 1), date(2026, 12, 31), rows)).indicators
    }
    assert lines["participants"] == (1, 1, 1, 4)
    assert lines["unemployed, including long-term unemployed"] == (1, 1, 0, 3)
    assert lines["long-term unemployed"] == (1, 0, 0, 2)
    assert lines["below 18 years of age"] == (0, 0, 1, 1)
    assert lines["job-searching upon leaving"] == (0, 0, 1, 1)
    assert lines["in employment, including self-employment, upon leaving"] == (1, 0, 0, 1)
    assert lines["in employment, including self-employment, six months after leaving"] == (
        0,
        1,
        0,
        1,
    )


def test_esf_gender_keeps_stated_values_and_leaves_unknown_empty() -> None:
    assert [esf_gender(g) for g in ("woman", "man", "non-binary", "unknown")] == [
        "woman",
        "man",
        "non-binary",
        None,
    ]


def test_the_status_at_entry_comes_from_the_status_groups_long_term_unemployment_first() -> None:
    assert entry_status(["newly-arrived", "long-term-unemployed"]) == "long-term unemployed"
    assert entry_status(["unemployed", "long-term-unemployed"]) == "long-term unemployed"
    assert entry_status(["inactive"]) == "inactive"
    assert entry_status(["employed", "disability"]) == "employed"
    assert entry_status(["newly-arrived"]) is None


def test_the_education_level_is_the_recorded_isced_band_or_empty() -> None:
    assert education_band(["newly-arrived", "isced-3-4"]) == "ISCED 3-4"
    assert education_band(["isced-0-2"]) == "ISCED 0-2"
    assert education_band(["isced-5-8"]) == "ISCED 5-8"
    assert education_band(["unemployed"]) is None


def test_state_labels_are_enrolled_the_step_numbers_paused_and_exited() -> None:
    assert ("enrolled", *map(str, range(1, 10)), "paused", "exited") == STATE_LABELS
    assert state_label("vocational-training") == "5"


def test_an_unknown_breakdown_names_the_choices() -> None:
    assert check_breakdown(" Gender ") == "gender"
    with pytest.raises(InvalidInput, match="gender, group, caseworker"):
        check_breakdown("age")


def test_characteristics_are_recorded_only_as_stated_yes_or_no() -> None:
    given = ["rural=no", "Disability=YES", "homeless=no", "rural=no"]
    assert parse_characteristics(given) == {"disability": True, "homeless": False, "rural": False}
    assert parse_characteristics([]) == {}


@pytest.mark.parametrize(
    ("given", "says"),
    [
        (["disability"], "write NAME=yes or NAME=no"),
        (["disability=maybe"], "write NAME=yes or NAME=no"),
        (["wealth=yes"], "unknown characteristic 'wealth'"),
        (["rural=yes", "rural=no"], "rural given as both yes and no"),
    ],
)
def test_a_characteristic_that_is_not_name_yes_or_no_is_invalid(
    given: list[str], says: str
) -> None:
    with pytest.raises(InvalidInput, match=says):
        parse_characteristics(given)


def test_an_esf_characteristic_not_recorded_is_unknown_not_no() -> None:
    known = esf_characteristics({"minority": False, "rural": True}, ["disability", "newly-arrived"])
    assert known == {"disability": "yes", "minority": "no", "rural": "yes"}
    assert "homeless" not in known
    # a recorded no wins over a group that says yes
    assert esf_characteristics({"disability": False}, ["disability"]) == {"disability": "no"}
    assert masked_characteristics(known) == dict.fromkeys(known, "****")
