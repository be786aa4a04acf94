"""Exporting cases, history, follow-ups and placements to CSV, JSON Lines or Excel.

Rows stream from the database to the file, so an export of a million events needs no
more memory than one of ten. The file is written beside its target under a temporary
name and moved into place at the end (``pathway.files.replacing``): an export that fails
(or is killed) leaves no half file, an existing file is replaced only when asked
(``force``), and a target that is not a regular file (``/dev/stdout``, a pipe, a folder)
is refused even then.

Spreadsheets run a cell that begins with ``=``, ``+``, ``-`` or ``@`` (or a tab or
carriage return) as a formula; in CSV and xlsx such a text cell gets a leading ``'``
(the import takes it off again). JSON Lines is data for programs and is left as it is.
Personnummer are masked (``19980412-****``) unless ``show_personal``; so are the
sensitive ESF+ characteristics (``disability=****``), and the groups that name one
(disability, third-country-national, foreign-background) are left out.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, BinaryIO, Protocol, TextIO

from pathway import actors
from pathway.context import Kivo
from pathway.errors import NotPermitted
from pathway.files import checked_target, database_files, replacing
from states.access import is_coordinator
from states.case import PAUSED, status_of_state, step_of_state
from states.errors import InvalidInput, quoted
from states.import_rows import REQUIRED_COLUMNS, masked, neutralise
from states.protection import shown_name
from states.reports import CHARACTERISTIC_GROUPS, masked_characteristics
from states.text import cell_shown


class Sink(Protocol):
    """Where a writer puts its file: a ``Replacing`` beside the target, or memory."""

    def open_text(self, encoding: str = "utf-8") -> TextIO: ...
    def open_binary(self) -> BinaryIO: ...


KINDS = ("cases", "events", "followups", "placements")
FORMATS = ("csv", "jsonl", "xlsx")
DELIMITERS = (",", ";")

COLUMNS: dict[str, tuple[str, ...]] = {
    # The first columns are the import's own, so a cases export imports as it is.
    "cases": (
        *REQUIRED_COLUMNS,
        "step_on",
        "status",
        "case_id",
        "state",
        "caseworker_id",
        "closed_on",
        "outcome",
        "version",
        "characteristics",
    ),
    "events": (
        "case_id",
        "seq",
        "kind",
        "from_state",
        "to_state",
        "on",
        "recorded_at",
        "actor_id",
        "reason",
        "warnings",
        "overrides",
        "data",
    ),
    "followups": (
        "id",
        "case_id",
        "name",
        "kind",
        "title",
        "due",
        "status",
        "step",
        "placement_id",
        "done_on",
        "suspended_on",
        "notes",
        "cancel_reason",
    ),
    "placements": (
        "id",
        "case_id",
        "step",
        "workplace_id",
        "workplace",
        "supervisor_id",
        "supervisor",
        "programme",
        "start",
        "planned_end",
        "ended_on",
        "end_reason",
    ),
}


@dataclass(frozen=True)
class ExportResult:
    kind: str
    path: str
    format: str
    rows: int
    personal_shown: bool


def export(
    kivo: Kivo,
    kind: str,
    path: Path,
    *,
    format: str = "csv",
    first: date | None = None,
    last: date | None = None,
    delimiter: str = ",",
    bom: bool = False,
    show_personal: bool = False,
    force: bool = False,
    by: int | None = None,
) -> ExportResult:
    """Write every ``kind`` row in the period (by enrolment date, event date, due date or
    placement start) to ``path``; returns how many rows were written. An export that
    holds a protected person's case is a coordinator's (``by``), and shows them by
    initials unless ``show_personal``."""
    _check(kind, format, delimiter, first, last)
    _protected_allowed(kivo, kind, first, last, by)
    inputs = database_files(kivo.database)
    checked_target(path, option="file", force=force, inputs=inputs)
    writer = _xlsx_writer() if format == "xlsx" else None  # before any work: is it there?
    with (
        kivo.uow(read_only=True) as uow,
        replacing(path, option="file", force=force, inputs=inputs) as partial,
    ):
        source = getattr(uow.exports, kind)(first, last)
        rows = (_shaped(kind, row, show_personal) for row in source)
        if format == "csv":
            count = _write_csv(partial, COLUMNS[kind], rows, delimiter, bom)
        elif format == "jsonl":
            count = _write_jsonl(partial, COLUMNS[kind], rows)
        else:
            assert writer is not None
            count = writer(partial, kind, COLUMNS[kind], rows)
    return ExportResult(kind, str(path), format, count, show_personal)


def _protected_allowed(
    kivo: Kivo, kind: str, first: date | None, last: date | None, by: int | None
) -> None:
    """An export that includes a protected person's case needs a coordinator (``by``);
    anyone else is refused, naming the cases, before any file is touched."""
    with kivo.uow(read_only=True) as uow:
        actor = actors.actor_of(uow, by)
        if is_coordinator(actor):
            return
        protected = uow.exports.protected_cases(kind, first, last)
    if protected:
        listed = ", ".join(str(case_id) for case_id in protected)
        raise NotPermitted(
            f"the export includes the case of a person with a protected identity "
            f"(case {listed}): only a coordinator may export it; give --by with a "
            "coordinator's id, or narrow --from/--to",
            action="export a protected identity",
            actor=None if actor is None else actor.id,
            cases=protected,
        )


def _check(kind: str, format: str, delimiter: str, first: date | None, last: date | None) -> None:
    if kind not in KINDS:
        raise InvalidInput(
            f"unknown export {quoted(kind)}: choose {', '.join(KINDS)}", field="kind"
        )
    if format not in FORMATS:
        choices = ", ".join(FORMATS)
        raise InvalidInput(f"unknown format {quoted(format)}: choose {choices}", field="format")
    if delimiter not in DELIMITERS:
        raise InvalidInput(
            f"delimiter {quoted(delimiter)}: choose , or ; (Swedish Excel)", field="delimiter"
        )
    if first and last and first > last:
        raise InvalidInput(f"--from {first} is after --to {last}", field="from")


def _shaped(kind: str, row: Mapping[str, Any], show_personal: bool) -> dict[str, Any]:
    """A stored row as the export shows it: steps by slug, personnummer masked."""
    if kind != "cases":
        return dict(row)
    digits = row["personnummer"]
    shown = None
    if digits:
        shown = f"{digits[:8]}-{digits[8:]}" if show_personal else masked(digits)
    step = step_of_state(row["paused_from"] if row["state"] == PAUSED else row["state"])
    return {
        "name": shown_name(row["name"], row.get("protected_initials"), reveal=show_personal),
        "personnummer": shown,
        "gender": row["gender"],
        "birth_year": row["birth_year"],
        "groups": "|".join(_groups(row["groups"] or [], show_personal)),
        "caseworker": row["caseworker"],
        "enrolled_on": row["opened_on"],
        "step": step.slug if step else None,
        "consent_on": row["consent_on"],
        # A paused case's last move is its pause, which the import replays on step_on.
        "step_on": row["last_move_on"] if step or row["state"] == PAUSED else None,
        "status": status_of_state(row["state"]),
        "case_id": row["case_id"],
        "state": row["state"],
        "caseworker_id": row["caseworker_id"],
        "closed_on": row["closed_on"],
        "outcome": row["outcome"],
        "version": row["version"],
        "characteristics": _characteristics(row["characteristics"] or {}, show_personal),
    }


def _groups(groups: list[str], show_personal: bool) -> list[str]:
    """The groups, without those that tell a sensitive characteristic unless asked."""
    return groups if show_personal else [g for g in groups if g not in CHARACTERISTIC_GROUPS]


def _characteristics(recorded: dict[str, bool], show_personal: bool) -> str | None:
    """``NAME=yes|NAME=no`` as recorded, the answers masked unless asked."""
    known = {name: "yes" if value else "no" for name, value in sorted(recorded.items())}
    shown = known if show_personal else masked_characteristics(known)
    return "|".join(f"{name}={answer}" for name, answer in shown.items()) or None


def _text(value: Any) -> str:
    """One CSV cell: dates in ISO form, lists and objects as JSON, formulas defused."""
    if value is None:
        return ""
    if isinstance(value, str):
        return neutralise(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date | datetime):
        return _utc(value).isoformat()
    if isinstance(value, list | dict):
        return neutralise(json.dumps(value, ensure_ascii=False, sort_keys=True))
    return str(value)


def _write_csv(
    partial: Sink,
    columns: Sequence[str],
    rows: Iterator[dict[str, Any]],
    delimiter: str,
    bom: bool,
) -> int:
    count = 0
    with partial.open_text("utf-8-sig" if bom else "utf-8") as stream:
        out = csv.writer(stream, delimiter=delimiter)
        out.writerow(columns)
        for row in rows:
            out.writerow([_text(row[column]) for column in columns])
            count += 1
    return count


def _plain(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return _utc(value).isoformat()
    return value


def _utc(value: date) -> date:
    """SQLite keeps no zone and we store UTC: say so, as PostgreSQL does."""
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return value


def _write_jsonl(partial: Sink, columns: Sequence[str], rows: Iterator[dict[str, Any]]) -> int:
    count = 0
    with partial.open_text("utf-8") as stream:
        for row in rows:
            document = {column: _plain(row[column]) for column in columns}
            stream.write(json.dumps(document, ensure_ascii=False) + "\n")
            count += 1
    return count


XlsxWriter = Callable[[Sink, str, Sequence[str], Iterator[dict[str, Any]]], int]


def _xlsx_writer() -> XlsxWriter:
    """openpyxl is an optional extra; without it, say how to get it."""
    try:
        from openpyxl import Workbook
    except ImportError:
        raise InvalidInput(
            "xlsx export needs openpyxl: in kivo's source folder, pip install '.[xlsx]' "
            "(or use --format csv)",
            field="format",
        ) from None

    def write(
        partial: Sink, kind: str, columns: Sequence[str], rows: Iterator[dict[str, Any]]
    ) -> int:
        book = Workbook(write_only=True)  # rows go to disk as they come
        sheet = book.create_sheet(kind)
        sheet.append(list(columns))
        count = 0
        for row in rows:
            sheet.append([_cell(row[column]) for column in columns])
            count += 1
        with partial.open_binary() as stream:
            book.save(stream)
        return count

    return write


def _cell(value: Any) -> Any:
    """An xlsx cell: real dates and numbers stay typed; text is defused like CSV, and a
    control character (which a cell cannot hold) is shown as a visible escape."""
    if value is None or isinstance(value, bool | int | float | date | datetime):
        if isinstance(value, datetime):
            return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value
        return value
    return cell_shown(_text(value))


TABLE_FORMATS = ("csv", "xlsx")


def table_file(
    name: str, columns: Sequence[str], rows: Sequence[Mapping[str, Any]], format: str
) -> bytes:
    """A small table (a report's) as a file's bytes, written by the export's writers:
    CSV (UTF-8 with a BOM, so a spreadsheet reads å, ä, ö) or xlsx (the ``xlsx`` extra);
    text cells defused as in an export."""
    if format not in TABLE_FORMATS:
        raise InvalidInput(
            f"unknown format {quoted(format)}: choose {', '.join(TABLE_FORMATS)}", field="format"
        )
    sink = _Memory()
    shaped = (dict(row) for row in rows)
    if format == "csv":
        _write_csv(sink, columns, shaped, ",", True)
    else:
        _xlsx_writer()(sink, name[:31], columns, shaped)
    return sink.value


class _Memory:
    """A sink in memory; what was written is ``value`` once the stream is closed."""

    def __init__(self) -> None:
        self.value = b""

    def open_text(self, encoding: str = "utf-8") -> TextIO:
        return io.TextIOWrapper(self.open_binary(), encoding=encoding, newline="")

    def open_binary(self) -> BinaryIO:
        return _Kept(self)


class _Kept(io.BytesIO):
    def __init__(self, memory: _Memory) -> None:
        super().__init__()
        self.memory = memory

    def close(self) -> None:
        if not self.closed:
            self.memory.value = self.getvalue()
        super().close()
