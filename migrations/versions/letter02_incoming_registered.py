"""Incoming letters are "Kayıtlı" (registered), not "Taslak": they go through
no approval or signature chain (``Approvable.approval_applies``).

Revision ID: letter02
Revises: speed01
Create Date: 2026-11-26 14:20:00

"""
from alembic import op

revision = "letter02"
down_revision = "speed01"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("UPDATE letter SET state = 'registered' WHERE direction = 'gelen' AND state = 'draft'")


def downgrade():
    op.execute("UPDATE letter SET state = 'draft' WHERE direction = 'gelen' AND state = 'registered'")
