"""erasure on request: an erased person's stand-in birth date and the day of erasure

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-06 12:00:00

An erased person (GDPR art. 17) keeps no personnummer. The ESF+ age band at entry was
read from the personnummer's date of birth; ``person.born_on`` holds a stand-in date of
birth instead, drawn at random among those that give the same band at every case's entry
(``states.erasure.stand_in_birth_date``), so the reports count the same and the real date
is gone. ``person.erased_on`` marks the person erased (the day, no one's name).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("person", recreate="never") as batch:
        batch.add_column(sa.Column("born_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("erased_on", sa.Date(), nullable=True))


def downgrade() -> None:
    # Dropped in place (SQLite 3.35+): recreating person would trip the cases' foreign key.
    with op.batch_alter_table("person", recreate="never") as batch:
        batch.drop_column("erased_on")
        batch.drop_column("born_on")
