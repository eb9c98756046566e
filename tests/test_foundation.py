"""Migrations build the schema on both databases and match the models;
production refuses demo secrets; the UI speaks Turkish by default."""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile

import pytest
from sqlalchemy import create_engine, text

import config as config_module
from tests.conftest import CI, PG_URL, TEST_DB, fresh_database_url, pg_available

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _flask(*args, env=None, check=True):
    full_env = dict(os.environ, FLASK_APP="app:create_app", PYTHONPATH=ROOT, **(env or {}))
    full_env.pop("OZELKALEM_ENV", None) if "OZELKALEM_ENV" not in (env or {}) else None
    return subprocess.run([sys.executable, "-m", "flask", *args], cwd=ROOT, env=full_env,
                          capture_output=True, text=True, check=check, timeout=300)


@pytest.fixture(scope="module")
def migrated_url():
    url = fresh_database_url("migrations")
    _flask("db", "upgrade", env={"DATABASE_URL": url})
    return url


def test_migrations_match_models(migrated_url, app):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from flask_appbuilder import Model

    def include_object(obj, name, type_, reflected, compare_to):  # same rule as migrations/env.py
        import re

        if type_ == "table" and reflected and compare_to is None and name \
                and re.search(r"_fts(_(data|idx|docsize|config|content))?$", name):
            return False            # SQLite's FTS5 quick-search tables: built by their migration
        return not (type_ == "index" and name and name.endswith("_tr"))

    engine = create_engine(migrated_url)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(
            conn, opts={"compare_type": True, "include_object": include_object}), Model.metadata)
        if engine.dialect.name == "postgresql":  # the hand-written Turkish sort indexes exist
            names = {r[0] for r in conn.execute(text("SELECT indexname FROM pg_indexes WHERE indexname LIKE '%\\_tr'"))}
            assert {"ix_contact_name_tr", "ix_unit_name_tr", "ix_staff_name_tr"} <= names
    engine.dispose()
    summary = [(d[0], getattr(d[1], "name", d[1])) if isinstance(d, tuple) else str(d) for d in diff]
    assert diff == [], f"models and migrations drifted apart (run flask db migrate): {summary}"


def test_setup_and_demo_are_idempotent(migrated_url):
    env = {"DATABASE_URL": migrated_url, "DATA_DIR": tempfile.mkdtemp()}
    for _ in range(2):
        _flask("ozelkalem", "setup", env=env)
        out = _flask("ozelkalem", "demo", env=env).stdout
    assert "0 yeni; demo kayıtları: 0 yeni" in out
    assert "mudur" in out and "bilgiislem" in out


def test_production_refuses_default_secret():
    from app import create_app

    for overrides in ({"PRODUCTION": True, "SECRET_KEY": config_module.DEFAULT_SECRET_KEY, "DEMO_MODE": False},
                      {"PRODUCTION": True, "SECRET_KEY": "x" * 40, "DEMO_MODE": True}):
        with pytest.raises(config_module.ProductionConfigError):
            create_app(overrides)


def test_production_refuses_demo_passwords(migrated_url):
    env = {"DATABASE_URL": migrated_url, "DATA_DIR": tempfile.mkdtemp()}
    _flask("ozelkalem", "setup", env=env)
    _flask("ozelkalem", "demo", env=env)
    result = _flask("ozelkalem", "setup", check=False,
                    env=dict(env, OZELKALEM_ENV="production", SECRET_KEY="p" * 40, DEMO_MODE="0"))
    assert result.returncode != 0
    assert "demo password" in result.stderr


def test_turkish_by_default_and_english_selectable(app, login):
    client = login("memur")
    html = client.get("/").data.decode()
    assert "Protokol ve Temsil" in html and "Çıkış" in html
    client.get("/lang/en")
    html = client.get("/").data.decode()
    assert "Protocol and representation" in html and "Logout" in html
    client.get("/lang/tr")


def test_logout_is_post_only(app, login):
    client = login("memur")
    assert client.get("/logout/").status_code == 405
    assert client.post("/logout/").status_code == 302
    assert client.get("/contactview/list/").status_code == 302  # logged out


def test_login_page_says_demo(app):
    html = app.test_client().get("/login/").data.decode()
    assert "Deneme kurulumu" in html


def test_settings_screen_saves_letterhead(app, login):
    client = login("bilgiislem")
    resp = client.post("/settings/", data={"municipality": "GEMLİK BELEDİYE BAŞKANLIĞI",
                                           "unit": "Özel Kalem Müdürlüğü", "detsis": "12345678",
                                           "address": "Hamidiye Mah. Gemlik / BURSA", "phone": "0224 513 45 21",
                                           "email": "ozelkalem@gemlik.bel.tr", "web": "www.gemlik.bel.tr",
                                           "gift_threshold": "5000", "retention_years": "10"},
                       follow_redirects=True)
    assert "Ayarlar kaydedildi" in resp.data.decode()
    resp = client.post("/settings/", data={"municipality": "", "unit": "x", "email": "not-an-email"})
    html = resp.data.decode()
    assert "Geçerli bir e-posta adresi girin." in html
    with app.app_context():
        from app.settings.models import get_settings

        assert get_settings()["municipality"] == "GEMLİK BELEDİYE BAŞKANLIĞI"


def test_error_pages_are_turkish_and_inside_the_layout(login):
    client = login("bilgiislem")
    resp = client.get("/dutyslipview/list/")
    assert resp.status_code == 403 and "Yetkiniz yok" in resp.data.decode() and "navbar" in resp.data.decode()
    resp = client.get("/olmayan-sayfa")
    assert resp.status_code == 404 and "Bulunamadı" in resp.data.decode()
