"""A report as one table (columns and rows), for a download from the pages as CSV or
xlsx (``pathway.exporting.table_file``: the export's own writers)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields, is_dataclass
from typing import Any

from states.errors import InvalidInput, quoted
from states.messages import N_, Message
from states.reports import Funnel, LeadTime, Outcomes, Overdue, TimeInStep

LEAD_TIME_COLUMNS = ("cases", "median", "p90", "over_6_months", "over_12_months", "waiting")


@dataclass(frozen=True)
class ReportTable:
    name: str
    columns: tuple[str, ...]
    rows: list[dict[str, Any]]


def table_of(name: str, found: Any) -> ReportTable:
    """The rows a report shows: funnel (state, cases), outcomes, time in step, lead
    time (its summary, or one row per breakdown), targets, overdue."""
    if isinstance(found, Funnel):
        rows = [{"state": label, "cases": count} for label, count in found.states.items()]
        return ReportTable(name, ("state", "cases"), rows)
    if isinstance(found, LeadTime) and not found.rows:
        return ReportTable(
            name, LEAD_TIME_COLUMNS, [{c: getattr(found, c) for c in LEAD_TIME_COLUMNS}]
        )
    items = _items(found)
    columns = tuple(f.name for f in fields(items[0])) if items else ()
    return ReportTable(name, columns, [asdict(item) for item in items])


def _items(found: Any) -> list[Any]:
    if isinstance(found, Outcomes | LeadTime):
        return list(found.rows)
    if isinstance(found, TimeInStep):
        return list(found.steps)
    if isinstance(found, Overdue):
        return list(found.caseworkers)
    if isinstance(found, Sequence) and all(is_dataclass(item) for item in found):
        return list(found)
    kind = quoted(type(found).__name__)
    raise InvalidInput(Message(N_("no table for a {kind}"), {"kind": kind}))
