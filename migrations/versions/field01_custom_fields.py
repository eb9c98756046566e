"""Fields added from the screen: the definitions table and ``extra`` on every register

``custom_field`` holds the definitions (app/core/customfields.py); each
register table gets ``extra`` (JSON; JSONB with a GIN index on PostgreSQL)
for the values. Idempotent: existing columns/indexes and missing tables are
skipped. Besides the list below (the registers at this revision), any mapped
table with ``search_key`` (a register added by a later branch) is covered.

Revision ID: field01
Revises: letter02
Create Date: 2026-11-26 14:20:00

"""
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "field01"
down_revision = "letter02"
branch_labels = None
depends_on = None

TABLES = [
    'action_item', 'agenda_entry', 'appointment_request', 'citizen_request', 'contact', 'council_briefing',
    'custody_history', 'custody_item', 'duty_slip', 'event', 'gift', 'handover', 'handover_line', 'leave',
    'letter', 'letter_template', 'mayor_order', 'mayor_order_unit', 'mayor_submission', 'meeting',
    'meeting_agenda_item', 'meeting_participant', 'message_template', 'phone_call', 'request_category',
    'sister_city', 'sister_city_activity', 'staff', 'subscription', 'trip', 'unit', 'vehicle', 'visit',
    'wreath_order',
]


def _tables():
    tables = list(TABLES)
    try:  # registers added by later branches
        from flask_appbuilder import Model

        for table in Model.metadata.tables.values():
            if "extra" in table.c and "search_key" in table.c and table.name not in tables:
                tables.append(table.name)
    except Exception:  # pragma: no cover - migrations run without the app
        pass
    return tables


def upgrade():
    bind = op.get_bind()
    inspector = sa.inspect(bind)
    existing = set(inspector.get_table_names())
    pg = bind.dialect.name == "postgresql"
    if "custom_field" not in existing:
        op.create_table(
            "custom_field",
            sa.Column("id", sa.Integer(), nullable=False),
            sa.Column("register", sa.String(length=64), nullable=False),
            sa.Column("key", sa.String(length=40), nullable=False),
            sa.Column("label", sa.String(length=100), nullable=False),
            sa.Column("kind", sa.String(length=20), nullable=False),
            sa.Column("choices", sa.JSON(), nullable=True),
            sa.Column("required", sa.Boolean(), nullable=False),
            sa.Column("help", sa.String(length=300), nullable=True),
            sa.Column("in_list", sa.Boolean(), nullable=False),
            sa.Column("in_form", sa.Boolean(), nullable=False),
            sa.Column("in_show", sa.Boolean(), nullable=False),
            sa.Column("in_search", sa.Boolean(), nullable=False),
            sa.Column("in_filter", sa.Boolean(), nullable=False),
            sa.Column("in_export", sa.Boolean(), nullable=False),
            sa.Column("in_pdf", sa.Boolean(), nullable=False),
            sa.Column("position", sa.Integer(), nullable=False),
            sa.Column("personal", sa.Boolean(), nullable=False),
            sa.Column("active", sa.Boolean(), nullable=False),
            sa.Column("created_at", sa.DateTime(), nullable=True),
            sa.Column("updated_at", sa.DateTime(), nullable=True),
            sa.PrimaryKeyConstraint("id"),
            sa.UniqueConstraint("register", "key", name="uq_custom_field_register_key"),
        )
        op.create_index("ix_custom_field_register", "custom_field", ["register"], unique=False)
    json_type = postgresql.JSONB() if pg else sa.JSON()
    for table in _tables():
        if table not in existing:
            continue
        columns = {c["name"] for c in inspector.get_columns(table)}
        if "extra" not in columns:
            with op.batch_alter_table(table) as batch:
                batch.add_column(sa.Column("extra", json_type, nullable=True))
        indexes = {i["name"] for i in inspector.get_indexes(table)}
        if f"ix_{table}_extra_gin" not in indexes:   # GIN on PostgreSQL (a plain index on SQLite)
            op.create_index(f"ix_{table}_extra_gin", table, ["extra"], unique=False,
                            postgresql_using="gin")


def downgrade():
    bind = op.get_bind()
    inspector = sa.inspect(bind)
    existing = set(inspector.get_table_names())
    for table in _tables():
        if table not in existing:
            continue
        if "extra" in {c["name"] for c in inspector.get_columns(table)}:
            op.execute(f'DROP INDEX IF EXISTS "ix_{table}_extra_gin"')
            with op.batch_alter_table(table) as batch:
                batch.drop_column("extra")
    if "custom_field" in existing:
        op.drop_index("ix_custom_field_register", table_name="custom_field")
        op.drop_table("custom_field")
