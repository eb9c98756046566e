"""PDF rendering for official documents (görev kâğıdı, zimmet tutanağı, çelenk
siparişi, listeler): Jinja template -> HTML -> xhtml2pdf -> bytes.

Public API::

    render_pdf(template_name, *, letterhead=None, doc=None, landscape=False, **extra) -> bytes
    pdf_response(pdf_bytes, filename="belge.pdf", *, as_attachment=False) -> flask.Response
    FONT_NAME == "Roboto"

Fonts
-----
Roboto Regular/Bold/Italic/BoldItalic from the pinned ``font_roboto`` package
are registered with ReportLab exactly once per process (``register_fonts`` is a
``functools.cache``) and the family name ``roboto`` is added to xhtml2pdf's
font table (``xhtml2pdf.default.DEFAULT_FONT``, which every render copies), so
the templates just say ``font-family: Roboto`` and carry no ``@font-face``.
The generic names xhtml2pdf falls back to (helvetica, arial, sans-serif, ...)
are pointed at Roboto too, so no stray text can end up in a base-14 font that
has no Turkish glyphs (ReportLab still declares an unused Helvetica resource).

Measured alternative: ``@font-face`` in the template CSS also works (with the
font directory as a policy root), and xhtml2pdf does not rebuild the TTFont
for a file it registered before, but on every render it still re-reads both
TTF files through the resource policy and md5-hashes them (~1.3 ms per render,
~15 % of a small document). Registering once up front costs ~35 ms, once.

Resources / security
--------------------
* All user data goes through Jinja autoescape (``.html`` templates); no
  template uses ``|safe`` on user data -- line breaks are kept with
  :func:`nl2br`, which escapes first.
* ``pisa.CreatePDF`` gets ``resource_policy=ResourceAccessPolicy(
  allow_remote=False, ...)`` whose roots are only the Roboto font directory and
  ``app/static`` (when it exists); xhtml2pdf refuses everything else.
* ``link_callback`` (:func:`_link_callback`) additionally refuses anything that
  is not an inline ``data:image/...`` URI or an existing file inside those
  roots (refused URIs are rewritten to an empty ``data:,`` URI, which yields
  nothing).
* The logo (a trusted, caller-supplied absolute path) and the QR code are
  embedded as ``data:image/...;base64`` URIs, so they need no extra root.

xhtml2pdf serialises renders with a process-wide lock, so concurrent requests
queue. A one-page duty slip with logo and QR took ~60 ms through xhtml2pdf
(median, warm), two thirds of it parsing HTML and matching CSS; the standard
record layouts (``RECORD_LAYOUTS``) are therefore laid out directly with
ReportLab by ``render_record`` below (~15 ms), the other templates stay on xhtml2pdf.
"""
from __future__ import annotations

import base64
import functools
import io
import logging
import mimetypes
import os
import re
import unicodedata
from pathlib import Path
from typing import Any, Iterable, Mapping
from urllib.parse import quote, urlsplit
from urllib.request import url2pathname

from markupsafe import Markup, escape

log = logging.getLogger(__name__)

__all__ = [
    "FONT_NAME",
    "PdfRenderError",
    "nl2br",
    "pdf_response",
    "register_fonts",
    "render_pdf",
    "tr_upper",
]

FONT_NAME = "Roboto"

# (reportlab font name, file stem, bold, italic)
_FONT_FACES = (
    (FONT_NAME, "Roboto-Regular", 0, 0),
    (FONT_NAME + "-Bold", "Roboto-Bold", 1, 0),
    (FONT_NAME + "-Italic", "Roboto-Italic", 0, 1),
    (FONT_NAME + "-BoldItalic", "Roboto-BoldItalic", 1, 1),
)

_APP_DIR = Path(__file__).resolve().parent.parent
TEMPLATE_DIR = _APP_DIR / "templates"
STATIC_DIR = _APP_DIR / "static"

_MAX_LOGO_BYTES = 2 * 1024 * 1024
_REFUSED_URI = "data:,"  # decodes to b"" -> xhtml2pdf treats it as "not found"
_IMAGE_DATA_URI = re.compile(r"^data:image/(png|jpeg|gif);base64,[A-Za-z0-9+/=\s]*$")


class PdfRenderError(RuntimeError):
    """xhtml2pdf reported errors while converting the document."""


# --------------------------------------------------------------------------
# Text helpers (also handed to the templates)
# --------------------------------------------------------------------------

def tr_upper(text: Any) -> str:
    """Turkish upper case: ``i -> İ``, ``ı -> I`` (``str.upper`` gives ``I`` for ``i``)."""
    if text is None:
        return ""
    return str(text).replace("i", "İ").replace("ı", "I").upper()


def nl2br(value: Any) -> Markup:
    """Escape ``value`` and turn its line breaks into ``<br/>``; safe for user data."""
    if value is None:
        return Markup("")
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    return Markup("<br/>").join(escape(line) for line in text.split("\n"))


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# --------------------------------------------------------------------------
# Fonts
# --------------------------------------------------------------------------

def font_dir() -> Path:
    import font_roboto

    return Path(font_roboto.__file__).resolve().parent / "files"


@functools.cache
def register_fonts() -> str:
    """Register the Roboto family with ReportLab and xhtml2pdf; once per process."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from xhtml2pdf import default as x2p_default

    directory = font_dir()
    for name, stem, bold, italic in _FONT_FACES:
        pdfmetrics.registerFont(TTFont(name, str(directory / f"{stem}.ttf")))
        addMapping(FONT_NAME, bold, italic, name)
    # xhtml2pdf copies this table into every render's context: the CSS family
    # names below now resolve to the embedded Roboto faces.
    for alias in ("roboto", "sans-serif", "sans", "sansserif", "arial", "helvetica"):
        x2p_default.DEFAULT_FONT[alias] = FONT_NAME
    return FONT_NAME


# --------------------------------------------------------------------------
# Resource policy / link callback
# --------------------------------------------------------------------------

def _allowed_roots() -> tuple[Path, ...]:
    roots = [font_dir()]
    if STATIC_DIR.is_dir():
        roots.append(STATIC_DIR.resolve())
    return tuple(roots)


def _resource_policy():
    from xhtml2pdf.config.resources import ResourceAccessPolicy

    roots = _allowed_roots()
    return ResourceAccessPolicy(
        allow_remote=False,
        base_dir=roots[0],
        extra_roots=roots[1:],
        max_local_bytes=20 * 1024 * 1024,
        max_image_pixels=25_000_000,
    )


def _inside_roots(path: Path) -> bool:
    try:
        resolved = path.resolve()
    except (OSError, RuntimeError):
        return False
    return resolved.is_file() and any(
        resolved == root or resolved.is_relative_to(root) for root in _allowed_roots()
    )


def _link_callback(uri: Any, rel: Any = None) -> str:
    """Allow inline images and files inside the allowed roots; refuse the rest."""
    if not isinstance(uri, (str, Path)):
        return _REFUSED_URI
    uri = str(uri).strip()
    if uri.startswith("data:"):
        return uri if _IMAGE_DATA_URI.match(uri) else _REFUSED_URI
    parts = urlsplit(uri)
    scheme = parts.scheme.lower()
    if scheme == "file":
        candidate = Path(url2pathname(parts.path))
    elif scheme == "":
        if uri.startswith("/static/"):
            candidate = STATIC_DIR / uri[len("/static/"):]
        else:
            candidate = Path(uri)
    else:  # http, https, ftp, javascript, ...
        log.warning("PDF: refused remote/unknown resource %r", uri[:120])
        return _REFUSED_URI
    if candidate.is_absolute() and _inside_roots(candidate):
        return str(candidate.resolve())
    log.warning("PDF: refused local resource %r", uri[:120])
    return _REFUSED_URI


@functools.lru_cache(maxsize=8)
def _file_data_uri(path: str, mtime: float, size: int) -> str | None:
    mime = mimetypes.guess_type(path)[0]
    if mime not in ("image/png", "image/jpeg", "image/gif") or size > _MAX_LOGO_BYTES:
        log.warning("PDF: logo %r ignored (type %s, %d bytes)", path, mime, size)
        return None
    with open(path, "rb") as handle:
        return f"data:{mime};base64,{base64.b64encode(handle.read()).decode('ascii')}"


def _logo_uri(logo_path: Any) -> str | None:
    """The letterhead logo (trusted config) as a data URI, or None."""
    if _is_blank(logo_path):
        return None
    try:
        stat = os.stat(logo_path)
    except (OSError, TypeError, ValueError):
        log.warning("PDF: logo %r not found", logo_path)
        return None
    return _file_data_uri(str(logo_path), stat.st_mtime, stat.st_size)


@functools.lru_cache(maxsize=256)
def qr_data_uri(text: str) -> str:
    """QR code PNG for ``text`` as a ``data:image/png;base64,...`` URI."""
    import qrcode
    from qrcode.constants import ERROR_CORRECT_M

    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=6, border=2)
    qr.add_data(text)
    qr.make(fit=True)
    buf = io.BytesIO()
    qr.make_image(fill_color="black", back_color="white").save(buf, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


# --------------------------------------------------------------------------
# Context preparation
# --------------------------------------------------------------------------

_LETTERHEAD_KEYS = ("municipality", "unit", "detsis", "address", "phone", "email", "web", "logo_path")
_DOC_KEYS = (
    "title", "number", "date", "approved", "approver_name", "approver_title", "approved_at",
    "verification_code", "verification_url", "fields", "signatures", "notes", "reason",
)


def _prepare_letterhead(letterhead: Mapping[str, Any] | None) -> dict[str, Any]:
    lh = {key: None for key in _LETTERHEAD_KEYS}
    lh.update(dict(letterhead or {}))
    lh["municipality"] = tr_upper(lh.get("municipality"))
    lh["logo_uri"] = _logo_uri(lh.get("logo_path"))
    lh["contact"] = [
        str(value).strip()
        for value in (lh.get("address"), lh.get("phone"), lh.get("email"), lh.get("web"))
        if not _is_blank(value)
    ]
    return lh


def _pairs(fields: Iterable[Any] | None) -> list[tuple[Any, Any]]:
    out = []
    for item in fields or ():
        if isinstance(item, Mapping):
            out.append((item.get("label"), item.get("value")))
        else:
            label, value = item
            out.append((label, value))
    return out


def _prepare_doc(doc: Mapping[str, Any] | None) -> dict[str, Any]:
    d = {key: None for key in _DOC_KEYS}
    d.update(dict(doc or {}))
    d["approved_given"] = d.get("approved") is not None
    d["approved"] = bool(d.get("approved"))
    d["fields"] = _pairs(d.get("fields"))
    d["signatures"] = [dict(s) for s in (d.get("signatures") or ())]
    d["qr_uri"] = None
    if d["approved"] and not _is_blank(d.get("verification_url")):
        d["qr_uri"] = qr_data_uri(str(d["verification_url"]))
    return d


def column_widths(headers: Iterable[Any] | None, rows: Iterable[Iterable[Any]] | None) -> list[int]:
    """Column widths in percent, proportional to the longest word-wrapped text."""
    headers = list(headers or ())
    sample = [list(row) for _, row in zip(range(300), rows or ())]
    ncols = max([len(headers)] + [len(row) for row in sample] + [0])
    if not ncols:
        return []
    weights = []
    for col in range(ncols):
        texts = [str(headers[col]) if col < len(headers) else ""]
        texts += [str(row[col]) for row in sample if col < len(row) and row[col] is not None]
        longest = max(len(line) for text in texts for line in (text.splitlines() or [""]))
        weights.append(min(max(longest, 4), 40))
    total = sum(weights)
    widths = [max(3, round(100 * w / total)) for w in weights]
    widths[widths.index(max(widths))] -= sum(widths) - 100
    return widths


def _template_context(letterhead, doc, landscape, extra) -> dict[str, Any]:
    ctx = dict(extra)
    if "headers" in ctx or "rows" in ctx:
        ctx["col_widths"] = list(ctx.get("widths") or column_widths(ctx.get("headers"), ctx.get("rows")))
    ctx.update(
        letterhead=_prepare_letterhead(letterhead),
        doc=_prepare_doc(doc),
        landscape=bool(landscape),
        font_name=FONT_NAME,
        nl2br=nl2br,
        tr_upper=tr_upper,
        is_blank=_is_blank,
    )
    return ctx


@functools.cache
def _standalone_env():
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    return Environment(
        loader=FileSystemLoader(str(TEMPLATE_DIR)),
        autoescape=select_autoescape(["html", "htm", "xml"], default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render_html(template_name: str, **context: Any) -> str:
    """Render a template: Flask's environment inside an app context, else our own."""
    from flask import has_app_context, render_template

    if has_app_context():
        return render_template(template_name, **context)
    return _standalone_env().get_template(template_name).render(**context)


# --------------------------------------------------------------------------
# "Sayfa x / y" in one layout pass
# --------------------------------------------------------------------------
#
# ``<pdf:pagecount>`` makes xhtml2pdf lay the whole document out twice
# (reportlab's ``multiBuild``): the first pass only finds the number of pages,
# the second draws every footer with it (~46 of 54 ms for a duty slip). The
# second pass starts from the page count the first one left on the document and
# its page templates. We start the *first* pass from there instead, with a
# guess (the page count this template had last time, 1 at first): when the pass
# ends on exactly that many pages, every footer already carries the right total
# and that pass is the document. Otherwise (or when <pdf:resetpagenumber> or an
# index needs the usual passes) the pass is undone as multiBuild undoes its
# passes and the layout runs again with the count it found, as before.

_PAGE_GUESS: "contextvars.ContextVar[dict | None]"
_LAST_PAGES: dict[str, int] = {}
LAST_RENDER: dict = {}   # this process's last render: guess, pages, passes (tests read it)
ONE_PASS = True          # False: xhtml2pdf's own two passes (the tests compare both)


def _install_one_pass_pagecount():
    import contextvars

    from xhtml2pdf.xhtml2pdf_reportlab import PmlBaseDoc, PmlPageCount

    global _PAGE_GUESS
    if getattr(PmlBaseDoc, "_ozk_one_pass", False):
        return
    _PAGE_GUESS = contextvars.ContextVar("ozk_page_guess", default=None)
    original = PmlBaseDoc.multiBuild

    def multiBuild(self, story, maxPasses=10, **buildKwds):
        job = _PAGE_GUESS.get()
        indexing = [thing for thing in story if thing.isIndexing()]
        if job is None or any(not isinstance(thing, PmlPageCount) for thing in indexing):
            return original(self, story, maxPasses=maxPasses, **buildKwds)
        guess = job["guess"]
        self._indexingFlowables = indexing
        self._doSave = 0
        edits = []
        self._multiBuildEdits = edits.append
        count, passes = max(int(guess), 1), 0
        while True:
            passes += 1
            # the state a second pass of multiBuild starts from: the total on
            # the document and on every page template
            self._page_count = count
            for template in self.pageTemplates:
                template._page_count = count
            for thing in indexing:
                thing.beforeBuild()
            self.build(story[:], **buildKwds)
            for thing in indexing:
                thing.afterBuild()
            pages = self.page
            resets = bool(getattr(self, "pageNumberResets", None)) and passes < 2
            if (pages == count and not resets) or passes > maxPasses:
                self._doSave = 0
                self.canv.save()
                break
            while edits:
                edit = edits.pop(0)
                edit[0](*edit[1:])
            count = pages
        del self._multiBuildEdits
        job.update(pages=self.page, passes=passes)
        return passes

    PmlBaseDoc.multiBuild = multiBuild
    PmlBaseDoc._ozk_one_pass = True
    _cache_default_css()


def _cache_default_css():
    """xhtml2pdf parses every stylesheet again for every PDF: its own default
    one (~3 ms) and the templates' (~4 ms). A stylesheet with no @-rule and no
    url() is plain rule sets: parsing it touches nothing but the result
    (@page, @frame and @font-face are what set up the document, and url()
    what reads files), so its parse is kept per process, by text and source
    name. pdf/base.html keeps its @page block in a <style> of its own for that."""
    from xhtml2pdf.context import pisaContext

    original = pisaContext._parseCSSSource
    cache: dict = {}

    def _parseCSSSource(self, text, sourceName):
        if "@" in text or "url(" in text.lower() or "\\" in text:
            return original(self, text, sourceName)
        key = (text, sourceName)
        hit = cache.get(key)
        if hit is None:
            if len(cache) > 64:
                cache.clear()
            hit = cache[key] = original(self, text, sourceName)
        return hit

    pisaContext._parseCSSSource = _parseCSSSource


# --------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------

# Templates that only extend pdf/base.html (no block of their own but these
# options): printed by render_record (below), ~4x faster than xhtml2pdf.
# DIRECT_RECORDS = False sends them through xhtml2pdf too (the tests compare both).
RECORD_LAYOUTS: dict[str, dict[str, Any]] = {
    "pdf/duty_slip.html": {},
    "pdf/wreath_order.html": {"field_padding": (4, 2)},
    "pdf/screen_record.html": {"draft_if_approvable": True},
}
DIRECT_RECORDS = True


def render_pdf(
    template_name: str,
    *,
    letterhead: Mapping[str, Any] | None = None,
    doc: Mapping[str, Any] | None = None,
    landscape: bool = False,
    **extra: Any,
) -> bytes:
    """Render ``template_name`` (e.g. ``"pdf/duty_slip.html"``) to PDF bytes.

    The standard record layouts (``RECORD_LAYOUTS``) are laid out directly
    with ReportLab (``render_record``), the rest through xhtml2pdf."""
    layout = RECORD_LAYOUTS.get(template_name) if DIRECT_RECORDS and not extra else None
    if layout is not None:
        return render_record(letterhead, doc, landscape=landscape, **layout)
    return render_xhtml2pdf(template_name, letterhead=letterhead, doc=doc, landscape=landscape, **extra)


def render_xhtml2pdf(template_name: str, *, letterhead=None, doc=None, landscape=False, **extra) -> bytes:
    """``template_name`` through Jinja and xhtml2pdf, whatever ``RECORD_LAYOUTS`` says."""
    from xhtml2pdf import pisa

    register_fonts()
    _install_one_pass_pagecount()
    html = render_html(template_name, **_template_context(letterhead, doc, landscape, extra))
    out = io.BytesIO()
    job = {"guess": _LAST_PAGES.get(template_name, 1), "pages": None, "passes": None}
    token = _PAGE_GUESS.set(job if ONE_PASS else None)
    try:
        result = pisa.CreatePDF(
            html,
            dest=out,
            encoding="utf-8",
            link_callback=_link_callback,
            resource_policy=_resource_policy(),
        )
    finally:
        _PAGE_GUESS.reset(token)
    if job["pages"]:
        _LAST_PAGES[template_name] = job["pages"]
    LAST_RENDER.update(job)
    if result.err:
        messages = "; ".join(str(entry[2]) for entry in getattr(result, "log", [])[:5])
        raise PdfRenderError(f"PDF could not be rendered ({result.err} errors): {messages}")
    return out.getvalue()


# A sample document with everything a real one carries (letterhead, fields,
# signatures, approval box with QR code, Turkish letters, several pages' worth
# of nothing): rendering it compiles the PDF templates in the app's Jinja
# environment, loads qrcode/PIL and lays out every kind of block once.
_WARM_DOC = {
    "title": "ŞOFÖR GÖREV KÂĞIDI", "number": "GK-0000-0000", "date": "01.01.2000", "approved": True,
    "approver_name": "Işıl Çağrı Öztürk", "approver_title": "Onaylayan Müdür", "approved_at": "01.01.2000 09:00",
    "verification_code": "WARM-UP", "verification_url": "https://localhost/dogrula/WARM-UP",
    "fields": [("Şoför", "İsmail Ağaoğlu"), ("Görev Yeri / Güzergâh", "Çekirge – İnegöl"), ("Yapılan Km", "1.234")],
    "signatures": [{"title": "Görevli Şoför", "name": "Ümit Işık"}, {"title": "Düzenleyen", "name": "Gül Şen"}],
    "notes": "Özel Kalem",
}


def warm_up(app=None) -> None:
    """Import xhtml2pdf/ReportLab/qrcode, register the fonts, and render a
    sample duty slip and a small list PDF (inside ``app``'s context when given:
    its Jinja environment compiles the PDF templates), so that a worker's first
    real PDF costs what every later one does (it was ~0.4 s)."""
    import contextlib

    register_fonts()
    _install_one_pass_pagecount()
    context = app.app_context() if app is not None else contextlib.nullcontext()
    with context:
        for template in ("pdf/duty_slip.html",):
            head = {"municipality": "Örnek Belediye", "unit": "Özel Kalem"}
            guess = _LAST_PAGES.get(template)
            render_pdf(template, letterhead=head, doc=_WARM_DOC)      # the direct record layout
            render_xhtml2pdf(template, letterhead=head, doc=_WARM_DOC)  # the templates' path
            if guess is None:   # the sample's page count is no guess for real documents
                _LAST_PAGES.pop(template, None)
        render_list_pdf("Isınma", ["Numara", "Ad Soyad", "Tutar"], [["GK-1", "Ağaç Işık", 1]],
                        ["text", "text", "money"], totals=[None, None, 1])


def start_warm_up(app) -> None:
    """``warm_up`` at start-up, unless testing, a CLI command, or ``PDF_WARMUP``
    is off. ``PDF_WARMUP = True`` (default): before the app is returned, so a
    gunicorn worker takes no request before its PDFs are warm (~0.3 s more
    start-up); ``"thread"``: in a daemon thread. True when it ran before returning."""
    import threading

    import os
    import sys

    mode = app.config.get("PDF_WARMUP", True)
    if app.config.get("TESTING") or not mode \
            or os.path.basename(sys.argv[0] or "").startswith("flask"):   # CLI commands print no PDF
        return False

    def run():
        try:
            warm_up(app)
        except Exception:  # noqa: BLE001 - a warm-up failure must never stop the app
            app.logger.warning("PDF warm-up failed", exc_info=True)
        try:   # and the statement every logged-in request runs first (no query)
            with app.app_context():
                app.appbuilder.sm.warm_up()
        except Exception:  # noqa: BLE001
            app.logger.warning("SQL warm-up failed", exc_info=True)

    if mode == "thread":
        threading.Thread(target=run, name="pdf-warm-up", daemon=True).start()
        return False
    run()
    return True


_ASCII_FOLD = str.maketrans({
    "ç": "c", "Ç": "C", "ğ": "g", "Ğ": "G", "ı": "i", "İ": "I",
    "ö": "o", "Ö": "O", "ş": "s", "Ş": "S", "ü": "u", "Ü": "U",
    "â": "a", "Â": "A", "î": "i", "Î": "I", "û": "u", "Û": "U",
})


def _safe_filename(filename: Any) -> tuple[str, str]:
    """(ASCII fallback, full Unicode name) with no path parts or control chars."""
    name = re.sub(r"[\\/]+", "-", str(filename or ""))
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip().strip(".")
    if not name:
        name = "belge.pdf"
    if not name.lower().endswith(".pdf"):
        name += ".pdf"
    ascii_name = unicodedata.normalize("NFKD", name.translate(_ASCII_FOLD))
    ascii_name = ascii_name.encode("ascii", "ignore").decode("ascii")
    ascii_name = re.sub(r"[^A-Za-z0-9._-]+", "_", ascii_name).strip("._") or "belge.pdf"
    if not ascii_name.lower().endswith(".pdf"):
        ascii_name += ".pdf"
    return ascii_name[:150], name[:150]


def pdf_response(pdf_bytes: bytes, filename: str = "belge.pdf", *, as_attachment: bool = False):
    """A Flask ``Response`` serving ``pdf_bytes`` inline (or as a download)."""
    from flask import Response

    ascii_name, full_name = _safe_filename(filename)
    disposition = "attachment" if as_attachment else "inline"
    header = f'{disposition}; filename="{ascii_name}"'
    if full_name != ascii_name:
        header += f"; filename*=UTF-8''{quote(full_name, safe='')}"
    resp = Response(bytes(pdf_bytes), mimetype="application/pdf")
    resp.headers["Content-Disposition"] = header
    resp.headers["Content-Length"] = str(len(pdf_bytes))
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.headers["Cache-Control"] = "private, no-store, max-age=0"
    return resp


# --------------------------------------------------------------------------
# List PDFs (reportlab platypus: made for long tables)
# --------------------------------------------------------------------------
#
# A list of registers or a report: title, the filters used and the date under
# it, one table whose header row repeats on every page, "Sayfa x / y" on
# every page, a total row for money columns. Numbers, dates and record
# numbers never break inside a token (their column is at least as wide as
# the longest token), long text wraps at word boundaries. Same embedded
# Roboto faces as the official documents. ~10,000 rows in a few seconds,
# where the xhtml2pdf template took 20 s for 1,200 (kept for small reports).

_LIST_NUMERIC = ("money", "int", "decimal")


def _list_styles():
    from reportlab.lib.styles import ParagraphStyle

    base = ParagraphStyle("ozk-cell", fontName=FONT_NAME, fontSize=7.5, leading=9.2,
                          splitLongWords=1, wordWrap=None)
    return {
        "cell": base,
        "head": ParagraphStyle("ozk-head", parent=base, fontName=FONT_NAME + "-Bold"),
        "title": ParagraphStyle("ozk-title", parent=base, fontName=FONT_NAME + "-Bold", fontSize=13,
                                leading=16, alignment=1, spaceAfter=3),
        "org": ParagraphStyle("ozk-org", parent=base, fontName=FONT_NAME + "-Bold", fontSize=9,
                              leading=11, alignment=1),
        "meta": ParagraphStyle("ozk-meta", parent=base, fontSize=8, leading=10, alignment=1,
                               spaceAfter=6),
    }


def _esc(text: str) -> str:
    return (str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace("\r\n", "\n").replace("\r", "\n").replace("\n", "<br/>"))


def _list_col_widths(headers, text_rows, kinds, available, font, bold, size):
    """Widths in points: every column at least as wide as its longest token
    (numbers, dates and record numbers never break), the rest of the page
    shared by how much text each column holds."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    pad = 6.0
    ncols = len(headers)
    mins, wants = [], []
    for c in range(ncols):
        head_tokens = str(headers[c]).split()
        min_w = max([stringWidth(t, bold, size) for t in head_tokens] + [12]) + pad
        longest_tokens, longest_texts = [], []
        for row in text_rows:
            text = row[c]
            if not text:
                continue
            if kinds[c] in _LIST_NUMERIC or kinds[c] in ("date", "datetime", "bool") or len(text) <= 24:
                longest_tokens.append(text) if kinds[c] != "text" else longest_tokens.extend(text.split())
            else:
                longest_tokens.extend(text.split())
            longest_texts.append(text)
        longest_tokens = sorted(set(longest_tokens), key=len, reverse=True)[:8]
        longest_texts = sorted(longest_texts, key=len, reverse=True)[:5]
        token_w = max([stringWidth(t, font, size) for t in longest_tokens] + [0]) + pad
        text_w = max([stringWidth(t, font, size) for t in longest_texts] + [0]) + pad
        head_w = stringWidth(str(headers[c]), bold, size) + pad
        min_w = max(min_w, min(token_w, available * 0.4))
        mins.append(min_w)
        wants.append(max(min_w, min(max(text_w, head_w), available * 0.5)))
    total_min = sum(mins)
    if total_min >= available:
        return [available * m / total_min for m in mins]
    spare = available - total_min
    extra = [w - m for w, m in zip(wants, mins)]
    total_extra = sum(extra)
    if total_extra <= spare:
        widths = list(wants)
        # everything fits on one line: a little air, no stretching to the page
        # width (a narrow report stays narrow)
        room = min(available - sum(widths), 0.15 * sum(widths))
        return [w + room * w / sum(widths) for w in widths]
    return [m + spare * e / total_extra for m, e in zip(mins, extra)]


def numbered_canvas(draw_footer):
    """A ReportLab canvas class that keeps its pages until the document is
    complete, then calls ``draw_footer(canvas, page_number, page_count)`` on
    each: "Sayfa x / y" in one layout pass."""
    from reportlab.pdfgen import canvas as rl_canvas

    class NumberedCanvas(rl_canvas.Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages = []

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            count = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                draw_footer(self, self._pageNumber, count)
                super().showPage()
            super().save()

    return NumberedCanvas


def _list_page_table(rows, heights, widths, kinds, *, total, size):
    """One page of a list PDF's table as a flowable that draws itself: the
    header row, the page's rows (text, or a Paragraph where a cell wraps) and,
    on the last page, the bold total row; grey grid, header and total shaded.

    It draws what a reportlab ``Table`` with the list's style drew (same
    paddings, baselines, right-aligned numbers, grid), without the Table's
    per-cell style objects and one text object per cell: the rows' text goes
    into one text object per page: a list of 10,000 rows is laid out in about
    half the time (1.86 -> 1.18 s alone, 3.06 -> 1.67 s beside a test run),
    pixel for pixel the same page (checked at 110 dpi)."""
    from reportlab.lib import colors
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.platypus import Flowable, Paragraph

    grid, head_bg, total_bg = colors.HexColor("#999999"), colors.HexColor("#e6e6e6"), colors.HexColor("#f2f2f2")
    pad_l = pad_r = 3
    pad_t = 1.5
    leading = size * 1.2            # a Table's FONT command without a leading
    regular, bold = FONT_NAME, FONT_NAME + "-Bold"
    right = [k in _LIST_NUMERIC for k in kinds]

    class ListPageTable(Flowable):
        def wrap(self, avail_w, avail_h):
            self.width, self.height = sum(widths), sum(heights)
            return self.width, self.height

        def draw(self):
            canv = self.canv
            width, height = self.width, self.height
            xs = [0.0]
            for w in widths:
                xs.append(xs[-1] + w)
            tops = [height]
            for h in heights:
                tops.append(tops[-1] - h)
            canv.saveState()
            canv.setFillColor(head_bg)
            canv.rect(0, tops[1], width, heights[0], stroke=0, fill=1)
            if total:
                canv.setFillColor(total_bg)
                canv.rect(0, 0, width, heights[-1], stroke=0, fill=1)
            canv.setFillColor(colors.black)
            text = canv.beginText()
            font = None
            paragraphs = []
            last = len(rows) - 1
            for r, cells in enumerate(rows):
                row_font = bold if (total and r == last) else regular
                if row_font != font:
                    text.setFont(row_font, size, leading)
                    font = row_font
                y = tops[r] - pad_t - size
                for c, cell in enumerate(cells):
                    if isinstance(cell, Paragraph):
                        paragraphs.append((cell, c, r))
                        continue
                    if not cell:
                        continue
                    align_right = right[c] and r > 0
                    for i, line in enumerate(cell.split("\n") if "\n" in cell else (cell,)):
                        x = (xs[c + 1] - pad_r - stringWidth(line, row_font, size)) if align_right \
                            else xs[c] + pad_l
                        text.setTextOrigin(x, y - i * leading)
                        text.textOut(line)
            canv.drawText(text)
            for para, c, r in paragraphs:
                _w, h = para.wrap(widths[c] - pad_l - pad_r, heights[r])
                para.drawOn(canv, xs[c] + pad_l, tops[r] - pad_t - h)
            canv.setStrokeColor(grid)
            canv.setLineWidth(0.4)
            canv.lines([(x, 0, x, height) for x in xs] + [(0, y, width, y) for y in tops])
            canv.restoreState()

    table = ListPageTable()
    table.hAlign = "CENTER"         # as a Table sits on the page
    return table


def list_cell_text(value, kind) -> str:
    """One cell of a list PDF as its printed Turkish text (dates dd.MM.yyyy,
    money 1.234,56 ₺, Evet/Hayır; control characters dropped). Text passes
    through unchanged, so cells converted once (a background job's) print the same."""
    import datetime as _dt

    from app.core import turkish

    if value is None:
        return ""
    if isinstance(value, str):
        if value.isprintable():          # no control character (the usual cell): as it is
            return value
        return "".join(ch for ch in value if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
    if isinstance(value, bool):
        return "Evet" if value else "Hayır"
    if isinstance(value, (_dt.date, _dt.datetime)):
        return turkish.format_date(value)
    if kind == "money":
        return turkish.format_money(value)
    if kind == "decimal":
        return turkish.format_money(value, symbol=False)
    if kind == "int" and isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    return str(value)


def render_list_pdf(title, headers, rows, kinds=None, *, filters="", letterhead=None,
                    totals=None, date_text=None) -> bytes:
    """A list as a PDF: ``rows`` are typed values or text; ``kinds`` per column
    (text, date, datetime, money, int, decimal, bool) align numbers right
    and keep them whole; ``totals`` (a value or None per column) adds a bold
    total row."""
    import datetime as _dt

    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from app.core import turkish

    register_fonts()
    headers = [str(h) for h in headers]
    ncols = len(headers)
    kinds = list(kinds or []) + ["text"] * (ncols - len(kinds or []))

    text = list_cell_text

    text_rows = [[text(v, k) for v, k in zip(row, kinds)] for row in rows]
    total_row = None
    if totals and any(t is not None for t in totals):
        total_row = [text(t, kinds[c]) if t is not None else "" for c, t in enumerate(totals)]
        if not total_row[0]:
            total_row[0] = "Toplam"

    page = landscape(A4)
    margin = 12 * mm
    available = page[0] - 2 * margin
    styles = _list_styles()
    size = styles["cell"].fontSize
    bold = FONT_NAME + "-Bold"
    widths = _list_col_widths(headers, text_rows + ([total_row] if total_row else []), kinds,
                              available, FONT_NAME, bold, size)

    cell_style = styles["cell"]
    data = [[Paragraph(_esc(h), styles["head"]) for h in headers]]
    for row in text_rows:
        out = []
        for c, value in enumerate(row):
            if kinds[c] != "text" or ("\n" not in value and
                                      stringWidth(value, FONT_NAME, size) <= widths[c] - 6):
                out.append(value)
            else:
                out.append(Paragraph(_esc(value), cell_style))
        data.append(out)
    if total_row:
        data.append(total_row)

    lh = _prepare_letterhead(letterhead)
    date_text = date_text or turkish.format_day(_dt.date.today())
    story = []
    if lh.get("municipality"):
        story.append(Paragraph(_esc(lh["municipality"]), styles["org"]))
    if lh.get("unit"):
        story.append(Paragraph(_esc(tr_upper(lh["unit"])), styles["org"]))
    story.append(Spacer(1, 4))
    story.append(Paragraph(_esc(tr_upper(title)), styles["title"]))
    meta = f"Filtreler: {filters}" if filters else "Filtre yok: tüm kayıtlar"
    story.append(Paragraph(_esc(f"{meta} · Tarih: {date_text} · {len(rows)} kayıt"), styles["meta"]))
    if rows:
        # Paginate here (one table per page, the header row on each): letting
        # reportlab split one long table re-measures every remaining row at
        # every page break, which is quadratic in the number of rows.
        frame_h = page[1] - margin - 14 * mm - 12
        head_h = sum(f.wrap(available, frame_h)[1] + f.getSpaceAfter() + f.getSpaceBefore()
                     for f in story)
        pad_v = 1.5 + 2
        leading = cell_style.leading

        def height(cells):
            h = leading
            for c, cell in enumerate(cells):
                if isinstance(cell, Paragraph):
                    h = max(h, cell.wrap(widths[c] - 6, frame_h)[1])
                elif "\n" in cell:
                    h = max(h, leading * (cell.count("\n") + 1))
            return h + pad_v

        heights = [height(r) for r in data]
        header_h = heights[0]
        start, used, capacity = 1, header_h, frame_h - head_h
        chunks = []
        for i in range(1, len(data)):
            if used + heights[i] > capacity and i > start:
                chunks.append((start, i))
                start, used, capacity = i, header_h, frame_h
            used += heights[i]
        chunks.append((start, len(data)))
        for a, b in chunks:
            last = b == len(data)
            story.append(_list_page_table(
                [data[0]] + data[a:b], [heights[0]] + heights[a:b], widths, kinds,
                total=bool(last and total_row), size=size))
    else:
        story.append(Paragraph("Kayıt bulunamadı.", styles["cell"]))

    footer_title = str(title)

    def draw_footer(canv, number, count):
        canv.setFont(FONT_NAME, 7.5)
        canv.setFillGray(0.35)
        canv.drawString(margin, 7 * mm, f"{footer_title} · {date_text}")
        canv.drawRightString(page[0] - margin, 7 * mm, f"Sayfa {number} / {count}")

    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=page, leftMargin=margin, rightMargin=margin,
                            topMargin=margin, bottomMargin=14 * mm, title=str(title),
                            author=str(lh.get("municipality") or ""), creator="Özel Kalem",
                            subject=f"{title}: {filters}" if filters else str(title),
                            lang="tr", displayDocTitle=True)
    doc.build(story, canvasmaker=numbered_canvas(draw_footer))
    return out.getvalue()


# --------------------------------------------------------------------------
# The standard record document, laid out directly with ReportLab
# --------------------------------------------------------------------------
# The standard record document (şoför görev kâğıdı, çelenk siparişi, a register
# defined on the screen) laid out directly with ReportLab's platypus: ``render_record``.
#
# It prints what ``templates/pdf/base.html`` prints through xhtml2pdf, block by
# block and with the same measures: letterhead (logo, T.C., the municipality in
# Turkish capitals, the unit) and its rule, the draft banner, "Sayı / Tarih",
# the title, the field table, the notes, the signature boxes, the approval box
# with the verification code and QR, and on every page the footer (contact
# line, number – title – TASLAK, "Sayfa x / y"). xhtml2pdf spends two thirds of
# a one-page document parsing HTML and matching CSS; this takes ~1/4 of its time
# (issue 19, item 4: a duty slip in ≤ 40 ms).
#
# ``render_pdf`` sends here the templates listed in ``RECORD_LAYOUTS``
# (templates that only extend ``base.html``); every other template (the letter,
# the order, the minutes, the receipt, the handover list) stays on xhtml2pdf.
# A template that gains blocks of its own must leave ``RECORD_LAYOUTS``.
# ``tests/test_pdf_record.py`` prints the same documents both ways and compares
# their text, so the two layouts cannot drift apart unnoticed.
#
# User text is escaped for ReportLab's paragraph markup (``&``, ``<``, ``>``)
# and control characters are dropped, so a value prints as the text it is and
# never as markup; no link or image comes from user data (the logo is the
# configured file, the QR code is drawn from the verification address).

_CM = 72 / 2.54

# the measures of templates/pdf/base.html (points unless noted)
_REC_MARGIN = {"top": 1.3 * _CM, "right": 1.5 * _CM, "bottom": 2.3 * _CM, "left": 2 * _CM}
_REC_FOOTER_BOTTOM, _REC_FOOTER_HEIGHT = 0.7 * _CM, 1.3 * _CM
_REC_LEADING = 1.25


def _rec_text(value: Any) -> str:
    """``value`` as paragraph markup: escaped, control characters dropped, line breaks kept."""
    if value is None:
        return ""
    return _esc(list_cell_text(str(value), "text"))


@functools.lru_cache(maxsize=16)
def _data_uri_bytes(uri: str) -> bytes:
    return base64.b64decode(uri.split(",", 1)[1])


def _rec_image(uri: str | None, width: float, height: float):
    from reportlab.platypus import Image

    if not uri:
        return None
    try:
        return Image(io.BytesIO(_data_uri_bytes(uri)), width=width, height=height)
    except Exception:  # noqa: BLE001 - an unreadable logo prints nothing, like xhtml2pdf
        return None


@functools.cache
def _rec_styles():
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle

    font, bold = FONT_NAME, FONT_NAME + "-Bold"
    ink = colors.HexColor("#111111")
    red = colors.HexColor("#c40000")

    def style(name, size=10.0, **kw):
        kw.setdefault("fontName", font)
        kw.setdefault("textColor", ink)
        return ParagraphStyle(name, fontSize=size, leading=size * _REC_LEADING, **kw)

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


def _rec_zero_padding():
    return [("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0)]


def _rec_letterhead(lh, width, st):
    from reportlab.platypus import Paragraph, Table, TableStyle

    center = [Paragraph("T.C.", st["lh_tc"])]
    if lh.get("municipality"):
        center.append(Paragraph(_rec_text(lh["municipality"]), st["lh_municipality"]))
    if lh.get("unit"):
        center.append(Paragraph(_rec_text(lh["unit"]), st["lh_unit"]))
    logo = _rec_image(lh.get("logo_uri"), 2.1 * _CM, 2.1 * _CM)
    table = Table([[logo or "", center, ""]], colWidths=[width * 0.2, width * 0.6, width * 0.2])
    table.setStyle(TableStyle(_rec_zero_padding() + [("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                                                 ("ALIGN", (0, 0), (0, 0), "LEFT")]))
    return table


def _rec_draft_banner(width, st):
    from reportlab.lib import colors
    from reportlab.platypus import Paragraph, Table, TableStyle

    table = Table([[[Paragraph("TASLAK — ONAYLANMAMIŞTIR", st["draft_main"]),
                     Paragraph("Bu belge onaylanmadan resmî belge yerine geçmez.", st["draft_sub"])]]],
                  colWidths=[width])
    table.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 2.5, colors.HexColor("#c40000")),
                               ("LEFTPADDING", (0, 0), (-1, -1), 4), ("RIGHTPADDING", (0, 0), (-1, -1), 4),
                               ("TOPPADDING", (0, 0), (-1, -1), 6), ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]))
    return table


def _rec_meta(d, width, st):
    from reportlab.platypus import Paragraph, Table, TableStyle

    number = _rec_text(d.get("number")) or "—"
    table = Table([[Paragraph(f"<b>Sayı:</b> {number}", st["body"]),
                    Paragraph(f"<b>Tarih:</b> {_rec_text(d.get('date'))}", st["right"])]],
                  colWidths=[width * 0.6, width * 0.4])
    table.setStyle(TableStyle(_rec_zero_padding() + [("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def _rec_fields(d, width, st, pad_top, pad_bottom):
    from reportlab.lib import colors
    from reportlab.platypus import Paragraph, Table, TableStyle

    rows = []
    for label, value in d["fields"]:
        shown = "—" if _is_blank(value) else _rec_text(value)
        rows.append([Paragraph(_rec_text(label), st["label"]), Paragraph(shown, st["body"])])
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


def _rec_signatures(sigs, width, st):
    """Up to 4 side by side, else rows of 3; a single signer sits at the right."""
    from reportlab.lib import colors
    from reportlab.platypus import HRFlowable, Paragraph, Spacer, Table, TableStyle

    n = len(sigs)
    per_row = 2 if n == 1 else (n if n <= 4 else 3)
    pad = 1.4 * _CM if per_row <= 2 else (0.3 * _CM if per_row == 4 else 0.6 * _CM)
    line = colors.HexColor("#333333")

    def box(sig):
        return [Paragraph(_rec_text(sig.get("title")), st["sig_title"]),
                Paragraph(_rec_text(sig.get("name")) or "&nbsp;", st["sig_name"]),
                Spacer(1, 1.3 * _CM),
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


def _rec_approval(d, width, st):
    from reportlab.lib import colors
    from reportlab.platypus import Paragraph, Table, TableStyle

    who = " ".join(_rec_text(x) for x in (d.get("approver_title"), d.get("approver_name")) if x)
    line = f"<b>Onaylayan:</b> {who}"
    if d.get("approved_at"):
        line += f" — {_rec_text(d['approved_at'])}"
    text = [Paragraph(line, st["body"])]
    if d.get("verification_code"):
        text.append(Paragraph(f"Doğrulama kodu: {_rec_text(d['verification_code'])}", st["verify"]))
    if d.get("fingerprint"):
        text.append(Paragraph(f"İçerik parmak izi: {_rec_text(d['fingerprint'])}", st["small"]))
    if d.get("verification_url"):
        text.append(Paragraph(f"Bu belgenin doğruluğunu {_rec_text(d['verification_url'])} adresinden "
                              "kontrol edebilirsiniz.", st["small"]))
    qr = _rec_image(d.get("qr_uri"), 2.3 * _CM, 2.3 * _CM)
    box = [("BOX", (0, 0), (-1, -1), 0.8, colors.HexColor("#555555")), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
    if qr is not None:
        table = Table([[qr, text]], colWidths=[2.8 * _CM, width - 2.8 * _CM])
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

    register_fonts()
    st = _rec_styles()
    lh = _prepare_letterhead(letterhead)
    d = _prepare_doc(doc)
    draft = not d["approved"] and (not draft_if_approvable or bool(d.get("approvable")))
    page = to_landscape(A4) if landscape else A4
    width = page[0] - _REC_MARGIN["left"] - _REC_MARGIN["right"]

    story = [_rec_letterhead(lh, width, st),
             HRFlowable(width="100%", thickness=1.2, color=colors.HexColor("#222222"),
                        spaceBefore=4, spaceAfter=0)]
    if draft:
        story += [Spacer(1, 8), _rec_draft_banner(width, st)]
    story += [Spacer(1, 8), _rec_meta(d, width, st)]
    if d.get("title"):
        story.append(Paragraph(_rec_text(d["title"]), st["title"]))
    if d["fields"]:
        story.append(_rec_fields(d, width, st, *field_padding))
    if not _is_blank(d.get("notes")):
        story += [Spacer(1, 8), Paragraph("Açıklama / Notlar:", st["label"]),
                  Paragraph(_rec_text(d["notes"]), st["body"])]
    if d["signatures"]:
        story += [Spacer(1, 18), _rec_signatures(d["signatures"], width, st)]
    if d["approved"]:
        story += [Spacer(1, 16), _rec_approval(d, width, st)]

    # the footer: known only once the page count is
    contact = " · ".join(_rec_text(part) for part in lh["contact"])
    if lh.get("detsis"):
        contact += (" · " if contact else "") + f"DETSİS: {_rec_text(lh['detsis'])}"
    left = _rec_text(d.get("number"))
    if d.get("number") and d.get("title"):
        left += " – "
    left += _rec_text(d.get("title"))
    if draft:
        left += ' <font color="#c40000"><b>– TASLAK</b></font>'
    footer_x = _REC_MARGIN["left"]
    footer_w = page[0] - _REC_MARGIN["left"] - _REC_MARGIN["right"]
    footer_top = _REC_FOOTER_BOTTOM + _REC_FOOTER_HEIGHT

    def draw_footer(canv, number, count):
        canv.setStrokeColor(colors.HexColor("#777777"))
        canv.setLineWidth(0.6)
        canv.line(footer_x, footer_top, footer_x + footer_w, footer_top)
        y = footer_top - 3
        if contact:
            para = Paragraph(contact, st["footer_center"])
            _, h = para.wrap(footer_w, _REC_FOOTER_HEIGHT)
            y -= h
            para.drawOn(canv, footer_x, y)
        else:
            y -= st["footer"].leading
        para = Paragraph(left, st["footer"])
        _, h = para.wrap(footer_w * 0.7, _REC_FOOTER_HEIGHT)
        para.drawOn(canv, footer_x, y - h)
        right = Paragraph(f"Sayfa {number} / {count}", st["footer_right"])
        _, rh = right.wrap(footer_w * 0.3, _REC_FOOTER_HEIGHT)
        right.drawOn(canv, footer_x + footer_w * 0.7, y - rh)

    number, title = d.get("number"), d.get("title")
    meta_title = f"{number} – {title or 'Belge'}" if number else str(title or "Belge")
    subject = str(title or "Belge")
    if d["approved_given"] and not d["approved"]:
        subject += " (taslak, onaylanmamıştır)"
    out = io.BytesIO()
    template = BaseDocTemplate(
        out, pagesize=page, leftMargin=_REC_MARGIN["left"], rightMargin=_REC_MARGIN["right"],
        topMargin=_REC_MARGIN["top"], bottomMargin=_REC_MARGIN["bottom"], title=meta_title,
        author=" – ".join(str(x) for x in (lh.get("municipality"), lh.get("unit")) if x),
        subject=subject, keywords=", ".join(str(x) for x in (number, "Özel Kalem") if x),
        creator="Özel Kalem", lang="tr")
    body = Frame(_REC_MARGIN["left"], _REC_MARGIN["bottom"], width, page[1] - _REC_MARGIN["top"] - _REC_MARGIN["bottom"],
                 leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="body")
    template.addPageTemplates([PageTemplate(id="page", frames=[body])])
    template.build(story, canvasmaker=numbered_canvas(draw_footer))
    return out.getvalue()


# --------------------------------------------------------------------------
# The official letter's serif (Resmî Yazışma Yönetmeliği: Times New Roman 12 pt)
# --------------------------------------------------------------------------

SERIF_NAME = "LiberationSerif"
SERIF_DIR = _APP_DIR / "fonts"          # Liberation Serif 2.1.5, SIL OFL 1.1 (LICENSE-LiberationSerif.txt)
_SERIF_FACES = (
    (SERIF_NAME, "LiberationSerif-Regular", 0, 0),
    (SERIF_NAME + "-Bold", "LiberationSerif-Bold", 1, 0),
    (SERIF_NAME + "-Italic", "LiberationSerif-Italic", 0, 1),
    (SERIF_NAME + "-BoldItalic", "LiberationSerif-BoldItalic", 1, 1),
)


@functools.cache
def register_serif_fonts() -> str:
    """Register Liberation Serif (metric-compatible with Times New Roman, so a
    letter breaks its lines where a Word-written one would); once per process.
    The family name for CSS is returned."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from xhtml2pdf import default as x2p_default

    for name, stem, bold, italic in _SERIF_FACES:
        pdfmetrics.registerFont(TTFont(name, str(SERIF_DIR / f"{stem}.ttf")))
        addMapping(SERIF_NAME, bold, italic, name)
    for alias in ("liberationserif", "serif", "times", "times new roman", "timesnewroman"):
        x2p_default.DEFAULT_FONT[alias] = SERIF_NAME
    return SERIF_NAME
