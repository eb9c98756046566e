"""Issue 13: sessions can be revoked. A copied session cookie stops working
after logout, password change/reset, deactivation and role change; idle
timeout and absolute lifetime (app/security/sessions.py)."""
from __future__ import annotations

import datetime as dt
import time

import pytest
from secutil import PASSWORD, entries, is_logged_in, login_client, make_user, user_form
from sqlalchemy import update

from app.extensions import db
from app.security.models import UserSession
from app.security.sessions import SEEN_KEY, SID_KEY


def _copy(app, client):
    """A second client holding a copy of ``client``'s session cookie (a stolen cookie)."""
    other = app.test_client()
    other.set_cookie("session", client.get_cookie("session").value)
    return other


def _it(app):
    return login_client(app, make_user(app, roles=("Bilgi İşlem",), first="Ali", last="Veli", prefix="bi")[1])


def _user_and_copy(app, roles=("Memur",)):
    uid, name = make_user(app, roles=roles)
    client = login_client(app, name)
    copy = _copy(app, client)
    assert is_logged_in(client) and is_logged_in(copy)
    return uid, name, client, copy


def _sent_to_login(client):
    resp = client.get("/contactview/list/")
    return resp.status_code == 302 and "/login" in resp.headers["Location"]


def test_logout_ends_the_copied_cookie(app):
    uid, _name, client, copy = _user_and_copy(app)
    assert client.post("/logout/").status_code == 302
    assert _sent_to_login(copy)
    assert "Oturumunuz sona erdi" in copy.get("/login/").data.decode()
    assert entries(app, "ab_user", uid, "logout")


def test_logout_ends_only_that_session(app):
    uid, name, client, copy = _user_and_copy(app)
    elsewhere = login_client(app, name)  # the same person logged in on another computer
    client.post("/logout/")
    assert _sent_to_login(copy) and is_logged_in(elsewhere)


def test_own_password_change_ends_other_sessions_but_not_this_one(app):
    uid, _name, client, copy = _user_and_copy(app)
    new = "Yeni.Parola2026!"
    client.post("/resetmypassword/form", data={"password": new, "conf_password": new})
    assert _sent_to_login(copy)
    assert is_logged_in(client)
    assert entries(app, "ab_user", uid, "password_change")


def test_password_reset_by_it_ends_every_session(app):
    uid, _name, client, copy = _user_and_copy(app)
    new = "Yeni.Parola2026!"
    _it(app).post(f"/resetpassword/form?pk={uid}", data={"password": new, "conf_password": new})
    assert _sent_to_login(copy) and _sent_to_login(client)
    revoked = entries(app, "ab_user", uid, "session_revoked")
    assert revoked and "Mehmet Kaya'nın 1 açık oturumu kapatıldı (parola sıfırlandı)" in revoked[-1][1]


def test_deactivation_ends_every_session(app):
    uid, _name, client, copy = _user_and_copy(app)
    form = user_form(app, uid, ["Memur"])
    form.pop("active")
    _it(app).post(f"/users/edit/{uid}", data=form)
    assert _sent_to_login(copy) and _sent_to_login(client)


def test_role_change_ends_every_session(app):
    uid, _name, client, copy = _user_and_copy(app)
    _it(app).post(f"/users/edit/{uid}", data=user_form(app, uid, ["Memur", "Denetçi"]))
    assert _sent_to_login(copy) and _sent_to_login(client)
    assert entries(app, "ab_user", uid, "session_revoked")


def test_idle_timeout(app):
    _uid, _name, client, _copy_ = _user_and_copy(app)
    with client.session_transaction() as sess:
        sess[SEEN_KEY] = time.time() - (app.config["SESSION_IDLE_MINUTES"] * 60 + 5)
    assert _sent_to_login(client)
    assert "Uzun süre işlem yapılmadığı için oturumunuz kapandı" in client.get("/login/").data.decode()
    # and a session that was merely used recently stays
    _uid, _name, fresh, _c = _user_and_copy(app)
    with fresh.session_transaction() as sess:
        sess[SEEN_KEY] = time.time() - (app.config["SESSION_IDLE_MINUTES"] * 60 - 60)
    assert is_logged_in(fresh)


def test_absolute_lifetime(app):
    _uid, _name, client, _copy_ = _user_and_copy(app)
    with client.session_transaction() as sess:
        sid = sess[SID_KEY]
    with app.app_context():
        hours = app.config["SESSION_MAX_HOURS"]
        db.session.execute(update(UserSession).where(UserSession.sid == sid)
                           .values(created_at=dt.datetime.now() - dt.timedelta(hours=hours, minutes=1)))
        db.session.commit()
        db.session.remove()
    assert _sent_to_login(client)


@pytest.mark.parametrize("tamper", ["drop", "forge"])
def test_a_cookie_without_a_known_session_is_refused(app, tamper):
    _uid, _name, client, _copy_ = _user_and_copy(app)
    with client.session_transaction() as sess:
        if tamper == "drop":
            sess.pop(SID_KEY)
        else:
            sess[SID_KEY] = "x" * 43
    assert _sent_to_login(client)


def test_settings_have_defaults():
    import config

    assert config.Config.SESSION_IDLE_MINUTES == 30 and config.Config.SESSION_MAX_HOURS == 12


def test_created_user_changes_the_password_chosen_by_it_at_first_login(app):
    it = _it(app)
    from secutil import role_ids, user_id

    data = {"first_name": "Zeynep", "last_name": "Ak", "username": "zeynep13", "email": "z13@ornek.bel.tr",
            "active": "y", "roles": role_ids(app, "Memur"), "password": PASSWORD, "conf_password": PASSWORD}
    it.post("/users/add", data=data)
    assert user_id(app, "zeynep13")
    client = login_client(app, "zeynep13")
    resp = client.get("/contactview/list/")
    assert resp.status_code == 302 and "/resetmypassword/form" in resp.headers["Location"]


def test_password_forms_render_whether_csrf_was_on_first_or_not(app):
    """The forced change page is the first page of a user whose password was
    reset; FAB cached the form's columns (csrf_token included) on first render."""
    client = login_client(app, make_user(app)[1])
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert client.get("/resetmypassword/form").status_code == 200
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert client.get("/resetmypassword/form").status_code == 200
