"""Several cases, one change each: the same move (or handover) applied case by case.

Each case is judged and written on its own, in its own transaction, by the use case that
changes one case (``pathway.moves.advance`` and the other moves, or the caseload
handover): a refusal, a conflict or a missing case is that case's result and never
undoes another case. The result lists every case in the order given, so a command can
print it and a bulk action can show it; nothing here prints. The change is any one-case
use case, called with each case and the version looked at, e.g.::

    each_case(refs, lambda ref: moves.pause(
        kivo, ref.case_id, reason="sick leave", expected_version=ref.version))

Duplicate case ids are bad input (nothing written): the second move of the same case
would be judged against the first one's result, which no caller means. A case may carry
the version the caller looked at (``CaseRef.version``), refused as a conflict when the
case has changed since.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from states.case_refs import CaseRef, checked_refs
from states.errors import DatabaseUnavailable, KivoError, NotInitialised

T = TypeVar("T")

MOVED, WOULD_MOVE = "moved", "would-move"


@dataclass(frozen=True)
class CaseOutcome(Generic[T]):
    """One case's result: ``status`` is ``moved`` (``would-move`` in a dry run) with the
    use case's ``result``, or the code of the error that stopped it (``refused``,
    ``not-found``, ``conflict``, ``invalid-input`` …) with ``error`` as the error's
    plain dict (code, message, and for a refusal the violated rules)."""

    case_id: int
    status: str
    result: T | None = None
    error: dict[str, Any] | None = None
    # The error itself, for an entry point that maps it (to an exit code); not data.
    raised: KivoError | None = field(default=None, repr=False, compare=False)

    @property
    def moved(self) -> bool:
        return self.error is None


@dataclass(frozen=True)
class EachResult(Generic[T]):
    """Every case's outcome, in the order the cases were given."""

    cases: list[CaseOutcome[T]]

    @property
    def all_moved(self) -> bool:
        return all(outcome.moved for outcome in self.cases)

    @property
    def first_failure(self) -> CaseOutcome[T] | None:
        return next((outcome for outcome in self.cases if not outcome.moved), None)

    def counts(self) -> dict[str, int]:
        """How many cases ended in each status, e.g. ``{"moved": 2, "refused": 1}``."""
        return dict(Counter(outcome.status for outcome in self.cases))


def each_case(
    refs: Sequence[CaseRef],
    change: Callable[[CaseRef], T],
    *,
    dry_run: bool = False,
) -> EachResult[T]:
    """``change`` applied to every case of ``refs`` in order, each on its own; the use
    case it calls opens and commits that case's transaction. An error that concerns
    the whole database (not initialised, unreachable) stops at once: no case after it
    could move either."""
    outcomes: list[CaseOutcome[T]] = []
    for ref in checked_refs(refs):
        try:
            result = change(ref)
        except (NotInitialised, DatabaseUnavailable):
            raise
        except KivoError as error:
            outcomes.append(
                CaseOutcome(ref.case_id, error.code, error=error.to_dict(), raised=error)
            )
            continue
        outcomes.append(CaseOutcome(ref.case_id, WOULD_MOVE if dry_run else MOVED, result))
    return EachResult(outcomes)
