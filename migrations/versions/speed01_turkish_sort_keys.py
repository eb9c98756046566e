"""Stored Turkish sort keys: lists sorted by a text column stay fast on SQLite

Every text column declared ``order=True`` gets ``<column>_sort`` (filled with
``app.core.turkish.sort_text``) and the index ``ix_<table>_<column>_sort`` on
(archived, <column>_sort, id); see app/core/sortkeys.py. On SQLite an FTS5
trigram index over the quick-search keys is (re)built as well when the SQLite
build has it (app/core/ftsearch.py).

Idempotent: tables or columns that do not exist are skipped, existing sort
columns are left alone. Besides the list below (the registers at this
revision), any mapped table whose models declare sort keys is covered, so the
migration may be chained after branches that add registers.

Revision ID: speed01
Revises: letter01
Create Date: 2026-11-26 10:50:00

"""
from alembic import op

revision = "speed01"
down_revision = "letter01"
branch_labels = None
depends_on = None

TABLES = {
    'action_item': ['description'],
    'agenda_entry': ['title'],
    'citizen_request': ['citizen_name', 'subject', 'neighbourhood', 'number'],
    'contact': ['kind', 'name', 'title'],
    'custody_item': ['item', 'category', 'serial_no'],
    'duty_slip': ['route', 'state', 'number'],
    'event': ['name', 'place', 'decision'],
    'gift': ['direction', 'item', 'state', 'number'],
    'handover': ['state', 'number'],
    'handover_line': ['description', 'serial', 'status'],
    'leave': ['state'],
    'meeting': ['title', 'place'],
    'meeting_agenda_item': ['topic'],
    'message_template': ['occasion', 'title'],
    'phone_call': ['subject'],
    'request_category': ['name'],
    'sister_city': ['city', 'country'],
    'sister_city_activity': ['title'],
    'staff': ['name', 'title', 'office_role'],
    'subscription': ['publication', 'state', 'number'],
    'trip': ['destination', 'scope', 'state'],
    'unit': ['name', 'head'],
    'vehicle': ['plate', 'make_model'],
    'visit': ['guest_institution', 'origin', 'host'],
    'wreath_order': ['occasion', 'kind', 'state', 'number'],
}


def _tables():
    tables = {name: list(columns) for name, columns in TABLES.items()}
    try:  # registers added by later branches: their declared sort keys too
        from flask_appbuilder import Model

        for table in Model.metadata.tables.values():
            for column in table.c:
                source = (column.info or {}).get("ozk_sort_of")
                if source and source not in tables.setdefault(table.name, []):
                    tables[table.name].append(source)
    except Exception:  # pragma: no cover - migrations run without the app
        pass
    return tables


def upgrade():
    from app.core import sortkeys

    sortkeys.upgrade_database(op, _tables())
    from app.core import ftsearch

    ftsearch.upgrade_database(op)


def downgrade():
    from app.core import ftsearch, sortkeys

    ftsearch.downgrade_database(op)
    sortkeys.downgrade_database(op, _tables())
