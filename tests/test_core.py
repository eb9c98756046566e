"""The register core, exercised through the reference registers."""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
import threading
from types import SimpleNamespace

import pytest
from sqlalchemy import event, text

from app.core import approval, turkish
from app.core.audit import AuditEntry, AuditImmutableError
from app.extensions import db
from app.registers.reference.models import Contact, Unit


def add_contact(client, **data):
    form = {"kind": "kisi", "name": "x", "title": "", "protocol_rank": "", "phone": "",
            "email": "", "address": "", "notes": "", "institution": ""}
    form.update(data)
    resp = client.post("/contactview/add", data=form)
    assert resp.status_code == 302, resp.data[-3000:]
    return resp


def contact_id(app, name):
    with app.app_context():
        return db.session.query(Contact.id).filter_by(name=name).scalar()


# --- Turkish folding, search and sort ------------------------------------------

def test_fold_rules():
    assert turkish.fold("İSTANBUL") == "istanbul"
    assert turkish.fold("IŞIK") == "ışık" == turkish.fold("ışık")
    assert turkish.fold("Nikâh") == "nikah"
    assert turkish.upper("gemlik ışık") == "GEMLİK IŞIK"
    assert turkish.format_money(1234.56) == "1.234,56 ₺"
    assert turkish.format_date(dt.date(2026, 2, 3)) == "03.02.2026"


@pytest.mark.parametrize("query,expected,absent", [
    ("istanbul", "İSTANBUL ÇİÇEKÇİSİ", None),
    ("ışık", "IŞIKLI KOOPERATİF", None),
    ("IŞIK", "ışıkçı dükkânı", None),
    ("ilık", "İLIK SU DERNEĞİ", "ILIK SU DERNEĞİ"),  # i must not match ı
])
def test_turkish_search_in_list(clients, app, query, expected, absent):
    memur = clients["memur"]
    for name in filter(None, [expected, absent]):
        if not contact_id(app, name):
            add_contact(memur, kind="kurum", name=name)
    html = memur.get(f"/contactview/list/?q={query}").data.decode()
    assert expected in html
    if absent:
        assert absent not in html


def test_turkish_search_in_column_filter(clients, app):
    memur = clients["memur"]
    if not contact_id(app, "İSTANBUL ÇİÇEKÇİSİ"):
        add_contact(memur, kind="kurum", name="İSTANBUL ÇİÇEKÇİSİ")
    html = memur.get("/contactview/list/?_flt_0_name=istanbul").data.decode()
    assert "İSTANBUL ÇİÇEKÇİSİ" in html


def test_lookup_is_turkish_aware(clients):
    results = clients["memur"].get("/contactview/lookup?q=IŞIK").json["results"]
    assert any("Işık" in r["text"] for r in results)
    results = clients["memur"].get("/contactview/lookup?q=işık").json["results"]
    assert all("Işık" not in r["text"] or "İşık" in r["text"] or "İŞIK" in r["text"] for r in results)


def test_turkish_sort_order(app, clients):
    names = ["Çınar Test", "Cemil Test", "Dilek Test", "Ğ Test", "Gül Test", "Hasan Test",
             "Işıl Test", "İpek Test", "Ömer Test", "Oya Test", "Şule Test", "Sena Test",
             "Ümran Test", "Uğur Test", "Veli Test"]
    with app.app_context():
        for n in names:
            if not db.session.query(Unit).filter_by(name=n).first():
                db.session.add(Unit(name=n, active=True))
        db.session.commit()
        from app.core.db import turkish_order
        dialect = db.engine.dialect.name
        got = [u.name for u in db.session.query(Unit).filter(Unit.name.like("% Test"))
               .order_by(turkish_order(Unit.name, dialect))]
        db.session.remove()
    assert got == ["Cemil Test", "Çınar Test", "Dilek Test", "Gül Test", "Ğ Test", "Hasan Test",
                   "Işıl Test", "İpek Test", "Oya Test", "Ömer Test", "Sena Test", "Şule Test",
                   "Uğur Test", "Ümran Test", "Veli Test"]
    html = clients["memur"].get("/unitview/list/?_oc_UnitView=name&_od_UnitView=asc&psize_UnitView=100").data.decode()
    assert html.index("Cemil Test") < html.index("Çınar Test") < html.index("Dilek Test")
    assert html.index("Işıl Test") < html.index("İpek Test")


# --- audit ------------------------------------------------------------------------

def test_create_and_update_are_audited_with_before_after(clients, app):
    memur = clients["memur"]
    add_contact(memur, name="Denetim Deneme Kişisi", phone="0555")
    cid = contact_id(app, "Denetim Deneme Kişisi")
    page = memur.get(f"/contactview/edit/{cid}").data.decode()
    version = page.split('name="record_version"')[0].rsplit("<input", 1)[1] if False else None
    with app.app_context():
        v = db.session.get(Contact, cid).version
    resp = memur.post(f"/contactview/edit/{cid}", data={
        "kind": "kisi", "name": "Denetim Deneme Kişisi", "phone": "0666", "record_version": str(v)})
    assert resp.status_code == 302
    with app.app_context():
        entries = db.session.query(AuditEntry).filter_by(register="contact", record_id=cid).all()
        actions = [e.action for e in entries]
        assert "create" in actions and "update" in actions
        upd = [e for e in entries if e.action == "update"][-1]
        # phone is personal data: the log says it changed, never what it was (KVKK)
        assert upd.changes_dict()["phone"] == ["(kişisel veri)", "(kişisel veri)"]
        assert "0555" not in (entries[0].changes or "")
        assert upd.username == "memur" and upd.ip
        db.session.remove()
    # the history tab is visible to the Müdür, not to the clerk
    assert "Geçmiş" in clients["mudur"].get(f"/contactview/show/{cid}").data.decode()
    assert clients["memur"].get(f"/contactview/history/{cid}").status_code == 403
    assert clients["denetci"].get(f"/contactview/history/{cid}").status_code == 200


def test_audit_entries_cannot_be_changed(app):
    with app.app_context():
        entry = db.session.query(AuditEntry).first()
        entry.summary = "tampered"
        with pytest.raises(AuditImmutableError):
            db.session.flush()
        db.session.rollback()
        entry = db.session.query(AuditEntry).first()
        db.session.delete(entry)
        with pytest.raises(AuditImmutableError):
            db.session.flush()
        db.session.rollback()
        if db.engine.dialect.name == "postgresql":  # the database itself refuses too
            with pytest.raises(Exception):
                with db.engine.begin() as conn:
                    conn.execute(text("UPDATE audit_entry SET summary = 'x'"))
        db.session.remove()


@pytest.mark.parametrize("user", ["admin", "memur", "mudur", "bilgiislem", "denetci"])
def test_no_role_can_edit_or_delete_audit_entries(clients, user):
    client = clients[user]
    for url in ["/auditlog/edit/1", "/auditlog/delete/1", "/auditlog/add"]:
        assert client.get(url).status_code in (403, 404, 405)
        assert client.post(url, data={"summary": "x"}).status_code in (403, 404, 405)


def test_global_audit_log_filters(clients):
    html = clients["mudur"].get("/auditlog/list/?user=memur").data.decode()
    assert "memur" in html
    assert clients["memur"].get("/auditlog/list/").status_code == 403


# --- archive ------------------------------------------------------------------------

def test_archive_hides_and_director_restores(clients, app):
    memur, mudur = clients["memur"], clients["mudur"]
    add_contact(memur, name="Arşivlenecek Kişi")
    cid = contact_id(app, "Arşivlenecek Kişi")
    assert memur.post(f"/contactview/archive/{cid}").status_code == 302
    assert "Arşivlenecek Kişi" not in memur.get("/contactview/list/?q=arşivlenecek").data.decode()
    assert "Arşivlenecek Kişi" in memur.get("/contactview/list/?q=arşivlenecek&archived=1").data.decode()
    assert memur.post(f"/contactview/restore/{cid}").status_code == 403
    assert memur.post(f"/contactview/purge/{cid}").status_code == 403
    assert mudur.post(f"/contactview/purge/{cid}").status_code == 403
    assert mudur.post(f"/contactview/restore/{cid}").status_code == 302
    assert "Arşivlenecek Kişi" in memur.get("/contactview/list/?q=arşivlenecek").data.decode()
    assert memur.get("/contactview/delete/%d" % cid).status_code in (403, 404, 405)
    with app.app_context():
        actions = [e.action for e in db.session.query(AuditEntry).filter_by(register="contact", record_id=cid)]
        assert "archive" in actions and "restore" in actions
        db.session.remove()


def test_only_admin_purges_and_purge_is_audited(clients, app):
    add_contact(clients["memur"], name="Silinecek Kişi")
    cid = contact_id(app, "Silinecek Kişi")
    clients["memur"].post(f"/contactview/archive/{cid}")
    assert clients["admin"].post(f"/contactview/purge/{cid}").status_code == 302
    assert contact_id(app, "Silinecek Kişi") is None
    with app.app_context():
        assert db.session.query(AuditEntry).filter_by(register="contact", record_id=cid, action="purge").count() == 1
        db.session.remove()



def test_a_reused_id_starts_a_new_history(clients, app):
    """SQLite gives a purged record's id to the next record when it was the
    newest: that record's history must not show the purged one's entries."""
    add_contact(clients["memur"], kind="kurum", name="Eski Kurum Qzx")
    old_id = contact_id(app, "Eski Kurum Qzx")
    with app.app_context():
        assert db.session.query(db.func.max(Contact.id)).scalar() == old_id   # the newest
        db.session.remove()
    clients["memur"].post(f"/contactview/archive/{old_id}")
    assert clients["admin"].post(f"/contactview/purge/{old_id}").status_code == 302
    add_contact(clients["memur"], kind="kurum", name="Yeni Kurum Wvy")
    new_id = contact_id(app, "Yeni Kurum Wvy")
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            assert new_id == old_id          # the case this guards against does happen here
        from app.core.audit import entries_of

        mine = entries_of("contact", new_id).all()
        assert [e.action for e in mine] == ["create"]
        db.session.remove()
    page = clients["admin"].get(f"/contactview/history/{new_id}")
    assert page.status_code == 200
    assert "Yeni Kurum Wvy" in page.data.decode() and "Eski Kurum Qzx" not in page.data.decode()


def test_a_purge_takes_the_records_steps_assignments_and_notifications_along(clients, app):
    """They are keyed by (register, id): left behind, the next record given the
    same id (SQLite) would inherit them. Another record's rows stay."""
    from app.core.assignment import Assignment
    from app.core.signing import SignatureStep
    from app.notify.models import Notification

    add_contact(clients["memur"], kind="kurum", name="Giden Kurum Pqr")
    add_contact(clients["memur"], kind="kurum", name="Kalan Kurum Pqr")
    gone, stays = contact_id(app, "Giden Kurum Pqr"), contact_id(app, "Kalan Kurum Pqr")
    with app.app_context():
        from flask_appbuilder.security.sqla.models import User

        uid = db.session.query(User.id).filter_by(username="memur").scalar()
        for pk in (gone, stays):
            db.session.add(SignatureStep(register="contact", record_id=pk, position=1, kind="paraf",
                                         role="Müdür", title="Müdür"))
            db.session.add(Assignment(register="contact", record_id=pk, view_name="ContactView",
                                      register_label="Rehber", reference="x", assigned_to_id=uid))
            db.session.add(Notification(user_id=uid, kind="assigned", text="x", view_name="ContactView",
                                        record_id=pk))
        db.session.commit()
        kinds = ((SignatureStep, {"register": "contact"}), (Assignment, {"register": "contact"}),
                 (Notification, {"view_name": "ContactView"}))
        before = [db.session.query(m).filter_by(record_id=stays, **w).count() for m, w in kinds]
        assert all(db.session.query(m).filter_by(record_id=gone, **w).count() for m, w in kinds)
        db.session.remove()
    clients["memur"].post(f"/contactview/archive/{gone}")
    assert clients["admin"].post(f"/contactview/purge/{gone}").status_code == 302
    with app.app_context():
        for (model, where), count in zip(kinds, before):
            assert db.session.query(model).filter_by(record_id=gone, **where).count() == 0, model
            assert db.session.query(model).filter_by(record_id=stays, **where).count() == count >= 1, model
        db.session.remove()

# --- conflict-safe editing ----------------------------------------------------------

def test_second_save_is_refused_and_nothing_overwritten(login, app):
    first, second = login("memur"), login("mudur")
    add_contact(first, name="Çakışma Kişisi", notes="ilk")
    cid = contact_id(app, "Çakışma Kişisi")
    with app.app_context():
        v = db.session.get(Contact, cid).version
    # both open the edit form (same version), the Müdür saves first
    assert f'value="{v}"' in first.get(f"/contactview/edit/{cid}").data.decode()
    second.get(f"/contactview/edit/{cid}")
    r = second.post(f"/contactview/edit/{cid}", data={"kind": "kisi", "name": "Çakışma Kişisi",
                                                      "notes": "müdürün notu", "record_version": str(v)})
    assert r.status_code == 302
    r = first.post(f"/contactview/edit/{cid}", data={"kind": "kisi", "name": "Çakışma Kişisi",
                                                     "notes": "memurun notu", "record_version": str(v)})
    html = r.data.decode()
    assert r.status_code == 200
    assert "İsmail Şahin tarafından" in html and "kaydedilmedi" in html
    assert "memurun notu" in html  # the clerk's input is still on the form
    with app.app_context():
        assert db.session.get(Contact, cid).notes == "müdürün notu"
        db.session.remove()


# --- numbering ----------------------------------------------------------------------

def test_numbers_are_yearly_consecutive_and_rollback_leaves_no_gap(app):
    from app.core.numbering import next_number

    # a prefix no register uses (TS is the citizen requests' counter)
    year = 1999
    with app.app_context():
        with db.engine.begin() as conn:
            conn.execute(text("DELETE FROM number_sequence WHERE prefix='ZT9'"))
        with db.engine.begin() as conn:
            assert next_number(conn, "ZT9", year) == "ZT9-1999-0001"
        conn = db.engine.connect()
        trans = conn.begin()
        assert next_number(conn, "ZT9", year) == "ZT9-1999-0002"
        trans.rollback()
        conn.close()
        with db.engine.begin() as conn:
            assert next_number(conn, "ZT9", year) == "ZT9-1999-0002"
            assert next_number(conn, "ZT9", year + 1) == "ZT9-2000-0001"


def test_concurrent_creators_get_distinct_consecutive_numbers(app):
    from app.core.numbering import next_number

    with app.app_context():
        from sqlalchemy import create_engine
        from sqlalchemy.pool import NullPool

        # one connection per creator (on SQLite the writers queue on the database lock)
        engine = create_engine(db.engine.url, poolclass=NullPool)
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM number_sequence WHERE prefix='CC9'"))
        results, errors = [], []
        barrier = threading.Barrier(20)

        def worker():
            try:
                with engine.connect() as conn:
                    with conn.begin():
                        barrier.wait()
                        results.append(next_number(conn, "CC9", 2026))
            except Exception as exc:  # noqa: BLE001
                errors.append(exc)

        threads = [threading.Thread(target=worker) for _ in range(20)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    engine.dispose()
    assert not errors
    assert sorted(results) == [f"CC9-2026-{i:04d}" for i in range(1, 21)]


# --- export -------------------------------------------------------------------------

def test_csv_export_has_bom_turkish_headers_filters_and_neutralised_formulas(clients, app):
    memur = clients["memur"]
    add_contact(memur, name="=HYPERLINK(\"http://x\")", title="Şüpheli")
    resp = memur.get("/contactview/export.csv?q=HYPERLINK")
    body = resp.data.decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body[1:]), delimiter=";"))
    assert rows[0][:2] == ["Tür", "Ad"]
    assert len(rows) == 2 and rows[1][1].startswith("'=")
    with app.app_context():
        assert db.session.query(AuditEntry).filter_by(register="contact", action="export").count() >= 1
        db.session.remove()


def test_xlsx_export(clients):
    from openpyxl import load_workbook

    resp = clients["memur"].get("/contactview/export.xlsx")
    wb = load_workbook(io.BytesIO(resp.data))
    ws = wb.active
    assert ws.cell(2, 2).value == "Ad"     # row 1 is the title row (issue 12)
    values = [c.value for c in ws["B"]]
    assert "Ahmet Işık" in values
    assert all(not (isinstance(v, str) and v.startswith("=")) for v in values)


# --- attachments --------------------------------------------------------------------

def _one_page_pdf():
    """A real PDF: attachments must parse, not just start with %PDF-."""
    from pypdf import PdfWriter

    writer, buf = PdfWriter(), io.BytesIO()
    writer.add_blank_page(72, 72)
    writer.write(buf)
    return buf.getvalue()


PDF_BYTES = _one_page_pdf()


def test_attachments_checked_by_content_and_downloads_audited(clients, app):
    memur = clients["memur"]
    cid = contact_id(app, "Ahmet Işık")
    r = memur.post(f"/contactview/attachments/{cid}", data={"file": (io.BytesIO(PDF_BYTES), "../../etc/yazı.pdf")},
                   content_type="multipart/form-data", follow_redirects=True)
    assert "Dosya eklendi" in r.data.decode()
    r = memur.post(f"/contactview/attachments/{cid}", data={"file": (io.BytesIO(b"MZ\x90\x00evil"), "fatura.pdf")},
                   content_type="multipart/form-data", follow_redirects=True)
    assert "Dosya türü kabul edilmiyor" in r.data.decode()
    from app.core.attachments import Attachment

    with app.app_context():
        att = db.session.query(Attachment).filter_by(register="contact", record_id=cid).first()
        assert att.filename == "yazı.pdf" and ".." not in att.stored_name
        att_id = att.id
        db.session.remove()
    r = memur.get(f"/contactview/attachment/{cid}/{att_id}")
    assert r.status_code == 200 and r.data == PDF_BYTES
    assert clients["bilgiislem"].get(f"/contactview/attachment/{cid}/{att_id}").status_code == 403
    assert memur.get(f"/contactview/attachment/{cid + 1}/{att_id}").status_code == 404
    with app.app_context():
        assert db.session.query(AuditEntry).filter_by(register="contact", record_id=cid, action="download").count() >= 1
        db.session.remove()


def test_oversized_attachment_refused(clients, app):
    app.config["ATTACHMENT_MAX_BYTES"] = 1024
    try:
        cid = contact_id(app, "Ahmet Işık")
        r = clients["memur"].post(f"/contactview/attachments/{cid}",
                                  data={"file": (io.BytesIO(PDF_BYTES + b"0" * 2048), "büyük.pdf")},
                                  content_type="multipart/form-data", follow_redirects=True)
        assert "Dosya çok büyük" in r.data.decode()
    finally:
        app.config.pop("ATTACHMENT_MAX_BYTES")


# --- approval rules (unit level; registers test them over HTTP) ---------------------

def _user(uid, role):
    return SimpleNamespace(id=uid, is_authenticated=True, roles=[SimpleNamespace(name=role)])


def test_approval_rules(ctx):
    rec = SimpleNamespace(state=approval.DRAFT, created_by_id=1, submitted_by_id=None)
    clerk, director = _user(1, "Memur"), _user(2, "Müdür")
    approval.submit(rec, clerk)
    assert rec.state == approval.PENDING
    with pytest.raises(approval.ApprovalError):
        approval.approve(rec, clerk)          # not a director, no proxy
    with pytest.raises(approval.ApprovalError, match="gerekçe"):
        approval.reject(rec, director, " ")
    approval.reject(rec, director, "Tutar hatalı")
    assert rec.state == approval.REJECTED and rec.decided_as == "Müdür"
    approval.submit(rec, clerk)                # corrected and resubmitted
    approval.approve(rec, director)
    assert rec.state == approval.APPROVED
    with pytest.raises(approval.ApprovalError):
        approval.reopen(rec, director, "")
    approval.reopen(rec, director, "Tarih düzeltilecek")
    assert rec.state == approval.DRAFT and "Tarih düzeltilecek" in rec.decision_note
    own = SimpleNamespace(state=approval.PENDING, created_by_id=2, submitted_by_id=2)
    with pytest.raises(approval.ApprovalError, match="kendi"):
        approval.approve(own, director)


def test_proxy_holder_approves_as_mudur_v(ctx):
    proxy_user = _user(7, "Memur")
    approval.PROXY_PROVIDERS.append(lambda user, day: user.id == 7)
    try:
        rec = SimpleNamespace(state=approval.PENDING, created_by_id=1, submitted_by_id=1)
        approval.approve(rec, proxy_user)
        assert rec.decided_as == "Müdür V."
    finally:
        approval.PROXY_PROVIDERS.pop()


# --- speed: SQL queries per list page -----------------------------------------------

def test_list_page_of_25_rows_runs_at_most_5_queries(clients, app):
    memur = clients["memur"]
    with app.app_context():
        n = db.session.query(Contact).count()
        for i in range(max(0, 30 - n)):
            db.session.add(Contact(kind="kisi", name=f"Sayım Kişisi {i}"))
        db.session.commit()
        engine = db.engine
        db.session.remove()
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    memur.get("/contactview/list/")  # warm-up
    event.listen(engine, "before_cursor_execute", count)
    try:
        resp = memur.get("/contactview/list/")
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert resp.status_code == 200
    assert resp.data.decode().count("/contactview/show/") >= 25
    assert len(statements) <= 5, "\n".join(statements)


def test_director_bulk_approves_from_the_inbox(clients, app):
    from app.registers.protocol.models import WreathOrder

    memur, mudur = clients["memur"], clients["mudur"]
    recipient = contact_id(app, "Ahmet Işık")
    ids = []
    for text_ in ("Toplu onay deneme bir", "Toplu onay deneme iki"):
        memur.post("/wreathorderview/add", data={"occasion": "tebrik", "kind": "mesaj", "recipient": str(recipient),
                                                  "message": text_})
        with app.app_context():
            rid = db.session.query(WreathOrder.id).filter_by(message=text_).scalar()
            db.session.remove()
        assert memur.post(f"/wreathorderview/submit/{rid}").status_code == 302
        ids.append(rid)
    html = mudur.get("/approvals/").data.decode()
    assert all(f"WreathOrderView:{i}" in html for i in ids)
    # a clerk without a proxy cannot bulk-approve
    memur.post("/approvals/bulk", data={"record": [f"WreathOrderView:{i}" for i in ids]})
    with app.app_context():
        assert {db.session.get(WreathOrder, i).state for i in ids} == {"pending"}
        db.session.remove()
    # each ticked row carries the version the approver saw in the inbox
    tokens = [t for t in re.findall(r'value="(WreathOrderView:\d+:\d+)"', html)
              if int(t.split(":")[1]) in ids]
    assert len(tokens) == 2
    resp = mudur.post("/approvals/bulk", data={"record": tokens}, follow_redirects=True)
    assert "2 kayıt onaylandı" in resp.data.decode()
    with app.app_context():
        rows = [db.session.get(WreathOrder, i) for i in ids]
        assert {r.state for r in rows} == {"approved"} and {r.decided_as for r in rows} == {"Müdür"}
        db.session.remove()


def test_unticked_checkbox_is_not_refused(clients, app):
    resp = clients["memur"].post("/unitview/add", data={"name": "Pasif Birim Deneme", "head": "", "email": ""})
    assert resp.status_code == 302
    with app.app_context():
        assert db.session.query(Unit).filter_by(name="Pasif Birim Deneme").one().active is False
        db.session.remove()


def test_show_page_runs_at_most_5_queries(clients, app):
    client = clients["memur"]
    cid = contact_id(app, "Ahmet Işık")
    with app.app_context():
        engine = db.engine
    statements = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    client.get(f"/contactview/show/{cid}")
    event.listen(engine, "before_cursor_execute", count)
    try:
        resp = client.get(f"/contactview/show/{cid}")
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert resp.status_code == 200
    assert len(statements) <= 5, "\n".join(statements)


@pytest.mark.parametrize("raw,expected", [("1.234,56", "1234.56"), ("1234,5", "1234.5"), ("1234.56", "1234.56"),
                                          ("1.850,00 ₺", "1850.00"), ("", None)])
def test_turkish_money_input(raw, expected):
    from decimal import Decimal

    from app.core.fields import parse_turkish_decimal

    assert parse_turkish_decimal(raw) == (Decimal(expected) if expected else None)
    with pytest.raises(ValueError):
        parse_turkish_decimal("on iki lira")


def test_money_typed_the_turkish_way_is_saved(clients, app):
    from app.registers.protocol.models import WreathOrder

    recipient = contact_id(app, "Ahmet Işık")
    resp = clients["memur"].post("/wreathorderview/add", data={
        "occasion": "tebrik", "kind": "mesaj", "recipient": str(recipient),
        "message": "Türk usulü tutar denemesi", "cost": "1.234,56"})
    assert resp.status_code == 302
    with app.app_context():
        from decimal import Decimal

        assert db.session.query(WreathOrder).filter_by(message="Türk usulü tutar denemesi").one().cost == Decimal("1234.56")
        db.session.remove()


def test_list_rows_carry_their_buttons_as_markup(clients):
    """The rows put together in Python (app/core/rendering.py list_rows) keep
    the show/edit buttons in their own cell: a str + Markup concatenation once
    printed "&lt;td class=…&gt;" and the browser dropped the buttons column."""
    page = clients["memur"].get("/giftview/list/").data.decode()
    body = page.split("</thead>", 1)[1].split("</table>", 1)[0]
    rows = body.count("<tr>")
    assert rows > 0
    assert body.count('<td class="text-center">') == rows
    assert "&lt;td" not in page and "&lt;/td" not in page
