"""Storage port of erasure on request; ``pathway.ports.UnitOfWork`` exposes it as
``erasure`` (implemented by ``persistence.erasure``)."""

from __future__ import annotations

from typing import Protocol

from states.erasure import ErasurePlan, Subject


class ErasureStore(Protocol):
    def person_by_personnummer(self, digits: str) -> int | None: ...

    def subject(self, person_id: int, *, lock: bool = False) -> Subject | None:
        """The person and their cases, oldest first; ``lock``: until the transaction ends."""
        ...

    def erase(self, plan: ErasurePlan) -> dict[int | None, dict[str, int]]:
        """Write the erasure in the open transaction (through the sanctioned removal);
        the counts per case, each recorded in a ``data_removal`` row."""
        ...

    def settle(self) -> bool:
        """After the commit: leave no old page with the erased values in the database's
        files (SQLite: checkpoint and empty the write-ahead log); ``False`` when a
        reader kept the log from being emptied."""
        ...
