"""``kivo import``: bring an existing caseload in from a spreadsheet (CSV)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cli import speech
from cli.context import kivo_of
from cli.errors import reports_errors
from cli.options import JsonOption
from cli.output import print_json, say, shown
from states.messages import N_

if TYPE_CHECKING:
    from pathway.importing import ImportResult

import_app = typer.Typer(help="Import participants from a CSV file.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add the ``import`` group to the app."""
    app.add_typer(import_app, name="import")


@import_app.command("participants")
@reports_errors
def participants(
    ctx: typer.Context,
    file: Annotated[
        Path,
        typer.Argument(
            help="CSV file (UTF-8, with or without BOM; ; or , separated) with the columns "
            "name, personnummer, gender, birth_year, groups, caseworker, enrolled_on, step, "
            "consent_on.",
            metavar="FILE",
        ),
    ],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check every row and write nothing.")
    ] = False,
    skip_invalid: Annotated[
        bool,
        typer.Option(
            "--skip-invalid",
            help="Import the good rows and write the bad ones to the reject file "
            "(default: nothing is imported if any row is bad).",
        ),
    ] = False,
    reject_file: Annotated[
        Path | None,
        typer.Option(
            "--reject-file",
            help="Where bad rows go (original row plus line and reason); "
            "default FILE.rejected.csv with --skip-invalid.",
            metavar="FILE",
        ),
    ] = None,
    delimiter: Annotated[
        str | None,
        typer.Option(
            "--delimiter", help="Column separator: ';' or ','; default: guessed from the header."
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Replace the reject file if it exists (never a device, pipe, folder or the "
            "input file).",
        ),
    ] = False,
    json_output: JsonOption = False,
) -> None:
    """Enrol participants from a CSV file: every row is checked first, then all or nothing."""
    from pathway.importing import import_file

    kivo = kivo_of(ctx)
    with _progress(enabled=not json_output and sys.stderr.isatty()) as advance:
        result = import_file(
            kivo,
            file,
            delimiter=delimiter,
            dry_run=dry_run,
            skip_invalid=skip_invalid,
            reject_path=reject_file,
            on_progress=advance,
            force=force,
        )
    if json_output:
        print_json(result)
        return
    _summary(result)


def _summary(result: ImportResult) -> None:
    words = speech.words
    if result.dry_run:
        dry = N_("dry run: {good} of {rows} row(s) in {source} would be imported")
        say(words(dry, good=result.rows - result.rejected, rows=result.rows, source=result.source))
    else:
        done = N_("imported {imported} of {rows} row(s) from {source}")
        say(words(done, imported=result.imported, rows=result.rows, source=result.source))
    if result.ignored_columns:
        say(words(N_("ignored column(s): {columns}"), columns=", ".join(result.ignored_columns)))
    for problem in result.problems:
        reason = speech.say(problem.said) if problem.said else problem.reason
        line = words(N_("  line {line}: {reason}"), line=problem.line, reason=shown(reason))
        print(line, file=sys.stderr)
    if result.reject_file:
        say(
            words(
                N_("{count} bad row(s) written to {file}"),
                count=result.rejected,
                file=result.reject_file,
            )
        )
    elif result.rejected:
        say(words(N_("{count} bad row(s) skipped"), count=result.rejected))


@contextmanager
def _progress(*, enabled: bool) -> Iterator[Callable[[int, int], None] | None]:
    """A progress bar on stderr, only for a person watching (a terminal, not --json)."""
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn

    bar = Progress(
        speech.words(N_("importing")),
        BarColumn(),
        DownloadColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    task = bar.add_task("import", total=None)

    def advance(done: int, total: int) -> None:
        bar.update(task, completed=done, total=total)

    with bar:
        yield advance
