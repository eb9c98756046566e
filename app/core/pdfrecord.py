"""The standard record document (şoför görev kâğıdı, çelenk siparişi, a register
defined on the screen) laid out directly with ReportLab's platypus.

It prints what ``templates/pdf/base.html`` prints through xhtml2pdf, block by
block and with the same measures: letterhead (logo, T.C., the municipality in
Turkish capitals, the unit) and its rule, the draft banner, "Sayı / Tarih",
the title, the field table, the notes, the signature boxes, the approval box
with the verification code and QR, and on every page the footer (contact
line, number – title – TASLAK, "Sayfa x / y"). xhtml2pdf spends two thirds of
a one-page document parsing HTML and matching CSS; this takes ~1/4 of its time
(issue 19, item 4: a duty slip in ≤ 40 ms).

``pdf.render_pdf`` sends here the templates listed in ``pdf.RECORD_LAYOUTS``
(templates that only extend ``base.html``); every other template (the letter,
the order, the minutes, the receipt, the handover list) stays on xhtml2pdf.
A template that gains blocks of its own must leave ``RECORD_LAYOUTS``.
``tests/test_pdf_record.py`` prints the same documents both ways and compares
their text, so the two layouts cannot drift apart unnoticed.

User text is escaped for ReportLab's paragraph markup (``&``, ``<``, ``>``)
and control characters are dropped, so a value prints as the text it is and
never as markup; no link or image comes from user data (the logo is the
configured file, the QR code is drawn from the verification address).
"""
from __future__ import annotations

import base64
import functools
import io
from typing import Any, Mapping

from app.core import pdf as _pdf

CM = 72 / 2.54

# the measures of templates/pdf/base.html (points unless noted)
_MARGIN = {"top": 1.3 * CM, "right": 1.5 * CM, "bottom": 2.3 * CM, "left": 2 * CM}
_FOOTER_BOTTOM, _FOOTER_HEIGHT = 0.7 * CM, 1.3 * CM
_LEADING = 1.25


def _text(value: Any) -> str:
    """``value`` as paragraph markup: escaped, control characters dropped, line breaks kept."""
    if value is None:
        return ""
    return _pdf._esc(_pdf.list_cell_text(str(value), "text"))


@functools.lru_cache(maxsize=16)
def _data_uri_bytes(uri: str) -> bytes:
    return base64.b64decode(uri.split(",", 1)[1])


def _image(uri: str | None, width: float, height: float):
    from reportlab.platypus import Image

    if not uri:
        return None
    try:
        return Image(io.BytesIO(_data_uri_bytes(uri)), width=width, height=height)
    except Exception:  # noqa: BLE001 - an unreadable logo prints nothing, like xhtml2pdf
        return None


@functools.cache
def _styles():
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle

    font, bold = _pdf.FONT_NAME, _pdf.FONT_NAME + "-Bold"
    ink = colors.HexColor("#111111")
    red = colors.HexColor("#c40000")

    def style(name, size=10.0, **kw):
        kw.setdefault("fontName", font)
        kw.setdefault("textColor", ink)
        return ParagraphStyle(name, fontSize=size, leading=size * _LEADING, **kw)

    return {
        "body": style("rec-body"),
        "label": style("rec-label", fontName=bold),
        "right": style("rec-right", alignment=2),
        "lh_tc": style("rec-lh-tc", 11, fontName=bold, alignment=1),
        "lh_municipality": style("rec-lh-mun", 12, fontName=bold, alignment=1),
        "lh_unit": style("rec-lh-unit", 11, alignment=1),
        "draft_main": style("rec-draft-main", 20, fontName=bold, alignment=1, textColor=red),
        "draft_sub": style("rec-draft-sub", 9, alignment=1, textColor=red),
        "title": style("rec-title", 13, fontName=bold, alignment=1, spaceBefore=10, spaceAfter=10),
        "sig_title": style("rec-sig-title", fontName=bold, alignment=1),
        "sig_name": style("rec-sig-name", alignment=1),
        "sig_line": style("rec-sig-line", 8.5, alignment=1, textColor=colors.HexColor("#444444")),
        "verify": style("rec-verify", 10.5, fontName=bold),
        "small": style("rec-small", 8.5, textColor=colors.HexColor("#333333")),
        "footer": style("rec-footer", 7.5, textColor=colors.HexColor("#444444")),
        "footer_center": style("rec-footer-c", 7.5, alignment=1, textColor=colors.HexColor("#444444")),
        "footer_right": style("rec-footer-r", 7.5, alignment=2, textColor=colors.HexColor("#444444")),
    }


def _zero_padding():
    return [("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]


def _letterhead(lh, width, st):
    from reportlab.platypus import Paragraph, Table, TableStyle

    center = [Paragraph("T.C.", st["lh_tc"])]
    if lh.get("municipality"):
        center.append(Paragraph(_text(lh["municipality"]), st["lh_municipality"]))
    if lh.get("unit"):
        center.append(Paragraph(_text(lh["unit"]), st["lh_unit"]))
    logo = _image(lh.get("logo_uri"), 2.1 * CM, 2.1 * CM)
    table = Table([[logo or "", center, ""]], colWidths=[width * 0.2, width * 0.6, width * 0.2])
    table.setStyle(TableStyle(_zero_padding() + [("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                                                 ("ALIGN", (0, 0), (0, 0), "LEFT")]))
    return table


def _draft_banner(width, st):
    from reportlab.lib import colors
    from reportlab.platypus import Paragraph, Table, TableStyle

    table = Table([[[Paragraph("TASLAK — ONAYLANMAMIŞTIR", st["draft_main"]),
                     Paragraph("Bu belge onaylanmadan resmî belge yerine geçmez.", st["draft_sub"])]]],
                  colWidths=[width])
    table.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 2.5, colors.HexColor("#c40000")),
                               ("LEFTPADDING", (0, 0), (-1, -1), 4), ("RIGHTPADDING", (0, 0), (-1, -1), 4),
                               ("TOPPADDING", (0, 0), (-1, -1), 6), ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]))
    return table


def _meta(d, width, st):
    from reportlab.platypus import Paragraph, Table, TableStyle

    number = _text(d.get("number")) or "—"
    table = Table([[Paragraph(f"<b>Sayı:</b> {number}", st["body"]),
                    Paragraph(f"<b>Tarih:</b> {_text(d.get('date'))}", st["right"])]],
                  colWidths=[width * 0.6, width * 0.4])
    table.setStyle(TableStyle(_zero_padding() + [("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def _fields(d, width, st, pad_top, pad_bottom):
    from reportlab.lib import colors
    from reportlab.platypus import Paragraph, Table, TableStyle

    rows = []
    for label, value in d["fields"]:
        shown = "—" if _pdf._is_blank(value) else _text(value)
        rows.append([Paragraph(_text(label), st["label"]), Paragraph(shown, st["body"])])
    table = Table(rows, colWidths=[width * 0.32, width * 0.68])
    grey = colors.HexColor("#555555")
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.6, grey),
        ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f2f2f2")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 4), ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), pad_top), ("BOTTOMPADDING", (0, 0), (-1, -1), pad_bottom),
    ]))
    return table


def _signatures(sigs, width, st):
    """Up to 4 side by side, else rows of 3; a single signer sits at the right."""
    from reportlab.lib import colors
    from reportlab.platypus import HRFlowable, Paragraph, Spacer, Table, TableStyle

    n = len(sigs)
    per_row = 2 if n == 1 else (n if n <= 4 else 3)
    pad = 1.4 * CM if per_row <= 2 else (0.3 * CM if per_row == 4 else 0.6 * CM)
    line = colors.HexColor("#333333")

    def box(sig):
        return [Paragraph(_text(sig.get("title")), st["sig_title"]),
                Paragraph(_text(sig.get("name")) or "&nbsp;", st["sig_name"]),
                Spacer(1, 1.3 * CM),
                HRFlowable(width="100%", thickness=0.6, color=line, spaceBefore=0, spaceAfter=2),
                Paragraph("İmza", st["sig_line"])]

    cells = ([""] if n == 1 else []) + [box(s) for s in sigs]
    rows = [cells[i:i + per_row] for i in range(0, len(cells), per_row)]
    rows[-1] += [""] * (per_row - len(rows[-1]))
    table = Table(rows, colWidths=[width / per_row] * per_row)
    style = [("VALIGN", (0, 0), (-1, -1), "TOP"),
             ("LEFTPADDING", (0, 0), (-1, -1), pad), ("RIGHTPADDING", (0, 0), (-1, -1), pad),
             ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]
    if len(rows) > 1:
        style.append(("TOPPADDING", (0, 1), (-1, -1), 14))
    table.setStyle(TableStyle(style))
    return table


def _approval(d, width, st):
    from reportlab.lib import colors
    from reportlab.platypus import Paragraph, Table, TableStyle

    who = " ".join(_text(x) for x in (d.get("approver_title"), d.get("approver_name")) if x)
    line = f"<b>Onaylayan:</b> {who}"
    if d.get("approved_at"):
        line += f" — {_text(d['approved_at'])}"
    text = [Paragraph(line, st["body"])]
    if d.get("verification_code"):
        text.append(Paragraph(f"Doğrulama kodu: {_text(d['verification_code'])}", st["verify"]))
    if d.get("fingerprint"):
        text.append(Paragraph(f"İçerik parmak izi: {_text(d['fingerprint'])}", st["small"]))
    if d.get("verification_url"):
        text.append(Paragraph(f"Bu belgenin doğruluğunu {_text(d['verification_url'])} adresinden "
                              "kontrol edebilirsiniz.", st["small"]))
    qr = _image(d.get("qr_uri"), 2.3 * CM, 2.3 * CM)
    box = [("BOX", (0, 0), (-1, -1), 0.8, colors.HexColor("#555555")), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
    if qr is not None:
        table = Table([[qr, text]], colWidths=[2.8 * CM, width - 2.8 * CM])
        box += [("LEFTPADDING", (0, 0), (0, 0), 4), ("RIGHTPADDING", (0, 0), (0, 0), 2),
                ("TOPPADDING", (0, 0), (0, 0), 4), ("BOTTOMPADDING", (0, 0), (0, 0), 2),
                ("LEFTPADDING", (1, 0), (1, 0), 6), ("RIGHTPADDING", (1, 0), (1, 0), 6),
                ("TOPPADDING", (1, 0), (1, 0), 5), ("BOTTOMPADDING", (1, 0), (1, 0), 3)]
    else:
        table = Table([[text]], colWidths=[width])
        box += [("LEFTPADDING", (0, 0), (-1, -1), 6), ("RIGHTPADDING", (0, 0), (-1, -1), 6),
                ("TOPPADDING", (0, 0), (-1, -1), 5), ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]
    table.setStyle(TableStyle(box))
    return table


def render_record(letterhead: Mapping[str, Any] | None, doc: Mapping[str, Any] | None, *,
                  landscape: bool = False, field_padding: tuple[float, float] = (3, 1),
                  draft_if_approvable: bool = False) -> bytes:
    """The record document as PDF bytes (see the module docstring).

    ``field_padding``: the field cells' top and bottom padding (the wreath order's
    are taller); ``draft_if_approvable``: a register without approval
    (``doc["approvable"]`` false) never prints the draft marks."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.pagesizes import landscape as to_landscape
    from reportlab.platypus import BaseDocTemplate, Frame, HRFlowable, PageTemplate, Paragraph, Spacer

    _pdf.register_fonts()
    st = _styles()
    lh = _pdf._prepare_letterhead(letterhead)
    d = _pdf._prepare_doc(doc)
    draft = not d["approved"] and (not draft_if_approvable or bool(d.get("approvable")))
    page = to_landscape(A4) if landscape else A4
    width = page[0] - _MARGIN["left"] - _MARGIN["right"]

    story = [_letterhead(lh, width, st),
             HRFlowable(width="100%", thickness=1.2, color=colors.HexColor("#222222"),
                        spaceBefore=4, spaceAfter=0)]
    if draft:
        story += [Spacer(1, 8), _draft_banner(width, st)]
    story += [Spacer(1, 8), _meta(d, width, st)]
    if d.get("title"):
        story.append(Paragraph(_text(d["title"]), st["title"]))
    if d["fields"]:
        story.append(_fields(d, width, st, *field_padding))
    if not _pdf._is_blank(d.get("notes")):
        story += [Spacer(1, 8), Paragraph("Açıklama / Notlar:", st["label"]),
                  Paragraph(_text(d["notes"]), st["body"])]
    if d["signatures"]:
        story += [Spacer(1, 18), _signatures(d["signatures"], width, st)]
    if d["approved"]:
        story += [Spacer(1, 16), _approval(d, width, st)]

    # the footer: known only once the page count is
    contact = " · ".join(_text(part) for part in lh["contact"])
    if lh.get("detsis"):
        contact += (" · " if contact else "") + f"DETSİS: {_text(lh['detsis'])}"
    left = _text(d.get("number"))
    if d.get("number") and d.get("title"):
        left += " – "
    left += _text(d.get("title"))
    if draft:
        left += ' <font color="#c40000"><b>– TASLAK</b></font>'
    footer_x = _MARGIN["left"]
    footer_w = page[0] - _MARGIN["left"] - _MARGIN["right"]
    footer_top = _FOOTER_BOTTOM + _FOOTER_HEIGHT

    def draw_footer(canv, number, count):
        canv.setStrokeColor(colors.HexColor("#777777"))
        canv.setLineWidth(0.6)
        canv.line(footer_x, footer_top, footer_x + footer_w, footer_top)
        y = footer_top - 3
        if contact:
            para = Paragraph(contact, st["footer_center"])
            _, h = para.wrap(footer_w, _FOOTER_HEIGHT)
            y -= h
            para.drawOn(canv, footer_x, y)
        else:
            y -= st["footer"].leading
        para = Paragraph(left, st["footer"])
        _, h = para.wrap(footer_w * 0.7, _FOOTER_HEIGHT)
        para.drawOn(canv, footer_x, y - h)
        right = Paragraph(f"Sayfa {number} / {count}", st["footer_right"])
        _, rh = right.wrap(footer_w * 0.3, _FOOTER_HEIGHT)
        right.drawOn(canv, footer_x + footer_w * 0.7, y - rh)

    number, title = d.get("number"), d.get("title")
    meta_title = f"{number} – {title or 'Belge'}" if number else str(title or "Belge")
    subject = str(title or "Belge")
    if d["approved_given"] and not d["approved"]:
        subject += " (taslak, onaylanmamıştır)"
    out = io.BytesIO()
    template = BaseDocTemplate(
        out, pagesize=page, leftMargin=_MARGIN["left"], rightMargin=_MARGIN["right"],
        topMargin=_MARGIN["top"], bottomMargin=_MARGIN["bottom"], title=meta_title,
        author=" – ".join(str(x) for x in (lh.get("municipality"), lh.get("unit")) if x),
        subject=subject, keywords=", ".join(str(x) for x in (number, "Özel Kalem") if x),
        creator="Özel Kalem", lang="tr")
    body = Frame(_MARGIN["left"], _MARGIN["bottom"], width, page[1] - _MARGIN["top"] - _MARGIN["bottom"],
                 leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="body")
    template.addPageTemplates([PageTemplate(id="page", frames=[body])])
    template.build(story, canvasmaker=_pdf.numbered_canvas(draw_footer))
    return out.getvalue()
