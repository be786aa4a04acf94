"""Erasure on request (GDPR art. 17), as pure rules: when the data must be kept, the
pseudonym a person is left under, the stand-in birth date that keeps every age band, and
how free text is scrubbed of a person's name and personnummer.

What is erased and what is kept (the README's "Erasure" says it to the reader):
identifying data goes (name, personnummer, contact details, free text), the facts the
reports count stay (gender, groups, characteristics, the permit date, every case's
events with their kinds, dates, steps and programmes), under a random pseudonym.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from states.messages import N_, Message
from states.reports import age_band
from states.violations import Violation, structural

OPEN_CASE = "erasure-open-case"
RETENTION = "erasure-retention"
KEEP_CASE_HISTORY = "case history"
"""The record kind whose keep period after a case closes blocks an erasure."""

PSEUDONYM_PREFIX = "Raderad"
PSEUDONYM_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base 32: no I, L, O, U
PSEUDONYM_LENGTH = 10
FREE_TEXT_KEYS = frozenset(
    {"reason", "override_reason", "note", "notes", "text", "title", "message", "name", "comment"}
)
"""Keys of an event's data that hold what a person wrote: dropped by an erasure."""

_BANDS: dict[str, tuple[int, int]] = {"<18": (0, 17), "18-29": (18, 29), "30-54": (30, 54)}
_OLDEST = 120


@dataclass(frozen=True)
class CaseFacts:
    """What the erasure rules read of one case of the person."""

    case_id: int
    closed_on: date | None
    opened_on: date | None = None
    state: str | None = None


@dataclass(frozen=True)
class Subject:
    """The person an erasure is asked for, as stored."""

    person_id: int
    name: str
    personnummer: str | None
    birth_year: int | None
    erased_on: date | None
    cases: tuple[CaseFacts, ...]


@dataclass(frozen=True)
class ErasurePlan:
    """What one erasure writes: the person left under ``pseudonym`` (``born_on``: the
    stand-in date of birth, if the personnummer gave the real one), every text scrubbed
    of ``needles``, recorded under ``decision`` by ``by_id``."""

    person_id: int
    cases: tuple[CaseFacts, ...]
    pseudonym: str
    needles: tuple[str, ...]
    exact: tuple[str, ...]
    """The whole name and the personnummer's forms: what is scrubbed from others'
    records (an employer contact's note), where a first name alone may be someone else's."""
    born_on: date | None
    birth_year: int | None
    decision: str
    on: date
    at: datetime
    by_id: int | None


def erasure_blockers(
    cases: Sequence[CaseFacts], keep_days: Mapping[str, int], today: date
) -> list[Violation]:
    """Every rule that keeps the person's data today, naming the case: a case still open
    (its data is needed for the work), or a case closed less than the keep period of its
    history ago (``keep_days[KEEP_CASE_HISTORY]``: the retention schedule's minimum)."""
    found: list[Violation] = []
    keep = keep_days.get(KEEP_CASE_HISTORY, 0)
    for case in sorted(cases, key=lambda c: c.case_id):
        if case.closed_on is None:
            found.append(
                structural(
                    OPEN_CASE,
                    Message(
                        N_(
                            "case {case} is open: a person is erased only when every case of "
                            "theirs has closed"
                        ),
                        {"case": case.case_id},
                    ),
                    case_id=case.case_id,
                )
            )
        elif today < case.closed_on + timedelta(days=keep):
            until = case.closed_on + timedelta(days=keep)
            found.append(
                structural(
                    RETENTION,
                    Message(
                        N_(
                            "case {case} closed on {closed}: the retention schedule keeps its "
                            "case history {days} days after closing, until {until}"
                        ),
                        {
                            "case": case.case_id,
                            "closed": case.closed_on.isoformat(),
                            "days": keep,
                            "until": until.isoformat(),
                        },
                    ),
                    case_id=case.case_id,
                    until=until.isoformat(),
                )
            )
    return found


def pseudonym(token: bytes) -> str:
    """``Raderad 7F3K…``: the name an erased person is left under, from random bytes."""
    number = int.from_bytes(token, "big")
    chars = []
    for _ in range(PSEUDONYM_LENGTH):
        number, index = divmod(number, len(PSEUDONYM_ALPHABET))
        chars.append(PSEUDONYM_ALPHABET[index])
    return f"{PSEUDONYM_PREFIX} {''.join(chars)}"


def stand_in_birth_date(born: date, entries: Sequence[date], pick: float) -> date:
    """A birth date other than ``born`` as far as chance allows, that gives the same ESF+
    age band at every case's entry: a uniform ``pick`` (0 to 1) in the range of birth
    dates that keep every band. The reports count the same; the real date is gone."""
    first, last = date.min, date.max
    for entry in entries:
        band = age_band(entry, birth_date=born)
        low, high = _BANDS.get(band or "", (55, _OLDEST))
        first = max(first, _years_before(entry, high + 1) + timedelta(days=1))
        last = min(last, _years_before(entry, low))
    if not entries:
        first, last = date(born.year, 1, 1), date(born.year, 12, 31)
    chosen = first + timedelta(days=int((last - first).days * min(max(pick, 0.0), 0.999999)))
    assert all(_same_band(entry, born, chosen) for entry in entries), (entries, chosen)
    return chosen


def _same_band(entry: date, born: date, chosen: date) -> bool:
    return age_band(entry, birth_date=born) == age_band(entry, birth_date=chosen)


def _years_before(day: date, years: int) -> date:
    """The same day ``years`` earlier (28 February for a 29th in a common year)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def written_forms(digits: str) -> list[str]:
    """The ways a 12-digit personnummer is written: 199001011234, 19900101-1234,
    900101-1234, 9001011234 (and with ``+``): what a scrub looks for in free text."""
    if len(digits) != 12 or not digits.isdigit():
        return [digits] if digits else []
    short, tail = digits[2:8], digits[8:]
    return [digits, f"{digits[:8]}-{tail}", f"{short}-{tail}", f"{short}+{tail}", short + tail]


def scrub(text: str, needles: Iterable[str], replacement: str) -> str:
    """``text`` with every needle (a name, its words, a personnummer in each written
    form) replaced, case-insensitively, by ``replacement``."""
    for needle in sorted({n for n in needles if len(n) >= 2}, key=len, reverse=True):
        text = re.sub(re.escape(needle), replacement, text, flags=re.IGNORECASE)
    return text


def exact_needles(name: str, digits: str | None) -> list[str]:
    """The whole name and the personnummer's written forms."""
    return [name, *written_forms(digits or "")]


def needles_of(name: str, digits: str | None) -> list[str]:
    """What identifies the person in free text: the whole name, each word of it of three
    letters or more, and the personnummer's written forms."""
    words = [word for word in re.split(r"[\s,.-]+", name) if len(word) >= 3]
    return [name, *words, *written_forms(digits or "")]


def scrubbed_data(
    data: Mapping[str, Any], needles: Sequence[str], replacement: str
) -> dict[str, Any]:
    """An event's data without its free text: the keys people write dropped, any other
    text scrubbed of the person; kinds, dates, steps, programmes and ids unchanged."""
    kept: dict[str, Any] = {}
    for key, value in data.items():
        if key in FREE_TEXT_KEYS:
            continue
        kept[key] = scrub(value, needles, replacement) if isinstance(value, str) else value
    return kept
