"""participant profiles, their capabilities, place requirements and areas for matching

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 09:00:00

Issue 18 (matching): ``participant_profile`` holds a person's interests, languages,
licences, certificates and constraints; ``profile_capability`` and
``place_requirement`` hold, one row each, the requirement tags a profile meets and a
place asks for, so that "every requirement met" is set-based; ``place`` gains its
occupational ``areas`` and, derived for the pre-filter, ``area_mask`` and ``top_step``
(backfilled from the places already recorded, as are their requirements).
"""
import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0014'
down_revision: str | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('participant_profile',
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('interests', sa.JSON(), nullable=False),
    sa.Column('languages', sa.JSON(), nullable=False),
    sa.Column('licences', sa.JSON(), nullable=False),
    sa.Column('certificates', sa.JSON(), nullable=False),
    sa.Column('max_hours', sa.Integer(), nullable=True),
    sa.Column('municipality', sa.String(length=60), nullable=True),
    sa.Column('municipality_key', sa.String(length=60), nullable=True),
    sa.Column('adaptations', sa.JSON(), nullable=False),
    sa.Column('interest_mask', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.PrimaryKeyConstraint('person_id')
    )
    op.create_table('profile_capability',
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('capability', sa.String(length=48), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ),
    sa.PrimaryKeyConstraint('person_id', 'capability')
    )
    with op.batch_alter_table('profile_capability', schema=None) as batch_op:
        batch_op.create_index('ix_profile_capability_tag', ['capability', 'person_id'], unique=False)
    op.create_table('place_requirement',
    sa.Column('place_id', sa.Integer(), nullable=False),
    sa.Column('requirement', sa.String(length=48), nullable=False),
    sa.ForeignKeyConstraint(['place_id'], ['place.id'], ),
    sa.PrimaryKeyConstraint('place_id', 'requirement')
    )
    with op.batch_alter_table('place', schema=None) as batch_op:
        batch_op.add_column(sa.Column('areas', sa.JSON(), server_default='[]', nullable=False))
        batch_op.add_column(sa.Column('area_mask', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('top_step', sa.Integer(), server_default='9', nullable=False))
        batch_op.add_column(sa.Column('municipality_key', sa.String(length=200), nullable=True))
    _backfill()


def _backfill() -> None:
    """The places recorded before: their last step and their requirements' rows."""
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, steps, requirements, municipality FROM place")).all()
    for place_id, steps, requirements, municipality in rows:
        steps = json.loads(steps) if isinstance(steps, str) else steps
        requirements = json.loads(requirements) if isinstance(requirements, str) else requirements
        bind.execute(
            sa.text("UPDATE place SET top_step = :top, municipality_key = :key WHERE id = :id"),
            {
                "top": max(steps or [9]),
                "key": " ".join(municipality.split()).casefold() if municipality else None,
                "id": place_id,
            },
        )
        for requirement in sorted(set(requirements or [])):
            bind.execute(
                sa.text("INSERT INTO place_requirement (place_id, requirement) VALUES (:p, :r)"),
                {"p": place_id, "r": requirement},
            )


def downgrade() -> None:
    with op.batch_alter_table('place', schema=None) as batch_op:
        batch_op.drop_column('municipality_key')
        batch_op.drop_column('top_step')
        batch_op.drop_column('area_mask')
        batch_op.drop_column('areas')
    op.drop_table('place_requirement')
    with op.batch_alter_table('profile_capability', schema=None) as batch_op:
        batch_op.drop_index('ix_profile_capability_tag')
    op.drop_table('profile_capability')
    op.drop_table('participant_profile')
