"""Storage port of protected identity; ``pathway.ports.UnitOfWork`` exposes it as
``protection`` (implemented by ``persistence.protection``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol


class ProtectionStore(Protocol):
    def initials(self, person_id: int) -> str | None:
        """The initials shown while the person is protected, else ``None`` (NotFound
        for no such person)."""
        ...

    def set_initials(self, person_id: int, initials: str | None) -> None: ...
    def renamed(self, person_id: int, initials: str) -> None:
        """A renamed person, if protected, is shown by the new name's initials."""
        ...

    def protections(self, case_ids: Sequence[int]) -> dict[int, list[tuple[datetime, bool]]]:
        """Per case: when its person's protection was set (``True``) and lifted, in order."""
        ...

    def protected_cases(self, case_ids: Sequence[int]) -> dict[int, str]:
        """``{case_id: initials}`` of the protected persons' cases among ``case_ids``."""
        ...
