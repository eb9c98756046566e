"""In-app notifications (the bell).

Revision ID: notify01
Revises: clerk01
"""
import sqlalchemy as sa
from alembic import op

revision = "notify01"
down_revision = "clerk01"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "notification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("text", sa.String(length=300), nullable=False),
        sa.Column("view_name", sa.String(length=100), nullable=True),
        sa.Column("record_id", sa.Integer(), nullable=True),
        sa.Column("read_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["ab_user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_notification_user_unread", "notification", ["user_id", "read_at", "created_at"])


def downgrade():
    op.drop_index("ix_notification_user_unread", table_name="notification")
    op.drop_table("notification")
