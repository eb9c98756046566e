"""Stored Turkish sort keys: every text column declared ``order=True``
(``info=field(..., order=True)``, app/core/declare.py) gets a sibling column
``<column>_sort`` holding ``turkish.sort_text(value)`` and an index
``ix_<table>_<column>_sort`` on ``(archived, <column>_sort, id)``.

SQLite orders by it (``ORDER BY name_sort, id``, binary comparison), so a list
page reads 25 index entries instead of sorting the whole table through the
Python ``TURKISH`` collation. PostgreSQL keeps ``COLLATE "tr-x-icu"`` (and its
ICU indexes); the key is stored there too so that both schemas are the same.

Nothing is declared per register: the columns, indexes and the code that fills
them come from here, for every mapped class whose columns say ``order=True``.
Written on every insert (a column default, so Core inserts get it too) and on
every ORM update; migration ``speed01`` adds and backfills them.
"""
from __future__ import annotations

from sqlalchemy import Column, Index, String, Text, event
from sqlalchemy import inspect
from sqlalchemy.orm import Mapper, deferred

from app.core import turkish

SUFFIX = "_sort"
# {table name: [(source column name, sort column name), ...]}
PAIRS: dict[str, list[tuple[str, str]]] = {}


def _wants_key(column) -> bool:
    spec = (column.info or {}).get("ozk")
    return bool(spec is not None and getattr(spec, "order", False)
                and isinstance(column.type, (String, Text)))


def _default_for(source):
    def default(context):
        if context is None:          # asked outside an INSERT (a generic form's default)
            return None
        return turkish.sort_text(context.get_current_parameters().get(source))
    return default


def sort_columns(table) -> list[tuple[str, str]]:
    """(source, sort column) pairs of a table (by name)."""
    return PAIRS.get(getattr(table, "name", table), [])


def index_name(table_name: str, column: str) -> str:
    return f"ix_{table_name}_{column}{SUFFIX}"


@event.listens_for(Mapper, "after_mapper_constructed")
def _add_sort_columns(mapper, class_):
    table = mapper.local_table
    if table is None or not hasattr(table, "c") or getattr(mapper, "inherits", None) is not None \
            and mapper.local_table is mapper.inherits.local_table:
        return
    for column in list(table.c):
        if not _wants_key(column) or column.name.endswith(SUFFIX):
            continue
        name = column.name + SUFFIX
        if name in table.c:
            continue
        prop = mapper._columntoproperty.get(column) if hasattr(mapper, "_columntoproperty") else None
        attr = getattr(prop, "key", column.key)
        sort_col = Column(name, Text, nullable=True, default=_default_for(column.key),
                          info={"ozk_sort_of": column.name})
        table.append_column(sort_col)
        mapper.add_property(name, deferred(sort_col))   # ordered by, never read
        lead = [table.c.archived] if "archived" in table.c else []
        tail = [table.c.id] if "id" in table.c else []
        Index(index_name(table.name, column.name), *lead, sort_col, *tail)
        PAIRS.setdefault(table.name, []).append((attr, name))


@event.listens_for(Mapper, "before_insert")
def _fill_new(mapper, connection, target):
    for source, name in PAIRS.get(getattr(mapper.local_table, "name", None), ()):
        setattr(target, name, turkish.sort_text(getattr(target, source, None)))


@event.listens_for(Mapper, "before_update")
def _fill_changed(mapper, connection, target):
    pairs = PAIRS.get(getattr(mapper.local_table, "name", None))
    if pairs:
        state = inspect(target)
        for source, name in pairs:
            if state.attrs[source].history.has_changes():
                setattr(target, name, turkish.sort_text(getattr(target, source, None)))


def order_attribute(column):
    """The stored key of an ORM column attribute (``Contact.name`` →
    ``Contact.name_sort``), or None when it has none."""
    class_ = getattr(column, "class_", None)
    key = getattr(column, "key", None)
    if class_ is None or key is None:
        return None
    return getattr(class_, key + SUFFIX, None)


# ---------------------------------------------------------------------------
# migration helper: add, backfill and index the columns on an existing database
# ---------------------------------------------------------------------------

def upgrade_database(op, pairs_by_table: dict) -> None:
    """Idempotent: for each existing table, add the missing ``*_sort`` columns,
    fill them from their source, then create the missing indexes."""
    import sqlalchemy as sa

    bind = op.get_bind()
    inspector = sa.inspect(bind)
    existing_tables = set(inspector.get_table_names())
    for table_name, sources in sorted(pairs_by_table.items()):
        if table_name not in existing_tables:
            continue
        columns = {c["name"] for c in inspector.get_columns(table_name)}
        sources = [s for s in sources if s in columns]
        missing = [s for s in sources if s + SUFFIX not in columns]
        for source in missing:
            op.add_column(table_name, sa.Column(source + SUFFIX, sa.Text(), nullable=True))
        if missing:
            table = sa.table(table_name, sa.column("id"), *[sa.column(s) for s in missing],
                             *[sa.column(s + SUFFIX) for s in missing])
            rows = bind.execute(sa.select(table.c.id, *[table.c[s] for s in missing])).fetchall()
            params = [{"_id": row[0], **{f"_{s}": turkish.sort_text(row[i + 1]) for i, s in enumerate(missing)}}
                      for row in rows]
            if params:
                stmt = (table.update().where(table.c.id == sa.bindparam("_id"))
                        .values({s + SUFFIX: sa.bindparam(f"_{s}") for s in missing}))
                bind.execute(stmt, params)
        indexes = {i["name"] for i in inspector.get_indexes(table_name)}
        lead = ["archived"] if "archived" in columns else []
        for source in sources:
            name = index_name(table_name, source)
            if name not in indexes:
                op.create_index(name, table_name, [*lead, source + SUFFIX, "id"], unique=False)


def downgrade_database(op, pairs_by_table: dict) -> None:
    import sqlalchemy as sa

    inspector = sa.inspect(op.get_bind())
    existing_tables = set(inspector.get_table_names())
    for table_name, sources in sorted(pairs_by_table.items()):
        if table_name not in existing_tables:
            continue
        columns = {c["name"] for c in inspector.get_columns(table_name)}
        indexes = {i["name"] for i in inspector.get_indexes(table_name)}
        with op.batch_alter_table(table_name) as batch_op:
            for source in sources:
                if index_name(table_name, source) in indexes:
                    batch_op.drop_index(index_name(table_name, source))
                if source + SUFFIX in columns:
                    batch_op.drop_column(source + SUFFIX)
