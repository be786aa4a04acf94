"""Who may see and change which case, and the access log's rows (loggkontroll).

A caseworker sees and changes the cases of their own caseload; a coordinator sees and
changes all. A case that is not the caseworker's is answered as a case that does not
exist, so its existence does not leak. Only a coordinator sets targets, hands caseloads
over, deactivates or reactivates colleagues, overrides rules, or writes under a rule set
other than the organisation's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from states.case import Role


class Acting(Protocol):
    """The acting caseworker, as the access rules need them."""

    @property
    def id(self) -> int | None: ...
    @property
    def role(self) -> str: ...


def is_coordinator(actor: Acting | None) -> bool:
    return actor is not None and actor.role == Role.COORDINATOR.value


def may_see(actor: Acting | None, owner_id: int | None) -> bool:
    """Whether ``actor`` may read and change a case owned by ``owner_id``. No named actor
    (``None``: a script, the scheduler, the Python API without ``by``) is not limited
    to a caseload; whatever is reserved to coordinators stays refused to it."""
    if actor is None or is_coordinator(actor):
        return True
    return owner_id is not None and owner_id == actor.id


def visible(actor: Acting | None, owners: dict[int, int | None]) -> set[int]:
    """Of the cases ``owners`` names (``{case_id: caseworker_id}``), those ``actor`` sees."""
    return {case_id for case_id, owner in owners.items() if may_see(actor, owner)}


# The actions the access log names (a move is logged by its kind: advance, exit ...).
READ = "read"
READ_HISTORY = "read-history"
READ_NEXT = "read-next"
SHOW_PERSONAL = "show-personal"
READ_NOTES = "read-notes"
READ_AGENDA = "read-agenda"


@dataclass(frozen=True, slots=True)
class AccessEntry:
    """One row of the access log: who did what with which case, when, from where."""

    at: datetime
    caseworker_id: int | None
    case_id: int
    action: str
    address: str | None = None
    id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "at": self.at.isoformat(),
            "caseworker_id": self.caseworker_id,
            "case_id": self.case_id,
            "action": self.action,
            "address": self.address,
        }
