"""Specification of the programmes catalogue and the programme rules."""

from __future__ import annotations

from datetime import date

import pytest

from states.case import CaseFacts, Move, MoveKind
from states.programmes import (
    ProgrammesFileError,
    default_catalogue,
    extension_violations,
    parse_programmes,
)
from states.rules import REGISTRY
from states.steps import Step

FACTS = CaseFacts(state="information")


def advance(to: Step, programme: str, on: date, until: date | None = None) -> Move:
    return Move(MoveKind.ADVANCE, on=on, to=to, programme=programme, until=until)


def rule(code: str, move: Move) -> str | None:
    return REGISTRY[code].fn(FACTS, move, {})


def test_the_shipped_catalogue_holds_the_programmes_the_issue_names() -> None:
    assert default_catalogue().codes == [
        "PRAKTIK",
        "PIS",
        "ARBETSTRANING",
        "MBJ",
        "YA",
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
