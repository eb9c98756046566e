"""Issue 19 (≤ 5 statements on every page): what a page reads from
definitions that change rarely (the settings, the fields added from the
screen) and the user's bell is kept per process and checked against what
``load_user`` reads in its one statement (the configuration version, the bell's
state), not re-read every few seconds in case another worker changed it.
A change made by "another worker" (no hook of this process ran) shows on the
very next page; an ordinary page costs no extra statement."""
from __future__ import annotations

import uuid

import pytest
from sqlalchemy import insert, update

from app.core import customfields as cf
from app.extensions import db
from app.notify import views as notify_views
from app.security import permcache
from app.settings import models as settings_models
from tests.test_protocol import list_statements


@pytest.fixture
def timed_paths_always_due(app, monkeypatch):
    """The timed re-reads made due on every request: only the version path can keep them."""
    monkeypatch.setattr(settings_models, "SETTINGS_SECONDS", 0)
    monkeypatch.setattr(notify_views, "BELL_SECONDS", 0)
    monkeypatch.setitem(app.config, "CUSTOM_FIELDS_TTL", 1e-9)


@pytest.mark.parametrize("path", ["/contactview/list/", "/wreathorderview/list/", "/settings/", "/"])
def test_a_page_reads_no_definition_again_while_the_version_holds(app, clients, timed_paths_always_due, path):
    client = clients["bilgiislem" if path == "/settings/" else "mudur"]
    _, first = list_statements(app, client, path)   # each after a warm-up request
    _, again = list_statements(app, client, path)
    assert len(again) == len(first), "\n".join(again)
    for text in again:
        lowered = text.lower()
        if "from ab_user" in lowered:
            continue   # load_user's one statement reads the versions and the bell's state
        assert "from setting" not in lowered and "from custom_field" not in lowered, text
        assert "from notification" not in lowered, text


def test_a_custom_field_defined_by_another_worker_shows_on_the_next_page(app, clients, monkeypatch):
    monkeypatch.setitem(app.config, "CUSTOM_FIELDS_TTL", 3600)   # the timed path would wait an hour
    memur = clients["memur"]
    tag = uuid.uuid4().hex[:5]
    label = f"Başka süreç {tag}"
    assert label not in memur.get("/wreathorderview/list/").data.decode()
    with app.app_context():
        # "the other worker": its ORM flush replaces the configuration version…
        db.session.add(cf.CustomField(register="wreath_order", key=f"baska_{tag}", label=label, kind="text",
                                      required=False, in_list=True, in_form=True, in_show=True, in_search=False,
                                      in_filter=False, in_export=True, in_pdf=False, position=0, personal=False,
                                      active=True))
        db.session.commit()
        db.session.remove()
    # …but its commit hook ran in that worker, not here: this process still holds the old list
    cf._CACHE["stamp"] = cf._STAMP[0]
    try:
        assert label in memur.get("/wreathorderview/list/").data.decode()
    finally:
        with app.app_context():
            db.session.query(cf.CustomField).filter_by(key=f"baska_{tag}").delete()
            db.session.commit()
            db.session.remove()


def test_a_setting_changed_by_another_worker_shows_on_the_next_page(app, clients, monkeypatch):
    monkeypatch.setattr(settings_models, "SETTINGS_SECONDS", 3600)
    it = clients["bilgiislem"]
    assert it.get("/settings/").status_code == 200          # the settings are kept now
    with app.app_context():
        old = settings_models.get_settings()["web"]
        db.session.remove()
    new = f"https://baska-{uuid.uuid4().hex[:6]}.ornek.bel.tr"
    table = settings_models.Setting.__table__
    try:
        with app.app_context():
            with db.engine.begin() as conn:   # "the other worker": a flush there bumps the version
                if not conn.execute(update(table).where(table.c.key == "web").values(value=new)).rowcount:
                    conn.execute(insert(table).values(key="web", value=new))
                permcache.bump(conn, permcache.CONFIG_KEY)
        assert new in it.get("/settings/").data.decode()
    finally:
        with app.app_context():
            with db.engine.begin() as conn:
                conn.execute(update(table).where(table.c.key == "web").values(value=old))
                permcache.bump(conn, permcache.CONFIG_KEY)
        settings_models.forget_settings()


def test_the_bell_follows_notifications_written_and_read_by_another_worker(app, login, monkeypatch):
    from app.extensions import appbuilder
    from app.notify.models import Notification

    monkeypatch.setattr(notify_views, "BELL_SECONDS", 3600)
    client = login("denetci")
    with app.app_context():
        uid = appbuilder.sm.find_user(username="denetci").id
        db.session.query(Notification).filter_by(user_id=uid).delete()
        db.session.commit()
        db.session.remove()
    assert 'id="ozk-bell-count"' not in client.get("/contactview/list/").data.decode()
    table = Notification.__table__
    text = f"Öteki işçiden bildirim {uuid.uuid4().hex[:5]}"
    try:
        with app.app_context():
            with db.engine.begin() as conn:   # no forget_bell here: another worker wrote it
                conn.execute(insert(table).values(user_id=uid, kind="info", text=text))
        page = client.get("/contactview/list/").data.decode()
        assert text in page and 'id="ozk-bell-count">1<' in page
        with app.app_context():
            with db.engine.begin() as conn:   # …and the user read it there
                conn.execute(update(table).where(table.c.user_id == uid).values(read_at=db.func.now()))
        page = client.get("/contactview/list/").data.decode()
        assert text not in page and 'id="ozk-bell-count"' not in page
    finally:
        with app.app_context():
            db.session.query(Notification).filter_by(user_id=uid).delete()
            db.session.commit()
            db.session.remove()


def test_screen_registers_are_looked_at_when_the_version_changes_not_on_a_timer(app, clients, monkeypatch):
    """The WSGI wrapper asks the database for the screen registers' state only
    when a signed-in request of this process saw a new configuration version
    (or, with no signed-in request for a minute, every TTL seconds)."""
    import time

    from app.core import screenregisters as sr

    monkeypatch.setitem(app.config, "SCREEN_REGISTERS_TTL", 0.001)   # the timer would be due every request
    calls = []
    real = sr.Refresher.refresh
    monkeypatch.setattr(sr.Refresher, "refresh", lambda self, version=None: (calls.append(version),
                                                                             real(self, version))[1])
    memur = clients["memur"]
    memur.get("/contactview/list/")              # load_user saw the current version
    memur.get("/contactview/list/")              # …the wrapper looked once for it
    calls.clear()
    for _ in range(3):
        memur.get("/contactview/list/")
    assert calls == [], "looked again although nothing changed"
    with app.app_context():                      # another worker defined something: its flush bumped the version
        with db.engine.begin() as conn:
            new = permcache.bump(conn, permcache.CONFIG_KEY)
    memur.get("/contactview/list/")              # this request's load_user sees the new version
    memur.get("/contactview/list/")              # the next one is routed after looking
    assert calls == [new]
    monkeypatch.setattr(permcache, "_LATEST_CONFIG", [new, time.monotonic() - 120])
    monkeypatch.setitem(sr._SEEN, "at", 0.0)
    calls.clear()
    app.test_client().get("/login/")             # nobody signed in for a minute: the timer again
    assert calls == [None]
