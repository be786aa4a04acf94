"""The JSON document of each report: one implementation for ``kivo report NAME --json``
and the API's ``GET /api/v1/reports/NAME``, so a funder's export and an integration
read the same keys. Periods are named ``from`` and ``to`` like the CLI's options, a
move ``from``/``to`` a state, and a target's result carries its share."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from pathway.results import plain
from states.reports import Fallbacks, Flow, Funnel, OutcomeCount, Outcomes, TargetResult


def report_document(found: object) -> Any:
    """The JSON-ready document of a report's result (whatever ``pathway.reports``
    returned): dates as ISO strings, the period as ``from`` and ``to``."""
    if isinstance(found, Funnel):
        return plain(_funnel(found))
    if isinstance(found, Outcomes):
        return plain(_outcomes(found))
    if isinstance(found, Fallbacks):
        return plain(_fallbacks(found))
    if isinstance(found, list) and all(isinstance(row, TargetResult) for row in found):
        return plain([{**asdict(row), "share": target_share(row)} for row in found])
    return periods_as_from_to(found)


def periods_as_from_to(document: Any) -> Any:
    """Every report's JSON names its period ``from`` and ``to``, like the options."""
    data = plain(document)
    if not isinstance(data, dict):
        return data
    names = {"start": "from", "end": "to"}
    return {names.get(key, key): value for key, value in data.items()}


def target_share(row: TargetResult) -> float | None:
    """Placements started as a share of the target (1.0 is the target met); none without
    a target."""
    return round(row.started / row.target, 4) if row.target else None


def _flow(flow: Flow) -> dict[str, Any]:
    return {"from": flow.source, "to": flow.target, "kind": flow.kind, "count": flow.count}


def _funnel(found: Funnel) -> dict[str, Any]:
    return {
        "on": found.on,
        "from": found.start,
        "to": found.end,
        "states": found.states,
        "flows": [_flow(f) for f in found.flows],
    }


def _outcomes(found: Outcomes) -> dict[str, Any]:
    return {
        "from": found.start,
        "to": found.end,
        "by": found.by,
        "total": found.total,
        "rows": [_outcome(found.by, r) for r in found.rows],
    }


def _outcome(by: str, row: OutcomeCount) -> dict[str, Any]:
    ident = {"caseworker_id": row.caseworker_id} if by == "caseworker" else {}
    return {
        **ident,
        by: row.breakdown,
        "outcome": row.outcome,
        "count": row.count,
        "share": row.share,
    }


def _fallbacks(found: Fallbacks) -> dict[str, Any]:
    return {
        "from": found.start,
        "to": found.end,
        "window_days": found.window_days,
        "moves": [_flow(f) for f in found.moves],
        "steps": found.steps,
    }
