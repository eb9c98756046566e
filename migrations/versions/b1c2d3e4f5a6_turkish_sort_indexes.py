"""Turkish sort indexes (PostgreSQL): ORDER BY name COLLATE "tr-x-icu", id

Revision ID: b1c2d3e4f5a6
Revises: 9eade54e30af
Create Date: 2026-11-25 15:45:00

"""
from alembic import op

revision = "b1c2d3e4f5a6"
down_revision = "9eade54e30af"
branch_labels = None
depends_on = None

TABLES = ("contact", "unit", "staff")


def upgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TABLES:
        op.execute(f'CREATE INDEX IF NOT EXISTS ix_{table}_name_tr ON {table} (name COLLATE "tr-x-icu", id)')


def downgrade():
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TABLES:
        op.execute(f"DROP INDEX IF EXISTS ix_{table}_name_tr")
