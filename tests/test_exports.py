"""Issues 12 and 13: typed XLSX, CSV neutralising, list PDFs (tokens unbroken,
totals, header on every page, cap, one heavy export per user), report exports."""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
import time
import uuid
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

TODAY = dt.date.today()


def _pdf_pages(data):
    return [p.extract_text() for p in PdfReader(io.BytesIO(data)).pages]


@pytest.fixture
def gifts(app):
    """``gifts(n, **fields)`` → (token, [(id, number, value)]) of n gifts written through the ORM."""
    from app.extensions import db
    from app.registers.protocol.models import Gift
    from app.registers.reference.models import Contact

    def make(n, item=None, value="1234.56", **extra):
        tok = uuid.uuid4().hex[:8].upper()
        with app.app_context():
            counterpart = db.session.query(Contact).filter_by(name="Bursa Valiliği").one()
            rows = []
            for i in range(n):
                gift = Gift(direction="verilen", date=TODAY - dt.timedelta(days=i % 20),
                            counterpart=counterpart, item=item or f"Kitap seti {tok} {i}",
                            quantity=i + 1, estimated_value=Decimal(value), **extra)
                gift.number = f"HX-{TODAY.year}-{tok[:4]}{i:04d}"
                db.session.add(gift)
                rows.append(gift)
            db.session.commit()
            out = [(g.id, g.number, g.estimated_value) for g in rows]
            db.session.remove()
        return tok, out

    return make


# --- XLSX ---------------------------------------------------------------------------

def test_xlsx_cells_are_typed_and_sheet_is_dressed(clients, gifts):
    tok, made = gifts(3, value="1234.56")
    resp = clients["memur"].get(f"/giftview/export.xlsx?q={tok}")
    assert resp.status_code == 200
    assert re.search(r'filename="hediyeler-\d{4}-\d{2}-\d{2}\.xlsx"', resp.headers["Content-Disposition"])
    assert "no-store" in resp.headers["Cache-Control"]
    ws = load_workbook(io.BytesIO(resp.data)).active
    title = ws.cell(1, 1).value
    assert "Hediye" in title and tok in title and TODAY.strftime("%d.%m.%Y") in title
    assert TODAY.strftime("%d.%m.%Y") in ws.title
    headers = [c.value for c in ws[2]]
    assert all(c.font.b for c in ws[2] if c.value)
    assert ws.freeze_panes == "A3"
    assert ws.auto_filter.ref.startswith("A2:") and ws.auto_filter.ref.endswith(str(2 + len(made)))
    col = {h: i + 1 for i, h in enumerate(headers)}
    date_cell = ws.cell(3, col["Tarih"])
    assert isinstance(date_cell.value, dt.datetime) and date_cell.number_format == "dd.mm.yyyy"
    money = ws.cell(3, col["Tahmini değer (₺)"])
    assert isinstance(money.value, (int, float)) and abs(money.value - 1234.56) < 1e-9
    assert money.number_format == '#,##0.00 "₺"'
    qty = ws.cell(3, [i for h, i in col.items() if h.startswith("Adet")][0])
    assert isinstance(qty.value, int) and qty.number_format == "#,##0"
    assert ws.cell(3, col["Sayı"]).value.startswith("HX-")
    widths = [ws.column_dimensions[c].width for c in "ABCDE"]
    assert all(w and w >= 6 for w in widths)


def test_export_file_name_is_the_turkish_title(clients):
    resp = clients["memur"].get("/wreathorderview/export.csv")
    assert re.search(r'filename="celenk-cicek-mesajlar-\d{4}-\d{2}-\d{2}\.csv"',
                     resp.headers["Content-Disposition"])
    from app.core.export import slug

    assert slug("Şoför Görev Kâğıtları") == "sofor-gorev-kagitlari"


# --- CSV neutralising and stored control characters --------------------------------

@pytest.mark.parametrize("payload", ["=1+1", " =1+1", "\n=1+1", "\t=1+1", "\r\n+1", "  @SUM(A1)", "-2+3"])
def test_neutralise_catches_leading_blanks_and_line_breaks(payload):
    from app.core.export import neutralise

    assert neutralise(payload).startswith("'")
    assert neutralise("Ankara") == "Ankara" and neutralise("") == ""


def test_csv_and_xlsx_neutralise_stored_formulas(clients, gifts):
    gifts(1, item=f" =1+1 {uuid.uuid4().hex[:6]}")
    gifts(1, item=f"\n=1+1 {uuid.uuid4().hex[:6]}")
    memur = clients["memur"]
    resp = memur.get("/giftview/export.csv?q=1%2B1")
    body = resp.data.decode("utf-8")
    rows = list(csv.reader(io.StringIO(body[1:]), delimiter=";"))
    cells = [c for r in rows[1:] for c in r if "=1+1" in c]
    assert len(cells) >= 2 and all(c.startswith("'") for c in cells)
    ws = load_workbook(io.BytesIO(memur.get("/giftview/export.xlsx?q=1%2B1").data)).active
    texts = [c.value for row in ws.iter_rows(min_row=3) for c in row if isinstance(c.value, str)]
    assert any("=1+1" in t for t in texts)
    assert all(t.startswith("'") for t in texts if "=1+1" in t)
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)


def test_stored_control_characters_never_break_an_export(app, clients, gifts):
    from app.extensions import db

    with app.app_context():
        sqlite = db.engine.dialect.name == "sqlite"
    # PostgreSQL refuses NUL in text itself; SQLite stores it (issue 13)
    junk = "Vazo\x00\x01\x1f kırık" if sqlite else "Vazo\x01\x1f\x7f kırık"
    tok, _ = gifts(1, item=f"{junk} {uuid.uuid4().hex[:6]}")
    memur = clients["memur"]
    for fmt in ("csv", "xlsx", "pdf"):
        resp = memur.get(f"/giftview/export.{fmt}?q=vazo")
        assert resp.status_code == 200, fmt
    ws = load_workbook(io.BytesIO(memur.get("/giftview/export.xlsx?q=vazo").data)).active
    texts = [c.value for row in ws.iter_rows(min_row=3) for c in row if isinstance(c.value, str)]
    assert any(t.startswith("Vazo") and "kırık" in t for t in texts)
    assert not any(re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", t) for t in texts)


# --- list PDF ----------------------------------------------------------------------

def test_list_pdf_tokens_unbroken_total_and_header_on_every_page(clients, gifts):
    tok, made = gifts(70, value="1234.56")
    resp = clients["memur"].get(f"/giftview/export.pdf?q={tok}")
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    pages = _pdf_pages(resp.data)
    assert len(pages) >= 2
    text = "\n".join(pages)
    for _, number, _ in made[:5] + made[-5:]:
        assert number in text                       # a record number survives unbroken
    assert TODAY.strftime("%d.%m.%Y") in text       # a date survives unbroken
    total = Decimal("1234.56") * len(made)
    from app.core import turkish

    assert "Toplam" in text and turkish.format_money(total) in text
    assert f'Filtreler: Arama: "{tok}"' in pages[0].replace("\n", " ")
    for i, page in enumerate(pages, start=1):
        assert "Tahmini değer" in page and "Sayı" in page, f"header missing on page {i}"
        assert f"Sayfa {i} / {len(pages)}" in page


def test_list_pdf_long_text_wraps_at_word_boundaries():
    from app.core.pdf import render_list_pdf

    long_text = " ".join(["Belediyemizin"] * 40)
    pdf = render_list_pdf("Deneme", ["Sayı", "Tarih", "Açıklama", "Tutar"],
                          [["GK-2026-0006", dt.date(2026, 11, 28), long_text, Decimal("12.5")]],
                          ["text", "date", "text", "money"], totals=[None, None, None, Decimal("12.5")])
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "GK-2026-0006" in text and "28.11.2026" in text and "12,50 ₺" in text
    words = re.findall(r"\S+", text)
    assert all(w == "Belediyemizin" for w in words if w.startswith("Beled") or w.endswith("emizin"))


def test_list_pdf_is_capped_with_an_xlsx_offer(app, clients, gifts):
    tok, _ = gifts(6)
    old = app.config.get("PDF_LIST_MAX_ROWS")
    app.config["PDF_LIST_MAX_ROWS"] = 5
    try:
        resp = clients["memur"].get(f"/giftview/export.pdf?q={tok}")
    finally:
        app.config["PDF_LIST_MAX_ROWS"] = old
    body = resp.data.decode()
    assert resp.status_code == 200 and resp.mimetype == "text/html"
    assert "PDF için liste çok uzun" in body and "6 kayıt" in body and "en fazla 5" in body
    assert f"/giftview/export.xlsx?q={tok}" in body


def test_one_heavy_export_per_user(app, clients, login):
    from flask_appbuilder.security.sqla.models import User

    from app.core.export import ExportBusy, heavy_export
    from app.extensions import db

    with app.app_context():
        memur_id = db.session.query(User).filter_by(username="memur").one().id
        held = heavy_export(memur_id)
        held.__enter__()
        with pytest.raises(ExportBusy):
            with heavy_export(memur_id):
                pass
        db.session.remove()
    try:   # requests outside the test's app context (each gets its own g / user)
        resp = clients["memur"].get("/giftview/export.pdf")
        assert resp.status_code == 429
        assert "Önceki dışa aktarma işleminiz henüz bitmedi" in resp.data.decode()
        assert clients["memur"].get("/giftview/export.xlsx").status_code == 429
        assert clients["memur"].get("/giftview/export.csv").status_code == 200   # light
        assert clients["mudur"].get("/giftview/export.pdf").status_code == 200   # another user
    finally:
        held.__exit__(None, None, None)
    assert clients["memur"].get("/giftview/export.pdf").status_code == 200       # released


def test_list_pdf_renderer_speed():
    """10,000 rows through the list renderer (the issue-13 target is ≤ 5 s on an
    idle machine; the bound here leaves room for a loaded CI box)."""
    from app.core.pdf import render_list_pdf

    rows = [[f"GK-2026-{i:04d}", dt.date(2026, 11, 28), "Ahmet Yılmaz", "16 ABC 123",
             "Ankara Büyükşehir Belediyesi ziyareti " * (i % 3), Decimal("1234.56"), i]
            for i in range(10000)]
    start = time.perf_counter()
    pdf = render_list_pdf("Hız", ["Sayı", "Tarih", "Şoför", "Araç", "Güzergâh", "Tutar", "Km"], rows,
                          ["text", "date", "text", "text", "text", "money", "int"])
    elapsed = time.perf_counter() - start
    assert pdf.startswith(b"%PDF") and elapsed < 30, elapsed


# --- report pages --------------------------------------------------------------------

def test_report_pages_export_to_xlsx_and_pdf(clients):
    mudur = clients["mudur"]
    year = TODAY.year
    resp = mudur.get(f"/subscriptionview/costs?year={year}&export=xlsx")
    assert resp.status_code == 200
    assert f'filename="{year}-yili-abonelik-giderleri-' in resp.headers["Content-Disposition"]
    ws = load_workbook(io.BytesIO(resp.data)).active
    assert [c.value for c in ws[2]] == ["Yayın", "Tür", "Adet", "Tutar (TL)"]
    last = ws.max_row
    assert ws.cell(last, 1).value == "Toplam" and ws.cell(last, 4).number_format == '#,##0.00 "₺"'
    resp = mudur.get(f"/subscriptionview/costs?year={year}&export=pdf")
    assert resp.status_code == 200 and "Toplam" in "".join(_pdf_pages(resp.data))

    resp = mudur.get(f"/dutyslipview/km?year={year}&export=xlsx")
    assert resp.status_code == 200
    ws = load_workbook(io.BytesIO(resp.data)).active
    assert ws.cell(2, 1).value == "Araç" and ws.cell(2, 14).value == "Toplam km"
    resp = mudur.get(f"/dutyslipview/km?year={year}&export=pdf")
    text = "".join(_pdf_pages(resp.data))
    assert resp.status_code == 200 and "Oca" in text and "Sayfa 1 / 1" in text
    # the buttons are on the page; Bilgi İşlem (no export right) gets no file
    assert "export=xlsx" in mudur.get(f"/subscriptionview/costs?year={year}").data.decode()
    assert clients["bilgiislem"].get(f"/subscriptionview/costs?year={year}&export=xlsx").status_code == 403
