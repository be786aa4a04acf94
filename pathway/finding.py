"""Finding participants by part of a name or a personnummer: for the ``participant
find`` command and the web workspace's search alike."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pathway.context import Kivo
from states.case import status_of_state
from states.errors import InvalidInput
from states.messages import N_, Hint, Message
from states.personnummer import Personnummer
from states.search import parse_query

DEFAULT_LIMIT = 20
MAX_LIMIT = 500


@dataclass(frozen=True)
class Found:
    """A case whose participant matched; ``mine``: the acting caseworker's own."""

    case_id: int
    person_id: int
    name: str
    personnummer: str | None  # masked
    state: str
    step: int | None
    status: str
    caseworker_id: int | None
    caseworker: str | None
    opened_on: date
    closed_on: date | None
    mine: bool


@dataclass(frozen=True)
class FindResult:
    """What was looked for (``name`` or ``personnummer``), the cases found (the acting
    caseworker's first, then open cases, then by name) and whether more matched than
    ``limit``."""

    by: str
    cases: list[Found]
    limit: int
    more: bool


def find_participants(
    kivo: Kivo, text: str, *, by: int | None = None, limit: int = DEFAULT_LIMIT
) -> FindResult:
    """Cases whose participant's name has words beginning with each word of ``text``
    (accents and case ignored), or whose personnummer is ``text`` in any accepted form."""
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput(
            Message(
                N_("{option} is 1–{most}"), {"option": Hint("limit", "--limit"), "most": MAX_LIMIT}
            ),
            field="limit",
        )
    query = parse_query(text, today=kivo.today())
    with kivo.uow(read_only=True) as uow:
        if by is not None:
            uow.caseworkers.get(by)
        found = uow.finder.find(query, caseworker_id=by, limit=limit + 1)
    cases = [
        Found(
            case_id=f.case_id,
            person_id=f.person_id,
            name=f.name,
            personnummer=Personnummer(f.personnummer).masked() if f.personnummer else None,
            state=f.state,
            step=f.step,
            status=status_of_state(f.state),
            caseworker_id=f.caseworker_id,
            caseworker=f.caseworker,
            opened_on=f.opened_on,
            closed_on=f.closed_on,
            mine=by is not None and f.caseworker_id == by,
        )
        for f in found[:limit]
    ]
    kind = "personnummer" if query.personnummer is not None else "name"
    return FindResult(kind, cases, limit, len(found) > limit)
