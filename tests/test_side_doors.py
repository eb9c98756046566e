"""Issue 13 (High): personal data through side doors. One rule: names of
natural persons (and the other personal fields) reach only the personal-data
roles, wherever a value surfaces: lists, show pages, pickers, audit log,
history, exports, PDFs."""
from __future__ import annotations

import datetime as dt
import io
import uuid

import pytest

from app.core.personal import PERSONAL_MARK

TODAY = dt.date.today()


def _text(resp):
    return resp.data.decode()


def _add_person(app, clients, name):
    from app.extensions import db
    from app.registers.reference.models import Contact

    resp = clients["memur"].post("/contactview/add", data={"kind": "kisi", "name": name, "title": "Muhtar",
                                                           "phone": "0532 765 43 21"},
                                 follow_redirects=True)
    assert resp.status_code == 200
    with app.app_context():
        cid = db.session.query(Contact).filter_by(name=name).one().id
        db.session.remove()
    return cid


@pytest.fixture
def person_gift(app, clients):
    """A gift and a wreath to a natural person with a unique name, made by the clerk."""
    from app.extensions import db
    from app.registers.protocol.models import Gift, WreathOrder

    name = f"Zühtü Kırcaoğlu {uuid.uuid4().hex[:6].upper()}"
    cid = _add_person(app, clients, name)
    item = f"Çini vazo {uuid.uuid4().hex[:6]}"
    memur = clients["memur"]
    memur.post("/giftview/add", data={"direction": "verilen", "date": TODAY.isoformat(),
                                      "counterpart": str(cid), "item": item, "quantity": "1",
                                      "estimated_value": "500,00"}, follow_redirects=True)
    message = f"Başınız sağ olsun {uuid.uuid4().hex[:6]}"
    memur.post("/wreathorderview/add", data={"occasion": "cenaze", "kind": "celenk", "recipient": str(cid),
                                             "delivery_address": "Zühtü Bey'in evi, Çiçek Sk. 5",
                                             "delivery_date": TODAY.isoformat(), "message": message,
                                             "cost": "900,00"}, follow_redirects=True)
    with app.app_context():
        gift = db.session.query(Gift).filter_by(item=item).one()
        wreath = db.session.query(WreathOrder).filter_by(message=message).one()
        ids = {"name": name, "contact": cid, "gift": gift.id, "gift_number": gift.number,
               "wreath": wreath.id, "wreath_number": wreath.number, "item": item.split()[-1],
               "message": message.split()[-1]}
        db.session.remove()
    return ids


def test_audit_entries_never_store_personal_values(app, person_gift):
    from app.core.audit import AuditEntry
    from app.extensions import db

    name = person_gift["name"]
    with app.app_context():
        from app.core.audit import entries_of

        # each record's own entries (an id freed by an earlier test's delete may be given again)
        rows = [e for register, key in (("contact", "contact"), ("gift", "gift"), ("wreath_order", "wreath"))
                for e in entries_of(register, person_gift[key]).order_by(AuditEntry.id)]
        assert rows
        for e in rows:
            assert name not in (e.summary or "") and name not in (e.changes or ""), e
            assert "Çiçek Sk." not in (e.changes or "")
        contact_create = [e for e in rows if e.register == "contact" and e.action == "create"][0]
        assert contact_create.changes_dict()["name"] == PERSONAL_MARK
        assert contact_create.changes_dict().get("title") in (PERSONAL_MARK, None)
        wreath = [e for e in rows if e.register == "wreath_order" and e.action == "create"][0]
        assert wreath.summary == person_gift["wreath_number"]          # number, not "… – name"
        db.session.remove()


def test_it_audit_log_shows_references_not_contents(app, clients, person_gift):
    name = person_gift["name"]
    it = clients["bilgiislem"]
    for url in ("/auditlog/list/", "/auditlog/list/?register=gift", "/auditlog/list/?register=contact",
                "/auditlog/list/?register=wreath_order", "/auditlog/export.csv?register=gift",
                "/auditlog/export.xlsx?register=wreath_order"):
        resp = it.get(url)
        assert resp.status_code == 200, url
        if ".xlsx" not in url:
            body = resp.data.decode()
        else:
            from openpyxl import load_workbook

            ws = load_workbook(io.BytesIO(resp.data)).active
            body = " ".join(str(c.value) for row in ws.iter_rows() for c in row if c.value is not None)
        assert name not in body, url
        assert "Çini vazo" not in body and "Başınız sağ olsun" not in body, url
    listing = _text(it.get("/auditlog/list/?register=gift"))
    assert person_gift["gift_number"] in listing and "Hediyeler" in listing   # the reference stays
    assert "Kayıt oluşturuldu" in listing
    # the Müdür reads the linked person by name in the gift's history
    assert name in _text(clients["mudur"].get(f"/auditlog/list/?register=gift"))


def test_names_masked_for_it_in_lists_and_show_pages(clients, person_gift):
    name, it, memur = person_gift["name"], clients["bilgiislem"], clients["memur"]
    for url in (f"/giftview/list/?q={person_gift['item']}", f"/giftview/show/{person_gift['gift']}",
                f"/wreathorderview/list/?q={person_gift['message']}",
                f"/wreathorderview/show/{person_gift['wreath']}"):
        resp = it.get(url)
        assert resp.status_code == 200, url
        assert name not in _text(resp), url
        assert "Çiçek Sk." not in _text(resp), url
        assert name in _text(memur.get(url)), url
    assert PERSONAL_MARK in _text(it.get(f"/giftview/list/?q={person_gift['item']}"))
    # the auditor (a personal-data role) reads names
    assert name in _text(clients["denetci"].get(f"/giftview/show/{person_gift['gift']}"))


def test_institutions_stay_readable_for_it(clients):
    body = _text(clients["bilgiislem"].get("/eventview/list/"))
    assert "Kaymakamlığı" in body or "Valiliği" in body or "Belediye" in body


def test_staff_names_masked_for_it_on_vehicles_units_custody(app, clients):
    from app.extensions import db
    from app.registers.office.models import CustodyItem, Vehicle
    from app.registers.reference.models import Unit

    with app.app_context():
        driver = next((v.driver.name for v in db.session.query(Vehicle) if v.driver), None)
        holder = next((c.holder.name for c in db.session.query(CustodyItem) if c.holder), None)
        head = next((u.head for u in db.session.query(Unit) if u.head), None)
        db.session.remove()
    checked = 0
    for url, name in (("/vehicleview/list/", driver), ("/custodyitemview/list/", holder),
                      ("/unitview/list/", head)):
        if not name:
            continue
        page = _text(clients["bilgiislem"].get(url))
        page = page.split('class="ozk-logout"')[-1]     # not the IT user's own name in the navbar
        assert name not in page, url
        assert name in _text(clients["memur"].get(url)), url
        checked += 1
    assert checked >= 2


def test_mask_rules_in_one_place(app):
    from app.core.personal import mask_name, personal_roles, safe_label
    from app.registers.reference.models import Contact, Staff

    assert personal_roles() == {"Memur", "Müdür", "Denetçi", "Admin"}

    class IT:
        is_authenticated = True
        roles = [type("R", (), {"name": "Bilgi İşlem"})()]

    with app.test_request_context():
        person = Contact(kind="kisi", name="Ayşe Kaya")
        institution = Contact(kind="kurum", name="Bursa Valiliği")
        assert safe_label(person, IT()) == PERSONAL_MARK
        assert safe_label(institution, IT()) == "Bursa Valiliği"
        assert mask_name("Ayşe Kaya", IT()) == PERSONAL_MARK
        assert safe_label(Staff(name="Ali Veli"), IT()) == PERSONAL_MARK
        assert person.personal_field_names()[:2] == ("name", "title")
        assert "name" not in institution.personal_field_names()


def test_personal_fields_declared_per_register():
    from app.registers.office.models import DutySlip, Leave
    from app.registers.protocol.models import Event, Trip, Visit
    from app.registers.reference.models import Contact, Staff, Unit

    assert {"name", "title"} <= set(Contact.personal_fields)
    assert {"name", "title"} <= set(Staff.personal_fields)
    assert {"route", "purpose", "passengers"} <= set(DutySlip.personal_fields)
    assert {"date_from", "date_to", "kind"} <= set(Leave.personal_fields)
    assert {"purpose", "host"} <= set(Visit.personal_fields)
    assert "participants" in Trip.personal_fields and "representative" in Event.personal_fields
    assert "head" in Unit.personal_fields


def test_kvkk_anonymize_covers_names(app, ctx):
    from app.extensions import db
    from app.ops.kvkk import PLACEHOLDER, anonymize
    from app.registers.office.models import Leave
    from app.registers.reference.models import Contact, Staff

    old = dt.datetime.now() - dt.timedelta(days=11 * 366)
    tok = uuid.uuid4().hex[:6]
    gone = Staff(name=f"Ayrılan Personel {tok}", title="Şef", active=False, created_at=old)
    working = Staff(name=f"Çalışan Personel {tok}", title="Memur", active=True, created_at=old)
    institution = Contact(kind="kurum", name=f"Eski Kurum {tok}", phone="0224 111 22 33", created_at=old)
    db.session.add_all([gone, working, institution])
    db.session.flush()
    leave = Leave(staff=working, date_from=dt.date(2015, 7, 6), date_to=dt.date(2015, 7, 17), kind="yillik",
                  created_at=old)
    db.session.add(leave)
    db.session.commit()
    ids = (gone.id, working.id, institution.id, leave.id)
    try:
        anonymize()
        db.session.expire_all()
        gone, working, institution, leave = (db.session.get(Staff, ids[0]), db.session.get(Staff, ids[1]),
                                             db.session.get(Contact, ids[2]), db.session.get(Leave, ids[3]))
        assert gone.name == PLACEHOLDER and gone.title is None
        assert working.name == f"Çalışan Personel {tok}"          # still working here: kept
        assert institution.name == f"Eski Kurum {tok}" and institution.phone is None
        assert (leave.date_from, leave.date_to) == (dt.date(2015, 1, 1), dt.date(2015, 1, 1))
        assert leave.kind == "(anonim)"
        assert sum(s["count"] for s in anonymize(dry_run=True)) == 0   # idempotent
    finally:
        db.session.rollback()
        for model, pk in ((Leave, ids[3]), (Staff, ids[0]), (Staff, ids[1]), (Contact, ids[2])):
            row = db.session.get(model, pk)
            if row is not None:
                db.session.delete(row)
        db.session.commit()


def test_pickers_name_nobody_for_it(app, clients):
    from app.extensions import db
    from app.registers.office.models import CustodyHistory

    with app.app_context():
        holders = {h.holder.name for h in db.session.query(CustodyHistory) if h.holder}
        db.session.remove()
    assert holders
    it = clients["bilgiislem"].get("/custodyhistoryview/lookup")
    assert it.status_code == 200
    texts = [r["text"] for r in it.get_json()["results"]]
    assert texts and all(PERSONAL_MARK == t for t in texts)
    clerk = [r["text"] for r in clients["memur"].get("/custodyhistoryview/lookup").get_json()["results"]]
    assert any(name in t for t in clerk for name in holders)
