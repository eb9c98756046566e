"""Backups: one archive, verified before use, restoring every row and file.

Runs on the suite's database (SQLite or PostgreSQL). The restore puts the
shared test database back exactly as it was at backup time, so the tests
that follow see what they would have seen without this module.
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import tarfile

import pytest
from sqlalchemy import text

from app.extensions import db

PDF = b"%PDF-1.4\n% yedek testi\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _sha(path):
    with open(path, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()


def _counts():
    from app.ops.backup import table_counts

    return table_counts()


def _upload_files(app):
    folder = app.config["UPLOAD_DIR"]
    if not os.path.isdir(folder):
        return {}
    return {n: _sha(os.path.join(folder, n)) for n in os.listdir(folder)
            if os.path.isfile(os.path.join(folder, n))}


def _attachment_checksums(app):
    from app.core.attachments import Attachment

    folder = app.config["UPLOAD_DIR"]
    result = {}
    for att in db.session.query(Attachment).order_by(Attachment.id):
        path = os.path.join(folder, att.stored_name)
        result[att.id] = (att.stored_name, _sha(path) if os.path.isfile(path) else None)
    return result


def _write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as fh:
        fh.write(data)


def _reset_connections():
    db.session.remove()
    db.engine.dispose()


@pytest.fixture
def seeded(app, ctx):
    """Two contacts with an attachment each, and a logo; removed afterwards."""
    from app.core.attachments import Attachment
    from app.registers.reference.models import Contact

    made = {"contacts": [], "files": []}
    for i in (1, 2):
        contact = Contact(kind="kisi", name=f"Yedek Deneme {i}", phone=f"0532 000 00 0{i}")
        db.session.add(contact)
        db.session.flush()
        stored = f"yedektest{i}{os.getpid()}.pdf"
        _write(os.path.join(app.config["UPLOAD_DIR"], stored), PDF + bytes([i]) * 100)
        db.session.add(Attachment(register="contact", record_id=contact.id, filename=f"ek{i}.pdf",
                                  stored_name=stored, mime="application/pdf", size=len(PDF) + 100))
        made["contacts"].append(contact.id)
        made["files"].append(stored)
    logo = os.path.join(app.config["DATA_DIR"], "logo.png")
    had_logo = os.path.exists(logo)
    if not had_logo:
        _write(logo, PNG)
    db.session.commit()
    yield made
    _reset_connections()
    for cid in made["contacts"]:
        contact = db.session.get(Contact, cid)
        if contact is not None:
            db.session.query(Attachment).filter_by(register="contact", record_id=cid).delete()
            db.session.delete(contact)
    db.session.commit()
    for name in made["files"]:
        path = os.path.join(app.config["UPLOAD_DIR"], name)
        if os.path.exists(path):
            os.remove(path)
    if not had_logo and os.path.exists(logo):
        os.remove(logo)
    for name in os.listdir(app.config["DATA_DIR"]):
        if name.startswith("restore-") or name == "backups":
            shutil.rmtree(os.path.join(app.config["DATA_DIR"], name), ignore_errors=True)


def test_round_trip_restores_every_row_and_file(app, ctx, seeded, tmp_path):
    from app.core.attachments import Attachment
    from app.core.audit import AuditEntry
    from app.ops.backup import create_backup, restore_backup
    from app.registers.reference.models import Contact

    logo = os.path.join(app.config["DATA_DIR"], "logo.png")
    counts_before = _counts()
    files_before = _upload_files(app)
    attachments_before = _attachment_checksums(app)
    logo_before = _sha(logo)
    assert counts_before["contact"] > 0 and len(attachments_before) >= 2

    path, manifest = create_backup(str(tmp_path / "yedek.tar.gz"))
    assert os.path.isfile(path) and manifest["row_counts"] == counts_before
    assert manifest["dialect"] == db.engine.dialect.name
    listed = {f["path"]: f["sha256"] for f in manifest["files"]}
    assert {"uploads/" + n: s for n, s in files_before.items()}.items() <= listed.items()
    assert listed["data/logo.png"] == logo_before
    with tarfile.open(path) as tar:
        names = tar.getnames()
    assert "manifest.json" in names and manifest["database"]["path"] in names
    last = db.session.query(AuditEntry).order_by(AuditEntry.id.desc()).first()
    assert (last.register, last.action) == ("backup", "backup_create")

    # change everything the backup holds
    first, second = seeded["contacts"]
    db.session.query(Attachment).filter_by(register="contact", record_id=second).delete()
    db.session.delete(db.session.get(Contact, second))                     # a register row
    db.session.add(Contact(kind="kurum", name="Yedekten Sonra Eklenen"))    # a new row
    db.session.commit()
    os.remove(os.path.join(app.config["UPLOAD_DIR"], seeded["files"][0]))   # a file, row kept
    os.remove(os.path.join(app.config["UPLOAD_DIR"], seeded["files"][1]))
    _write(os.path.join(app.config["UPLOAD_DIR"], "sonradan.pdf"), PDF)
    os.remove(logo)
    assert _counts() != counts_before

    # without --yes (answer "no") nothing happens
    result = app.test_cli_runner().invoke(args=["backup", "restore", path], input="n\n")
    assert result.exit_code != 0, result.output
    assert "iptal" in result.output
    assert db.session.query(Contact).filter_by(name="Yedekten Sonra Eklenen").count() == 1

    outcome = restore_backup(path)
    _reset_connections()

    counts_after = _counts()
    # the restore itself is audited after the restore: one entry more
    assert counts_after["audit_entry"] == counts_before["audit_entry"] + 1
    assert {t: n for t, n in counts_after.items() if t != "audit_entry"} == \
           {t: n for t, n in counts_before.items() if t != "audit_entry"}
    assert _attachment_checksums(app) == attachments_before
    assert _upload_files(app) == files_before
    assert _sha(logo) == logo_before
    assert db.session.get(Contact, second).name == "Yedek Deneme 2"
    assert db.session.query(Contact).filter_by(name="Yedekten Sonra Eklenen").count() == 0
    last = db.session.query(AuditEntry).order_by(AuditEntry.id.desc()).first()
    assert (last.register, last.action) == ("backup", "backup_restore")
    # what the backup did not know is set aside, not deleted
    assert outcome["moved_files"] == ["sonradan.pdf"]
    assert outcome["lost_audit_entries"] >= 3      # backup_create, purge, create
    kept = outcome["set_aside_in"]
    assert os.path.isfile(os.path.join(kept, "uploads", "sonradan.pdf"))
    lost = json.load(open(os.path.join(kept, "audit_entries.json"), encoding="utf-8"))
    assert {"backup_create", "purge", "create"} <= {e["action"] for e in lost}

    if db.engine.dialect.name == "postgresql":
        # pg_restore --clean dropped and recreated audit_entry: the trigger is back
        with pytest.raises(Exception, match="append-only"):
            with db.engine.begin() as conn:
                conn.execute(text("UPDATE audit_entry SET summary = 'x' WHERE id = :i"), {"i": last.id})
        _reset_connections()
    # the app still works on the restored database
    client = app.test_client()
    resp = client.post("/login/", data={"username": "memur", "password": "ozelkalem"})
    assert resp.status_code == 302 and "/login" not in resp.headers["Location"]
    assert client.get(f"/contactview/show/{first}").status_code == 200


def _rewrite(src, dst, change):
    """Copy an archive, letting ``change(members)`` edit {name: bytes}."""
    with tarfile.open(src) as tar:
        members = {m.name: tar.extractfile(m).read() for m in tar}
    change(members)
    with tarfile.open(dst, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))


def test_restore_refuses_bad_archive_before_touching_anything(app, ctx, seeded, tmp_path):
    from app.ops.backup import BackupError, restore_backup

    runner = app.test_cli_runner()
    result = runner.invoke(args=["backup", "create", "--output", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "Yedek alındı" in result.output
    (path,) = [str(p) for p in tmp_path.iterdir() if p.name.endswith(".tar.gz")]
    counts, files = _counts(), _upload_files(app)

    def tamper(members):
        name = "uploads/" + seeded["files"][0]
        members[name] = members[name][:-1] + b"X"

    _rewrite(path, str(tmp_path / "bozuk.tar.gz"), tamper)
    with pytest.raises(BackupError, match="Sağlama toplamı tutmuyor"):
        restore_backup(str(tmp_path / "bozuk.tar.gz"))

    def other_dialect(members):
        manifest = json.loads(members.pop("manifest.json"))
        mine = manifest["dialect"]
        other = "postgresql" if mine == "sqlite" else "sqlite"
        new_name = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}[other]
        members[new_name] = members.pop(manifest["database"]["path"])
        manifest["dialect"], manifest["database"]["path"] = other, new_name
        members["manifest.json"] = json.dumps(manifest).encode()

    _rewrite(path, str(tmp_path / "baska.tar.gz"), other_dialect)
    result = runner.invoke(args=["backup", "restore", str(tmp_path / "baska.tar.gz"), "--yes"])
    assert result.exit_code != 0
    assert "Farklı veritabanı türleri arasında geri yükleme yapılamaz" in result.output

    _write(str(tmp_path / "rastgele.tar.gz"), b"bu bir arsiv degil")
    with pytest.raises(BackupError, match="okunamadı"):
        restore_backup(str(tmp_path / "rastgele.tar.gz"))

    _reset_connections()
    assert _counts()["contact"] == counts["contact"]
    assert {k: v for k, v in _counts().items() if k != "audit_entry"} == \
           {k: v for k, v in counts.items() if k != "audit_entry"}
    assert _upload_files(app) == files
