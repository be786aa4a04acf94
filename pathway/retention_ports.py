"""What retention (gallring) needs from storage; ``persistence.retention`` provides it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Protocol

from states.retention import ClosedCase


class RetentionStore(Protocol):
    def closed_cases(self, closed_by: date) -> list[ClosedCase]: ...
    def lock_case(self, case_id: int) -> None: ...
    def destroy(self, case_id: int, kinds: Iterable[str]) -> dict[str, int]: ...
    def settle(self) -> None: ...
    def record(
        self, *, at: datetime, decision: str, case_id: int, by_id: int, counts: Mapping[str, int]
    ) -> None: ...
