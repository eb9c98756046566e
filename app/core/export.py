"""Export of any register list (with its current filters) to CSV, XLSX and PDF.

* :func:`table_for` builds an :class:`ExportTable`: headers, a kind per column
  (text, date, datetime, money, int, decimal, bool) and typed values (dates
  are dates, money is ``Decimal``), formatted and masked as the list shows
  them (choice labels, masked names and phones).
* CSV is UTF-8 with a BOM and ``;`` separators so Excel in a Turkish locale
  opens it correctly; every value is text as the screen shows it.
* XLSX cells are typed: dates with ``dd.mm.yyyy``, money ``#,##0.00 "₺"`` and
  numbers ``#,##0`` (format codes are locale-neutral: a Turkish Excel or
  LibreOffice shows ``1.234,56 ₺``), Evet/Hayır; a title row names the
  register, the filters and the date; the header row is bold, frozen and has
  an autofilter; column widths fit the content.
* Text that a spreadsheet would read as a formula (``= + - @`` first, also
  after leading blanks, tabs or line breaks) gets a leading apostrophe;
  control characters (NUL…) are dropped so stored data never breaks an export.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal

from flask import Response

from app.core import turkish

_DANGEROUS = ("=", "+", "-", "@")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LEADING = " \t\r\n\u00a0\ufeff"

DATE_FORMAT = "dd.mm.yyyy"
DATETIME_FORMAT = "dd.mm.yyyy hh:mm"
MONEY_FORMAT = '#,##0.00 "₺"'
INT_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.00"
NUMERIC_KINDS = ("money", "int", "decimal")


def clean(value: str) -> str:
    """Drop control characters (keep tab and line breaks)."""
    return _CONTROL.sub("", value) if value else value


def neutralise(value: str) -> str:
    if not value:
        return value
    value = clean(value)
    stripped = value.lstrip(_LEADING)
    if value[:1] in ("\t", "\r", "\n") or (stripped and stripped.startswith(_DANGEROUS)):
        return "'" + value
    return value


def cell_text(value, kind=None) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Evet" if value else "Hayır"
    if isinstance(value, dt.datetime):
        return turkish.format_date(value)
    if isinstance(value, dt.date):
        return turkish.format_date(value)
    if isinstance(value, Decimal) or kind == "money":
        return turkish.format_money(value, symbol=False)
    if isinstance(value, int) and kind == "int":
        return f"{value:,}".replace(",", ".")
    if callable(value):
        value = value()
    return clean(str(value))


@dataclass
class ExportTable:
    headers: list
    kinds: list
    rows: list            # typed values
    title: str = ""
    filters: str = ""
    totals: list = field(default_factory=list)

    def text_rows(self):
        return [[neutralise(cell_text(v, k)) for v, k in zip(row, self.kinds)] for row in self.rows]

    def money_totals(self):
        """[Decimal or None] per column: the sum of each money column."""
        totals = []
        for idx, kind in enumerate(self.kinds):
            if kind != "money":
                totals.append(None)
                continue
            totals.append(sum((Decimal(str(r[idx])) for r in self.rows if r[idx] not in (None, "")),
                              Decimal("0")))
        return totals


def column_kind(view, col) -> str:
    """How the column's values are typed in a spreadsheet."""
    model = view.datamodel.obj
    if col.startswith("cf_"):   # a field added from the screen: typed by its kind
        from app.core.customfields import export_kind

        return export_kind(model, col)
    if "." in col or col not in model.__table__.columns:
        return "auto"
    masked = getattr(model, "masked_fields", {}) or {}
    choices = getattr(model, "choices", {}) or {}
    if col in masked or col in choices or col == "state":
        return "text"
    column = model.__table__.columns[col]
    dm = view.datamodel
    if dm.is_datetime(col):
        return "datetime"
    if dm.is_date(col):
        return "date"
    if dm.is_boolean(col):
        return "bool"
    if dm.is_integer(col):
        return "int"
    if dm.is_numeric(col):
        return "money" if (column.info or {}).get("money") else "decimal"
    return "text"


def _typed(value, kind):
    if value is None:
        return None
    if kind == "bool":
        return "Evet" if value else "Hayır"
    if kind in ("date", "datetime", "int"):
        return value
    if kind in ("money", "decimal"):
        return Decimal(str(value))
    return value


def table_for(view, columns, items, title="", filters="") -> ExportTable:
    headers = [str(view.label_columns.get(c, c)) for c in columns]
    formatters = view.formatters_columns or {}
    kinds = [column_kind(view, c) for c in columns]
    # a formatter that depends on the value alone runs once per distinct value
    cached = {c: {} for c in columns if getattr(formatters.get(c), "cacheable", False)}
    rows = []
    for item in items:
        row = []
        for idx, col in enumerate(columns):
            value = item
            for part in col.split("."):
                value = getattr(value, part, None) if value is not None else None
            kind = kinds[idx]
            if kind == "auto":
                # a property (e.g. kilometres): numbers stay numbers
                if isinstance(value, int) and not isinstance(value, bool):
                    row.append(value)
                    continue
                if isinstance(value, Decimal):
                    row.append(value)
                    continue
            elif kind != "text":
                row.append(_typed(value, kind))
                continue
            memo = cached.get(col)
            if memo is not None:
                try:
                    text = memo[value]
                except KeyError:
                    text = memo[value] = cell_text(formatters[col](value))
                except TypeError:          # an unhashable value
                    text = cell_text(formatters[col](value))
                row.append(text)
                continue
            if col in formatters:
                value = formatters[col](value)
            row.append(cell_text(value))
        rows.append(row)
    for idx, kind in enumerate(kinds):   # "auto" columns: numeric if every value was
        if kind == "auto":
            values = [r[idx] for r in rows if r[idx] not in (None, "")]
            kinds[idx] = "int" if values and all(isinstance(v, int) for v in values) else (
                "decimal" if values and all(isinstance(v, (int, Decimal)) for v in values) else "text")
            if kinds[idx] == "text":
                for r in rows:
                    r[idx] = cell_text(r[idx])
    return ExportTable(headers, kinds, rows, title, filters)


# ---------------------------------------------------------------------------
# file names
# ---------------------------------------------------------------------------

_ASCII = str.maketrans({"ç": "c", "ğ": "g", "ı": "i", "ö": "o", "ş": "s", "ü": "u", "â": "a",
                        "î": "i", "û": "u", "é": "e"})
_STOPWORDS = {"ve", "ile", "veya"}


def slug(text) -> str:
    """'Çelenk, Çiçek ve Mesajlar' → 'celenk-cicek-mesajlar'."""
    words = re.split(r"[^a-z0-9]+", turkish.fold(str(text or "")).translate(_ASCII))
    words = [w for w in words if w and w not in _STOPWORDS]
    return "-".join(words)[:80] or "liste"


def export_filename(title, day=None) -> str:
    day = day or dt.date.today()
    return f"{slug(title)}-{day:%Y-%m-%d}"


def _download(body, mimetype, filename):
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": "private, no-store, max-age=0",
        "X-Content-Type-Options": "nosniff",
    })


# ---------------------------------------------------------------------------
# CSV / XLSX
# ---------------------------------------------------------------------------

def csv_response(headers, rows, name):
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([neutralise(str(h)) for h in headers])
    writer.writerows([[neutralise(clean(str(c))) if c is not None else "" for c in row] for row in rows])
    return _download("\ufeff" + buf.getvalue(), "text/csv; charset=utf-8", f"{name}.csv")


def _sheet_name(title, day):
    base = re.sub(r"[\[\]:*?/\\]", "-", str(title or "Liste"))
    suffix = f" {turkish.format_day(day)}"
    return (base[:31 - len(suffix)].rstrip() + suffix)[:31]


def _kinds_for(rows, kinds, n):
    if kinds:
        return list(kinds) + ["text"] * (n - len(kinds))
    return ["text"] * n


def xlsx_bytes(headers, rows, title, filters="", kinds=None, totals=None) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    day = dt.date.today()
    ncols = max(1, len(headers))
    kinds = _kinds_for(rows, kinds, ncols)
    wb = Workbook()
    ws = wb.active
    ws.title = _sheet_name(title, day)
    heading = " — ".join(p for p in (str(title or "Liste"), filters or "Filtre yok",
                                      turkish.format_day(day)) if p)
    ws.cell(row=1, column=1, value=neutralise(heading)).font = Font(bold=True, size=12)
    for idx, header in enumerate(headers, start=1):
        cell = ws.cell(row=2, column=idx, value=neutralise(str(header)))
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="DDDDDD")
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    widths = [len(str(h)) for h in headers]
    formats = {"date": DATE_FORMAT, "datetime": DATETIME_FORMAT, "money": MONEY_FORMAT,
               "int": INT_FORMAT, "decimal": DECIMAL_FORMAT}
    for r, row in enumerate(rows, start=3):
        for c, value in enumerate(row, start=1):
            kind = kinds[c - 1]
            if value is None or value == "":
                continue
            if isinstance(value, str):
                value = neutralise(value)
                cell = ws.cell(row=r, column=c, value=value)
                cell.data_type = "s"
                shown = max((len(line) for line in value.splitlines()), default=0)
            else:
                if isinstance(value, dt.datetime) and value.tzinfo is not None:
                    value = value.replace(tzinfo=None)
                cell = ws.cell(row=r, column=c, value=value)
                if kind in formats:
                    cell.number_format = formats[kind]
                elif isinstance(value, dt.datetime):
                    cell.number_format = DATETIME_FORMAT
                elif isinstance(value, dt.date):
                    cell.number_format = DATE_FORMAT
                shown = len(cell_text(value, kind)) + (2 if kind == "money" else 0)
            if r < 1003 and shown > widths[c - 1]:
                widths[c - 1] = shown
    last = 2 + len(rows)
    if totals and any(t is not None for t in totals):
        row_no = last + 1
        ws.cell(row=row_no, column=1, value="Toplam").font = Font(bold=True)
        for c, total in enumerate(totals, start=1):
            if total is None:
                continue
            cell = ws.cell(row=row_no, column=c, value=neutralise(total) if isinstance(total, str) else total)
            if not isinstance(total, str):
                cell.number_format = formats.get(kinds[c - 1], MONEY_FORMAT)
            cell.font = Font(bold=True)
    for idx, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(idx)].width = min(max(width + 2, 6), 60)
    ws.freeze_panes = "A3"
    ws.auto_filter.ref = f"A2:{get_column_letter(ncols)}{max(last, 2)}"
    ws.print_title_rows = "2:2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def xlsx_response(headers, rows, name, title, filters="", kinds=None, totals=None):
    body = xlsx_bytes(headers, rows, title, filters, kinds, totals)
    return _download(body, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                     f"{name}.xlsx")


def table_response(table: ExportTable, kind: str, name: str):
    """CSV or XLSX of an :class:`ExportTable`."""
    if kind == "csv":
        return csv_response(table.headers, table.text_rows(), name)
    return xlsx_response(table.headers, table.rows, name, table.title, table.filters, table.kinds)


# ---------------------------------------------------------------------------
# one heavy export (PDF/XLSX) per user at a time
# ---------------------------------------------------------------------------

class ExportBusy(Exception):
    """The user already runs a heavy export."""


BUSY_MESSAGE = ("Önceki dışa aktarma işleminiz henüz bitmedi. Aynı anda yalnızca bir PDF veya "
                "Excel dışa aktarma yapılabilir; lütfen o işlem bitince tekrar deneyin.")
_ADVISORY_CLASS = 42017   # pg_try_advisory_lock(class, user id)


def _file_lock(user_key):
    import fcntl
    import os

    from flask import current_app

    directory = os.path.join(current_app.config.get("DATA_DIR") or "instance", "locks")
    os.makedirs(directory, exist_ok=True)
    handle = open(os.path.join(directory, f"export-{user_key}.lock"), "w")  # noqa: SIM115
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        handle.close()
        raise ExportBusy() from None

    def release():
        try:
            fcntl.flock(handle, fcntl.LOCK_UN)
        finally:
            handle.close()

    return release


def _pg_lock(engine, user_key):
    from sqlalchemy import text

    conn = engine.connect()
    try:
        got = conn.execute(text("SELECT pg_try_advisory_lock(:c, :k)"),
                           {"c": _ADVISORY_CLASS, "k": int(user_key)}).scalar()
    except Exception:
        conn.close()
        raise
    if not got:
        conn.close()
        raise ExportBusy()

    def release():
        try:
            conn.execute(text("SELECT pg_advisory_unlock(:c, :k)"),
                         {"c": _ADVISORY_CLASS, "k": int(user_key)})
        finally:
            conn.close()

    return release


class heavy_export:
    """``with heavy_export(user_id): ...`` — raises :class:`ExportBusy` when the
    user already runs one. On PostgreSQL a session advisory lock (every worker
    and every app instance sees it); on SQLite a file lock in ``DATA_DIR``
    (every worker of the host)."""

    def __init__(self, user_id):
        self.user_key = int(user_id or 0)
        self.release = None

    def __enter__(self):
        from app.extensions import db

        engine = db.engine
        if engine.dialect.name == "postgresql":
            self.release = _pg_lock(engine, self.user_key)
        else:
            self.release = _file_lock(self.user_key)
        return self

    def __exit__(self, *exc):
        if self.release:
            self.release()
        return False


def busy_response():
    from flask import render_template

    from app.extensions import appbuilder

    html = render_template("error.html", code=429, title="Dışa aktarma sürüyor", text=BUSY_MESSAGE,
                           appbuilder=appbuilder, base_template=appbuilder.base_template)
    return Response(html, status=429, headers={"Retry-After": "30"})
