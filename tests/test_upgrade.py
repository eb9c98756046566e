"""Upgrades keep data: a database built by the previous release (its
migrations, its roles and demo data, frozen in ``tests/fixtures/release-*.json``
by ``tests/fixtures/dump_release.py``) is upgraded by today's migrations and
every record it held is still there, value for value; today's app then opens
those records.

Runs on the suite's database kind (SQLite, or PostgreSQL with TEST_DB=postgresql)."""
from __future__ import annotations

import datetime as dt
import glob
import json
import os
import subprocess
import sys
import tempfile
from decimal import Decimal

import pytest
from sqlalchemy import Date, DateTime, MetaData, Numeric, Time, create_engine, select, text

from tests.conftest import fresh_database_url
from tests.test_foundation import ROOT, _flask

FIXTURES = sorted(glob.glob(os.path.join(ROOT, "tests", "fixtures", "release-*.json")))


def _typed(column, value):
    if value is None:
        return None
    if isinstance(column.type, DateTime):
        return dt.datetime.fromisoformat(value)
    if isinstance(column.type, Date):
        return dt.date.fromisoformat(value)
    if isinstance(column.type, Time):
        return dt.time.fromisoformat(value)
    if isinstance(column.type, Numeric) and not isinstance(value, (int, float)) or \
            isinstance(column.type, Numeric) and isinstance(value, str):
        return Decimal(value)
    return value


def _same(column, old, new):
    old = _typed(column, old)
    if isinstance(old, Decimal) or isinstance(new, Decimal):
        return new is not None and Decimal(str(old)) == Decimal(str(new))
    if isinstance(column.type, DateTime) and isinstance(new, dt.datetime):
        return old == new.replace(tzinfo=None)
    return old == new


def _load(url, fixture):
    engine = create_engine(url)
    meta = MetaData()
    meta.reflect(engine)
    with engine.begin() as conn:
        for table in meta.sorted_tables:
            rows = fixture["tables"].get(table.name)
            if not rows:
                continue
            conn.execute(table.insert(), [
                {k: _typed(table.c[k], v) for k, v in row.items()} for row in rows])
            if engine.dialect.name == "postgresql" and "id" in table.c:
                conn.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"(SELECT MAX(id) FROM {table.name}))"))
    engine.dispose()


@pytest.mark.parametrize("path", FIXTURES, ids=[os.path.basename(p)[8:-5] for p in FIXTURES])
def test_upgrade_from_previous_release_keeps_every_record(path):
    with open(path, encoding="utf-8") as fh:
        fixture = json.load(fh)
    name = "upgrade_" + os.path.basename(path)[8:-5].replace("-", "_")
    url = fresh_database_url(name)
    env = {"DATABASE_URL": url, "DATA_DIR": tempfile.mkdtemp()}
    # the schema exactly as the release left it, then its data
    _flask("db", "upgrade", fixture["revision"], env=env)
    _load(url, fixture)
    # today's migrations over it: every record intact
    _flask("db", "upgrade", env=env)

    engine = create_engine(url)
    meta = MetaData()
    meta.reflect(engine)
    missing, changed = [], []
    with engine.connect() as conn:
        for table_name, rows in fixture["tables"].items():
            assert table_name in meta.tables, f"table {table_name} disappeared in the upgrade"
            table = meta.tables[table_name]
            pk = list(table.primary_key.columns)
            current = {tuple(r[c.name] for c in pk): r
                       for r in conn.execute(select(table)).mappings()}
            for row in rows:
                key = tuple(_typed(c, row[c.name]) for c in pk)
                now = current.get(key)
                if now is None:
                    missing.append((table_name, key))
                    continue
                for col, old in row.items():
                    if col in table.c and not _same(table.c[col], old, now[col]):
                        changed.append((table_name, key, col, old, now[col]))
    engine.dispose()
    assert not missing, f"records lost in the upgrade: {missing[:10]}"
    assert not changed, f"values changed in the upgrade: {changed[:10]}"
    # then today's roles and permissions (the role definitions win: FAB permission
    # rows of screens that no longer exist may go, office records never)
    _flask("ozelkalem", "setup", env=env)

    # today's app reads the old records: every register's list and first show page
    # (a separate process: the app object is one per process)
    out = subprocess.run([sys.executable, "-c", APP_CHECK], cwd=ROOT, capture_output=True,
                         text=True, timeout=300,
                         env=dict(os.environ, PYTHONPATH=ROOT, UPGRADE_URL=url, **env))
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    assert "checked" in out.stdout


APP_CHECK = r"""
import os
from app import create_app
from app.core.register import REGISTRY
app = create_app({"SQLALCHEMY_DATABASE_URI": os.environ["UPGRADE_URL"], "TESTING": True,
                  "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False})
client = app.test_client()
resp = client.post("/login/", data={"username": "admin", "password": "ozelkalem"})
assert resp.status_code == 302 and "/login" not in resp.headers.get("Location", ""), resp.status_code
with app.app_context():
    from app.extensions import db
    for entry in REGISTRY:
        first = db.session.query(entry.model).order_by(entry.model.id).first()
        path = "/" + entry.name.lower()
        assert client.get(path + "/list/").status_code == 200, entry.name
        if first is not None:
            assert client.get(f"{path}/show/{first.id}").status_code == 200, entry.name
print("checked", len(REGISTRY))
"""
