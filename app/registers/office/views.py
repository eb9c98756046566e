"""Screens of the office administration registers. Columns, labels, help
texts and filters come from the fields' declarations (``models.py``, where
the business rules are too); a view says only what differs."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

from flask import flash, redirect, request, url_for
from flask_appbuilder.baseviews import expose
from flask_appbuilder.models.filters import BaseFilter
from flask_appbuilder.models.sqla.filters import FilterEqual
from flask_appbuilder.security.decorators import has_access, permission_name
from flask_babel import lazy_gettext as _l

from app.core import approval, turkish
from app.core.documents import doc_context, user_name
from app.core.register import RegisterInterface, RegisterListFilter, RegisterView, register
from app.extensions import db
from app.registers.office.models import (
    HANDOVER_REASONS, INACTIVE_STATES, LINE_KINDS, LINE_STATUSES, CustodyHistory,
    CustodyItem, DutySlip, Handover, HandoverLine, Leave, Subscription, Vehicle,
)

TEMPLATES = str(Path(__file__).resolve().parent / "templates")
ACTIVE_STAFF = [["active", FilterEqual, True], ["archived", FilterEqual, False]]
NOT_ARCHIVED = [["archived", FilterEqual, False]]


def _km(value):
    if value is None:
        return ""
    return f"{value:,}".replace(",", ".")


def _year_arg(default=None):
    year = request.args.get("year", type=int)
    if year is None or not 1990 <= year <= 2100:
        year = default or dt.date.today().year
    return year


class OfficeView(RegisterView):
    """Base of the office registers (unticked check boxes are handled by the core)."""

    def _report_export(self, title, headers, rows, kinds, totals=None, filters=""):
        """``?export=xlsx|pdf`` of a report page: the same table as the screen,
        typed XLSX or a list PDF (one heavy export per user at a time)."""
        from flask import g

        from app.core import audit
        from app.core.documents import letterhead
        from app.core.export import ExportBusy, busy_response, export_filename, heavy_export, xlsx_response
        from app.core.pdf import pdf_response, render_list_pdf

        kind = request.args.get("export")
        if not self._can("export"):
            from flask import abort

            abort(403)
        name = export_filename(title)
        try:
            with heavy_export(g.user.id):
                audit.record(self.datamodel.obj.__tablename__, None, "export",
                             f"Rapor {kind.upper()}: {title}", {"args": request.args.to_dict()})
                if kind == "pdf":
                    pdf = render_list_pdf(title, headers, rows, kinds, filters=filters,
                                          letterhead=letterhead(), totals=totals)
                    return pdf_response(pdf, filename=f"{name}.pdf")
                return xlsx_response(headers, rows, name, title, filters=filters, kinds=kinds,
                                     totals=totals)
        except ExportBusy:
            return busy_response()


# ---------------------------------------------------------------------------
# Abonelikler
# ---------------------------------------------------------------------------


class EndingSoonFilter(BaseFilter):
    """``?ending=30`` on the subscription list: active subscriptions whose
    end date falls within the next N days (renewal reminder)."""

    name = "ending"

    def apply(self, query, value):
        if not request:
            return query
        days = request.args.get("ending", type=int)
        if not days or days < 0:
            return query
        today = dt.date.today()
        model = self.model
        return query.filter(model.end_date >= today,
                            model.end_date <= today + dt.timedelta(days=min(days, 366)),
                            model.state.notin_(INACTIVE_STATES))


@register("office", _l("Subscriptions"), icon="fa-newspaper-o")
class SubscriptionView(OfficeView):
    datamodel = RegisterInterface(Subscription)
    template_folder = TEMPLATES
    list_template = "office/subscription_list.html"
    show_template = "office/subscription_show.html"
    list_title = _l("Newspaper, magazine and book subscriptions")
    show_title = add_title = edit_title = _l("Subscription")
    base_filters = [["id", RegisterListFilter, None], ["id", EndingSoonFilter, None]]
    base_order = ("end_date", "asc")

    @expose("/costs")
    @has_access
    @permission_name("list")
    def costs(self):
        """Yearly cost per publication and the total (by start year)."""
        rows = (db.session.query(Subscription)
                .filter(Subscription.archived.is_(False), Subscription.state.notin_(INACTIVE_STATES))
                .all())
        years = sorted({r.start_date.year for r in rows} | {dt.date.today().year}, reverse=True)
        year = _year_arg()
        per = defaultdict(lambda: {"copies": 0, "cost": Decimal("0"), "count": 0, "kind": ""})
        totals_by_year = defaultdict(Decimal)
        for r in rows:
            totals_by_year[r.start_date.year] += r.cost or Decimal("0")
            if r.start_date.year != year:
                continue
            p = per[r.publication]
            p["copies"] += r.copies or 0
            p["cost"] += r.cost or Decimal("0")
            p["count"] += 1
            p["kind"] = r.kind_label
        lines = sorted(per.items(), key=lambda kv: turkish.sort_key(kv[0]))
        total = sum((p["cost"] for _, p in lines), Decimal("0"))
        if request.args.get("export") in ("xlsx", "pdf"):
            rows = [[name, p["kind"], p["copies"], p["cost"]] for name, p in lines]
            copies = sum(p["copies"] for _, p in lines)
            return self._report_export(f"{year} yılı abonelik giderleri",
                                       ["Yayın", "Tür", "Adet", "Tutar (TL)"], rows,
                                       ["text", "text", "int", "money"],
                                       totals=["Toplam", None, copies, total], filters=f"Yıl: {year}")
        return self.render_template("office/costs.html", title=f"{year} yılı abonelik giderleri",
                                    year=year, years=years, lines=lines, total=total,
                                    totals_by_year=sorted(totals_by_year.items(), reverse=True))

    @expose("/renew/<pk>", methods=["POST"])
    @has_access
    @permission_name("add")
    def renew(self, pk):
        """A draft renewal: same publication, the next period, linked to this one."""
        old = self._record_or_404(pk)
        length = (old.end_date - old.start_date) if old.end_date and old.start_date else dt.timedelta(days=364)
        start = old.end_date + dt.timedelta(days=1)
        new = Subscription(publication=old.publication, publisher=old.publisher, kind=old.kind,
                           copies=old.copies, start_date=start, end_date=start + length,
                           cost=old.cost, delivery_to=old.delivery_to, renewal_of=old,
                           state=approval.DRAFT)
        db.session.add(new)
        try:
            db.session.commit()
        except Exception:  # noqa: BLE001
            db.session.rollback()
            flash("Yenileme kaydı oluşturulamadı.", "danger")
            return self._back(old)
        flash("Yenileme taslağı oluşturuldu; tarihleri ve tutarı kontrol edip onaya gönderin.", "success")
        return redirect(url_for("SubscriptionView.edit", pk=new.id))


# ---------------------------------------------------------------------------
# Makam Araçları
# ---------------------------------------------------------------------------


@register("office", _l("Official vehicles"), icon="fa-car")
class VehicleView(OfficeView):
    datamodel = RegisterInterface(Vehicle)
    list_title = _l("Official vehicles")
    show_title = add_title = edit_title = _l("Vehicle")
    base_order = ("plate", "asc")
    add_form_query_rel_fields = {"driver": ACTIVE_STAFF}


# ---------------------------------------------------------------------------
# Şoför Görev Kâğıtları
# ---------------------------------------------------------------------------


def vehicle_defaults(vehicle):
    """Defaults a duty slip takes from its vehicle: the assigned driver (when
    active) and the odometer reading the vehicle last came back with."""
    if vehicle is None:
        return {}
    fill = {}
    driver = vehicle.driver
    if driver is not None and driver.active and not driver.archived:
        fill["driver"] = {"id": driver.id, "text": str(driver)}
    last = (db.session.query(DutySlip.odometer_in)
            .filter(DutySlip.vehicle_id == vehicle.id, DutySlip.odometer_in.isnot(None),
                    DutySlip.archived.is_(False), DutySlip.state.notin_(INACTIVE_STATES))
            .order_by(DutySlip.return_at.desc(), DutySlip.id.desc()).first())
    if last is not None:
        fill["odometer_out"] = _km(last[0])
    return fill


@register("office", _l("Driver duty slips"), icon="fa-road", personal_data=True)
class DutySlipView(OfficeView):
    datamodel = RegisterInterface(DutySlip)
    template_folder = TEMPLATES
    list_template = "office/duty_slip_list.html"
    pdf_template = "pdf/duty_slip.html"
    list_title = _l("Driver duty slips")
    show_title = add_title = edit_title = _l("Driver duty slip")
    base_order = ("departure_at", "desc")
    add_form_query_rel_fields = {"driver": ACTIVE_STAFF, "vehicle": [["active", FilterEqual, True],
                                                                     ["archived", FilterEqual, False]]}
    formatters_columns = {"km": _km}
    # choosing a vehicle brings its usual driver and its last odometer reading
    pick_fill = {"vehicle": lambda vehicle: vehicle_defaults(vehicle)}

    def pdf_context(self, item):
        fmt = turkish.format_date
        vehicle = item.vehicle
        plate = f"{vehicle.plate} ({vehicle.make_model})" if vehicle and vehicle.make_model else item.plate
        fields = [
            ("Şoför", item.driver_name),
            ("Araç Plakası", plate),
            ("Görev Yeri / Güzergâh", item.route),
            ("Görevin Amacı", item.purpose),
            ("Yolcular", item.passengers),
            ("Çıkış Saati", fmt(item.departure_at)),
            ("Dönüş Saati", fmt(item.return_at)),
            ("Çıkış Km", _km(item.odometer_out)),
            ("Dönüş Km", _km(item.odometer_in)),
            ("Yapılan Km", _km(item.km)),
        ]
        approver = item.decided_by.get_full_name() if item.decided_by else ""
        approver_title = "Onaylayan Müdür V." if item.decided_as == approval.PROXY_TITLE else "Onaylayan Müdür"
        signatures = [
            {"title": "Görevli Şoför", "name": item.driver_name},
            {"title": "Düzenleyen", "name": user_name(item.created_by_id)},
            {"title": approver_title, "name": approver},
        ]
        return doc_context(self, item, "ŞOFÖR GÖREV KÂĞIDI", fields, signatures,
                           date=item.slip_date, notes=item.notes)

    @expose("/km")
    @has_access
    @permission_name("list")
    def km_report(self):
        """Kilometres per vehicle and month of a year (slips with both odometer readings)."""
        year = _year_arg()
        slips = (db.session.query(DutySlip)
                 .filter(DutySlip.archived.is_(False), DutySlip.state.notin_(INACTIVE_STATES),
                         DutySlip.slip_date >= dt.date(year, 1, 1),
                         DutySlip.slip_date <= dt.date(year, 12, 31))
                 .all())
        table = defaultdict(lambda: [0] * 13)   # vehicle -> 12 months + total
        counts = defaultdict(int)
        vehicles = {v.id: v for v in db.session.query(Vehicle).filter(Vehicle.archived.is_(False))}
        for s in slips:
            vehicles.setdefault(s.vehicle_id, s.vehicle)
            counts[s.vehicle_id] += 1
            if s.km is None:
                continue
            table[s.vehicle_id][s.slip_date.month - 1] += s.km
            table[s.vehicle_id][12] += s.km
        rows = [(vehicles[vid], table[vid], counts[vid])
                for vid in sorted(vehicles, key=lambda i: turkish.sort_key(vehicles[i].plate))]
        month_totals = [sum(r[1][m] for r in rows) for m in range(13)]
        months = ["Oca", "Şub", "Mar", "Nis", "May", "Haz", "Tem", "Ağu", "Eyl", "Eki", "Kas", "Ara"]
        if request.args.get("export") in ("xlsx", "pdf"):
            headers = ["Araç"] + months + ["Toplam km", "Görev sayısı"]
            data = [[str(vehicle)] + [v or None for v in kms] + [count] for vehicle, kms, count in rows]
            totals = ["Toplam"] + [v or None for v in month_totals] + [sum(r[2] for r in rows)]
            return self._report_export(f"{year} yılı araç kilometreleri (aylık)", headers, data,
                                       ["text"] + ["int"] * 14, totals=totals, filters=f"Yıl: {year}")
        return self.render_template("office/km.html", title=f"{year} yılı araç kilometreleri (aylık)",
                                    year=year, rows=rows, months=months, month_totals=month_totals,
                                    fmt=_km)


# ---------------------------------------------------------------------------
# Zimmet
# ---------------------------------------------------------------------------


@register("office", _l("Custody history"), icon="fa-history", menu=False)
class CustodyHistoryView(OfficeView):
    read_only = True  # written by the system whenever the holder changes
    datamodel = RegisterInterface(CustodyHistory)
    list_title = _l("Custody history")
    show_title = add_title = edit_title = _l("Custody history entry")
    base_order = ("from_date", "desc")


@register("office", _l("Custody"), icon="fa-cubes")
class CustodyItemView(OfficeView):
    datamodel = RegisterInterface(CustodyItem)
    related_views = [CustodyHistoryView]
    list_title = _l("Goods and equipment in custody")
    show_title = add_title = edit_title = _l("Custody item")
    base_order = ("item", "asc")
    add_form_query_rel_fields = {"holder": ACTIVE_STAFF}


# ---------------------------------------------------------------------------
# Devir Teslim
# ---------------------------------------------------------------------------


@register("office", _l("Handover lines"), icon="fa-list-ol", menu=False)
class HandoverLineView(OfficeView):
    datamodel = RegisterInterface(HandoverLine)
    list_title = _l("Handover lines")
    show_title = add_title = edit_title = _l("Handover line")
    base_order = ("id", "asc")
    add_form_query_rel_fields = {"custody_item": NOT_ARCHIVED, "handover": NOT_ARCHIVED,
                                 "new_holder": ACTIVE_STAFF}
    edit_form_query_rel_fields = {"new_holder": ACTIVE_STAFF}

    def post_add(self, item):
        if item.custody_item is not None and not item.serial:
            item.serial = item.custody_item.serial_no
            db.session.commit()


@register("office", _l("Handovers"), icon="fa-exchange", personal_data=True)
class HandoverView(OfficeView):
    datamodel = RegisterInterface(Handover)
    related_views = [HandoverLineView]
    pdf_template = "pdf/handover.html"
    list_title = _l("Handover lists")
    show_title = add_title = edit_title = _l("Handover")
    base_order = ("handover_date", "desc")
    add_form_query_rel_fields = {"successor": ACTIVE_STAFF, "drawn_up_by": ACTIVE_STAFF}

    def post_add(self, item):
        self._sync_lines(item)

    def post_update(self, item):
        self._sync_lines(item)

    def _sync_lines(self, item):
        try:
            added = item.sync_custody_lines()
            db.session.commit()
        except Exception:  # noqa: BLE001
            db.session.rollback()
            flash("Zimmet listesi çizelgeye aktarılamadı.", "danger")
            return
        if added:
            flash(f"Devreden personelin zimmetindeki {added} kalem çizelgeye eklendi; teslim "
                  "durumlarını işaretleyin.", "info")

    def pdf_context(self, item):
        death = item.is_death
        title = "DEVİR TESLİM TUTANAĞI" if death else "DEVİR TESLİM ÇİZELGESİ"

        def who(staff):
            if staff is None:
                return ""
            return f"{staff.name}, {staff.title}" if staff.title else staff.name

        fields = [("Devreden Personel", who(item.leaving_staff)),
                  ("Devralan Personel", who(item.successor)),
                  ("Devir Tarihi", turkish.format_day(item.handover_date))]
        if item.drawn_up_by is not None:
            fields.append(("Tutanağı Düzenleyen Birim Amiri" if death else "Birim Amiri",
                           who(item.drawn_up_by)))
        chief = item.drawn_up_by.name if item.drawn_up_by else ""
        if death:
            signatures = [{"title": "Tutanağı Düzenleyen Birim Amiri", "name": chief},
                          {"title": "Devralan", "name": item.successor_name},
                          {"title": "Komisyon Üyesi", "name": ""},
                          {"title": "Komisyon Üyesi", "name": ""},
                          {"title": "Tanık", "name": ""}]
        else:
            signatures = [{"title": "Devreden", "name": item.leaving_name},
                          {"title": "Devralan", "name": item.successor_name},
                          {"title": "Birim Amiri", "name": chief}]
        ctx = doc_context(self, item, title, fields, signatures, date=item.handover_date,
                          notes=item.notes)
        ctx["reason"] = HANDOVER_REASONS.get(item.reason, item.reason)
        ctx["extra"] = {"items": [
            {"no": n, "kind": LINE_KINDS.get(line.kind, line.kind), "description": line.description,
             "serial": line.serial, "status": LINE_STATUSES.get(line.status, line.status),
             "note": "; ".join(filter(None, [line.note, f"Yeni zimmet sahibi: {line.new_holder.name}"
                                              if line.new_holder is not None else None])) or None}
            for n, line in enumerate(item.lines, start=1)]}
        return ctx


# ---------------------------------------------------------------------------
# Personel İzin ve Vekâlet
# ---------------------------------------------------------------------------


@register("office", _l("Leave and proxies"), icon="fa-calendar-minus-o", personal_data=True)
class LeaveView(OfficeView):
    datamodel = RegisterInterface(Leave)
    list_title = _l("Staff leave and proxies")
    show_title = add_title = edit_title = _l("Leave")
    base_order = ("date_from", "desc")
    add_form_query_rel_fields = {"staff": ACTIVE_STAFF, "substitute": ACTIVE_STAFF}
