"""Specification of the programmes catalogue and the programme rules."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from states.case import CaseFacts, Move, MoveKind
from states.messages import Message
from states.programmes import (
    EMPLOYER,
    PARTICIPANT,
    PLACEMENT,
    WORKPLACE,
    ProgrammesFileError,
    default_catalogue,
    extension_violations,
    extent_violation,
    las_exempt,
    parse_programmes,
    scoped_total_too_long,
    too_short,
    total_too_long,
    training_share_violation,
)
from states.rules import REGISTRY
from states.steps import Step


def english(said: Message | None) -> str | None:
    return None if said is None else said.english()


FACTS = CaseFacts(state="information")


def advance(to: Step, programme: str, on: date, until: date | None = None) -> Move:
    return Move(MoveKind.ADVANCE, on=on, to=to, programme=programme, until=until)


def rule(code: str, move: Move) -> str | None:
    said = REGISTRY[code].fn(FACTS, move, {})
    return None if said is None else said.english()


def test_the_shipped_catalogue_holds_the_programmes_the_issue_names() -> None:
    assert default_catalogue().codes == [
        "PRAKTIK",
        "PIS",
        "ARBETSTRANING",
        "MBJ",
        "YA",
        "NYSTART",
        "INTRO",
        "LONESTOD",
        "OSA",
        "APL",
        "SAVA",
    ]


def test_a_programme_is_found_by_its_code_in_any_case_and_with_swedish_letters() -> None:
    catalogue = default_catalogue()
    found = catalogue.find("lönestöd")
    assert found is not None
    assert found.code == "LONESTOD"
    assert catalogue.find("nope") is None


def test_a_catalogue_reports_every_problem_at_once() -> None:
    text = """
version = 1
[programmes.X]
name_sv = "x"
name_en = "x"
steps = [10]
default_days = 500
max_total_days = 100
max_decision_days = 100
colour = "red"
[programmes.Y]
name_sv = "y"
"""
    with pytest.raises(ProgrammesFileError) as error:
        parse_programmes(text, source="test")
    problems = error.value.params["problems"]
    assert "programmes.X: unknown setting 'colour'" in problems
    assert "programmes.Y: setting 'steps' is missing" in problems


def test_a_catalogue_with_bad_values_names_them() -> None:
    text = """
version = 1
[programmes.X]
name_sv = "x"
name_en = "x"
steps = [10]
default_days = 500
max_total_days = 100
max_decision_days = 100
valid_from = 2020-01-01
valid_until = 2019-01-01
"""
    with pytest.raises(ProgrammesFileError) as error:
        parse_programmes(text, source="test")
    problems = error.value.params["problems"]
    assert "programmes.X: steps must list step numbers 1–9" in problems
    assert "programmes.X: valid_from must come before valid_until" in problems


CATALOGUE_WITH_DEFAULT = """
version = 1
[programmes.X]
name_sv = "x"
name_en = "x"
steps = [7]
max_total_days = 366
max_decision_days = {decision}
{default}
"""


@pytest.mark.parametrize(
    ("default", "decision", "problem"),
    [
        ("", 366, "give exactly one of default_months and default_days"),
        ("default_months = 6\ndefault_days = 10", 366, "give exactly one of"),
        ("default_months = 0", 366, "default_months must be from 1 to 120"),
        ("default_days = 0", 366, "default_days must be from 1 to 3660"),
        ("default_months = 12", 364, "default_months plans up to 365 days, more than max"),
        ("default_days = 200", 184, "default_days plans up to 200 days, more than max"),
    ],
)
def test_a_catalogue_gives_exactly_one_default_length_within_one_decision(
    default: str, decision: int, problem: str
) -> None:
    text = CATALOGUE_WITH_DEFAULT.format(default=default, decision=decision)
    with pytest.raises(ProgrammesFileError) as error:
        parse_programmes(text, source="test")
    assert any(problem in found for found in error.value.params["problems"]), error.value


def test_a_default_of_12_months_plans_to_the_day_before_the_same_date_a_year_later() -> None:
    lonestod = default_catalogue().get("LONESTOD")
    assert lonestod.default_length == "12 months"
    assert lonestod.default_end(date(2026, 3, 2)) == date(2027, 3, 1)
    assert lonestod.default_end(date(2024, 2, 29)) == date(2025, 2, 28)
    assert default_catalogue().get("PIS").default_end(date(2026, 1, 31)) == date(2026, 4, 30)
    apl = default_catalogue().get("APL")
    assert apl.default_length == "105 days"
    assert apl.default_end(date(2026, 1, 1)) == date(2026, 4, 16)


def test_an_unknown_programme_is_named() -> None:
    assert rule("programme-unknown", advance(Step.SHORT_PRACTICE, "NOPE", date(2026, 1, 1)))
    assert rule("programme-unknown", advance(Step.SHORT_PRACTICE, "PIS", date(2026, 1, 1))) is None


def test_a_programme_runs_only_in_its_steps() -> None:
    assert rule("programme-not-in-step", advance(Step.VOCATIONAL_INTRO, "APL", date(2026, 1, 1)))
    move = advance(Step.WORKPLACE_LEARNING, "APL", date(2026, 1, 1))
    assert rule("programme-not-in-step", move) is None


def test_mbj_takes_decisions_before_2019_and_none_from_2019_01_01() -> None:
    assert rule("programme-closed", advance(Step.FIXED_TERM, "MBJ", date(2018, 12, 31))) is None
    assert rule("programme-closed", advance(Step.FIXED_TERM, "MBJ", date(2019, 1, 1)))


def test_one_decision_may_not_plan_beyond_the_programmes_maximum() -> None:
    start = date(2026, 1, 1)
    fits = advance(Step.SHORT_PRACTICE, "PRAKTIK", start, date(2026, 7, 4))  # 184 days
    assert rule("programme-too-long", fits) is None
    assert rule(
        "programme-too-long", advance(Step.SHORT_PRACTICE, "PRAKTIK", start, date(2026, 7, 5))
    )


def test_an_extension_is_checked_per_decision_in_total_and_against_the_validity() -> None:
    mbj = default_catalogue().get("MBJ")
    start, first_end = date(2017, 6, 1), date(2018, 1, 1)
    assert extension_violations(mbj, start, first_end, date(2019, 1, 1), date(2018, 6, 1)) == []
    late = extension_violations(mbj, start, first_end, date(2018, 6, 1), date(2019, 1, 1))
    assert [v.code for v in late] == ["programme-closed"]
    long = extension_violations(mbj, start, first_end, date(2019, 1, 3), date(2018, 6, 1))
    assert [v.code for v in long] == ["programme-too-long"]
    praktik = default_catalogue().get("PRAKTIK")
    total = extension_violations(
        praktik, date(2026, 1, 1), date(2026, 4, 1), date(2026, 7, 5), date(2026, 3, 1)
    )
    assert [v.code for v in total] == ["programme-total-too-long"]


# Each shipped programme as the issue and the catalogue's sources define it: steps, the
# default planned end in days after a start on 2026-01-01 (2018-01-01 for MBJ, 2023-01-01
# for YA): 3, 6 or 12
# calendar months with both ends included, APL 105 days; one decision's maximum and the
# total maximum (days; a month counted as its longest calendar span), and what the total
# counts: each placement, the participant's all (PIS and förstärkt arbetsträning: "at
# most 6 months", "up to 12 months"), or those with one employer (praktik: "at most 6
# months in total with the same employer").
SHIPPED = [
    ("PRAKTIK", {2, 3}, 89, 184, 184, EMPLOYER),
    ("PIS", {2, 3}, 89, 184, 184, PARTICIPANT),
    ("ARBETSTRANING", {2, 3}, 180, 184, 366, PARTICIPANT),
    ("MBJ", {7}, 364, 366, 731, PLACEMENT),
    ("YA", {8}, 364, 366, 366, PLACEMENT),
    ("NYSTART", {7, 9}, 364, 366, 731, PLACEMENT),
    ("INTRO", {7, 9}, 364, 366, 731, PLACEMENT),
    ("LONESTOD", {7, 9}, 364, 366, 1461, PLACEMENT),
    ("OSA", {7, 9}, 364, 366, 1461, PLACEMENT),
    ("APL", {6}, 105, 366, 366, PLACEMENT),
    ("SAVA", {7}, 180, 366, 366, PLACEMENT),
]
DAY = timedelta(days=1)


def start_for(code: str) -> date:
    """A day the programme takes decisions: MBJ closed from 2019, YA from 2024."""
    return {"MBJ": date(2018, 1, 1), "YA": date(2023, 1, 1)}.get(code, date(2026, 1, 1))


@pytest.mark.parametrize(("code", "steps", "default", "decision", "total", "scope"), SHIPPED)
def test_each_shipped_programme_has_its_steps_default_length_and_maxima(
    code: str, steps: set[int], default: int, decision: int, total: int, scope: str
) -> None:
    programme = default_catalogue().get(code)
    start = start_for(code)
    assert programme.steps == steps
    assert programme.default_end(start) == start + default * DAY
    assert (programme.max_decision_days, programme.max_total_days) == (decision, total)
    assert programme.total_scope == scope


@pytest.mark.parametrize(("code", "steps", "default", "decision", "total", "scope"), SHIPPED)
def test_each_shipped_programme_accepts_one_decision_of_exactly_its_maximum_not_a_day_more(
    code: str, steps: set[int], default: int, decision: int, total: int, scope: str
) -> None:
    start, step = start_for(code), Step(min(steps))
    planned = advance(step, code, start, start + default * DAY)
    assert rule("programme-too-long", planned) is None
    assert rule("programme-total-too-long", planned) is None
    assert rule("programme-too-long", advance(step, code, start, start + decision * DAY)) is None
    over = rule("programme-too-long", advance(step, code, start, start + (decision + 1) * DAY))
    assert over is not None
    assert f"at most {decision} days" in over


@pytest.mark.parametrize(("code", "steps", "default", "decision", "total", "scope"), SHIPPED)
def test_each_shipped_programme_accepts_exactly_its_total_with_extensions_not_a_day_more(
    code: str, steps: set[int], default: int, decision: int, total: int, scope: str
) -> None:
    programme = default_catalogue().get(code)
    start = start_for(code)
    assert total_too_long(programme, start, start + total * DAY) is None
    assert total_too_long(programme, start, start + (total + 1) * DAY) is not None
    # The last extension, one decision long, reaching exactly the total; then a day more.
    old_end = start + (total - min(decision, total - 1)) * DAY
    decided = old_end - 7 * DAY
    assert extension_violations(programme, start, old_end, start + total * DAY, decided) == []
    over = extension_violations(programme, start, old_end, start + (total + 1) * DAY, decided)
    assert "programme-total-too-long" in [v.code for v in over]


def test_an_exactly_six_month_practice_fits_and_a_day_more_does_not() -> None:
    praktik = default_catalogue().get("PRAKTIK")
    start = date(2026, 3, 1)
    assert total_too_long(praktik, start, date(2026, 9, 1)) is None  # 184 days
    assert total_too_long(praktik, start, date(2026, 9, 2)) is not None


def test_practice_with_one_employer_adds_up_over_the_participants_placements() -> None:
    praktik = default_catalogue().get("PRAKTIK")
    earlier = [(date(2026, 1, 1), date(2026, 4, 1))]  # 90 days
    start = date(2026, 6, 1)
    assert scoped_total_too_long(praktik, earlier, start, start + 94 * DAY) is None
    over = english(scoped_total_too_long(praktik, earlier, start, start + 95 * DAY))
    assert over is not None
    assert "with one employer" in over
    assert "(90 days)" in over
    assert "185 days" in over
    found = extension_violations(
        praktik, start, start + 30 * DAY, start + 95 * DAY, start + 20 * DAY, earlier
    )
    assert [v.code for v in found] == ["programme-total-too-long"]


def test_every_earlier_pis_placement_of_the_participant_counts_towards_its_six_months() -> None:
    """PIS is at most 6 months for the participant: 3 months, a fall back and 3 months
    and a day more is over, wherever each ran."""
    pis = default_catalogue().get("PIS")
    earlier = [(date(2026, 1, 1), date(2026, 4, 1))]  # 90 days
    start = date(2026, 6, 1)
    assert scoped_total_too_long(pis, earlier, start, start + 94 * DAY) is None
    over = english(scoped_total_too_long(pis, earlier, start, start + 95 * DAY))
    assert over is not None
    assert "placements under programme PIS last at most 184 days in total" in over


def test_a_programme_whose_total_is_per_placement_does_not_add_placements_up() -> None:
    mbj = default_catalogue().get("MBJ")
    earlier = [(date(2016, 1, 1), date(2017, 1, 1))]
    start = date(2017, 6, 1)
    assert scoped_total_too_long(mbj, earlier, start, start + 731 * DAY) is None


@pytest.mark.parametrize("scope", [PLACEMENT, PARTICIPANT, WORKPLACE, EMPLOYER])
def test_total_scope_is_placement_participant_workplace_or_employer(scope: str) -> None:
    text = f"""
version = 1
[programmes.X]
name_sv = "x"
name_en = "x"
steps = [2]
default_days = 10
max_total_days = 100
max_decision_days = 100
total_scope = "{scope}"
"""
    good = parse_programmes(text, source="test")
    assert good.get("X").total_scope == scope
    assert good.get("X").to_dict()["total_scope"] == scope
    with pytest.raises(ProgrammesFileError) as error:
        parse_programmes(text.replace(f'"{scope}"', '"agency"'), source="test")
    assert error.value.params["problems"] == [
        "programmes.X: total_scope must be one of placement, participant, workplace, employer"
    ]


def test_ya_needs_at_least_15_percent_in_training_or_supervision() -> None:
    ya = default_catalogue().get("YA")
    assert ya.min_training_share == 15
    assert training_share_violation(ya, 15) is None
    low = training_share_violation(ya, 14)
    assert low is not None
    assert (low.code, low.blocking) == ("training-share-too-low", True)
    missing = training_share_violation(ya, None)
    assert missing is not None
    assert (missing.code, missing.blocking) == ("training-share-missing", False)


def test_a_programme_without_a_training_share_asks_for_none() -> None:
    assert training_share_violation(default_catalogue().get("PRAKTIK"), None) is None
    assert training_share_violation(default_catalogue().get("PRAKTIK"), 0) is None


@pytest.mark.parametrize("share", ["0", "101", '"15"'])
def test_min_training_share_must_be_a_percentage(share: str) -> None:
    text = f"""
version = 1
[programmes.X]
name_sv = "x"
name_en = "x"
steps = [8]
default_days = 10
max_total_days = 100
max_decision_days = 100
min_training_share = {share}
"""
    with pytest.raises(ProgrammesFileError) as error:
        parse_programmes(text, source="test")
    (problem,) = error.value.params["problems"]
    assert problem.startswith("programmes.X: min_training_share")


def test_only_sheltered_public_employment_is_exempt_from_las() -> None:
    """LAS 1 § second paragraph, point 4: the act does not apply to employees in sheltered
    employment; wage subsidies in general and SÄVA are employment under LAS."""
    exempt = {p.code for p in default_catalogue().programmes if p.las_exempt}
    assert exempt == {"OSA"}
    assert las_exempt("osa")
    assert not las_exempt("LONESTOD")
    assert not las_exempt(None)
    assert not las_exempt("NO-SUCH")
    (osa,) = [p for p in default_catalogue().programmes if p.code == "OSA"]
    assert osa.to_dict()["las_exempt"] is True


def test_las_exempt_must_be_true_or_false() -> None:
    text = """
version = 1
[programmes.X]
name_sv = "x"
name_en = "x"
steps = [7]
default_months = 12
max_total_days = 366
max_decision_days = 366
las_exempt = "yes"
"""
    with pytest.raises(ProgrammesFileError) as error:
        parse_programmes(text, source="test")
    assert error.value.params["problems"] == ["programmes.X: las_exempt has the wrong type"]
    exempt = parse_programmes(text.replace('"yes"', "true"), source="test")
    assert exempt.programmes[0].las_exempt


def test_ya_is_for_an_employment_of_at_least_6_months() -> None:
    """Förordning 2013:1157 6 § 2: at least six months (calendar, both ends included)."""
    ya = default_catalogue().get("YA")
    start = date(2023, 2, 2)
    assert too_short(ya, start, date(2023, 8, 1)) is None
    assert too_short(ya, start, None) is None
    short = too_short(ya, start, date(2023, 7, 31))
    assert short is not None
    assert (short.code, short.blocking) == ("programme-too-short", True)
    assert short.message == (
        "programme YA is for an employment of at least 6 months: 2023-02-02 to 2023-07-31 "
        "ends before 2023-08-01"
    )


def test_ya_needs_at_least_75_percent_of_full_time() -> None:
    """Förordning 2013:1157 6 § 2: at least 75 % of full time."""
    ya = default_catalogue().get("YA")
    assert (ya.min_extent, ya.min_months) == (75, 6)
    assert extent_violation(ya, 75) is None
    low = extent_violation(ya, 74)
    assert low is not None
    assert (low.code, low.blocking) == ("extent-too-low", True)
    missing = extent_violation(ya, None)
    assert missing is not None
    assert (missing.code, missing.blocking) == ("extent-missing", False)


def test_a_programme_without_a_minimum_length_or_extent_asks_for_neither() -> None:
    praktik = default_catalogue().get("PRAKTIK")
    assert extent_violation(praktik, None) is None
    assert too_short(praktik, date(2026, 1, 1), date(2026, 1, 2)) is None


@pytest.mark.parametrize(
    ("setting", "problem"),
    [
        ("min_extent = 0", "min_extent must be a percentage from 1 to 100"),
        ("min_extent = 101", "min_extent must be a percentage from 1 to 100"),
        ("min_months = 0", "min_months must be from 1 to 120"),
    ],
)
def test_min_extent_and_min_months_must_be_in_range(setting: str, problem: str) -> None:
    text = V2_ENTRY + f'source = "s"\nvalid_from = 2020-01-01\n{setting}\n'
    with pytest.raises(ProgrammesFileError) as error:
        parse_programmes(text, source="ours.toml")
    assert error.value.params["problems"] == [f"programmes.X: {problem}"]


# Programmes open and close by regulation; the catalogue cites each one's source.

V2_ENTRY = """
version = 2
[programmes.X]
name_sv = "x"
name_en = "x"
steps = [7]
default_months = 12
max_total_days = 366
max_decision_days = 366
"""


def test_every_shipped_programme_cites_its_source_and_the_day_it_opened() -> None:
    for programme in default_catalogue():
        assert programme.source.startswith(("Förordning (", "Lag (", "Gymnasieförordningen ("))
        assert programme.valid_from is not None, programme.code
        assert programme.to_dict()["source"] == programme.source
    assert default_catalogue().warnings == ()


def test_each_programme_cites_the_regulation_that_governs_it() -> None:
    cited = {p.code: p.source for p in default_catalogue()}
    assert "(2013:1157)" in cited["YA"]
    assert "(2018:43) om stöd för nystartsjobb" in cited["NYSTART"]
    assert "(2018:42) om särskilt anställningsstöd" in cited["INTRO"]
    assert "Gymnasieförordningen (2010:2039) 4 kap. 12 §" in cited["APL"]
    assert "2016:937" not in cited["APL"]  # the yrkesvux subsidy ordinance, not APL's rule


def test_ya_takes_decisions_before_2024_and_none_from_2024_01_01() -> None:
    """Förordning 2013:1157 was repealed from 2024-01-01: no new decisions or extensions."""
    ya = default_catalogue().get("YA")
    assert (ya.valid_from, ya.valid_until) == (date(2014, 1, 15), date(2024, 1, 1))
    assert (
        rule("programme-closed", advance(Step.VOCATIONAL_INTRO, "YA", date(2023, 12, 31))) is None
    )
    closed_then = rule("programme-closed", advance(Step.VOCATIONAL_INTRO, "YA", date(2024, 1, 1)))
    assert closed_then is not None
    assert "on or after 2024-01-01" in closed_then
    late = extension_violations(
        ya, date(2023, 6, 1), date(2023, 12, 1), date(2024, 3, 1), date(2024, 1, 2)
    )
    assert [v.code for v in late] == ["programme-closed"]


def test_new_start_and_introduction_jobs_take_decisions_from_2018_05_01() -> None:
    for code in ("NYSTART", "INTRO"):
        assert rule("programme-closed", advance(Step.PERMANENT, code, date(2026, 1, 1))) is None
        assert rule("programme-closed", advance(Step.PERMANENT, code, date(2018, 4, 30)))


def test_a_time_limited_employment_support_is_refused_in_permanent_employment() -> None:
    """MBJ was a time-limited employment at a government agency: never step 9."""
    refused = rule("programme-not-in-step", advance(Step.PERMANENT, "MBJ", date(2018, 6, 1)))
    assert refused == "programme MBJ runs in step 7, not in step 9 permanent"
    assert rule("programme-not-in-step", advance(Step.FIXED_TERM, "MBJ", date(2018, 6, 1))) is None


@pytest.mark.parametrize(
    ("code", "year", "open_"),
    [
        ("MBJ", 2016, False),
        ("MBJ", 2017, True),
        ("MBJ", 2018, True),
        ("MBJ", 2019, False),
        ("YA", 2014, True),
        ("YA", 2023, True),
        ("YA", 2024, False),
        ("NYSTART", 2018, True),
        ("NYSTART", 2017, False),
        ("PRAKTIK", 2026, True),
    ],
)
def test_a_programme_is_open_in_a_year_when_it_takes_decisions_on_some_day_of_it(
    code: str, year: int, open_: bool
) -> None:
    assert default_catalogue().get(code).open_in(year) is open_


def test_a_version_2_entry_names_its_source_and_valid_from() -> None:
    with pytest.raises(ProgrammesFileError) as error:
        parse_programmes(V2_ENTRY, source="ours.toml")
    assert error.value.params["problems"] == [
        "programmes.X: setting 'source' is missing",
        "programmes.X: setting 'valid_from' is missing",
    ]
    blank = V2_ENTRY + 'source = " "\nvalid_from = 2020-01-01\n'
    with pytest.raises(ProgrammesFileError) as error:
        parse_programmes(blank, source="ours.toml")
    assert error.value.params["problems"] == [
        "programmes.X: source must name the regulation and paragraph that govern it"
    ]
    cited = V2_ENTRY + 'source = "Förordning (2018:43) 6 §"\nvalid_from = 2020-01-01\n'
    assert parse_programmes(cited, source="ours.toml").warnings == ()


def test_a_version_1_catalogue_still_loads_with_a_warning_naming_what_changed() -> None:
    found = parse_programmes(V2_ENTRY.replace("version = 2", "version = 1"), source="old.toml")
    (programme,) = found.programmes
    assert programme.source == "not given (a version 1 catalogue)"
    assert programme.valid_from is None
    assert programme.open_on(date(1990, 1, 1))
    (warning,) = found.warnings
    assert warning.startswith("old.toml: a version 1 catalogue, read as version 2")
    assert "X lack them" in warning
    assert "`source`" in warning
    assert "`valid_from`" in warning


@pytest.mark.parametrize("version", ["0", "3", '"2"'])
def test_a_catalogue_of_an_unknown_format_version_is_refused(version: str) -> None:
    text = V2_ENTRY.replace("version = 2", f"version = {version}")
    text += 'source = "s"\nvalid_from = 2020-01-01\n'
    with pytest.raises(ProgrammesFileError) as error:
        parse_programmes(text, source="ours.toml")
    assert error.value.params["problems"] == ["version must be a format version from 1 to 2"]
