"""Issue 19, item 4: the standard record document (duty slip, wreath order, a
register defined on the screen) laid out directly with ReportLab
(app/core/pdf.py, render_record) instead of through xhtml2pdf.

Each document is printed both ways and the two must say the same thing: the
same words, the same number of pages, "Sayfa x / y" right on every page, the
draft marks only where the template prints them. Then what the xhtml2pdf path
guaranteed and a reader relies on: embedded Roboto only, document information,
A4, text that is never markup. No timing here (bench/bench.py measures it)."""
from __future__ import annotations

import io
import re
from collections import Counter

import pytest
from pypdf import PdfReader

from app.core import pdf as pdfmod
from tests.test_pdf_service import (LETTERHEAD, TEMPLATES, TURKISH, embedded_font_names, image_xobjects,  # noqa: F401
                                    make_doc, pdf_app, text_of)


def _both(pdf_app, template, monkeypatch, **kw):
    """(direct, xhtml2pdf) readers of the same document."""
    kw.setdefault("letterhead", LETTERHEAD)
    with pdf_app.app_context():
        monkeypatch.setattr(pdfmod, "DIRECT_RECORDS", True)
        direct = pdfmod.render_pdf(template, **kw)
        reference = pdfmod.render_xhtml2pdf(template, **kw)
    return PdfReader(io.BytesIO(direct)), PdfReader(io.BytesIO(reference))


def _words(reader):
    return Counter(text_of(reader).split())


def _footers_right(reader):
    n = len(reader.pages)
    for i, page in enumerate(reader.pages, start=1):
        assert re.search(rf"Sayfa\s*{i}\s*/\s*{n}\b", page.extract_text()), (i, n)


FIVE_SIGNERS = [{"title": f"Üye {i}", "name": f"Çağrı Işık {i}"} for i in range(1, 6)]

CASES = {
    "approved slip, notes, QR": ("pdf/duty_slip.html", make_doc(notes=f"Not: {TURKISH}\nikinci satır")),
    "draft slip, no number, blanks": ("pdf/duty_slip.html", make_doc(
        approved=False, number=None, verification_code=None, verification_url=None,
        fields=[("Şoför", "Ümit Öz"), ("Yolcular", None), ("Dönüş Km", "  ")])),
    "one signer": ("pdf/duty_slip.html", make_doc(signatures=[{"title": "Düzenleyen", "name": ""}])),
    "five signers": ("pdf/duty_slip.html", make_doc(signatures=FIVE_SIGNERS, approved=False)),
    "wreath, ribbon on three lines": ("pdf/wreath_order.html", make_doc(
        title="ÇELENK SİPARİŞ FORMU", fields=[("Kurdele yazısı", "Başınız sağ olsun.\nAcınızı\npaylaşırız.")])),
    "screen register without approval": ("pdf/screen_record.html", make_doc(
        title="ARŞİV KAYDI", approved=False, approvable=False, verification_code=None, verification_url=None)),
    "screen register, draft": ("pdf/screen_record.html", make_doc(
        title="ARŞİV KAYDI", approved=False, approvable=True, verification_code=None, verification_url=None)),
    "three pages of fields": ("pdf/duty_slip.html", make_doc(
        fields=[(f"Alan {i}", f"Değer {i} — İğdır, Şırnak\nikinci satır") for i in range(90)])),
}


@pytest.mark.parametrize("case", list(CASES))
def test_direct_layout_says_what_the_template_says(pdf_app, monkeypatch, case):
    template, doc = CASES[case]
    direct, reference = _both(pdf_app, template, monkeypatch, doc=doc)
    # a one-page document stays on one page; a long one may break a row earlier or
    # later (xhtml2pdf's rows are ~1 pt taller), never by more than a page
    if len(reference.pages) == 1:
        assert len(direct.pages) == 1
    else:
        assert abs(len(direct.pages) - len(reference.pages)) <= 1
    if len(reference.pages) == len(direct.pages):
        assert _words(direct) == _words(reference)
    else:   # the same words but the footer's, which each page repeats
        footer = set(" ".join([LETTERHEAD[k] for k in ("address", "phone", "email", "web", "detsis")]
                              + ["· DETSİS: Sayfa / – TASLAK", doc["number"] or "", doc["title"]]).split())
        differ = (_words(direct) - _words(reference)) + (_words(reference) - _words(direct))
        assert all(w in footer or w.isdigit() for w in differ), differ
    _footers_right(direct)
    text = text_of(direct)
    assert ("TASLAK" in text) == ("TASLAK" in text_of(reference))
    assert len(image_xobjects(direct.pages[-1])) == len(image_xobjects(reference.pages[-1]))


def test_draft_marks_follow_the_register(pdf_app, monkeypatch):
    _, plain = CASES["screen register without approval"]
    direct, _ = _both(pdf_app, "pdf/screen_record.html", monkeypatch, doc=plain)
    assert "TASLAK" not in text_of(direct)
    direct, _ = _both(pdf_app, "pdf/duty_slip.html", monkeypatch, doc=make_doc(approved=False))
    text = text_of(direct)
    assert "TASLAK — ONAYLANMAMIŞTIR" in text and "Bu belge onaylanmadan resmî belge yerine geçmez." in text
    assert "– TASLAK" in text                                       # the footer's mark
    assert "Onaylayan" not in text and "Doğrulama kodu" not in text


def test_fonts_information_and_page_size(pdf_app, monkeypatch):
    direct, reference = _both(pdf_app, "pdf/duty_slip.html", monkeypatch, doc=make_doc(approved=False))
    embedded = embedded_font_names(direct)
    assert any("Roboto-Regular" in n for n in embedded) and any("Roboto-Bold" in n for n in embedded)
    assert all("Roboto" in n for n in embedded), embedded
    info = direct.metadata
    assert info.title == "GK-2026-0007 – ŞOFÖR GÖREV KÂĞIDI"
    assert info.author == "GEMLİK BELEDİYE BAŞKANLIĞI – Özel Kalem Müdürlüğü"
    assert info.subject == "ŞOFÖR GÖREV KÂĞIDI (taslak, onaylanmamıştır)"
    assert direct.trailer["/Root"].get("/Lang") == "tr"
    page = direct.pages[0]
    assert abs(float(page.mediabox.width) - 595.28) < 1 and abs(float(page.mediabox.height) - 841.89) < 1


def test_text_is_never_markup(pdf_app, monkeypatch):
    hostile = '<b>kalın</b> <font color="red">x</font> <a href="http://example.com/">y</a> &amp; &nbsp; <br/>'
    control = "satır\x00sonu\x07 \x1b[31m"
    doc = make_doc(title=hostile, number=hostile, notes=hostile, fields=[(hostile, control)],
                   signatures=[{"title": hostile, "name": control}], approved=False)
    with pdf_app.app_context():
        data = pdfmod.render_pdf("pdf/duty_slip.html", letterhead=dict(LETTERHEAD, unit=hostile), doc=doc)
    reader = PdfReader(io.BytesIO(data))
    text = text_of(reader)
    assert text.count('<b>kalın</b> <font color="red">x</font>') >= 4
    assert "&amp; &nbsp; <br/>" in text
    assert "satırsonu" in text
    assert "/Annots" not in reader.pages[0]
    assert image_xobjects(reader.pages[0]) == []


def test_the_view_prints_through_the_direct_layout(monkeypatch):
    """The registers that print the standard record use it; a template with
    blocks of its own (the handover list) stays on xhtml2pdf."""
    assert {"pdf/duty_slip.html", "pdf/wreath_order.html", "pdf/screen_record.html"} <= set(pdfmod.RECORD_LAYOUTS)
    assert "pdf/handover.html" not in pdfmod.RECORD_LAYOUTS
    for name in pdfmod.RECORD_LAYOUTS:
        source = (TEMPLATES / name).read_text(encoding="utf-8")
        blocks = set(re.findall(r"{%\s*block\s+(\w+)", source))
        # only the blocks the layout options stand for
        assert blocks <= {"extra_css", "footer_draft", "draft_banner"}, (name, blocks)
    calls = []
    real = pdfmod.render_record
    monkeypatch.setattr(pdfmod, "render_record", lambda *a, **k: calls.append(k) or real(*a, **k))
    pdfmod.render_pdf("pdf/wreath_order.html", letterhead=LETTERHEAD, doc=make_doc())
    assert calls == [{"landscape": False, "field_padding": (4, 2)}]
