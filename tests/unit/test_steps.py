"""Specification of the nine steps: their numbers, slugs, labels, phases and parsing.

The expected table is copied by hand from the "nine steps" table of DESIGN.md, so that a
change to either side shows up here.
"""

from __future__ import annotations

import pytest

from states.errors import InvalidInput
from states.steps import Phase, Step, parse_step, step_by_slug

# (number, slug, Swedish, English, phase) exactly as in DESIGN.md.
DESIGN_TABLE: list[tuple[int, str, str, str, str]] = [
    (
        1,
        "information",
        "Tydligare information om yrket",
        "Clearer information about the occupation",
        "information",
    ),
    (2, "short-practice", "Kort arbetspraktik", "Short work practice", "practice"),
    (
        3,
        "study-practice",
        "Förberedande praktik inför studier",
        "Preparatory practice before studies",
        "practice",
    ),
    (4, "study-prep", "Studieförberedande kurs", "Study-preparation course", "studies"),
    (5, "vocational-training", "Yrkesutbildning", "Vocational training", "studies"),
    (
        6,
        "workplace-learning",
        "Arbetsplatsförlagt lärande (APL)",
        "Workplace-based learning",
        "studies",
    ),
    (7, "fixed-term", "Visstidsanställning", "Fixed-term employment", "employment"),
    (
        8,
        "vocational-intro",
        "Yrkesintroduktionsanställning",
        "Vocational-introduction employment",
        "employment",
    ),
    (9, "permanent", "Tillsvidareanställning", "Permanent employment", "employment"),
]
SLUGS = [row[1] for row in DESIGN_TABLE]


def test_the_path_has_exactly_the_nine_steps_of_the_design_in_order() -> None:
    assert [(step.number, step.slug) for step in Step] == [(r[0], r[1]) for r in DESIGN_TABLE]


@pytest.mark.parametrize(("number", "slug", "swedish", "english", "phase"), DESIGN_TABLE)
def test_each_step_carries_the_labels_and_phase_of_the_design_table(
    number: int, slug: str, swedish: str, english: str, phase: str
) -> None:
    step = Step(number)
    assert step.slug == slug
    assert step.label_sv == swedish
    assert step.label_en == english
    assert step.phase is Phase(phase)


def test_a_step_prints_as_its_number_and_slug() -> None:
    assert str(Step.VOCATIONAL_TRAINING) == "5 vocational-training"
    assert str(Step.PERMANENT) == "9 permanent"


@pytest.mark.parametrize(("number", "slug"), [(r[0], r[1]) for r in DESIGN_TABLE])
def test_every_step_parses_from_its_number(number: int, slug: str) -> None:
    assert parse_step(str(number)).slug == slug


@pytest.mark.parametrize(("number", "slug"), [(r[0], r[1]) for r in DESIGN_TABLE])
def test_every_step_parses_from_its_slug(number: int, slug: str) -> None:
    assert parse_step(slug).number == number


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("VOCATIONAL-TRAINING", Step.VOCATIONAL_TRAINING),
        ("Short-Practice", Step.SHORT_PRACTICE),
        ("  permanent\n", Step.PERMANENT),
        ("\t7 ", Step.FIXED_TERM),
        (" Workplace-Learning ", Step.WORKPLACE_LEARNING),
    ],
)
def test_parsing_ignores_case_and_surrounding_whitespace(text: str, expected: Step) -> None:
    assert parse_step(text) is expected


@pytest.mark.parametrize("text", ["0", "10", "", "foo", "1.5", "-1", "vocational training"])
def test_an_unknown_step_is_invalid_input_that_names_every_choice(text: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_step(text)
    message = caught.value.message
    assert repr(text) in message
    for number, slug, *_ in DESIGN_TABLE:
        assert f"{number} {slug}" in message
    assert caught.value.params == {"field": "step"}
    assert caught.value.code == "invalid-input"


@pytest.mark.parametrize("text", ["199804123389", "980412-3389", "19980412-3389"])
def test_a_step_that_may_be_a_personnummer_is_never_echoed(text: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_step(text)
    assert text not in caught.value.message
    assert text not in str(caught.value.to_dict())
    assert "value not shown" in caught.value.message


def test_step_by_slug_knows_every_slug_and_nothing_else() -> None:
    assert [step_by_slug(slug) for slug in SLUGS] == list(Step)
    assert step_by_slug("enrolled") is None
    assert step_by_slug("paused") is None
    assert step_by_slug("Permanent") is None


def test_a_superscript_digit_is_refused_as_invalid_input_not_a_crash() -> None:
    with pytest.raises(InvalidInput):
        parse_step("²")
