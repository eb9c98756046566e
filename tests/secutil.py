"""Helpers for the security tests: throw-away users (never the shared demo
logins, whose sessions other tests keep using)."""
from __future__ import annotations

import itertools
import json

from app.core.audit import AuditEntry
from app.extensions import appbuilder, db

PASSWORD = "Dogru.Parola2026!"
_seq = itertools.count(1)


def make_user(app, roles=("Memur",), first="Mehmet", last="Kaya", password=PASSWORD, prefix="tk"):
    """A new user (created by the system, as the CLI would); returns (id, username)."""
    with app.app_context():
        sm = appbuilder.sm
        import uuid

        username = f"{prefix}{next(_seq)}{uuid.uuid4().hex[:6]}"
        user = sm.add_user(username, first, last, f"{username}@ornek.bel.tr",
                           [sm.find_role(r) for r in roles], password)
        uid = user.id
        db.session.remove()
    return uid, username


def role_ids(app, *names):
    with app.app_context():
        ids = [appbuilder.sm.find_role(n).id for n in names]
        db.session.remove()
    return ids


def user_roles(app, uid):
    with app.app_context():
        user = appbuilder.sm.get_user_by_id(uid)
        names = sorted(r.name for r in user.roles)
        db.session.remove()
    return names


def user_id(app, username):
    with app.app_context():
        uid = appbuilder.sm.find_user(username=username).id
        db.session.remove()
    return uid


def entries(app, register, record_id, action=None):
    with app.app_context():
        q = db.session.query(AuditEntry).filter_by(register=register, record_id=record_id)
        if action:
            q = q.filter_by(action=action)
        rows = [(e.action, e.summary, json.loads(e.changes) if e.changes else None, e.username)
                for e in q.order_by(AuditEntry.id)]
        db.session.remove()
    return rows


def login_client(app, username, password=PASSWORD, **environ):
    client = app.test_client()
    if environ:
        client.environ_base.update(environ)
    resp = client.post("/login/", data={"username": username, "password": password})
    assert resp.status_code == 302 and "/login" not in resp.headers.get("Location", ""), \
        f"login failed for {username}: {resp.headers.get('Location')}"
    return client


def user_form(app, uid, roles):
    """The user edit form as FAB posts it, with the given role names."""
    with app.app_context():
        user = appbuilder.sm.get_user_by_id(uid)
        data = {"first_name": user.first_name, "last_name": user.last_name, "username": user.username,
                "email": user.email, "active": "y" if user.active else "",
                "roles": [appbuilder.sm.find_role(r).id for r in roles]}
        db.session.remove()
    if not data["active"]:
        data.pop("active")
    return data


def is_logged_in(client):
    resp = client.get("/contactview/list/")
    return resp.status_code == 200
