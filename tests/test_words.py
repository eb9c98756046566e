"""Issue 12: the history (Geçmiş) and the audit log read in words."""
from __future__ import annotations

import datetime as dt
import html as htmllib
import re
import uuid

import pytest

TODAY = dt.date.today()
ISO_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
COLUMN_KEYS = ("decided_at", "decided_by_id", "Decided At", "Decided By", "estimated_value",
               "counterpart_id", "submitted_at", "Submitted At", "duty_slip", "custody_history")


def text_of(resp) -> str:
    body = resp.data.decode()
    # the page's own content: the navbar's bell names records too (notifications)
    if '<main id="ozk-main"' in body:
        body = body[body.index('<main id="ozk-main"'):]
    body = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", body)
    body = re.sub(r"<[^>]+>", " ", body)
    return re.sub(r"\s+", " ", htmllib.unescape(body))


def _contact_id(app, name):
    from app.extensions import db
    from app.registers.reference.models import Contact

    with app.app_context():
        cid = db.session.query(Contact).filter_by(name=name).one().id
        db.session.remove()
    return cid


def _gift(app, item):
    from app.extensions import db
    from app.registers.protocol.models import Gift

    with app.app_context():
        gift = db.session.query(Gift).filter_by(item=item).one()
        db.session.expunge(gift)
        db.session.remove()
    return gift


def _gift_form(app, item, value="1850,00"):
    return {"direction": "alinan", "date": TODAY.isoformat(),
            "counterpart": str(_contact_id(app, "Gülşen Öztürk")), "occasion": "Ziyaret",
            "item": item, "quantity": "1", "estimated_value": value, "kept_at": "Makam odası",
            "notes": ""}


def _entries(app, register, record_id):
    from app.core.audit import AuditEntry
    from app.extensions import db

    with app.app_context():
        rows = (db.session.query(AuditEntry).filter_by(register=register, record_id=record_id)
                .order_by(AuditEntry.id).all())
        out = [(e.action, e.changes_dict()) for e in rows]
        db.session.remove()
    return out


@pytest.fixture
def approved_gift(app, clients):
    memur, mudur = clients["memur"], clients["mudur"]
    item = f"Gümüş tabak {uuid.uuid4().hex[:6]}"
    assert memur.post("/giftview/add", data=_gift_form(app, item), follow_redirects=True).status_code == 200
    gift = _gift(app, item)
    data = _gift_form(app, item, "2850,00")
    data["record_version"] = str(gift.version)
    assert memur.post(f"/giftview/edit/{gift.id}", data=data, follow_redirects=True).status_code == 200
    memur.post(f"/giftview/submit/{gift.id}", follow_redirects=True)
    seen = str(_gift(app, item).version)  # approve carries the version the Müdür saw
    mudur.post(f"/giftview/approve/{gift.id}", data={"note": "Uygundur", "version": seen},
               follow_redirects=True)
    gift = _gift(app, item)
    assert gift.state == "approved"
    return gift


def test_history_panel_reads_in_words(app, clients, approved_gift):
    text = text_of(clients["mudur"].get(f"/giftview/show/{approved_gift.id}"))
    history = text[text.index("Geçmiş"):] if "Geçmiş" in text else text
    assert "Onay Bekliyor → Onaylandı" in history
    assert "1.850,00 ₺ → 2.850,00 ₺" in history
    assert "Tahmini değer (₺)" in history
    assert "Karar veren" in history and "Karar tarihi" in history
    now = approved_gift.decided_at
    assert now.strftime("%d.%m.%Y %H:%M") in history
    from app.extensions import db
    from flask_appbuilder.security.sqla.models import User

    with app.app_context():
        mudur = db.session.query(User).filter_by(username="mudur").one()
        full_name = mudur.get_full_name()
        db.session.remove()
    assert full_name in history
    for key in COLUMN_KEYS:
        assert key not in history, key
    assert "None" not in history
    assert not ISO_TIMESTAMP.search(history)
    # the same in the separate history page
    page = text_of(clients["mudur"].get(f"/giftview/history/{approved_gift.id}"))
    assert "Onay Bekliyor → Onaylandı" in page and "None" not in page


def test_audit_log_reads_in_words_and_links_the_record(app, clients, approved_gift):
    resp = clients["denetci"].get(f"/auditlog/list/?register=gift&user=mudur")
    assert resp.status_code == 200
    text = text_of(resp)
    assert "Hediyeler" in text
    assert approved_gift.number in text
    assert "Onay Bekliyor → Onaylandı" in text
    assert f'href="/giftview/show/{approved_gift.id}"' in resp.data.decode()
    for key in COLUMN_KEYS:
        assert key not in text, key
    assert "None" not in text
    assert not ISO_TIMESTAMP.search(text)
    # the whole first page of the log, every register
    text = text_of(clients["mudur"].get("/auditlog/list/"))
    assert "None" not in text and not ISO_TIMESTAMP.search(text)
    for raw in ("duty_slip", "custody_history", "wreath_order"):
        assert raw not in text


def test_audit_log_filters(app, clients, approved_gift):
    mudur = clients["mudur"]
    only_memur = text_of(mudur.get("/auditlog/list/?user=memur&register=gift&action=create"))
    assert approved_gift.number in only_memur
    assert "Kayıt onaylandı" not in only_memur and "Kayıt durumu değişti" not in only_memur
    tomorrow = (TODAY + dt.timedelta(days=1)).isoformat()
    assert approved_gift.number not in text_of(mudur.get(f"/auditlog/list/?register=gift&from={tomorrow}"))
    assert approved_gift.number in text_of(
        mudur.get(f"/auditlog/list/?register=gift&from={TODAY.isoformat()}&to={TODAY.isoformat()}"))
    # nonsense filters are ignored, never a 500
    assert mudur.get("/auditlog/list/?from=yarın&to=31.02.2026&page=-4").status_code == 200


def test_audit_log_export_for_the_auditor(app, clients, approved_gift):
    import csv
    import io

    from openpyxl import load_workbook

    denetci = clients["denetci"]
    resp = denetci.get("/auditlog/export.csv?register=gift&user=mudur")
    assert resp.status_code == 200
    body = resp.data.decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body[1:]), delimiter=";"))
    assert rows[0][:4] == ["Zaman", "Kullanıcı", "Adres", "Kayıt defteri"]
    assert any(approved_gift.number in r and "Hediyeler" in r for r in rows[1:])
    assert all(r[3] == "Hediyeler" for r in rows[1:])
    resp = denetci.get("/auditlog/export.xlsx?register=gift")
    assert resp.status_code == 200 and "denetim-kaydi-" in resp.headers["Content-Disposition"]
    ws = load_workbook(io.BytesIO(resp.data)).active
    assert "Kayıt defteri: Hediyeler" in ws.cell(1, 1).value
    assert isinstance(ws.cell(3, 1).value, dt.datetime)
    assert ws.cell(3, 1).number_format == "dd.mm.yyyy hh:mm"
    assert clients["memur"].get("/auditlog/export.csv").status_code == 403


def test_noop_update_writes_no_entry(app, clients):
    memur = clients["memur"]
    item = f"Kristal vazo {uuid.uuid4().hex[:6]}"
    memur.post("/giftview/add", data=_gift_form(app, item), follow_redirects=True)
    gift = _gift(app, item)
    before = _entries(app, "gift", gift.id)
    assert [a for a, _ in before] == ["create"]
    data = _gift_form(app, item)          # the same values again (notes "" vs stored None)
    data["record_version"] = str(gift.version)
    memur.post(f"/giftview/edit/{gift.id}", data=data, follow_redirects=True)
    assert _entries(app, "gift", gift.id) == before
    # one real change: only that field is listed
    gift = _gift(app, item)
    data = _gift_form(app, item)
    data["occasion"] = "Bayram ziyareti"
    data["record_version"] = str(gift.version)
    memur.post(f"/giftview/edit/{gift.id}", data=data, follow_redirects=True)
    after = _entries(app, "gift", gift.id)
    assert after[-1][0] == "update" and list(after[-1][1]) == ["occasion"]


def test_same_value_rules():
    from decimal import Decimal

    from app.core.audit import same_value

    assert same_value(None, "")
    assert same_value("abc ", "abc")
    assert same_value(Decimal("1850"), Decimal("1850.00"))
    assert same_value(dt.datetime(2026, 11, 26, 2, 5, 31), dt.datetime(2026, 11, 26, 2, 5))
    assert not same_value(Decimal("1850"), Decimal("2850"))


def test_the_show_page_lists_the_latest_changes_and_the_history_page_pages_everything(app, clients):
    """A much-visited personal-data record: every visit writes a KVKK read entry.
    The record's page shows its latest 20 changes, never the visits (it once
    listed all of them: 2 170 rows, 285 KB, 160 ms for a contact read 2 155
    times); the history page holds everything, 100 entries a page."""
    from app.core import audit

    name = f"Geçmiş Sınaması {uuid.uuid4().hex[:6]}"
    assert clients["memur"].post("/contactview/add", data={"kind": "kisi", "name": name}).status_code == 302
    cid = _contact_id(app, name)
    with app.test_request_context():
        for i in range(25):
            audit.record("contact", cid, "update", changes={"notes": [f"not {i}", f"not {i + 1}"]})
        for _ in range(130):
            audit.record("contact", cid, "read", "okundu")
    mudur = clients["mudur"]
    page = mudur.get(f"/contactview/show/{cid}").data.decode()
    panel = page[page.index('id="ozk-history"'):]
    panel = panel[:panel.index("</table>")]
    assert panel.count("<tr") - 1 == 20                       # the header row, then 20 entries
    words = text_of(type("R", (), {"data": panel.encode()}))
    assert "not 24 → not 25" in words and "not 5 → not 6" in words
    assert "not 4 → not 5" not in words                       # the 21st latest change: history page
    assert "Görüntülendi" not in words
    assert "Daha eski kayıtlar ve görüntülemeler: tüm geçmiş" in text_of(mudur.get(f"/contactview/show/{cid}"))
    assert f'href="/contactview/history/{cid}" id="ozk-history-all"' in page

    # 1 create + 25 changes + 130 visits + the Müdür's 2 visits above = 158 entries, 100 a page
    first = mudur.get(f"/contactview/history/{cid}")
    assert first.status_code == 200
    assert "158 kayıt, sayfa 1 / 2" in text_of(first)
    assert first.data.decode().count("Görüntülendi") == 100 and "not 24 → not 25" not in text_of(first)
    assert f'href="/contactview/history/{cid}?page=2"' in first.data.decode()
    second = text_of(mudur.get(f"/contactview/history/{cid}?page=2"))
    assert "158 kayıt, sayfa 2 / 2" in second
    assert "not 0 → not 1" in second and "not 24 → not 25" in second
    assert "Kayıt oluşturuldu" in second
    # out-of-range or malformed page numbers land on the nearest page, never a 500
    assert "sayfa 2 / 2" in text_of(mudur.get(f"/contactview/history/{cid}?page=99"))
    assert "sayfa 1 / 2" in text_of(mudur.get(f"/contactview/history/{cid}?page=abc"))
    assert "sayfa 1 / 2" in text_of(mudur.get(f"/contactview/history/{cid}?page=-3"))
    # a clerk without the history permission sees neither the panel nor the page
    assert 'id="ozk-history"' not in clients["memur"].get(f"/contactview/show/{cid}").data.decode()
    assert clients["memur"].get(f"/contactview/history/{cid}").status_code in (302, 403)
