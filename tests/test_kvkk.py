"""KVKK: retention-based anonymization and the list masks."""
from __future__ import annotations

import datetime as dt

import pytest

from app.extensions import db
from app.ops.kvkk import PLACEHOLDER, mask_identity, mask_phone


@pytest.mark.parametrize("value, masked", [
    ("0532 123 45 67", "0532 *** ** 67"),
    ("05321234567", "0532*****67"),
    ("+90 532 123 45 67", "+90 532 *** ** 67"),
    ("(0312) 555-12-34", "(0312) ***-**-34"),
    ("532 123 45 67", "532 *** ** 67"),
    ("444 0 153", "*** * *53"),
    ("12", "**"),
    ("", ""),
    ("yok", "yok"),
    (None, None),
])
def test_mask_phone(value, masked):
    assert mask_phone(value) == masked


@pytest.mark.parametrize("value, masked", [
    ("12345678901", "123******01"),
    (" 123 456 789 01 ", "123******01"),
    ("U12345678", "U12****78"),
    ("1234", "****"),
    ("", ""),
    (None, None),
])
def test_mask_identity(value, masked):
    assert mask_identity(value) == masked


def test_blank_values_follow_the_column(app, ctx):
    from app.ops.kvkk import _blank_value
    from app.registers.office.models import Handover, Leave
    from app.registers.reference.models import Contact

    assert _blank_value(Contact.__table__.c.phone) is None                  # nullable
    assert _blank_value(Handover.__table__.c.reason) == PLACEHOLDER         # required, String(20)
    assert _blank_value(Leave.__table__.c.kind) == "(anonim)"               # required, String(10)


def _counts(steps):
    return {s["register"]: s["count"] for s in steps}


def test_anonymize_old_contact_only(app, ctx):
    from app.core.audit import AuditEntry
    from app.ops.kvkk import anonymize
    from app.registers.reference.models import Contact
    from app.settings.models import Setting, save_settings

    now = dt.datetime.now()
    old = Contact(kind="kisi", name="Eski Kvkk Kişisi", phone="0532 111 22 33", email="eski@ornek.com",
                  address="Eski Mah. 1", notes="not", created_at=now - dt.timedelta(days=11 * 366))
    recent = Contact(kind="kisi", name="Yeni Kvkk Kişisi", phone="0533 444 55 66", email="yeni@ornek.com",
                     address="Yeni Mah. 2", created_at=now - dt.timedelta(days=30))
    db.session.add_all([old, recent])
    db.session.commit()
    old_id, recent_id = old.id, recent.id
    assert "eski@ornek.com" in old.search_key
    audit_max = db.session.query(db.func.max(AuditEntry.id)).scalar()

    try:
        # dry run: counts, changes nothing
        runner = app.test_cli_runner()
        result = runner.invoke(args=["kvkk", "anonymize", "--dry-run"])
        assert result.exit_code == 0, result.output
        assert "contact: 1 kayıt anonimleştirilecek" in result.output
        assert _counts(anonymize(dry_run=True))["contact"] == 1
        db.session.expire_all()
        assert db.session.get(Contact, old_id).phone == "0532 111 22 33"
        assert db.session.query(AuditEntry).filter(AuditEntry.id > audit_max).count() == 0

        # a per-register override keeps contacts for 20 years
        save_settings({"retention_years_contact": "20"})
        db.session.commit()
        assert _counts(anonymize(dry_run=True))["contact"] == 0
        db.session.delete(db.session.get(Setting, "retention_years_contact"))
        db.session.commit()

        # real run
        result = runner.invoke(args=["kvkk", "anonymize"])
        assert result.exit_code == 0, result.output
        assert "contact: 1 kayıt anonimleştirildi" in result.output
        db.session.expire_all()
        old, recent = db.session.get(Contact, old_id), db.session.get(Contact, recent_id)
        assert (old.phone, old.email, old.address) == (None, None, None)
        # a person's name and notes are personal data too (issue 13)
        assert (old.name, old.notes) == (PLACEHOLDER, None)
        assert "eski@ornek.com" not in old.search_key and "eski" not in old.search_key
        assert (recent.phone, recent.email, recent.address) == ("0533 444 55 66", "yeni@ornek.com", "Yeni Mah. 2")
        entries = db.session.query(AuditEntry).filter(AuditEntry.id > audit_max,
                                                      AuditEntry.register == "contact").all()
        summary = [e for e in entries if e.action == "anonymize"]
        assert len(summary) == 1 and summary[0].record_id is None and "1 kayıt" in summary[0].summary
        assert summary[0].changes_dict()["count"] == 1
        assert [e.record_id for e in entries if e.action == "update"] == [old_id]

        # idempotent
        assert _counts(anonymize())["contact"] == 0
        result = runner.invoke(args=["kvkk", "anonymize"])
        assert "contact: 0 kayıt anonimleştirildi" in result.output
    finally:
        db.session.rollback()
        for cid in (old_id, recent_id):
            row = db.session.get(Contact, cid)
            if row is not None:
                db.session.delete(row)
        setting = db.session.get(Setting, "retention_years_contact")
        if setting is not None:
            db.session.delete(setting)
        db.session.commit()


def test_invalid_retention_is_refused(app, ctx):
    from app.ops.kvkk import KvkkError, retention_years

    assert retention_years({"retention_years": "10"}, "contact") == 10
    assert retention_years({"retention_years": "10", "retention_years_contact": "3"}, "contact") == 3
    assert retention_years({"retention_years": "10", "retention_years_contact": ""}, "contact") == 10
    with pytest.raises(KvkkError):
        retention_years({"retention_years": "on"}, "contact")
    with pytest.raises(KvkkError):
        retention_years({"retention_years": "0"}, "contact")
