"""the index of a line's deployment holds only the lines reserved for one

Most order lines serve no one deployment: their ``deployment_id`` is NULL, and the index
kept an entry for each, which a 100,000-line import wrote 100,000 times for nothing. The
index now holds the reserved lines alone (a partial index, on SQLite and PostgreSQL alike);
a look-up by deployment (``deployment_id = ...``, and the foreign key's SET NULL when a
deployment is deleted) uses it as before.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 15:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RESERVED = sa.text('deployment_id IS NOT NULL')


def upgrade() -> None:
    op.drop_index('ix_order_line_deployment_id', table_name='order_line')
    op.create_index(
        'ix_order_line_deployment_id',
        'order_line',
        ['deployment_id'],
        sqlite_where=RESERVED,
        postgresql_where=RESERVED,
    )


def downgrade() -> None:
    op.drop_index('ix_order_line_deployment_id', table_name='order_line')
    op.create_index('ix_order_line_deployment_id', 'order_line', ['deployment_id'])
