"""Issue 19, item 3: each role's permission set and menu are kept per process
(app/security/permcache.py), keyed by a permission version that every change
of roles/permissions replaces in the same transaction. A change made by Bilgi
İşlem holds on the very next request (across app instances:
tests/test_two_instances.py)."""
from __future__ import annotations

import re

import pytest

from app.extensions import appbuilder, db
from app.security import permcache
from tests.test_it_screens import PASSWORD, _role_id, _save_grid

ROLE = "Hediye Okur"


def _version(app):
    with app.app_context():
        from app.settings.models import Setting

        row = db.session.get(Setting, permcache.VERSION_KEY)
        value = row.value if row else None
        db.session.remove()
    return value


@pytest.fixture
def reader(app, clients, login):
    """A user whose only role may list and show gifts (granted on the grid)."""
    it = clients["bilgiislem"]
    assert it.post("/roles/add", data={"name": ROLE}).status_code == 302
    rid = _role_id(app, ROLE)
    assert _save_grid(it, app, ROLE, add=["can_list|GiftView", "can_show|GiftView"]).status_code == 302
    with app.app_context():
        sm = appbuilder.sm
        user = sm.add_user("hediyeokur", "Hilal", "Işık", "hediyeokur@ornek.bel.tr", sm.find_role(ROLE), PASSWORD)
        uid = user.id
        db.session.remove()
    client = login("hediyeokur", PASSWORD)
    yield client, it, rid
    with app.app_context():
        sm = appbuilder.sm
        user = sm.get_user_by_id(uid)
        if user is not None:
            db.session.delete(user)
        db.session.commit()
        db.session.remove()
    it.post(f"/roles/delete/{rid}")


def _menu_has_gifts(html: str) -> bool:
    return bool(re.search(r'href="/giftview/list/?"', html))


def test_grid_revoke_refuses_the_next_request(app, reader, monkeypatch):
    # as in another worker: this process's cache is not dropped, the token alone must do it
    monkeypatch.setattr(permcache, "forget", lambda: None)
    client, it, _rid = reader
    page = client.get("/giftview/list/")
    assert page.status_code == 200                      # cached for this role set now
    assert _menu_has_gifts(client.get("/giftview/list/").data.decode())
    before = _version(app)
    assert _save_grid(it, app, ROLE, remove=["can_list|GiftView"]).status_code == 302
    assert _version(app) != before                     # the grid's save replaced the token
    refused = client.get("/giftview/list/")
    assert refused.status_code in (302, 403)
    assert client.get("/giftview/show/1").status_code in (200, 404)   # can_show kept
    # given back: allowed again on the next request
    assert _save_grid(it, app, ROLE, add=["can_list|GiftView"]).status_code == 302
    page = client.get("/giftview/list/")
    assert page.status_code == 200 and _menu_has_gifts(page.data.decode())


def test_menu_follows_the_permissions(app, reader):
    client, it, _rid = reader
    assert _menu_has_gifts(client.get("/giftview/list/").data.decode())
    _save_grid(it, app, ROLE, remove=["can_list|GiftView", "can_show|GiftView"])
    home = client.get("/", follow_redirects=True).data.decode()
    assert not _menu_has_gifts(home)


def test_home_register_links_follow_the_permissions(app, reader, monkeypatch):
    """The home page's register links are rendered once per role set and
    kept (app/home.py, register_groups_html): a granted or revoked "add"
    shows on the next home page, in another worker too (the token alone)."""
    monkeypatch.setattr(permcache, "forget", lambda: None)
    client, it, _rid = reader
    home = client.get("/").data.decode()
    assert 'href="/giftview/list/"' in home and 'href="/giftview/add"' not in home
    assert _save_grid(it, app, ROLE, add=["can_add|GiftView"]).status_code == 302
    assert 'href="/giftview/add"' in client.get("/").data.decode()
    assert _save_grid(it, app, ROLE, remove=["can_add|GiftView"]).status_code == 302
    home = client.get("/").data.decode()
    assert 'href="/giftview/list/"' in home and 'href="/giftview/add"' not in home


def test_change_outside_the_screens_is_seen_too(app, reader, monkeypatch):
    """FAB's own API (as a script or `flask ozelkalem setup` would use it)."""
    monkeypatch.setattr(permcache, "forget", lambda: None)
    client, _it, _rid = reader
    assert client.get("/giftview/list/").status_code == 200
    with app.app_context():
        sm = appbuilder.sm
        sm.del_permission_role(sm.find_role(ROLE), sm.find_permission_view_menu("can_list", "GiftView"))
        db.session.remove()
    assert client.get("/giftview/list/").status_code in (302, 403)


def test_rolled_back_change_keeps_the_version(app):
    before = _version(app)
    with app.app_context():
        sm = appbuilder.sm
        role = sm.find_role("Denetçi")
        role.permissions = list(role.permissions)[1:]
        db.session.flush()                              # the token is replaced inside the transaction...
        db.session.rollback()                           # ...and comes back with the rollback
        db.session.remove()
    assert _version(app) == before


def test_setup_replaces_the_version(app):
    from app.cli import sync_roles

    before = _version(app)
    with app.app_context():
        sync_roles()
        db.session.remove()
    assert _version(app) != before


def test_anonymous_pages_unchanged(app):
    assert app.test_client().get("/giftview/list/").status_code in (302, 401)


def test_the_per_request_answer_is_fabs_answer_for_every_permission(app, clients):
    """has_access answers a signed-in person from their permission set taken
    once per request (FAB's path cost ~35 µs a call, 30–130 calls a page).
    Every (permission, view) pair gives FAB's own answer, for every demo role;
    a page does not go FAB's way again after the first answer; when the
    person changes inside the request (a login), the answers follow."""
    from flask import g
    from flask_appbuilder.security.sqla.manager import SecurityManager as Fab
    from flask_appbuilder.security.sqla.models import PermissionView, User
    from flask_login import AnonymousUserMixin

    sm = appbuilder.sm
    with app.test_request_context("/"):
        pairs = [(pv.permission.name, pv.view_menu.name) for pv in db.session.query(PermissionView)]
        assert len(pairs) > 300
        for name in ("admin", "memur", "mudur", "bilgiislem", "denetci", "baskan"):
            user = db.session.query(User).filter_by(username=name).one()
            g._login_user = g.user = user
            g.pop("_ozk_access", None)
            fab = {p: Fab.has_access(sm, *p) for p in pairs}
            ours = {p: sm.has_access(*p) for p in pairs}
            assert ours == fab, name
            assert any(fab.values()) and (name == "admin" or not all(fab.values())), name
        g._login_user = g.user = AnonymousUserMixin()
        assert sm.has_access("can_list", "ContactView") is False
        memur = db.session.query(User).filter_by(username="memur").one()
        g._login_user = g.user = memur
        assert sm.has_access("can_list", "ContactView") is True
        db.session.remove()

    computed = []
    original = Fab.has_access

    def counting(self, permission_name, view_name):
        computed.append((permission_name, view_name))
        return original(self, permission_name, view_name)

    Fab.has_access = counting
    try:
        assert clients["memur"].get("/contactview/list/").status_code == 200
    finally:
        Fab.has_access = original
    assert computed == [], computed
