"""a participant's residence-permit date dates the newly-arrived group

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 02:15:00

YA counted "newly arrived" only within 36 months of the residence permit (förordning
2013:1157 6 §): a permanent flag cannot say when that ran out. ``person.permit_date``
(nullable: people enrolled before it, and everyone not newly arrived, have none) is the
date the newly-arrived membership runs from.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('person', recreate='never') as batch:
        batch.add_column(sa.Column('permit_date', sa.Date(), nullable=True))


def downgrade() -> None:
    # Dropped in place (SQLite 3.35+): recreating person would trip the cases' foreign key.
    with op.batch_alter_table('person', recreate='never') as batch:
        batch.drop_column('permit_date')
