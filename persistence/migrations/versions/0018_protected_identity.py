"""protected identity (skyddade personuppgifter)

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 12:00:00

``person.protected_initials`` is the flag and the mask at once: ``NULL`` for a person
without protected identity, otherwise the initials (``states.protection.initials``)
every list, export, letter and page shows in place of the name. Set and lifted by a
coordinator with a reason, each change in ``record_change``.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0018'
down_revision: str | None = '0017'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('person', recreate='never') as batch_op:
        batch_op.add_column(sa.Column('protected_initials', sa.String(length=16), nullable=True))


def downgrade() -> None:
    # Not recreated on SQLite (kivo_case refers to person); needs SQLite 3.35 or later.
    with op.batch_alter_table('person', recreate='never') as batch_op:
        batch_op.drop_column('protected_initials')
