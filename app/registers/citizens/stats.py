"""Statistics of citizens' requests received in a period: counts by channel,
category, unit, neighbourhood and month; median and 90th percentile of the
days to close; overdue requests by unit. On screen, XLSX and PDF."""
from __future__ import annotations

import datetime as dt
import math
import statistics
from collections import Counter

from flask import abort, g, request

from app.core import audit, turkish
from app.extensions import db
from app.registers.citizens.models import CHANNELS, DUE_DONE, KAPANDI, CitizenRequest

MONTHS = ["Ocak", "Şubat", "Mart", "Nisan", "Mayıs", "Haziran", "Temmuz", "Ağustos", "Eylül", "Ekim",
          "Kasım", "Aralık"]


def percentile(values, p):
    """Nearest-rank percentile (the value at rank ⌈p·n⌉ of the sorted list)."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def _whole(value):
    return int(value) if value == int(value) else round(value, 1)


def period():
    """(start, end, text) from ``?start=&end=`` (ISO dates) or ``?year=``."""
    def day(name):
        try:
            return dt.date.fromisoformat(request.args.get(name, ""))
        except ValueError:
            return None

    start, end = day("start"), day("end")
    if start and end and start <= end:
        return start, end, f"{turkish.format_day(start)} – {turkish.format_day(end)}"
    year = request.args.get("year", type=int)
    if year is None or not 1990 <= year <= 2100:
        year = dt.date.today().year
    return dt.date(year, 1, 1), dt.date(year, 12, 31), f"{year} yılı"


def compute(start, end, today=None) -> dict:
    today = today or dt.date.today()
    rows = (db.session.query(CitizenRequest)
            .filter(CitizenRequest.archived.is_(False), CitizenRequest.received_on >= start,
                    CitizenRequest.received_on <= end).all())

    def counted(key):
        return sorted(Counter(key(r) for r in rows).items(), key=lambda kv: (-kv[1], turkish.sort_key(kv[0])))

    months = Counter((r.received_on.year, r.received_on.month) for r in rows)
    close_days = [(r.closed_at.date() - r.received_on).days for r in rows
                  if r.stage == KAPANDI and r.closed_at is not None]
    overdue = Counter(str(r.unit or "—") for r in rows
                      if r.due_date and r.due_date < today and r.stage not in DUE_DONE)
    return {
        "total": len(rows),
        "channel": counted(lambda r: CHANNELS.get(r.channel, r.channel)),
        "category": counted(lambda r: str(r.category or "—")),
        "unit": counted(lambda r: str(r.unit or "—")),
        "neighbourhood": counted(lambda r: r.neighbourhood or "—"),
        "month": [(f"{MONTHS[m - 1]} {y}", months[(y, m)]) for (y, m) in sorted(months)],
        "closed": len(close_days),
        "median_days": _whole(statistics.median(close_days)) if close_days else None,
        "p90_days": percentile(close_days, 90),
        "overdue": sorted(overdue.items(), key=lambda kv: (-kv[1], turkish.sort_key(kv[0]))),
    }


SECTIONS = [("channel", "Başvuru yolu"), ("category", "Kategori"), ("unit", "Birim"),
            ("neighbourhood", "Mahalle"), ("month", "Ay"), ("overdue", "Geciken (birime göre)")]


def table_rows(data):
    rows = []
    for key, title in SECTIONS:
        for name, count in data[key]:
            rows.append([title, name, count])
    rows.append(["Kapanma süresi", "Kapanan başvuru", data["closed"]])
    if data["median_days"] is not None:
        rows.append(["Kapanma süresi", "Medyan (gün)", data["median_days"]])
        rows.append(["Kapanma süresi", "90. yüzdelik (gün)", data["p90_days"]])
    return rows


def stats_page(view):
    start, end, text = period()
    data = compute(start, end)
    title = f"Talep ve şikâyet istatistikleri ({text})"
    kind = request.args.get("export")
    if kind in ("xlsx", "pdf"):
        if not view._can("export"):
            abort(403)
        return _export(kind, title, data, text)
    years = list(range(dt.date.today().year, dt.date.today().year - 6, -1))
    return view.render_template("citizens/stats.html", title=title, data=data, sections=SECTIONS,
                                start=start, end=end, years=years, year=start.year)


def _export(kind, title, data, text):
    from app.core.documents import letterhead
    from app.core.export import ExportBusy, busy_response, export_filename, heavy_export, xlsx_response
    from app.core.pdf import pdf_response, render_list_pdf

    headers = ["Bölüm", "Değer", "Sayı"]
    kinds = ["text", "text", "decimal"]
    rows = table_rows(data)
    name = export_filename(title)
    try:
        with heavy_export(g.user.id):
            audit.record("citizen_request", None, "export", f"Rapor {kind.upper()}: {title}",
                         {"args": request.args.to_dict()})
            if kind == "pdf":
                pdf = render_list_pdf(title, headers, rows, kinds, filters=f"Dönem: {text}",
                                      letterhead=letterhead())
                return pdf_response(pdf, filename=f"{name}.pdf")
            return xlsx_response(headers, rows, name, title, filters=f"Dönem: {text}", kinds=kinds)
    except ExportBusy:
        return busy_response()
