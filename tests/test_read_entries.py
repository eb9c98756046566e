"""KVKK: opening a record of a register holding personal data leaves a "read"
entry (who, which record, when), one per view; a register without personal
data leaves none. (The README's security table promised this; no test read
the entries back until now.)"""
from __future__ import annotations

from app.core.audit import AuditEntry
from app.extensions import db


def _reads(app, register, record_id):
    with app.app_context():
        rows = (db.session.query(AuditEntry.username, AuditEntry.summary)
                .filter_by(register=register, record_id=record_id, action="read")
                .order_by(AuditEntry.id).all())
        db.session.remove()
    return rows


def _first_id(app, model):
    with app.app_context():
        pk = db.session.query(model.id).filter_by(archived=False).order_by(model.id).first()[0]
        db.session.remove()
    return pk


def test_opening_a_personal_record_is_logged_once_per_view(app, clients):
    from app.registers.reference.models import Contact

    cid = _first_id(app, Contact)
    before = _reads(app, "contact", cid)
    assert clients["memur"].get(f"/contactview/show/{cid}").status_code == 200
    assert clients["mudur"].get(f"/contactview/show/{cid}").status_code == 200
    after = _reads(app, "contact", cid)
    assert len(after) == len(before) + 2
    assert [name for name, _ in after[-2:]] == ["memur", "mudur"]
    with app.app_context():
        reference = db.session.get(Contact, cid).audit_reference()
        db.session.remove()
    assert after[-1][1] == reference


def test_a_register_without_personal_data_logs_no_read(app, clients):
    from app.registers.reference.models import Unit

    uid = _first_id(app, Unit)
    before = _reads(app, "unit", uid)
    assert clients["memur"].get(f"/unitview/show/{uid}").status_code == 200
    assert _reads(app, "unit", uid) == before
