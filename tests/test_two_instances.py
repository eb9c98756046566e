"""Issue 13: two app instances (two gunicorn servers, one worker each) on the
same database: the lockout, the per-address failure limit and session
revocation hold across them (nothing lives in one process's memory).

Runs on the suite's database: on PostgreSQL (the production case; it always
runs under TEST_DB=postgresql, CI=true included) and on SQLite alike."""
from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
import urllib.parse

import pytest
from secutil import PASSWORD, make_user, user_form

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WSGI = """
import os
from app import create_app
app = create_app({
    "SQLALCHEMY_DATABASE_URI": os.environ["OZK_TWO_URL"],
    "WTF_CSRF_ENABLED": False,
    "RATELIMIT_ENABLED": True,
    "AUTH_RATE_LIMIT": "6 per minute",
    "PROXY_COUNT": 1,
    "DATA_DIR": os.environ["OZK_TWO_DATA"],
    "UPLOAD_DIR": os.path.join(os.environ["OZK_TWO_DATA"], "uploads"),
})
"""


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Instance:
    def __init__(self, port):
        self.port = port

    def request(self, method, path, data=None, cookie=None, client="198.18.0.1"):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"X-Forwarded-For": client}
        body = None
        if data is not None:
            body = urllib.parse.urlencode(data, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if cookie:
            headers["Cookie"] = f"session={cookie}"
        conn.request(method, path, body=body, headers=headers)
        resp = conn.getresponse()
        resp.read()
        cookie_out = None
        for key, value in resp.getheaders():
            if key.lower() == "set-cookie" and value.startswith("session="):
                cookie_out = value.split(";", 1)[0][len("session="):]
        conn.close()
        return resp.status, resp.getheader("Location") or "", cookie_out

    def login(self, username, password, client):
        return self.request("POST", "/login/", {"username": username, "password": password}, client=client)


def gunicorn_pair(app, tmp, wsgi, module, secret):
    """Two gunicorn servers (one worker each) on the suite's database, serving
    ``wsgi`` (written to ``tmp/<module>.py``); yields two ``Instance``s and
    stops the servers afterwards."""
    (tmp / f"{module}.py").write_text(wsgi)
    env = dict(os.environ, PYTHONPATH=f"{ROOT}{os.pathsep}{tmp}", SECRET_KEY=secret,
               OZK_TWO_URL=app.config["SQLALCHEMY_DATABASE_URI"], OZK_TWO_DATA=str(tmp))
    gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
    procs, servers = [], []
    try:
        for _ in range(2):
            port = _free_port()
            procs.append(subprocess.Popen([gunicorn, "-w", "1", "-b", f"127.0.0.1:{port}", f"{module}:app"],
                                          cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE))
            servers.append(Instance(port))
        deadline = time.time() + 90
        for proc, server in zip(procs, servers):
            while True:
                try:
                    if server.request("GET", "/login/")[0] == 200:
                        break
                except OSError:
                    pass
                if proc.poll() is not None or time.time() > deadline:
                    raise RuntimeError("gunicorn did not start: " + proc.stderr.read().decode()[-3000:])
                time.sleep(0.3)
        yield servers
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()


@pytest.fixture(scope="module")
def instances(app, tmp_path_factory):
    yield from gunicorn_pair(app, tmp_path_factory.mktemp("two"), WSGI, "wsgi_two",
                             "two-instances-shared-secret-key")


def _on_login(status, location):
    return status == 302 and "/login" in location


def test_lockout_holds_across_instances(app, instances):
    a, b = instances
    _uid, name = make_user(app)
    attempts = app.config["LOGIN_LOCKOUT_ATTEMPTS"]
    for i in range(attempts):  # failures spread over both instances and five addresses
        status, location, _ = (a, b)[i % 2].login(name, "yanlis", client=f"198.18.1.{i + 1}")
        assert _on_login(status, location)
    for server in (a, b):
        status, location, cookie = server.login(name, PASSWORD, client="198.18.1.99")
        assert _on_login(status, location), "the account is locked on both instances"


def test_address_limit_holds_across_instances(app, instances):
    a, b = instances
    client = "198.18.2.1"
    for i in range(6):
        assert (a, b)[i % 2].login(f"yok{i}", "yanlis", client=client)[0] == 302
    _uid, name = make_user(app)
    assert a.login(name, PASSWORD, client=client)[0] == 429
    assert b.login(name, PASSWORD, client=client)[0] == 429
    assert b.login(name, PASSWORD, client="198.18.2.2")[0] == 302


def test_logout_on_one_instance_ends_the_session_on_the_other(app, instances):
    a, b = instances
    _uid, name = make_user(app)
    status, location, cookie = a.login(name, PASSWORD, client="198.18.3.1")
    assert status == 302 and "/login" not in location and cookie
    assert b.request("GET", "/contactview/list/", cookie=cookie)[0] == 200
    assert a.request("POST", "/logout/", cookie=cookie)[0] == 302
    assert _on_login(*b.request("GET", "/contactview/list/", cookie=cookie)[:2])
    assert _on_login(*a.request("GET", "/contactview/list/", cookie=cookie)[:2])


def test_role_change_on_one_instance_ends_the_session_on_the_other(app, instances):
    a, b = instances
    uid, name = make_user(app)
    _it_id, it_name = make_user(app, roles=("Bilgi İşlem",), prefix="bi")
    cookie = b.login(name, PASSWORD, client="198.18.4.1")[2]
    assert a.request("GET", "/contactview/list/", cookie=cookie)[0] == 200
    it_cookie = a.login(it_name, PASSWORD, client="198.18.4.2")[2]
    assert a.request("POST", f"/users/edit/{uid}", user_form(app, uid, ["Memur", "Denetçi"]),
                     cookie=it_cookie)[0] == 302
    assert _on_login(*b.request("GET", "/contactview/list/", cookie=cookie)[:2])


def test_permission_revoked_on_one_instance_is_refused_on_the_other(app, instances):
    """Issue 19: permission sets are cached per process and permission version;
    a grid change on instance A holds on B's next request."""
    import re

    a, b = instances
    _it_id, it_name = make_user(app, roles=("Bilgi İşlem",), prefix="bi")
    it_cookie = a.login(it_name, PASSWORD, client="198.18.5.2")[2]
    role = "Hediye Okur İki"
    assert a.request("POST", "/roles/add", {"name": role}, cookie=it_cookie)[0] == 302
    from app.extensions import appbuilder, db

    with app.app_context():
        rid = appbuilder.sm.find_role(role).id
        db.session.remove()

    def grid(perms):
        return a.request("POST", f"/roles/edit/{rid}", {"name": role, "perm": perms}, cookie=it_cookie)[0]

    assert grid(["can_list|GiftView", "can_show|GiftView"]) == 302
    _uid, name = make_user(app, roles=(role,), prefix="ho")
    cookie = b.login(name, PASSWORD, client="198.18.5.1")[2]
    assert b.request("GET", "/giftview/list/", cookie=cookie)[0] == 200      # B caches the set
    assert b.request("GET", "/giftview/list/", cookie=cookie)[0] == 200
    assert grid(["can_show|GiftView"]) == 302                                 # revoked on A
    assert b.request("GET", "/giftview/list/", cookie=cookie)[0] in (302, 403)
    assert grid(["can_list|GiftView", "can_show|GiftView"]) == 302            # given back on A
    assert b.request("GET", "/giftview/list/", cookie=cookie)[0] == 200
