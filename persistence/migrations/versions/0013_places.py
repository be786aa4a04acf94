"""places an employer offers, their append-only events, and the employer contact log

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 05:00:00

Issue 18 (first half): a workplace offers places (platser) that go contact → agreed →
open → filled or cancelled, each change an event in ``place_event`` (append-only, as
``case_event``: triggers refuse UPDATE and DELETE); ``employer_contact`` logs the dated
contacts with an employer at a workplace and the next step agreed. New tables only.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0013'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY_MESSAGE = "place_event is append-only"


def upgrade() -> None:
    op.create_table('place',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workplace_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('positions', sa.Integer(), nullable=False),
    sa.Column('taken', sa.Integer(), nullable=False),
    sa.Column('steps', sa.JSON(), nullable=False),
    sa.Column('programmes', sa.JSON(), nullable=False),
    sa.Column('tasks', sa.JSON(), nullable=False),
    sa.Column('requirements', sa.JSON(), nullable=False),
    sa.Column('requirements_note', sa.String(), nullable=True),
    sa.Column('hours', sa.Integer(), nullable=True),
    sa.Column('municipality', sa.String(length=200), nullable=True),
    sa.Column('supervisor_id', sa.Integer(), nullable=True),
    sa.Column('earliest_start', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('status_on', sa.Date(), nullable=False),
    sa.Column('created_on', sa.Date(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['supervisor_id'], ['supervisor.id'], ),
    sa.ForeignKeyConstraint(['workplace_id'], ['workplace.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('place', schema=None) as batch_op:
        batch_op.create_index('ix_place_status', ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_place_workplace_id'), ['workplace_id'], unique=False)

    op.create_table('place_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('place_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('from_status', sa.String(length=16), nullable=True),
    sa.Column('to_status', sa.String(length=16), nullable=True),
    sa.Column('on', sa.Date(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(), nullable=True),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['caseworker.id'], ),
    sa.ForeignKeyConstraint(['place_id'], ['place.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('place_id', 'seq', name='uq_place_event_seq')
    )
    with op.batch_alter_table('place_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_place_event_place_id'), ['place_id'], unique=False)

    op.create_table('employer_contact',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('workplace_id', sa.Integer(), nullable=False),
    sa.Column('on', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('note', sa.String(), nullable=False),
    sa.Column('by_id', sa.Integer(), nullable=True),
    sa.Column('next_on', sa.Date(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['by_id'], ['caseworker.id'], ),
    sa.ForeignKeyConstraint(['workplace_id'], ['workplace.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('employer_contact', schema=None) as batch_op:
        batch_op.create_index('ix_employer_contact_workplace_on', ['workplace_id', 'on'], unique=False)
    _append_only_triggers()


def _append_only_triggers() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER place_event_no_{action.lower()} BEFORE {action} ON place_event "
                f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END"
            )
        return
    op.execute(
        "CREATE FUNCTION place_event_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        f"$$ BEGIN RAISE EXCEPTION '{APPEND_ONLY_MESSAGE}'; END $$"
    )
    op.execute(
        "CREATE TRIGGER place_event_append_only BEFORE UPDATE OR DELETE ON place_event "
        "FOR EACH ROW EXECUTE FUNCTION place_event_append_only()"
    )
    op.execute(  # row triggers do not fire on TRUNCATE
        "CREATE TRIGGER place_event_no_truncate BEFORE TRUNCATE ON place_event "
        "FOR EACH STATEMENT EXECUTE FUNCTION place_event_append_only()"
    )


def _drop_append_only_triggers() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS place_event_no_update")
        op.execute("DROP TRIGGER IF EXISTS place_event_no_delete")
        return
    op.execute("DROP TRIGGER IF EXISTS place_event_no_truncate ON place_event")
    op.execute("DROP TRIGGER IF EXISTS place_event_append_only ON place_event")
    op.execute("DROP FUNCTION IF EXISTS place_event_append_only()")


def downgrade() -> None:
    _drop_append_only_triggers()
    with op.batch_alter_table('employer_contact', schema=None) as batch_op:
        batch_op.drop_index('ix_employer_contact_workplace_on')
    op.drop_table('employer_contact')
    with op.batch_alter_table('place_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_place_event_place_id'))
    op.drop_table('place_event')
    with op.batch_alter_table('place', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_place_workplace_id'))
        batch_op.drop_index('ix_place_status')
    op.drop_table('place')
