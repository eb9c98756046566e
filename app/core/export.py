"""Export of any register list (with its current filters) to CSV and XLSX.

CSV is UTF-8 with a BOM and ``;`` separators so Excel in a Turkish locale
opens it correctly. Cells starting with ``= + - @`` (or tab/CR) are
neutralised with a leading apostrophe (formula injection).
"""
from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

from flask import Response

from app.core import turkish

_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    if value and value.startswith(_DANGEROUS):
        return "'" + value
    return value


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Evet" if value else "Hayır"
    if isinstance(value, (dt.date, dt.datetime)):
        return turkish.format_date(value)
    if isinstance(value, Decimal):
        return turkish.format_money(value, symbol=False)
    if callable(value):
        value = value()
    return str(value)


def table_for(view, columns, items):
    headers = [str(view.label_columns.get(c, c)) for c in columns]
    formatters = view.formatters_columns or {}
    rows = []
    for item in items:
        row = []
        for col in columns:
            value = item
            for part in col.split("."):
                value = getattr(value, part, None) if value is not None else None
            if col in formatters:
                value = formatters[col](value)
            row.append(neutralise(cell_text(value)))
        rows.append(row)
    return headers, rows


def _download(body, mimetype, filename):
    return Response(body, mimetype=mimetype,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def csv_response(headers, rows, name):
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return _download("\ufeff" + buf.getvalue(), "text/csv; charset=utf-8", f"{name}.csv")


def xlsx_response(headers, rows, name, title):
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = (title or "Liste")[:31].replace("/", "-")
    ws.append(headers)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(row)  # all strings: no formulas are ever written
    for idx, header in enumerate(headers, start=1):
        width = max([len(header)] + [len(r[idx - 1]) for r in rows[:200]]) + 2
        ws.column_dimensions[ws.cell(row=1, column=idx).column_letter].width = min(width, 60)
    buf = io.BytesIO()
    wb.save(buf)
    return _download(buf.getvalue(),
                     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                     f"{name}.xlsx")
