"""Login hardening, CSRF, cookies, escaping, safe redirects."""
from __future__ import annotations

from app.core.audit import AuditEntry
from app.extensions import appbuilder, db


def test_lockout_after_repeated_failures_is_audited(app):
    with app.app_context():
        sm = appbuilder.sm
        if not sm.find_user(username="kilitli"):
            sm.add_user("kilitli", "Kilit", "Deneme", "kilitli@ornek.bel.tr", sm.find_role("Memur"), "Dogru.Parola2026!")
        db.session.remove()
    client = app.test_client()
    for _ in range(app.config["LOGIN_LOCKOUT_ATTEMPTS"]):
        r = client.post("/login/", data={"username": "kilitli", "password": "yanlis"})
        assert "/login" in r.headers["Location"]
    r = client.post("/login/", data={"username": "kilitli", "password": "Dogru.Parola2026!"})
    assert "/login" in r.headers["Location"], "locked account must not log in even with the right password"
    with app.app_context():
        actions = [e.action for e in db.session.query(AuditEntry).filter_by(register="ab_user")]
        assert actions.count("login_failed") >= 5 and "lockout" in actions
        db.session.remove()


def test_csrf_is_enforced_on_forms_and_actions(app, login):
    client = login("memur")
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert client.post("/contactview/archive/1").status_code == 400
        assert client.post("/contactview/add", data={"kind": "kisi", "name": "CSRF"}).status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_session_cookie_flags(app):
    resp = app.test_client().post("/login/", data={"username": "memur", "password": "ozelkalem"})
    cookie = resp.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_redirects_stay_on_this_host(app):
    resp = app.test_client().post("/login/?next=http://kotu.example.com/",
                                  data={"username": "memur", "password": "ozelkalem"})
    assert "kotu.example.com" not in resp.headers["Location"]


def test_hostile_text_is_escaped_in_html(login):
    client = login("memur")
    client.post("/contactview/add", data={"kind": "kisi", "name": "<script>alert(1)</script>",
                                           "notes": '<img src=x onerror="alert(2)">'})
    html = client.get("/contactview/list/?q=script").data.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_impossible_date_gets_a_form_error_not_500(app, login):
    from app.registers.office.models import Leave

    client = login("memur")
    with app.app_context():
        before = db.session.query(Leave).count()
        db.session.remove()
    resp = client.post("/leaveview/add", data={"staff": "1", "date_from": "2026-02-31",
                                                "date_to": "2026-03-01", "kind": "yillik"})
    assert resp.status_code == 200  # the form comes back with its error
    with app.app_context():
        assert db.session.query(Leave).count() == before
        db.session.remove()


def test_phone_numbers_are_masked_for_the_auditor_only(clients):
    full = "0224 513 10 10"
    assert full in clients["memur"].get("/contactview/list/?q=ahmet").data.decode()
    auditor = clients["denetci"].get("/contactview/list/?q=ahmet").data.decode()
    assert full not in auditor and "0224 *** ** 10" in auditor
    csv_body = clients["denetci"].get("/contactview/export.csv?q=ahmet").data.decode("utf-8-sig")
    assert full not in csv_body and "0224 *** ** 10" in csv_body


def test_login_is_rate_limited(tmp_path):
    """A fresh app with the production limiter settings answers 429 once the
    login limit is used up (the shared test app runs with the limiter off)."""
    import os
    import subprocess
    import sys

    script = f"""
from app import create_app
from app.extensions import db
from flask_appbuilder import Model
app = create_app({{"SQLALCHEMY_DATABASE_URI": "sqlite:///{tmp_path}/rl.db", "RATELIMIT_ENABLED": True,
                  "AUTH_RATE_LIMIT": "3 per minute", "WTF_CSRF_ENABLED": False}})
with app.app_context():
    Model.metadata.create_all(db.engine)
c = app.test_client()
print([c.post("/login/", data={{"username": "x", "password": "y"}}).status_code for _ in range(5)])
"""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out = subprocess.run([sys.executable, "-c", script], cwd=root, capture_output=True, text=True,
                         env=dict(os.environ, PYTHONPATH=root), timeout=120)
    codes = eval(out.stdout.strip().splitlines()[-1])  # noqa: S307 - our own output
    assert codes[:3] == [302, 302, 302] and codes[-1] == 429, out.stdout + out.stderr[-2000:]
