"""Database glue that both SQLite and PostgreSQL need.

* ``tr_fold(text)`` exists as an SQL function on both: on SQLite it is the
  Python fold registered per connection; on PostgreSQL it is an immutable SQL
  function created by the first migration (so it can back an index).
* Turkish ordering: ``COLLATE "tr-x-icu"`` on PostgreSQL, the ``TURKISH``
  collation (Python) on SQLite.
"""
from __future__ import annotations

import contextlib
import contextvars
import sqlite3

from sqlalchemy import event, func
from sqlalchemy.engine import Engine

from app.core import turkish

# -- prepared statements on PostgreSQL ---------------------------------------
# psycopg's automatic preparation is off (app/__init__.py): a prepared search
# may get a generic plan that ignores the term. Planning, though, was most of
# what PostgreSQL spent on the fixed-shape statements a page runs (the home
# page: 11 of 16 ms over 12 statements). Such statements ask for a prepared
# plan: one statement with ``.execution_options(**PREPARED)``, or everything a
# block runs with ``with prepared_plans():`` (used where no user-typed term
# reaches SQL: the home page, a record's page by its number, load_user).
PREPARED = {"ozk_prepared": True}
_PREPARE_ALL = contextvars.ContextVar("ozk_prepare_all", default=False)


@contextlib.contextmanager
def prepared_plans():
    token = _PREPARE_ALL.set(True)
    try:
        yield
    finally:
        _PREPARE_ALL.reset(token)


def _keep_prepared_connection_class():
    """A psycopg connection that keeps its prepared statements across a
    rollback. psycopg forgets them all on ROLLBACK (to be safe when the
    rolled-back transaction changed the schema), and every request ends with
    one (the pool's reset of a read), so nothing prepared would outlive its
    request. A prepared statement is not transactional in PostgreSQL; the
    schema only changes in migrations, and a DROP or ALTER still makes
    psycopg forget them (its own check, unchanged)."""
    import psycopg
    from psycopg._preparing import PrepareManager

    class _Manager(PrepareManager):
        keep = False

        def clear(self) -> bool:
            if self.keep:
                return False
            return super().clear()

    class KeepPreparedConnection(psycopg.Connection):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            manager = _Manager()
            manager.prepare_threshold = self._prepared.prepare_threshold
            manager.prepared_max = self._prepared.prepared_max
            self._prepared = manager

        def rollback(self) -> None:
            self._prepared.keep = True
            try:
                super().rollback()
            finally:
                self._prepared.keep = False

    return KeepPreparedConnection


_KEEP_PREPARED = []


@event.listens_for(Engine, "do_connect")
def _connect_keeping_prepared(dialect, connection_record, cargs, cparams):
    if dialect.driver != "psycopg":
        return None
    if not _KEEP_PREPARED:
        _KEEP_PREPARED.append(_keep_prepared_connection_class())
    return _KEEP_PREPARED[0].connect(*cargs, **cparams)


@event.listens_for(Engine, "do_execute")
def _execute_prepared(cursor, statement, parameters, context):
    if context.dialect.driver != "psycopg":
        return None
    if not (_PREPARE_ALL.get() or context.execution_options.get("ozk_prepared")):
        return None
    cursor.execute(statement, parameters, prepare=True)
    return True


@event.listens_for(Engine, "connect")
def _sqlite_setup(dbapi_connection, connection_record):  # pragma: no cover - glue
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.create_function("tr_fold", 1, turkish.fold, deterministic=True)
        dbapi_connection.create_collation("TURKISH", turkish.collate)
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        # WAL with synchronous=NORMAL: a commit no longer waits for an fsync
        # (only checkpoints do). Still safe from corruption on a crash; a power
        # cut may lose the last few commits. Each page's audit write was paying
        # ~2.6 ms for that fsync (issue 19).
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.close()


def collation_for(dialect_name: str) -> str:
    return "tr-x-icu" if dialect_name == "postgresql" else "TURKISH"


def turkish_order(column, dialect_name: str):
    """Turkish alphabetical order of a text column: on SQLite its stored,
    indexed key when it has one (``name_sort``, app/core/sortkeys.py), else
    the ``TURKISH`` collation; on PostgreSQL ``COLLATE "tr-x-icu"``."""
    if dialect_name == "sqlite":
        from app.core.sortkeys import order_attribute

        stored = order_attribute(column)
        if stored is not None:
            return stored
    return column.collate(collation_for(dialect_name))


def fold_sql(column):
    return func.tr_fold(column)


PG_FOLD_FUNCTION = (
    "CREATE OR REPLACE FUNCTION tr_fold(t text) RETURNS text "
    "LANGUAGE sql IMMUTABLE PARALLEL SAFE AS "
    f"$$ SELECT lower(translate(coalesce(t, ''), '{turkish.SQL_FOLD_FROM}', '{turkish.SQL_FOLD_TO}')) $$"
)


def empty_postgres_schema(engine):
    """Drop everything in ``public`` (test and benchmark databases only)."""
    from sqlalchemy import text

    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))


def create_schema_from_models(engine):
    """Build the whole schema from the models on an *empty* database, with the
    PostgreSQL extras the migrations add (pg_trgm, ``tr_fold``, the audit
    trigger). For the test suite and the benchmark; installations migrate."""
    from flask_appbuilder import Model
    from sqlalchemy import text

    from app.core.audit import PG_IMMUTABLE_TRIGGER

    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("CREATE EXTENSION IF NOT EXISTS pg_trgm"))
            conn.execute(text(PG_FOLD_FUNCTION))
    Model.metadata.create_all(engine)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.exec_driver_sql(PG_IMMUTABLE_TRIGGER)


def _convert_long_statements_once():
    """psycopg converts a statement's text (``%(name)s`` to ``$1``) once and
    keeps it, but only up to 4 096 characters and 50 parameters. The home
    page's UNIONs (a literal and a state per register) and a register's list
    statement (every column, the joined pickers) are larger and were
    converted again at every run. Raised; psycopg still keeps at most 128
    statements (least recently used out)."""
    try:
        from psycopg import _queries
    except ImportError:   # pragma: no cover - SQLite-only installs
        return
    if getattr(_queries, "MAX_CACHED_STATEMENT_LENGTH", 65536) < 65536:
        _queries.MAX_CACHED_STATEMENT_LENGTH = 65536
    if getattr(_queries, "MAX_CACHED_STATEMENT_PARAMS", 500) < 500:
        _queries.MAX_CACHED_STATEMENT_PARAMS = 500


_convert_long_statements_once()
