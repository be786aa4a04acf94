"""the weekly letter's outbox: one row per person and ISO week

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 02:20:00

The scheduler's daily digest now sends the weekly letter to each caseworker and
coordinator. ``weekly_letter`` holds one row per (person, week), unique, claimed with a
lease like a reminder, so several schedulers send each letter once.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('weekly_letter',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('caseworker_id', sa.Integer(), nullable=False),
    sa.Column('week', sa.String(length=8), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('claimed_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('claimed_by', sa.String(length=64), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.String(), nullable=True),
    sa.ForeignKeyConstraint(['caseworker_id'], ['caseworker.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('caseworker_id', 'week', name='uq_weekly_letter_person_week')
    )


def downgrade() -> None:
    op.drop_table('weekly_letter')
