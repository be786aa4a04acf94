"""proposals of cases for places, supervisor courses and the training history

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06 09:00:00

Issue 18 (propose → accept): ``proposal`` records a case proposed for a place and its
answer; two partial unique indexes keep one open proposal per place and case and one
accepted proposal per case. ``supervisor_course`` holds the supervisor training courses
offered, ``supervisor_training`` who completed training when (at a course or not),
append-only as the other histories (triggers refuse UPDATE and DELETE). New tables only.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0015'
down_revision: str | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY_MESSAGE = "supervisor_training is append-only"


def upgrade() -> None:
    op.create_table('supervisor_course',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('on', sa.Date(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['by_id'], ['caseworker.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('supervisor_training',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('supervisor_id', sa.Integer(), nullable=False),
    sa.Column('on', sa.Date(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['by_id'], ['caseworker.id'], ),
    sa.ForeignKeyConstraint(['course_id'], ['supervisor_course.id'], ),
    sa.ForeignKeyConstraint(['supervisor_id'], ['supervisor.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('supervisor_training', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supervisor_training_course_id'), ['course_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_supervisor_training_supervisor_id'), ['supervisor_id'], unique=False)

    op.create_table('proposal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('place_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('proposed_on', sa.Date(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('by_id', sa.Integer(), nullable=True),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('declined_by', sa.String(length=16), nullable=True),
    sa.Column('reason', sa.String(), nullable=True),
    sa.Column('placement_id', sa.Integer(), nullable=True),
    sa.Column('step', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['by_id'], ['caseworker.id'], ),
    sa.ForeignKeyConstraint(['case_id'], ['kivo_case.id'], ),
    sa.ForeignKeyConstraint(['decided_by_id'], ['caseworker.id'], ),
    sa.ForeignKeyConstraint(['place_id'], ['place.id'], ),
    sa.ForeignKeyConstraint(['placement_id'], ['placement.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.create_index('ix_proposal_case_id', ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_proposal_place_id'), ['place_id'], unique=False)
        batch_op.create_index(
            'uq_proposal_accepted_case', ['case_id'], unique=True,
            sqlite_where=sa.text("status = 'accepted'"),
            postgresql_where=sa.text("status = 'accepted'"),
        )
        batch_op.create_index(
            'uq_proposal_open_place_case', ['place_id', 'case_id'], unique=True,
            sqlite_where=sa.text("status = 'open'"),
            postgresql_where=sa.text("status = 'open'"),
        )
    _append_only_triggers()


def _append_only_triggers() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER supervisor_training_no_{action.lower()} BEFORE {action} "
                f"ON supervisor_training BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END"
            )
        return
    op.execute(
        "CREATE FUNCTION supervisor_training_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        f"$$ BEGIN RAISE EXCEPTION '{APPEND_ONLY_MESSAGE}'; END $$"
    )
    op.execute(
        "CREATE TRIGGER supervisor_training_append_only BEFORE UPDATE OR DELETE ON "
        "supervisor_training FOR EACH ROW EXECUTE FUNCTION supervisor_training_append_only()"
    )
    op.execute(  # row triggers do not fire on TRUNCATE
        "CREATE TRIGGER supervisor_training_no_truncate BEFORE TRUNCATE ON supervisor_training "
        "FOR EACH STATEMENT EXECUTE FUNCTION supervisor_training_append_only()"
    )


def _drop_append_only_triggers() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS supervisor_training_no_update")
        op.execute("DROP TRIGGER IF EXISTS supervisor_training_no_delete")
        return
    op.execute("DROP TRIGGER IF EXISTS supervisor_training_no_truncate ON supervisor_training")
    op.execute("DROP TRIGGER IF EXISTS supervisor_training_append_only ON supervisor_training")
    op.execute("DROP FUNCTION IF EXISTS supervisor_training_append_only()")


def downgrade() -> None:
    _drop_append_only_triggers()
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.drop_index('uq_proposal_open_place_case')
        batch_op.drop_index('uq_proposal_accepted_case')
        batch_op.drop_index(batch_op.f('ix_proposal_place_id'))
        batch_op.drop_index('ix_proposal_case_id')
    op.drop_table('proposal')
    with op.batch_alter_table('supervisor_training', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supervisor_training_supervisor_id'))
        batch_op.drop_index(batch_op.f('ix_supervisor_training_course_id'))
    op.drop_table('supervisor_training')
    op.drop_table('supervisor_course')
