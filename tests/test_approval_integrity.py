"""Approval integrity (issue 13) and submissions as a clerk meets them (issue 11),
over HTTP with crafted POSTs, on SQLite and PostgreSQL:

- a submitted record is locked for everybody; the clerk withdraws it to Taslak
  (recorded in history), edits and submits again;
- approve/reject carry the version the approver saw; a stale or missing one is refused;
- nobody approves a record whose content they changed;
- approved records take no attachment and no archive except by the Müdür with a reason;
- bulk approve skips archived records and says so;
- the list offers no edit pencil on a locked row;
- Staff.user (who acts as "Müdür V.") is linked only by Bilgi İşlem/Müdür/Admin; a
  proxy binds to the login that held it when the leave was approved; the Müdür cannot
  approve his own proxy leave without the mayor's olur;
- masked phone numbers cannot be recovered through filters, sorting or the quick search;
- a handover with open lines is approved only when each says what happens to the item;
- the clerk's home shows "Onaya gönderdiklerim", approvers see the badge.
"""
from __future__ import annotations

import datetime as dt
import html as htmllib
import io
import itertools
import re

import pytest

from app.core import approval
from app.core.audit import AuditEntry
from app.extensions import db
from app.registers.office.models import CustodyItem, Handover, HandoverLine, Leave, Subscription
from app.registers.reference.models import Contact, Staff

TODAY = dt.date.today()
from tests.test_core import PDF_BYTES as PDF  # a real one-page PDF (attachments must parse)
_seq = itertools.count(1)


def text(resp) -> str:
    return htmllib.unescape(resp.data.decode())


def fresh(app, model, pk):
    with app.app_context():
        obj = db.session.get(model, pk)
        if obj is not None:
            db.session.expunge(obj)
        return obj


def user_id(app, username):
    from flask_appbuilder.security.sqla.models import User

    with app.app_context():
        return db.session.query(User.id).filter_by(username=username).scalar()


def staff_id(app, name):
    with app.app_context():
        return db.session.query(Staff.id).filter_by(name=name).scalar()


def seen(app, model, pk):
    return {"version": str(fresh(app, model, pk).version)}


def sub_form(name):
    return {"publication": name, "publisher": "Deneme Basın", "kind": "dergi", "copies": "1",
            # ends far ahead: the list (by end date) keeps other tests' rows on its first page
            "start_date": TODAY.isoformat(), "end_date": "2034-12-31",
            "cost": "100", "delivery_to": "Özel Kalem", "renewal_of": "", "notes": ""}


def new_subscription(app, client, label="Bütünlük"):
    name = f"{label} dergisi {next(_seq)}"
    resp = client.post("/subscriptionview/add", data=sub_form(name))
    assert resp.status_code == 302, text(resp)[-1500:]
    with app.app_context():
        return db.session.query(Subscription.id).filter_by(publication=name).scalar(), name


def edit_sub(app, client, pk, name, **over):
    data = {**sub_form(name), **over, "record_version": str(fresh(app, Subscription, pk).version)}
    return client.post(f"/subscriptionview/edit/{pk}", data=data)


def upload(client, view, pk, **form):
    return client.post(f"/{view}/attachments/{pk}",
                       data={"file": (io.BytesIO(PDF), "ek.pdf"), **form},
                       content_type="multipart/form-data")


def attachment_count(app, table, pk):
    from app.core.attachments import Attachment

    with app.app_context():
        return db.session.query(Attachment).filter_by(register=table, record_id=pk).count()


# --- locked while pending; withdraw, edit, resubmit -------------------------------


def test_pending_record_is_locked_for_everybody_until_withdrawn(app, clients):
    memur, mudur, denetci = clients["memur"], clients["mudur"], clients["denetci"]
    pk, name = new_subscription(app, memur)
    assert memur.post(f"/subscriptionview/submit/{pk}").status_code == 302
    assert fresh(app, Subscription, pk).state == approval.PENDING

    # crafted edit POSTs, by the clerk and by the Müdür: refused, nothing saved
    for client in (memur, mudur):
        resp = edit_sub(app, client, pk, name, copies="9")
        assert resp.status_code == 302
        assert fresh(app, Subscription, pk).copies == 1
    page = text(memur.get(f"/subscriptionview/edit/{pk}", follow_redirects=True))
    assert "Onay bekleyen kayıt değiştirilemez" in page and "geri çekin" in page
    # no attachment, no archive while pending
    upload(memur, "subscriptionview", pk)
    assert attachment_count(app, "subscription", pk) == 0
    memur.post(f"/subscriptionview/archive/{pk}")
    assert fresh(app, Subscription, pk).archived is False
    # the show page says so and offers the withdrawal
    show = text(memur.get(f"/subscriptionview/show/{pk}"))
    assert 'id="ozk-withdraw"' in show and 'id="ozk-submit"' not in show
    # the auditor cannot withdraw
    assert denetci.post(f"/subscriptionview/withdraw/{pk}").status_code in (302, 403)
    assert fresh(app, Subscription, pk).state == approval.PENDING

    resp = memur.post(f"/subscriptionview/withdraw/{pk}", follow_redirects=True)
    assert "geri çekildi" in text(resp)
    assert fresh(app, Subscription, pk).state == approval.DRAFT
    with app.app_context():  # recorded in history: pending → draft by the clerk
        entry = (db.session.query(AuditEntry)
                 .filter_by(register="subscription", record_id=pk, action="state")
                 .order_by(AuditEntry.id.desc()).first())
        assert entry.username == "memur" and entry.changes_dict()["state"] == ["pending", "draft"]
    assert edit_sub(app, memur, pk, name, copies="4").status_code == 302
    assert fresh(app, Subscription, pk).copies == 4
    assert memur.post(f"/subscriptionview/submit/{pk}").status_code == 302
    resp = mudur.post(f"/subscriptionview/approve/{pk}", data=seen(app, Subscription, pk),
                      follow_redirects=True)
    assert "Kayıt onaylandı." in text(resp)
    assert fresh(app, Subscription, pk).state == approval.APPROVED


def test_only_pending_records_are_withdrawn_by_submitter_or_editor(ctx):
    from types import SimpleNamespace

    rec = SimpleNamespace(state=approval.PENDING, created_by_id=1, submitted_by_id=1)
    other = SimpleNamespace(id=5, roles=[])
    with pytest.raises(approval.ApprovalError, match="geri çekebilir"):
        approval.withdraw(rec, other, may_edit=False)
    approval.withdraw(rec, other, may_edit=True)
    assert rec.state == approval.DRAFT and rec.submitted_by_id is None
    with pytest.raises(approval.ApprovalError, match="Yalnızca onay bekleyen"):
        approval.withdraw(rec, other, may_edit=True)


# --- decisions carry the version the approver saw -----------------------------------


def test_approve_and_reject_with_a_stale_or_missing_version_are_refused(app, clients):
    memur, mudur = clients["memur"], clients["mudur"]
    pk, name = new_subscription(app, memur)
    memur.post(f"/subscriptionview/submit/{pk}")
    saw = seen(app, Subscription, pk)
    # meanwhile the clerk withdraws, changes the cost and submits again
    memur.post(f"/subscriptionview/withdraw/{pk}")
    edit_sub(app, memur, pk, name, cost="99999")
    memur.post(f"/subscriptionview/submit/{pk}")

    for data in (saw, {}, {"version": "abc"}):
        resp = mudur.post(f"/subscriptionview/approve/{pk}", data=data, follow_redirects=True)
        assert "kayıt siz incelerken değişti" in text(resp)
        assert fresh(app, Subscription, pk).state == approval.PENDING
    resp = mudur.post(f"/subscriptionview/reject/{pk}", data={"reason": "Tutar?", **saw},
                      follow_redirects=True)
    assert "kayıt siz incelerken değişti" in text(resp)
    assert fresh(app, Subscription, pk).state == approval.PENDING
    # the show page carries the current version in both forms
    show = text(mudur.get(f"/subscriptionview/show/{pk}"))
    version = fresh(app, Subscription, pk).version
    assert show.count(f'name="version" value="{version}"') == 2
    resp = mudur.post(f"/subscriptionview/reject/{pk}", data={"reason": "Tutar yüksek", "version": str(version)},
                      follow_redirects=True)
    assert "Kayıt reddedildi." in text(resp)


def test_nobody_approves_a_record_whose_content_they_changed(app, clients):
    memur, mudur = clients["memur"], clients["mudur"]
    pk, name = new_subscription(app, memur)
    assert edit_sub(app, mudur, pk, name, copies="7").status_code == 302   # the Müdür edits the draft
    memur.post(f"/subscriptionview/submit/{pk}")
    resp = mudur.post(f"/subscriptionview/approve/{pk}", data=seen(app, Subscription, pk),
                      follow_redirects=True)
    assert "içeriğini değiştirdiğiniz kaydı onaylayamazsınız" in text(resp)
    assert fresh(app, Subscription, pk).state == approval.PENDING
    # ...nor after attaching a file to it (the attachment is content too)
    pk2, _ = new_subscription(app, memur)
    assert upload(mudur, "subscriptionview", pk2).status_code == 302
    memur.post(f"/subscriptionview/submit/{pk2}")
    mudur.post(f"/subscriptionview/approve/{pk2}", data=seen(app, Subscription, pk2))
    assert fresh(app, Subscription, pk2).state == approval.PENDING


# --- approved: no attachment, no archive except the Müdür with a reason ----------------


def test_approved_record_takes_no_attachment_or_archive_except_by_mudur_with_reason(app, clients):
    memur, mudur = clients["memur"], clients["mudur"]
    pk, _ = new_subscription(app, memur)
    memur.post(f"/subscriptionview/submit/{pk}")
    mudur.post(f"/subscriptionview/approve/{pk}", data=seen(app, Subscription, pk))
    assert fresh(app, Subscription, pk).state == approval.APPROVED

    resp = upload(memur, "subscriptionview", pk)
    assert resp.status_code == 302 and attachment_count(app, "subscription", pk) == 0
    resp = memur.post(f"/subscriptionview/archive/{pk}", follow_redirects=True)
    assert "yalnızca Müdür" in text(resp) and fresh(app, Subscription, pk).archived is False
    show = text(memur.get(f"/subscriptionview/show/{pk}"))
    assert 'id="ozk-archive"' not in show and 'name="file"' not in show

    resp = mudur.post(f"/subscriptionview/archive/{pk}", follow_redirects=True)  # no reason
    assert "gerekçe" in text(resp) and fresh(app, Subscription, pk).archived is False
    upload(mudur, "subscriptionview", pk)
    assert attachment_count(app, "subscription", pk) == 0
    assert 'id="ozk-archive-reason"' in text(mudur.get(f"/subscriptionview/show/{pk}"))

    upload(mudur, "subscriptionview", pk, reason="İmzalı hâli eklendi")
    assert attachment_count(app, "subscription", pk) == 1
    mudur.post(f"/subscriptionview/archive/{pk}", data={"reason": "Yayın kapandı"})
    assert fresh(app, Subscription, pk).archived is True
    with app.app_context():
        summaries = [e.summary for e in db.session.query(AuditEntry)
                     .filter_by(register="subscription", record_id=pk, username="mudur")]
    assert any("Yayın kapandı" in (s or "") for s in summaries)
    assert any("İmzalı hâli eklendi" in (s or "") for s in summaries)


# --- bulk approval -------------------------------------------------------------------


def test_bulk_approve_skips_archived_and_stale_rows_and_says_so(app, clients):
    memur, mudur = clients["memur"], clients["mudur"]
    ids = []
    for _ in range(3):
        pk, _name = new_subscription(app, memur, "Toplu")
        memur.post(f"/subscriptionview/submit/{pk}")
        ids.append(pk)
    inbox = text(mudur.get("/approvals/"))
    tokens = {int(t.split(":")[1]): t for t in re.findall(r'value="(SubscriptionView:\d+:\d+)"', inbox)}
    assert set(ids) <= set(tokens)
    archived, stale, good = ids
    with app.app_context():  # archived behind the inbox's back (e.g. another tab, a script)
        db.session.get(Subscription, archived).archived = True
        db.session.commit()
    memur.post(f"/subscriptionview/withdraw/{stale}")
    memur.post(f"/subscriptionview/submit/{stale}")
    # a malformed token is a crafted request: refused whole (app/core/guards.py)
    assert mudur.post("/approvals/bulk", data={"record": [tokens[good], "SubscriptionView:xx"]}).status_code == 400
    resp = mudur.post("/approvals/bulk", data={"record": [tokens[archived], tokens[stale], tokens[good],
                                                          "Nope:1:1", f"SubscriptionView:{good}"]},
                      follow_redirects=True)
    page = text(resp)
    assert resp.status_code == 200
    assert "1 kayıt onaylandı" in page
    assert "arşivde olduğu için onaylanmadı" in page and "incelerken değişti" in page
    assert fresh(app, Subscription, archived).state == approval.PENDING
    assert fresh(app, Subscription, stale).state == approval.PENDING
    assert fresh(app, Subscription, good).state == approval.APPROVED


# --- list: no edit pencil on a locked row ----------------------------------------------


def test_list_offers_no_edit_pencil_on_locked_rows(app, clients):
    memur, mudur = clients["memur"], clients["mudur"]
    draft, name = new_subscription(app, memur, "Kalem")
    pending, _ = new_subscription(app, memur, "Kalem")
    approved, _ = new_subscription(app, memur, "Kalem")
    memur.post(f"/subscriptionview/submit/{pending}")
    memur.post(f"/subscriptionview/submit/{approved}")
    mudur.post(f"/subscriptionview/approve/{approved}", data=seen(app, Subscription, approved))
    listing = text(memur.get("/subscriptionview/list/?q=kalem dergisi"))
    assert f"/subscriptionview/show/{pending}" in listing
    assert f"/subscriptionview/edit/{draft}" in listing
    assert f"/subscriptionview/edit/{pending}" not in listing
    assert f"/subscriptionview/edit/{approved}" not in listing


# --- who may link staff to logins; proxy binding ----------------------------------------


def test_clerk_cannot_relink_staff_to_a_login(app, clients):
    memur, mudur = clients["memur"], clients["mudur"]
    seyma = staff_id(app, "Şeyma Güçlü")
    before = fresh(app, Staff, seyma)
    form = {"name": before.name, "title": before.title or "", "unit": before.unit_id or "",
            "office_role": before.office_role or "", "phone": before.phone or "", "active": "y"}
    page = text(memur.get(f"/staffview/edit/{seyma}"))
    assert 'name="user"' not in page
    assert 'name="user"' in text(mudur.get(f"/staffview/edit/{seyma}"))

    # crafted POST: the clerk points the substitute's staff record at their own login
    resp = memur.post(f"/staffview/edit/{seyma}", data={**form, "user": str(user_id(app, "memur")),
                                                        "record_version": str(before.version)},
                      follow_redirects=True)
    assert "yalnızca Bilgi İşlem, Müdür veya Admin" in text(resp)
    assert fresh(app, Staff, seyma).user_id is None
    # the clerk's ordinary edit keeps the link as it is
    linked = staff_id(app, "Ayşe Yılmaz")
    ayse = fresh(app, Staff, linked)
    resp = memur.post(f"/staffview/edit/{linked}", data={
        "name": ayse.name, "title": ayse.title or "", "unit": ayse.unit_id or "",
        "office_role": "Sekreter", "phone": ayse.phone or "", "active": "y",
        "record_version": str(ayse.version)})
    assert resp.status_code == 302
    assert fresh(app, Staff, linked).user_id == ayse.user_id and fresh(app, Staff, linked).office_role == "Sekreter"
    # a crafted add with a login is refused too
    memur.post("/staffview/add", data={"name": "Sahte Vekil", "title": "", "unit": "", "office_role": "",
                                       "phone": "", "active": "y", "user": str(user_id(app, "memur"))})
    with app.app_context():
        assert db.session.query(Staff).filter_by(name="Sahte Vekil").first() is None

    # the Müdür links, audited with before/after
    resp = mudur.post(f"/staffview/edit/{seyma}", data={**form, "user": str(user_id(app, "denetci")),
                                                        "record_version": str(before.version)})
    assert resp.status_code == 302 and fresh(app, Staff, seyma).user_id == user_id(app, "denetci")
    with app.app_context():
        entry = (db.session.query(AuditEntry).filter_by(register="staff", record_id=seyma, username="mudur")
                 .order_by(AuditEntry.id.desc()).first())
        assert entry.changes_dict()["user_id"] == [None, user_id(app, "denetci")]
    # put it back
    mudur.post(f"/staffview/edit/{seyma}", data={**form, "user": "",
                                                 "record_version": str(fresh(app, Staff, seyma).version)})
    assert fresh(app, Staff, seyma).user_id is None


def test_proxy_binds_to_the_login_that_held_it_at_approval(app, clients):
    memur, mudur = clients["memur"], clients["mudur"]
    from flask_appbuilder.security.sqla.models import User

    seyma, mehmet = staff_id(app, "Şeyma Güçlü"), staff_id(app, "Mehmet Öz")
    auditor_id = user_id(app, "denetci")
    with app.app_context():
        db.session.get(Staff, seyma).user_id = auditor_id
        db.session.commit()
    form = {"staff": mehmet, "date_from": (TODAY - dt.timedelta(days=1)).isoformat(),
            "date_to": (TODAY + dt.timedelta(days=1)).isoformat(), "kind": "gorev", "substitute": seyma,
            "is_director_proxy": "y", "mayor_consent": "y",
            "consent_date": (TODAY - dt.timedelta(days=2)).isoformat(), "consent_ref": "E-99-1",
            "consent_note": "", "notes": ""}
    assert memur.post("/leaveview/add", data=form).status_code == 302
    with app.app_context():
        leave_id = db.session.query(Leave.id).filter_by(staff_id=mehmet, consent_ref="E-99-1").scalar()
    memur.post(f"/leaveview/submit/{leave_id}")
    mudur.post(f"/leaveview/approve/{leave_id}", data=seen(app, Leave, leave_id))
    try:
        assert fresh(app, Leave, leave_id).state == approval.APPROVED
        assert fresh(app, Leave, leave_id).proxy_user_id == user_id(app, "denetci")
        # relinking the substitute's staff record afterwards moves no proxy
        it_id = user_id(app, "bilgiislem")
        with app.app_context():
            db.session.get(Staff, seyma).user_id = it_id
            db.session.commit()
            it = db.session.query(User).filter_by(username="bilgiislem").one()
            auditor = db.session.query(User).filter_by(username="denetci").one()
            assert approval.has_active_proxy(it) is False
            assert approval.has_active_proxy(auditor) is True
    finally:
        mudur.post(f"/leaveview/archive/{leave_id}", data={"reason": "Test sonu"})
        with app.app_context():
            db.session.get(Staff, seyma).user_id = None
            db.session.commit()
    assert fresh(app, Leave, leave_id).archived is True


def test_mudur_cannot_approve_his_own_proxy_leave_without_the_mayors_olur(app, clients):
    memur, mudur = clients["memur"], clients["mudur"]
    ismail = staff_id(app, "İsmail Şahin")
    assert fresh(app, Staff, ismail).user_id == user_id(app, "mudur")
    start = TODAY + dt.timedelta(days=200)
    form = {"staff": ismail, "date_from": start.isoformat(), "date_to": (start + dt.timedelta(days=3)).isoformat(),
            "kind": "yillik", "substitute": staff_id(app, "Ayşe Yılmaz"), "is_director_proxy": "y",
            "mayor_consent": "y", "consent_date": "", "consent_ref": "", "consent_note": "", "notes": ""}
    resp = memur.post("/leaveview/add", data=form)
    assert resp.status_code == 200 and "Başkan olurunun sayısı girilmelidir" in text(resp)
    resp = memur.post("/leaveview/add", data={**form, "consent_date": TODAY.isoformat(), "consent_ref": "E-7"})
    assert resp.status_code == 302
    with app.app_context():
        leave_id = db.session.query(Leave.id).filter_by(staff_id=ismail, date_from=start).scalar()
    memur.post(f"/leaveview/submit/{leave_id}")
    # the olur's date and number are there but its scan is not: refused
    resp = mudur.post(f"/leaveview/approve/{leave_id}", data=seen(app, Leave, leave_id), follow_redirects=True)
    assert "taranmış" in text(resp)
    assert fresh(app, Leave, leave_id).state == approval.PENDING
    # with the olur number taken away behind the form's back: refused too
    with app.app_context():
        db.session.get(Leave, leave_id).consent_ref = None
        db.session.commit()
    resp = mudur.post(f"/leaveview/approve/{leave_id}", data=seen(app, Leave, leave_id), follow_redirects=True)
    assert "Müdür kendi iznini (vekâletini) onaylayamaz" in text(resp)
    assert fresh(app, Leave, leave_id).state == approval.PENDING
    mudur.post(f"/leaveview/reject/{leave_id}", data={"reason": "Olur eksik", **seen(app, Leave, leave_id)})
    assert fresh(app, Leave, leave_id).state == approval.REJECTED


# --- masked phone numbers -------------------------------------------------------------


def test_masked_phone_cannot_be_filtered_sorted_or_searched(app, clients):
    memur, denetci = clients["memur"], clients["denetci"]
    with app.app_context():
        db.session.add(Contact(kind="kisi", name="Maskeli Telefon Kişisi", phone="0555 987 65 43"))
        db.session.commit()
    name = "Maskeli Telefon Kişisi"
    # the clerk (unmasked) filters, sorts and searches on the phone
    assert name in text(memur.get("/contactview/list/?_flt_0_phone=0555 987"))
    assert name in text(memur.get("/contactview/list/?q=987"))
    assert 'name="phone" class="filter"' in text(memur.get("/contactview/list/"))

    for url in ("/contactview/list/?_flt_0_phone=0555", "/contactview/list/?_flt_1_phone=0555%2098",
                "/contactview/list/?_oc_ContactView=phone&_od_ContactView=asc",
                "/contactview/export.csv?_flt_0_phone=0555", "/contactview/export.xlsx?_flt_2_phone=05"):
        resp = denetci.get(url)
        assert resp.status_code == 400, url
        assert "maskeli görüyorsunuz" in text(resp)
    listing = text(denetci.get("/contactview/list/"))
    assert 'name="phone" class="filter"' not in listing and 'name="name" class="filter"' in listing
    assert "_oc_ContactView=phone" not in listing
    # quick search and lookup never match masked digits; names still match
    assert name not in text(denetci.get("/contactview/list/?q=987"))
    assert name not in text(denetci.get("/contactview/list/?q=maskeli 65"))
    assert name in text(denetci.get("/contactview/list/?q=maskeli"))
    def looked_up(client):
        return [r["text"] for r in client.get("/contactview/lookup?q=987").get_json()["results"]]

    assert name not in looked_up(denetci)
    assert name in looked_up(memur)


# --- handover: open lines must say what happens ---------------------------------------------


def test_handover_with_open_lines_needs_an_outcome_and_deactivates_the_leaver(app, clients):
    memur, mudur = clients["memur"], clients["mudur"]
    oguz, ismail = staff_id(app, "Oğuz Işıkçı"), staff_id(app, "İsmail Şahin")
    with app.app_context():
        leaver = Staff(name="Ayrılan Deneme Personeli", active=True)
        db.session.add(leaver)
        db.session.flush()
        for serial in ("AYR-1", "AYR-2", "AYR-3"):
            db.session.add(CustodyItem(item=f"Dizüstü {serial}", serial_no=serial, holder_id=leaver.id,
                                       since=TODAY - dt.timedelta(days=100), condition="iyi"))
        db.session.commit()
        leaver_id = leaver.id
    resp = memur.post("/handoverview/add", data={
        "leaving_staff": leaver_id, "successor": oguz, "handover_date": TODAY.isoformat(),
        "reason": "ayrilma", "drawn_up_by": ismail, "notes": "", "keep_active_note": ""})
    assert resp.status_code == 302
    with app.app_context():
        ho = db.session.query(Handover).filter_by(leaving_staff_id=leaver_id).one()
        hid = ho.id
        lines = {line.serial: line.id for line in ho.lines}
        items = {i.serial_no: i.id for i in db.session.query(CustodyItem).filter_by(holder_id=leaver_id)}
    assert sorted(lines) == ["AYR-1", "AYR-2", "AYR-3"]

    resp = memur.post(f"/handoverview/submit/{hid}", follow_redirects=True)
    assert "Teslim edilmemiş (bekliyor/eksik) kalemler için ne olacağı yazılmalıdır" in text(resp)
    assert fresh(app, Handover, hid).state == approval.DRAFT

    def line(serial, status, note="", new_holder=""):
        data = {"handover": hid, "kind": "zimmet", "description": f"Dizüstü {serial}", "serial": serial,
                "custody_item": items[serial], "status": status, "note": note, "new_holder": new_holder,
                "record_version": str(fresh(app, HandoverLine, lines[serial]).version)}
        resp = memur.post(f"/handoverlineview/edit/{lines[serial]}", data=data)
        assert resp.status_code == 302, text(resp)[-1500:]

    line("AYR-1", "teslim_edildi")
    line("AYR-2", "eksik", note="Kayıp; tutanak tutuldu")
    line("AYR-3", "bekliyor", new_holder=ismail)
    assert memur.post(f"/handoverview/submit/{hid}").status_code == 302
    assert fresh(app, Handover, hid).state == approval.PENDING
    # lines of a pending handover are locked
    memur.post(f"/handoverlineview/edit/{lines['AYR-1']}", data={"status": "eksik"})
    assert fresh(app, HandoverLine, lines["AYR-1"]).status == "teslim_edildi"

    resp = mudur.post(f"/handoverview/approve/{hid}", data=seen(app, Handover, hid), follow_redirects=True)
    assert "Kayıt onaylandı." in text(resp)
    assert fresh(app, CustodyItem, items["AYR-1"]).holder_id == oguz
    lost = fresh(app, CustodyItem, items["AYR-2"])
    assert lost.holder_id is None and "Kayıp; tutanak tutuldu" in lost.notes
    assert fresh(app, CustodyItem, items["AYR-3"]).holder_id == ismail
    with app.app_context():
        assert db.session.query(CustodyItem).filter_by(holder_id=leaver_id).count() == 0
    assert fresh(app, Staff, leaver_id).active is False


def test_the_mudur_who_changed_a_handover_line_does_not_approve_it(app, clients):
    memur, mudur = clients["memur"], clients["mudur"]
    with app.app_context():
        leaver = Staff(name="Satır Deneme Personeli", active=True)
        db.session.add(leaver)
        db.session.commit()
        leaver_id = leaver.id
    memur.post("/handoverview/add", data={
        "leaving_staff": leaver_id, "successor": staff_id(app, "Oğuz Işıkçı"), "handover_date": TODAY.isoformat(),
        "reason": "gorev_degisikligi", "drawn_up_by": "", "notes": "", "keep_active_note": "Başka birime geçti"})
    with app.app_context():
        hid = db.session.query(Handover.id).filter_by(leaving_staff_id=leaver_id).scalar()
    resp = mudur.post(f"/handoverlineview/add?_flt_0_handover={hid}", data={
        "kind": "dosya", "description": "Yazışma dosyası", "serial": "", "custody_item": "",
        "status": "teslim_edildi", "note": "", "new_holder": ""})
    assert resp.status_code == 302
    memur.post(f"/handoverview/submit/{hid}")
    resp = mudur.post(f"/handoverview/approve/{hid}", data=seen(app, Handover, hid), follow_redirects=True)
    assert "içeriğini değiştirdiğiniz kaydı onaylayamazsınız" in text(resp)
    assert fresh(app, Handover, hid).state == approval.PENDING
    assert fresh(app, Staff, leaver_id).active is True
    with app.app_context():  # out of the way of tests that pick "the" open handover
        db.session.get(Handover, hid).archived = True
        db.session.commit()


# --- home: my submissions for those who do not approve; badge for approvers ------------------


def test_clerk_home_shows_my_submissions_and_no_approvals_badge(app, clients):
    memur, mudur = clients["memur"], clients["mudur"]
    draft, draft_name = new_subscription(app, memur, "Ev")
    pending, pending_name = new_subscription(app, memur, "Ev")
    rejected, rejected_name = new_subscription(app, memur, "Ev")
    memur.post(f"/subscriptionview/submit/{pending}")
    memur.post(f"/subscriptionview/submit/{rejected}")
    mudur.post(f"/subscriptionview/reject/{rejected}", data={"reason": "Yanlış yayın evi",
                                                             **seen(app, Subscription, rejected)})
    home = text(memur.get("/"))
    assert "Onaya gönderdiklerim" in home
    assert 'btn-block" href="/approvals/"' not in home     # no approvals badge for a clerk
    section = home[home.index('id="ozk-my-submissions"'):]
    for pk, name in ((draft, draft_name), (pending, pending_name), (rejected, rejected_name)):
        assert f"/subscriptionview/show/{pk}" in section and name in section
    assert "Yanlış yayın evi" in section
    mudur_home = text(mudur.get("/"))
    assert 'btn-block" href="/approvals/">Onayımı bekleyenler <span class="badge">' in mudur_home
    assert 'id="ozk-my-submissions"' not in mudur_home
    # the auditor (no submissions) sees neither
    denetci_home = text(clients["denetci"].get("/"))
    assert 'id="ozk-my-submissions"' not in denetci_home and 'href="/approvals/"' not in denetci_home
