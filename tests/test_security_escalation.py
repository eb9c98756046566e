"""Issue 13 (high): Bilgi İşlem cannot escalate itself; user and role changes
are refused or audited in words (app/security/guards.py)."""
from __future__ import annotations

from secutil import (PASSWORD, entries, login_client, make_user, role_ids, user_form, user_id,
                     user_roles)

from app.extensions import appbuilder, db


def _it(app):
    uid, username = make_user(app, roles=("Bilgi İşlem",), first="Ali", last="Veli", prefix="bi")
    return uid, login_client(app, username)


def test_nobody_changes_their_own_roles_even_with_a_crafted_post(app):
    uid, it = _it(app)
    resp = it.post(f"/users/edit/{uid}", data=user_form(app, uid, ["Bilgi İşlem", "Admin"]),
                   headers={"Referer": "http://localhost/users/list/"})
    assert resp.status_code == 302
    assert user_roles(app, uid) == ["Bilgi İşlem"]
    assert "Kendi rollerinizi değiştiremezsiniz" in it.get("/users/list/").data.decode()
    # adding a role that opens personal data to oneself is refused the same way
    it.post(f"/users/edit/{uid}", data=user_form(app, uid, ["Bilgi İşlem", "Müdür"]))
    assert user_roles(app, uid) == ["Bilgi İşlem"]
    assert it.get("/contactview/list/").status_code in (302, 403)
    # not even the Admin changes their own roles
    admin_id, admin_name = make_user(app, roles=("Admin",), prefix="ad")
    admin = login_client(app, admin_name)
    admin.post(f"/users/edit/{admin_id}", data=user_form(app, admin_id, ["Admin", "Müdür"]))
    assert user_roles(app, admin_id) == ["Admin"]


def test_only_admin_grants_or_removes_admin(app):
    _uid, it = _it(app)
    target, _ = make_user(app, roles=("Memur",))
    it.post(f"/users/edit/{target}", data=user_form(app, target, ["Memur", "Admin"]))
    assert user_roles(app, target) == ["Memur"]
    holder, _ = make_user(app, roles=("Admin",))
    it.post(f"/users/edit/{holder}", data=user_form(app, holder, ["Memur"]))
    assert user_roles(app, holder) == ["Admin"]
    # a new user holding Admin cannot be created by Bilgi İşlem either
    data = {"first_name": "Yeni", "last_name": "Yönetici", "username": "yeniadmin", "email": "ya@ornek.bel.tr",
            "active": "y", "roles": role_ids(app, "Admin"), "password": PASSWORD, "conf_password": PASSWORD}
    it.post("/users/add", data=data)
    with app.app_context():
        assert appbuilder.sm.find_user(username="yeniadmin") is None
        db.session.remove()
    # the Admin may, and it is audited
    admin = login_client(app, make_user(app, roles=("Admin",), first="Ayşe", last="Öztürk")[1])
    admin.post(f"/users/edit/{target}", data=user_form(app, target, ["Memur", "Admin"]))
    assert user_roles(app, target) == ["Admin", "Memur"]
    grants = entries(app, "ab_user", target, "role_grant")
    assert grants and grants[-1][1].startswith("Admin (Ayşe Öztürk) Mehmet Kaya'ya Admin rolünü verdi")


def test_granting_a_role_is_audited_in_words_with_before_and_after(app):
    _uid, it = _it(app)
    target, _ = make_user(app, roles=("Memur",))
    resp = it.post(f"/users/edit/{target}", data=user_form(app, target, ["Memur", "Müdür"]))
    assert resp.status_code == 302
    assert user_roles(app, target) == ["Memur", "Müdür"]
    action, summary, changes, who = entries(app, "ab_user", target, "role_grant")[-1]
    assert summary == ("Bilgi İşlem (Ali Veli) Mehmet Kaya'ya Müdür rolünü verdi "
                       "(kişisel veri içeren kayıtları açar)")
    assert changes == {"roller": [["Memur"], ["Memur", "Müdür"]]}
    it.post(f"/users/edit/{target}", data=user_form(app, target, ["Müdür"]))
    _a, summary, changes, _w = entries(app, "ab_user", target, "role_revoke")[-1]
    assert summary == "Bilgi İşlem (Ali Veli) Mehmet Kaya'dan Memur rolünü geri aldı"
    assert changes == {"roller": [["Memur", "Müdür"], ["Müdür"]]}


def test_user_create_update_activate_deactivate_are_audited(app):
    _uid, it = _it(app)
    data = {"first_name": "Şennur", "last_name": "Işık", "username": "sennur13", "email": "s13@ornek.bel.tr",
            "active": "y", "roles": role_ids(app, "Memur"), "password": PASSWORD, "conf_password": PASSWORD}
    assert it.post("/users/add", data=data).status_code == 302
    uid = user_id(app, "sennur13")
    created = entries(app, "ab_user", uid, "user_create")
    assert created and "Şennur Işık (sennur13) kullanıcısını oluşturdu; roller: Memur" in created[0][1]
    form = user_form(app, uid, ["Memur"])
    form["email"] = "yeni13@ornek.bel.tr"
    it.post(f"/users/edit/{uid}", data=form)
    _a, summary, changes, _w = entries(app, "ab_user", uid, "user_update")[-1]
    assert summary.endswith("Şennur Işık'ın bilgilerini değiştirdi: e-posta")
    assert changes == {"e-posta": ["s13@ornek.bel.tr", "yeni13@ornek.bel.tr"]}
    form.pop("active")
    it.post(f"/users/edit/{uid}", data=form)
    assert entries(app, "ab_user", uid, "user_deactivate")
    form["active"] = "y"
    it.post(f"/users/edit/{uid}", data=form)
    assert entries(app, "ab_user", uid, "user_activate")


def test_password_reset_rules_audit_and_forced_change(app):
    it_id, it = _it(app)
    admin_id, _ = make_user(app, roles=("Admin",))
    new = "Yeni.Parola2026!"
    it.post(f"/resetpassword/form?pk={admin_id}", data={"password": new, "conf_password": new})
    assert not entries(app, "ab_user", admin_id, "password_reset")
    login = app.test_client().post("/login/", data={"username": _name(app, admin_id), "password": new})
    assert "/login" in login.headers["Location"], "the Admin's password must not have changed"

    target, target_name = make_user(app, roles=("Müdür",), first="Ahmet", last="Yılmaz")
    it.post(f"/resetpassword/form?pk={target}", data={"password": new, "conf_password": new})
    _a, summary, changes, who = entries(app, "ab_user", target, "password_reset")[-1]
    assert summary.startswith("Bilgi İşlem (Ali Veli) Ahmet Yılmaz'ın parolasını sıfırladı")
    assert changes == {"parola": ["(eski)", "(sıfırlandı)"]}
    # the Müdür and the Denetçi see it in the audit log
    for role in ("Müdür", "Denetçi"):
        viewer = login_client(app, make_user(app, roles=(role,))[1])
        html = viewer.get("/auditlog/list/?_flt_0_action=password_reset").data.decode()
        assert "Ahmet Yılmaz&#39;ın parolasını sıfırladı" in html or "Ahmet Yılmaz'ın parolasını sıfırladı" in html
    # the user must change it at the next login, before anything else
    user = login_client(app, target_name, new)
    resp = user.get("/contactview/list/")
    assert resp.status_code == 302 and "/resetmypassword/form" in resp.headers["Location"]
    assert user.get("/resetmypassword/form").status_code == 200
    own = "Kendi.Parolam2026!"
    user.post("/resetmypassword/form", data={"password": own, "conf_password": own})
    assert user.get("/contactview/list/").status_code == 200, "after the change the session goes on"
    assert entries(app, "ab_user", target, "password_change")
    login_client(app, target_name, own)


def _name(app, uid):
    with app.app_context():
        name = appbuilder.sm.get_user_by_id(uid).username
        db.session.remove()
    return name


def _role_form(app, role_name, add=(), remove=()):
    """The role grid's form (app/security/views.py): ticked cells as perm|view."""
    with app.app_context():
        role = appbuilder.sm.find_role(role_name)
        ticked = {f"{pv.permission.name}|{pv.view_menu.name}" for pv in role.permissions}
        ticked |= {f"{perm}|{view}" for perm, view in add}
        ticked -= {f"{perm}|{view}" for perm, view in remove}
        data = {"name": role.name, "perm": sorted(ticked)}
        rid = role.id
        db.session.remove()
    return rid, data


def _role_perms(app, role_name):
    with app.app_context():
        perms = {(pv.permission.name, pv.view_menu.name) for pv in appbuilder.sm.find_role(role_name).permissions}
        db.session.remove()
    return perms


def test_role_permission_rules_and_audit(app):
    _uid, it = _it(app)
    # its own role: refused (that would open personal registers to itself)
    rid, data = _role_form(app, "Bilgi İşlem", add=[("can_list", "ContactView")])
    it.post(f"/roles/edit/{rid}", data=data)
    assert ("can_list", "ContactView") not in _role_perms(app, "Bilgi İşlem")
    # the Admin role: refused
    rid, data = _role_form(app, "Admin", remove=[("can_list", "ContactView")])
    it.post(f"/roles/edit/{rid}", data=data)
    assert ("can_list", "ContactView") in _role_perms(app, "Admin")
    # a new role, then its permissions: allowed and audited in words
    assert it.post("/roles/add", data={"name": "Arşiv Görevlisi"}).status_code == 302
    rid, data = _role_form(app, "Arşiv Görevlisi", add=[("can_list", "ContactView"), ("can_show", "GiftView")])
    it.post(f"/roles/edit/{rid}", data=data)
    assert ("can_list", "ContactView") in _role_perms(app, "Arşiv Görevlisi")
    # (SQLite may give a deleted role's id again: look for this role's entry among them)
    assert any(e[1].endswith("Arşiv Görevlisi rolünü oluşturdu") for e in entries(app, "ab_role", rid, "role_create"))
    _a, summary, changes, _w = entries(app, "ab_role", rid, "role_permissions")[-1]
    assert "Arşiv Görevlisi rolünün yetkilerini değiştirdi (kişisel veri içeren kayıtlara erişim açar)" in summary
    assert "Eklenen:" in summary and len(changes["eklenen"]) == 2
    rid, data = _role_form(app, "Arşiv Görevlisi", remove=[("can_show", "GiftView")])
    it.post(f"/roles/edit/{rid}", data=data)
    _a, summary, changes, _w = entries(app, "ab_role", rid, "role_permissions")[-1]
    assert "Kaldırılan:" in summary and len(changes["kaldırılan"]) == 1
    it.post(f"/roles/delete/{rid}")
    assert entries(app, "ab_role", rid, "role_delete")
