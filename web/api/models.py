"""The API's request bodies, each with an example for the OpenAPI document, and the
examples of its answers. Dates are ISO days within kivo's calendar; free text is
refused when it carries characters a terminal acts on (as at the CLI)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from pathway.results import NextMove
from states.calendar_bounds import check_day
from states.errors import InvalidInput
from states.text import checked_text

MAX_ID = 999_999_999


def _day(value: date) -> date:
    try:
        return check_day(value, "date")
    except InvalidInput as error:
        raise ValueError(error.message) from None


def _text(value: str) -> str:
    try:
        return checked_text(value, "text", multiline=True)
    except InvalidInput as error:
        raise ValueError(error.message) from None


Day = Annotated[date, AfterValidator(_day)]
Text = Annotated[str, Field(max_length=4000), AfterValidator(_text)]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Version = Annotated[int, Field(ge=0, le=MAX_ID, description="The case's version read.")]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class MoveIn(Body):
    """A move of the case: ``to`` a step (number or slug) advances or falls back,
    ``paused`` pauses, the step a paused case came from resumes it, ``exited`` exits."""

    to: int | Annotated[str, Field(max_length=40)]
    on: Day | None = None
    workplace: Id | None = None
    supervisor: Id | None = None
    programme: Annotated[str, Field(max_length=40)] | None = None
    until: Day | None = None
    reason: Text | None = None
    override: Text | None = None
    outcome: Annotated[str, Field(max_length=40)] | None = Field(
        default=None, description="An exit's outcome: employed, studies, job-seeking …"
    )
    qualification: bool = False
    dry_run: bool = Field(default=False, description="Judge the move; write nothing.")
    expected_version: Version | None = None

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "to": 2,
                    "on": "2026-03-02",
                    "workplace": 1,
                    "supervisor": 1,
                    "programme": "PRAKTIK",
                    "until": "2026-05-29",
                    "expected_version": 3,
                },
                {"to": "information", "reason": "the practice ended early"},
                {"to": "exited", "outcome": "employed"},
            ]
        },
    )


class SearchIn(Body):
    q: Annotated[str, Field(min_length=1, max_length=100)]
    limit: Annotated[int, Field(ge=1, le=500)] = 20

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"q": "Lind"}, {"q": "19900101-1234"}]}
    )


class EnrolIn(Body):
    name: Annotated[str, Field(min_length=1, max_length=200)]
    personnummer: Annotated[str, Field(max_length=20)] | None = None
    gender: Annotated[str, Field(max_length=20)] = "unknown"
    birth_year: Annotated[int, Field(ge=1900, le=2199)] | None = None
    caseworker: Id | None = Field(
        default=None, description="Whose caseload (a coordinator may name anyone)."
    )
    consent: bool = False
    on: Day | None = None

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {"name": "Sara Lind", "gender": "woman", "consent": True, "on": "2026-03-02"}
            ]
        },
    )


class ConsentIn(Body):
    withdraw: bool = False
    on: Day | None = None
    expected_version: Version | None = None

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"on": "2026-03-02"}]}
    )


class FollowupIn(Body):
    due: Day
    title: Annotated[str, Field(min_length=1, max_length=200)]
    expected_version: Version | None = None

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"due": "2026-04-01", "title": "Ring arbetsgivaren"}]},
    )


class FollowupDoneIn(Body):
    on: Day | None = None
    notes: Text | None = None
    finding: Annotated[str, Field(max_length=40)] | None = None

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"on": "2026-04-01", "finding": "employed"}]},
    )


class MeetingIn(Body):
    at: Annotated[str, Field(max_length=40, description="YYYY-MM-DDTHH:MM, Swedish time")]
    supervisor: Id | None = None

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"at": "2026-03-10T10:00"}]}
    )


class MeetingRecordIn(Body):
    outcome: Annotated[str, Field(max_length=20, description="held, no-show or cancelled")]
    notes: Text | None = None

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"outcome": "held", "notes": "Alla nöjda."}]},
    )


class MeetingMoveIn(Body):
    at: Annotated[str, Field(max_length=40)]
    reason: Text | None = None
    expected_version: Version | None = None

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"at": "2026-03-12T13:00", "reason": "sjuk"}]},
    )


class PlacementIn(Body):
    """``start`` opens the placement of a case in a workplace step without one;
    ``extend``, ``end`` and ``supervisor`` change the open one."""

    action: Annotated[str, Field(max_length=20, description="start, extend, end or supervisor")]
    on: Day | None = None
    until: Day | None = None
    reason: Text | None = None
    override: Text | None = None
    workplace: Id | None = None
    supervisor: Id | None = None
    programme: Annotated[str, Field(max_length=40)] | None = None
    expected_version: Version | None = None

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"action": "extend", "until": "2026-06-30", "reason": "behöver mer tid"}]
        },
    )


class NoteIn(Body):
    text: Annotated[Text, Field(min_length=1)]

    model_config = ConfigDict(
        extra="forbid", json_schema_extra={"examples": [{"text": "Ringde, mår bra."}]}
    )


class ViolationOut(BaseModel):
    code: str
    message: str
    severity: str = Field(description="blocking or warning")


class ErrorOut(BaseModel):
    """Every error answer: a stable ``code`` and a sentence; ``field`` names the bad
    input, ``violations`` every rule that refused (422)."""

    code: str
    message: str
    field: str | None = None
    violations: list[ViolationOut] | None = None
    next: list[dict[str, Any]] | None = None


class CaseRow(BaseModel):
    """A case in a list (``participant list --json``); a search's rows add the masked
    personnummer and leave out the version and outcome."""

    id: int
    name: str
    state: str
    step: int | None
    status: str
    caseworker_id: int | None
    caseworker: str | None
    opened_on: date
    outcome: str | None = None
    version: int | None = None
    personnummer: str | None = None


class CasePage(BaseModel):
    cases: list[CaseRow]
    more: bool
    next_after: int | None = Field(description="Pass as ``after`` for the next page.")


class CaseworkerOut(BaseModel):
    id: int
    name: str
    role: str
    active: bool


class ProgrammeOut(BaseModel):
    code: str
    name_sv: str
    name_en: str
    steps: list[int]
    default_days: int | None
    max_total_days: int


class ConsentGiven(BaseModel):
    case_id: int
    consent_on: date


class NextMoves(BaseModel):
    case_id: int
    state: str
    step: int | None
    version: int
    next: list[NextMove]


def answers(
    example: Any,
    *,
    statuses: tuple[int, ...] = (),
    ok: int = 200,
    model: Any = None,
) -> dict[int | str, Any]:
    """An endpoint's answers for the OpenAPI document: ``ok`` with ``example`` (and the
    ``model`` it follows: documented, while the answer is the use case's own JSON, as
    the CLI prints it), and the error statuses it gives, each with an example error."""
    success: dict[str, Any] = {"content": {"application/json": {"example": example}}}
    if model is not None:
        success["model"] = model
    found: dict[int | str, Any] = {ok: success}
    for status in sorted({400, 401, 403, *statuses}):
        found[status] = {
            "description": ERRORS[status][0],
            "model": ErrorOut,
            "content": {"application/json": {"example": ERRORS[status][1]}},
        }
    return found


ERRORS: dict[int, tuple[str, dict[str, Any]]] = {
    400: ("Bad input", {"code": "invalid-input", "message": "unknown step 'x'", "field": "step"}),
    401: ("No valid sign-in or token", {"code": "invalid-token", "message": "…"}),
    403: (
        "Refused: the token's scope, the caller's role, or a session's missing CSRF token",
        {"code": "insufficient-scope", "message": "the bearer token lacks the scope kivo.write"},
    ),
    404: ("Unknown, or not the caller's", {"code": "not-found", "message": "no case with id 9"}),
    409: (
        "Someone changed the case first",
        {"code": "conflict", "message": "case 3 is at version 4, not 3: reload and retry"},
    ),
    422: (
        "Refused by the rules",
        {
            "code": "refused",
            "message": "the move is refused",
            "violations": [
                {
                    "code": "consent-required",
                    "message": "consent must be recorded before a workplace step",
                    "severity": "blocking",
                }
            ],
        },
    ),
}

CASE_ROW = {
    "id": 3,
    "name": "Sara Lind",
    "state": "short-practice",
    "step": 2,
    "status": "active",
    "caseworker_id": 2,
    "caseworker": "Hanna Handläggare",
    "opened_on": "2026-01-12",
    "outcome": None,
    "version": 4,
}
NEXT_MOVE = {
    "step": 5,
    "slug": "vocational-training",
    "needs": [],
    "warnings": [],
}
CASE = {
    **{k: v for k, v in CASE_ROW.items() if k != "caseworker"},
    "person_id": 3,
    "personnummer": "19900101-****",
    "gender": "woman",
    "birth_year": 1990,
    "groups": [],
    "paused_from": None,
    "caseworker": "Hanna Handläggare",
    "closed_on": None,
    "consent_on": "2026-01-12",
    "history": [],
    "next": [NEXT_MOVE],
    "owners": [{"caseworker_id": 2, "from": "2026-01-12", "to": None}],
}
MOVE = {
    "case_id": 3,
    "kind": "advance",
    "from_state": "information",
    "to_state": "short-practice",
    "step": 2,
    "on": "2026-03-02",
    "version": 5,
    "dry_run": False,
    "warnings": [],
    "overridden": [],
    "placement_id": 7,
}
