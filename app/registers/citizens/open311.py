"""Open311 GeoReport v2 (https://wiki.open311.org/GeoReport_v2): our
categories are the services, our tracking number is ``service_request_id``,
our stages map to open/closed with ``status_notes``. GET is public and shows
no personal data (no description, name, phone, e-mail or street: the address
is the neighbourhood); POST needs an API key issued by Bilgi İşlem and lands
in the register with the same routing as a clerk's intake."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from xml.etree import ElementTree as ET

from flask import Response, abort, current_app, json, request
from flask_appbuilder import BaseView, expose

from app.extensions import db
from app.registers.citizens.models import (
    FINAL, KAYIT, STAGES, CitizenRequest, Open311Key, RequestCategory, RequestStage,
)

FORMATS = ("json", "xml")


def _iso(value):
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.replace(microsecond=0).astimezone().isoformat()
    return dt.datetime.combine(value, dt.time(0, 0)).astimezone().isoformat()


def _render(fmt, items, root, child, status=200):
    if fmt == "json":
        return Response(json.dumps(items, ensure_ascii=False), status=status, mimetype="application/json")
    top = ET.Element(root)
    for item in items:
        node = ET.SubElement(top, child)
        for key, value in item.items():
            sub = ET.SubElement(node, key)
            if value is not None:
                sub.text = ("true" if value else "false") if isinstance(value, bool) else str(value)
    body = b'<?xml version="1.0" encoding="utf-8"?>' + ET.tostring(top, encoding="utf-8", xml_declaration=False)
    return Response(body, status=status, mimetype="text/xml")


def _error(fmt, code, description):
    return _render(fmt, [{"code": code, "description": description}], "errors", "error", status=code)


def service_of(category):
    return {"service_code": str(category.id), "service_name": category.name,
            "description": f"{category.name} ({category.unit})", "metadata": False, "type": "realtime",
            "keywords": "", "group": str(category.unit or "")}


def request_of(item):
    public = [s for s in item.stages if s.kind == "stage" and s.public and s.note]
    return {
        "service_request_id": item.number,
        "status": "closed" if item.stage in FINAL else "open",
        "status_notes": public[-1].note if public else STAGES.get(item.stage, item.stage),
        "service_name": item.category.name if item.category else None,
        "service_code": str(item.category_id) if item.category_id else None,
        "description": None,
        "agency_responsible": str(item.unit) if item.unit else None,
        "service_notice": None,
        "requested_datetime": _iso(item.created_at),
        "updated_datetime": _iso(item.updated_at),
        "expected_datetime": _iso(item.due_date),
        "address": item.neighbourhood or None,
        "address_id": None,
        "zipcode": None,
        "lat": None,
        "long": None,
        "media_url": None,
    }


def _date_arg(name):
    value = request.args.get(name)
    if not value:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        abort(Response(json.dumps([{"code": 400, "description": f"{name}: ISO 8601 tarih bekleniyor"}]),
                       status=400, mimetype="application/json"))
    return parsed.replace(tzinfo=None) if parsed.tzinfo is None else parsed.astimezone().replace(tzinfo=None)


class Open311View(BaseView):
    route_base = "/open311/v2"

    @expose("/discovery.<fmt>")
    def discovery(self, fmt):
        if fmt not in FORMATS:
            abort(404)
        base = request.url_root.rstrip("/") + self.route_base + "/"
        return _render(fmt, [{"changeset": "2026-11-26", "contact": "", "key_service": "Bilgi İşlem",
                              "url": base, "specification": "http://wiki.open311.org/GeoReport_v2",
                              "type": "production"}], "discovery", "endpoint")

    @expose("/services.<fmt>")
    def services(self, fmt):
        if fmt not in FORMATS:
            abort(404)
        rows = (db.session.query(RequestCategory)
                .filter(RequestCategory.active.is_(True), RequestCategory.archived.is_(False))
                .order_by(RequestCategory.id).all())
        return _render(fmt, [service_of(c) for c in rows], "services", "service")

    @expose("/requests/<path:number>.<fmt>")
    def one(self, number, fmt):
        if fmt not in FORMATS:
            abort(404)
        item = (db.session.query(CitizenRequest)
                .filter(CitizenRequest.number == number[:20], CitizenRequest.archived.is_(False)).one_or_none())
        if item is None:
            return _error(fmt, 404, "Bu numarayla bir başvuru yok.")
        return _render(fmt, [request_of(item)], "service_requests", "request")

    @expose("/requests.<fmt>", methods=["GET", "POST"])
    def requests(self, fmt):
        if fmt not in FORMATS:
            abort(404)
        if request.method == "POST":
            return self._create(fmt)
        query = db.session.query(CitizenRequest).filter(CitizenRequest.archived.is_(False))
        ids = [i.strip() for i in (request.args.get("service_request_id") or "").split(",") if i.strip()]
        if ids:
            query = query.filter(CitizenRequest.number.in_(ids[:100]))
        else:
            start, end = _date_arg("start_date"), _date_arg("end_date")
            start = start or (end or dt.datetime.now()) - dt.timedelta(days=90)
            query = query.filter(CitizenRequest.created_at >= start)
            if end:
                query = query.filter(CitizenRequest.created_at <= end)
            codes = [c.strip() for c in (request.args.get("service_code") or "").split(",") if c.strip()]
            if codes:
                query = query.filter(CitizenRequest.category_id.in_([int(c) for c in codes if c.isdigit()] or [-1]))
            status = request.args.get("status")
            if status == "open":
                query = query.filter(CitizenRequest.stage.notin_(FINAL))
            elif status == "closed":
                query = query.filter(CitizenRequest.stage.in_(FINAL))
        limit = int(current_app.config.get("OPEN311_MAX_REQUESTS", 1000))
        rows = query.order_by(CitizenRequest.created_at.desc(), CitizenRequest.id.desc()).limit(limit).all()
        return _render(fmt, [request_of(r) for r in rows], "service_requests", "request")

    def _create(self, fmt):
        from app.registers.citizens.settings_view import hash_key

        form = request.form
        key = db.session.query(Open311Key).filter_by(key_hash=hash_key(form.get("api_key") or ""),
                                                     active=True).one_or_none()
        if key is None:
            return _error(fmt, 403, "Geçersiz api_key; başvuru oluşturulmadı.")
        code = (form.get("service_code") or "").strip()
        category = db.session.get(RequestCategory, int(code)) if code.isdigit() and len(code) < 9 else None
        if category is None or not category.active or category.archived:
            return _error(fmt, 404, "Geçersiz service_code.")
        description = (form.get("description") or "").strip()
        phone, email = (form.get("phone") or "").strip(), (form.get("email") or "").strip()
        data = {"channel": "web", "citizen_phone": phone, "citizen_email": email,
                "received_on": dt.date.today()}
        lat, lon = self._coordinate(form.get("lat")), self._coordinate(form.get("long"))
        address = (form.get("address_string") or "").strip()
        if not description:
            return _error(fmt, 400, "description gerekli.")
        if (lat is None or lon is None) and not address:
            return _error(fmt, 400, "lat ve long ya da address_string gerekli.")
        data.update(latitude=lat, longitude=lon)
        errors = CitizenRequest.validate_data(data)
        if errors:
            return _error(fmt, 400, " ".join(str(e) for e in errors.values()))
        name = " ".join(p for p in ((form.get("first_name") or "").strip(), (form.get("last_name") or "").strip()) if p)
        now = dt.datetime.now()
        item = CitizenRequest(channel="web", received_on=now.date(), citizen_name=(name or "Open311 başvurusu")[:150],
                              citizen_phone=phone[:40] or None, citizen_email=email[:120] or None,
                              category=category, subject=description[:200].splitlines()[0],
                              description=description[:10000], street=address[:150] or None,
                              latitude=lat, longitude=lon, kvkk_notice_given=True,
                              kvkk_notice_version=f"Open311: {key.name}"[:40], stage=KAYIT, stage_at=now,
                              source="open311")
        item.route()
        item.stages.append(RequestStage(kind="stage", to_stage=KAYIT, at=now, note=f"Open311 ({key.name}) ile alındı."))
        key.last_used_at = now
        db.session.add(item)
        db.session.commit()
        return _render(fmt, [{"service_request_id": item.number, "service_notice": "",
                              "account_id": None}], "service_requests", "request")

    @staticmethod
    def _coordinate(value):
        if value in (None, ""):
            return None
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            return None
        return number.quantize(Decimal("0.000001")) if number.is_finite() else None
