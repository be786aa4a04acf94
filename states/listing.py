"""A case as a list shows it: one row of a caseload list, read a chunk at a time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from states.case import status_of_state


class ListedCase(NamedTuple):
    """One row of a case list (a tuple: a list of a million is built at driver speed).
    The fields are those of ``CaseSummary``; ``status`` follows from the state."""

    id: int
    name: str
    state: str
    step: int | None
    caseworker_id: int | None
    caseworker: str | None
    opened_on: date
    outcome: str | None
    version: int

    @property
    def status(self) -> str:
        return status_of_state(self.state)


@dataclass(frozen=True)
class ExitFilter:
    """The cases behind a figure of the outcomes report: exited, and of these with the
    person's ``gender``, the case's ``outcome``, closed from ``first`` to ``last`` (both
    included); ``None``: any."""

    gender: str | None = None
    outcome: str | None = None
    first: date | None = None
    last: date | None = None

    def __post_init__(self) -> None:
        if (self.first is None) != (self.last is None):
            raise ValueError("a closing period has both ends")
