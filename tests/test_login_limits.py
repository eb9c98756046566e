"""Issue 13: login limits count failures only, per address and per account, in
the shared database; X-Forwarded-For is trusted only through PROXY_COUNT; the
JSON login API exists only with an API enabled, and is then limited alike."""
from __future__ import annotations

import contextlib
import itertools
import os
import subprocess
import sys

from secutil import PASSWORD, make_user

from app.core.audit import AuditEntry
from app.extensions import db
from app.security.models import LoginFailure

_addr = itertools.count(10)


def _address():
    n = next(_addr)
    return f"10.13.{n // 250}.{n % 250 + 1}"


@contextlib.contextmanager
def limiter_on(app, limit="3 per minute", **extra):
    old = {k: app.config.get(k) for k in ("RATELIMIT_ENABLED", "AUTH_RATE_LIMIT", *extra)}
    app.config.update(RATELIMIT_ENABLED=True, AUTH_RATE_LIMIT=limit, **extra)
    try:
        yield
    finally:
        app.config.update(old)


def _post(app, username, password, addr, headers=None):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = addr
    return client.post("/login/", data={"username": username, "password": password}, headers=headers or {})


def _ok(resp):
    return resp.status_code == 302 and "/login" not in resp.headers["Location"]


def test_successful_logins_do_not_count(app):
    _uid, name = make_user(app)
    addr = _address()
    with limiter_on(app):
        assert all(_ok(_post(app, name, PASSWORD, addr)) for _ in range(12)), \
            "the whole office logging in from one address is never throttled"


def test_failures_per_address_get_429_whoever_they_target(app):
    addr = _address()
    _uid, name = make_user(app)
    with limiter_on(app):
        for i in range(3):
            assert _post(app, f"yok{i}", "yanlis", addr).status_code == 302
        resp = _post(app, name, PASSWORD, addr)
        assert resp.status_code == 429 and "Çok fazla deneme" in resp.data.decode()
        assert _ok(_post(app, name, PASSWORD, _address())), "another address is not affected"


def test_failures_per_account_lock_it_from_any_address(app):
    _uid, name = make_user(app)
    for _ in range(app.config["LOGIN_LOCKOUT_ATTEMPTS"]):
        assert "/login" in _post(app, name, "yanlis", _address()).headers["Location"]
    assert "/login" in _post(app, name, PASSWORD, _address()).headers["Location"], "locked"
    with app.app_context():
        count = db.session.query(LoginFailure).filter_by(username=name).count()
        db.session.remove()
    assert count == app.config["LOGIN_LOCKOUT_ATTEMPTS"], "the counters live in the shared database"


def test_a_successful_login_clears_the_account_count(app):
    _uid, name = make_user(app)
    attempts = app.config["LOGIN_LOCKOUT_ATTEMPTS"]
    for _ in range(attempts - 1):
        _post(app, name, "yanlis", _address())
    assert _ok(_post(app, name, PASSWORD, _address()))
    for _ in range(attempts - 1):
        _post(app, name, "yanlis", _address())
    assert _ok(_post(app, name, PASSWORD, _address()))


def _audit_ip(app, username):
    with app.app_context():
        entry = (db.session.query(AuditEntry).filter(AuditEntry.summary == f"Başarısız giriş: {username}")
                 .order_by(AuditEntry.id.desc()).first())
        db.session.remove()
    return entry.ip


def test_x_forwarded_for_is_ignored_without_a_trusted_proxy(app):
    addr = _address()
    with limiter_on(app, PROXY_COUNT=0):
        for i in range(3):
            _post(app, f"xff{i}{addr}", "yanlis", addr, headers={"X-Forwarded-For": f"192.0.2.{i}"})
        assert _post(app, "xffson", "yanlis", addr, headers={"X-Forwarded-For": "192.0.2.99"}).status_code == 429
    assert _audit_ip(app, f"xff0{addr}") == addr, "the audit log records the socket address"


def test_x_forwarded_for_through_the_configured_proxy_count(app):
    proxy = _address()
    with limiter_on(app, PROXY_COUNT=1):
        for i in range(3):
            _post(app, f"px{i}{proxy}", "yanlis", proxy, headers={"X-Forwarded-For": "198.51.100.7"})
        blocked = _post(app, "pxson", "yanlis", proxy, headers={"X-Forwarded-For": "198.51.100.7"})
        other = _post(app, "pxbaska", "yanlis", proxy, headers={"X-Forwarded-For": "198.51.100.8"})
        # a client-forged first hop is not believed: only the one our proxy appended counts
        forged = _post(app, "pxsahte", "yanlis", proxy,
                       headers={"X-Forwarded-For": "203.0.113.1, 198.51.100.7"})
    assert blocked.status_code == 429 and other.status_code == 302 and forged.status_code == 429
    assert _audit_ip(app, f"px0{proxy}") == "198.51.100.7"


def test_json_login_api_is_off_without_an_api(app):
    resp = app.test_client().post("/api/v1/security/login",
                                  json={"username": "admin", "password": "x", "provider": "db"})
    assert resp.status_code == 404


def test_json_login_api_when_enabled_is_limited_alike(tmp_path):
    script = f"""
from app import create_app
from app.extensions import appbuilder, db
from flask_appbuilder import Model
from app.cli import sync_roles
app = create_app({{"SQLALCHEMY_DATABASE_URI": "sqlite:///{tmp_path}/api.db", "RATELIMIT_ENABLED": True,
                  "AUTH_RATE_LIMIT": "3 per minute", "WTF_CSRF_ENABLED": False, "API_ENABLED": True,
                  "LOGIN_LOCKOUT_ATTEMPTS": 2}})
with app.app_context():
    Model.metadata.create_all(db.engine)
    sync_roles()
    appbuilder.sm.add_user("api", "A", "P", "a@ornek.bel.tr", appbuilder.sm.find_role("Memur"), "{PASSWORD}")
    db.session.commit()
c = app.test_client()
def post(user, pw, addr):
    c.environ_base["REMOTE_ADDR"] = addr
    return c.post("/api/v1/security/login", json={{"username": user, "password": pw, "provider": "db"}}).status_code
codes = [post("api", "{PASSWORD}", "10.1.1.1") for _ in range(5)]
codes += [post("api", "yanlis", "10.1.1.2"), post("api", "yanlis", "10.1.1.3"), post("api", "{PASSWORD}", "10.1.1.4")]
codes += [post("x", "y", "10.1.1.9") for _ in range(4)]
print(codes)
"""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out = subprocess.run([sys.executable, "-c", script], cwd=root, capture_output=True, text=True,
                         env=dict(os.environ, PYTHONPATH=root), timeout=120)
    codes = eval(out.stdout.strip().splitlines()[-1])  # noqa: S307 - our own output
    # 5 successes from one address; 2 failures lock the account (from any address);
    # 3 failures from one address → 429
    assert codes[:5] == [200] * 5, out.stdout + out.stderr[-2000:]
    assert codes[5:8] == [401, 401, 401], codes
    assert codes[8:11] == [401, 401, 401] and codes[11] == 429, codes


def test_unlock_clears_the_lockout_and_is_audited(app):
    from secutil import entries

    from app.extensions import appbuilder
    from app.security.guards import unlock

    uid, name = make_user(app, first="Ayşe", last="Kaya")
    for _ in range(app.config["LOGIN_LOCKOUT_ATTEMPTS"]):
        _post(app, name, "yanlis", _address())
    assert "/login" in _post(app, name, PASSWORD, _address()).headers["Location"]
    with app.test_request_context():
        assert unlock(appbuilder.sm.get_user_by_id(uid)) == app.config["LOGIN_LOCKOUT_ATTEMPTS"]
        db.session.remove()
    assert _ok(_post(app, name, PASSWORD, _address()))
    assert entries(app, "ab_user", uid, "unlock")[-1][1] == "Sistem Ayşe Kaya'nın hesap kilidini açtı"
