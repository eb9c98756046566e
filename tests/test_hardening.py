"""Hardening (issue 13, "Low"): save errors in Turkish with the input kept,
a database that does not answer, security headers, attachments that must
parse, restore of the logo. Bad query strings and form payloads over every
register live in tests/test_bad_input.py."""
from __future__ import annotations

import io
import json
import os
import socket
import subprocess
import sys
import textwrap
import threading
import time

import pytest
from sqlalchemy.orm import Session

from app.extensions import db
from tests.conftest import PASSWORD, TEST_DB

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _view(app, name):
    return next(v for v in app.appbuilder.baseviews if v.__class__.__name__ == name)


# --- save errors: Turkish, input kept ----------------------------------------------

def test_unique_value_taken_meanwhile_is_a_turkish_form_error_with_the_input_kept(app, login, monkeypatch):
    from app.registers.office.models import Vehicle

    client = login("admin")
    view = _view(app, "VehicleView")

    def rival_saves_first(item):
        with Session(db.engine) as other:
            other.add(Vehicle(plate="06 ZZ 4242", make_model="Rakip kayıt", active=True))
            other.commit()

    monkeypatch.setattr(view, "pre_add", rival_saves_first)
    resp = client.post("/vehicleview/add", data={"plate": "06 ZZ 4242", "make_model": "Benim Aracım Özel",
                                                 "active": "y"}, follow_redirects=True)
    html = resp.data.decode()
    assert resp.status_code == 200
    assert "Bu değer başka bir kayıtta zaten kullanılıyor." in html
    assert "Benim Aracım Özel" in html                     # the input is kept
    for raw in ("IntegrityError", "UNIQUE constraint", "duplicate key", "psycopg", "Database Error"):
        assert raw not in html
    with app.app_context():
        assert db.session.query(Vehicle).filter_by(plate="06 ZZ 4242").count() == 1
        db.session.query(Vehicle).filter_by(plate="06 ZZ 4242").delete()
        db.session.commit()
        db.session.remove()


def test_loser_of_a_concurrent_edit_sees_turkish_never_database_error(app, login, monkeypatch):
    from app.registers.reference.models import Contact

    client = login("memur")
    view = _view(app, "ContactView")
    with app.app_context():
        contact = Contact(kind="kisi", name="Yarış Deneme", title="Eski unvan")
        db.session.add(contact)
        db.session.commit()
        cid, version = contact.id, contact.version
        db.session.remove()

    def rival_saves_first(item):
        with Session(db.engine) as other:
            row = other.get(Contact, cid)
            row.title = "Rakibin unvanı"
            other.commit()

    monkeypatch.setattr(view, "pre_update", rival_saves_first)
    resp = client.post(f"/contactview/edit/{cid}", data={
        "kind": "kisi", "name": "Yarış Deneme", "title": "Benim unvanım", "record_version": str(version)},
        follow_redirects=True)
    html = resp.data.decode()
    assert resp.status_code == 200
    assert "Database Error" not in html and "StaleDataError" not in html
    assert "değiştirildi" in html and "Değişiklikleriniz kaydedilmedi" in html
    assert "Benim unvanım" in html                          # the input is kept
    with app.app_context():
        assert db.session.get(Contact, cid).title == "Rakibin unvanı"
        db.session.remove()


def test_integer_beyond_the_column_is_refused_before_the_database(app, login):
    """Validation from the column type: Turkish message on the field."""
    from app.registers.protocol.models import Gift

    client = login("memur")
    with app.app_context():
        counterpart = db.session.query(Gift.counterpart_id).limit(1).scalar()
        before = db.session.query(Gift).count()
        db.session.remove()
    resp = client.post("/giftview/add", data={
        "direction": "verilen", "date": "2026-05-04", "counterpart": str(counterpart), "item": "Tablo",
        "quantity": str(2**40), "estimated_value": "10"})
    html = resp.data.decode()
    assert resp.status_code == 200 and "Sayı çok büyük" in html
    with app.app_context():
        assert db.session.query(Gift).count() == before
        db.session.remove()


# --- a database that does not answer -------------------------------------------------

SCRIPT = textwrap.dedent("""
    import json, sys, time
    from app import create_app
    url, mode = sys.argv[1], sys.argv[2]
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False,
                      "DB_CONNECT_TIMEOUT": 1, "DB_STATEMENT_TIMEOUT_MS": 1000,
                      "DATA_DIR": sys.argv[3], "UPLOAD_DIR": sys.argv[3]})
    client = app.test_client()
    lock = None
    if mode == "lock":
        r = client.post("/login/", data={"username": "memur", "password": "%s"})
        assert r.status_code == 302, r.status_code
        if url.startswith("sqlite"):
            import sqlite3
            lock = sqlite3.connect(url[len("sqlite:///"):], isolation_level=None)
            lock.execute("BEGIN EXCLUSIVE")
        else:
            import psycopg
            lock = psycopg.connect(url.replace("postgresql+psycopg", "postgresql"))
            lock.execute("LOCK TABLE contact IN ACCESS EXCLUSIVE MODE")
        start = time.time()
        r = client.post("/contactview/add", data={"kind": "kurum", "name": "Kilitli Tablo Denemesi"})
    else:
        start = time.time()
        r = client.get("/contactview/list/")
    elapsed = time.time() - start
    if lock is not None:
        lock.rollback() if hasattr(lock, "rollback") else None
        lock.close()
    print(json.dumps({"status": r.status_code, "elapsed": elapsed, "body": r.get_data(as_text=True)[:2000]}))
""" % PASSWORD)


def _run_script(url, mode, tmp_path):
    env = dict(os.environ, PYTHONPATH=ROOT)
    started = time.time()
    out = subprocess.run([sys.executable, "-c", SCRIPT, url, mode, str(tmp_path)], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-3000:]
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["total"] = time.time() - started
    return result


def test_database_that_accepts_but_never_answers_gives_turkish_503_quickly(tmp_path):
    """A TCP port that accepts connections and says nothing (a hung server)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held, stop = [], threading.Event()

    def accept():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        port = server.getsockname()[1]
        result = _run_script(f"postgresql+psycopg://ozk@127.0.0.1:{port}/ozk", "blackhole", tmp_path)
    finally:
        stop.set()
        thread.join()
        for conn in held:
            conn.close()
        server.close()
    assert result["status"] == 503, result
    assert result["elapsed"] < 8, result
    assert "Veritabanı yanıt vermiyor" in result["body"]
    assert held, "the app never tried the database"


def test_locked_table_ends_in_turkish_503_within_the_statement_timeout(app, tmp_path):
    """PostgreSQL: statement/lock timeout; SQLite: the lock wait (``timeout``)."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    result = _run_script(url, "lock", tmp_path)
    assert result["status"] == 503, result
    assert 0.5 < result["elapsed"] < 6, result
    assert "Veritabanı yanıt vermiyor" in result["body"]
    from app.registers.reference.models import Contact

    with app.app_context():
        assert db.session.query(Contact).filter_by(name="Kilitli Tablo Denemesi").count() == 0
        db.session.remove()


def test_timeouts_reach_the_engine(app):
    from app import _database_timeouts

    class Fake:
        config = {"SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://x@h/db", "DB_CONNECT_TIMEOUT": 3,
                  "DB_STATEMENT_TIMEOUT_MS": 2500}

    _database_timeouts(Fake)
    args = Fake.config["SQLALCHEMY_ENGINE_OPTIONS"]["connect_args"]
    assert args["connect_timeout"] == 3 and "statement_timeout=2500" in args["options"]
    Fake.config = {"SQLALCHEMY_DATABASE_URI": "sqlite:///x.db", "DB_CONNECT_TIMEOUT": 3,
                   "DB_STATEMENT_TIMEOUT_MS": 2500}
    _database_timeouts(Fake)
    assert Fake.config["SQLALCHEMY_ENGINE_OPTIONS"]["connect_args"]["timeout"] == 2.5
    if TEST_DB == "postgresql":
        with app.app_context():
            value = db.session.execute(db.text("SHOW statement_timeout")).scalar()
            db.session.remove()
        assert value == "15s"
    else:
        with app.app_context():
            value = db.session.execute(db.text("PRAGMA busy_timeout")).scalar()
            db.session.remove()
        assert value == 15000


# --- headers -----------------------------------------------------------------------------

def _csp_ok(resp):
    csp = resp.headers.get("Content-Security-Policy", "")
    assert "default-src 'self'" in csp and "frame-ancestors 'self'" in csp and "object-src 'none'" in csp
    assert "http:" not in csp and "https:" not in csp and "*" not in csp  # no remote origin
    assert resp.headers.get("X-Frame-Options") == "SAMEORIGIN"
    assert resp.headers.get("X-Content-Type-Options") == "nosniff"
    assert resp.headers.get("Referrer-Policy") == "same-origin"


def test_security_headers_on_every_response(app, login):
    anonymous = app.test_client()
    for resp in (anonymous.get("/login/"), anonymous.get("/contactview/list/"),
                 anonymous.get("/yok-boyle-sayfa")):
        _csp_ok(resp)
    memur = login("memur")
    with app.app_context():
        from app.registers.reference.models import Contact

        cid = db.session.query(Contact.id).limit(1).scalar()
        db.session.remove()
    for url in ("/contactview/list/", f"/contactview/show/{cid}", "/contactview/add",
                "/contactview/show/99999999999999999999"):
        _csp_ok(memur.get(url))


def test_downloads_are_never_cached(app, login):
    memur = login("memur")
    with app.app_context():
        from app.registers.office.models import DutySlip

        slip = db.session.query(DutySlip.id).limit(1).scalar()
        db.session.remove()
    urls = ["/contactview/export.csv", "/contactview/export.xlsx", "/contactview/export.pdf",
            f"/dutyslipview/pdf/{slip}"]
    for url in urls:
        resp = memur.get(url)
        assert resp.status_code == 200, url
        assert resp.headers.get("Cache-Control") == "no-store", url
        _csp_ok(resp)
    page = memur.get("/contactview/list/")
    assert "no-store" not in (page.headers.get("Cache-Control") or "")


# --- attachments: parse what is accepted ---------------------------------------------

def _pdf():
    from pypdf import PdfWriter

    writer, buf = PdfWriter(), io.BytesIO()
    writer.add_blank_page(72, 72)
    writer.write(buf)
    return buf.getvalue()


def _png():
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buf, "PNG")
    return buf.getvalue()


def _jpeg():
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (4, 4), "blue").save(buf, "JPEG")
    return buf.getvalue()


def test_attachments_must_parse_and_download_with_a_safe_name(app, login):
    from app.core.attachments import Attachment
    from app.registers.reference.models import Contact

    memur = login("memur")
    with app.app_context():
        cid = db.session.query(Contact.id).filter(Contact.archived.is_(False)).limit(1).scalar()
        before = db.session.query(Attachment).filter_by(register="contact", record_id=cid).count()
        db.session.remove()

    def upload(data, name):
        return memur.post(f"/contactview/attachments/{cid}", data={"file": (io.BytesIO(data), name)},
                          content_type="multipart/form-data", follow_redirects=True).data.decode()

    fake_pdf = b"%PDF-1.7\n<html><body><script>alert(1)</script></body></html>\n"
    fake_png = b"\x89PNG\r\n\x1a\n<html><script>alert(1)</script></html>"
    fake_jpeg = b"\xff\xd8\xff\xe0<html><script>alert(1)</script></html>"
    for data, name in ((fake_pdf, "fatura.pdf"), (fake_png, "resim.png"), (fake_jpeg, "foto.jpg"),
                       (_png()[:40], "yarim.png")):
        assert "Dosya bozuk ya da türü içeriğiyle uyuşmuyor" in upload(data, name), name
    with app.app_context():
        assert db.session.query(Attachment).filter_by(register="contact", record_id=cid).count() == before
        db.session.remove()
    for data, name in ((_pdf(), "belge.pdf"), (_png(), "resim.png"), (_jpeg(), "foto.jpeg"),
                       (_pdf(), "sayfa.html")):
        assert "Dosya eklendi" in upload(data, name), name
    with app.app_context():
        atts = (db.session.query(Attachment).filter_by(register="contact", record_id=cid)
                .order_by(Attachment.id.desc()).limit(4).all())
        ids = {a.filename: a.id for a in atts}
        db.session.remove()
    resp = memur.get(f"/contactview/attachment/{cid}/{ids['sayfa.html']}")
    disposition = resp.headers["Content-Disposition"]
    assert resp.status_code == 200 and disposition.startswith("attachment")
    assert "sayfa.pdf" in disposition and ".html" not in disposition
    assert resp.mimetype == "application/pdf"
    assert resp.headers["Cache-Control"] == "no-store" and resp.headers["X-Content-Type-Options"] == "nosniff"
    resp = memur.get(f"/contactview/attachment/{cid}/{ids['foto.jpeg']}")
    assert "foto.jpg" in resp.headers["Content-Disposition"] and resp.mimetype == "image/jpeg"


# --- restore: the logo matches the backup ------------------------------------------------

def test_restore_removes_a_logo_uploaded_after_the_backup(app, ctx, tmp_path):
    from app.ops.backup import LOGO_NAMES, create_backup, restore_backup

    data_dir = app.config["DATA_DIR"]
    os.makedirs(data_dir, exist_ok=True)
    aside = {}
    for name in LOGO_NAMES:  # start without a logo
        path = os.path.join(data_dir, name)
        if os.path.exists(path):
            aside[name] = open(path, "rb").read()
            os.remove(path)
    try:
        path, manifest = create_backup(str(tmp_path / "logosuz.tar.gz"))
        assert not [f for f in manifest["files"] if f["path"].startswith("data/")]
        with open(os.path.join(data_dir, "logo.png"), "wb") as fh:  # uploaded after the backup
            fh.write(_png())
        outcome = restore_backup(path)
        db.session.remove()
        assert not os.path.exists(os.path.join(data_dir, "logo.png"))
        assert "data/logo.png" in outcome["moved_files"]
        assert os.path.isfile(os.path.join(outcome["set_aside_in"], "data", "logo.png"))

        # a backup with a PNG logo, then a JPEG uploaded: back to the PNG only
        with open(os.path.join(data_dir, "logo.png"), "wb") as fh:
            fh.write(_png())
        path, manifest = create_backup(str(tmp_path / "logolu.tar.gz"))
        png = open(os.path.join(data_dir, "logo.png"), "rb").read()
        os.remove(os.path.join(data_dir, "logo.png"))
        with open(os.path.join(data_dir, "logo.jpg"), "wb") as fh:
            fh.write(_jpeg())
        restore_backup(path)
        db.session.remove()
        assert open(os.path.join(data_dir, "logo.png"), "rb").read() == png
        assert not os.path.exists(os.path.join(data_dir, "logo.jpg"))
    finally:
        db.session.remove()
        db.engine.dispose()
        for name in LOGO_NAMES:
            p = os.path.join(data_dir, name)
            if os.path.exists(p):
                os.remove(p)
        for name, content in aside.items():
            with open(os.path.join(data_dir, name), "wb") as fh:
                fh.write(content)
        import shutil

        for name in os.listdir(data_dir):
            if name.startswith("restore-"):
                shutil.rmtree(os.path.join(data_dir, name), ignore_errors=True)


def test_control_characters_are_stripped_at_input(app, login):
    from app.registers.reference.models import Contact

    client = login("memur")
    resp = client.post("/contactview/add", data={"kind": "kurum", "name": "Kontrol\x00\x01 Kurumu\x1b\x7f 7f3a",
                                                 "notes": "satır 1\r\n\tsatır 2\x00"}, follow_redirects=True)
    assert resp.status_code == 200
    with app.app_context():
        row = db.session.query(Contact).filter(Contact.name.like("Kontrol%7f3a")).one()
        assert row.name == "Kontrol Kurumu 7f3a" and row.notes == "satır 1\r\n\tsatır 2"
        db.session.delete(row)
        db.session.commit()
        db.session.remove()
