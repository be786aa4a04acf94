"""The coordinator's monthly log review (loggkontroll): which reads of the access log
deserve a look. A read is listed when the reader was not the case's caseworker at the
time (a coordinator's such read is listed as a coordinator's), and every read of a
protected person's case is listed, whoever read it: protected when it was read, as the
change log's ``protected`` edits tell (a protection lifted since does not hide it)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from typing import Any

from states.access import READ, READ_HISTORY, READ_NEXT, SHOW_PERSONAL, AccessEntry
from states.case import Role
from states.errors import InvalidInput, quoted
from states.messages import N_, Message
from states.ownership import Ownership

READS = frozenset({READ, READ_HISTORY, READ_NEXT, SHOW_PERSONAL})  # show-personal: a reveal

# Why a read is listed.
OUTSIDE_CASELOAD = "outside-caseload"
COORDINATOR = "coordinator"
PROTECTED_PERSON = "protected"
NO_ONE_NAMED = "no-one-named"
WHY = {
    OUTSIDE_CASELOAD: N_("outside the caseload"),
    COORDINATOR: N_("a coordinator's read"),
    PROTECTED_PERSON: N_("protected identity"),
    NO_ONE_NAMED: N_("no one named"),
}
"""Why a read is listed, as a reader is told (the codes stay in JSON)."""


@dataclass(frozen=True, slots=True)
class ReviewLine:
    at: datetime
    caseworker_id: int | None
    caseworker: str | None
    case_id: int
    action: str
    why: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "at": self.at.isoformat(),
            "caseworker_id": self.caseworker_id,
            "caseworker": self.caseworker,
            "case_id": self.case_id,
            "action": self.action,
            "why": list(self.why),
        }


def parse_month(text: str) -> tuple[int, int]:
    """``YYYY-MM`` as (year, month); anything else is InvalidInput naming it."""
    parts = text.strip().split("-")
    if (
        len(parts) != 2
        or len(parts[0]) != 4
        or len(parts[1]) != 2
        or not all(part.isascii() and part.isdigit() for part in parts)
        or not 1 <= int(parts[1]) <= 12
        or int(parts[0]) < 1
    ):
        not_month = N_("{value} is not a month: give it as YYYY-MM, e.g. 2026-11")
        raise InvalidInput(Message(not_month, {"value": quoted(text)}), field="month")
    return int(parts[0]), int(parts[1])


def month_days(year: int, month: int) -> tuple[date, date]:
    """The month's first day and the first day of the next."""
    following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return date(year, month, 1), following


Flagged = tuple[datetime, bool]
"""A protection set (``True``) or lifted (``False``) at a moment."""


def protected_at(changes: Sequence[Flagged], moment: datetime) -> bool:
    """Whether the protection was on at ``moment``: the last change before it, or set at
    that very moment. A lift at the very moment still counts as protected: with a pinned
    clock a read and a lift share their moment, and the review errs on listing."""
    state = False
    for at, value in changes:
        if at > moment:
            break
        if at < moment or value:
            state = value
    return state


def reviewed(
    entries: Iterable[AccessEntry],
    periods: Mapping[int, Sequence[Ownership]],
    workers: Mapping[int, tuple[str, str]],
    protected: Mapping[int, Sequence[Flagged]],
    zone: tzinfo,
) -> list[ReviewLine]:
    """The reads among ``entries`` to review. ``periods``: each case's owners over time;
    ``workers``: ``{id: (name, role)}``; ``protected``: per case, its person's protection
    set (``True``) and lifted (``False``) at moments, in order;
    ``zone``: where a read's day is told (the owner on that day counts)."""
    lines = []
    for entry in entries:
        if entry.action not in READS:
            continue
        why = _why(entry, periods.get(entry.case_id, ()), workers, protected, zone)
        if why:
            name = (
                workers.get(entry.caseworker_id, (None, None))[0]
                if entry.caseworker_id is not None
                else None
            )
            lines.append(
                ReviewLine(entry.at, entry.caseworker_id, name, entry.case_id, entry.action, why)
            )
    return lines


def _why(
    entry: AccessEntry,
    periods: Sequence[Ownership],
    workers: Mapping[int, tuple[str, str]],
    protected: Mapping[int, Sequence[Flagged]],
    zone: tzinfo,
) -> tuple[str, ...]:
    reasons: list[str] = []
    reader = entry.caseworker_id
    if reader is None:
        reasons.append(NO_ONE_NAMED)
    else:
        day = entry.at.astimezone(zone).date()
        owner = next((p.caseworker_id for p in periods if p.covers(day)), None)
        if owner != reader:
            role = workers.get(reader, ("", ""))[1]
            reasons.append(COORDINATOR if role == Role.COORDINATOR.value else OUTSIDE_CASELOAD)
    if protected_at(protected.get(entry.case_id, ()), entry.at):
        reasons.append(PROTECTED_PERSON)
    elif reasons == [NO_ONE_NAMED]:
        return ()  # a script's read of an ordinary case: nobody's caseload to leave
    return tuple(reasons)
