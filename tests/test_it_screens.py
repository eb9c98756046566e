"""Bilgi İşlem's screens: users (Turkish, lock state, unlock), the role
permission grid, the security events view and the permission doc generator."""
from __future__ import annotations

import datetime as dt
import html
import re

import pytest

from app.cli import permission_matrix_markdown, role_permission_pairs, sync_roles
from app.core.audit import AuditEntry
from app.extensions import appbuilder, db
from app.security import roles as R
from tests.conftest import flashes
from tests.test_browser import browser, live_server, page, shot  # noqa: F401  (fixtures)
from tests.test_browser import login as browser_login

PASSWORD = "Dogru.Parola2026!"


def text_of(resp):
    """The page as a reader sees it: tags and scripts removed, entities decoded."""
    body = resp.data.decode()
    body = re.sub(r"<script.*?</script>", " ", body, flags=re.S)
    body = re.sub(r"<[^>]+>", " ", body)
    return re.sub(r"\s+", " ", html.unescape(body))


def _user(app, username, role=R.CLERK):
    with app.app_context():
        sm = appbuilder.sm
        user = sm.find_user(username=username)
        if user is None:
            user = sm.add_user(username, "Kerem", "Aksoy", f"{username}@ornek.bel.tr",
                               sm.find_role(role), PASSWORD)
        uid = user.id
        db.session.remove()
    return uid


def _role_id(app, name):
    with app.app_context():
        rid = appbuilder.sm.find_role(name).id
        db.session.remove()
    return rid


def _entries(app, **filters):
    with app.app_context():
        rows = (db.session.query(AuditEntry).filter_by(**filters)
                .order_by(AuditEntry.id.desc()).all())
        out = [(e.action, e.summary, e.changes_dict(), e.record_id) for e in rows]
        db.session.remove()
    return out


# -- users --------------------------------------------------------------------


def test_users_list_reads_as_turkish_text(clients):
    page_text = text_of(clients["bilgiislem"].get("/users/list/"))
    for word in ("Kullanıcılar", "Ad", "Soyad", "Aktif", "Roller", "Son giriş", "Başarısız deneme",
                 "Kilit", "Evet", "Memur", "Müdür", "Bilgi İşlem", "Denetçi", "Kilitli değil",
                 "Ayşe", "Yılmaz"):
        assert word in page_text, word
    for raw in ("True", "False", "Groups", "[Memur]", "[]", "None", "Is Active"):
        assert raw not in page_text, raw


def test_user_show_reads_as_turkish_text(app, clients):
    uid = _user(app, "memur")
    page_text = text_of(clients["bilgiislem"].get(f"/users/show/{uid}"))
    for word in ("Kullanıcı adı", "memur", "Aktif", "Evet", "Roller", "Memur", "Son giriş",
                 "Giriş sayısı", "Başarısız deneme", "Kilitli değil", "Parolayı sıfırla",
                 "Kullanıcıyı düzenle"):
        assert word in page_text, word
    for raw in ("True", "Groups", "None", "[Memur]", "Kullanıcı grupları"):
        assert raw not in page_text, raw


def test_user_form_has_turkish_help_and_no_groups(clients):
    page_text = text_of(clients["bilgiislem"].get("/users/add"))
    assert "Kişi ayrıldığında işareti kaldırın" in page_text
    assert "En az 10 karakter" in page_text
    assert "Groups" not in page_text and "groups" not in clients["bilgiislem"].get("/users/add").data.decode()


def test_groups_appear_only_when_used(app, clients):
    from flask_appbuilder.security.sqla.models import Group

    assert "Kullanıcı grupları" not in text_of(clients["bilgiislem"].get("/users/list/"))
    with app.app_context():
        group = Group(name="ozk-test-grubu", label="Test grubu")
        db.session.add(group)
        db.session.commit()
        gid = group.id
        db.session.remove()
    try:
        assert "Kullanıcı grupları" in text_of(clients["bilgiislem"].get("/users/list/"))
    finally:
        with app.app_context():
            db.session.delete(db.session.get(Group, gid))
            db.session.commit()
            db.session.remove()


def test_locked_user_is_shown_locked_and_unlock_is_audited(app, clients):
    uid = _user(app, "kilitacilacak")
    client = app.test_client()
    for _ in range(app.config["LOGIN_LOCKOUT_ATTEMPTS"]):
        client.post("/login/", data={"username": "kilitacilacak", "password": "yanlis"})
    r = client.post("/login/", data={"username": "kilitacilacak", "password": PASSWORD})
    assert "/login" in r.headers["Location"], "the account must be locked by now"

    it = clients["bilgiislem"]
    shown = text_of(it.get(f"/users/show/{uid}"))
    assert "Bu hesap çok sayıda başarısız giriş nedeniyle kilitlendi" in shown
    assert "Kilitli (" in shown and "saatine kadar" in shown and "Kilidi aç" in shown
    assert re.search(r"Kilitli \(\d\d\.\d\d\.\d{4} \d\d:\d\d saatine kadar\)", shown)
    assert "Kilitli (" in text_of(it.get("/users/list/"))

    # only a role that may edit users unlocks; a GET does nothing
    assert clients["memur"].post(f"/users/unlock/{uid}").status_code == 403
    assert it.get(f"/users/unlock/{uid}").status_code == 405
    r = it.post(f"/users/unlock/{uid}")
    assert r.status_code == 302
    assert "Kullanıcının kilidi açıldı" in flashes(it.get(r.headers["Location"]).data)

    action, summary, changes, record_id = _entries(app, register="ab_user", action="unlock")[0]
    assert record_id == uid
    assert "Gökhan Çelik (bilgiislem)" in summary and "Kerem Aksoy (kilitacilacak)" in summary
    assert "kilidini açtı" in summary
    assert changes["kilitli"] == [True, False]

    r = client.post("/login/", data={"username": "kilitacilacak", "password": PASSWORD})
    assert "/login" not in r.headers["Location"], "unlocked: the right password logs in again"
    assert it.post("/users/unlock/999999").status_code == 404


def test_unlock_needs_csrf(app, clients):
    uid = _user(app, "kilitacilacak")
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert clients["bilgiislem"].post(f"/users/unlock/{uid}").status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


# -- roles ----------------------------------------------------------------------


def test_role_list_and_grid_read_as_turkish(app, clients):
    it = clients["bilgiislem"]
    listed = text_of(it.get("/roles/list/"))
    for word in ("Roller", "Rol adı", "Ürünle gelir", "Memur", "Ayşe Yılmaz"):
        assert word in listed, word
    assert "can_" not in listed and "on GiftView" not in listed
    grid = text_of(it.get(f"/roles/show/{_role_id(app, R.CLERK)}"))
    for word in ("Tanımlar", "Protokol ve Temsil", "İdari İşler", "Denetim", "Ayarlar",
                 "Kullanıcılar ve roller", "Hediyeler", "Listele", "Görüntüle", "Ekle", "Düzenle",
                 "Onaya gönder", "Onayla", "Arşivle", "Geri yükle", "Dışa aktar", "Yazdır",
                 "Geçmiş", "Ekler", "Güvenlik olayları", "ürünle gelir ve silinemez",
                 "flask ozelkalem setup"):
        assert word in grid, word
    assert "can_" not in grid and "GiftView" not in grid


def test_product_roles_cannot_be_deleted(app, clients):
    for name in R.ROLES + [R.ADMIN]:
        rid = _role_id(app, name)
        for client in (clients["bilgiislem"], clients["admin"]):
            r = client.post(f"/roles/delete/{rid}")
            assert r.status_code == 302
            assert "ürünle gelir; silinemez" in flashes(client.get(r.headers["Location"]).data)
        with app.app_context():
            assert appbuilder.sm.find_role(name) is not None
            db.session.remove()
    # the list offers no delete button for them
    listed = clients["bilgiislem"].get("/roles/list/").data.decode()
    assert f"/roles/delete/{_role_id(app, R.CLERK)}" not in listed


def _save_grid(client, app, role_name, add=(), remove=()):
    """Posts the role's grid as shown, with cells ticked/unticked."""
    rid = _role_id(app, role_name)
    form = client.get(f"/roles/edit/{rid}").data.decode()
    ticked = set(re.findall(r'name="perm" value="([^"]+)"[^>]*checked', form))
    ticked = (ticked | set(add)) - set(remove)
    return client.post(f"/roles/edit/{rid}", data={"name": role_name, "perm": sorted(ticked)})


def test_grid_save_changes_the_permission_rows_and_is_audited(app, clients):
    auditor = clients["denetci"]
    assert auditor.get("/unitview/add").status_code == 403
    try:
        r = _save_grid(clients["bilgiislem"], app, R.AUDITOR, add=["can_add|UnitView"])
        assert r.status_code == 302
        assert "Denetçi rolünün yetkileri kaydedildi (1 eklendi, 0 kaldırıldı)" in flashes(
            clients["bilgiislem"].get(r.headers["Location"]).data)
        assert auditor.get("/unitview/add").status_code == 200
        action, summary, changes, record_id = _entries(app, register="ab_role", action="role_permissions")[0]
        assert record_id == _role_id(app, R.AUDITOR)
        assert "Gökhan Çelik (bilgiislem) Denetçi rolünün yetkilerini değiştirdi: 1 yetki verdi" in summary
        assert "Eklenen: Birimler — Ekle" in summary
        assert changes["eklenen"] == ["Birimler — Ekle"] and changes["kaldırılan"] == []

        r = _save_grid(clients["bilgiislem"], app, R.AUDITOR, remove=["can_add|UnitView", "can_list|UnitView"])
        assert auditor.get("/unitview/add").status_code == 403
        assert auditor.get("/unitview/list/").status_code == 403
        summary = _entries(app, register="ab_role", action="role_permissions")[0][1]
        assert "2 yetkiyi kaldırdı" in summary and "Birimler — Listele" in summary
        # nothing changed: nothing written
        before = len(_entries(app, register="ab_role"))
        _save_grid(clients["bilgiislem"], app, R.AUDITOR)
        assert len(_entries(app, register="ab_role")) == before
    finally:
        with app.app_context():   # the definition file wins on setup
            sync_roles()
            db.session.remove()
    assert auditor.get("/unitview/add").status_code == 403
    assert auditor.get("/unitview/list/").status_code == 200


def test_grid_keeps_the_menu_in_step(app, clients):
    """Giving a role a list permission shows the screen in its menu; taking it away hides it."""
    try:
        _save_grid(clients["bilgiislem"], app, R.AUDITOR, add=["can_list|SettingsView", "can_index|SettingsView"])
        with app.app_context():
            role = appbuilder.sm.find_role(R.AUDITOR)
            menus = {pv.view_menu.name for pv in role.permissions if pv.permission.name == "menu_access"}
            db.session.remove()
        assert {"SettingsView", "settings"} <= menus
        assert clients["denetci"].get("/settings/").status_code == 200
    finally:
        with app.app_context():
            sync_roles()
            db.session.remove()


def test_who_may_save_a_grid(app, clients):
    it = clients["bilgiislem"]
    with app.app_context():
        before = {r: sorted(pv.id for pv in appbuilder.sm.find_role(r).permissions) for r in (R.IT, R.ADMIN)}
        db.session.remove()
    # nobody edits a role they hold (no self-escalation); only Admin edits Admin
    r = _save_grid(it, app, R.IT, add=["can_list|ContactView"])
    assert "Kendi rolünüzün yetkilerini değiştiremezsiniz" in flashes(it.get(r.headers["Location"]).data)
    r = _save_grid(it, app, R.ADMIN, remove=["can_list|UnitView"])
    assert "Admin rolünü yalnızca Admin değiştirebilir" in flashes(it.get(r.headers["Location"]).data)
    assert "Admin rolünü yalnızca Admin değiştirebilir" in text_of(it.get(f"/roles/edit/{_role_id(app, R.ADMIN)}"))
    r = _save_grid(clients["admin"], app, R.ADMIN, remove=["can_list|UnitView"])
    assert "her yetkiye sahiptir" in flashes(clients["admin"].get(r.headers["Location"]).data)
    # roles without can_edit on roles cannot save at all
    assert clients["mudur"].post(f"/roles/edit/{_role_id(app, R.CLERK)}", data={}).status_code == 403
    assert clients["denetci"].get(f"/roles/edit/{_role_id(app, R.CLERK)}").status_code == 403
    with app.app_context():
        after = {r: sorted(pv.id for pv in appbuilder.sm.find_role(r).permissions) for r in (R.IT, R.ADMIN)}
        db.session.remove()
    assert after == before
    assert clients["bilgiislem"].get("/contactview/list/").status_code == 403


def test_new_role_gets_its_permissions_on_the_grid(app, clients):
    it = clients["bilgiislem"]
    r = it.post("/roles/add", data={"name": "Sekreter"})
    assert r.status_code == 302
    with app.app_context():
        rid = appbuilder.sm.find_role("Sekreter").id
        db.session.remove()
    try:
        r = _save_grid(it, app, "Sekreter", add=["can_list|GiftView", "can_show|GiftView"])
        with app.app_context():
            role = appbuilder.sm.find_role("Sekreter")
            pairs = {(pv.permission.name, pv.view_menu.name) for pv in role.permissions}
            db.session.remove()
        assert {("can_list", "GiftView"), ("can_show", "GiftView"), ("menu_access", "GiftView")} <= pairs
        # a role that is not the product's may be renamed and deleted
        it.post(f"/roles/edit/{rid}", data={"name": "Sekreterlik", "perm": ["can_list|GiftView"]})
        with app.app_context():
            assert appbuilder.sm.find_role("Sekreterlik") is not None
            db.session.remove()
    finally:
        it.post(f"/roles/delete/{rid}")
    with app.app_context():
        assert appbuilder.sm.find_role("Sekreterlik") is None
        db.session.remove()


# -- security events -------------------------------------------------------------


def test_security_events_in_words_with_filters(app, clients):
    _user(app, "kilitacilacak")
    app.test_client().post("/login/", data={"username": "kilitacilacak", "password": "yanlis"})
    clients["bilgiislem"].post(f"/users/unlock/{_user(app, 'kilitacilacak')}")
    view = clients["denetci"]
    page_text = text_of(view.get("/securityevents/list/"))
    assert "Güvenlik olayları" in page_text
    # (the log also holds the system's permission syncs: look for the two events by action)
    assert "Başarısız giriş" in text_of(view.get("/securityevents/list/?action=login_failed"))
    assert "kilidi açıldı" in text_of(view.get("/securityevents/list/?action=unlock"))
    assert "Gökhan Çelik (bilgiislem) Kerem Aksoy (kilitacilacak) kullanıcısının" in page_text
    assert re.search(r"\d\d\.\d\d\.\d{4} \d\d:\d\d", page_text)
    assert not re.search(r"\d{4}-\d\d-\d\dT?\s?\d\d:\d\d", page_text), "no ISO timestamps"
    assert "None" not in page_text and "ab_user" not in page_text and "login_failed" not in page_text
    # only ab_user / ab_role entries: no register records here
    assert "Kayıt oluşturuldu" not in page_text

    only_unlock = text_of(view.get("/securityevents/list/?action=unlock"))
    assert "(kilitacilacak) kullanıcısının" in only_unlock and "Başarısız giriş:" not in only_unlock
    with app.app_context():
        it_id = appbuilder.sm.find_user(username="bilgiislem").id
        db.session.remove()
    by_user = text_of(view.get(f"/securityevents/list/?user={it_id}&action=unlock"))
    assert "(kilitacilacak) kullanıcısının" in by_user
    today = dt.date.today()
    assert "(kilitacilacak) kullanıcısının" in text_of(view.get(f"/securityevents/list/?action=unlock&from={today}&to={today}"))
    future = today + dt.timedelta(days=3)
    assert "Bu süzgeçlere uyan güvenlik olayı yok" in text_of(
        view.get(f"/securityevents/list/?from={future}"))
    bad = view.get("/securityevents/list/?from=31.02.2026&to=xyz&user=abc&page=-3")
    assert bad.status_code == 200 and "Başlangıç tarihi anlaşılamadı" in text_of(bad)


def test_security_events_page_through(app, clients):
    from app.core import audit

    with app.app_context():
        for i in range(60):
            audit.record("ab_role", None, "role_update", f"Sayfalama denemesi {i}")
        db.session.remove()
    view = clients["mudur"]
    first = view.get("/securityevents/list/?action=role_update").data.decode()
    assert "Sayfalama denemesi 59" in first and "Sayfalama denemesi 5<" not in first
    assert "page=1" in first
    second = text_of(view.get("/securityevents/list/?action=role_update&page=1"))
    assert "Sayfalama denemesi 5 " in second or second.rstrip().endswith("Sayfalama denemesi 5")
    assert view.get("/securityevents/list/?page=9999").status_code == 200


def test_security_events_escape_what_users_typed(app, clients):
    app.test_client().post("/login/", data={"username": "<b>kotu</b>", "password": "x"})
    body = clients["admin"].get("/securityevents/list/?action=login_failed").data.decode()
    assert "<b>kotu</b>" not in body and "&lt;b&gt;kotu&lt;/b&gt;" in body


def test_security_events_sentence_without_summary(app):
    from app.security.views import SecurityEventsView

    with app.app_context():
        user = appbuilder.sm.find_user(username="mudur")
        entry = AuditEntry(at=dt.datetime(2026, 11, 26, 2, 5), user_id=user.id, username="mudur",
                           register="ab_user", record_id=user.id, action="password_change")
        row = SecurityEventsView._row(entry, {user.id: user}, {})
        db.session.remove()
    assert row["at"] == "26.11.2026 02:05"
    assert row["sentence"] == "İsmail Şahin (mudur): Parola değiştirildi — İsmail Şahin"


# -- the permission doc ------------------------------------------------------------


def test_doc_generator_lists_every_view_and_all_of_admin(app):
    with app.app_context():
        doc = permission_matrix_markdown()
        from app.core import screenregisters

        screen = {v.__name__ for v in screenregisters.VIEWS.values()}   # the doc states their rule, not each
        views = {v.__class__.__name__: v for v in appbuilder.baseviews
                 if v.base_permissions and v.__class__.__name__ not in screen}
        rows = {}
        for line in doc.splitlines():
            if line.startswith("| ") and not line.startswith("| view"):
                cells = [c.strip() for c in line.strip().strip("|").split("|")]
                rows[cells[0].replace(" (personal data)", "")] = cells[1:]
        for name, view in views.items():
            assert name in rows, f"{name} missing from docs/PERMISSIONS.md"
            admin = set(rows[name][len(R.ROLES)].split(", "))   # Admin: the last column
            expected = {p[4:] if p.startswith("can_") else p for p in view.base_permissions}
            assert admin == expected, name
            for role, cell in zip([R.CLERK, R.DIRECTOR, R.IT, R.AUDITOR], rows[name][:4]):
                listed = set(cell.split(", ")) - {"—"}
                pairs = {p for p, v in role_permission_pairs(role) if v == name and p != "menu_access"}
                assert listed == {p[4:] for p in pairs}, (role, name)
        db.session.remove()
    # columns: Memur, Müdür, Bilgi İşlem, Denetçi, Başkan, Başkan Yardımcısı, Admin
    assert rows["SecurityEventsView"] == ["—", "list", "list", "list", "—", "—", "list"]


def test_own_user_information_page(clients):
    page_text = text_of(clients["memur"].get("/users/userinfo/"))
    for word in ("Kullanıcı bilgilerim", "Ayşe", "Memur", "Bilgilerimi düzenle", "Parolamı değiştir"):
        assert word in page_text, word
    assert "True" not in page_text and "Kilidi aç" not in page_text and "Başarısız deneme" not in page_text
    assert clients["memur"].get("/resetmypassword/form").status_code == 200


# -- in a browser (last: its live server keeps CSRF on until the module ends) --


@pytest.mark.browser
def test_browser_grid_tick_save_and_the_cell_changes_over_http(app, page, clients):  # noqa: F811
    auditor = clients["denetci"]
    cell = "can_add|VehicleView"
    assert auditor.get("/vehicleview/add").status_code == 403
    with app.app_context():
        assert ("can_add", "VehicleView") not in role_permission_pairs(R.AUDITOR)
        db.session.remove()
    try:
        browser_login(page, "bilgiislem")
        page.goto(page.base + "/users/list/")
        shot(page, "it-users-list")
        page.goto(page.base + f"/roles/edit/{_role_id(app, R.AUDITOR)}")
        box = page.locator(f'input[name="perm"][value="{cell}"]')
        assert not box.is_checked()
        box.check()
        shot(page, "it-role-grid")
        page.click("#ozk-save-grid")
        page.wait_for_load_state("networkidle")
        assert "Denetçi rolünün yetkileri kaydedildi (1 eklendi, 0 kaldırıldı)" in page.inner_text("body")
        assert auditor.get("/vehicleview/add").status_code == 200
        page.goto(page.base + "/securityevents/list/")
        assert "Araçlar" in page.inner_text("body") or "Makam Araçları" in page.inner_text("body")
        shot(page, "it-security-events")
    finally:
        with app.app_context():
            sync_roles()   # the product definition wins again
            db.session.remove()
    # and the matrix cell agrees with HTTP again
    assert auditor.get("/vehicleview/add").status_code == 403
    with app.app_context():
        assert ("can_add", "VehicleView") not in role_permission_pairs(R.AUDITOR)
        db.session.remove()

