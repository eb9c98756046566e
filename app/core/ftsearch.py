"""The quick search from an index on SQLite: an FTS5 table with the trigram
tokenizer over every register's folded ``search_key`` and ``search_ascii``
(``<table>_fts``, external content, kept in sync by triggers).

``search_filter`` (app/core/register.py) asks ``match_clause`` for each word:
a word of 3 letters or more becomes ``id IN (SELECT rowid FROM <table>_fts
WHERE <table>_fts MATCH 'search_key : "word"')`` — the same substring test as
``search_key LIKE '%word%'`` (both sides are already folded; the tokenizer is
case sensitive so nothing is folded twice). Shorter words, PostgreSQL (which
has trigram GIN indexes) and SQLite builds without FTS5 or its trigram
tokenizer (before 3.34) keep the ``LIKE``.

The tables are created with the register tables (``metadata.create_all``:
tests, benchmark) and by migration ``speed01`` (existing installations, with a
rebuild from the content).
"""
from __future__ import annotations

from sqlalchemy import event, text
from sqlalchemy.orm import Mapper

SUFFIX = "_fts"
MIN_LETTERS = 3
_TABLES: set[str] = set()           # register tables that have the two key columns
_PRESENT: dict[int, set] = {}       # id(engine) -> tables whose FTS table exists
_AVAILABLE: dict[int, bool] = {}    # id(engine) -> the SQLite build has fts5 + trigram


def fts_name(table: str) -> str:
    return f"{table}{SUFFIX}"


def ddl(table: str) -> list[str]:
    fts = fts_name(table)
    cols = "search_key, search_ascii"
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5({cols}, content='{table}', "
        f"content_rowid='id', tokenize='trigram case_sensitive 1')",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_ai AFTER INSERT ON {table} BEGIN "
        f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.id, new.search_key, new.search_ascii); END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_ad AFTER DELETE ON {table} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.id, old.search_key, old.search_ascii); END",
        f"CREATE TRIGGER IF NOT EXISTS {fts}_au AFTER UPDATE OF search_key, search_ascii ON {table} BEGIN "
        f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.id, old.search_key, old.search_ascii); "
        f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.id, new.search_key, new.search_ascii); END",
    ]


def drop_ddl(table: str) -> list[str]:
    fts = fts_name(table)
    return [f"DROP TRIGGER IF EXISTS {fts}_ai", f"DROP TRIGGER IF EXISTS {fts}_ad",
            f"DROP TRIGGER IF EXISTS {fts}_au", f"DROP TABLE IF EXISTS {fts}"]


def available(connection) -> bool:
    """Whether this SQLite build has FTS5 with the trigram tokenizer."""
    key = id(connection.engine)
    if key not in _AVAILABLE:
        ok = False
        if connection.dialect.name == "sqlite":
            try:
                connection.exec_driver_sql(
                    "CREATE VIRTUAL TABLE temp._ozk_fts_probe USING fts5(x, tokenize='trigram')")
                connection.exec_driver_sql("DROP TABLE temp._ozk_fts_probe")
                ok = True
            except Exception:
                ok = False
        _AVAILABLE[key] = ok
    return _AVAILABLE[key]


def _present(connection) -> set:
    key = id(connection.engine)
    if key not in _PRESENT:
        rows = connection.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE '%\\_fts' ESCAPE '\\'").fetchall()
        _PRESENT[key] = {r[0][: -len(SUFFIX)] for r in rows}
    return _PRESENT[key]


def _after_create(table, connection, **kw):
    if connection.dialect.name != "sqlite" or not available(connection):
        return
    for statement in ddl(table.name):
        connection.exec_driver_sql(statement)
    _PRESENT.pop(id(connection.engine), None)


def _before_drop(table, connection, **kw):
    if connection.dialect.name != "sqlite":
        return
    for statement in drop_ddl(table.name):
        connection.exec_driver_sql(statement)
    _PRESENT.pop(id(connection.engine), None)


@event.listens_for(Mapper, "after_mapper_constructed")
def _attach(mapper, class_):
    table = mapper.local_table
    columns = getattr(table, "c", None)
    if columns is None or "search_key" not in columns or "search_ascii" not in columns \
            or "id" not in columns or table.name in _TABLES:
        return
    _TABLES.add(table.name)
    event.listen(table, "after_create", _after_create)
    event.listen(table, "before_drop", _before_drop)


def _quoted(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


def match_clause(session, model, column_name: str, word: str):
    """``model.id IN (SELECT rowid FROM <table>_fts WHERE MATCH …)`` for one
    folded word, or None when the index cannot answer it (LIKE then)."""
    if len(word) < MIN_LETTERS:
        return None
    table = getattr(getattr(model, "__table__", None), "name", None)
    if table not in _TABLES:
        return None
    try:
        bind = session.get_bind()
    except Exception:
        return None
    if bind.dialect.name != "sqlite":
        return None
    engine = getattr(bind, "engine", bind)
    present = _PRESENT.get(id(engine))
    if present is None:
        with engine.connect() as conn:
            present = _present(conn)
    if table not in present:
        return None
    fts = fts_name(table)
    expression = f"{column_name} : {_quoted(word)}"
    param = _param(word, column_name)
    return model.id.in_(text(f"SELECT rowid FROM {fts} WHERE {fts} MATCH :{param}")
                        .bindparams(**{param: expression}))


def _param(word: str, column_name: str) -> str:
    import hashlib

    return "fts_" + hashlib.md5(f"{column_name}:{word}".encode()).hexdigest()[:10]


# ---------------------------------------------------------------------------
# migration helper
# ---------------------------------------------------------------------------

def upgrade_database(op) -> None:
    """(Re)create the FTS tables and triggers of every register table that
    exists, and fill them from the content (SQLite with FTS5 trigram only)."""
    import sqlalchemy as sa

    bind = op.get_bind()
    if bind.dialect.name != "sqlite" or not available(bind):
        return
    inspector = sa.inspect(bind)
    for table in sorted(inspector.get_table_names()):
        columns = {c["name"] for c in inspector.get_columns(table)}
        if not {"id", "search_key", "search_ascii"} <= columns or table.endswith(SUFFIX):
            continue
        for statement in drop_ddl(table) + ddl(table):
            bind.exec_driver_sql(statement)
        bind.exec_driver_sql(f"INSERT INTO {fts_name(table)}({fts_name(table)}) VALUES ('rebuild')")
    _PRESENT.clear()


def downgrade_database(op) -> None:
    import sqlalchemy as sa

    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    for table in sorted(sa.inspect(bind).get_table_names()):
        if table.endswith(SUFFIX):
            for statement in drop_ddl(table[: -len(SUFFIX)]):
                bind.exec_driver_sql(statement)
    _PRESENT.clear()
