"""the access log (loggkontroll)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06 08:40:00

``access_log`` keeps one row per read of a case through the read use cases (given an
actor) and per action on a case: when, who, which case, what, from which address (the
web's client; ``cli`` from the command line). Append-only like the history: triggers
refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL). The rule set's fingerprint of
each move is in the event's data, so this migration adds no column to ``case_event``.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0016'
down_revision: str | None = '0015'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY_MESSAGE = "access_log is append-only"


def upgrade() -> None:
    op.create_table('access_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('caseworker_id', sa.Integer(), nullable=True),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('address', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['caseworker_id'], ['caseworker.id'], ),
    sa.ForeignKeyConstraint(['case_id'], ['kivo_case.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('access_log', schema=None) as batch_op:
        batch_op.create_index('ix_access_log_case', ['case_id', 'id'], unique=False)
        batch_op.create_index('ix_access_log_caseworker', ['caseworker_id', 'id'], unique=False)
        batch_op.create_index('ix_access_log_at', ['at'], unique=False)
    _append_only_triggers()


def _append_only_triggers() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER access_log_no_{action.lower()} BEFORE {action} ON access_log "
                f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END"
            )
        return
    op.execute(
        "CREATE FUNCTION access_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        f"$$ BEGIN RAISE EXCEPTION '{APPEND_ONLY_MESSAGE}'; END $$"
    )
    op.execute(
        "CREATE TRIGGER access_log_append_only BEFORE UPDATE OR DELETE ON access_log "
        "FOR EACH ROW EXECUTE FUNCTION access_log_append_only()"
    )
    op.execute(  # row triggers do not fire on TRUNCATE
        "CREATE TRIGGER access_log_no_truncate BEFORE TRUNCATE ON access_log "
        "FOR EACH STATEMENT EXECUTE FUNCTION access_log_append_only()"
    )


def _drop_append_only_triggers() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS access_log_no_update")
        op.execute("DROP TRIGGER IF EXISTS access_log_no_delete")
        return
    op.execute("DROP TRIGGER IF EXISTS access_log_no_truncate ON access_log")
    op.execute("DROP TRIGGER IF EXISTS access_log_append_only ON access_log")
    op.execute("DROP FUNCTION IF EXISTS access_log_append_only()")


def downgrade() -> None:
    _drop_append_only_triggers()
    with op.batch_alter_table('access_log', schema=None) as batch_op:
        batch_op.drop_index('ix_access_log_at')
        batch_op.drop_index('ix_access_log_caseworker')
        batch_op.drop_index('ix_access_log_case')
    op.drop_table('access_log')
