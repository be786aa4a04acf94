"""Rapporter: the CLI's reports as pages: a table whose figures link to the cases behind
them (a filtered case list), a bar chart drawn as SVG on the server (no script) with its
text alternative, and the table as CSV or xlsx. A caseworker's reports cover their own
caseload; a coordinator's, every case (``reports.caseload_for``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response

from pathway import reports
from pathway.context import Kivo
from pathway.exporting import table_file
from pathway.report_tables import table_of
from pathway.workspace import SignedIn
from states.calendar_bounds import EARLIEST, LATEST
from states.reports import Funnel, LeadTime, Outcomes, Overdue, TimeInStep
from web.auth import current_caseworker
from web.deps import kivo_of
from web.page_language import current, state_name, step_name, table_in, texts
from web.render import page
from web.texts import REPORT_TITLES

router = APIRouter()

Me = Annotated[SignedIn, Depends(current_caseworker)]
Year = Annotated[int | None, Query(ge=EARLIEST.year, le=LATEST.year)]

REPORTS: dict[str, str] = REPORT_TITLES
MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@router.get("/reports")
def index(request: Request, me: Me) -> Response:
    titles = table_in(current(), "report_titles")
    return page(request, "reports.html", user=me, reports=titles, name=None, found=None)


@router.get("/reports/{name}")
def report(request: Request, me: Me, name: str, year: Year = None) -> Response:
    kivo = kivo_of(request)
    found = _read(kivo, me, name, year)
    titles = table_in(current(), "report_titles")
    return page(
        request,
        "reports.html",
        user=me,
        reports=titles,
        name=name,
        title=titles[name],
        found=found,
        year=year or kivo.today().year,
        today=kivo.today(),
        bars=chart(found, current=_current(found, kivo)),
        download=urlencode({"year": year}) if year else "",
    )


@router.get("/reports/{name}/download")
def download(
    request: Request,
    me: Me,
    name: str,
    format: Annotated[str, Query(pattern="^(csv|xlsx)$")] = "csv",
    year: Year = None,
) -> Response:
    """The report's table as a file (the same rows as the page's table)."""
    table = table_of(name, _read(kivo_of(request), me, name, year))
    body = table_file(name, table.columns, table.rows, format)
    filename = f"{name}-{year}.{format}" if year else f"{name}.{format}"
    return Response(
        body,
        media_type=MEDIA[format],
        headers={"content-disposition": f'attachment; filename="{filename}"'},
    )


def _read(kivo: Kivo, me: SignedIn, name: str, year: int | None) -> Any:
    if name not in REPORTS:
        raise HTTPException(status_code=404)
    mine = reports.caseload_for(kivo, by=me.id)
    return _READERS[name](kivo, year, mine)


def _current(found: Any, kivo: Kivo) -> bool:
    """Whether the figures describe the cases as they are now (a case list shows them as
    they are now: a funnel of a past day links to nothing)."""
    return not isinstance(found, Funnel) or found.on == kivo.today()


_READERS: dict[str, Callable[[Kivo, int | None, int | None], Any]] = {
    "funnel": lambda kivo, year, mine: reports.funnel(kivo, year=year, caseworker_id=mine),
    "outcomes": lambda kivo, year, mine: reports.outcomes(kivo, year=year, caseworker_id=mine),
    "time-in-step": lambda kivo, year, mine: reports.time_in_step(
        kivo, year=year, caseworker_id=mine
    ),
    "lead-time": lambda kivo, year, mine: reports.lead_time(kivo, year=year, caseworker_id=mine),
    "targets": lambda kivo, year, mine: reports.targets(kivo, year=year, caseworker_id=mine),
    "overdue": lambda kivo, year, mine: reports.overdue(kivo, caseworker_id=mine),
}

BAR_HEIGHT, GAP, WIDTH = 22, 6, 420


@dataclass(frozen=True)
class Bar:
    """One figure: its label, its count, the case list behind it (``None``: no list
    shows exactly those cases), and where the chart draws it."""

    label: str
    count: int
    href: str | None
    width: int = 0
    y: int = 0


def chart(found: Any, *, current: bool = True) -> list[Bar]:
    """The report's main figures as bars, scaled to the largest."""
    figures = [(label, count, href if current else None) for label, count, href in _figures(found)]
    top = max((count for _, count, _ in figures), default=0) or 1
    return [
        Bar(label, count, href, round(WIDTH * count / top), i * (BAR_HEIGHT + GAP))
        for i, (label, count, href) in enumerate(figures)
    ]


def cases_url(**filters: Any) -> str:
    """The case list filtered to the cases behind a figure."""
    return "/cases?" + urlencode({k: v for k, v in filters.items() if v is not None})


def _figures(found: Any) -> list[tuple[str, int, str | None]]:
    if isinstance(found, Funnel):
        return [(_state_label(s), n, _state_href(s)) for s, n in found.states.items()]
    if isinstance(found, Outcomes):
        return [
            (
                _outcome_label(r.breakdown, r.outcome),
                r.count,
                cases_url(
                    gender=r.breakdown,
                    outcome=r.outcome,
                    closed_from=found.start,
                    closed_to=found.end,
                ),
            )
            for r in found.rows
        ]
    if isinstance(found, TimeInStep):
        return [
            (
                f"{s.step} {step_name(current(), s.step)}",
                s.open,
                cases_url(step=s.step, status="active"),
            )
            for s in found.steps
        ]
    if isinstance(found, Overdue):
        return [
            (
                r.caseworker or "–",
                r.followups + r.meetings + r.decisions,
                cases_url(caseworker=r.caseworker_id),
            )
            for r in found.caseworkers
        ]
    if isinstance(found, LeadTime):  # no case list shows these exactly: no links
        return [
            (texts.r_first_placements, found.cases, None),
            (texts.r_over_6, found.over_6_months, None),
            (texts.r_over_12, found.over_12_months, None),
            (texts.r_waiting, found.waiting, None),
        ]
    if isinstance(found, list):  # targets
        return [(r.programme, r.started, cases_url(programme=r.programme)) for r in found]
    return []


def _outcome_label(gender: str, outcome: str) -> str:
    genders, outcomes = table_in(current(), "gender_names"), table_in(current(), "outcomes")
    return f"{genders.get(gender, gender)}: {outcomes.get(outcome, outcome)}"


def _state_label(label: str) -> str:
    return state_name(current(), label)


def _state_href(label: str) -> str | None:
    if label.isdigit():
        return cases_url(step=label, status="active")
    if label in ("paused", "exited"):
        return cases_url(status=label)
    return None
