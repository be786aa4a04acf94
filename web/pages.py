"""The pages a caseworker reads: Idag, the case list, the case page, the accessibility
statement, and the two health checks for a load balancer."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response

from pathway import workspace
from pathway.case_page import case_page
from pathway.finding import find_participants
from pathway.listing import list_cases
from pathway.page_reads import page_reads
from pathway.workspace import SignedIn
from states.corrections import CORRECTABLE
from states.errors import InvalidInput, NotFound
from states.listing import ExitFilter
from states.steps import Step
from web import page_language
from web.auth import current_caseworker, reading_as, session_reader
from web.deps import kivo_of
from web.forms import Typed
from web.render import page

router = APIRouter()

Me = Annotated[SignedIn, Depends(current_caseworker)]
Reader = Annotated[int, Depends(session_reader)]
PAGE_SIZE = 50
STEPS = list(Step)
MAX_ID = 999_999_999
"""The largest id an address may name (nine digits, as the CLI's ids): a larger one is
no case, and never reaches the database (where it could overflow the column)."""
STATUSES = ("active", "paused", "exited")
FILTERS = (
    *("step", "status", "caseworker", "programme"),
    *("gender", "outcome", "closed_from", "closed_to"),  # the cases behind an outcome
)


@router.get("/healthz", include_in_schema=False)
def healthz() -> JSONResponse:
    """The process is up."""
    return JSONResponse({"status": "ok"})


@router.get("/readyz", include_in_schema=False)
def readyz(request: Request) -> JSONResponse:
    """The database answers and is at the schema this code expects."""
    from pathway.bootstrap import probe_database

    probe = probe_database(kivo_of(request).database)
    ready = probe.reachable and probe.revision == probe.head
    body = {"status": "ready" if ready else "not ready", "schema": probe.revision}
    if not probe.reachable:
        body["problem"] = "database unreachable"
    elif not ready:
        body["problem"] = f"schema {probe.revision}, expected {probe.head}: run `kivo init`"
    return JSONResponse(body, status_code=200 if ready else 503)


@router.get("/")
def today(request: Request, reader: Reader) -> Response:
    with reading_as(request), page_reads(kivo_of(request), reader) as (me, kivo):
        day = workspace.today_for(kivo, me.id, by=me.id)
    return page(request, "today.html", user=me, today=day)


@router.get("/cases")
def cases(
    request: Request,
    reader: Reader,
    step: Annotated[int | None, Query(ge=1, le=9)] = None,
    status: Annotated[str | None, Query()] = None,
    caseworker: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    programme: Annotated[str | None, Query(max_length=40)] = None,
    after: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    gender: Annotated[str | None, Query(max_length=20)] = None,
    outcome: Annotated[str | None, Query(max_length=30)] = None,
    closed_from: Annotated[date | None, Query()] = None,
    closed_to: Annotated[date | None, Query()] = None,
) -> Response:
    """The case list; ``gender``, ``outcome`` and ``closed_from``/``closed_to``: the
    exited cases behind a figure of the outcomes report."""
    if status not in STATUSES:
        status = None
    exits = {"gender": gender, "outcome": outcome, "first": closed_from, "last": closed_to}
    with reading_as(request), page_reads(kivo_of(request), reader) as (me, kivo):
        listed = list_cases(
            kivo,
            step=step,
            status=status,
            caseworker_id=caseworker if me.coordinator else me.id,
            programme=programme or None,
            limit=PAGE_SIZE,
            after=after,
            by=me.id,
            exited=_exit_filter(exits),
        )
        rows = list(listed)
        details = workspace.row_details(kivo, [row.id for row in rows], by=me.id)
        workers = workspace.active_caseworkers(kivo) if me.coordinator else []
    filters: dict[str, Any] = {
        "step": step,
        "status": status,
        "caseworker": caseworker,
        "programme": programme or None,
        "gender": gender,
        "outcome": outcome,
        "closed_from": closed_from,
        "closed_to": closed_to,
    }
    return page(
        request,
        "cases.html",
        user=me,
        rows=rows,
        details=details,
        more=listed.more,
        last_id=listed.last_id,
        filters=filters,
        next_query=_query(filters, after=listed.last_id),
        first_query=_query(filters),
        steps=list(Step),
        statuses=STATUSES,
        workers=workers,
        programmes=kivo.catalogue.programmes,
        paged=after is not None,
        found=None,
    )


@router.post("/cases/search")
def search(request: Request, me: Me, typed: Typed) -> Response:
    """Search by name or personnummer: a POST, so what was typed never is in an address
    (nor in a server's or proxy's log)."""
    text = typed.get("q", "")
    kivo = kivo_of(request)
    result = find_participants(kivo, text, by=me.id)
    found = [f for f in result.cases if me.coordinator or f.caseworker_id == me.id]
    answer = page(
        request,
        "cases.html",
        user=me,
        rows=[],
        details={},
        more=False,
        last_id=None,
        filters=dict.fromkeys(FILTERS),
        next_query="",
        first_query="",
        steps=list(Step),
        statuses=STATUSES,
        workers=workspace.active_caseworkers(kivo) if me.coordinator else [],
        programmes=kivo.catalogue.programmes,
        paged=False,
        found=found,
        found_more=result.more,
        query=text,
    )
    answer.headers["HX-Replace-Url"] = "/cases"
    return answer


def _exit_filter(exits: dict[str, Any]) -> ExitFilter | None:
    if all(value is None for value in exits.values()):
        return None
    if (exits["first"] is None) != (exits["last"] is None):
        raise InvalidInput("give both closed_from and closed_to, or neither", field="closed_to")
    return ExitFilter(**exits)


def _query(filters: dict[str, Any], **more: Any) -> str:
    from urllib.parse import urlencode

    values = {k: v for k, v in {**filters, **more}.items() if v is not None}
    return urlencode(values)


@router.get("/cases/{case_id}")
def case(request: Request, reader: Reader, case_id: int) -> Response:
    with reading_as(request):
        return case_response(request, reader, case_id)


def case_response(
    request: Request,
    me: SignedIn | int,
    case_id: int,
    status: int = 200,
    *,
    show_personal: bool = False,
    **extra: Any,
) -> Response:
    """The case page; ``me``: who reads (signed in, or the session's id, checked with the
    page's reads); ``extra``: a preview, a refusal and the values typed, after a post.
    Each read is the signed-in caseworker's: checked (another's case: 404) and logged,
    all in one transaction (``pathway.case_page``)."""
    kivo = kivo_of(request)
    if not 1 <= case_id <= MAX_ID:
        raise NotFound.with_id("case", case_id)
    by = me if isinstance(me, int) else me.id
    shown = case_page(kivo, case_id, by=by, show_personal=show_personal)
    answer = page(
        request,
        "case.html",
        status,
        user=shown.reader,
        case=shown.reading.view,
        owners=shown.reading.owners(),
        agenda=shown.agenda,
        notes=shown.notes,
        steps=STEPS,
        supervisor_options=[(s.id, s.name) for s in shown.supervisors],
        programme_options=page_language.programme_options(page_language.current(), kivo.catalogue),
        workplace_names=shown.workplace_names,
        supervisor_names=shown.supervisor_names,
        shown_in_full=show_personal,
        correctable=CORRECTABLE,
        **{"preview": None, "refused": None, "typed": {}, "form": None, **extra},
    )
    if (
        extra or show_personal
    ):  # the answer to a post: htmx shows the case's own address, not the form's
        answer.headers["HX-Replace-Url"] = f"/cases/{case_id}"
    return answer


@router.get("/cases/{case_id}/meetings.ics")
def case_calendar(request: Request, me: Me, case_id: int) -> Response:
    if not 1 <= case_id <= MAX_ID:
        raise NotFound.with_id("case", case_id)
    return Response(
        workspace.case_calendar(kivo_of(request), case_id, by=me.id),
        media_type="text/calendar; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="arende-{case_id}.ics"'},
    )


@router.get("/accessibility")
def accessibility(request: Request) -> Response:
    return page(request, "accessibility.html")
