"""Issue 19, item 4: "Sayfa x / y" in one xhtml2pdf layout pass (app/core/pdf.py).

The first pass starts from a guessed page count (the template's last one);
when the document ends on that many pages it is the document, otherwise the
layout runs again with the real count. The output must be the very PDF
xhtml2pdf's own two passes give (dates and file ID aside), every page must
carry the right "Sayfa x / y", the Turkish text must extract intact and the
fonts stay embedded. No timing here (speed is measured by bench/bench.py)."""
from __future__ import annotations

import io
import re

import flask
import pytest
from pypdf import PdfReader

from app.core import pdf as pdfmod
from tests.test_pdf_service import (LETTERHEAD, TEMPLATES, TURKISH, embedded_font_names, handover_items,
                                    make_doc, text_of)


@pytest.fixture
def pdf_app():
    app = flask.Flask(__name__, template_folder=str(TEMPLATES))
    app.config["TESTING"] = True
    return app


@pytest.fixture(autouse=True)
def fresh_guesses(monkeypatch):
    monkeypatch.setattr(pdfmod, "_LAST_PAGES", {})
    monkeypatch.setattr(pdfmod, "ONE_PASS", True)
    # the duty slip's template through xhtml2pdf (it is printed by pdf.render_record otherwise)
    monkeypatch.setattr(pdfmod, "DIRECT_RECORDS", False)


def _bytes(pdf_app, template, **kw):
    kw.setdefault("letterhead", LETTERHEAD)
    with pdf_app.app_context():
        return pdfmod.render_pdf(template, **kw)


def _same_pdf(a: bytes, b: bytes) -> bool:
    def norm(x):
        return re.sub(rb"/(CreationDate|ModDate) \(D:[^)]*\)|/ID\s*\[<[0-9a-f]+><[0-9a-f]+>\]", b"", x)
    return norm(a) == norm(b)


def _footers_right(reader):
    n = len(reader.pages)
    for i, page in enumerate(reader.pages, start=1):
        assert re.search(rf"Sayfa\s*{i}\s*/\s*{n}\b", page.extract_text()), (i, n)


def test_one_page_slip_takes_one_pass_and_equals_two_passes(pdf_app, monkeypatch):
    doc = make_doc(notes=f"Not: {TURKISH}")
    one = _bytes(pdf_app, "pdf/duty_slip.html", doc=doc)
    assert pdfmod.LAST_RENDER["passes"] == 1 and pdfmod.LAST_RENDER["pages"] == 1
    monkeypatch.setattr(pdfmod, "ONE_PASS", False)
    two = _bytes(pdf_app, "pdf/duty_slip.html", doc=doc)
    assert _same_pdf(one, two)
    reader = PdfReader(io.BytesIO(one))
    _footers_right(reader)
    text = text_of(reader)
    assert TURKISH in text and "ŞOFÖR GÖREV KÂĞIDI" in text and "Mehmet Şükrü Işık" in text
    embedded = embedded_font_names(reader)
    assert any("Roboto-Regular" in name for name in embedded)
    assert all("Roboto" in name for name in embedded)


def test_long_document_wrong_guess_then_right_guess(pdf_app, monkeypatch):
    doc = make_doc(title="DEMİRBAŞ DEVİR TESLİM TUTANAĞI", approved=False, reason="Görev değişikliği",
                   verification_code=None, verification_url=None)
    items = handover_items(84)
    first = _bytes(pdf_app, "pdf/handover.html", doc=doc, items=items)
    pages = pdfmod.LAST_RENDER["pages"]
    assert pages >= 2
    assert pdfmod.LAST_RENDER["passes"] == 2          # guessed 1 page: laid out again
    again = _bytes(pdf_app, "pdf/handover.html", doc=doc, items=items)
    assert pdfmod.LAST_RENDER["passes"] == 1          # the count it learnt
    monkeypatch.setattr(pdfmod, "ONE_PASS", False)
    reference = _bytes(pdf_app, "pdf/handover.html", doc=doc, items=items)
    assert _same_pdf(first, reference) and _same_pdf(again, reference)
    reader = PdfReader(io.BytesIO(again))
    assert len(reader.pages) == pages
    _footers_right(reader)
    text = text_of(reader)
    assert "SN-0001" in text and "SN-0084" in text and "Görev değişikliği" in text


def test_shorter_document_after_a_longer_one(pdf_app):
    """The guess is too high (the last handover had several pages): the slip
    still says "Sayfa 1 / 1"."""
    doc = make_doc(title="DEMİRBAŞ DEVİR TESLİM TUTANAĞI", approved=False, verification_code=None,
                   verification_url=None)
    _bytes(pdf_app, "pdf/handover.html", doc=doc, items=handover_items(84))
    assert pdfmod._LAST_PAGES["pdf/handover.html"] >= 2
    small = _bytes(pdf_app, "pdf/handover.html", doc=doc, items=handover_items(2))
    assert pdfmod.LAST_RENDER["pages"] == 1 and pdfmod.LAST_RENDER["passes"] == 2
    reader = PdfReader(io.BytesIO(small))
    assert len(reader.pages) == 1
    _footers_right(reader)


def test_warm_up_renders_and_leaves_no_guess(pdf_app):
    pdfmod.warm_up(pdf_app)
    assert "pdf/duty_slip.html" not in pdfmod._LAST_PAGES


def test_list_pdf_ten_thousand_rows_correct(pdf_app):
    """The list PDF (reportlab platypus) at the issue's size: every row, the
    header on every page, the total, Turkish text, page numbers."""
    rows = [[f"GK-2026-{i:05d}", f"Işık Çağrı Öztürk {i}", "Belediye – Çekirge – İnegöl", 10 + i % 7]
            for i in range(10_000)]
    data = pdfmod.render_list_pdf("Görev kâğıtları", ["Numara", "Şoför", "Güzergâh", "Tutar"], rows,
                                  ["text", "text", "text", "money"], filters="ışık",
                                  totals=[None, None, None, sum(r[3] for r in rows)])
    reader = PdfReader(io.BytesIO(data))
    n = len(reader.pages)
    assert n > 50
    for i in (0, n // 2, n - 1):
        text = reader.pages[i].extract_text()
        assert "Numara" in text and "Şoför" in text and "Güzergâh" in text
        assert re.search(rf"Sayfa\s*{i + 1}\s*/\s*{n}\b", text)
    text = text_of(reader)
    assert "GK-2026-00000" in text and "GK-2026-09999" in text
    assert "Işık Çağrı Öztürk 9999" in text and "Toplam" in text
    assert "GÖREV KÂĞITLARI" in text
    assert all("Roboto" in name for name in embedded_font_names(reader))



def test_list_pdf_table_is_centred_numbers_right_aligned_and_long_text_wrapped(pdf_app, monkeypatch):
    """The list PDF's table (drawn directly per page, where reportlab's Table
    put it): centred on the landscape page, money and counts right-aligned in
    their column, a long text wrapped inside its cell, the header row on every
    page, the total row bold on the last, escaping and fonts intact."""
    from decimal import Decimal

    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.pdfgen.textobject import PDFTextObject

    placed = []   # (text, x, y, font) of every cell text, in page coordinates
    real_text_out = PDFTextObject.textOut

    def text_out(self, text):
        matrix = self._canvas._currentMatrix
        placed.append((text, self._x0 + matrix[4], self._y0 + matrix[5], self._fontname))
        return real_text_out(self, text)

    monkeypatch.setattr(PDFTextObject, "textOut", text_out)
    pdfmod.register_fonts()
    long_text = "Bursa Büyükşehir Belediyesi, Osmangazi ve Nilüfer ilçeleri arasında protokol ziyareti " * 3
    rows = [[f"ÇÇ-2026/{i:04d}", long_text if i % 5 == 0 else "Çekirge <b>&</b>", Decimal(i * 1234) / 10, i]
            for i in range(1, 121)]
    total = sum(r[2] for r in rows)
    data = pdfmod.render_list_pdf("Çelenk siparişleri", ["Numara", "Mesaj", "Tutar", "Adet"], rows,
                                  ["text", "text", "money", "int"], totals=[None, None, total, None])
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) >= 3
    page_w = float(reader.pages[0].mediabox.width)
    money = [(t, x, f) for t, x, _y, f in placed if t.endswith("₺")]
    assert len(money) == len(rows) + 1
    ends = {round(x + stringWidth(t, f, 7.5), 1) for t, x, f in money}
    assert len(ends) == 1, ends                                   # right-aligned in one column
    counts = {round(x + stringWidth(t, f, 7.5), 1) for t, x, _y, f in placed if t.isdigit()}
    assert len(counts) == 1 and counts.pop() > ends.pop()         # the count column, right of it
    assert money[-1][0] == pdfmod.list_cell_text(total, "money") and money[-1][2] == "Roboto-Bold"
    assert all(f == "Roboto" for _t, _x, f in money[:-1])
    firsts = {round(x, 1) for t, x, _y, _f in placed if t.startswith("ÇÇ-2026/")}
    assert len(firsts) == 1
    left = firsts.pop() - 3                                       # the cell's left padding
    right = max(round(x + stringWidth(t, f, 7.5), 1) for t, x, _y, f in placed if t.isdigit()) + 3
    assert abs(left - (page_w - right)) < 1                       # the table sits in the page's middle
    text = text_of(reader)
    for page in reader.pages:
        assert "Numara" in page.extract_text() and "Tutar" in page.extract_text()   # header row on every page
    assert "Çekirge <b>&</b>" in text and "ziyareti Bursa" in text.replace("\n", " ")
    assert "Toplam" in text and all("Roboto" in name for name in embedded_font_names(reader))
