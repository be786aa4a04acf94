"""Read-side queries: joins and filters done in SQL, returning plain records."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func
from sqlalchemy import select as core_select
from sqlmodel import Session, col, select

from persistence.protection import shown_name_orm
from persistence.tables import CaseEventRow, CaseRow, CaseworkerRow, PersonRow
from states.case import EXITED, PAUSED, status_of_state
from states.records import CaseSummary


class CaseQueries:
    def __init__(self, session: Session) -> None:
        self.session = session

    def caseload(
        self,
        *,
        step: int | None = None,
        status: str | None = None,
        caseworker_id: int | None = None,
        limit: int | None = None,
    ) -> list[CaseSummary]:
        query = (
            select(CaseRow, shown_name_orm(), CaseworkerRow.name)
            .join(PersonRow, col(PersonRow.id) == CaseRow.person_id)
            .outerjoin(CaseworkerRow, col(CaseworkerRow.id) == CaseRow.caseworker_id)
        )
        if step is not None:
            query = query.where(CaseRow.step == step)
        if status == "exited":
            query = query.where(CaseRow.state == EXITED)
        elif status == "paused":
            query = query.where(CaseRow.state == PAUSED)
        elif status == "active":
            query = query.where(col(CaseRow.state).not_in([EXITED, PAUSED]))
        if caseworker_id is not None:
            query = query.where(CaseRow.caseworker_id == caseworker_id)
        query = query.order_by(col(CaseRow.id)).limit(limit)
        return [_summary(case, name, worker) for case, name, worker in self.session.exec(query)]

    def idle(self, *, caseworker_id: int, last_by: date) -> list[tuple[int, str, int | None, date]]:
        """The caseworker's open cases whose latest event (none: their opening) is on
        or before ``last_by``: ``(case id, name, step, that day)``, the longest idle
        first. One aggregate over the cases' events, however large the caseload."""
        last = func.coalesce(func.max(col(CaseEventRow.on)), col(CaseRow.opened_on))
        query = (
            core_select(col(CaseRow.id), shown_name_orm(), col(CaseRow.step), last)
            .join(PersonRow, col(PersonRow.id) == col(CaseRow.person_id))
            .outerjoin(CaseEventRow, col(CaseEventRow.case_id) == col(CaseRow.id))
            .where(col(CaseRow.caseworker_id) == caseworker_id, col(CaseRow.state) != EXITED)
            .group_by(
                col(CaseRow.id),
                col(PersonRow.name),
                col(PersonRow.protected_initials),
                col(CaseRow.step),
            )
            .having(last <= last_by)
            .order_by(last, col(CaseRow.id))
        )
        return [
            (case_id, name, step, on if isinstance(on, date) else date.fromisoformat(on))
            for case_id, name, step, on in self.session.execute(query)
        ]


def _summary(case: CaseRow, name: str, worker: str | None) -> CaseSummary:
    assert case.id is not None
    return CaseSummary(
        id=case.id,
        name=name,
        state=case.state,
        step=case.step,
        status=status_of_state(case.state),
        caseworker_id=case.caseworker_id,
        caseworker=worker,
        opened_on=case.opened_on,
        outcome=case.outcome,
        version=case.version,
    )
