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
