"""Moving many cases at once: the same judge and the same writes as a single move,
committed in chunks.

A coordinator moves a whole cohort (say every enrolled case into step 1 at the start of
a programme). Each case gets exactly what ``pathway.moves`` gives one case: its facts
are read, the rules judge the move, and an allowed move writes the case's state, its
history event, its placement and its follow-ups. Only the transaction differs: a chunk
of cases is one transaction, so a case's writes are still together (a chunk is
committed whole or not at all), and a refusal of one case writes nothing for it and
leaves the others of the chunk to go on.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from types import TracebackType
from typing import Any, Self

from pathway import moves
from pathway.context import Kivo
from pathway.errors import Refused
from pathway.ports import UnitOfWork
from states.case import Move, MoveKind
from states.errors import InvalidInput, NotFound
from states.steps import Step

DEFAULT_CHUNK = 1000


@dataclass(frozen=True)
class BatchResult:
    """What a batch move did: counts, and the codes that refused the cases it left."""

    moved: int
    refused: int
    not_found: int
    chunks: int
    refusals: dict[str, int] = field(default_factory=dict)
    refused_ids: list[int] = field(default_factory=list)


def batch_advance(
    kivo: Kivo,
    case_ids: Iterable[int],
    to: Step,
    *,
    on: date | None = None,
    by: int | None = None,
    until: date | None = None,
    programme: str | None = None,
    chunk: int = DEFAULT_CHUNK,
) -> BatchResult:
    """Advance every case in ``case_ids`` to ``to`` (one rule evaluation each), committing
    every ``chunk`` cases; cases the rules refuse are counted, with their codes."""
    if chunk < 1:
        raise InvalidInput("a chunk holds at least one case", field="chunk")
    move = moves.with_default_end(
        Move(
            MoveKind.ADVANCE,
            on=on or kivo.today(),
            to=to,
            programme=moves.programme_code(programme),
            until=until,
        )
    )
    moved = refused = missing = chunks = 0
    codes: Counter[str] = Counter()
    refused_ids: list[int] = []
    for ids in _chunks(case_ids, chunk):
        with kivo.uow() as uow:
            moves.actor_of(uow, by)
            inner = _Deferred(uow)
            for case_id in ids:
                try:
                    moves._apply(kivo, inner, case_id, move, by, None, False, None)
                except Refused as refusal:
                    refused += 1
                    refused_ids.append(case_id)
                    codes.update(v.code for v in refusal.violations if v.blocking)
                    continue
                except NotFound:
                    missing += 1
                    continue
                moved += 1
            uow.commit()
        chunks += 1
    return BatchResult(moved, refused, missing, chunks, dict(codes), refused_ids)


def _chunks(ids: Iterable[int], size: int) -> Iterator[Sequence[int]]:
    batch: list[int] = []
    for case_id in ids:
        batch.append(case_id)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


class _Deferred:
    """The chunk's unit of work as one move sees it: the move's ``commit`` becomes a
    flush (its writes are in the session already), and the chunk commits once."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow

    def __getattr__(self, name: str) -> Any:
        return getattr(self._uow, name)

    def commit(self) -> None:
        """The chunk's single commit happens in ``batch_advance``."""

    def rollback(self) -> None:
        self._uow.rollback()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        return None
