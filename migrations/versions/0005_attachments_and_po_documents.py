"""attachments, purchase order revisions, addresses and Incoterms

Revision ID: 0005
Revises: 0001
Create Date: 2026-11-28 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0005'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# PostgreSQL: the new tables send change notices like the others (see 0001).
NEW_TABLES = ('attachment_blob', 'attachment', 'purchase_order_revision')


def upgrade() -> None:
    op.create_table('attachment_blob',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('stored_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('sha256', name=op.f('pk_attachment_blob'))
    )
    op.create_table('attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('record_kind', sa.String(length=40), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('record_key', sa.String(length=255), nullable=False),
    sa.Column('file_name', sa.String(length=255), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('added_by', sa.String(length=120), nullable=False),
    sa.Column('added_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['sha256'], ['attachment_blob.sha256'], name=op.f('fk_attachment_sha256_attachment_blob'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachment'))
    )
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.create_index('ix_attachment_record', ['record_kind', 'record_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attachment_sha256'), ['sha256'], unique=False)

    op.create_table('purchase_order_revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=False),
    sa.Column('sent_by', sa.String(length=120), nullable=False),
    sa.Column('snapshot_json', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['purchase_order.id'], name=op.f('fk_purchase_order_revision_order_id_purchase_order'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_purchase_order_revision')),
    sa.UniqueConstraint('order_id', 'revision', name=op.f('uq_purchase_order_revision_order_id_revision'))
    )
    # Adding nullable columns needs no table copy, on SQLite either.
    with op.batch_alter_table('site', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ship_to_address', sa.Text(), nullable=True))

    with op.batch_alter_table('vendor', schema=None) as batch_op:
        batch_op.add_column(sa.Column('address', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('incoterms', sa.String(length=120), nullable=True))

    if op.get_bind().dialect.name == 'postgresql':
        for table in NEW_TABLES:
            op.execute(
                f'CREATE TRIGGER rackbook_change_notice AFTER INSERT OR UPDATE OR DELETE OR '
                f'TRUNCATE ON "{table}" FOR EACH STATEMENT EXECUTE FUNCTION rackbook_notify_change()'
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        for table in NEW_TABLES:
            op.execute(f'DROP TRIGGER IF EXISTS rackbook_change_notice ON "{table}"')
    with op.batch_alter_table('vendor', schema=None) as batch_op:
        batch_op.drop_column('incoterms')
        batch_op.drop_column('address')

    with op.batch_alter_table('site', schema=None) as batch_op:
        batch_op.drop_column('ship_to_address')

    op.drop_table('purchase_order_revision')
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachment_sha256'))
        batch_op.drop_index('ix_attachment_record')

    op.drop_table('attachment')
    op.drop_table('attachment_blob')
