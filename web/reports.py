"""Rapporter: the CLI's reports as pages (tables, and a bar chart drawn as SVG on the
server with its numbers in the table beside it). A caseworker's reports cover their own
caseload; a coordinator's, every case."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response

from pathway import reports
from pathway.context import Kivo
from pathway.workspace import SignedIn
from states.calendar_bounds import EARLIEST, LATEST
from web.auth import current_caseworker
from web.deps import kivo_of
from web.render import page
from web.texts import REPORT_TITLES, STATE_SV

router = APIRouter()

Me = Annotated[SignedIn, Depends(current_caseworker)]

REPORTS: dict[str, str] = REPORT_TITLES


@router.get("/reports")
def index(request: Request, me: Me) -> Response:
    return page(request, "reports.html", user=me, reports=REPORTS, name=None, found=None)


@router.get("/reports/{name}")
def report(
    request: Request,
    me: Me,
    name: str,
    year: Annotated[int | None, Query(ge=EARLIEST.year, le=LATEST.year)] = None,
) -> Response:
    if name not in REPORTS:
        raise HTTPException(status_code=404)
    kivo = kivo_of(request)
    mine = reports.caseload_for(kivo, by=me.id)
    found = _READERS[name](kivo, year, mine)
    return page(
        request,
        "reports.html",
        user=me,
        reports=REPORTS,
        name=name,
        title=REPORTS[name],
        found=found,
        year=year or kivo.today().year,
        today=kivo.today(),
        bars=_bars(name, found),
    )


def _funnel(kivo: Kivo, year: int | None, mine: int | None) -> Any:
    return reports.funnel(kivo, year=year, caseworker_id=mine)


def _outcomes(kivo: Kivo, year: int | None, mine: int | None) -> Any:
    return reports.outcomes(kivo, year=year, caseworker_id=mine)


def _time_in_step(kivo: Kivo, year: int | None, mine: int | None) -> Any:
    return reports.time_in_step(kivo, year=year, caseworker_id=mine)


def _lead_time(kivo: Kivo, year: int | None, mine: int | None) -> Any:
    return reports.lead_time(kivo, year=year, caseworker_id=mine)


def _targets(kivo: Kivo, year: int | None, mine: int | None) -> Any:
    return reports.targets(kivo, year=year, caseworker_id=mine)


def _overdue(kivo: Kivo, year: int | None, mine: int | None) -> Any:
    return reports.overdue(kivo, caseworker_id=mine)


_READERS: dict[str, Callable[[Kivo, int | None, int | None], Any]] = {
    "funnel": _funnel,
    "outcomes": _outcomes,
    "time-in-step": _time_in_step,
    "lead-time": _lead_time,
    "targets": _targets,
    "overdue": _overdue,
}

BAR_HEIGHT, GAP, WIDTH = 22, 6, 480


def _bars(name: str, found: Any) -> list[dict[str, Any]]:
    """The funnel as bars for the SVG: label, count, width and vertical place."""
    if name != "funnel":
        return []
    counts = list(found.states.items())
    top = max((count for _, count in counts), default=0) or 1
    return [
        {
            "label": label if label.isdigit() else STATE_SV.get(label, label),
            "count": count,
            "width": round(WIDTH * count / top),
            "y": i * (BAR_HEIGHT + GAP),
        }
        for i, (label, count) in enumerate(counts)
    ]
