"""Test set-up shared by the whole suite.

The suite runs once per database: ``TEST_DB=sqlite`` (default) or
``TEST_DB=postgresql`` (``TEST_DATABASE_URL``, default the local ``test``
database). PostgreSQL unreachable: skipped with a visible reason, except with
``CI=true``, when that is a failure.
"""
from __future__ import annotations

import datetime as dt
import os
import re
import tempfile

import pytest
from sqlalchemy import create_engine, text

CI = os.environ.get("CI", "").lower() == "true"
TEST_DB = os.environ.get("TEST_DB", "sqlite")
PG_URL = os.environ.get("TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
PASSWORD = "ozelkalem"
_TMP = tempfile.mkdtemp(prefix="ozk-test-")


def pg_available(url=PG_URL):
    try:
        engine = create_engine(url)
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
        return True
    except Exception:  # noqa: BLE001
        return False


def database_url():
    if TEST_DB == "postgresql":
        if not pg_available():
            if CI:
                pytest.exit(f"CI=true but PostgreSQL is unreachable at {PG_URL}", returncode=1)
            pytest.skip(f"PostgreSQL unreachable at {PG_URL} (skipped only because CI is not true)",
                        allow_module_level=True)
        return PG_URL
    return "sqlite:///" + os.path.join(_TMP, "test.db")


def fresh_database_url(name):
    """An empty database of the suite's kind for migration tests: on PostgreSQL
    one named after the suite's database (two suites on one server don't
    collide), on SQLite a new file."""
    if TEST_DB == "postgresql":
        base, dbname = PG_URL.rsplit("/", 1)
        target = f"{dbname}_{name}"
        admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{target}"'))
        admin.dispose()
        return f"{base}/{target}"
    return "sqlite:///" + os.path.join(tempfile.mkdtemp(), f"{name}.db")


def reset_schema(db, app):
    from flask_appbuilder import Model

    from app.core.db import create_schema_from_models, empty_postgres_schema

    engine = db.engine
    if engine.dialect.name == "postgresql":
        empty_postgres_schema(engine)
    else:
        Model.metadata.drop_all(engine)
    create_schema_from_models(engine)


@pytest.fixture(autouse=True)
def _today_is_today(request):
    """Test modules keep ``TODAY = dt.date.today()`` from their import; a suite that
    runs past midnight would compare yesterday with the app's today (CI saw
    "Gecikti (20 gün)" become 21 at 00:04). Each test gets the day it runs on."""
    module = request.module
    today = getattr(module, "TODAY", None)
    if isinstance(today, dt.date) and not isinstance(today, dt.datetime):
        module.TODAY = dt.date.today()


@pytest.fixture(scope="session")
def app():
    from app import create_app

    url = database_url()
    flask_app = create_app({
        "SQLALCHEMY_DATABASE_URI": url,
        "TESTING": True,
        "WTF_CSRF_ENABLED": False,
        "DATA_DIR": os.path.join(_TMP, "data"),
        "UPLOAD_DIR": os.path.join(_TMP, "uploads"),
        "AUTH_RATE_LIMIT": "10000 per minute",
        "RATELIMIT_ENABLED": False,
        "DEMO_MODE": True,
    })
    from app.cli import create_demo_users, sync_roles
    from app.demo import load_demo_data
    from app.extensions import db

    with flask_app.app_context():
        reset_schema(db, flask_app)
        sync_roles()
        create_demo_users(PASSWORD)
        load_demo_data()
        db.session.commit()
        db.session.remove()
    yield flask_app


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield
        from app.extensions import db

        db.session.remove()


@pytest.fixture(scope="session")
def login(app):
    """``login("memur")`` → a test client logged in as that demo user."""

    def _login(username, password=PASSWORD):
        client = app.test_client()
        resp = client.post("/login/", data={"username": username, "password": password})
        assert resp.status_code == 302 and "/login" not in resp.headers.get("Location", ""), \
            f"login failed for {username}"
        return client

    return _login


@pytest.fixture(scope="session")
def clients(login):
    return {u: login(u) for u in ("admin", "memur", "mudur", "bilgiislem", "denetci", "baskan")}


def flashes(html: bytes) -> str:
    return re.sub(r"\s+", " ", html.decode())


# The accessibility crawl checks HTML and CSS, which do not depend on the
# database: it runs in the SQLite pass of `make test` only (not collected,
# rather than skipped, in the PostgreSQL pass).
collect_ignore = ["test_accessibility.py"] if TEST_DB == "postgresql" else []
