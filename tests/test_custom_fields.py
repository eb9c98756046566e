"""Issue 18, part 2: fields added from the screen by Bilgi İşlem.

A field defined on "Özel alanlar" shows in each chosen place of a coded
register (form, list, record page, quick search with Turkish folding, list
filter, history with its label, typed exports, the record's PDF), is
validated like a built-in field, and is covered by the KVKK flags; the
definitions are audited and move between installations as a JSON file."""
from __future__ import annotations

import datetime as dt
import io
import json
import re
import uuid
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from app.extensions import db

BASE = "/customfields"


def _contact(app, name="Ahmet Işık"):
    from app.registers.reference.models import Contact

    with app.app_context():
        cid = db.session.query(Contact.id).filter_by(name=name).scalar()
        db.session.remove()
    return cid


def _define(client, **form):
    data = {"register": "wreath_order", "kind": "text", "in_list": "y", "in_form": "y", "in_show": "y",
            "in_export": "y", "active": "y", "position": "0"}
    data.update(form)
    return client.post(f"{BASE}/add", data=data)


def _field(app, key, register="wreath_order"):
    from app.core.customfields import CustomField

    with app.app_context():
        row = db.session.query(CustomField).filter_by(register=register, key=key).one_or_none()
        out = None if row is None else {c.key: getattr(row, c.key) for c in CustomField.__table__.columns}
        db.session.remove()
    return out


def _wreath(client, app, message, **extra):
    data = {"occasion": "tebrik", "kind": "mesaj", "recipient": str(_contact(app)), "message": message}
    data.update(extra)
    return client.post("/wreathorderview/add", data=data)


def _wreath_row(app, message):
    from app.registers.protocol.models import WreathOrder

    with app.app_context():
        row = db.session.query(WreathOrder).filter_by(message=message).one_or_none()
        out = None if row is None else (row.id, dict(row.extra or {}), row.search_key)
        db.session.remove()
    return out


@pytest.fixture(scope="module")
def fields(app, login):
    """Bilgi İşlem defines a set of fields on the wreaths (once for the module)."""
    it = login("bilgiislem")
    tag = uuid.uuid4().hex[:5]
    keys = {k: f"{k}_{tag}" for k in ("oncelik", "etiket", "adet", "tutar", "gun", "gizli", "kisisel")}
    assert _define(it, key=keys["oncelik"], label="Öncelik", kind="choice",
                   choices_text="acil = Acil\nnormal = Normal\nIŞIK", in_filter="y", in_search="y",
                   in_pdf="y", required="y").status_code == 302
    assert _define(it, key=keys["etiket"], label="Etiket Notu", kind="text", in_search="y",
                   in_pdf="y", position="1").status_code == 302
    assert _define(it, key=keys["adet"], label="Çiçek adedi", kind="integer").status_code == 302
    assert _define(it, key=keys["tutar"], label="Ek tutar", kind="money").status_code == 302
    assert _define(it, key=keys["gun"], label="Teslim günü", kind="date").status_code == 302
    assert _define(it, key=keys["gizli"], label="Yalnız formda", kind="text", in_list="",
                   in_show="", in_export="").status_code == 302
    assert _define(it, key=keys["kisisel"], label="Alıcının yakını", kind="text", personal="y",
                   in_search="y").status_code == 302
    for key in keys.values():
        assert _field(app, key) is not None, key
    yield keys
    from app.core.customfields import CustomField

    with app.app_context():       # inactive afterwards: other tests see the register as coded
        for row in db.session.query(CustomField).filter(CustomField.key.in_(list(keys.values()))):
            row.active = False
        db.session.commit()
        db.session.remove()


def test_field_appears_in_form_list_show_and_is_saved(clients, app, fields):
    memur = clients["memur"]
    form = memur.get("/wreathorderview/add").data.decode()
    for label in ("Öncelik", "Etiket Notu", "Çiçek adedi", "Ek tutar", "Teslim günü", "Yalnız formda"):
        assert label in form
    assert f'name="cf_{fields["oncelik"]}"' in form and ">Acil<" in form
    msg = f"Özel alan {uuid.uuid4().hex[:6]}"
    resp = _wreath(memur, app, msg, **{f"cf_{fields['oncelik']}": "acil", f"cf_{fields['etiket']}": "IŞIK kapısı",
                                        f"cf_{fields['adet']}": "12.500", f"cf_{fields['tutar']}": "1.250,50",
                                        f"cf_{fields['gun']}": "26.11.2026", f"cf_{fields['gizli']}": "sakla"})
    assert resp.status_code == 302, resp.data.decode()[:2000]
    rid, extra, key = _wreath_row(app, msg)
    assert extra == {fields["oncelik"]: "acil", fields["etiket"]: "IŞIK kapısı", fields["adet"]: 12500,
                     fields["tutar"]: "1250.50", fields["gun"]: "2026-11-26", fields["gizli"]: "sakla"}
    assert "ışık kapısı" in key and "acil" in key
    show = memur.get(f"/wreathorderview/show/{rid}").data.decode()
    for text in ("Öncelik", "Acil", "Etiket Notu", "IŞIK kapısı", "12.500", "1.250,50", "26.11.2026"):
        assert text in show, text
    assert "Yalnız formda" not in show and "sakla" not in show
    listing = memur.get(f"/wreathorderview/list/?q={msg.split()[-1]}").data.decode()
    assert "Öncelik" in listing and "Acil" in listing and "Yalnız formda" not in listing
    # the label comes before the built-in columns (position 1)
    assert listing.index("Etiket Notu") < listing.index("Alıcı") if "Alıcı" in listing else True
    edit = memur.get(f"/wreathorderview/edit/{rid}").data.decode()
    assert 'value="1.250,50"' in edit and 'value="26.11.2026"' in edit and "IŞIK kapısı" in edit


def test_turkish_folding_search_and_filter(clients, app, fields):
    memur = clients["memur"]
    tag = uuid.uuid4().hex[:6]
    _wreath(memur, app, f"Arama A {tag}", **{f"cf_{fields['oncelik']}": "acil",
                                              f"cf_{fields['etiket']}": f"IŞIK{tag}"})
    _wreath(memur, app, f"Arama B {tag}", **{f"cf_{fields['oncelik']}": "normal"})
    rid_a = _wreath_row(app, f"Arama A {tag}")[0]
    rid_b = _wreath_row(app, f"Arama B {tag}")[0]
    for q in (f"ışık{tag}", f"IŞIK{tag}", f"isik{tag}", f"Işık{tag}"):
        html = memur.get(f"/wreathorderview/list/?q={q}").data.decode()
        assert f"/wreathorderview/show/{rid_a}" in html, q
        assert f"/wreathorderview/show/{rid_b}" not in html
    # the list filter: a choice equals
    html = memur.get(f"/wreathorderview/list/?q={tag}&cf_{fields['oncelik']}=normal").data.decode()
    assert f"/wreathorderview/show/{rid_b}" in html and f"/wreathorderview/show/{rid_a}" not in html
    assert f'name="cf_{fields["oncelik"]}"' in html        # the filter box above the list
    # a value not among the options filters nothing and breaks nothing
    assert memur.get(f"/wreathorderview/list/?cf_{fields['oncelik']}=%27%3B--").status_code == 200


def test_bad_values_are_refused_in_turkish_and_nothing_is_saved(clients, app, fields):
    memur = clients["memur"]
    msg = f"Hatalı {uuid.uuid4().hex[:6]}"
    resp = _wreath(memur, app, msg, **{f"cf_{fields['oncelik']}": "acil", f"cf_{fields['adet']}": "on iki"})
    assert resp.status_code == 200
    assert "Tam sayı" in resp.data.decode() or "tam sayı" in resp.data.decode()
    assert _wreath_row(app, msg) is None
    resp = _wreath(memur, app, msg, **{f"cf_{fields['oncelik']}": "acil", f"cf_{fields['tutar']}": "12,3,4x"})
    assert resp.status_code == 200 and "tutar" in resp.data.decode()
    resp = _wreath(memur, app, msg, **{f"cf_{fields['oncelik']}": "acil", f"cf_{fields['gun']}": "31.02.2026"})
    assert resp.status_code == 200 and _wreath_row(app, msg) is None
    resp = _wreath(memur, app, msg, **{f"cf_{fields['oncelik']}": "hayalet"})
    assert resp.status_code == 200 and _wreath_row(app, msg) is None
    resp = _wreath(memur, app, msg)        # required choice missing
    assert resp.status_code == 200 and _wreath_row(app, msg) is None
    assert "seçeneklerden birini" in resp.data.decode().lower() or "Seçeneklerden" in resp.data.decode()


def test_history_shows_changes_with_the_label(clients, app, fields):
    memur, mudur = clients["memur"], clients["mudur"]
    msg = f"Tarihçe {uuid.uuid4().hex[:6]}"
    _wreath(memur, app, msg, **{f"cf_{fields['oncelik']}": "normal", f"cf_{fields['kisisel']}": "Ayşe Hanım"})
    rid, _, _ = _wreath_row(app, msg)
    from app.registers.protocol.models import WreathOrder

    with app.app_context():
        version = db.session.get(WreathOrder, rid).version
        db.session.remove()
    resp = memur.post(f"/wreathorderview/edit/{rid}", data={
        "occasion": "tebrik", "kind": "mesaj", "recipient": str(_contact(app)), "message": msg,
        "record_version": str(version), f"cf_{fields['oncelik']}": "acil",
        f"cf_{fields['kisisel']}": "Fatma Hanım"})
    assert resp.status_code == 302
    html = mudur.get(f"/wreathorderview/show/{rid}").data.decode()
    assert "Öncelik" in html and "Normal" in html and "Acil" in html
    from app.core.audit import AuditEntry

    with app.app_context():
        rows = db.session.query(AuditEntry).filter_by(register="wreath_order", record_id=rid).all()
        text = " ".join(r.changes or "" for r in rows)
        db.session.remove()
    assert f"cf_{fields['oncelik']}" in text
    assert "Ayşe" not in text and "Fatma" not in text      # personal: that it changed, never the value


def test_exports_are_typed_and_pdf_prints_marked_fields(clients, app, fields):
    memur = clients["memur"]
    tag = uuid.uuid4().hex[:6]
    msg = f"Çıktı {tag}"
    _wreath(memur, app, msg, **{f"cf_{fields['oncelik']}": "acil", f"cf_{fields['etiket']}": "Kurdele",
                                 f"cf_{fields['adet']}": "12", f"cf_{fields['tutar']}": "1.250,50",
                                 f"cf_{fields['gun']}": "26.11.2026"})
    rid = _wreath_row(app, msg)[0]
    resp = memur.get(f"/wreathorderview/export.xlsx?q={tag}")
    assert resp.status_code == 200
    ws = load_workbook(io.BytesIO(resp.data)).active
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    header = next(r for r in rows if "Öncelik" in r)
    data = next(r for r in rows if "Acil" in r)
    assert data[header.index("Çiçek adedi")] == 12
    assert Decimal(str(data[header.index("Ek tutar")])) == Decimal("1250.50")
    assert data[header.index("Teslim günü")].date() == dt.date(2026, 11, 26)
    assert "Yalnız formda" not in header
    csv_text = memur.get(f"/wreathorderview/export.csv?q={tag}").data.decode("utf-8-sig")
    assert "Öncelik" in csv_text and "Acil" in csv_text
    pdf = memur.get(f"/wreathorderview/pdf/{rid}")
    assert pdf.status_code == 200
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Öncelik" in text and "Acil" in text and "Kurdele" in text
    assert "Çiçek adedi" not in text           # not marked for the PDF


def test_definition_changes_are_audited(clients, app, fields):
    it = clients["bilgiislem"]
    row = _field(app, fields["adet"])
    resp = it.post(f"{BASE}/edit/{row['id']}", data={
        "label": "Çiçek sayısı", "kind": "integer", "in_list": "y", "in_form": "y", "in_show": "y",
        "in_export": "y", "active": "y", "position": "0"})
    assert resp.status_code == 302
    assert _field(app, fields["adet"])["label"] == "Çiçek sayısı"
    from app.core.audit import AuditEntry

    with app.app_context():
        entries = db.session.query(AuditEntry).filter_by(register="custom_field", record_id=row["id"]).all()
        actions = {e.action for e in entries}
        changes = " ".join(e.changes or "" for e in entries)
        who = {e.username for e in entries}
        db.session.remove()
    assert {"create", "update"} <= actions and "Çiçek sayısı" in changes and "bilgiislem" in who
    log = it.get("/auditlog/list/?register=custom_field").data.decode()   # the audit log, in words
    assert "Özel alanlar" in log and "Çiçek adedi" in log and "Çiçek sayısı" in log and "Etiket" in log
    html = clients["memur"].get("/wreathorderview/add").data.decode()
    assert "Çiçek sayısı" in html                 # shows at once, no restart


def test_bad_definitions_are_refused(clients, app):
    it = clients["bilgiislem"]
    resp = _define(it, key="Büyük Harf", label="X")
    assert resp.status_code == 200 and _field(app, "Büyük Harf") is None
    html = resp.data.decode()
    assert "Anahtar küçük harf" in html and 'value="Büyük Harf"' in html     # what was typed is kept
    resp = _define(it, key="secim_bos", label="Boş seçim", kind="choice", choices_text="")
    assert _field(app, "secim_bos") is None and "en az bir seçenek" in resp.data.decode()
    resp = _define(it, key="iki_kez", label="İlk")
    resp = _define(it, key="iki_kez", label="İkinci")
    assert resp.status_code == 200 and "zaten var" in resp.data.decode()
    assert _field(app, "iki_kez")["label"] == "İlk"
    from app.core.customfields import CustomField

    with app.app_context():
        db.session.query(CustomField).filter_by(key="iki_kez").one().active = False
        db.session.commit()
        db.session.remove()
    resp = _define(it, key="<script>x", label="<b>kalın</b>")
    assert "<b>kalın</b>" not in resp.data.decode()
    resp = _define(it, key="kind", label="Tür gizle", kind="hide")          # NOT NULL: refused
    assert _field(app, "kind") is None and "isteğe bağlı" in resp.data.decode()
    resp = _define(it, key="x1", label="X", register="no_such_table")
    assert resp.status_code in (200, 302) and _field(app, "x1", "no_such_table") is None


def test_hiding_a_builtin_optional_field(clients, app):
    it = clients["bilgiislem"]
    offered = 'name="invoice_no" class="filter"'            # "Filtre Ekle" offers it
    assert 'name="invoice_no"' in clients["memur"].get("/wreathorderview/add").data.decode()
    assert offered in clients["memur"].get("/wreathorderview/list/").data.decode()
    assert _define(it, key="invoice_no", label="Fatura no gizli", kind="hide").status_code == 302
    try:
        form = clients["memur"].get("/wreathorderview/add").data.decode()
        assert 'name="invoice_no"' not in form
        assert offered not in clients["memur"].get("/wreathorderview/list/").data.decode()
        msg = f"Gizli alan {uuid.uuid4().hex[:6]}"
        row = _field(app, "invoice_no")
        # a record still saves without it
        assert _wreath(clients["memur"], app, msg, **{}).status_code in (200, 302)
    finally:
        from app.core.customfields import CustomField

        with app.app_context():
            db.session.get(CustomField, row["id"]).active = False
            db.session.commit()
            db.session.remove()
    assert 'name="invoice_no"' in clients["memur"].get("/wreathorderview/add").data.decode()
    assert offered in clients["memur"].get("/wreathorderview/list/").data.decode()


def test_config_export_import_round_trips(clients, app, fields):
    it = clients["bilgiislem"]
    resp = it.get(f"{BASE}/export_config")
    assert resp.status_code == 200 and "attachment" in resp.headers["Content-Disposition"]
    payload = json.loads(resp.data)
    mine = [f for f in payload["fields"] if f["key"] == fields["oncelik"]]
    assert mine and mine[0]["label"] == "Öncelik" and ["acil", "Acil"] in mine[0]["choices"]
    # another installation: change the label, add a new field, import
    mine[0]["label"] = "Öncelik derecesi"
    new_key = f"yeni_{uuid.uuid4().hex[:5]}"
    payload["fields"].append({**mine[0], "key": new_key, "label": "Yeni alan", "kind": "text", "choices": None})
    body = json.dumps(payload).encode()
    resp = it.post(f"{BASE}/import_config", data={"file": (io.BytesIO(body), "ozel-alanlar.json")},
                   content_type="multipart/form-data")
    assert resp.status_code == 302
    assert _field(app, fields["oncelik"])["label"] == "Öncelik derecesi"
    assert _field(app, new_key)["label"] == "Yeni alan"
    # a broken file: nothing saved, a Turkish message
    bad = dict(payload, fields=[{**mine[0], "label": "Değişmemeli"}, {"register": "wreath_order", "key": "BAD KEY",
                                                                       "label": "x", "kind": "text"}])
    resp = it.post(f"{BASE}/import_config", data={"file": (io.BytesIO(json.dumps(bad).encode()), "x.json")},
                   content_type="multipart/form-data", follow_redirects=True)
    assert "hiçbir değişiklik kaydedilmedi" in resp.data.decode()
    assert _field(app, fields["oncelik"])["label"] == "Öncelik derecesi"
    resp = it.post(f"{BASE}/import_config", data={"file": (io.BytesIO(b"not json"), "x.json")},
                   content_type="multipart/form-data")
    assert resp.status_code == 302
    # put the label back for the other tests; the new field off
    mine[0]["label"] = "Öncelik"
    payload["fields"][-1]["active"] = False
    resp = it.post(f"{BASE}/import_config", data={"file": (io.BytesIO(json.dumps(payload).encode()), "x.json")},
                   content_type="multipart/form-data")
    assert _field(app, fields["oncelik"])["label"] == "Öncelik"


def test_cli_export_import(app, fields, tmp_path):
    runner = app.test_cli_runner()
    path = tmp_path / "alanlar.json"
    result = runner.invoke(args=["ozelkalem", "fields-export", str(path)])
    assert result.exit_code == 0, result.output
    data = json.loads(path.read_text("utf-8"))
    assert any(f["key"] == fields["oncelik"] for f in data["fields"])
    result = runner.invoke(args=["ozelkalem", "fields-import", str(path)])
    assert result.exit_code == 0, result.output
    assert "0 yeni" in result.output


@pytest.mark.parametrize("user", ["memur", "denetci", "mudur", "baskan"])
def test_only_it_and_admin_reach_the_definitions(clients, user):
    for url in (f"{BASE}/list/", f"{BASE}/add", f"{BASE}/export_config"):
        resp = clients[user].get(url)
        assert resp.status_code in (302, 403), (user, url)
        assert resp.status_code == 403 or "/login" in resp.headers.get("Location", "") \
            or resp.headers.get("Location", "").rstrip("/").endswith("") , (user, url)
    resp = clients[user].post(f"{BASE}/import_config", data={})
    assert resp.status_code in (302, 400, 403)


def test_it_and_admin_reach_the_definitions_but_not_personal_records(clients, app):
    for user in ("bilgiislem", "admin"):
        html = clients[user].get(f"{BASE}/list/")
        assert html.status_code == 200
        assert "Özel alanlar" in html.data.decode() or "Özel Alanlar" in html.data.decode()
    it = clients["bilgiislem"]
    assert it.get("/contactview/list/").status_code in (302, 403)
    cid = _contact(app)
    assert it.get(f"/contactview/show/{cid}").status_code in (302, 403)


def test_kvkk_anonymize_blanks_personal_custom_values(clients, app, fields):
    from app.ops.kvkk import anonymize
    from app.registers.protocol.models import WreathOrder

    msg = f"KVKK {uuid.uuid4().hex[:6]}"
    _wreath(clients["memur"], app, msg, **{f"cf_{fields['oncelik']}": "acil",
                                            f"cf_{fields['kisisel']}": "Zeynep Yakın"})
    rid = _wreath_row(app, msg)[0]
    with app.app_context():
        row = db.session.get(WreathOrder, rid)
        row.created_at = dt.datetime(2000, 1, 1)
        db.session.commit()
        db.session.remove()
        anonymize()
        row = db.session.get(WreathOrder, rid)
        extra, key = dict(row.extra or {}), row.search_key
        db.session.remove()
    assert fields["kisisel"] not in extra and extra.get(fields["oncelik"]) == "acil"
    assert "zeynep" not in key


def test_personal_custom_value_masked_for_roles_without_personal_data(clients, app, fields):
    msg = f"Maske {uuid.uuid4().hex[:6]}"
    _wreath(clients["memur"], app, msg, **{f"cf_{fields['oncelik']}": "acil",
                                            f"cf_{fields['kisisel']}": "Mehmet Yakınoğlu"})
    rid = _wreath_row(app, msg)[0]
    assert "Mehmet Yakınoğlu" in clients["memur"].get(f"/wreathorderview/show/{rid}").data.decode()
    html = clients["bilgiislem"].get(f"/wreathorderview/show/{rid}").data.decode()
    assert "Mehmet Yakınoğlu" not in html


def test_link_yes_no_date_time_and_long_text_fields(clients, app, fields):
    it, memur = clients["bilgiislem"], clients["memur"]
    tag = uuid.uuid4().hex[:5]
    keys = {k: f"{k}_{tag}" for k in ("kisi", "evet", "zaman", "uzun", "birim")}
    assert _define(it, key=keys["kisi"], label="İlgili kişi", kind="contact").status_code == 302
    assert _define(it, key=keys["evet"], label="Kartvizit eklensin", kind="bool", in_filter="y").status_code == 302
    assert _define(it, key=keys["zaman"], label="Teslim saati", kind="datetime").status_code == 302
    assert _define(it, key=keys["uzun"], label="Ek açıklama", kind="longtext", in_search="y").status_code == 302
    assert _define(it, key=keys["birim"], label="Sorumlu birim", kind="unit").status_code == 302
    from app.core.customfields import CustomField
    from app.registers.reference.models import Unit

    with app.app_context():
        unit_id = db.session.query(Unit.id).first()[0]
        db.session.remove()
    try:
        msg = f"Bağlantı {tag}"
        resp = _wreath(memur, app, msg, **{f"cf_{fields['oncelik']}": "acil",
                                            f"cf_{keys['kisi']}": str(_contact(app)), f"cf_{keys['evet']}": "y",
                                            f"cf_{keys['zaman']}": "26.11.2026 14:30",
                                            f"cf_{keys['uzun']}": "Çok satırlı\nÖzel not", f"cf_{keys['birim']}": str(unit_id)})
        assert resp.status_code == 302, resp.data.decode()[:3000]
        rid, extra, key = _wreath_row(app, msg)
        assert extra[keys["kisi"]] == _contact(app) and extra[keys["evet"]] is True
        assert extra[keys["zaman"]] == "2026-11-26T14:30" and extra[keys["birim"]] == unit_id
        assert "özel not" in key
        show = memur.get(f"/wreathorderview/show/{rid}").data.decode()
        assert "Ahmet Işık" in show and "Evet" in show and "26.11.2026 14:30" in show
        html = memur.get(f"/wreathorderview/list/?q={tag}&cf_{keys['evet']}=1").data.decode()
        assert f"/wreathorderview/show/{rid}" in html
        html = memur.get(f"/wreathorderview/list/?q={tag}&cf_{keys['evet']}=0").data.decode()
        assert f"/wreathorderview/show/{rid}" not in html
        # a link to a record that does not exist: refused, nothing saved
        resp = _wreath(memur, app, msg + " yok", **{f"cf_{keys['kisi']}": "987654321"})
        assert resp.status_code == 200 and _wreath_row(app, msg + " yok") is None
        resp = _wreath(memur, app, msg + " saat", **{f"cf_{keys['zaman']}": "26.11.2026 25:99"})
        assert resp.status_code == 200 and _wreath_row(app, msg + " saat") is None
    finally:
        with app.app_context():
            for row in db.session.query(CustomField).filter(CustomField.key.in_(list(keys.values()))):
                row.active = False
            db.session.commit()
            db.session.remove()


def test_a_change_made_by_another_process_shows_after_the_ttl(app, clients, monkeypatch):
    """Another gunicorn worker's change reaches this process's cache within
    CUSTOM_FIELDS_TTL seconds, without a restart (and without this process's commit hook)."""
    import time

    from sqlalchemy import insert

    from app.core import customfields as cf

    tag = uuid.uuid4().hex[:5]
    monkeypatch.setitem(app.config, "CUSTOM_FIELDS_TTL", 0.2)
    with app.app_context():
        cf.definitions("wreath_order")              # cached now
        with db.engine.begin() as conn:             # "the other process": no session, no hook
            conn.execute(insert(cf.CustomField.__table__).values(
                register="wreath_order", key=f"diger_{tag}", label="Diğer süreç", kind="text", required=False,
                in_list=True, in_form=True, in_show=True, in_search=False, in_filter=False, in_export=True,
                in_pdf=False, position=0, personal=False, active=False))
            conn.execute(cf.CustomField.__table__.update().where(cf.CustomField.key == f"diger_{tag}")
                         .values(active=True))
        time.sleep(0.3)
        assert any(d.key == f"diger_{tag}" for d in cf.definitions("wreath_order"))
        with db.engine.begin() as conn:
            conn.execute(cf.CustomField.__table__.update().where(cf.CustomField.key == f"diger_{tag}")
                         .values(active=False))
        time.sleep(0.3)
        assert not any(d.key == f"diger_{tag}" for d in cf.definitions("wreath_order"))
        db.session.remove()


def test_labels_and_values_are_escaped(clients, app, fields):
    it, memur = clients["bilgiislem"], clients["memur"]
    key = f"xss_{uuid.uuid4().hex[:5]}"
    evil = "<img src=x onerror=alert(1)>"
    assert _define(it, key=key, label=evil, kind="text", in_filter="y", in_pdf="y").status_code == 302
    from app.core.customfields import CustomField

    try:
        html = memur.get("/wreathorderview/add").data.decode()
        assert evil not in html
        msg = f"Kaçış {uuid.uuid4().hex[:6]}"
        _wreath(memur, app, msg, **{f"cf_{fields['oncelik']}": "acil", f"cf_{key}": "<script>alert(2)</script>"})
        rid = _wreath_row(app, msg)[0]
        for url in (f"/wreathorderview/show/{rid}", "/wreathorderview/list/", f"/wreathorderview/edit/{rid}"):
            html = memur.get(url).data.decode()
            assert evil not in html and "<script>alert(2)</script>" not in html, url
        pdf = memur.get(f"/wreathorderview/pdf/{rid}")
        assert pdf.status_code == 200
    finally:
        with app.app_context():
            db.session.query(CustomField).filter_by(key=key).one().active = False
            db.session.commit()
            db.session.remove()
