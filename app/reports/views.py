"""Faaliyet raporu: the period's numbers on screen (with charts) and as a
PDF in the office's letterhead with the same charts."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from flask import g, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext as _

from app.reports import activity
from app.reports.charts import bars_drawing, bars_svg


def _report(sm, period):
    entries = activity.listed_entries(sm)
    counts = activity.register_counts(period, entries)
    decisions, overall = activity.approval_stats(period, entries)
    occasions = activity.by_choice(period, entries)
    month_totals = [(activity.MONTHS[m - 1], sum(pm[m] for _, pm, _ in counts)) for _, m in period.months]
    return {"counts": counts, "decisions": decisions, "overall": overall, "occasions": occasions,
            "month_totals": month_totals,
            "total": sum(total for _, _, total in counts)}


class ActivityReportView(BaseView):
    route_base = "/faaliyet-raporu"
    default_view = "index"
    base_permissions = ["can_index", "can_pdf"]
    template_folder = str(Path(__file__).resolve().parent / "templates")

    @expose("/")
    @has_access
    def index(self):
        period = activity.period_from_args(request.args)
        data = _report(self.appbuilder.sm, period)
        charts = {"months": bars_svg(data["month_totals"], _("Records per month")),
                  "registers": bars_svg([(e.label, t) for e, _, t in data["counts"] if t],
                                        _("Records per register"))}
        for label, pairs in data["occasions"].items():
            if pairs:
                charts[label] = bars_svg(pairs, label)
        return self.render_template(
            "reports/activity.html", title=_("Activity report"), period=period, data=data, charts=charts,
            months=activity.MONTHS, hours_text=activity.hours_text,
            list_url=lambda entry: url_for(f"{entry.name}.list", **period.args()),
            years=list(range(dt.date.today().year, dt.date.today().year - 6, -1)))

    @expose("/pdf")
    @has_access
    def pdf(self):
        from app.core import audit
        from app.core.pdf import pdf_response

        period = activity.period_from_args(request.args)
        data = _report(self.appbuilder.sm, period)
        audit.record("report", None, "print", f"Faaliyet raporu: {period.label}")
        return pdf_response(render_report_pdf(period, data),
                            filename=f"faaliyet-raporu-{period.start:%Y-%m}-{period.end:%Y-%m}.pdf")


def render_report_pdf(period, data) -> bytes:
    """The report with the letterhead, its tables and the same charts
    (reportlab: black on white, Roboto for Turkish letters)."""
    import io

    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from app.core.documents import letterhead
    from app.core.pdf import FONT_NAME, _esc, _list_styles, register_fonts

    register_fonts()
    styles = _list_styles()
    head = letterhead()
    title = f"Faaliyet Raporu – {period.label}"
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=15 * mm, rightMargin=15 * mm, topMargin=14 * mm,
                            bottomMargin=14 * mm, title=title, author=head.get("unit") or "Özel Kalem Müdürlüğü",
                            subject=f"{period.start:%d.%m.%Y} – {period.end:%d.%m.%Y}", lang="tr-TR")
    story = []
    for line in ("T.C.", head.get("municipality") or "", head.get("unit") or ""):
        if line:
            story.append(Paragraph(_esc(line), styles["org"]))
    story += [Spacer(1, 6), Paragraph(_esc(title), styles["title"]),
              Paragraph(_esc(f"Dönem: {period.start:%d.%m.%Y} – {period.end:%d.%m.%Y} · "
                             f"Hazırlanma: {dt.datetime.now():%d.%m.%Y %H:%M}"), styles["meta"])]

    def table(header, rows, widths=None):
        cells = [[Paragraph(_esc(h), styles["head"]) for h in header]]
        cells += [[Paragraph(_esc(c), styles["cell"]) for c in row] for row in rows]
        t = Table(cells, colWidths=widths, repeatRows=1, hAlign="LEFT")
        t.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, "#777777"),
                               ("BACKGROUND", (0, 0), (-1, 0), "#e6e6e6"),
                               ("FONTNAME", (0, 0), (-1, -1), FONT_NAME),
                               ("VALIGN", (0, 0), (-1, -1), "TOP")]))
        return t

    months = [activity.MONTHS[m - 1][:3] for _, m in period.months]
    rows = [[str(e.label)] + [str(pm[m]) for _, m in period.months] + [str(total)]
            for e, pm, total in data["counts"]]
    rows.append(["Toplam"] + [str(v) for _, v in data["month_totals"]] + [str(data["total"])])
    story += [Paragraph("Kayıt sayıları (dönemde oluşturulan, arşivlenmemiş)", styles["head"]), Spacer(1, 3),
              table(["Defter"] + months + ["Toplam"], rows,
                    [48 * mm] + [(doc.width - 64 * mm) / len(months)] * len(months) + [16 * mm]),
              Spacer(1, 8),
              bars_drawing(data["month_totals"], "Aylara göre kayıt sayısı"), Spacer(1, 8)]
    if data["decisions"]:
        drows = [[str(d["entry"].label), str(d["approved"]), str(d["rejected"]),
                  activity.hours_text(d["median_hours"])] for d in data["decisions"]]
        story += [Paragraph("Onaylar (dönemde verilen kararlar)", styles["head"]), Spacer(1, 3),
                  table(["Defter", "Onaylanan", "Reddedilen", "Ortanca karar süresi"], drows,
                        [60 * mm, 30 * mm, 30 * mm, 40 * mm]),
                  Paragraph(_esc(f"Genel ortanca karar süresi: {activity.hours_text(data['overall'])}"),
                            styles["cell"]), Spacer(1, 8)]
    for label, pairs in data["occasions"].items():
        if pairs:
            story += [bars_drawing(pairs, label), Spacer(1, 6)]
    doc.build(story)
    return buf.getvalue()
