"""Tests for app.core.pdf (xhtml2pdf service). Self-sufficient: no create_app,
no database; a minimal Flask app points at app/templates."""
from __future__ import annotations

import importlib.util
import io
import re
import sys
from pathlib import Path

import flask
import pytest
from pypdf import PdfReader

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "app" / "templates"

try:
    from app.core import pdf as pdfmod
except ImportError:  # app/__init__.py missing or not importable on its own
    _spec = importlib.util.spec_from_file_location("_ozelkalem_pdf", ROOT / "app" / "core" / "pdf.py")
    pdfmod = importlib.util.module_from_spec(_spec)
    sys.modules["_ozelkalem_pdf"] = pdfmod
    _spec.loader.exec_module(pdfmod)

TURKISH = "ğüşöçıİĞÜŞÖÇ"

LETTERHEAD = {
    "municipality": "Gemlik Belediye Başkanlığı",
    "unit": "Özel Kalem Müdürlüğü",
    "detsis": "12345678",
    "address": "Hamidiye Mah. İstiklal Cad. No:1 Gemlik/BURSA",
    "phone": "(0224) 513 45 21",
    "email": "ozelkalem@gemlik.bel.tr",
    "web": "www.gemlik.bel.tr",
    "logo_path": None,
}


def make_doc(**over):
    doc = {
        "title": "ŞOFÖR GÖREV KÂĞIDI",
        "number": "GK-2026-0007",
        "date": "02.03.2026",
        "approved": True,
        "approver_name": "Mehmet Şükrü Işık",
        "approver_title": "Müdür V.",
        "approved_at": "02.03.2026 09:41",
        "verification_code": "7KQ4-M2XD",
        "verification_url": "https://ozelkalem.example.gov.tr/dogrula/7KQ4-M2XD",
        "fields": [("Görevli şoför", "İsmail Çağlar"), ("Araç plakası", "16 ABC 123"),
                   ("Türkçe", TURKISH)],
        "signatures": [{"title": "Görevlendiren", "name": "Ayşe Öztürk"},
                       {"title": "Görevli Şoför", "name": "İsmail Çağlar"}],
        "notes": None,
    }
    doc.update(over)
    return doc


@pytest.fixture(scope="module")
def pdf_app():
    app = flask.Flask(__name__, template_folder=str(TEMPLATES))
    app.config["TESTING"] = True
    return app


@pytest.fixture
def render(pdf_app):
    def _render(template, **kw):
        kw.setdefault("letterhead", LETTERHEAD)
        with pdf_app.app_context():
            data = pdfmod.render_pdf(template, **kw)
        assert data.startswith(b"%PDF-")
        return PdfReader(io.BytesIO(data))
    return _render


def text_of(reader):
    return "\n".join(page.extract_text() for page in reader.pages)


def flat(text):
    """Whitespace collapsed, so that wrapped lines compare as one."""
    return re.sub(r"\s+", " ", text)


def font_names(reader):
    names = set()
    for page in reader.pages:
        fonts = page["/Resources"].get("/Font", {})
        for ref in fonts.values():
            font = ref.get_object()
            names.add(str(font["/BaseFont"]))
    return names


def embedded_font_names(reader):
    """BaseFont names of fonts whose program is embedded (FontFile2)."""
    out = set()
    for page in reader.pages:
        for ref in page["/Resources"].get("/Font", {}).values():
            font = ref.get_object()
            descriptors = [font.get("/FontDescriptor")]
            for desc in font.get("/DescendantFonts", []) or []:
                descriptors.append(desc.get_object().get("/FontDescriptor"))
            for desc in descriptors:
                if desc is not None and "/FontFile2" in desc.get_object():
                    out.add(str(font["/BaseFont"]))
    return out


def image_xobjects(page):
    xobjects = page["/Resources"].get("/XObject", {}) or {}
    found = []

    def walk(objs):
        for ref in objs.values():
            obj = ref.get_object()
            if obj.get("/Subtype") == "/Image":
                found.append(obj)
            elif obj.get("/Subtype") == "/Form":
                walk(obj.get("/Resources", {}).get("/XObject", {}) or {})

    walk(xobjects)
    return found


def handover_items(n):
    return [{"no": i + 1, "kind": "Bilgisayar", "description": f"Dizüstü bilgisayar {i + 1}",
             "serial": f"SN-{i + 1:04d}", "status": "Sağlam", "note": ""} for i in range(n)]


# ---------------------------------------------------------------------------

def test_turkish_text_and_values_round_trip(render):
    reader = render("pdf/duty_slip.html", doc=make_doc(notes=f"Not: {TURKISH}"))
    text = text_of(reader)
    assert TURKISH in text
    for value in ("ŞOFÖR GÖREV KÂĞIDI", "GK-2026-0007", "02.03.2026", "İsmail Çağlar",
                  "16 ABC 123", "Ayşe Öztürk", "Görevlendiren", "İmza", "T.C.",
                  "Özel Kalem Müdürlüğü", "Sayı:", "Tarih:"):
        assert value in text, value
    # Turkish upper-casing done in Python: i -> İ, ı -> I
    assert "GEMLİK BELEDİYE BAŞKANLIĞI" in text
    assert "Onaylayan: Müdür V. Mehmet Şükrü Işık — 02.03.2026 09:41" in text
    assert "www.gemlik.bel.tr" in text and "ozelkalem@gemlik.bel.tr" in text


def test_roboto_regular_and_bold_embedded(render):
    reader = render("pdf/duty_slip.html", doc=make_doc())
    embedded = embedded_font_names(reader)
    assert any("Roboto-Regular" in name for name in embedded), embedded
    assert any("Roboto-Bold" in name for name in embedded), embedded
    # ReportLab's initial Helvetica state may be declared, but no glyph of
    # user text may be drawn with a non-embedded font: all embedded are Roboto.
    assert all("Roboto" in name for name in embedded)


def test_hostile_strings_print_as_text(render):
    hostile = '<img src="/etc/passwd"> <a href="http://example.com/x">x</a> <pdf:nextpage> {{ 7*7 }}'
    doc = make_doc(notes=hostile, fields=[("Alan", hostile)], approved=False,
                   verification_code=None, verification_url=None)
    reader = render("pdf/duty_slip.html", doc=doc)
    text = text_of(reader)
    assert '<img src="/etc/passwd">' in text
    assert '<a href="http://example.com/x">x</a>' in text
    assert "<pdf:nextpage>" in text
    assert "{{ 7*7 }}" in text
    assert len(reader.pages) == 1  # <pdf:nextpage> did not break the page
    assert image_xobjects(reader.pages[0]) == []  # nothing fetched, no logo, no QR
    assert "/Annots" not in reader.pages[0]  # no link was created


def test_link_callback_refuses_outside_roots(tmp_path):
    cb = pdfmod._link_callback
    refused = pdfmod._REFUSED_URI
    outside = tmp_path / "x.png"
    outside.write_bytes(b"\x89PNG\r\n\x1a\n")
    for uri in ("http://example.com/x.png", "https://169.254.169.254/latest", "/etc/passwd",
                "file:///etc/passwd", str(outside), "../../../../etc/passwd",
                "ftp://example.com/x", "data:text/html,<b>x</b>", "javascript:alert(1)"):
        assert cb(uri, None) == refused, uri
    font = pdfmod.font_dir() / "Roboto-Regular.ttf"
    assert cb(str(font), None) == str(font.resolve())
    qr = pdfmod.qr_data_uri("https://example.com/v/1")
    assert cb(qr, None) == qr


def test_policy_roots_and_remote(tmp_path):
    policy = pdfmod._resource_policy()
    assert policy.allow_remote is False
    allowed = {pdfmod.font_dir()}
    if pdfmod.STATIC_DIR.is_dir():
        allowed.add(pdfmod.STATIC_DIR.resolve())
    assert set(policy.roots) == allowed


def test_raw_img_in_template_fetches_nothing(pdf_app, tmp_path, monkeypatch):
    """Even markup that bypasses escaping (a template bug) cannot read files."""
    import jinja2

    (tmp_path / "pdf").mkdir()
    (tmp_path / "pdf" / "evil.html").write_text(
        '{% extends "pdf/base.html" %}{% block content %}'
        '<img src="/etc/passwd"><img src="file:///etc/hostname">'
        '<img src="http://127.0.0.1/x.png"><p>gövde</p>{% endblock %}', encoding="utf-8")
    app = flask.Flask("evil", template_folder=str(TEMPLATES))
    app.jinja_loader  # noqa: B018 - materialise, then replace
    app.jinja_env.loader = jinja2.ChoiceLoader(
        [jinja2.FileSystemLoader(str(tmp_path)), jinja2.FileSystemLoader(str(TEMPLATES))])
    seen = []
    real_cb = pdfmod._link_callback

    def spy(uri, rel=None):
        result = real_cb(uri, rel)
        seen.append((uri, result))
        return result

    monkeypatch.setattr(pdfmod, "_link_callback", spy)
    with app.app_context():
        data = pdfmod.render_pdf("pdf/evil.html", letterhead=LETTERHEAD, doc=make_doc(approved=False))
    reader = PdfReader(io.BytesIO(data))
    assert "gövde" in text_of(reader)
    assert image_xobjects(reader.pages[0]) == []
    assert seen and all(result == pdfmod._REFUSED_URI for _, result in seen)


def test_handover_80_items_repeats_header(render):
    doc = make_doc(title="DEMİRBAŞ DEVİR TESLİM TUTANAĞI", approved=False, reason="Görev değişikliği",
                   verification_code=None, verification_url=None)
    reader = render("pdf/handover.html", doc=doc, items=handover_items(84))
    assert len(reader.pages) >= 2
    page2 = reader.pages[1].extract_text()
    assert "Açıklama" in page2 and "Seri No" in page2
    text = text_of(reader)
    assert "SN-0001" in text and "SN-0084" in text
    assert "Görev değişikliği" in text
    n = len(reader.pages)
    assert re.search(rf"Sayfa\s*1\s*/\s*{n}\b", reader.pages[0].extract_text())
    assert re.search(rf"Sayfa\s*{n}\s*/\s*{n}\b", reader.pages[-1].extract_text())


def test_unapproved_has_draft_mark(render):
    reader = render("pdf/duty_slip.html", doc=make_doc(approved=False, number=None,
                                                       verification_code=None, verification_url=None))
    text = text_of(reader)
    assert "TASLAK — ONAYLANMAMIŞTIR" in text
    assert "Onaylayan" not in text
    assert image_xobjects(reader.pages[0]) == []


def test_approved_has_verification_code_and_qr(render):
    doc = make_doc()
    reader = render("pdf/duty_slip.html", doc=doc)
    text = text_of(reader)
    assert "TASLAK" not in text
    assert "Doğrulama kodu: 7KQ4-M2XD" in text
    assert doc["verification_url"] in text
    assert (f"Bu belgenin doğruluğunu {doc['verification_url']} adresinden kontrol edebilirsiniz."
            in flat(text))
    images = image_xobjects(reader.pages[0])
    assert len(images) == 1  # the QR code
    # the embedded image is the QR matrix of verification_url
    import qrcode
    from PIL import Image

    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=2)
    qr.add_data(doc["verification_url"])
    qr.make(fit=True)
    matrix = qr.get_matrix()
    img = reader.pages[0].images[0].image.convert("L")
    size = len(matrix)
    cell = img.width / size
    sampled = [[img.getpixel((int((x + 0.5) * cell), int((y + 0.5) * cell))) < 128
                for x in range(size)] for y in range(size)]
    assert sampled == matrix
    assert isinstance(img, Image.Image)


def test_wreath_message_keeps_line_breaks(render):
    message = "Başınız sağ olsun.\nAcınızı paylaşırız.\n<b>kalın değil</b>"
    doc = make_doc(title="ÇELENK SİPARİŞ FORMU", fields=[("Kurdele yazısı", message)])
    text = text_of(render("pdf/wreath_order.html", doc=doc))
    assert "Başınız sağ olsun.\nAcınızı paylaşırız.\n<b>kalın değil</b>" in text


def test_list_landscape_repeats_header(render):
    headers = ["Sıra", "Belge No", "Açıklama", "Durum"]
    rows = [[str(i), f"GK-2026-{i:04d}", f"Görev {i} — İzmir", "Onaylandı"] for i in range(1, 121)]
    reader = render("pdf/list.html", doc={"title": "GÖREV LİSTESİ", "date": "07.03.2026"},
                    headers=headers, rows=rows, landscape=True)
    page = reader.pages[0]
    assert float(page.mediabox.width) > float(page.mediabox.height)
    assert len(reader.pages) >= 2
    assert "Açıklama" in reader.pages[1].extract_text()
    text = text_of(reader)
    assert "GK-2026-0120" in text and "Görev 120 — İzmir" in text
    assert "TASLAK" not in text  # lists are not drafts unless approved=False is passed
    assert re.search(r"Sayfa\s*1\s*/\s*\d+", text)


def test_portrait_is_a4(render):
    page = render("pdf/duty_slip.html", doc=make_doc()).pages[0]
    assert abs(float(page.mediabox.width) - 595.28) < 1
    assert abs(float(page.mediabox.height) - 841.89) < 1


def test_fonts_registered_once(render, monkeypatch):
    from reportlab.pdfbase import pdfmetrics

    calls = []
    real = pdfmetrics.registerFont

    def counting(font):
        calls.append(font.fontName)
        return real(font)

    monkeypatch.setattr(pdfmetrics, "registerFont", counting)
    pdfmod.register_fonts.cache_clear()
    render("pdf/duty_slip.html", doc=make_doc())
    render("pdf/duty_slip.html", doc=make_doc(approved=False))
    roboto_calls = [name for name in calls if "roboto" in name.lower()]
    assert roboto_calls == [name for name, *_ in pdfmod._FONT_FACES], calls
    assert pdfmod.register_fonts.cache_info().misses == 1


def test_logo_outside_roots_is_embedded(render, tmp_path):
    from PIL import Image

    logo = tmp_path / "logo.png"
    Image.new("RGB", (40, 40), (200, 0, 0)).save(logo)
    reader = render("pdf/duty_slip.html", letterhead=dict(LETTERHEAD, logo_path=str(logo)),
                    doc=make_doc(approved=False, verification_code=None, verification_url=None))
    assert len(image_xobjects(reader.pages[0])) == 1
    missing = render("pdf/duty_slip.html", letterhead=dict(LETTERHEAD, logo_path=str(tmp_path / "nope.png")),
                     doc=make_doc(approved=False, verification_code=None, verification_url=None))
    assert image_xobjects(missing.pages[0]) == []


def test_render_without_app_context():
    data = pdfmod.render_pdf("pdf/duty_slip.html", letterhead=LETTERHEAD, doc=make_doc(notes="<i>x</i>"))
    text = text_of(PdfReader(io.BytesIO(data)))
    assert "<i>x</i>" in text and TURKISH in text


def test_pdf_response_headers():
    resp = pdfmod.pdf_response(b"%PDF-1.4 test", filename="Görev Kâğıdı GK-2026/0007\r\n.pdf")
    assert resp.mimetype == "application/pdf"
    cd = resp.headers["Content-Disposition"]
    assert cd.startswith("inline; ")
    assert "\r" not in cd and "\n" not in cd and "/" not in cd.split("filename*=")[0]
    cd.encode("ascii")  # header is pure ASCII
    assert 'filename="' in cd and "filename*=UTF-8''" in cd
    ascii_name = re.search(r'filename="([^"]+)"', cd).group(1)
    assert re.fullmatch(r"[A-Za-z0-9._-]+\.pdf", ascii_name)
    assert ascii_name == "Gorev_Kagidi_GK-2026-0007.pdf"
    assert resp.get_data() == b"%PDF-1.4 test"
    simple = pdfmod.pdf_response(b"%PDF", filename="GK-2026-0007.pdf")
    assert simple.headers["Content-Disposition"] == 'inline; filename="GK-2026-0007.pdf"'
    assert pdfmod.pdf_response(b"%PDF", "x.pdf", as_attachment=True).headers[
        "Content-Disposition"].startswith("attachment;")


def test_tr_upper():
    assert pdfmod.tr_upper("gemlik belediye başkanlığı ılıca") == "GEMLİK BELEDİYE BAŞKANLIĞI ILICA"
    assert pdfmod.tr_upper(None) == ""
