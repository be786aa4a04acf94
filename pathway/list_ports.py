"""Storage ports for lists read a chunk at a time; ``pathway.ports.UnitOfWork`` exposes
them as ``listing`` (implemented by ``persistence.list_queries``)."""

from __future__ import annotations

from typing import Any, Protocol

from states.listing import ExitFilter, ListedCase


class ListQueries(Protocol):
    def case_chunk(
        self,
        *,
        step: int | None,
        status: str | None,
        caseworker_id: int | None,
        sort: str,
        after: tuple[Any, ...] | None,
        offset: int,
        size: int,
        programme: str | None = None,
        exited: ExitFilter | None = None,
    ) -> list[ListedCase]:
        """At most ``size`` cases matching the filters (``programme``: an open placement
        under it; ``exited``: exited with that gender, outcome, closing period), in
        ``sort`` order (``id``, ``name`` or ``opened``, each ending on the case id),
        strictly after the sort key ``after`` (``(id,)`` for ``id``, ``(value, id)``
        otherwise), skipping ``offset`` rows first: one statement, no per-row lookups."""
        ...

    def case_key(self, case_id: int, sort: str) -> tuple[Any, ...] | None:
        """The sort key of case ``case_id`` in ``sort`` order; ``None`` if it does not
        exist."""
        ...
