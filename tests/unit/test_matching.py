"""Profiles and matching, pure: every parse, every capability, every constraint and score."""

from __future__ import annotations

from datetime import date

import pytest

from states.errors import InvalidInput
from states.matching import (
    HOURS_POINTS,
    INTEREST_POINTS,
    MUNICIPALITY_POINTS,
    WAITING_MAX,
    hours_reason,
    interest_reason,
    municipality_reason,
    rank_key,
    requirement_reasons,
    score,
    soft_reasons,
    unmet,
    waiting_points,
    waiting_reason,
    waiting_since,
)
from states.profiles import (
    Profile,
    area_mask,
    capabilities,
    heaviest_allowed,
    parse_adaptations,
    parse_certificates,
    parse_fields,
    parse_interests,
    parse_languages,
    parse_licences,
    parse_max_hours,
    parse_municipality,
)


def test_interests_and_adaptations_come_from_fixed_lists_sorted_without_repeats() -> None:
    assert parse_interests(["Retail", "care", "retail"]) == ["care", "retail"]
    assert parse_adaptations(["seated-work"]) == ["seated-work"]
    with pytest.raises(InvalidInput, match="unknown occupational area 'astronaut'"):
        parse_interests(["astronaut"])
    with pytest.raises(InvalidInput, match="unknown adaptation 'bad back'"):
        parse_adaptations(["bad back"])


def test_languages_carry_one_cefr_level_each() -> None:
    assert parse_languages(["Swedish:b1", "arabic:C2"]) == ["arabic:C2", "swedish:B1"]
    assert parse_languages(["swedish:B1", "swedish:b1"]) == ["swedish:B1"]
    for bad in ("swedish", "swedish:D1", "klingon:A1"):
        with pytest.raises(InvalidInput, match="is not LANGUAGE:LEVEL"):
            parse_languages([bad])
    with pytest.raises(InvalidInput, match="two levels"):
        parse_languages(["swedish:A1", "swedish:C1"])


def test_licences_certificates_hours_and_municipality_are_checked() -> None:
    assert parse_licences(["ce", "B"]) == ["B", "CE"]
    assert parse_certificates(["Hygiene", "forklift-a"]) == ["forklift-a", "hygiene"]
    assert parse_max_hours(20) == 20
    assert parse_municipality("  Malmö  stad ") == "Malmö stad"
    with pytest.raises(InvalidInput, match="unknown driving-licence class 'X'"):
        parse_licences(["X"])
    with pytest.raises(InvalidInput, match="not a certificate name"):
        parse_certificates(["no spaces"])
    with pytest.raises(InvalidInput, match="from 1 to 40, not 41"):
        parse_max_hours(41)
    with pytest.raises(InvalidInput, match="control characters"):
        parse_municipality("Malmö\x1b[2J")
    with pytest.raises(InvalidInput, match="holds digits"):
        parse_municipality("19900101-1234")


def test_clear_names_a_field_with_hours_for_the_most_hours() -> None:
    assert parse_fields(["hours", "Languages"]) == ["max_hours", "languages"]
    with pytest.raises(InvalidInput, match="--clear 'health'"):
        parse_fields(["health"])


def test_a_language_level_meets_every_lower_level_and_none_higher() -> None:
    have = capabilities(Profile(1, languages=["swedish:B1"]))
    assert {"swedish:A1", "swedish:A2", "swedish:B1"} <= have
    assert "swedish:B2" not in have
    assert unmet(["swedish:B1", "swedish:B2"], have) == ["swedish:B2"]


def test_a_licence_meets_the_classes_it_includes() -> None:
    have = capabilities(Profile(1, licences=["CE"]))
    assert {"driving-licence:CE", "driving-licence:C", "driving-licence:B"} <= have
    assert "driving-licence:D" not in have
    assert "driving-licence:C" not in capabilities(Profile(1, licences=["B"]))


def test_adaptations_limit_the_physical_demand_a_place_may_make() -> None:
    assert heaviest_allowed([]) == "heavy"
    assert heaviest_allowed(["quiet-environment"]) == "heavy"
    assert heaviest_allowed(["no-heavy-lifting"]) == "medium"
    assert heaviest_allowed(["no-heavy-lifting", "light-work-only"]) == "light"
    limited = capabilities(Profile(1, adaptations=["no-heavy-lifting"]))
    assert unmet(["physical:medium", "physical:heavy"], limited) == ["physical:heavy"]


def test_without_a_profile_no_requirement_is_met_but_a_place_without_any_matches() -> None:
    have = capabilities(None)
    assert unmet(["physical:light", "swedish:A1"], have) == ["physical:light", "swedish:A1"]
    assert unmet([], have) == []
    assert "physical:heavy" in capabilities(Profile(1))  # a profile without adaptations


def test_a_certificate_is_met_only_by_that_certificate() -> None:
    have = capabilities(Profile(1, certificates=["hygiene"]))
    assert unmet(["certificate:hygiene", "certificate:forklift"], have) == ["certificate:forklift"]


def test_requirement_reasons_name_each_requirement_met_or_not() -> None:
    reasons = requirement_reasons(["swedish:B1", "driving-licence:B"], frozenset({"swedish:B1"}))
    assert [(r.passed, r.hard, r.text) for r in reasons] == [
        (True, True, "requirement swedish:B1 met"),
        (False, True, "requirement driving-licence:B is not met by the profile"),
    ]
    (none,) = requirement_reasons([], frozenset())
    assert (none.code, none.passed) == ("requirements", True)


def test_an_interest_in_one_of_the_places_areas_earns_its_points() -> None:
    assert interest_reason(["retail", "warehouse"], ["warehouse"]).points == INTEREST_POINTS
    assert interest_reason(["retail"], ["care"]).points == 0
    assert interest_reason([], ["care"]).text == "the place names no occupational area"
    assert interest_reason(["retail"], []).text == "the profile names no interest"


def test_the_same_municipality_earns_points_whatever_the_case_and_spacing() -> None:
    assert municipality_reason("Malmö", " malmö ").points == MUNICIPALITY_POINTS
    assert municipality_reason("Malmö", "Lund").points == 0
    assert municipality_reason(None, "Lund").text == "the place names no municipality"
    assert municipality_reason("Lund", None).text == "the profile names no municipality"


def test_hours_earn_points_unless_the_place_asks_more_than_the_most() -> None:
    assert hours_reason(20, 30).points == HOURS_POINTS
    assert hours_reason(30, 30).points == HOURS_POINTS
    assert hours_reason(35, 30).points == 0
    assert hours_reason(None, 30).points == HOURS_POINTS
    assert hours_reason(35, None).points == HOURS_POINTS


def test_waiting_earns_a_point_a_month_up_to_a_year() -> None:
    assert [waiting_points(d) for d in (-3, 0, 29, 30, 61, 365, 5000)] == [0, 0, 0, 1, 2, 12, 12]
    assert waiting_reason(45).text == "waiting 45 days"
    today = date(2026, 3, 2)
    limits = waiting_since(today)
    assert len(limits) == WAITING_MAX
    for points, day in enumerate(limits, start=1):  # the SQL thresholds agree
        assert waiting_points((today - day).days) == points
        assert waiting_points((today - day).days - 1) == points - 1


def test_the_score_is_the_sum_of_the_soft_points() -> None:
    reasons = soft_reasons(
        place_areas=["retail"],
        interests=["retail"],
        place_municipality="Visby",
        municipality="Visby",
        place_hours=20,
        max_hours=40,
        waiting_days=90,
    )
    assert [r.code for r in reasons] == ["interest", "municipality", "hours", "waiting"]
    assert score(reasons) == INTEREST_POINTS + MUNICIPALITY_POINTS + HOURS_POINTS + 3
    assert all(not r.hard for r in reasons)
    assert reasons[0].to_dict() == {
        "code": "interest",
        "kind": "soft",
        "passed": True,
        "points": INTEREST_POINTS,
        "text": "interested in retail",
    }


def test_ranking_is_by_score_then_longest_wait_then_lowest_id() -> None:
    rows = [(50, 10, 3), (80, 1, 9), (50, 40, 7), (50, 40, 2)]
    assert sorted(rows, key=lambda r: rank_key(*r)) == [
        (80, 1, 9),
        (50, 40, 2),
        (50, 40, 7),
        (50, 10, 3),
    ]


def test_area_masks_give_each_area_its_own_bit() -> None:
    assert area_mask([]) == 0
    assert area_mask(["retail"]) & area_mask(["warehouse"]) == 0
    assert area_mask(["retail", "warehouse"]) & area_mask(["warehouse"]) != 0


def test_the_profile_values_are_logged_as_text_lists_joined() -> None:
    values = Profile(1, interests=["care", "retail"], max_hours=20).values()
    assert values["interests"] == "care,retail"
    assert values["languages"] is None
    assert values["max_hours"] == 20
