"""Ordered signature steps (paraf / imza) and who signs for whom.

Revision ID: sign01
Revises: assign01
"""
import sqlalchemy as sa
from alembic import op

revision = "sign01"
down_revision = "assign01"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "signature_step",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("register", sa.String(length=64), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("role", sa.String(length=64), nullable=False),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("signed_at", sa.DateTime(), nullable=True),
        sa.Column("on_behalf", sa.String(length=4), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["ab_user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("register", "record_id", "position", name="uq_signature_step_position"),
    )
    op.create_index("ix_signature_step_state", "signature_step", ["state"])
    op.create_table(
        "signature_delegation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("for_role", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=4), nullable=False),
        sa.Column("date_from", sa.Date(), nullable=False),
        sa.Column("date_to", sa.Date(), nullable=False),
        sa.Column("registers", sa.String(length=500), nullable=False),
        sa.Column("note", sa.String(length=300), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["ab_user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_signature_delegation_for_role", "signature_delegation", ["for_role"])
    op.create_index("ix_signature_delegation_user_id", "signature_delegation", ["user_id"])


def downgrade():
    op.drop_index("ix_signature_delegation_user_id", table_name="signature_delegation")
    op.drop_index("ix_signature_delegation_for_role", table_name="signature_delegation")
    op.drop_table("signature_delegation")
    op.drop_index("ix_signature_step_state", table_name="signature_step")
    op.drop_table("signature_step")
