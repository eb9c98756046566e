"""Screens of the office administration registers (declarations first; the
business rules are on the models)."""
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
from app.core.documents import doc_context
from app.core.register import RegisterInterface, RegisterListFilter, RegisterView, register
from app.extensions import db
from app.registers.office.models import (
    HANDOVER_REASONS, INACTIVE_STATES, LINE_KINDS, LINE_STATUSES, CustodyHistory,
    CustodyItem, DutySlip, Handover, HandoverLine, Leave, Subscription, Vehicle,
)

TEMPLATES = str(Path(__file__).resolve().parent / "templates")
ACTIVE_STAFF = [["active", FilterEqual, True], ["archived", FilterEqual, False]]
NOT_ARCHIVED = [["archived", FilterEqual, False]]

COMMON_LABELS = {"number": _l("Number"), "state": _l("Status"), "notes": _l("Notes"),
                 "created_at": _l("Created"), "updated_at": _l("Updated"),
                 "decided_as": _l("Decided as"), "decided_at": _l("Decided on"),
                 "decision_note": _l("Decision note")}
APPROVAL_SHOW = ["number", "state", "decided_as", "decided_at", "decision_note"]
STAMPS = ["created_at", "updated_at"]


def _labels(**labels):
    return {**COMMON_LABELS, **labels}


def _km(value):
    if value is None:
        return ""
    return f"{value:,}".replace(",", ".")


def _user_name(user_id):
    from flask_appbuilder.security.sqla.models import User

    user = db.session.get(User, user_id) if user_id else None
    return user.get_full_name() if user else ""


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
    list_columns = ["number", "publication", "kind", "copies", "start_date", "end_date", "cost",
                    "delivery_to", "state"]
    add_columns = edit_columns = ["publication", "publisher", "kind", "copies", "start_date",
                                  "end_date", "cost", "delivery_to", "renewal_of", "notes"]
    show_columns = APPROVAL_SHOW + add_columns + STAMPS
    search_columns = ["publication", "publisher", "kind", "delivery_to", "number"]
    order_columns = ["number", "publication", "start_date", "end_date", "cost", "copies"]
    base_order = ("end_date", "asc")
    label_columns = _labels(publication=_l("Publication"), publisher=_l("Publisher"),
                            kind=_l("Kind"), copies=_l("Copies"), start_date=_l("Start"),
                            end_date=_l("End"), cost=_l("Cost (TL)"), delivery_to=_l("Delivered to"),
                            renewal_of=_l("Renewal of"))
    description_columns = {"renewal_of": _l("The earlier subscription this one renews, if any")}

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
    list_columns = ["plate", "make_model", "driver", "active"]
    add_columns = edit_columns = ["plate", "make_model", "driver", "active", "notes"]
    show_columns = add_columns + STAMPS
    search_columns = ["plate", "make_model", "active"]
    order_columns = ["plate", "make_model"]
    base_order = ("plate", "asc")
    add_form_query_rel_fields = {"driver": ACTIVE_STAFF}
    label_columns = _labels(plate=_l("Plate"), make_model=_l("Make and model"),
                            driver=_l("Assigned driver"), active=_l("Active"))
    description_columns = {"plate": _l("For example 16 ABC 123")}


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
    list_columns = ["number", "slip_date", "driver", "vehicle", "route", "departure_at", "return_at",
                    "km", "state"]
    add_columns = edit_columns = ["driver", "vehicle", "slip_date", "departure_at", "return_at", "route",
                                  "purpose", "passengers", "odometer_out", "odometer_in", "notes"]
    show_columns = APPROVAL_SHOW + add_columns + ["km"] + STAMPS
    search_columns = ["number", "route", "purpose", "passengers", "slip_date"]
    order_columns = ["number", "slip_date", "departure_at", "return_at", "route"]
    base_order = ("departure_at", "desc")
    add_form_query_rel_fields = {"driver": ACTIVE_STAFF, "vehicle": [["active", FilterEqual, True],
                                                                     ["archived", FilterEqual, False]]}
    label_columns = _labels(driver=_l("Driver"), vehicle=_l("Vehicle"), slip_date=_l("Date"),
                            departure_at=_l("Departure time"), return_at=_l("Return time"),
                            route=_l("Destination / route"), purpose=_l("Purpose"),
                            passengers=_l("Passengers"), odometer_out=_l("Odometer out (km)"),
                            odometer_in=_l("Odometer in (km)"), km=_l("Distance (km)"))
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
            {"title": "Düzenleyen", "name": _user_name(item.created_by_id)},
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
    list_columns = ["item", "holder", "from_date", "to_date", "note"]
    add_columns = edit_columns = ["item", "holder", "from_date", "to_date", "note"]
    show_columns = add_columns + STAMPS
    search_columns = ["from_date", "to_date", "note"]
    order_columns = ["from_date", "to_date"]
    base_order = ("from_date", "desc")
    label_columns = _labels(item=_l("Equipment"), holder=_l("Holder"), from_date=_l("From"),
                            to_date=_l("To"), note=_l("Note"))


@register("office", _l("Custody"), icon="fa-cubes")
class CustodyItemView(OfficeView):
    datamodel = RegisterInterface(CustodyItem)
    related_views = [CustodyHistoryView]
    list_title = _l("Goods and equipment in custody")
    show_title = add_title = edit_title = _l("Custody item")
    list_columns = ["item", "category", "serial_no", "holder", "since", "condition"]
    add_columns = edit_columns = ["item", "category", "serial_no", "holder", "since", "condition",
                                  "notes"]
    show_columns = add_columns + STAMPS
    search_columns = ["item", "category", "serial_no", "condition", "since"]
    order_columns = ["item", "category", "serial_no", "since"]
    base_order = ("item", "asc")
    add_form_query_rel_fields = {"holder": ACTIVE_STAFF}
    label_columns = _labels(item=_l("Equipment"), category=_l("Category"),
                            serial_no=_l("Serial / inventory no"), holder=_l("Holder"),
                            since=_l("Held since"), condition=_l("Condition"))
    description_columns = {"since": _l("Date the current holder received the item")}


# ---------------------------------------------------------------------------
# Devir Teslim
# ---------------------------------------------------------------------------


@register("office", _l("Handover lines"), icon="fa-list-ol", menu=False)
class HandoverLineView(OfficeView):
    datamodel = RegisterInterface(HandoverLine)
    list_title = _l("Handover lines")
    show_title = add_title = edit_title = _l("Handover line")
    list_columns = ["handover", "kind", "description", "serial", "status", "note", "new_holder"]
    add_columns = edit_columns = ["handover", "kind", "description", "serial", "custody_item", "status",
                                  "note", "new_holder"]
    show_columns = add_columns + STAMPS
    search_columns = ["kind", "description", "serial", "status"]
    order_columns = ["description", "serial", "status"]
    base_order = ("id", "asc")
    add_form_query_rel_fields = {"custody_item": NOT_ARCHIVED, "handover": NOT_ARCHIVED,
                                 "new_holder": ACTIVE_STAFF}
    edit_form_query_rel_fields = {"new_holder": ACTIVE_STAFF}
    label_columns = _labels(handover=_l("Handover"), kind=_l("Kind"), description=_l("Description"),
                            serial=_l("Serial / inventory no"), custody_item=_l("Custody item"),
                            status=_l("Status"), note=_l("Note"), new_holder=_l("New holder"))
    description_columns = {
        "note": _l("For a pending or missing item: what happens to it (required before approval "
                   "unless a new holder is chosen)"),
        "new_holder": _l("For a pending or missing custody item: who takes it over on approval"),
    }

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
    list_columns = ["number", "handover_date", "leaving_staff", "successor", "reason", "state"]
    add_columns = edit_columns = ["leaving_staff", "successor", "handover_date", "reason", "drawn_up_by",
                                  "notes", "keep_active_note"]
    show_columns = APPROVAL_SHOW + add_columns + STAMPS
    search_columns = ["number", "reason", "handover_date"]
    order_columns = ["number", "handover_date"]
    base_order = ("handover_date", "desc")
    add_form_query_rel_fields = {"successor": ACTIVE_STAFF, "drawn_up_by": ACTIVE_STAFF}
    label_columns = _labels(leaving_staff=_l("Leaving staff member"), successor=_l("Successor"),
                            handover_date=_l("Handover date"), reason=_l("Handover reason"),
                            drawn_up_by=_l("Drawn up by (unit chief)"),
                            keep_active_note=_l("Why the staff record stays active"))
    description_columns = {
        "keep_active_note": _l("On approval the leaving person's staff record becomes inactive; "
                               "fill this in only if it must stay active (e.g. moves to another post "
                               "in the office)"),
        "drawn_up_by": _l("Required on death: the unit chief draws up the handover report"),
        "leaving_staff": _l("The custody items this person holds are listed automatically"),
    }

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
    list_columns = ["staff", "date_from", "date_to", "kind", "substitute", "is_director_proxy", "state"]
    add_columns = edit_columns = ["staff", "date_from", "date_to", "kind", "substitute",
                                  "is_director_proxy", "mayor_consent", "consent_date", "consent_ref",
                                  "consent_note", "notes"]
    show_columns = ["state", "decided_as", "decided_at", "decision_note"] + add_columns + STAMPS
    search_columns = ["kind", "date_from", "date_to", "is_director_proxy"]
    order_columns = ["date_from", "date_to"]
    base_order = ("date_from", "desc")
    add_form_query_rel_fields = {"staff": ACTIVE_STAFF, "substitute": ACTIVE_STAFF}
    label_columns = _labels(staff=_l("Staff member"), date_from=_l("From"), date_to=_l("To"),
                            kind=_l("Kind of leave"), substitute=_l("Substitute"),
                            is_director_proxy=_l("Substitute acts for the director"),
                            mayor_consent=_l("Mayor's consent"), consent_note=_l("Consent note"),
                            consent_date=_l("Date of the mayor's approval"),
                            consent_ref=_l("Number of the mayor's approval"))
    description_columns = {
        "is_director_proxy": _l("While the approved leave lasts, the substitute approves records as "
                                "\"Müdür V.\""),
        "mayor_consent": _l("Required for a director proxy"),
        "consent_note": _l("Date and number of the mayor's approval (olur)"),
        "consent_date": _l("Required for a director proxy; the scanned approval is attached to the "
                           "record"),
        "consent_ref": _l("Required for a director proxy, e.g. E-12345678-903.02-145"),
    }


# English source strings used above, with their Turkish (merged into the catalog by the lead).
TURKISH = {
    "Number": "Numara",
    "Status": "Durum",
    "Notes": "Notlar",
    "Created": "Oluşturulma",
    "Updated": "Güncellenme",
    "Decided as": "Karar veren sıfatı",
    "Decided on": "Karar tarihi",
    "Decision note": "Karar notu",
    # subscriptions
    "Subscriptions": "Abonelikler",
    "Newspaper, magazine and book subscriptions": "Gazete, dergi ve kitap abonelikleri",
    "Subscription": "Abonelik",
    "Publication": "Yayın",
    "Publisher": "Yayıncı",
    "Kind": "Türü",
    "Copies": "Adet",
    "Start": "Başlangıç",
    "End": "Bitiş",
    "Cost (TL)": "Tutar (₺)",
    "Delivered to": "Teslim yeri",
    "Renewal of": "Yenilenen abonelik",
    "The earlier subscription this one renews, if any": "Varsa, bu kaydın yenilediği önceki abonelik",
    "Ending within 30 days": "30 gün içinde bitenler",
    "All subscriptions": "Tüm abonelikler",
    "Yearly costs": "Yıllık giderler",
    "Renew": "Yenile",
    "Total": "Toplam",
    "Year": "Yıl",
    "Yearly totals": "Yıllara göre toplam",
    "No subscriptions in this year.": "Bu yılda abonelik yok.",
    # vehicles
    "Official vehicles": "Makam Araçları",
    "Vehicle": "Araç",
    "Plate": "Plaka",
    "Make and model": "Marka / model",
    "Assigned driver": "Görevli şoför",
    "Active": "Aktif",
    "For example 16 ABC 123": "Örnek: 16 ABC 123",
    # duty slips
    "Driver duty slips": "Şoför Görev Kâğıtları",
    "Driver duty slip": "Şoför Görev Kâğıdı",
    "Driver": "Şoför",
    "Date": "Tarih",
    "Departure time": "Çıkış saati",
    "Return time": "Dönüş saati",
    "Destination / route": "Görev yeri / güzergâh",
    "Purpose": "Görevin amacı",
    "Passengers": "Yolcular",
    "Odometer out (km)": "Çıkış km",
    "Odometer in (km)": "Dönüş km",
    "Distance (km)": "Yapılan km",
    "Monthly kilometres": "Aylık kilometreler",
    "Slips": "Görev sayısı",
    "Search": "Ara",
    # custody
    "Custody": "Zimmet",
    "Custody history": "Zimmet geçmişi",
    "Custody history entry": "Zimmet geçmişi kaydı",
    "Goods and equipment in custody": "Zimmetli demirbaş ve malzemeler",
    "Custody item": "Zimmet kalemi",
    "Equipment": "Malzeme",
    "Category": "Kategori",
    "Serial / inventory no": "Seri / demirbaş no",
    "Holder": "Zimmet sahibi",
    "Held since": "Zimmet tarihi",
    "Condition": "Durumu",
    "Date the current holder received the item": "Şimdiki zimmet sahibinin malzemeyi teslim aldığı tarih",
    "From": "Başlangıç",
    "To": "Bitiş",
    "Note": "Not",
    # handover
    "Handovers": "Devir Teslim Çizelgeleri",
    "Handover lists": "Devir teslim çizelgeleri",
    "Handover": "Devir teslim",
    "Handover lines": "Devir teslim kalemleri",
    "Handover line": "Devir teslim kalemi",
    "Description": "Açıklama",
    "Leaving staff member": "Devreden personel",
    "Successor": "Devralan personel",
    "Handover date": "Devir tarihi",
    "Handover reason": "Devir nedeni",
    "Drawn up by (unit chief)": "Düzenleyen (birim amiri)",
    "Required on death: the unit chief draws up the handover report":
        "Ölüm hâlinde zorunludur: devir teslim tutanağını birim amiri düzenler",
    "The custody items this person holds are listed automatically":
        "Bu personelin zimmetindeki malzemeler çizelgeye otomatik eklenir",
    # leave
    "Leave and proxies": "Personel İzin ve Vekâlet",
    "Staff leave and proxies": "Personel izinleri ve vekâletler",
    "Leave": "İzin",
    "Staff member": "Personel",
    "Kind of leave": "İzin türü",
    "Substitute": "Vekil",
    "Substitute acts for the director": "Vekil Müdür adına onay verir (Müdür V.)",
    "Mayor's consent": "Başkan oluru",
    "Consent note": "Olur açıklaması",
    "While the approved leave lasts, the substitute approves records as \"Müdür V.\"":
        "Onaylı izin süresince vekil kayıtları \"Müdür V.\" sıfatıyla onaylar",
    "Required for a director proxy": "Müdür vekâleti için zorunludur",
    "Date and number of the mayor's approval (olur)": "Başkan olurunun tarihi ve sayısı",
}
