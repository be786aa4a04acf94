"""Reports (the documents behind ``kivo report … --json``), the directory lists
(caseworkers, programmes, workplaces, supervisors) and, for an employer platform with
the read scope, the places workplaces offer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request

from pathway import reports
from pathway.context import Kivo
from pathway.directory import list_caseworkers, list_supervisors, list_workplaces
from pathway.places import PlaceLine, PlaceView, list_places, show_place
from pathway.report_documents import report_document
from pathway.results import plain
from states.calendar_bounds import EARLIEST, LATEST
from states.errors import NotFound
from states.records import Supervisor, Workplace
from web.api.caller import PlaceReader, Reader
from web.api.models import MAX_ID, CaseworkerOut, ProgrammeOut, answers
from web.bearer import Service
from web.deps import kivo_of

router = APIRouter()

Reading = Callable[[Kivo, int | None, int | None], Any]
REPORTS: dict[str, Reading] = {
    "funnel": lambda kivo, year, mine: reports.funnel(kivo, year=year, caseworker_id=mine),
    "outcomes": lambda kivo, year, mine: reports.outcomes(kivo, year=year, caseworker_id=mine),
    "fallbacks": lambda kivo, year, mine: reports.fallbacks(kivo, year=year, caseworker_id=mine),
    "time-in-step": lambda kivo, year, mine: reports.time_in_step(
        kivo, year=year, caseworker_id=mine
    ),
    "lead-time": lambda kivo, year, mine: reports.lead_time(kivo, year=year, caseworker_id=mine),
    "targets": lambda kivo, year, mine: reports.targets(kivo, year=year, caseworker_id=mine),
    "overdue": lambda kivo, year, mine: reports.overdue(kivo, caseworker_id=mine),
}
FUNNEL = {
    "on": "2026-12-31",
    "from": "2026-01-01",
    "to": "2026-12-31",
    "states": {"enrolled": 4, "1": 2, "2": 3},
    "flows": [{"from": "enrolled", "to": "1", "kind": "advance", "count": 6}],
}


PROGRAMME = {
    "code": "PRAKTIK",
    "name_sv": "Arbetspraktik",
    "name_en": "Work practice",
    "steps": [2, 3],
    "default_days": 90,
    "max_total_days": 180,
}
SUPERVISOR = {
    "id": 1,
    "name": "Sven Handledare",
    "workplace_id": 1,
    "trained_on": "2025-05-01",
    "capacity": 2,
    "active": True,
}


REPORT_MODELS = dict[str, Any] | list[dict[str, Any]]
"""A report's document (``pathway.report_documents``): its period as ``from``/``to``, as
``kivo report NAME --json`` prints it; the targets report is a list."""


@router.get(
    "/reports/{name}",
    tags=["reports"],
    responses=answers(FUNNEL, statuses=(403, 404), model=REPORT_MODELS),
)
def report(
    request: Request,
    me: Reader,
    name: Annotated[
        str,
        Path(
            max_length=20,
            description="One of: " + ", ".join(REPORTS),
            json_schema_extra={"enum": list(REPORTS)},
        ),
    ],
    year: Annotated[int | None, Query(ge=EARLIEST.year, le=LATEST.year)] = None,
    caseworker: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> Any:
    """A report, the same document as ``kivo report NAME --json`` (one builder,
    ``pathway.report_documents``): the caller's own caseload, a coordinator's every one
    (or ``caseworker``'s)."""
    reading = REPORTS.get(name)
    if reading is None:
        raise NotFound(f"no report {name[:20]!r}: choose one of {', '.join(REPORTS)}")
    kivo = kivo_of(request)
    mine = reports.caseload_for(kivo, by=me.id, caseworker_id=caseworker)
    return report_document(reading(kivo, year, mine))


@router.get(
    "/caseworkers",
    tags=["lists"],
    responses=answers(
        [{"id": 2, "name": "Hanna", "role": "caseworker", "active": True}],
        model=list[CaseworkerOut],
    ),
)
def caseworkers(request: Request, me: Reader) -> Any:
    """Caseworkers and coordinators (their e-mail addresses are not shown)."""
    return [
        {"id": w.id, "name": w.name, "role": w.role, "active": w.active}
        for w in list_caseworkers(kivo_of(request))
    ]


@router.get(
    "/programmes",
    tags=["lists"],
    responses=answers([PROGRAMME], model=list[ProgrammeOut]),
)
def programmes(request: Request, me: Reader) -> Any:
    """The programmes catalogue the rules judge placements by."""
    return [
        {
            "code": p.code,
            "name_sv": p.name_sv,
            "name_en": p.name_en,
            "steps": sorted(p.steps),
            "default_days": p.default_days,
            "max_total_days": p.max_total_days,
        }
        for p in kivo_of(request).catalogue
    ]


@router.get(
    "/workplaces",
    tags=["lists"],
    responses=answers(
        [{"id": 1, "name": "Bageriet", "employer": "Bageriet AB", "active": True}],
        model=list[Workplace],
    ),
)
def workplaces(request: Request, me: Reader) -> Any:
    """Workplaces where practice and employment happen."""
    return plain(list_workplaces(kivo_of(request)))


@router.get(
    "/supervisors",
    tags=["lists"],
    responses=answers([SUPERVISOR], model=list[Supervisor]),
)
def supervisors(request: Request, me: Reader) -> Any:
    """Supervisors at workplaces, with their training and capacity."""
    return plain(list_supervisors(kivo_of(request)))


PLACE = {
    "id": 4,
    "workplace_id": 1,
    "workplace": "Bageriet i Visby",
    "title": "Bagerilärling",
    "status": "open",
    "status_on": "2026-02-01",
    "steps": [2],
    "programmes": ["PRAKTIK"],
    "positions": 2,
    "taken": 1,
    "free": 1,
    "hours": 30,
    "municipality": "Gotland",
    "earliest_start": "2026-03-01",
}


@router.get(
    "/places", tags=["places"], responses=answers([PLACE], statuses=(404,), model=list[PlaceLine])
)
def places(
    request: Request,
    me: PlaceReader,
    status: Annotated[str | None, Query(max_length=20, description="open (default), …")] = "open",
    step: Annotated[int | None, Query(ge=1, le=9)] = None,
    workplace: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
) -> Any:
    """The places workplaces offer (open ones by default) and their status."""
    found = list_places(
        kivo_of(request), status=status or None, step=step, workplace_id=workplace, limit=limit
    )
    return plain(found)


@router.get(
    "/places/{place_id}",
    tags=["places"],
    responses=answers(PLACE, statuses=(404,), model=PlaceView),
)
def place(
    request: Request, me: PlaceReader, place_id: Annotated[int, Path(ge=1, le=MAX_ID)]
) -> Any:
    """One place: its tasks, requirements, supervisor and history (a service's read:
    without the history, which names the cases that took its positions)."""
    view = show_place(kivo_of(request), place_id)
    return plain(replace(view, history=[]) if isinstance(me, Service) else view)
