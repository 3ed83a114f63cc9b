"""an attached file's bytes stored as they are on PostgreSQL, not compressed again

The files attached to records and import batches (vendor workbooks, PDFs, pictures) are
compressed already. PostgreSQL's default storage for ``attachment_blob.data`` tried to
compress each one again and gave up at the end: measured, storing the 7 MB workbook of a
100,000-line import took 0.12-0.14 s that way and 0.03 s stored as it is (``EXTERNAL``:
out of line, uncompressed). Blobs stored before keep their form; SQLite stores bytes as
they are already.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-08 05:45:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _storage(kind: str) -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(f'ALTER TABLE attachment_blob ALTER COLUMN data SET STORAGE {kind}')


def upgrade() -> None:
    _storage('EXTERNAL')


def downgrade() -> None:
    _storage('EXTENDED')
