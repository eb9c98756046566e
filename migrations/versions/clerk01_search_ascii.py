"""search_ascii on every register: the quick search forgives a keyboard without Turkish letters

Revision ID: clerk01
Revises: approval01
Create Date: 2026-11-26 03:50:00

"""
import sqlalchemy as sa
from alembic import op

revision = "clerk01"
down_revision = "approval01"
branch_labels = None
depends_on = None

TABLES = ["contact", "custody_history", "custody_item", "duty_slip", "event", "gift", "handover",
          "handover_line", "leave", "message_template", "sister_city", "sister_city_activity",
          "staff", "subscription", "trip", "unit", "vehicle", "visit", "wreath_order"]

# search_key is already folded (lower case, I→ı, İ→i); the ASCII key replaces
# the six Turkish letters, with nested replace() that both databases have.
_ASCII = "search_key"
for _tr, _ascii in zip("çğıöşü", "cgiosu"):
    _ASCII = f"replace({_ASCII}, '{_tr}', '{_ascii}')"


def upgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("search_ascii", sa.Text(), nullable=False, server_default=""))
        op.execute(f"UPDATE {table} SET search_ascii = {_ASCII}")
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column("search_ascii", server_default=None)
            batch_op.create_index(f"ix_{table}_ascii_trgm", ["search_ascii"], unique=False,
                                  postgresql_using="gin", postgresql_ops={"search_ascii": "gin_trgm_ops"})


def downgrade():
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(f"ix_{table}_ascii_trgm", postgresql_using="gin",
                                postgresql_ops={"search_ascii": "gin_trgm_ops"})
            batch_op.drop_column("search_ascii")
