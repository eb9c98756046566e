"""Issue 19: a long list PDF is laid out by a background process, so no web
worker waits for it. The clerk lands on a page that refreshes itself until the
file is ready; only she can open it; one at a time; failures are told in words."""
from __future__ import annotations

import datetime as dt
import io
import re
import time
import uuid
from decimal import Decimal

import pytest
from pypdf import PdfReader

TODAY = dt.date.today()


@pytest.fixture
def gifts(app):
    from app.extensions import db
    from app.registers.protocol.models import Gift
    from app.registers.reference.models import Contact

    def make(n, value="1234.56"):
        tok = uuid.uuid4().hex[:8].upper()
        with app.app_context():
            counterpart = db.session.query(Contact).filter_by(name="Bursa Valiliği").one()
            numbers = []
            for i in range(n):
                gift = Gift(direction="verilen", date=TODAY, counterpart=counterpart,
                            item=f"Çini tabak İznik {tok} {i}", quantity=1, estimated_value=Decimal(value))
                gift.number = f"HJ-{TODAY.year}-{tok[:4]}{i:04d}"
                db.session.add(gift)
                numbers.append(gift.number)
            db.session.commit()
            db.session.remove()
        return tok, numbers

    return make


@pytest.fixture
def small_inline(app):
    """Lists over 5 rows go to a background job (the default threshold is 1,000)."""
    old = app.config.get("PDF_LIST_INLINE_ROWS")
    app.config["PDF_LIST_INLINE_ROWS"] = 5
    yield
    app.config["PDF_LIST_INLINE_ROWS"] = old


def _jobs(app, **where):
    from app.core.exportjobs import ExportJob
    from app.extensions import db

    with app.app_context():
        rows = db.session.query(ExportJob).filter_by(**where).order_by(ExportJob.id).all()
        out = [{c: getattr(j, c) for c in ("id", "token", "user_id", "state", "rows", "payload", "error")}
               | {"has_content": j.content is not None} for j in rows]
        db.session.remove()
    return out


def _wait_done(client, url, timeout=90):
    deadline = time.time() + timeout
    while True:
        resp = client.get(url)
        assert resp.status_code == 200
        state = re.search(r'data-state="(\w+)"', resp.data.decode()).group(1)
        if state in ("done", "failed") or time.time() > deadline:
            return state, resp
        assert resp.headers.get("Refresh") == "2"            # the page asks the browser to come back
        assert "PDF hazırlanıyor" in resp.data.decode()
        time.sleep(0.3)


def test_a_long_list_pdf_is_made_by_a_background_process(app, clients, gifts, small_inline):
    tok, numbers = gifts(8)
    memur = clients["memur"]
    resp = memur.get(f"/giftview/export.pdf?q={tok}")
    assert resp.status_code == 302                                     # answered at once
    job_url = resp.headers["Location"]
    assert re.search(r"/giftview/export-job/[\w-]{20,}$", job_url)
    state, page = _wait_done(memur, job_url)                            # a real subprocess made it
    assert state == "done", page.data.decode()
    body = page.data.decode()
    assert "PDF hazır: 8 kayıt" in body and "Refresh" not in page.headers
    assert "24 saat boyunca" in body
    file_url = re.search(r'id="ozk-export-file" href="([^"]+)"', body).group(1)
    pdf = memur.get(file_url)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert re.search(r'filename="hediyeler-\d{4}-\d{2}-\d{2}\.pdf"', pdf.headers["Content-Disposition"])
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    for number in numbers:
        assert number in text
    assert "Çini tabak İznik" in text and TODAY.strftime("%d.%m.%Y") in text
    from app.core import turkish

    assert "Toplam" in text and turkish.format_money(Decimal("1234.56") * 8) in text
    assert f'Arama: "{tok}"' in text.replace("\n", " ")
    [job] = [j for j in _jobs(app) if job_url.endswith(j["token"])]
    assert job["state"] == "done" and job["rows"] == 8 and job["has_content"]
    assert job["payload"] is None                                      # the cells' text is not kept
    # the export is in the audit trail once, with its rows
    from app.core.audit import AuditEntry
    from app.extensions import db

    with app.app_context():
        entries = db.session.query(AuditEntry).filter(
            AuditEntry.action == "export", AuditEntry.register == "gift",
            AuditEntry.changes.contains(tok)).all()
        assert [e.summary for e in entries] == ["PDF liste, 8 satır"] and entries[0].username == "memur"
        db.session.remove()


def test_short_lists_still_come_back_in_the_same_response(clients, gifts, small_inline):
    tok, _ = gifts(5)
    resp = clients["memur"].get(f"/giftview/export.pdf?q={tok}")
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"


@pytest.fixture
def inline_runner(app):
    old = app.config.get("EXPORT_JOB_RUNNER")
    app.config["EXPORT_JOB_RUNNER"] = "inline"
    yield
    app.config["EXPORT_JOB_RUNNER"] = old


def test_only_the_clerk_who_asked_opens_her_job(app, clients, gifts, small_inline, inline_runner):
    tok, _ = gifts(6)
    job_url = clients["memur"].get(f"/giftview/export.pdf?q={tok}").headers["Location"]
    file_url = job_url + "/file"
    assert clients["memur"].get(file_url).mimetype == "application/pdf"
    # the Müdür may export gifts too, but this is not his file
    assert clients["mudur"].get(job_url).status_code == 404
    assert clients["mudur"].get(file_url).status_code == 404
    # the same token under another register is no job either
    other = job_url.replace("/giftview/", "/contactview/")
    assert clients["memur"].get(other).status_code == 404
    assert clients["memur"].get(other + "/file").status_code == 404
    assert clients["memur"].get("/giftview/export-job/nope/file").status_code == 404
    # no export right on gifts: refused before any lookup
    for user in ("bilgiislem", "baskan"):
        resp = clients[user].get(file_url)
        assert resp.status_code in (302, 403) and resp.mimetype != "application/pdf", user
    anonymous = app.test_client().get(file_url)
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]


def test_one_list_pdf_job_at_a_time_and_a_stuck_one_is_reported(app, clients, gifts, small_inline):
    from flask_appbuilder.security.sqla.models import User

    from app.core.exportjobs import ExportJob
    from app.extensions import db

    tok, _ = gifts(6)
    with app.app_context():
        memur_id = db.session.query(User).filter_by(username="memur").one().id
        waiting = ExportJob(token=uuid.uuid4().hex, user_id=memur_id, view="GiftView", title="Hediyeler",
                            filename="x.pdf", rows=6, state="queued", payload="{}",
                            created_at=dt.datetime.now())
        db.session.add(waiting)
        db.session.commit()
        token = waiting.token
        db.session.remove()
    try:
        resp = clients["memur"].get(f"/giftview/export.pdf?q={tok}")
        assert resp.status_code == 429 and "Önceki dışa aktarma işleminiz henüz bitmedi" in resp.data.decode()
        page = clients["memur"].get(f"/giftview/export-job/{token}")
        assert 'data-state="queued"' in page.data.decode() and page.headers["Refresh"] == "2"
        # still making it: the file address leads back to the waiting page, never a 500
        assert clients["memur"].get(f"/giftview/export-job/{token}/file").status_code == 302
        # 20 minutes later it is reported as failed, and the clerk may ask again
        with app.app_context():
            db.session.query(ExportJob).filter_by(token=token).update(
                {"created_at": dt.datetime.now() - dt.timedelta(minutes=20)})
            db.session.commit()
            db.session.remove()
        page = clients["memur"].get(f"/giftview/export-job/{token}").data.decode()
        assert 'data-state="failed"' in page and "PDF hazırlanamadı" in page
        app.config["EXPORT_JOB_RUNNER"] = "inline"
        assert clients["memur"].get(f"/giftview/export.pdf?q={tok}").status_code == 302
    finally:
        app.config["EXPORT_JOB_RUNNER"] = "process"
        with app.app_context():
            db.session.query(ExportJob).filter_by(token=token).delete()
            db.session.commit()
            db.session.remove()


def test_a_failed_layout_is_told_in_words_and_old_jobs_are_deleted(app, clients, gifts, small_inline,
                                                                   inline_runner):
    from app.core import exportjobs
    from app.core.exportjobs import ExportJob
    from app.extensions import db

    with app.app_context():
        url = db.engine.url.render_as_string(hide_password=False)
        broken = ExportJob(token=uuid.uuid4().hex, user_id=1, view="GiftView", title="Hediyeler",
                           filename="x.pdf", rows=1, state="queued", payload='{"title": "x"}',
                           created_at=dt.datetime.now())
        old = ExportJob(token=uuid.uuid4().hex, user_id=1, view="GiftView", title="Eski", filename="y.pdf",
                        rows=1, state="done", content=b"%PDF-", created_at=dt.datetime.now() - dt.timedelta(days=2))
        db.session.add_all([broken, old])
        db.session.commit()
        broken_id, old_token = broken.id, old.token
        db.session.remove()
    exportjobs.run(broken_id, url)
    [job] = _jobs(app, id=broken_id)
    assert job["state"] == "failed" and job["payload"] is None and "KeyError" in job["error"]
    tok, _ = gifts(6)
    assert clients["memur"].get(f"/giftview/export.pdf?q={tok}").status_code == 302
    assert _jobs(app, token=old_token) == []                     # older than EXPORT_JOB_KEEP_HOURS: gone
    with app.app_context():
        db.session.query(ExportJob).filter_by(id=broken_id).delete()
        db.session.commit()
        db.session.remove()


def test_a_job_is_run_once_even_if_started_twice(app, clients, gifts, small_inline, inline_runner):
    from app.core import exportjobs
    from app.extensions import db

    tok, _ = gifts(6)
    job_url = clients["memur"].get(f"/giftview/export.pdf?q={tok}").headers["Location"]
    [job] = [j for j in _jobs(app) if job_url.endswith(j["token"])]
    with app.app_context():
        url = db.engine.url.render_as_string(hide_password=False)
    exportjobs.run(job["id"], url)                               # a second start finds it taken
    [again] = _jobs(app, id=job["id"])
    assert again["state"] == "done" and again["has_content"]


def test_kvkk_anonymize_deletes_expired_list_pdfs(app):
    from app.core.exportjobs import ExportJob
    from app.extensions import db
    from app.ops.kvkk import anonymize

    with app.app_context():
        old = ExportJob(token=uuid.uuid4().hex, user_id=1, view="ContactView", title="Kişiler", filename="k.pdf",
                        rows=1, state="done", content=b"%PDF- Ay\xc5\x9fe", created_at=dt.datetime.now() - dt.timedelta(hours=30))
        fresh = ExportJob(token=uuid.uuid4().hex, user_id=1, view="ContactView", title="Kişiler", filename="k.pdf",
                          rows=1, state="done", content=b"%PDF-", created_at=dt.datetime.now())
        db.session.add_all([old, fresh])
        db.session.commit()
        old_token, fresh_token = old.token, fresh.token
        anonymize()
        db.session.remove()
    assert _jobs(app, token=old_token) == []
    assert len(_jobs(app, token=fresh_token)) == 1
