"""Inputs for the case-lifecycle state machine: dates that are right or wrong on purpose,
placements, actors and valid personnummer.

Dates are drawn as a *kind* plus a number of days and resolved against the simulated
today and the case's last change only when a rule runs, so that shrinking keeps the
meaning ("a date before the last change") rather than a calendar date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from hypothesis import strategies as st

from states.case import Gender, Group, Outcome
from states.steps import Step


class WhenKind(StrEnum):
    DEFAULT = "default"  # no date given: the service uses today
    TODAY = "today"
    ANCHOR = "anchor"  # exactly the case's last change (or its enrolment)
    BETWEEN = "between"  # somewhere from the anchor up to today
    FUTURE = "future"  # after today: always refused
    BEFORE_ANCHOR = "before-anchor"  # before the last change: refused for moves


@dataclass(frozen=True)
class When:
    kind: WhenKind
    days: int

    def resolve(self, *, today: date, anchor: date) -> date | None:
        """The date to pass to the service; ``None`` means "let it use today"."""
        if self.kind is WhenKind.DEFAULT:
            return None
        if self.kind is WhenKind.TODAY:
            return today
        if self.kind is WhenKind.ANCHOR:
            return anchor
        if self.kind is WhenKind.BETWEEN:
            span = max((today - anchor).days, 0)
            return anchor + timedelta(days=self.days % (span + 1))
        if self.kind is WhenKind.FUTURE:
            return today + timedelta(days=self.days)
        return anchor - timedelta(days=self.days)


def whens() -> st.SearchStrategy[When]:
    return st.builds(When, st.sampled_from(WhenKind), st.integers(1, 120))


VALID_MOVE_DATES = (WhenKind.DEFAULT, WhenKind.TODAY, WhenKind.ANCHOR, WhenKind.BETWEEN)


def valid_move_dates() -> st.SearchStrategy[When]:
    """Dates from the case's last change up to today: never refused for their date."""
    return st.builds(When, st.sampled_from(VALID_MOVE_DATES), st.integers(1, 120))


class Actor(StrEnum):
    NOBODY = "nobody"
    CASEWORKER = "caseworker"
    COORDINATOR = "coordinator"


def actors() -> st.SearchStrategy[Actor]:
    return st.sampled_from(Actor)


@dataclass(frozen=True)
class PlacementChoice:
    """Indexes into the machine's workplaces and supervisors; resolved to ids later.

    ``own_workplace`` names the supervisor's own workplace explicitly; without it a
    workplace and a supervisor drawn independently may not belong together.
    """

    workplace: int | None
    supervisor: int | None
    own_workplace: bool


WORKPLACES = 2
SUPERVISORS = 5


def placements() -> st.SearchStrategy[PlacementChoice]:
    return st.builds(
        PlacementChoice,
        workplace=st.none() | st.integers(0, WORKPLACES - 1),
        supervisor=st.none() | st.integers(0, SUPERVISORS - 1),
        own_workplace=st.booleans(),
    )


TRAINED_LONG_AGO = (0, 3)  # indexes of the supervisors trained before the first day


def prepared_placements() -> st.SearchStrategy[PlacementChoice]:
    """A supervisor trained long ago, at their own workplace."""
    return st.builds(
        PlacementChoice,
        workplace=st.none(),
        supervisor=st.sampled_from(TRAINED_LONG_AGO),
        own_workplace=st.booleans(),
    )


def steps() -> st.SearchStrategy[Step]:
    return st.sampled_from(Step)


def outcomes() -> st.SearchStrategy[Outcome]:
    return st.sampled_from(Outcome)


def group_sets() -> st.SearchStrategy[frozenset[Group]]:
    return st.frozensets(st.sampled_from(Group), max_size=3)


def names() -> st.SearchStrategy[str]:
    """Mostly real names (one padded with spaces), sometimes a blank one."""
    real = ["Amina Yusuf", "Erik Lind", "  Sara Ek  ", "Jonas Berg", "Leyla Demir"]
    return st.sampled_from([*real, *real, "", "   "])


REASONS = ["the placement ended early", "  illness  ", "moved to another course"]


def reasons() -> st.SearchStrategy[str]:
    """Reasons a fall-back or pause needs; blank ones are bad input."""
    return st.sampled_from([*REASONS, *REASONS, "", "  "])


def real_reasons() -> st.SearchStrategy[str]:
    return st.sampled_from(REASONS)


def optional_notes() -> st.SearchStrategy[str | None]:
    return st.none() | st.sampled_from(["agreed at the tripartite meeting", "back from leave"])


def overrides() -> st.SearchStrategy[str | None]:
    return st.none() | st.sampled_from(
        ["coordinator decision: the employer takes responsibility", "   "]
    )


def programmes() -> st.SearchStrategy[str | None]:
    return st.none() | st.sampled_from(["pis", "MBJ", "lönestöd", "osa"])


def employment_kinds() -> st.SearchStrategy[str | None]:
    """``--employment-kind`` as typed: mostly left out (SÄVA), the three kinds LAS 5 §
    names, and one it no longer names (bad input)."""
    return st.none() | st.sampled_from(["SÄVA", "vikariat", "säsong", "allmän visstid"])


def valid_employment_kinds() -> st.SearchStrategy[str | None]:
    return st.none() | st.sampled_from(["SÄVA", "vikariat", "säsong"])


def ages() -> st.SearchStrategy[int | None]:
    """Age in years at enrolment, often unknown; -1 (born next year) and 140 are
    implausible, and rare."""
    return st.sampled_from([None, *range(10, 71), None, *range(14, 26), -1, 140])


def known_people() -> st.SearchStrategy[int | None]:
    """Mostly a new person without personnummer, sometimes one of three known people."""
    return st.sampled_from([None, None, None, 0, 1, 2])


class BirthYearClaim(StrEnum):
    """For a person with a personnummer: the birth year given beside it, if any."""

    NONE = "none"
    MATCHING = "matching"
    CONTRADICTING = "contradicting"


def birth_year_claims() -> st.SearchStrategy[BirthYearClaim]:
    return st.sampled_from(
        [BirthYearClaim.NONE, BirthYearClaim.MATCHING] * 3 + [BirthYearClaim.CONTRADICTING]
    )


def textbook_luhn(digits: str) -> int:
    """The check digit over YYMMDDNNN, written independently of ``states.personnummer``."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 0:  # rightmost payload digit is doubled
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return (10 - total % 10) % 10


def personnummer(born: date, serial: int) -> str:
    """A valid personnummer in its long written form YYYYMMDD-NNNC."""
    body = f"{born:%y%m%d}{serial:03d}"
    return f"{born:%Y%m%d}-{serial:03d}{textbook_luhn(body)}"


@dataclass(frozen=True)
class Participant:
    """Everything an enrolment is given; ``age`` is in years on the day of enrolling."""

    name: str
    gender: Gender
    age: int | None
    groups: frozenset[Group]
    consent: bool
    when: When
    known: int | None
    claim: BirthYearClaim
    caseworker: Actor
    by: Actor


def participants() -> st.SearchStrategy[Participant]:
    return st.builds(
        Participant,
        name=names(),
        gender=st.sampled_from(Gender),
        age=ages(),
        groups=group_sets(),
        consent=st.booleans(),
        when=whens(),
        known=known_people(),
        claim=birth_year_claims(),
        caseworker=actors(),
        by=actors(),
    )
