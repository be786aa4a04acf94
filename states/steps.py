"""The nine steps of the KIVO inclusion path (Inkluderingsmetoden)."""

from __future__ import annotations

from enum import Enum, StrEnum

from states.errors import InvalidInput, quoted
from states.messages import N_, Message


class Phase(StrEnum):
    INFORMATION = "information"
    PRACTICE = "practice"
    STUDIES = "studies"
    EMPLOYMENT = "employment"


class Step(int, Enum):
    """A step of the path; its value is the step number 1–9."""

    INFORMATION = 1
    SHORT_PRACTICE = 2
    STUDY_PRACTICE = 3
    STUDY_PREP = 4
    VOCATIONAL_TRAINING = 5
    WORKPLACE_LEARNING = 6
    FIXED_TERM = 7
    VOCATIONAL_INTRO = 8
    PERMANENT = 9

    @property
    def number(self) -> int:
        return int(self.value)

    @property
    def slug(self) -> str:
        return _INFO[self][0]

    @property
    def label_sv(self) -> str:
        return _INFO[self][1]

    @property
    def label_en(self) -> str:
        """The English name, a catalogue msgid: ``pathway.language.text`` translates it."""
        return _INFO[self][2]

    @property
    def phase(self) -> Phase:
        return _INFO[self][3]

    @property
    def at_workplace(self) -> bool:
        """Whether the step happens at a workplace (practice, workplace-based learning,
        employment): entering it opens a placement there."""
        return self.number in _AT_WORKPLACE

    def __str__(self) -> str:
        return f"{self.number} {self.slug}"


_AT_WORKPLACE = frozenset({2, 3, 6, 7, 8, 9})
_INFO: dict[Step, tuple[str, str, str, Phase]] = {
    Step.INFORMATION: (
        "information",
        "Tydligare information om yrket",
        N_("Clearer information about the occupation"),
        Phase.INFORMATION,
    ),
    Step.SHORT_PRACTICE: (
        "short-practice",
        "Kort arbetspraktik",
        N_("Short work practice"),
        Phase.PRACTICE,
    ),
    Step.STUDY_PRACTICE: (
        "study-practice",
        "Förberedande praktik inför studier",
        N_("Preparatory practice before studies"),
        Phase.PRACTICE,
    ),
    Step.STUDY_PREP: (
        "study-prep",
        "Studieförberedande kurs",
        N_("Study-preparation course"),
        Phase.STUDIES,
    ),
    Step.VOCATIONAL_TRAINING: (
        "vocational-training",
        "Yrkesutbildning",
        N_("Vocational training"),
        Phase.STUDIES,
    ),
    Step.WORKPLACE_LEARNING: (
        "workplace-learning",
        "Arbetsplatsförlagt lärande (APL)",
        N_("Workplace-based learning"),
        Phase.STUDIES,
    ),
    Step.FIXED_TERM: (
        "fixed-term",
        "Visstidsanställning",
        N_("Fixed-term employment"),
        Phase.EMPLOYMENT,
    ),
    Step.VOCATIONAL_INTRO: (
        "vocational-intro",
        "Yrkesintroduktionsanställning",
        N_("Vocational-introduction employment"),
        Phase.EMPLOYMENT,
    ),
    Step.PERMANENT: (
        "permanent",
        "Tillsvidareanställning",
        N_("Permanent employment"),
        Phase.EMPLOYMENT,
    ),
}

_BY_SLUG = {step.slug: step for step in Step}


def parse_step(text: str) -> Step:
    """Accept a step as its number (``5``) or its slug (``vocational-training``)."""
    cleaned = text.strip().lower()
    if cleaned.isascii() and cleaned.isdecimal() and 1 <= int(cleaned) <= len(Step):
        return Step(int(cleaned))
    if cleaned in _BY_SLUG:
        return _BY_SLUG[cleaned]
    known = ", ".join(f"{s.number} {s.slug}" for s in Step)
    said = {"step": quoted(text), "known": known}
    raise InvalidInput(
        Message(N_("unknown step {step}: give a number 1–9 or one of: {known}"), said),
        field="step",
    )


def step_by_slug(slug: str) -> Step | None:
    return _BY_SLUG.get(slug)
