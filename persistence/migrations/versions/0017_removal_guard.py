"""the sanctioned removal of personal data: a guard for the append-only tables

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 12:00:00

Erasure on request (GDPR art. 17) and retention (gallring under a retention decision) are
the only sanctioned changes to the append-only tables (``case_event``, ``case_note``,
``place_event``, ``supervisor_training``, ``access_log``). Their triggers now let an UPDATE
or DELETE through only while the transaction holds the guard row in
``removal_in_progress``: the removal inserts it first and deletes it before committing,
so no other transaction ever sees it (PostgreSQL's MVCC; SQLite's single writer), and a
rollback takes it away with everything else. TRUNCATE stays refused on PostgreSQL.

``data_removal`` records each sanctioned removal without personal data: when, which kind
(``erasure`` or ``retention``), under which decision, by whom, on which case and how many
records of each kind were removed or rewritten (``counts``, JSON).
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0017'
down_revision: str | None = '0016'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GUARDED = ("case_event", "case_note", "place_event", "supervisor_training", "access_log")
GUARD = "NOT EXISTS (SELECT 1 FROM removal_in_progress)"


def upgrade() -> None:
    op.create_table('removal_in_progress',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('data_removal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('decision', sa.String(length=200), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('by_id', sa.Integer(), nullable=True),
    sa.Column('counts', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['by_id'], ['caseworker.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('data_removal', schema=None) as batch_op:
        batch_op.create_index('ix_data_removal_at', ['at'], unique=False)
    for table in GUARDED:
        _replace_triggers(table, guarded=True)


def downgrade() -> None:
    for table in GUARDED:
        _replace_triggers(table, guarded=False)
    with op.batch_alter_table('data_removal', schema=None) as batch_op:
        batch_op.drop_index('ix_data_removal_at')
    op.drop_table('data_removal')
    op.drop_table('removal_in_progress')


def _replace_triggers(table: str, *, guarded: bool) -> None:
    message = f"{table} is append-only"
    if op.get_bind().dialect.name == "sqlite":
        when = f"WHEN {GUARD} " if guarded else ""
        for action in ("UPDATE", "DELETE"):
            name = f"{table}_no_{action.lower()}"
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
            op.execute(
                f"CREATE TRIGGER {name} BEFORE {action} ON {table} {when}"
                f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
            )
        return
    # the triggers call the function by name: replacing its body is enough
    let_through = (
        "IF TG_OP <> 'TRUNCATE' AND EXISTS (SELECT 1 FROM removal_in_progress) THEN "
        "IF TG_OP = 'DELETE' THEN RETURN OLD; END IF; RETURN NEW; END IF; "
        if guarded
        else ""
    )
    op.execute(
        f"CREATE OR REPLACE FUNCTION {table}_append_only() RETURNS trigger "
        f"LANGUAGE plpgsql AS $$ BEGIN {let_through}RAISE EXCEPTION '{message}'; END $$"
    )
