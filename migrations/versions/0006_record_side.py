"""correction reasons in the audit trail; change notices for the supply-truth tables

A corrected promised date carries the buyer's reason in its audit entries. The tables that
0002 added announce their changes on PostgreSQL like every other table, so other people's
windows refresh when a deployment, its parts or a site's capacity steps change.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Tables added after 0001 whose changes other windows must hear of (0001 holds the function).
NOTICE_TABLES = ('site_capacity', 'deployment', 'deployment_part', 'scenario')


def upgrade() -> None:
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reason', sa.Text(), nullable=True))
    if op.get_bind().dialect.name == 'postgresql':
        for table in NOTICE_TABLES:
            op.execute(f'DROP TRIGGER IF EXISTS rackbook_change_notice ON "{table}"')
            op.execute(
                f'CREATE TRIGGER rackbook_change_notice AFTER INSERT OR UPDATE OR DELETE OR '
                f'TRUNCATE ON "{table}" FOR EACH STATEMENT EXECUTE FUNCTION '
                f'rackbook_notify_change()'
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        for table in NOTICE_TABLES:
            op.execute(f'DROP TRIGGER IF EXISTS rackbook_change_notice ON "{table}"')
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_column('reason')
