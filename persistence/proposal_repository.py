"""Proposals of cases for places, supervisor courses and the training history."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import update
from sqlmodel import col, select

from persistence.mapping import copy_onto, to_record
from persistence.proposal_tables import ProposalRow, SupervisorCourseRow, SupervisorTrainingRow
from persistence.repositories import _Repository
from persistence.tables import CaseRow
from states.courses import SupervisorCourse, SupervisorTraining
from states.errors import NotFound
from states.proposals import Proposal, ProposalStatus


class ProposalRepository(_Repository[Proposal, ProposalRow]):
    record, row, noun = Proposal, ProposalRow, "proposal"

    def locked(self, proposal_id: int) -> Proposal:
        """The proposal, its row locked (PostgreSQL; SQLite's writer holds the write lock
        already), so two answers to one proposal queue."""
        query = select(ProposalRow).where(ProposalRow.id == proposal_id).with_for_update()
        row = self.session.exec(query).first()
        if row is None:
            raise NotFound.with_id("proposal", proposal_id)
        self._loaded[proposal_id] = row
        return to_record(row, Proposal)

    def save(self, record: Proposal) -> None:
        row = self._row(record.id)
        if row is None:
            raise NotFound.with_id("proposal", record.id)
        copy_onto(row, record)
        self.session.flush()

    def open_for(self, place_id: int, case_id: int) -> Proposal | None:
        query = select(ProposalRow).where(
            ProposalRow.place_id == place_id,
            ProposalRow.case_id == case_id,
            ProposalRow.status == ProposalStatus.OPEN.value,
        )
        row = self.session.exec(query).first()
        return None if row is None else to_record(row, Proposal)

    def accepted_of_case(self, case_id: int) -> Proposal | None:
        """The case's accepted proposal (at most one), its row locked."""
        query = (
            select(ProposalRow)
            .where(
                ProposalRow.case_id == case_id,
                ProposalRow.status == ProposalStatus.ACCEPTED.value,
            )
            .with_for_update()
        )
        row = self.session.exec(query).first()
        if row is None:
            return None
        assert row.id is not None
        self._loaded[row.id] = row
        return to_record(row, Proposal)

    def accepted_of_cases(self, case_ids: Sequence[int]) -> list[Proposal]:
        """The accepted proposals of the cases (one each at most), their rows locked, in
        one statement: what a move of many cases may release."""
        if not case_ids:
            return []
        query = (
            select(ProposalRow)
            .where(
                col(ProposalRow.case_id).in_(list(case_ids)),
                ProposalRow.status == ProposalStatus.ACCEPTED.value,
            )
            .order_by(col(ProposalRow.id))
            .with_for_update()
        )
        found = []
        for row in self.session.exec(query).all():
            assert row.id is not None
            self._loaded[row.id] = row
            found.append(to_record(row, Proposal))
        return found

    def close_open_for_place(self, place_id: int, on: date, reason: str, by: int | None) -> int:
        """Close every open proposal of a place in one statement; how many."""
        statement = (
            update(ProposalRow)
            .where(
                col(ProposalRow.place_id) == place_id,
                col(ProposalRow.status) == ProposalStatus.OPEN.value,
            )
            .values(
                status=ProposalStatus.CLOSED.value,
                decided_on=on,
                decided_by_id=by,
                reason=reason,
            )
            .execution_options(synchronize_session=False)
        )
        result = self.session.execute(statement)
        return int(result.rowcount or 0)  # type: ignore[attr-defined]

    def listing(
        self,
        *,
        place_id: int | None = None,
        case_id: int | None = None,
        status: str | None = None,
        limit: int | None = None,
        caseworker_id: int | None = None,
    ) -> list[Proposal]:
        """Proposals, oldest first (``caseworker_id``: of that caseworker's cases)."""
        query = select(ProposalRow).order_by(col(ProposalRow.id))
        if caseworker_id is not None:
            query = query.join(CaseRow, col(CaseRow.id) == col(ProposalRow.case_id)).where(
                CaseRow.caseworker_id == caseworker_id
            )
        if place_id is not None:
            query = query.where(ProposalRow.place_id == place_id)
        if case_id is not None:
            query = query.where(ProposalRow.case_id == case_id)
        if status is not None:
            query = query.where(ProposalRow.status == status)
        if limit is not None:
            query = query.limit(limit)
        return [to_record(row, Proposal) for row in self.session.exec(query).all()]


class SupervisorCourseRepository(_Repository[SupervisorCourse, SupervisorCourseRow]):
    record, row, noun = SupervisorCourse, SupervisorCourseRow, "supervisor course"

    def listing(self) -> list[SupervisorCourse]:
        """Courses by day, then as recorded."""
        query = select(SupervisorCourseRow).order_by(
            col(SupervisorCourseRow.on), col(SupervisorCourseRow.id)
        )
        return [to_record(row, SupervisorCourse) for row in self.session.exec(query).all()]

    def attendance(self) -> dict[int, int]:
        """How many supervisors completed each course (none: left out)."""
        from sqlalchemy import func

        query = (
            select(col(SupervisorTrainingRow.course_id), func.count())
            .where(col(SupervisorTrainingRow.course_id).is_not(None))
            .group_by(col(SupervisorTrainingRow.course_id))
        )
        rows = self.session.exec(query).all()
        return {int(course): int(n) for course, n in rows if course is not None}


class SupervisorTrainingRepository(_Repository[SupervisorTraining, SupervisorTrainingRow]):
    record, row, noun = SupervisorTraining, SupervisorTrainingRow, "supervisor training"

    def of_supervisors(self, supervisor_ids: Sequence[int]) -> dict[int, list[SupervisorTraining]]:
        """Each supervisor's completed trainings, earliest first (none: left out)."""
        found: dict[int, list[SupervisorTraining]] = {}
        if not supervisor_ids:
            return found
        query = (
            select(SupervisorTrainingRow)
            .where(col(SupervisorTrainingRow.supervisor_id).in_(list(supervisor_ids)))
            .order_by(col(SupervisorTrainingRow.on), col(SupervisorTrainingRow.id))
        )
        for row in self.session.exec(query).all():
            found.setdefault(row.supervisor_id, []).append(to_record(row, SupervisorTraining))
        return found

    def attended(self, supervisor_id: int, course_id: int) -> bool:
        query = select(SupervisorTrainingRow.id).where(
            SupervisorTrainingRow.supervisor_id == supervisor_id,
            SupervisorTrainingRow.course_id == course_id,
        )
        return self.session.exec(query).first() is not None
