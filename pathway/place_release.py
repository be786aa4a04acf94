"""Automatic position release: when a participant in an accepted proposal leaves the
place, its position is given back in the same transaction as the leaving.

A participant leaves a place when their case moves out of the place's step (an advance,
a fall back, an exit: the move pipeline's ``planning.apply``) or their placement ends
early (``placements.end``). Both call ``release_left``; ``kivo proposal end`` stays for
what the engine does not see (the participant stopped coming, recorded later)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from pathway.context import Kivo
from pathway.places import release_position
from pathway.ports import UnitOfWork
from states.proposals import ProposalStatus


@dataclass(frozen=True, slots=True)
class Left:
    """A case that left whatever place it held: when, how (the move's kind, or
    ``placement_ended``), and who recorded it."""

    case_id: int
    on: date
    how: str
    by: int | None = None


def release_left(kivo: Kivo, uow: UnitOfWork, left: Sequence[Left]) -> list[int]:
    """End the accepted proposals of the cases that left and give their positions back
    (a filled place opens again), in the caller's transaction; the proposals ended."""
    if not left:
        return []
    by_case = {item.case_id: item for item in left}
    ended: list[int] = []
    for proposal in uow.proposals.accepted_of_cases(sorted(by_case)):
        item = by_case[proposal.case_id]
        reason = f"the participant left the place: {item.how.replace('_', ' ')} on {item.on}"
        release_position(
            kivo,
            uow,
            proposal.place_id,
            on=item.on,
            by=item.by,
            case_id=proposal.case_id,
            reason=reason,
            left_on=item.on,
        )
        proposal.status = ProposalStatus.ENDED.value
        proposal.decided_on = max(item.on, proposal.decided_on or item.on)
        proposal.decided_by_id, proposal.reason = item.by, reason
        uow.proposals.save(proposal)
        assert proposal.id is not None
        ended.append(proposal.id)
    return ended
