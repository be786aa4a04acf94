"""Read-side queries: joins and filters done in SQL, returning plain records."""

from __future__ import annotations

from sqlmodel import Session, col, select

from persistence.protection import shown_name_orm
from persistence.tables import CaseRow, CaseworkerRow, PersonRow
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
