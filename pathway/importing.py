"""Importing participants from a spreadsheet: validate every row, then all or nothing.

One pass, one transaction. Rows stream in; each is checked (``states.import_rows``) and
the good ones are written a chunk at a time with set-based inserts, still inside the one
transaction. Writing as we go is what finds a personnummer twice in a file with constant
memory: the database, which already holds the earlier chunks, answers "seen before?".
At the end the transaction commits only if no row was bad (or ``skip_invalid`` was
asked for) and this is not a dry run; otherwise it rolls back and nothing is left. A
process killed half-way leaves nothing either, so running the same import again does
the whole of it, once.

Imported cases get the history a sequence of use cases would have written: ``enrolled``
on the enrolment date, ``consent`` on the consent date, ``advanced`` to the current
step on ``step_on`` and, for a case whose ``status`` is ``paused``, ``paused`` on that
same day, in date order, each marked ``{"imported": true, "source": FILE, "line": N}``,
so that replaying the history yields the stored state. No placement and no
follow-ups are created for them: the spreadsheet does not say where the placement is,
and planning follow-ups for old cases would flood caseworkers with overdue items.
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any, TextIO

from pathway import actors
from pathway.context import Kivo
from pathway.files import Replacing, beside, checked_target, database_files
from pathway.ports import UnitOfWork
from states.case import ENROLLED, PAUSED, MoveKind
from states.errors import InvalidInput, KivoError, quoted
from states.import_rows import (
    BadRows,
    Header,
    ImportRow,
    NotUtf8Text,
    RowProblem,
    caseworker_keys,
    joined,
    masked,
    neutralise,
    parse_row,
    read_header,
)
from states.messages import N_, Message
from states.records import Case, CaseEvent, Person

CHUNK = 2000
DELIMITERS = (";", ",", "\t")

Reject = Callable[[RowProblem, Sequence[str]], None]
Progress = Callable[[int], None]


@dataclass(frozen=True)
class ImportResult:
    """What an import did: rows read, cases written, and every bad row with its reason."""

    source: str
    rows: int
    imported: int
    rejected: int
    dry_run: bool
    problems: list[RowProblem] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    reject_file: str | None = None
    delimiter: str | None = None


def import_participants(
    kivo: Kivo,
    rows: Iterable[Sequence[str]],
    *,
    source: str = "rows",
    dry_run: bool = False,
    skip_invalid: bool = False,
    on_reject: Reject | None = None,
    on_progress: Progress | None = None,
    chunk: int = CHUNK,
) -> ImportResult:
    """Import rows (the first is the header) from any iterable, e.g. a generator."""
    return import_numbered(
        kivo,
        enumerate(rows, start=1),
        source=source,
        dry_run=dry_run,
        skip_invalid=skip_invalid,
        on_reject=on_reject,
        on_progress=on_progress,
        chunk=chunk,
    )


def import_numbered(
    kivo: Kivo,
    lines: Iterable[tuple[int, Sequence[str]]],
    *,
    source: str,
    dry_run: bool = False,
    skip_invalid: bool = False,
    on_reject: Reject | None = None,
    on_progress: Progress | None = None,
    chunk: int = CHUNK,
) -> ImportResult:
    """Import (line number, cells) pairs; raises ``BadRows`` naming every bad row when
    any is bad and ``skip_invalid`` is not set, after writing nothing."""
    if chunk < 1:
        raise InvalidInput(Message(N_("a chunk holds at least one row")), field="chunk")
    numbered = iter(lines)
    first = next(numbered, None)
    if first is None or not any(cell.strip() for cell in first[1]):
        empty = N_("{source} is empty: the first line must be the header")
        raise InvalidInput(Message(empty, {"source": source}), line=1)
    header = read_header(first[1])
    with kivo.uow() as uow:
        run = _Run(kivo, uow, header, source, on_reject)
        # Bad rows wait in the chunk with the good ones, so that the reject file keeps
        # the file's order although duplicates are found only when the chunk is written.
        pending: list[tuple[ImportRow | RowProblem, Sequence[str]]] = []
        for line, cells in numbered:
            if not any(cell.strip() for cell in cells):
                continue  # blank lines (and a trailing newline) are not rows
            run.rows += 1
            parsed = parse_row(cells, line, header, today=run.today, caseworkers=run.keys)
            pending.append((parsed, cells))
            if len(pending) >= chunk:
                run.write(pending)
                pending.clear()
                if on_progress:
                    on_progress(run.rows)
        run.write(pending)
        if on_progress:
            on_progress(run.rows)
        problems = sorted(run.problems, key=lambda p: p.line)
        if problems and not skip_invalid:
            raise _bad_rows(source, run.rows, problems, dry_run)
        if not dry_run:
            uow.commit()
    return ImportResult(
        source=source,
        rows=run.rows,
        imported=0 if dry_run else run.written,
        rejected=len(problems),
        dry_run=dry_run,
        problems=problems,
        ignored_columns=list(header.ignored),
    )


def import_file(
    kivo: Kivo,
    path: Path,
    *,
    delimiter: str | None = None,
    dry_run: bool = False,
    skip_invalid: bool = False,
    reject_path: Path | None = None,
    on_progress: Callable[[int, int], None] | None = None,
    force: bool = False,
    by: int | None = None,
) -> ImportResult:
    """Import a CSV file (UTF-8 with or without BOM; ``;``, ``,`` or tab, guessed from the
    header unless given). Bad rows go to ``reject_path`` (original cells plus a reason)
    unless this is a dry run; with ``skip_invalid`` and no path, next to the file. An
    existing reject file is replaced only with ``force``; one that is not a regular file
    or is the input itself never (``pathway.files.checked_target``). ``by``: who imports,
    when named a coordinator (an import enrols into every caseload); refused before
    the file is read."""
    if by is not None:
        with kivo.uow(read_only=True) as uow:
            actors.require_coordinator(actors.actor_of(uow, by), "import participants")
    if not path.is_file():
        raise InvalidInput(Message(N_("there is no file {path}"), {"path": path}), field="file")
    if delimiter is not None and delimiter not in DELIMITERS:
        said = Message(
            N_("delimiter {delimiter}: choose ; , or a tab"), {"delimiter": quoted(delimiter)}
        )
        raise InvalidInput(said, field="delimiter")
    if skip_invalid and reject_path is None:
        reject_path = path.with_name(path.stem + ".rejected.csv")
    if dry_run:
        reject_path = None
    if reject_path is not None:
        inputs = [path, *database_files(kivo.database)]
        checked_target(reject_path, option="--reject-file", force=force, inputs=inputs)
    try:
        return _import_file(
            kivo, path, delimiter, dry_run, skip_invalid, reject_path, on_progress, force
        )
    except NotUtf8Text:
        line = first_bad_line(path)
        not_utf8 = N_(
            "line {line} is not UTF-8 text: save the file as CSV UTF-8 (in Excel: Save as → "
            "CSV UTF-8)"
        )
        raise NotUtf8Text(Message(not_utf8, {"line": line}), line=line) from None


def _import_file(
    kivo: Kivo,
    path: Path,
    delimiter: str | None,
    dry_run: bool,
    skip_invalid: bool,
    reject_path: Path | None,
    on_progress: Callable[[int, int], None] | None,
    force: bool,
) -> ImportResult:
    total = path.stat().st_size
    with path.open("rb") as raw, io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") as text:
        first_line = _first_line(text)
        chosen = delimiter or _guess_delimiter(first_line)
        header_cells = next(csv.reader([first_line], delimiter=chosen), [])
        inputs = [path, *database_files(kivo.database)]
        rejects = _RejectFile(reject_path, chosen, header_cells, inputs=inputs, force=force)
        try:
            result = import_numbered(
                kivo,
                read_csv(itertools.chain([first_line], text), chosen),
                source=path.name,
                dry_run=dry_run,
                skip_invalid=skip_invalid,
                on_reject=rejects.write if reject_path else None,
                on_progress=(lambda _rows: on_progress(raw.tell(), total)) if on_progress else None,
            )
        except KivoError:
            rejects.close()  # the bad rows of a refused import are what the person needs
            raise
        except BaseException:
            rejects.discard()
            raise
        rejects.close()
    written = str(reject_path) if reject_path and result.rejected else None
    return ImportResult(
        source=result.source,
        rows=result.rows,
        imported=result.imported,
        rejected=result.rejected,
        dry_run=result.dry_run,
        problems=result.problems,
        ignored_columns=result.ignored_columns,
        reject_file=written,
        delimiter=chosen,
    )


def read_csv(lines: Iterable[str], delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """(line number of the row's first line, cells); quoted newlines keep numbers true."""
    reader = csv.reader(lines, delimiter=delimiter)
    previous = 0
    try:
        for cells in reader:
            yield previous + 1, cells
            previous = reader.line_num
    except csv.Error as error:
        unreadable = N_("line {line}: not a CSV row the import can read ({error})")
        said = {"line": reader.line_num, "error": error}
        raise InvalidInput(Message(unreadable, said), line=reader.line_num) from None
    except UnicodeDecodeError:
        # Text is decoded a block at a time, so the block may start lines earlier;
        # ``import_file`` finds the exact line in the file.
        near = N_(
            "line {line} or near it is not UTF-8 text: save the file as CSV UTF-8 (in Excel: "
            "Save as → CSV UTF-8)"
        )
        raise NotUtf8Text(Message(near, {"line": previous + 1}), line=previous + 1) from None


def _first_line(text: TextIO) -> str:
    try:
        return text.readline()
    except UnicodeDecodeError:  # the first block read holds more than the first line
        said = Message(N_("not UTF-8 text: save the file as CSV UTF-8"))
        raise NotUtf8Text(said, line=1) from None


def first_bad_line(path: Path) -> int:
    """The number of the first line of the file that is not UTF-8 (1 if none is found:
    the error was then in a character split across lines, which cannot happen in UTF-8
    text)."""
    with path.open("rb") as raw:
        for number, data in enumerate(raw, start=1):
            try:
                data.decode("utf-8")
            except UnicodeDecodeError:
                return number
    return 1


def _guess_delimiter(header_line: str) -> str:
    """The separator the header uses most; a header has at least eight of them."""
    counts = {d: header_line.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


class _RejectFile:
    """Bad rows as they were, plus their line and reason in two columns at the end: fixed,
    the file imports again as it is (the import ignores columns it does not know). It is
    written beside its target and renamed into place when the import ends."""

    def __init__(
        self,
        path: Path | None,
        delimiter: str,
        header: Sequence[str],
        *,
        inputs: Sequence[Path],
        force: bool,
    ) -> None:
        self.path, self.delimiter, self.header = path, delimiter, list(header)
        self.inputs, self.force = inputs, force
        self.partial: Replacing | None = None
        self.stream: TextIO | None = None
        self._csv: Any = None

    def write(self, problem: RowProblem, cells: Sequence[str]) -> None:
        if self.path is None:
            return
        if self._csv is None:
            self.partial = beside(
                self.path, option="--reject-file", force=self.force, inputs=self.inputs
            )
            self.stream = self.partial.open_text(encoding="utf-8-sig")
            self._csv = csv.writer(self.stream, delimiter=self.delimiter)
            self._csv.writerow([neutralise(name) for name in (*self.header, "line", "reason")])
        # The row's cells as read (a short row stays short), then line and reason; a cell a
        # spreadsheet would run gets the ``'`` the import takes off again.
        self._csv.writerow([neutralise(str(c)) for c in (*cells, problem.line, problem.reason)])

    def close(self) -> None:
        """Rename the finished file into place (nothing happens without a bad row)."""
        if self.stream is not None:
            self.stream.close()
            self.stream = None
            assert self.partial is not None
            try:
                self.partial.install()
            except BaseException:
                self.partial.discard()
                raise

    def discard(self) -> None:
        if self.stream is not None:
            self.stream.close()
            self.stream = None
            assert self.partial is not None
            self.partial.discard()


class _Run:
    """The state of one import while it streams: counters, problems and the writer."""

    def __init__(
        self, kivo: Kivo, uow: UnitOfWork, header: Header, source: str, on_reject: Reject | None
    ) -> None:
        self.uow, self.source, self.on_reject = uow, source, on_reject
        self.today = kivo.today()
        self.recorded_at = kivo.now()
        active = [(c.id, c.name, c.email) for c in uow.caseworkers.all() if c.active]
        self.keys = caseworker_keys([(i, n, e) for i, n, e in active if i is not None])
        self.before = uow.bulk.last_person_id()
        self.rows = 0
        self.written = 0
        self.problems: list[RowProblem] = []

    def reject(self, problem: RowProblem, cells: Sequence[str]) -> None:
        self.problems.append(problem)
        if self.on_reject is not None:
            self.on_reject(problem, cells)

    def write(self, pending: Sequence[tuple[ImportRow | RowProblem, Sequence[str]]]) -> None:
        """Write a chunk's new participants; a personnummer seen before is a bad row. Bad
        rows are rejected in the chunk's (the file's) order."""
        stored = self.uow.bulk.stored_personnummer(
            [row.personnummer for row, _ in pending if isinstance(row, ImportRow)]
        )
        first_line: dict[str, int] = {}
        fresh: list[ImportRow] = []
        for row, cells in pending:
            if isinstance(row, RowProblem):
                self.reject(row, cells)
                continue
            digits = row.personnummer
            if digits in first_line or digits in stored:
                duplicate = self._duplicate(digits, first_line, stored)
                self.reject(RowProblem.saying(row.line, duplicate), cells)
                continue
            first_line[digits] = row.line
            fresh.append(row)
        if not fresh:
            return
        people = self.uow.bulk.add_people([_person(row) for row in fresh])
        cases = self.uow.bulk.add_cases(
            [_case(row, person_id) for row, person_id in zip(fresh, people, strict=True)]
        )
        events = [
            event
            for row, case_id in zip(fresh, cases, strict=True)
            for event in history_of(row, case_id, self.recorded_at, self.source)
        ]
        self.uow.bulk.add_events(events)
        self.written += len(fresh)

    def _duplicate(
        self, digits: str, first_line: dict[str, int], stored: dict[str, int]
    ) -> Message:
        said = {"masked": masked(digits), "line": first_line.get(digits)}
        if digits in first_line:
            return Message(N_("duplicate personnummer {masked}: also on line {line}"), said)
        if stored[digits] > self.before:
            earlier = N_("duplicate personnummer {masked}: also on an earlier line of this file")
            return Message(earlier, said)
        stored_before = N_(
            "duplicate personnummer {masked}: this person is already in the database"
        )
        return Message(stored_before, said)


def _person(row: ImportRow) -> Person:
    return Person(
        name=row.name,
        personnummer=row.personnummer,
        gender=row.gender,
        birth_year=row.birth_year,
        groups=list(row.groups),
    )


def _case(row: ImportRow, person_id: int) -> Case:
    """The case as enrol, consent, advance and pause would leave it (one version per
    change of the case row after enrolment with consent: the advance, the pause)."""
    state = row.step.slug if row.step else ENROLLED
    return Case(
        person_id=person_id,
        opened_on=row.enrolled_on,
        state=PAUSED if row.paused else state,
        paused_from=state if row.paused else None,
        caseworker_id=row.caseworker_id,
        consent_on=row.consent_on,
        last_move_on=row.step_on if row.step or row.paused else row.enrolled_on,
        version=1 + bool(row.step) + row.paused,
    )


def history_of(row: ImportRow, case_id: int, recorded_at: datetime, source: str) -> list[CaseEvent]:
    """enrolled, then consent, the advance to the current step and the pause in date
    order (consent first on the same day, as a workplace step needs it; the pause after
    the advance); seq numbered from 1."""
    mark = {"imported": True, "source": source, "line": row.line}
    imported = partial(CaseEvent, case_id=case_id, recorded_at=recorded_at, data=mark)
    events = [imported(kind="enrolled", on=row.enrolled_on, to_state=ENROLLED, seq=1)]
    later: list[tuple[int, CaseEvent]] = []
    if row.consent_on is not None:
        later.append((0, imported(kind="consent", on=row.consent_on)))
    state = ENROLLED
    if row.step is not None:
        advance = MoveKind.ADVANCE.value
        later.append(
            (1, imported(kind=advance, on=row.step_on, from_state=state, to_state=row.step.slug))
        )
        state = row.step.slug
    if row.paused:
        pause, why = MoveKind.PAUSE.value, "paused when imported"
        later.append(
            (2, imported(kind=pause, on=row.step_on, from_state=state, to_state=PAUSED, reason=why))
        )
    later.sort(key=lambda ranked: (ranked[1].on, ranked[0]))
    for seq, (_, event) in enumerate(later, start=2):
        event.seq = seq
        events.append(event)
    return events


def _bad_rows(source: str, rows: int, problems: list[RowProblem], dry_run: bool) -> BadRows:
    what = N_("nothing was imported (dry run)") if dry_run else N_("nothing was imported")
    listed = [
        Message(N_("line {line}: {reason}"), {"line": p.line, "reason": p.said or p.reason})
        for p in problems
    ]
    said = {
        "count": len(problems),
        "rows": rows,
        "source": source,
        "what": Message(what),
        "listed": joined(listed, "\n  "),
    }
    head = N_("{count} of {rows} row(s) in {source} are bad; {what}:\n  {listed}")
    return BadRows(
        Message(head, said),
        source=source,
        rows=rows,
        problems=[{"line": p.line, "reason": p.reason} for p in problems],
    )
