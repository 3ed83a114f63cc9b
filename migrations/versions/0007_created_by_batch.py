"""creation by batch: each record an import creates keeps the id of its import batch

DESIGN §5: a record an import creates is recorded by its batch (the row keeps the batch id;
the batch keeps the file, its sha256, the sheet, the user and the time) instead of one audit
entry per created record. The audit trail is carried over as it is: every existing entry
stays, and the records an import created before this version get their batch id from their
creation entry, so their history and the batch's list of what it created read alike for old
and new imports. Going back down writes a creation entry for each record that has only its
batch id, so the older version's history and undo still find it.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The audit trail's entity name of each table an import creates rows in.
ENTITY_TABLES = {
    'sites': 'site',
    'site_capacity': 'site_capacity',
    'vendors': 'vendor',
    'products': 'product',
    'leadtimes': 'lead_time_quote',
    'purchase_orders': 'purchase_order',
    'orders': 'order_line',
    'ppas': 'ppa',
    'customers': 'customer',
    'contracts': 'customer_contract',
    'fxrates': 'fx_rate',
    'deployments': 'deployment',
    'deployment_parts': 'deployment_part',
}


def upgrade() -> None:
    for table in ENTITY_TABLES.values():
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('created_batch_id', sa.Integer(), nullable=True))
    for entity, table in ENTITY_TABLES.items():
        # The record's latest creation entry (SQLite may give a deleted record's id to a new
        # one): its batch when an import made it, else nothing.
        op.execute(
            sa.text(
                f'UPDATE "{table}" SET created_batch_id = ('
                ' SELECT CASE WHEN a.source = \'import\' THEN a.import_batch_id END'
                ' FROM audit_entry a'
                f' WHERE a.entity = :entity AND a.entity_id = "{table}".id'
                ' AND a.action = \'create\''
                ' ORDER BY a.id DESC LIMIT 1)'
            ).bindparams(entity=entity)
        )


def downgrade() -> None:
    for entity, table in ENTITY_TABLES.items():
        op.execute(
            sa.text(
                'INSERT INTO audit_entry (entity, entity_id, entity_key, action, "user", at,'
                ' source, import_batch_id)'
                f' SELECT :entity, t.id, CAST(t.id AS VARCHAR(20)), \'create\', b."user",'
                ' b.started_at, \'import\', b.id'
                f' FROM "{table}" t JOIN import_batch b ON b.id = t.created_batch_id'
                ' WHERE NOT EXISTS (SELECT 1 FROM audit_entry a WHERE a.entity = :entity'
                ' AND a.entity_id = t.id AND a.action = \'create\')'
            ).bindparams(entity=entity)
        )
    for table in ENTITY_TABLES.values():
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('created_batch_id')
