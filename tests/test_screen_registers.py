"""Issue 18, part 3: simple registers defined on the screen by Bilgi İşlem.

A register defined on "Ekrandan kayıt defterleri" is live at once (no
restart): in the menu, the registry, the permission matrix and the role
grid, with list/add/edit/show/search/archive/history/attachments/export and
a generic record PDF, approval and yearly numbering when chosen, and the
rights chosen per role (least privilege for personal data as for coded
registers)."""
from __future__ import annotations

import datetime as dt
import io
import random
import re
import uuid

import pytest
from pypdf import PdfReader

from app.extensions import db

BASE = "/screenregisters"
FIELDS = "*Eşya | metin\nBulunduğu yer\n*Bulunma tarihi | tarih\nDurum | seçim | Bekliyor, Teslim edildi\nDeğeri | para"


def _define(client, key, label, fields=FIELDS, **form):
    data = {"label": label, "key": key, "category": "office", "icon": "fa-archive", "fields_text": fields,
            "read_roles": ["Memur", "Müdür", "Denetçi"], "add_roles": ["Memur", "Müdür"],
            "edit_roles": ["Memur", "Müdür"], "approve_roles": ["Müdür"]}
    data.update(form)
    return client.post(f"{BASE}/add", data=data)


def _records(app, key):
    from app.core.screenregisters import ScreenRecord

    with app.app_context():
        rows = db.session.query(ScreenRecord.id, ScreenRecord.number, ScreenRecord.state, ScreenRecord.extra,
                                ScreenRecord.title).filter(ScreenRecord.register_key == key).all()
        db.session.remove()
    return [tuple(r) for r in rows]


@pytest.fixture(scope="module")
def lost(app, login):
    """Bilgi İşlem defines "Kayıp Eşya" with approval and numbering."""
    it = login("bilgiislem")
    key = "kayip_" + uuid.uuid4().hex[:6]
    prefix = "".join(random.choice("ABCDEFGHJKLMNPRSTUVYZ") for _ in range(5))
    resp = _define(it, key, "Kayıp Eşya", approval="y", prefix=prefix.lower())
    assert resp.status_code == 302, resp.data.decode()[:3000]
    html = _define(it, key + "x", "İkinci", prefix=prefix).data.decode()
    assert "öneki başka bir kayıt defterinde kullanılıyor" in html      # one counter per register
    html = _define(it, key + "y", "Hediye gibi", prefix="HD").data.decode()   # a coded register's prefix
    assert "öneki başka bir kayıt defterinde kullanılıyor" in html
    LOST_PREFIX[0] = prefix
    return key


LOST_PREFIX = [None]


def _base(key):
    from app.core.screenregisters import view_name

    return "/" + view_name(key).lower()      # like every coded register: /<view name>


def _add(client, key, esya, **extra):
    data = {"cf_esya": esya, "cf_bulundugu_yer": "Belediye girişi", "cf_bulunma_tarihi": "20.11.2026",
            "cf_durum": "bekliyor", "cf_degeri": "1.250,50"}
    data.update(extra)
    return client.post(f"{_base(key)}/add", data=data)


def test_only_it_and_admin_define_registers(clients):
    for username in ("memur", "denetci", "mudur", "baskan"):
        assert clients[username].get(f"{BASE}/add").status_code == 403, username
        assert clients[username].post(f"{BASE}/add", data={"label": "X"}).status_code == 403, username
    assert clients["bilgiislem"].get(f"{BASE}/add").status_code == 200
    assert clients["admin"].get(f"{BASE}/list/").status_code == 200


def test_definition_checks_in_turkish_nothing_saved(app, clients):
    from app.core.screenregisters import ScreenRegister

    it = clients["bilgiislem"]
    key = "bos_" + uuid.uuid4().hex[:6]
    html = _define(it, key, "Boş Defter", fields="", ).data.decode()
    assert "En az bir alan yazın" in html
    html = _define(it, key, "Yanlış", fields="Eşya | renkli").data.decode()
    assert "bilinen bir alan türü değil" in html
    html = _define(it, "9x", "Kötü anahtar").data.decode()
    assert "Anahtar 2–30 karakter olmalı" in html
    html = _define(it, key, "Önek", prefix="K-1").data.decode()
    assert "Numara öneki" in html
    with app.app_context():
        assert db.session.query(ScreenRegister).filter(ScreenRegister.key.in_([key, "9x"])).count() == 0
        db.session.remove()


def test_register_is_live_in_menu_registry_and_matrix(app, clients, lost):
    from app.cli import role_permission_pairs
    from app.core.registry import REGISTRY
    from app.core.screenregisters import view_name
    from app.extensions import appbuilder
    from app.security import roles as R

    name = view_name(lost)
    entry = next(e for e in REGISTRY if e.name == name)
    with app.app_context():
        assert str(entry.label) == "Kayıp Eşya" and not entry.personal_data
    assert name in {v.__class__.__name__ for v in appbuilder.baseviews}
    home = clients["memur"].get("/").data.decode()
    assert f"{_base(lost)}/list/" in home            # in the clerk's menu
    assert f"{_base(lost)}/list/" not in clients["baskan"].get("/").data.decode()
    with app.app_context():
        assert ("can_add", name) in role_permission_pairs(R.CLERK)
        assert ("can_approve", name) in role_permission_pairs(R.DIRECTOR)
        assert ("can_history", name) in role_permission_pairs(R.AUDITOR)
        assert ("can_add", name) not in role_permission_pairs(R.AUDITOR)
        assert not {p for p in role_permission_pairs(R.PRESIDENT) if p[1] == name}
    matrix = R.matrix(REGISTRY)
    assert "add" in matrix[R.CLERK][name] and "add" not in matrix[R.AUDITOR][name]
    # the definition is audited (who, when, what)
    from app.core.audit import AuditEntry

    with app.app_context():
        entry_row = (db.session.query(AuditEntry).filter_by(register="screen_register")
                     .filter(AuditEntry.summary.contains(lost)).first())
        assert entry_row is not None and entry_row.user_id is not None
        db.session.remove()


def test_records_add_validate_number_search_edit_archive(app, clients, lost):
    memur = clients["memur"]
    base = _base(lost)
    assert memur.get(f"{base}/add").status_code == 200
    before = len(_records(app, lost))
    html = _add(memur, lost, "", cf_bulunma_tarihi="32.13.2026").data.decode()
    assert "Bu alan zorunludur" in html or "zorunlu" in html
    assert len(_records(app, lost)) == before
    html = _add(memur, lost, "Siyah cüzdan", cf_degeri="on iki").data.decode()
    assert len(_records(app, lost)) == before            # bad money: Turkish error, nothing saved
    resp = _add(memur, lost, "Siyah cüzdan")
    assert resp.status_code == 302, resp.data.decode()[:2000]
    rows = _records(app, lost)
    rid, number, state, extra, title = rows[-1]
    assert number == f"{LOST_PREFIX[0]}-{dt.date.today().year}-0001"
    assert state == "draft" and title == "Siyah cüzdan"
    assert extra["esya"] == "Siyah cüzdan" and extra["degeri"] == "1250.50"
    assert extra["bulunma_tarihi"] == "2026-11-20" and extra["durum"] == "bekliyor"
    page = memur.get(f"{base}/show/{rid}").data.decode()
    assert "Siyah cüzdan" in page and "1.250,50" in page and "Bekliyor" in page
    listing = memur.get(f"{base}/list/?q=CUZDAN").data.decode()
    assert "Siyah cüzdan" in listing                       # Turkish folding
    assert "Siyah cüzdan" not in memur.get(f"{base}/list/?q=anahtarlık").data.decode()
    # a second register's list shows none of these records
    # edit with a stale version: refused, nothing changed
    from app.core.screenregisters import ScreenRecord

    resp = memur.post(f"{base}/edit/{rid}", data={"cf_esya": "Kahverengi cüzdan", "cf_bulunma_tarihi": "20.11.2026",
                                                  "record_version": "0"})
    assert "siz açtıktan sonra" in resp.data.decode()
    resp = memur.post(f"{base}/edit/{rid}", data={"cf_esya": "Kahverengi cüzdan", "cf_bulunma_tarihi": "20.11.2026",
                                                  "cf_durum": "bekliyor", "record_version": "1"})
    assert resp.status_code == 302
    with app.app_context():
        assert db.session.get(ScreenRecord, rid).extra["esya"] == "Kahverengi cüzdan"
        db.session.remove()
    history = clients["mudur"].get(f"{base}/history/{rid}").data.decode()
    assert "Eşya" in history and "Kahverengi cüzdan" in history
    assert memur.get(f"{base}/history/{rid}").status_code == 403       # as on coded registers
    # archive
    assert memur.post(f"{base}/archive/{rid}").status_code == 302
    assert "Kahverengi cüzdan" not in memur.get(f"{base}/list/").data.decode()
    assert "Kahverengi cüzdan" in memur.get(f"{base}/list/?archived=1").data.decode()
    assert clients["mudur"].post(f"{base}/restore/{rid}").status_code == 302


def test_export_and_pdf_carry_the_values(app, clients, lost):
    memur = clients["memur"]
    base = _base(lost)
    assert _add(memur, lost, "Mavi şemsiye", cf_bulundugu_yer="Meclis salonu").status_code == 302
    rid = _records(app, lost)[-1][0]
    csv = memur.get(f"{base}/export.csv").data.decode("utf-8-sig")
    assert "Mavi şemsiye" in csv and "Meclis salonu" in csv and "Eşya" in csv
    assert memur.get(f"{base}/export.xlsx").status_code == 200
    pdf = memur.get(f"{base}/pdf/{rid}")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    folded = re.sub(r"\s+", " ", text)
    assert "Mavi şemsiye" in folded and "Meclis salonu" in folded and "KAYIP EŞYA" in folded
    assert "1.250,50" in folded
    # attachments
    up = memur.post(f"{base}/attachments/{rid}", data={"file": (io.BytesIO(b"%PDF-1.4 test"), "tutanak.pdf")},
                    content_type="multipart/form-data")
    assert up.status_code == 302


def test_approval_by_the_mudur(app, clients, lost):
    memur, mudur = clients["memur"], clients["mudur"]
    base = _base(lost)
    assert _add(memur, lost, "Gri anahtarlık").status_code == 302
    rid, number, state, *_ = _records(app, lost)[-1]
    assert memur.post(f"{base}/submit/{rid}").status_code == 302
    assert _records(app, lost)[-1][2] == "pending"
    from app.core.screenregisters import ScreenRecord

    with app.app_context():
        version = db.session.get(ScreenRecord, rid).version
        db.session.remove()
    assert mudur.post(f"{base}/approve/{rid}", data={"version": str(version)}).status_code == 302
    assert _records(app, lost)[-1][2] == "approved"


def test_rights_as_chosen_and_personal_data(app, clients, login):
    it = clients["bilgiislem"]
    key = "arac_" + uuid.uuid4().hex[:6]
    assert _define(it, key, "Araç Giriş", fields="*Plaka\nNot | uzun metin",
                   read_roles=["Memur", "Bilgi İşlem"], add_roles=["Memur"], edit_roles=[],
                   approve_roles=[]).status_code == 302
    base = _base(key)
    assert clients["bilgiislem"].get(f"{base}/list/").status_code == 200     # chosen, no personal field
    assert clients["bilgiislem"].get(f"{base}/add").status_code == 403       # Bilgi İşlem: read only
    assert clients["denetci"].get(f"{base}/list/").status_code == 403        # not chosen
    assert clients["mudur"].get(f"{base}/list/").status_code == 403
    assert clients["memur"].get(f"{base}/add").status_code == 200
    resp = clients["memur"].post(f"{base}/add", data={"cf_plaka": "34 ABC 12"})
    assert resp.status_code == 302
    rid = _records(app, key)[-1][0]
    assert clients["memur"].get(f"{base}/edit/{rid}").status_code == 403     # nobody may edit
    assert clients["memur"].post(f"{base}/submit/{rid}").status_code in (403, 404)   # no approval
    # personal data: Bilgi İşlem is refused even though it was chosen
    pkey = "emanet_" + uuid.uuid4().hex[:6]
    assert _define(it, pkey, "Emanet", fields="*Eşya\nSahibi | metin | kişisel",
                   read_roles=["Memur", "Bilgi İşlem", "Başkan"]).status_code == 302
    from app.core.registry import REGISTRY
    from app.core.screenregisters import view_name

    with app.app_context():
        assert next(e for e in REGISTRY if e.name == view_name(pkey)).personal_data
    assert clients["bilgiislem"].get(f"{_base(pkey)}/list/").status_code == 403
    assert clients["baskan"].get(f"{_base(pkey)}/list/").status_code == 403
    assert clients["memur"].get(f"{_base(pkey)}/list/").status_code == 200
    # a field made personal later takes Bilgi İşlem's reading away at once
    assert it.post("/customfields/add", data={
        "register": f"screen_{key}", "key": "surucu", "label": "Sürücü", "kind": "text", "personal": "y",
        "in_list": "y", "in_form": "y", "in_show": "y", "active": "y", "position": "0"}).status_code == 302
    assert clients["bilgiislem"].get(f"{base}/list/").status_code == 403
    from app.core.screenregisters import VIEWS
    from app.security import roles as R

    with app.app_context():
        from app.extensions import appbuilder

        role = appbuilder.sm.find_role(R.IT)
        assert not [pv for pv in role.permissions if pv.view_menu.name == VIEWS[key].__name__]
        db.session.remove()


def test_setup_keeps_the_chosen_rights(app, clients, lost):
    from app.cli import sync_roles
    from app.core.screenregisters import view_name

    with app.app_context():
        sync_roles()
        db.session.remove()
    assert clients["memur"].get(f"{_base(lost)}/add").status_code == 200
    assert clients["denetci"].get(f"{_base(lost)}/list/").status_code == 200
    assert clients["denetci"].get(f"{_base(lost)}/add").status_code == 403
    assert view_name(lost).startswith("Screen")


def test_edit_definition_changes_rights_and_label(app, clients, login):
    from app.core.screenregisters import ScreenRegister

    it = clients["bilgiislem"]
    key = "dosya_" + uuid.uuid4().hex[:6]
    assert _define(it, key, "Dosya Teslim", fields="*Dosya").status_code == 302
    with app.app_context():
        pk = db.session.query(ScreenRegister.id).filter_by(key=key).scalar()
        db.session.remove()
    assert clients["denetci"].get(f"{_base(key)}/list/").status_code == 200
    resp = it.post(f"{BASE}/edit/{pk}", data={"label": "Dosya Teslim Defteri", "icon": "fa-book", "active": "y",
                                              "read_roles": ["Memur"], "add_roles": ["Memur"],
                                              "edit_roles": ["Memur"]})
    assert resp.status_code == 302
    assert clients["denetci"].get(f"{_base(key)}/list/").status_code == 403
    assert "Dosya Teslim Defteri" in clients["memur"].get("/").data.decode()
    # deactivated: out of the menu, refused to all but Admin (who may still export it)
    it.post(f"{BASE}/edit/{pk}", data={"label": "Dosya Teslim Defteri", "icon": "fa-book",
                                       "read_roles": ["Memur"], "add_roles": ["Memur"], "edit_roles": ["Memur"]})
    assert clients["memur"].get(f"{_base(key)}/list/").status_code == 403
    assert f"{_base(key)}/list/" not in clients["memur"].get("/").data.decode()
    assert clients["admin"].get(f"{_base(key)}/list/").status_code == 200


def test_the_generic_register_suites_pass(app, login, lost):
    """The checks every coded register passes (tests/test_bad_input.py), on a
    register defined on the screen; and hostile text in its own fields."""
    import test_bad_input as bad

    from app.core.registry import REGISTRY
    from app.core.screenregisters import view_name

    entry = next(e for e in REGISTRY if e.name == view_name(lost))
    bad.test_hostile_input_on_every_add_and_edit_form(app, login, entry)
    bad.test_broken_values_get_form_errors(app, login, entry)
    bad.test_values_the_database_cannot_hold_get_turkish_form_errors(app, login, entry)
    bad.test_control_characters_are_stripped_from_every_text_input(app, login, entry)
    bad.test_malformed_urls_and_query_strings_give_400_or_404(app, login, entry)
    memur = login("memur")
    base = _base(lost)
    for label, hostile in bad.PAYLOADS.items():
        before = len(_records(app, lost))
        resp = _add(memur, lost, hostile[:500], cf_bulundugu_yer=hostile)
        assert resp.status_code in (200, 302), label
        assert len(_records(app, lost)) - before in (0, 1), label
        html = memur.get(f"{base}/list/").data.decode()
        assert '<script>alert("ozk")' not in html and "<img src=x" not in html
    rid = _records(app, lost)[-1][0]
    assert '<script>alert("ozk")' not in memur.get(f"{base}/show/{rid}").data.decode()
    pdf = memur.get(f"{base}/pdf/{rid}")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


def test_configuration_file_carries_screen_registers_to_another_installation(app, clients, lost):
    """Export on the test installation, import on "the live one" (here: the
    same file with the register renamed, as if it were not there yet): the
    register is created live with its fields and rights; a wrong register in
    the file saves nothing."""
    import json

    from app.core import customfields as cf
    from app.core.screenregisters import TABLE_PREFIX, ScreenRegister

    it = clients["bilgiislem"]
    resp = it.get("/customfields/export_config")
    assert resp.status_code == 200
    payload = json.loads(resp.data)
    assert any(r["key"] == lost for r in payload["registers"])
    new_key = "tasinan_" + uuid.uuid4().hex[:6]
    mine = [dict(r, key=new_key, label="Taşınan Kayıp Eşya", prefix=None) for r in payload["registers"]
            if r["key"] == lost]
    fields = [dict(f, register=TABLE_PREFIX + new_key) for f in payload["fields"]
              if f["register"] == TABLE_PREFIX + lost]
    assert fields
    moved = {"format": payload["format"], "version": 1, "registers": mine, "fields": fields}
    # a wrong register (unknown menu group): nothing at all is saved
    broken = dict(moved, registers=[dict(mine[0], category="yok")])
    with app.app_context():
        with pytest.raises(cf.ConfigError):
            cf.import_config(json.dumps(broken))
        assert db.session.query(ScreenRegister).filter_by(key=new_key).count() == 0
        assert db.session.query(cf.CustomField).filter_by(register=TABLE_PREFIX + new_key).count() == 0
        db.session.remove()
    # the right file over the screen's import button
    resp = it.post("/customfields/import_config", data={"file": (io.BytesIO(json.dumps(moved).encode()), "c.json")},
                   content_type="multipart/form-data", follow_redirects=True)
    assert resp.status_code == 200
    with app.app_context():
        assert db.session.query(ScreenRegister).filter_by(key=new_key).count() == 1
        assert db.session.query(cf.CustomField).filter_by(register=TABLE_PREFIX + new_key).count() == len(fields)
        db.session.remove()
    listing = clients["memur"].get(f"{_base(new_key)}/list/")
    assert listing.status_code == 200 and "Taşınan Kayıp Eşya" in listing.data.decode()
    resp = _add(clients["memur"], new_key, "Taşınan şemsiye")
    assert resp.status_code == 302, resp.data.decode()[-2000:]
    assert any(r[4] == "Taşınan şemsiye" for r in _records(app, new_key))
    assert clients["bilgiislem"].get(f"{_base(new_key)}/list/").status_code in (200, 403)
