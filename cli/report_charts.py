"""Reports drawn as PNG charts (``--plot FILE.png``): matplotlib, from the optional
``plot`` extra (``pip install '.[plot]'``), is imported only when a chart is asked for."""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cli import speech
from cli.report_format import span
from states.errors import InvalidInput
from states.messages import N_, Message

if TYPE_CHECKING:
    from states.reports import Funnel, Outcomes, TargetResult


def _pyplot() -> Any:
    """matplotlib's pyplot on a file-only backend; a clear error when it is missing."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as pyplot
    except ImportError:
        said = N_(
            "drawing charts (--plot) needs matplotlib: in kivo's source folder, "
            "pip install '.[plot]'"
        )
        raise InvalidInput(Message(said), field="plot") from None
    return pyplot


def _save(figure: Any, path: str, pyplot: Any) -> None:
    """The chart drawn in memory, then written beside ``path`` and renamed into place."""
    from typer._click.globals import get_current_context  # Typer's own (vendored) Click

    from pathway.files import database_files, write_private

    context = get_current_context(silent=True)
    database = context.meta.get("kivo.database", "") if context is not None else ""
    figure.tight_layout()
    drawn = io.BytesIO()
    try:
        figure.savefig(drawn, format="png")
        write_private(
            Path(path), drawn.getvalue(), option="--plot", inputs=database_files(database)
        )
    except (OSError, ValueError) as error:
        said = N_("cannot write the chart to {path}: {error}")
        raise InvalidInput(
            Message(said, {"path": repr(path), "error": error}), field="plot"
        ) from None
    finally:
        pyplot.close(figure)
    print(speech.words(N_("chart written to {path}"), path=path), file=sys.stderr)


def plot_funnel(found: Funnel, path: str) -> None:
    pyplot = _pyplot()
    figure, axes = pyplot.subplots(figsize=(8, 4))
    axes.bar(list(found.states), list(found.states.values()), color="#3b6ea5")
    axes.set_title(speech.words(N_("Cases per state on {day}"), day=found.on.isoformat()))
    axes.set_ylabel(speech.words(N_("cases")))
    _save(figure, path, pyplot)


def plot_outcomes(found: Outcomes, path: str) -> None:
    pyplot = _pyplot()
    groups = sorted({r.breakdown for r in found.rows})
    kinds = sorted({r.outcome for r in found.rows})
    counts = {(r.breakdown, r.outcome): r.count for r in found.rows}
    figure, axes = pyplot.subplots(figsize=(8, 4))
    width = 0.8 / max(len(kinds), 1)
    for index, kind in enumerate(kinds):
        axes.bar(
            [g + index * width for g in range(len(groups))],
            [counts.get((group, kind), 0) for group in groups],
            width,
            label=kind,
        )
    axes.set_xticks([g + 0.4 - width / 2 for g in range(len(groups))], groups)
    title = N_("Exits {period} by {by}")
    by = speech.text(found.by)
    axes.set_title(speech.words(title, period=span(found.start, found.end), by=by))
    axes.set_ylabel(speech.words(N_("exits")))
    if kinds:
        axes.legend()
    _save(figure, path, pyplot)


def plot_targets(found: list[TargetResult], path: str) -> None:
    pyplot = _pyplot()
    codes = [r.programme for r in found]
    figure, axes = pyplot.subplots(figsize=(8, 4))
    axes.bar(
        [i - 0.2 for i in range(len(codes))],
        [r.target or 0 for r in found],
        0.4,
        label=speech.words(N_("target")),
    )
    axes.bar(
        [i + 0.2 for i in range(len(codes))],
        [r.started for r in found],
        0.4,
        label=speech.words(N_("started")),
    )
    axes.set_xticks(list(range(len(codes))), codes)
    year = found[0].year if found else ""
    axes.set_title(speech.words(N_("Targets and placements started {year}"), year=year).rstrip())
    axes.legend()
    _save(figure, path, pyplot)
