"""A page's read use cases in one unit of work.

The case list runs three read use cases (the page of cases, their row details, the
caseworkers to filter by) and Today one, each after the signed-in caseworker was
looked up in a unit of work of its own: four connections checked out, four read
transactions begun and ended for one page. ``page_reads`` opens one, checks who reads
in it, and hands the page a kivo whose read use cases all join it. The use cases are
unchanged: each still checks ``by`` and reads as it does alone (a read-only
transaction reads a caseworker's row once, so the reader is not read again for each)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import TYPE_CHECKING

from pathway import actors
from pathway.workspace import SignedIn, signed_in_as

if TYPE_CHECKING:
    from pathway.context import Kivo
    from pathway.ports import UnitOfWork, UnitOfWorkFactory


class WriteInSharedReads(Exception):
    """A use case that writes was called with a page's shared read-only unit of work (a
    programming error: a write is its own transaction)."""


@contextmanager
def page_reads(kivo: Kivo, by: int) -> Iterator[tuple[SignedIn, Kivo]]:
    """Who reads (an active caseworker: else ``unknown-actor`` or ``inactive-actor``)
    and a kivo whose read-only use cases run in this one read transaction."""
    with kivo.uow(read_only=True) as uow:
        actor = actors.checked_actor(uow.caseworkers.read(by), by)
        yield signed_in_as(actor), replace(kivo, uow=_joining(uow))


def _joining(uow: UnitOfWork) -> UnitOfWorkFactory:
    def joined(*, read_only: bool = False) -> UnitOfWork:
        if not read_only:
            raise WriteInSharedReads("a page's shared unit of work is for reads")
        return uow  # entered again: the same transaction (``SqlUnitOfWork``)

    return joined
