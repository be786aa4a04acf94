"""Moving many cases at once: the move pipeline with many cases, committed in chunks.

A coordinator moves a whole cohort (say every enrolled case into step 1 at the start of
a programme). Each case gets exactly what ``pathway.moves`` gives one case, because it
is the same code (``pathway.pipeline``): its facts are read, the rules judge the move,
and an allowed move writes the case's state, its history event, its placement and its
follow-ups. Only the transaction differs: a chunk of cases is one transaction, so a
case's writes are still together (a chunk is committed whole or not at all), and a
refusal of one case writes nothing for it and leaves the others of the chunk to go on.
A case changed by someone else since it was read is a conflict and the chunk rolls
back, never a lost update. A case named twice in a chunk is moved, then judged again on
its new state.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date

from pathway import moves, pipeline
from pathway.context import Kivo
from pathway.errors import Refused
from pathway.pipeline import Request
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
        kivo.catalogue,
        Move(
            MoveKind.ADVANCE,
            on=on or kivo.today(),
            to=to,
            programme=moves.programme_code(kivo.catalogue, programme),
            until=until,
            employment_kind=moves.kind_of_employment(to, None),
        ),
    )
    tally = _Tally()
    chunks = 0
    for ids in _chunks(case_ids, chunk):
        with kivo.uow() as uow:
            requests = [Request(case_id, move) for case_id in ids]
            for decided in pipeline.run(kivo, uow, requests, by, explain=False):
                tally.count(decided)
            uow.commit()
        chunks += 1
    return BatchResult(
        tally.moved, tally.refused, tally.missing, chunks, dict(tally.codes), tally.refused_ids
    )


@dataclass
class _Tally:
    moved: int = 0
    refused: int = 0
    missing: int = 0
    codes: Counter[str] = field(default_factory=Counter)
    refused_ids: list[int] = field(default_factory=list)

    def count(self, decided: pipeline.Decided) -> None:
        error = decided.error
        if error is None:
            self.moved += 1
        elif isinstance(error, NotFound):
            self.missing += 1
        elif isinstance(error, Refused):
            self.refused += 1
            self.refused_ids.append(decided.request.case_id)
            self.codes.update(v.code for v in error.violations if v.blocking)
        else:
            raise error


def _chunks(ids: Iterable[int], size: int) -> Iterator[Sequence[int]]:
    batch: list[int] = []
    for case_id in ids:
        batch.append(case_id)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
