"""Proposals: a participant put forward for a place, declined or accepted.

Pure rules: the proposal's lifecycle, which of a place's steps an accepted proposal
moves the case into, and which programme it runs under. No I/O, no clock.

Lifecycle (every change dated)::

    open ──decline──▶ declined            (by the participant or the employer, with a reason)
     │ └──place cancelled──▶ closed      (the place will not be offered)
     └──accept──▶ accepted ──a later accept of the same case, or end──▶ ended

A case is in at most one accepted proposal at a time: accepting another ends the
earlier one (its position given back), since the advance into the new place ends the
earlier placement; ``end`` does the same when the participant left the place otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from states.case import ENROLLED, EXITED, PAUSED
from states.errors import InvalidInput, quoted
from states.messages import N_, Hint, Message
from states.steps import Step, step_by_slug
from states.violations import Violation, structural

MAX_REASON = 500


class ProposalStatus(StrEnum):
    OPEN = "open"  # waiting for the participant's and the employer's answer
    DECLINED = "declined"  # by the participant or the employer, with a reason
    ACCEPTED = "accepted"  # the case moved into the place: its placement is there
    ENDED = "ended"  # accepted once; the participant has since left the place
    CLOSED = "closed"  # the place was cancelled while the proposal was open


PROPOSAL_STATUSES = {
    "open": N_("awaiting an answer"),
    "declined": N_("no thanks"),
    "accepted": N_("accepted"),
    "ended": N_("ended"),
    "closed": N_("shut"),
}
"""Each status as the pages and the CLI name it outside English."""


class DeclinedBy(StrEnum):
    PARTICIPANT = "participant"
    EMPLOYER = "employer"


def parse_proposal_status(text: str) -> ProposalStatus:
    try:
        return ProposalStatus(text.strip().lower())
    except ValueError:
        known = ", ".join(s.value for s in ProposalStatus)
        raise InvalidInput(
            Message(
                N_("unknown proposal status {text}: choose one of {known}"),
                {"text": quoted(text), "known": known},
            ),
            field="status",
        ) from None


def parse_declined_by(text: str) -> DeclinedBy:
    try:
        return DeclinedBy(text.strip().lower())
    except ValueError:
        raise InvalidInput(
            Message(
                N_("{how} {text} is neither participant nor employer: say who declined"),
                {"how": Hint("declined_by", "--by"), "text": quoted(text)},
            ),
            field="by",
        ) from None


@dataclass(slots=True)
class Proposal:
    place_id: int
    case_id: int
    status: str
    proposed_on: date
    recorded_at: datetime
    by_id: int | None = None  # the caseworker who proposed
    decided_on: date | None = None  # declined, accepted, ended or closed on
    decided_by_id: int | None = None  # the caseworker who recorded the decision
    declined_by: str | None = None  # participant or employer
    reason: str | None = None
    placement_id: int | None = None  # the placement an acceptance opened
    step: int | None = None  # the step an acceptance moved the case into
    id: int | None = None


def case_problem(state: str) -> Violation | None:
    """Why a case in ``state`` cannot be proposed for a place (None: it can)."""
    if state == EXITED:
        return structural("proposal-case-exited", Message(N_("the case is exited")), state=state)
    if state == PAUSED:
        return structural(
            "proposal-case-paused",
            Message(N_("the case is paused: resume it first")),
            state=state,
        )
    return None


def decision_problem(status: str, wanted: str) -> Violation | None:
    """Why a proposal in ``status`` cannot be declined or accepted (None: it can)."""
    if status == ProposalStatus.OPEN.value:
        return None
    template = ONLY_OPEN.get(
        wanted, N_("the proposal is {status}: only an open proposal can be {wanted}")
    )
    return structural(
        "proposal-not-open",
        Message(template, {"status": status, "wanted": wanted}),
        status=status,
    )


ONLY_OPEN = {
    "declined": N_("the proposal is {status}: only an open proposal can be declined"),
    "accepted": N_("the proposal is {status}: only an open proposal can be accepted"),
}
"""A refused decision's sentence, one per decision (a language inflects the verb)."""


def not_accepted_problem(status: str) -> Violation:
    """An acceptance to end that is not one."""
    return structural(
        "proposal-not-accepted",
        Message(
            N_("the proposal is {status}: only an accepted proposal can end"), {"status": status}
        ),
        status=status,
    )


def step_into(place_steps: Iterable[int], state: str) -> Step | None:
    """The step an accepted proposal moves a case into: the first (lowest) of the
    place's steps that lies ahead of the case's current step, since an advance only goes
    forward (from ``enrolled`` every step lies ahead). ``None``: the case has passed
    every step the place suits. Whether the rules allow the move is the judge's part."""
    current = 0 if state == ENROLLED else _number(state)
    ahead = sorted(step for step in place_steps if step > current)
    return Step(ahead[0]) if ahead else None


def step_problem(place_steps: Iterable[int], state: str) -> Violation:
    steps = ", ".join(map(str, sorted(place_steps)))
    said = Message(
        N_(
            "the case ({state}) is past every step the place suits ({steps}): an advance "
            "only goes forward"
        ),
        {"state": state, "steps": steps},
    )
    return structural("proposal-step-passed", said, state=state)


def programme_for(
    place_programmes: list[str], runs: dict[str, frozenset[int]], step: int
) -> str | None:
    """The place's first programme that runs ``step`` (``runs``: each programme's steps);
    ``None`` when the place names none that does."""
    for code in place_programmes:
        if step in runs.get(code, frozenset()):
            return code
    return None


def _number(state: str) -> int:
    step = step_by_slug(state)
    return step.number if step is not None else 0
