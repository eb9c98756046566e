"""Work assignment ("İşlerim") and e-mail notification preferences.

Revision ID: assign01
Revises: citizen01
"""
import sqlalchemy as sa
from alembic import op

revision = "assign01"
down_revision = "citizen01"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "assignment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("register", sa.String(length=64), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("view_name", sa.String(length=100), nullable=False),
        sa.Column("register_label", sa.String(length=120), nullable=False),
        sa.Column("reference", sa.String(length=200), nullable=False),
        sa.Column("assigned_to_id", sa.Integer(), nullable=False),
        sa.Column("assigned_by_id", sa.Integer(), nullable=True),
        sa.Column("assigned_at", sa.DateTime(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("done_at", sa.DateTime(), nullable=True),
        sa.Column("done_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["assigned_to_id"], ["ab_user.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["assigned_by_id"], ["ab_user.id"]),
        sa.ForeignKeyConstraint(["done_by_id"], ["ab_user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_assignment_open", "assignment", ["assigned_to_id", "done_at", "due_date"])
    op.create_index("ix_assignment_record", "assignment", ["register", "record_id"])
    op.create_table(
        "notification_preference",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("email_mode", sa.String(length=10), nullable=False),
        sa.Column("digest_sent_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["ab_user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id"),
    )


def downgrade():
    op.drop_table("notification_preference")
    op.drop_index("ix_assignment_record", table_name="assignment")
    op.drop_index("ix_assignment_open", table_name="assignment")
    op.drop_table("assignment")
