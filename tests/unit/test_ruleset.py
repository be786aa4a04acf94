"""Specification of the rule set: the default file, validation at load, and evaluation.

Bad files are made by editing the default file's text, so each test changes exactly one
thing (or, where stated, several) and names the problem it expects to be reported.
"""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from states.calendar_bounds import EARLIEST, LATEST, MAX_RULE_MONTHS
from states.case import CaseFacts, Move, MoveKind, SupervisorFacts
from states.errors import InvalidInput, RulesFileError
from states.fixed_term import SAVA, VIKARIAT, preferential, sava_permanent, vikariat_permanent
from states.rules import REGISTRY
from states.ruleset import (
    RuleSet,
    default_rules_text,
    load_default_rules,
    load_rules_file,
    parse_rules,
)
from states.steps import Step
from states.violations import Severity, Violation

ON = date(2026, 3, 2)
DEFAULT = default_rules_text()


def edited(*replacements: tuple[str, str]) -> str:
    """The default file with each ``old`` text replaced once by ``new``."""
    text = DEFAULT
    for old, new in replacements:
        assert text.count(old) >= 1, f"the default file no longer contains {old!r}"
        text = text.replace(old, new, 1)
    return text


def problems_of(text: str) -> list[str]:
    with pytest.raises(RulesFileError) as caught:
        parse_rules(text, source="org.toml")
    error = caught.value
    assert error.code == "invalid-rules"
    assert error.message.startswith("org.toml: ")
    assert error.params["file"] == "org.toml"
    problems: list[str] = error.params["problems"]
    assert f"{len(problems)} problem(s)" in error.message
    for problem in problems:
        assert problem in error.message
    return problems


def rule_named(rules: RuleSet, code: str) -> tuple[Severity, frozenset[Step], bool]:
    (config,) = [rule for rule in rules.rules if rule.code == code]
    return config.severity, config.steps, config.enabled


# The default file


def test_the_default_rules_load_with_every_registered_rule_enabled() -> None:
    rules = load_default_rules()
    assert rules.source == "default"
    assert [rule.code for rule in rules.rules] == list(REGISTRY)
    assert all(rule.enabled for rule in rules.rules)
    warnings = {rule.code for rule in rules.rules if rule.severity is Severity.WARNING}
    assert warnings == {"meeting-not-held", "preferential-right", "las-permanent", "las-vikariat"}
    assert all(
        rule.severity is Severity.BLOCKING for rule in rules.rules if rule.code not in warnings
    )


@pytest.mark.parametrize(
    ("code", "steps"),
    [
        ("consent-missing", {2, 3, 6, 7, 8, 9}),
        ("workplace-missing", {2, 3, 6, 7, 8, 9}),
        ("supervisor-missing", {2, 3, 6, 8}),
        ("supervisor-untrained", {2, 3, 6, 8}),
        ("apl-outside-training", {6}),
        ("end-date-missing", {7}),
        ("end-before-start", {2, 3, 4, 5, 6, 7, 8, 9}),
        ("ya-not-eligible", {8}),
        ("programme-unknown", {2, 3, 4, 5, 6, 7, 8, 9}),
        ("programme-too-long", {2, 3, 4, 5, 6, 7, 8, 9}),
        ("programme-total-too-long", {2, 3, 4, 5, 6, 7, 8, 9}),
        ("supervisor-full", {1, 2, 3, 4, 5, 6, 7, 8, 9}),
        ("supervisor-inactive", {1, 2, 3, 4, 5, 6, 7, 8, 9}),
        ("workplace-inactive", {1, 2, 3, 4, 5, 6, 7, 8, 9}),
        ("preferential-right", {7}),
        ("las-permanent", {7}),
    ],
)
def test_each_default_rule_applies_to_the_steps_the_design_names(
    code: str, steps: set[int]
) -> None:
    _, configured, _ = rule_named(load_default_rules(), code)
    assert {step.number for step in configured} == steps


def test_the_default_rules_keep_their_settings() -> None:
    settings = {rule.code: dict(rule.settings) for rule in load_default_rules().rules}
    assert settings["apl-outside-training"] == {"from_steps": [5]}
    assert settings["ya-not-eligible"] == {
        "min_age": 15,
        "max_age": 24,
        "groups": ["long-term-unemployed", "newly-arrived"],
        "newly_arrived_months": 36,
    }
    assert settings["consent-missing"] == {}


def test_a_rule_config_exports_its_steps_sorted_with_its_settings() -> None:
    (config,) = [r for r in load_default_rules().rules if r.code == "ya-not-eligible"]
    assert config.to_dict() == {
        "code": "ya-not-eligible",
        "description": "Vocational-introduction employment needs an eligible participant.",
        "source": "Förordning (2013:1157) om stöd för yrkesintroduktionsanställningar 4 § and "
        "6 § (repealed from 2024-01-01)",
        "severity": "blocking",
        "enabled": True,
        "steps": [8],
        "min_age": 15,
        "max_age": 24,
        "groups": ["long-term-unemployed", "newly-arrived"],
        "newly_arrived_months": 36,
    }


def test_a_rules_file_on_disk_loads_with_its_path_as_source(tmp_path: Path) -> None:
    path = tmp_path / "rules.toml"
    path.write_text(edited(('severity = "blocking"', 'severity = "warning"')), encoding="utf-8")
    rules = load_rules_file(path)
    assert rules.source == str(path)
    assert rule_named(rules, "consent-missing")[0] is Severity.WARNING


def test_a_rules_file_that_cannot_be_read_is_a_rules_file_error(tmp_path: Path) -> None:
    path = tmp_path / "absent.toml"
    with pytest.raises(RulesFileError, match="cannot read rules file") as caught:
        load_rules_file(path)
    assert caught.value.params == {"file": str(path)}


# Refused files


def test_a_rules_file_error_is_invalid_input() -> None:
    with pytest.raises(InvalidInput):
        parse_rules("version = ", source="org.toml")


def test_a_file_that_is_not_toml_is_refused() -> None:
    with pytest.raises(RulesFileError, match=r"^org\.toml: not valid TOML") as caught:
        parse_rules("version = 1\n[rules\n", source="org.toml")
    assert caught.value.params == {"file": "org.toml"}


@pytest.mark.parametrize("version", ["3", "0", '"2"'])
def test_a_file_of_an_unknown_format_version_is_refused(version: str) -> None:
    assert problems_of(edited(("version = 2", f"version = {version}"))) == [
        "version must be a format version from 1 to 2"
    ]


def test_a_file_without_a_version_is_refused() -> None:
    assert problems_of(edited(("version = 2", ""))) == [
        "version must be a format version from 1 to 2"
    ]


@pytest.mark.parametrize("version", ["true", "2.0"])
def test_a_version_that_is_not_an_integer_is_refused(version: str) -> None:
    assert problems_of(edited(("version = 2", f"version = {version}"))) == [
        "version must be a format version from 1 to 2"
    ]


def test_an_unknown_top_level_key_is_refused() -> None:
    problems = problems_of(edited(("version = 2", 'version = 2\nowner = "Gotland"')))
    assert problems == ["unknown top-level key 'owner'"]


def test_rules_that_are_not_a_table_are_refused() -> None:
    problems = problems_of("version = 1\nrules = 3\n")
    assert problems[0] == "rules must be a table of [rules.CODE] sections"
    assert len(problems) == 1 + len(REGISTRY)


def test_an_unknown_rule_is_refused() -> None:
    text = DEFAULT + '\n[rules.dress-code]\ndescription = "x"\nseverity = "warning"\nsteps = [9]\n'
    assert problems_of(text) == ["unknown rule 'dress-code'"]


def test_a_missing_rule_is_refused_with_a_hint_to_disable_it_instead() -> None:
    text = edited(
        (
            "[rules.end-date-missing]\n# LAS 5 §: a fixed-term employment (SÄVA) has an agreed end."
            '\ndescription = "Fixed-term employment has a planned end date."\n'
            'source = "Lag (1982:80) om anställningsskydd 5 § 1 (SFS 2022:835)"\n'
            'severity = "blocking"\nsteps = [7]\n',
            "",
        )
    )
    assert "end-date-missing" not in tomllib.loads(text)["rules"]
    assert problems_of(text) == [
        "rule 'end-date-missing' is missing (turn it off with enabled = false)"
    ]


def test_a_rule_that_is_not_a_table_is_refused() -> None:
    text = "version = 1\n" + "".join(
        f'[rules.{code}]\ndescription = "x"\nseverity = "blocking"\nsteps = [2]\n'
        for code in REGISTRY
        if code != "consent-missing"
    )
    text = text.replace("version = 1\n", 'version = 1\nrules.consent-missing = "on"\n', 1)
    problems = problems_of(text)
    assert "rules.consent-missing: must be a table" in problems


def test_an_unknown_setting_is_refused() -> None:
    text = edited(("steps = [7]\n", "steps = [7]\nmax_months = 12\n"))
    assert problems_of(text) == ["rules.end-date-missing: unknown setting 'max_months'"]


def test_a_setting_of_another_rule_is_refused_as_unknown() -> None:
    text = edited(("steps = [7]\n", "steps = [7]\nfrom_steps = [5]\n"))
    assert problems_of(text) == ["rules.end-date-missing: unknown setting 'from_steps'"]


@pytest.mark.parametrize("key", ["min_age", "max_age", "groups"])
def test_a_missing_rule_setting_is_refused(key: str) -> None:
    line = {
        "min_age": "min_age = 15\n",
        "max_age": "max_age = 24\n",
        "groups": 'groups = ["long-term-unemployed", "newly-arrived"]',
    }[key]
    assert problems_of(edited((line, ""))) == [f"rules.ya-not-eligible: setting {key!r} is missing"]


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        ('description = "Fixed-term employment has a planned end date."\n', "", "description"),
        ('severity = "blocking"\nsteps = [7]\n', "steps = [7]\n", "severity"),
        ('severity = "blocking"\nsteps = [7]\n', 'severity = "blocking"\n', "steps"),
    ],
)
def test_a_missing_common_setting_is_refused(old: str, new: str, key: str) -> None:
    problems = problems_of(edited((old, new)))
    assert problems == [f"rules.end-date-missing: setting {key!r} is missing"]


def test_enabled_may_be_left_out_and_defaults_to_on() -> None:
    assert all("enabled" not in rule for rule in tomllib.loads(DEFAULT)["rules"].values())
    assert rule_named(parse_rules(DEFAULT, source="org.toml"), "ya-not-eligible")[2] is True


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        ("min_age = 15", 'min_age = "15"', "rules.ya-not-eligible: min_age must be an integer"),
        ("min_age = 15", "min_age = 15.0", "rules.ya-not-eligible: min_age must be an integer"),
        ("min_age = 15", "min_age = true", "rules.ya-not-eligible: min_age must be an integer"),
        ("max_age = 24", "max_age = false", "rules.ya-not-eligible: max_age must be an integer"),
        (
            'groups = ["long-term-unemployed", "newly-arrived"]',
            'groups = "newly-arrived"',
            "rules.ya-not-eligible: groups must be a list",
        ),
        (
            "from_steps = [5]",
            "from_steps = 5",
            "rules.apl-outside-training: from_steps must be a list",
        ),
        ("steps = [7]\n", "steps = 7\n", "rules.end-date-missing: steps must be a list"),
        (
            'severity = "blocking"\nsteps = [7]',
            "severity = 1\nsteps = [7]",
            "rules.end-date-missing: severity must be a string",
        ),
        (
            "steps = [7]\n",
            'steps = [7]\nenabled = "no"\n',
            "rules.end-date-missing: enabled must be true or false",
        ),
        (
            "steps = [7]\n",
            "steps = [7]\nenabled = 0\n",
            "rules.end-date-missing: enabled must be true or false",
        ),
        (
            'description = "Fixed-term employment has a planned end date."',
            "description = 7",
            "rules.end-date-missing: description must be a string",
        ),
    ],
)
def test_a_setting_of_the_wrong_type_is_refused(old: str, new: str, problem: str) -> None:
    assert problems_of(edited((old, new))) == [problem]


@pytest.mark.parametrize("severity", ["fatal", "Blocking", "warn", ""])
def test_a_severity_other_than_blocking_or_warning_is_refused(severity: str) -> None:
    text = edited(('severity = "blocking"\nsteps = [7]', f'severity = "{severity}"\nsteps = [7]'))
    assert problems_of(text) == ["rules.end-date-missing: severity must be 'blocking' or 'warning'"]


@pytest.mark.parametrize("steps", ["[0]", "[10]", "[7, 10]", "[-1]", '["7"]', "[true]", "[7.0]"])
def test_steps_outside_1_to_9_are_refused(steps: str) -> None:
    text = edited(("steps = [7]\n", f"steps = {steps}\n"))
    assert problems_of(text) == ["rules.end-date-missing: steps must list step numbers 1–9"]


@pytest.mark.parametrize("from_steps", ["[0]", "[10]", "[true]"])
def test_from_steps_outside_1_to_9_are_refused(from_steps: str) -> None:
    text = edited(("from_steps = [5]", f"from_steps = {from_steps}"))
    assert problems_of(text) == [
        "rules.apl-outside-training: from_steps must list step numbers 1–9"
    ]


@pytest.mark.parametrize("groups", ['["pensioners"]', '["newly-arrived", "Newly-Arrived"]', "[1]"])
def test_an_unknown_group_is_refused(groups: str) -> None:
    text = edited(('groups = ["long-term-unemployed", "newly-arrived"]', f"groups = {groups}"))
    (problem,) = problems_of(text)
    assert problem.startswith("rules.ya-not-eligible: groups must be among ")
    assert "long-term-unemployed" in problem
    assert "newly-arrived" in problem


def test_a_group_that_is_a_list_is_refused_as_a_problem_not_a_crash() -> None:
    text = edited(('groups = ["long-term-unemployed", "newly-arrived"]', 'groups = [["a"]]'))
    (problem,) = problems_of(text)
    assert problem.startswith("rules.ya-not-eligible: groups must be among ")


@pytest.mark.parametrize(("min_age", "max_age"), [(25, 24), (-1, 24), (15, 121)])
def test_an_age_band_that_is_empty_or_out_of_range_is_refused(min_age: int, max_age: int) -> None:
    text = edited(
        ("min_age = 15", f"min_age = {min_age}"), ("max_age = 24", f"max_age = {max_age}")
    )
    assert problems_of(text) == [
        "rules.ya-not-eligible: min_age and max_age must satisfy 0 <= min_age <= max_age <= 120"
    ]


MORE_THAN = {"preferential-right": 9, "las-permanent": 12, "las-vikariat": 24}


@pytest.mark.parametrize("code", list(MORE_THAN))
@pytest.mark.parametrize("months", [0, -1, MAX_RULE_MONTHS + 1, 10**9])
def test_more_than_months_outside_1_to_ten_years_is_refused(code: str, months: int) -> None:
    default = f"more_than_months = {MORE_THAN[code]}"
    at = DEFAULT.index(default, DEFAULT.index(f"[rules.{code}]"))
    text = DEFAULT[:at] + f"more_than_months = {months}" + DEFAULT[at + len(default) :]
    assert problems_of(text) == [
        f"rules.{code}: more_than_months must be from 1 to {MAX_RULE_MONTHS}"
    ]


@pytest.mark.parametrize("months", [1, MAX_RULE_MONTHS])
def test_the_accepted_month_bounds_judge_a_stay_at_both_ends_of_the_calendar(months: int) -> None:
    for on in (EARLIEST, LATEST):
        assert preferential([(on, on, SAVA)], (on, on, SAVA), months).passed is False
        assert sava_permanent([(on, on, SAVA)], on, months).passed is False
        assert vikariat_permanent([(on, on, VIKARIAT)], on, months).passed is False


def test_an_age_band_of_a_single_year_is_accepted() -> None:
    text = edited(("min_age = 15", "min_age = 24"))
    (config,) = [r for r in parse_rules(text, source="x").rules if r.code == "ya-not-eligible"]
    assert config.settings["min_age"] == config.settings["max_age"] == 24


def test_every_problem_in_a_file_is_reported_at_once() -> None:
    text = edited(
        ("version = 2", "version = 3\ncolour = 'red'"),
        ('severity = "blocking"\nsteps = [7]', 'severity = "fatal"\nsteps = [7]'),
        ("min_age = 15", "min_age = 30"),
        ("from_steps = [5]", "from_steps = [5]\nlimit = 3"),
    )
    text += '\n[rules.dress-code]\ndescription = "x"\nseverity = "warning"\nsteps = [9]\n'
    assert sorted(problems_of(text)) == sorted(
        [
            "version must be a format version from 1 to 2",
            "unknown top-level key 'colour'",
            "unknown rule 'dress-code'",
            "rules.apl-outside-training: unknown setting 'limit'",
            "rules.end-date-missing: severity must be 'blocking' or 'warning'",
            "rules.ya-not-eligible: min_age and max_age must satisfy "
            "0 <= min_age <= max_age <= 120",
        ]
    )


def test_every_default_rule_cites_the_text_that_governs_it() -> None:
    sources = {rule.code: rule.source for rule in load_default_rules().rules}
    assert all(source.strip() for source in sources.values())
    assert load_default_rules().warnings == ()


def test_the_consent_rule_cites_the_secrecy_waiver_not_the_personnummer_paragraph() -> None:
    """Consent here is the participant waiving secrecy (OSL) on a data-protection basis
    (GDPR art. 6); dataskyddslagen 3 kap. 10 § is about personal identity numbers."""
    source = next(r.source for r in load_default_rules().rules if r.code == "consent-missing")
    assert "Offentlighets- och sekretesslagen (2009:400) 12 kap. 2 §" in source
    assert "GDPR art. 6" in source
    assert "dataskyddslagen" not in source.lower()
    assert "dataskyddslagen 3:10" not in DEFAULT


def test_the_apl_rule_cites_the_school_ordinances_not_the_yrkesvux_subsidy() -> None:
    source = next(r.source for r in load_default_rules().rules if r.code == "apl-outside-training")
    assert source.startswith("Gymnasieförordningen (2010:2039) 4 kap. 12 §")
    assert "(2011:1108) om vuxenutbildning" in source
    assert "Förordning 2016:937 5 §" not in DEFAULT


def test_a_version_2_rule_without_a_source_is_refused() -> None:
    text = edited(('source = "Lag (1982:80) om anställningsskydd 5 § 1 (SFS 2022:835)"\n', ""))
    assert problems_of(text) == ["rules.end-date-missing: setting 'source' is missing"]
    blank = edited(('source = "Lag (1982:80) om anställningsskydd 5 § 1', 'source = " "#'))
    assert problems_of(blank) == [
        "rules.end-date-missing: source must name the text that governs the rule"
    ]


def test_a_version_1_rules_file_still_loads_with_a_warning_naming_what_changed() -> None:
    """A file written before rules cited their sources: read as citing nothing, never refused."""
    added = ("source = ", "newly_arrived_months = ")
    lines = [line for line in DEFAULT.splitlines() if not line.startswith(added)]
    old = "\n".join(lines).replace("version = 2", "version = 1", 1)
    rules = parse_rules(old, source="ours.toml")
    assert len(rules.rules) == len(REGISTRY)
    assert {rule.source for rule in rules.rules} == {"not given (a version 1 rules file)"}
    ya = next(rule for rule in rules.rules if rule.code == "ya-not-eligible")
    assert ya.settings["newly_arrived_months"] == 36
    (warning,) = rules.warnings
    assert warning.startswith("ours.toml: a version 1 rules file, read as version 2")
    assert f"{len(REGISTRY)} rule(s) lack one" in warning
    assert "`source`" in warning
    assert "`newly_arrived_months` (36 unless given)" in warning


def test_a_version_1_rules_file_without_las_vikariat_gets_it_with_its_defaults() -> None:
    """An organisation's file from before las-vikariat (LAS 5 a §) existed is not refused
    for lacking it: the rule is added as the default file has it, and the warning says so."""
    added = ("source = ", "newly_arrived_months = ")
    start = DEFAULT.index("[rules.las-vikariat]")
    end = DEFAULT.index("\n[", start)
    without = DEFAULT[:start] + DEFAULT[end + 1 :]
    lines = [line for line in without.splitlines() if not line.startswith(added)]
    old = "\n".join(lines).replace("version = 2", "version = 1", 1)
    assert "las-vikariat]" not in old

    rules = parse_rules(old, source="ours.toml")

    assert [rule.code for rule in rules.rules] == list(REGISTRY)
    shipped = load_default_rules().rule("las-vikariat")
    assert rules.rule("las-vikariat") == shipped
    assert shipped is not None
    assert shipped.settings == {"more_than_months": 24}
    assert shipped.severity is Severity.WARNING
    assert shipped.enabled
    (warning,) = rules.warnings
    assert f"{len(REGISTRY) - 1} rule(s) lack one" in warning
    assert (
        "added with the default settings: las-vikariat (warning, steps 7, more_than_months = 24)"
        in warning
    )


def test_a_version_1_rules_file_keeps_its_own_las_vikariat() -> None:
    old = edited(
        ("version = 2", "version = 1"),
        ("more_than_months = 24", "more_than_months = 30"),
    )
    rules = parse_rules(old, source="ours.toml")
    vikariat = rules.rule("las-vikariat")
    assert vikariat is not None
    assert vikariat.settings == {"more_than_months": 30}
    (warning,) = rules.warnings
    assert "las-vikariat (" not in warning


def test_a_version_2_file_gives_newly_arrived_months_within_10_years() -> None:
    missing = edited(("newly_arrived_months = 36\n", ""))
    assert problems_of(missing) == [
        "rules.ya-not-eligible: setting 'newly_arrived_months' is missing"
    ]
    assert problems_of(edited(("newly_arrived_months = 36", "newly_arrived_months = 0"))) == [
        "rules.ya-not-eligible: newly_arrived_months must be from 1 to 120"
    ]


# Evaluation


def facts_in(state: str, **details: Any) -> CaseFacts:
    return CaseFacts(state=state, **details)


def advance(to: Step, **details: Any) -> Move:
    return Move(MoveKind.ADVANCE, on=ON, to=to, **details)


def codes(rules: RuleSet, facts: CaseFacts, move: Move) -> list[str]:
    return [violation.code for violation in rules.evaluate(facts, move)]


def test_a_move_into_a_step_only_meets_the_rules_for_that_step() -> None:
    rules = load_default_rules()
    bare = facts_in("information")
    assert codes(rules, bare, advance(Step.STUDY_PREP)) == []
    assert codes(rules, bare, advance(Step.SHORT_PRACTICE)) == [
        "consent-missing",
        "workplace-missing",
        "supervisor-missing",
    ]
    assert codes(rules, bare, advance(Step.FIXED_TERM)) == [
        "consent-missing",
        "workplace-missing",
        "end-date-missing",
    ]
    assert codes(rules, bare, advance(Step.PERMANENT)) == ["consent-missing", "workplace-missing"]


def test_a_move_that_meets_every_rule_has_no_violations() -> None:
    rules = load_default_rules()
    facts = facts_in("vocational-training", consent_on=ON)
    move = advance(
        Step.WORKPLACE_LEARNING,
        workplace_id=3,
        supervisor=SupervisorFacts(id=7, workplace_id=3, trained_on=ON),
        until=date(2026, 6, 1),
    )
    assert rules.evaluate(facts, move) == []


def test_a_default_violation_is_blocking_overridable_and_carries_the_rules_sentence() -> None:
    (violation,) = load_default_rules().evaluate(
        facts_in("information", consent_on=ON), advance(Step.FIXED_TERM, workplace_id=3)
    )
    assert violation.code == "end-date-missing"
    assert violation.blocking is True
    assert violation.overridable is True
    assert "--until" in violation.message


def test_a_rule_with_enabled_false_is_turned_off() -> None:
    text = edited(("steps = [2, 3, 6, 7, 8, 9]\n", "steps = [2, 3, 6, 7, 8, 9]\nenabled = false\n"))
    rules = parse_rules(text, source="org.toml")
    assert rule_named(rules, "consent-missing")[2] is False
    assert "consent-missing" not in codes(rules, facts_in("information"), advance(Step.PERMANENT))
    assert "workplace-missing" in codes(rules, facts_in("information"), advance(Step.PERMANENT))


def test_a_rule_changed_to_warning_gives_a_non_blocking_violation() -> None:
    text = edited(
        ('severity = "blocking"\nsteps = [7]', 'severity = "warning"\nsteps = [7]'),
    )
    rules = parse_rules(text, source="org.toml")
    violations = rules.evaluate(facts_in("information", consent_on=ON), advance(Step.FIXED_TERM))
    by_code = {violation.code: violation for violation in violations}
    assert set(by_code) == {"workplace-missing", "end-date-missing"}
    warning = by_code["end-date-missing"]
    assert warning.severity is Severity.WARNING
    assert warning.blocking is False
    assert by_code["workplace-missing"].blocking is True


def test_a_rule_applies_to_the_steps_the_file_gives_it() -> None:
    text = edited(("steps = [7]\n", "steps = [7, 9]\n"))
    rules = parse_rules(text, source="org.toml")
    facts = facts_in("information", consent_on=ON)
    assert "end-date-missing" in codes(rules, facts, advance(Step.PERMANENT, workplace_id=3))
    assert "end-date-missing" not in codes(
        load_default_rules(), facts, advance(Step.PERMANENT, workplace_id=3)
    )


def test_a_rule_with_no_steps_never_applies() -> None:
    text = edited(("steps = [7]\n", "steps = []\n"))
    rules = parse_rules(text, source="org.toml")
    move = advance(Step.FIXED_TERM, workplace_id=3)
    assert codes(rules, facts_in("information", consent_on=ON), move) == []


def test_a_move_without_a_destination_meets_no_rule() -> None:
    move = Move(MoveKind.PAUSE, on=ON)
    assert load_default_rules().evaluate(facts_in("short-practice"), move) == []


def test_an_apl_rule_with_no_origin_steps_is_refused() -> None:
    text = default_rules_text().replace("from_steps = [5]", "from_steps = []")
    with pytest.raises(RulesFileError, match="from_steps must list at least one step"):
        parse_rules(text, source="org.toml")


# Weighing violations found outside a move (a placement extension)


def too_long(code: str = "programme-too-long") -> Violation:
    return Violation(code, "one decision covers at most 184 days", Severity.BLOCKING)


def test_weighing_keeps_a_blocking_violation_of_an_enabled_rule_for_its_step() -> None:
    weighed = load_default_rules().weigh([too_long()], Step.SHORT_PRACTICE)
    assert [(v.code, v.severity) for v in weighed] == [("programme-too-long", Severity.BLOCKING)]


def test_weighing_gives_a_violation_the_severity_the_rules_file_sets() -> None:
    section = DEFAULT.index("[rules.programme-too-long]")
    text = DEFAULT[:section] + DEFAULT[section:].replace('"blocking"', '"warning"', 1)
    weighed = parse_rules(text, source="org.toml").weigh([too_long()], Step.SHORT_PRACTICE)
    assert [(v.code, v.severity) for v in weighed] == [("programme-too-long", Severity.WARNING)]


def test_weighing_drops_a_violation_of_a_rule_turned_off() -> None:
    section = DEFAULT.index("[rules.programme-total-too-long]")
    text = DEFAULT[:section] + DEFAULT[section:].replace(
        'severity = "blocking"', 'severity = "blocking"\nenabled = false', 1
    )
    rules = parse_rules(text, source="org.toml")
    found = [too_long(), too_long("programme-total-too-long")]
    assert [v.code for v in rules.weigh(found, Step.SHORT_PRACTICE)] == ["programme-too-long"]


def test_weighing_drops_a_violation_for_a_step_its_rule_does_not_cover() -> None:
    assert load_default_rules().weigh([too_long()], Step.INFORMATION) == []


def test_weighing_keeps_a_violation_the_rules_file_does_not_know_as_it_came() -> None:
    odd = too_long("no-open-placement")
    assert load_default_rules().weigh([odd], Step.SHORT_PRACTICE) == [odd]


def test_a_rule_set_finds_a_rule_by_code_and_none_for_an_unknown_code() -> None:
    rules = load_default_rules()
    found = rules.rule("supervisor-full")
    assert found is not None
    assert found.severity is Severity.BLOCKING
    assert rules.rule("no-such-rule") is None
