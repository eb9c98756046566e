"""Issue 18, part 3: a register defined on one app instance (one gunicorn
server) is served by the other without a restart, on its next request once
``SCREEN_REGISTERS_TTL`` has passed."""
from __future__ import annotations

import os
import time
import uuid

import pytest
from test_two_instances import gunicorn_pair

from conftest import PASSWORD

WSGI = """
import os
from app import create_app
app = create_app({
    "SQLALCHEMY_DATABASE_URI": os.environ["OZK_TWO_URL"],
    "WTF_CSRF_ENABLED": False,
    "RATELIMIT_ENABLED": False,
    "SCREEN_REGISTERS_TTL": 1,
    "PROXY_COUNT": 1,
    "DATA_DIR": os.environ["OZK_TWO_DATA"],
    "UPLOAD_DIR": os.path.join(os.environ["OZK_TWO_DATA"], "uploads"),
})
"""


@pytest.fixture(scope="module")
def pair(app, tmp_path_factory):
    yield from gunicorn_pair(app, tmp_path_factory.mktemp("screen_two"), WSGI, "wsgi_screen_two",
                             "screen-two-instances-secret-key")


def _cookie(server, username):
    status, location, cookie = server.login(username, PASSWORD, client="198.18.9.1")
    assert status == 302 and "/login" not in location and cookie, username
    return cookie


def test_a_register_defined_on_one_instance_is_served_by_the_other(app, pair):
    from app.core.screenregisters import view_name

    a, b = pair
    key = "iki_" + uuid.uuid4().hex[:6]
    path = "/" + view_name(key).lower() + "/list/"
    clerk_b = _cookie(b, "memur")
    assert b.request("GET", path, cookie=clerk_b)[0] == 404          # not defined yet
    it_a = _cookie(a, "bilgiislem")
    status, location, _ = a.request("POST", "/screenregisters/add", {
        "label": "İki Sunucu", "key": key, "category": "office", "icon": "fa-list",
        "fields_text": "*Konu", "read_roles": ["Memur", "Müdür"], "add_roles": ["Memur"],
        "edit_roles": ["Memur"]}, cookie=it_a)
    assert status == 302 and "/screenregisters/list" in location
    clerk_a = _cookie(a, "memur")
    assert a.request("GET", path, cookie=clerk_a)[0] == 200           # the defining instance: at once
    deadline = time.time() + 10
    while b.request("GET", path, cookie=clerk_b)[0] != 200:           # the other: within the TTL
        assert time.time() < deadline, "the second instance never served the new register"
        time.sleep(0.3)
    status, location, _ = b.request("POST", "/" + view_name(key).lower() + "/add", {"cf_konu": "Deneme"},
                                    cookie=clerk_b)
    assert status == 302 and "/show/" in location
    _forget(app, key)


def _forget(app, key):
    """This test process never loaded the register the servers defined (in
    tests only a process's own changes reload): its rows go, so that the
    suite's later tests (e.g. the custom field configuration's export and
    import) do not meet a register this process does not know."""
    from app.core.customfields import CustomField, invalidate
    from app.core.screenregisters import ScreenRecord, ScreenRegister
    from app.extensions import db

    with app.app_context():
        db.session.query(CustomField).filter(CustomField.register == f"screen_{key}").delete()
        db.session.query(ScreenRecord.__table__).filter(ScreenRecord.__table__.c.register_key == key).delete()
        db.session.query(ScreenRegister).filter(ScreenRegister.key == key).delete()
        db.session.commit()
        db.session.remove()
    invalidate()
