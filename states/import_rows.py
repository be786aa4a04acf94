"""Rows of a participants import: the header, and one row's values checked and parsed.

Pure: no files, no database, no clock. What needs the database (is this personnummer
already stored? who is caseworker "Anna"?) is handed in as plain data, so a row is
judged the same way in a test as in a million-row import. A row's problems are all
collected, so a coordinator fixes a spreadsheet in one go rather than line by line.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from states.calendar_bounds import EARLIEST, LATEST, within
from states.case import Gender, Group
from states.errors import InvalidInput, KivoError, quoted
from states.messages import N_, Message
from states.names import name_said
from states.personnummer import parse_personnummer
from states.steps import Step

REQUIRED_COLUMNS = (
    "name",
    "personnummer",
    "gender",
    "birth_year",
    "groups",
    "caseworker",
    "enrolled_on",
    "step",
    "consent_on",
)
"""Every import file has these columns, in any order (header names are case-blind)."""

OPTIONAL_COLUMNS = ("step_on", "status")
"""``step_on``: the day the case reached its current step (default: the enrolment date).
``status``: as ``kivo export cases`` writes it; ``active`` (or empty) and ``paused``
import, a closed case does not."""

IMPORTABLE_STATUSES = ("", "active", "paused")

COLUMNS = (*REQUIRED_COLUMNS, *OPTIONAL_COLUMNS)
GROUP_SEPARATORS = ("|", ",")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""A cell beginning with one of these is a formula to a spreadsheet (CSV injection)."""

AMBIGUOUS = -1
"""In a caseworker lookup: more than one active caseworker answers to this name."""

_GENDERS = {g.value for g in Gender}
_GROUPS = {g.value for g in Group}


class BadRows(InvalidInput):
    """An import with bad rows: every one is named (line and reason); nothing was written."""

    code = "invalid-rows"


class NotUtf8Text(InvalidInput):
    """An import file that is not UTF-8 text (saved as Latin-1, say); ``line`` names the
    first line that is not."""


@dataclass(frozen=True, slots=True)
class RowProblem:
    """A bad row: its line in the file (1 is the header) and why, in one sentence:
    ``reason`` in English (the reject file, ``--json``), ``said`` from the catalogue for
    an entry point to render in its reader's language."""

    line: int
    reason: str
    said: Message | None = None

    @classmethod
    def saying(cls, line: int, said: Message) -> RowProblem:
        return cls(line, said.english(), said)


def joined(parts: Sequence[Message], separator: str) -> Message:
    """Several sentences as one ``Message``, each said in the reader's language: its own
    template is only fields and ``separator``, which needs no translation."""
    fields = {f"part{index}": part for index, part in enumerate(parts)}
    return Message(separator.join("{" + name + "}" for name in fields), fields)


@dataclass(frozen=True, slots=True)
class ImportRow:
    """One participant to enrol, every value checked."""

    line: int
    name: str
    personnummer: str  # 12 digits, century included
    gender: str
    birth_year: int
    groups: tuple[str, ...]
    caseworker_id: int | None
    enrolled_on: date
    step: Step | None
    step_on: date
    consent_on: date | None
    paused: bool = False
    """The case is paused: it paused on ``step_on`` in its step (or before any step)."""


@dataclass(frozen=True, slots=True)
class Header:
    """Where each known column sits in a row, and how many columns a row must have."""

    positions: Mapping[str, int]
    width: int
    ignored: tuple[str, ...]
    order: tuple[int, ...] = ()
    """The position of each of ``COLUMNS`` in a row; -1 for an absent optional one."""


def normalise_column(name: str) -> str:
    return name.strip().lstrip("\ufeff").lower().replace(" ", "_").replace("-", "_")


def read_header(cells: Sequence[str]) -> Header:
    """The header line: every required column once; unknown columns are ignored (so a
    ``kivo export cases`` file imports as it is)."""
    names = [normalise_column(cell) for cell in cells]
    doubled = sorted({n for n in names if n and names.count(n) > 1})
    missing = [column for column in REQUIRED_COLUMNS if column not in names]
    problems = []
    if missing:
        problems.append(Message(N_("missing column(s) {columns}"), {"columns": ", ".join(missing)}))
    if doubled:
        problems.append(
            Message(N_("column(s) {columns} given twice"), {"columns": ", ".join(doubled)})
        )
    if problems:
        said = {"problems": joined(problems, "; "), "expected": ";".join(REQUIRED_COLUMNS)}
        raise InvalidInput(
            Message(N_("line 1 (the header): {problems}; expected the columns {expected}"), said),
            field="header",
            line=1,
        )
    known = set(REQUIRED_COLUMNS) | set(OPTIONAL_COLUMNS)
    positions = {name: index for index, name in enumerate(names) if name in known}
    ignored = tuple(name for name in names if name not in known)
    order = tuple(positions.get(column, -1) for column in COLUMNS)
    return Header(positions, len(names), ignored, order)


def _clean(cell: str) -> str:
    cell = cell.strip()
    return unformula(cell) if cell[:1] == "'" else cell


def unformula(cell: str) -> str:
    """Undo the ``'`` an export puts before a cell that would be a formula."""
    if len(cell) > 1 and cell[0] == "'" and cell[1] in FORMULA_STARTS:
        return cell[1:]
    return cell


def neutralise(cell: str) -> str:
    """A text cell a spreadsheet would run as a formula gets a leading ``'``."""
    return "'" + cell if cell and cell[0] in FORMULA_STARTS else cell


def caseworker_keys(caseworkers: Sequence[tuple[int, str, str | None]]) -> dict[str, int]:
    """A lookup from what a spreadsheet may say (id, name, e-mail; case-blind) to an id.

    Only active caseworkers are given; a name two of them share maps to ``AMBIGUOUS``.
    """
    keys: dict[str, int] = {}
    for ident, name, email in caseworkers:
        keys[str(ident)] = ident
        for key in (name.strip().casefold(), (email or "").strip().casefold()):
            if key:
                keys[key] = AMBIGUOUS if keys.get(key, ident) != ident else ident
    return keys


def parse_row(
    cells: Sequence[str],
    line: int,
    header: Header,
    *,
    today: date,
    caseworkers: Mapping[str, int],
) -> ImportRow | RowProblem:
    """Check one row; every problem it has is named in the one reason."""
    if len(cells) != header.width:
        said = {"width": header.width, "found": len(cells)}
        return RowProblem.saying(
            line,
            Message(N_("expected {width} columns, found {found} (check the delimiter)"), said),
        )
    if "\x00" in "".join(cells):
        said_nul = N_("a cell holds a NUL character: is this a text (CSV) file?")
        return RowProblem.saying(line, Message(said_nul))
    (name, pnr_text, gender_text, year_text, groups_text, caseworker_text, enrolled_text,
     step_text, consent_text, step_on_text, status) = [
        _clean(cells[index]) if index >= 0 else "" for index in header.order
    ]  # fmt: skip
    problems: list[Message] = []
    name = _name(name, today, problems)
    pnr = _personnummer(pnr_text, today, problems)
    gender = _choice(gender_text or "unknown", _GENDERS, "gender", problems)
    birth_year = _birth_year(year_text, pnr, today, problems)
    groups = _groups(groups_text, problems)
    caseworker_id = _caseworker(caseworker_text, caseworkers, problems)
    enrolled_on = _date(enrolled_text, "enrolled_on", today, problems, required=True)
    step = _step(step_text, problems)
    step_on = _date(step_on_text, "step_on", today, problems)
    consent_on = _date(consent_text, "consent_on", today, problems)
    status = status.lower()
    if status not in IMPORTABLE_STATUSES:
        closed = N_(
            "status {status}: only active and paused cases can be imported (a closed case "
            "stays in the database it was closed in)"
        )
        problems.append(Message(closed, {"status": quoted(status)}))
    if enrolled_on is not None:
        _not_before(consent_on, enrolled_on, "consent_on", problems)
        _not_before(step_on, enrolled_on, "step_on", problems)
    if problems or enrolled_on is None or pnr is None or birth_year is None:
        return RowProblem.saying(line, joined(problems, "; "))
    return ImportRow(
        line=line,
        name=name,
        personnummer=pnr,
        gender=gender,
        birth_year=birth_year,
        groups=groups,
        caseworker_id=caseworker_id,
        enrolled_on=enrolled_on,
        step=step,
        step_on=step_on or enrolled_on,
        consent_on=consent_on,
        paused=status == "paused",
    )


def masked(digits: str) -> str:
    return digits[:8] + "-****"


def _not_before(day: date | None, enrolled_on: date, what: str, problems: list[Message]) -> None:
    if day is not None and day < enrolled_on:
        said = {"what": what, "day": day, "enrolled_on": enrolled_on}
        problems.append(Message(N_("{what} {day} is before enrolled_on {enrolled_on}"), said))


def _name(text: str, today: date, problems: list[Message]) -> str:
    problem = name_said(text, today=today)
    if problem is not None:
        problems.append(Message(N_("name {problem}"), {"problem": problem}))
    return text


def _personnummer(text: str, today: date, problems: list[Message]) -> str | None:
    if not text:
        problems.append(
            Message(N_("personnummer is empty (an import needs it to find duplicates)"))
        )
        return None
    if "*" in text:
        problems.append(
            Message(N_("personnummer is masked: export with --show-personal to import it"))
        )
        return None
    try:
        return parse_personnummer(text, today=today).digits
    except KivoError as error:
        problem = error.said or error.message
        problems.append(Message(N_("invalid {problem}"), {"problem": problem}))
        return None


def _choice(text: str, allowed: set[str], what: str, problems: list[Message]) -> str:
    value = text.lower()
    if value not in allowed:
        said = {"what": what, "value": quoted(text), "choices": ", ".join(sorted(allowed))}
        problems.append(Message(N_("unknown {what} {value}: choose one of {choices}"), said))
    return value


def _birth_year(text: str, pnr: str | None, today: date, problems: list[Message]) -> int | None:
    from_pnr = int(pnr[:4]) if pnr else None
    if not text:
        return from_pnr
    if not (text.isascii() and text.isdecimal()):
        problems.append(Message(N_("birth_year {year} is not a year"), {"year": quoted(text)}))
        return None
    year = int(text)
    if not 1900 <= year <= today.year:
        problems.append(Message(N_("birth_year {year} is not plausible"), {"year": year}))
    elif from_pnr is not None and year != from_pnr:
        said = {"year": year, "masked": masked(pnr or "")}
        problems.append(
            Message(N_("birth_year {year} does not match the personnummer ({masked})"), said)
        )
    return year


def _groups(text: str, problems: list[Message]) -> tuple[str, ...]:
    if not text:
        return ()
    if text in _GROUPS:
        return (text,)
    for separator in GROUP_SEPARATORS[1:]:
        text = text.replace(separator, GROUP_SEPARATORS[0])
    found = {part.strip().lower() for part in text.split(GROUP_SEPARATORS[0]) if part.strip()}
    unknown = sorted(found - _GROUPS)
    if unknown:
        choices = ", ".join(sorted(_GROUPS))
        shown = ", ".join(quoted(u) for u in unknown)
        said = {"groups": shown, "choices": choices}
        problems.append(Message(N_("unknown group {groups}: choose from {choices}"), said))
    return tuple(sorted(found & _GROUPS))


def _caseworker(text: str, caseworkers: Mapping[str, int], problems: list[Message]) -> int | None:
    if not text:
        return None
    found = caseworkers.get(text.casefold())
    said = {"caseworker": quoted(text)}
    if found is None:
        unknown = N_(
            "unknown caseworker {caseworker} (give an active caseworker's id, name or e-mail)"
        )
        problems.append(Message(unknown, said))
    elif found == AMBIGUOUS:
        several = N_("caseworker {caseworker} names more than one caseworker: give the id")
        problems.append(Message(several, said))
    return found if found not in (None, AMBIGUOUS) else None


def _date(
    text: str, what: str, today: date, problems: list[Message], *, required: bool = False
) -> date | None:
    if not text:
        if required:
            problems.append(Message(N_("{what} is empty"), {"what": what}))
        return None
    typed = {"what": what, "text": quoted(text)}
    try:
        day = date.fromisoformat(text)
    except ValueError:
        problems.append(
            Message(N_("{what} {text} is not a real date in the form YYYY-MM-DD"), typed)
        )
        return None
    if len(text) != 10:
        problems.append(Message(N_("{what} {text} is not in the form YYYY-MM-DD"), typed))
        return None
    said = {"what": what, "day": day, "first": EARLIEST, "last": LATEST, "today": today}
    if not within(day):
        outside = N_("{what} {day} is outside the dates kivo accepts ({first} to {last})")
        problems.append(Message(outside, said))
        return None
    if day > today:
        problems.append(Message(N_("{what} {day} is after today ({today})"), said))
    return day


_STEPS: dict[str, Step | None] = {"": None, "enrolled": None}
_STEPS.update({str(step.number): step for step in Step})
_STEPS.update({step.slug: step for step in Step})


def _step(text: str, problems: list[Message]) -> Step | None:
    value = text.lower()
    if value in _STEPS:
        return _STEPS[value]
    unknown = N_("unknown step {step}: give 1-9 or a slug such as information")
    problems.append(Message(unknown, {"step": quoted(text)}))
    return None
