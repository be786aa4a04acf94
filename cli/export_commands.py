"""``kivo export``: cases, history, follow-ups and placements to CSV, JSON Lines or Excel."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli import speech
from cli.context import kivo_of
from cli.errors import reports_errors
from cli.options import JsonOption, parse_date, parse_id
from cli.output import print_json, say
from states.messages import N_

export_app = typer.Typer(
    help="Export data for Excel and other tools (CSV, JSON Lines, xlsx).", no_args_is_help=True
)

FileArg = Annotated[
    Path, typer.Argument(help="The file to write (refused if it exists, unless --force).")
]
FormatOption = Annotated[
    str,
    typer.Option(
        "--format",
        help="csv, jsonl or xlsx (xlsx needs the extra: pip install '.[xlsx]' in kivo's "
        "source folder).",
    ),
]
FromOption = Annotated[
    str | None, typer.Option("--from", help="First day of the period (YYYY-MM-DD).", metavar="DATE")
]
ToOption = Annotated[
    str | None, typer.Option("--to", help="Last day of the period (YYYY-MM-DD).", metavar="DATE")
]
DelimiterOption = Annotated[
    str, typer.Option("--delimiter", help="CSV separator: ',' or ';' (Swedish Excel).")
]
BomOption = Annotated[
    bool, typer.Option("--bom", help="Start the CSV with a UTF-8 BOM, so Excel reads å, ä, ö.")
]
PersonalOption = Annotated[
    bool, typer.Option("--show-personal", help="Write full personnummer (default: masked).")
]
ForceOption = Annotated[bool, typer.Option("--force", help="Replace the file if it exists.")]
ExportBy = Annotated[
    int | None,
    typer.Option(
        "--by",
        help="Your caseworker id (default: KIVO_ACTOR). An export that includes the case "
        "of a person with a protected identity is a coordinator's.",
        envvar="KIVO_ACTOR",
        parser=parse_id,
        metavar="ID",
    ),
]


def register(app: typer.Typer) -> None:
    """Add the ``export`` group to the app."""
    app.add_typer(export_app, name="export")


def _run(
    ctx: typer.Context,
    kind: str,
    file: Path,
    format: str,
    from_day: str | None,
    to_day: str | None,
    delimiter: str,
    bom: bool,
    show_personal: bool,
    force: bool,
    json_output: bool,
    by: int | None,
) -> None:
    from pathway.exporting import export

    result = export(
        kivo_of(ctx),
        kind,
        file,
        format=format.strip().lower(),
        first=parse_date(from_day, "from"),
        last=parse_date(to_day, "to"),
        delimiter=delimiter,
        bom=bom,
        show_personal=show_personal,
        force=force,
        by=by,
    )
    if json_output:
        print_json(result)
        return
    exported = N_("exported {rows} {kind} row(s) to {path}")
    say(speech.words(exported, rows=result.rows, kind=kind, path=result.path))


@export_app.command("cases")
@reports_errors
def cases(
    ctx: typer.Context,
    file: FileArg,
    format: FormatOption = "csv",
    from_day: FromOption = None,
    to_day: ToOption = None,
    delimiter: DelimiterOption = ",",
    bom: BomOption = False,
    show_personal: PersonalOption = False,
    force: ForceOption = False,
    by: ExportBy = None,
    json_output: JsonOption = False,
) -> None:
    """Cases enrolled in the period, with the participant; imports again as it is."""
    _run(
        ctx,
        "cases",
        file,
        format,
        from_day,
        to_day,
        delimiter,
        bom,
        show_personal,
        force,
        json_output,
        by,
    )


@export_app.command("events")
@reports_errors
def events(
    ctx: typer.Context,
    file: FileArg,
    format: FormatOption = "csv",
    from_day: FromOption = None,
    to_day: ToOption = None,
    delimiter: DelimiterOption = ",",
    bom: BomOption = False,
    show_personal: PersonalOption = False,
    force: ForceOption = False,
    by: ExportBy = None,
    json_output: JsonOption = False,
) -> None:
    """Every history event effective in the period, by case and sequence."""
    _run(
        ctx,
        "events",
        file,
        format,
        from_day,
        to_day,
        delimiter,
        bom,
        show_personal,
        force,
        json_output,
        by,
    )


@export_app.command("followups")
@reports_errors
def followups(
    ctx: typer.Context,
    file: FileArg,
    format: FormatOption = "csv",
    from_day: FromOption = None,
    to_day: ToOption = None,
    delimiter: DelimiterOption = ",",
    bom: BomOption = False,
    show_personal: PersonalOption = False,
    force: ForceOption = False,
    by: ExportBy = None,
    json_output: JsonOption = False,
) -> None:
    """Follow-ups, meetings and decisions due in the period."""
    _run(
        ctx,
        "followups",
        file,
        format,
        from_day,
        to_day,
        delimiter,
        bom,
        show_personal,
        force,
        json_output,
        by,
    )


@export_app.command("placements")
@reports_errors
def placements(
    ctx: typer.Context,
    file: FileArg,
    format: FormatOption = "csv",
    from_day: FromOption = None,
    to_day: ToOption = None,
    delimiter: DelimiterOption = ",",
    bom: BomOption = False,
    show_personal: PersonalOption = False,
    force: ForceOption = False,
    by: ExportBy = None,
    json_output: JsonOption = False,
) -> None:
    """Placements starting in the period, with workplace and supervisor."""
    _run(
        ctx,
        "placements",
        file,
        format,
        from_day,
        to_day,
        delimiter,
        bom,
        show_personal,
        force,
        json_output,
        by,
    )
