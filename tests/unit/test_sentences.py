"""Rule sentences come from one catalogue: each entry point says a violation in its
reader's language and names what to give its own way (CLI option, page field, JSON key)."""

from __future__ import annotations

import re
import tomllib
from datetime import date, timedelta
from importlib import resources
from string import Formatter

from hypothesis import given, settings
from hypothesis import strategies as st

from pathway import language
from pathway.sentences import programme_name, say, step_name, violation_text
from states.case import ENROLLED, STEP_STATES, CaseFacts, Group, Move, MoveKind, SupervisorFacts
from states.judge import judge
from states.messages import Alternatives, Hint, Message
from states.programmes import default_catalogue
from states.ruleset import load_default_rules
from states.steps import Step
from states.titles import DEFAULT_TITLES
from states.violations import Violation
from web.api.sentences import api_hint
from web.messages import page_hint
from web.messages import violation_text as page_text

ON = date(2026, 3, 2)
RULES = load_default_rules()
CLI_OPTION = re.compile(r"--[a-z]|`kivo ")
UNFILLED = re.compile(r"\{\w*\}")


def _judged(facts: CaseFacts, move: Move) -> list[Violation]:
    verdict = judge(facts, move, RULES, ON)
    return [*verdict.blocking, *verdict.warnings]


SUPERVISORS = st.one_of(
    st.none(),
    st.builds(
        SupervisorFacts,
        id=st.just(7),
        workplace_id=st.just(3),
        trained_on=st.sampled_from([None, ON - timedelta(days=400), ON + timedelta(days=3)]),
        capacity=st.integers(1, 2),
        load=st.integers(0, 2),
        active=st.booleans(),
    ),
)
FACTS = st.builds(
    CaseFacts,
    state=st.sampled_from([ENROLLED, *STEP_STATES]),
    consent_on=st.sampled_from([None, ON - timedelta(days=30), ON + timedelta(days=1)]),
    birth_year=st.one_of(st.none(), st.integers(1950, 2012)),
    groups=st.frozensets(st.sampled_from([g.value for g in Group]), max_size=2),
    permit_date=st.sampled_from([None, date(2025, 1, 1), date(2020, 1, 1)]),
    meetings_held_in_step=st.integers(0, 1),
    programme_before=st.sampled_from([(), ((date(2025, 1, 1), date(2025, 6, 1)),)]),
    fixed_term_stays=st.sampled_from([(), ((3, date(2024, 1, 1), date(2025, 12, 31), "sava"),)]),
)
MOVES = st.builds(
    Move,
    kind=st.sampled_from([MoveKind.ADVANCE, MoveKind.FALL_BACK, MoveKind.START_PLACEMENT]),
    on=st.sampled_from([ON, ON + timedelta(days=2)]),
    to=st.sampled_from(list(Step)),
    workplace_id=st.sampled_from([None, 3]),
    supervisor=SUPERVISORS,
    programme=st.sampled_from([None, "BOGUS", *default_catalogue().codes]),
    until=st.one_of(st.none(), st.integers(-5, 1500).map(lambda d: ON + timedelta(days=d))),
    workplace_active=st.booleans(),
    training_share=st.sampled_from([None, 5, 50]),
    extent=st.sampled_from([None, 50, 100]),
)


@settings(max_examples=300, deadline=None)
@given(FACTS, MOVES)
def test_every_violation_is_said_in_english_exactly_as_the_cli_always_said_it(
    facts: CaseFacts, move: Move
) -> None:
    for found in _judged(facts, move):
        assert found.said is not None, found.code
        assert violation_text("en", found) == found.message


@settings(max_examples=300, deadline=None)
@given(FACTS, MOVES)
def test_a_swedish_sentence_is_translated_filled_and_names_no_option_on_a_page(
    facts: CaseFacts, move: Move
) -> None:
    for found in _judged(facts, move):
        swedish = page_text(found, "sv")
        assert not UNFILLED.search(swedish), swedish
        assert not CLI_OPTION.search(swedish), swedish
        assert not CLI_OPTION.search(page_text(found, "en")), found.code
        assert swedish != found.message
        api = violation_text("sv", found, api_hint)  # a call's path keeps its {case_id}
        fields = {name for _, name, _, _ in Formatter().parse(found.template) if name}
        assert not {f"{{{name}}}" for name in fields} & set(UNFILLED.findall(api))


def test_a_missing_workplace_names_the_option_the_field_or_the_json_key() -> None:
    facts = CaseFacts(state=ENROLLED, consent_on=ON)
    found = {v.code: v for v in _judged(facts, Move(MoveKind.ADVANCE, ON, Step.SHORT_PRACTICE))}
    missing = found["workplace-missing"]
    assert (
        missing.message == "step 2 short-practice happens at a workplace: name it with --workplace"
    )
    assert violation_text("sv", missing) == (
        "steg 2 Kort arbetspraktik sker på en arbetsplats: ange den med --workplace"
    )
    assert page_text(missing, "sv") == (
        "steg 2 Kort arbetspraktik sker på en arbetsplats: ange den med fältet Arbetsplats"
    )
    assert page_text(missing, "en") == (
        "step 2 short-practice happens at a workplace: name it with the Workplace field"
    )
    assert violation_text("en", missing, api_hint).endswith("name it with workplace")


def test_consent_names_the_command_the_form_or_the_api_call() -> None:
    facts = CaseFacts(state=ENROLLED)
    move = Move(MoveKind.ADVANCE, ON, Step.SHORT_PRACTICE, workplace_id=3)
    consent = next(v for v in _judged(facts, move) if v.code == "consent-missing")
    assert "(record it with `kivo consent`)" in consent.message
    assert "formuläret Registrera samtycke på ärendesidan" in page_text(consent, "sv")
    assert "POST /api/v1/cases/{case_id}/consent" in violation_text("en", consent, api_hint)


def test_a_clause_inside_a_sentence_is_translated_with_it() -> None:
    facts = CaseFacts(state="vocational-training", birth_year=1970, consent_on=ON)
    move = Move(MoveKind.ADVANCE, ON, Step.VOCATIONAL_INTRO, workplace_id=3, until=ON)
    ya = next(v for v in _judged(facts, move) if v.code == "ya-not-eligible")
    assert "(participant: aged 56)" in ya.message
    assert "(deltagaren: 56 år)" in violation_text("sv", ya)


def test_alternatives_are_joined_by_the_readers_or() -> None:
    steps = Alternatives((Step.STUDY_PREP, Step.VOCATIONAL_TRAINING))
    said = Message("only from step {steps}", {"steps": steps})
    assert say("en", said) == "only from step 4 study-prep or 5 vocational-training"
    assert say("sv", said).endswith("4 Studieförberedande kurs eller 5 Yrkesutbildning")


def test_a_hint_without_a_field_is_named_by_its_domain_name_on_a_page() -> None:
    said = Message("give {how}", {"how": Hint("something_new", "--something-new")})
    assert say("en", said, page_hint("en")) == "give something new"


def test_a_violation_not_from_the_catalogue_is_shown_as_written() -> None:
    plain = Violation("own-rule", "an organisation's own sentence")
    assert page_text(plain, "sv") == "an organisation's own sentence"


def test_every_step_has_its_swedish_name_from_the_catalogue() -> None:
    assert [step_name("sv", step) for step in Step] == [step.label_sv for step in Step]
    assert [step_name("en", step) for step in Step] == [step.label_en for step in Step]


def test_every_title_of_the_default_rules_file_is_in_the_catalogue() -> None:
    text = resources.files("states").joinpath("default_rules.toml").read_text("utf-8")
    titles = {item["title"] for item in tomllib.loads(text)["schedule"]}
    assert titles == set(DEFAULT_TITLES)
    assert all(language.text("sv", title) != title for title in titles)


def test_an_organisations_own_title_passes_through_unchanged() -> None:
    assert language.text("sv", "Ring arbetsgivaren") == "Ring arbetsgivaren"


def test_a_programme_is_named_from_the_organisations_catalogue_in_either_language() -> None:
    sava = default_catalogue().get("SAVA")
    assert programme_name("sv", sava) == "Särskild visstidsanställning"
    assert programme_name("en", sava) == "Fixed-term employment"
    assert step_name("sv", Step.FIXED_TERM) == "Visstidsanställning"
