"""Screens of the mayor's agenda: the register, the calendar (day/week/month,
drag to move), the day's and week's program PDFs, the iCalendar feed, and
appointment requests with the walk-in queue of the public day."""
from __future__ import annotations

import datetime as dt
import functools
import re
import secrets
from pathlib import Path

from flask import abort, flash, g, jsonify, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access, permission_name
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField

from app.core import audit, turkish
from app.core.register import RegisterInterface, RegisterListFilter, RegisterView, register
from app.extensions import db
from app.home import home_section
from app.registers.agenda.models import (BUSY, HIDDEN_FIELDS, INACTIVE, MAYOR, AgendaEntry, AgendaFeedToken,
                                         AppointmentRequest, conflicts, free_slots, may_see_private, span)

TEMPLATES = str(Path(__file__).resolve().parent / "templates")
HIDDEN_ARGS = re.compile(r"_flt_\d+_(" + "|".join(HIDDEN_FIELDS) + ")$")


class AgendaListFilter(RegisterListFilter):
    """The register's list filter; for a viewer who does not see private
    entries, a quick search or a filter on a hidden field never matches one
    (its title is not shown, so it must not be found by it either)."""

    def apply(self, query, value):
        query = super().apply(query, value)
        if request and not may_see_private() and (
                (request.args.get("q") or "").strip() or any(HIDDEN_ARGS.match(a) for a in request.args)):
            query = query.filter(self.model.private.is_(False))
        return query


# ---------------------------------------------------------------------------
# Conflict warning shared by the agenda entry and the appointment request forms
# ---------------------------------------------------------------------------

SLOT_FORMAT = "%Y-%m-%dT%H:%M"


class ConflictChecked:
    """A form whose time may overlap another entry of the same attendee:
    the save is stopped with a warning naming the other entry; the user ticks
    "keep both" (the accepted conflict is written on the entry, so it is in
    its history) or picks one of the free slots offered for that day."""

    conflict_fields = ("starts_at", "ends_at", "attendee", "all_day")   # start, end, attendee, all-day
    conflict_applies = staticmethod(lambda form: True)

    def _init_forms(self):
        extra = {"free_slot": SelectField(_l("Free slot offered"), choices=[("", "—")], validate_choice=False,
                                          description=_l("Offered when the time overlaps another entry."),
                                          render_kw={"class": "form-control"}),
                 "keep_conflict": BooleanField(_l("Keep both (accept the overlap)"))}
        self.add_form_extra_fields = {**(self.add_form_extra_fields or {}), **extra}
        self.edit_form_extra_fields = {**(self.edit_form_extra_fields or {}), **extra}
        for attr in ("add_columns", "edit_columns"):     # right under the time fields
            cols = [c for c in getattr(self, attr) if c not in extra]
            at = cols.index(self.conflict_fields[1]) + 1 if self.conflict_fields[1] in cols else len(cols)
            setattr(self, attr, cols[:at] + list(extra) + cols[at:])
        super()._init_forms()

    def _validating(self, form_cls, editing):
        base = super()._validating(form_cls, editing)
        view = self

        class ConflictForm(base):
            def validate(self, extra_validators=None):
                view._take_free_slot(self)
                ok = super().validate(extra_validators)
                return view._check_conflict(self) and ok if ok else ok

        ConflictForm.__name__ = base.__name__
        return ConflictForm

    def _take_free_slot(self, form):
        start_f, end_f = self.conflict_fields[:2]
        chosen = (form.free_slot.data or "").split("|")
        if len(chosen) == 2:
            try:
                start, end = (dt.datetime.strptime(v, SLOT_FORMAT) for v in chosen)
            except ValueError:
                return
            form[start_f].data, form[end_f].data = start, end
            form[start_f].raw_data = [start.strftime("%d.%m.%Y %H:%M")]
            form[end_f].raw_data = [end.strftime("%d.%m.%Y %H:%M")]

    def _check_conflict(self, form):
        start_f, end_f, who_f, day_f = self.conflict_fields
        g.agenda_conflict_note = None
        start = form[start_f].data
        if not start or not self.conflict_applies(form):
            return True
        end = form[end_f].data
        all_day = bool(form[day_f].data) if day_f in form._fields else False
        attendee = (form[who_f].data if who_f in form._fields else None) or MAYOR
        own_id = self._own_entry_id(form)
        clash = conflicts(db.session, start, end, attendee, all_day, exclude_id=own_id)
        if not clash:
            return True
        names = "; ".join(f"“{o.title}” ({turkish.format_day(o.starts_at)} {o.time_text})" for o in clash[:3])
        if form.keep_conflict.data:
            g.agenda_conflict_note = f"Çakışma kabul edildi: {names}"[:300]
            return True
        s, e = span(start, end, all_day)
        minutes = int((e - s).total_seconds() // 60) if not all_day else 60
        slots = free_slots(db.session, start.date(), minutes, attendee, exclude_id=own_id)
        form.free_slot.choices = [("", "—")] + [
            (f"{a.strftime(SLOT_FORMAT)}|{b.strftime(SLOT_FORMAT)}", f"{a:%H:%M}–{b:%H:%M}") for a, b in slots]
        free = ", ".join(f"{a:%H:%M}" for a, _ in slots) or "yok"
        message = (f"Bu saat {attendee} için şu programla çakışıyor: {names}. İkisini de tutmak için "
                   f"“İkisini de tut” kutusunu işaretleyin ya da o gün önerilen boş saatlerden birini "
                   f"seçin (boş saatler: {free}).")
        form[start_f].errors = list(form[start_f].errors) + [message]
        flash(message, "warning")
        return False

    def _own_entry_id(self, form):
        return None


# ---------------------------------------------------------------------------
# The register
# ---------------------------------------------------------------------------


def _defaults(form, **values):
    """The model's defaults on an empty add form (FAB leaves selects blank)."""
    for name, value in values.items():
        if not form[name].data:
            form[name].data = value


@register("mayor", _l("Mayor's agenda"), icon="fa-calendar", personal_data=True)
class AgendaEntryView(ConflictChecked, RegisterView):
    datamodel = RegisterInterface(AgendaEntry)
    list_title = _l("Mayor's agenda (Başkanlık Programı)")
    show_title = add_title = edit_title = _l("Agenda entry")
    base_order = ("starts_at", "desc")
    base_filters = [["id", AgendaListFilter, None]]
    template_folder = TEMPLATES

    def _own_entry_id(self, form):
        return getattr(form, "_id", None)

    def add_defaults(self, form):
        """``?start=2026-11-26T10:00`` (a click on an empty slot of the calendar)."""
        raw = request.args.get("start") or ""
        try:
            start = dt.datetime.strptime(raw[:16], SLOT_FORMAT) if "T" in raw else (
                dt.datetime.strptime(raw[:10], "%Y-%m-%d") if raw else None)
        except ValueError:
            start = None
        if start is not None:
            form.starts_at.data = start
            form.ends_at.data = start + dt.timedelta(hours=1)
            if "T" not in raw:
                form.all_day.data = True
        _defaults(form, attendee=MAYOR, kind="toplanti", status="planlandi")
        super().add_defaults(form)

    def can_edit_record(self, item):
        return not item.hidden and super().can_edit_record(item)

    @expose("/edit/<pk>", methods=["GET", "POST"])
    @has_access
    def edit(self, pk):
        item = self._record_or_404(pk)
        if item.hidden:
            flash("Özel program kaydını yalnızca Müdür değiştirebilir.", "warning")
            return self._back(item)
        return super().edit(pk)

    def pre_add(self, item):
        super().pre_add(item)
        if getattr(g, "agenda_conflict_note", None):
            item.conflict_note = g.agenda_conflict_note

    def pre_update(self, item):
        super().pre_update(item)
        if getattr(g, "agenda_conflict_note", None):
            item.conflict_note = g.agenda_conflict_note

    @expose("/lookup")
    @has_access
    @permission_name("list")
    def lookup(self):
        if not may_see_private():
            return jsonify(results=[])
        return super().lookup()


def _is_uygun(form):
    return form.decision.data == "uygun"


@register("mayor", _l("Appointment requests"), icon="fa-user-plus", personal_data=True)
class AppointmentRequestView(ConflictChecked, RegisterView):
    datamodel = RegisterInterface(AppointmentRequest)
    list_title = _l("Appointment requests (Randevu Talepleri)")
    show_title = add_title = edit_title = _l("Appointment request")
    base_order = ("created_at", "desc")
    template_folder = TEMPLATES
    conflict_fields = ("scheduled_start", "scheduled_end", "attendee", "all_day")
    conflict_applies = staticmethod(_is_uygun)

    def _own_entry_id(self, form):
        pk = getattr(form, "_id", None)
        if pk is None:
            return None
        return db.session.query(AgendaEntry.id).filter(AgendaEntry.request_id == pk).scalar()

    def add_defaults(self, form):
        if request.args.get("walk_in") == "1":
            form.walk_in.data = True
            form.channel.data = "yuz_yuze"
            form.arrived_at.data = dt.datetime.now().replace(second=0, microsecond=0)
        _defaults(form, attendee=MAYOR, channel="telefon", decision="bekliyor")
        super().add_defaults(form)

    def _remember_conflict(self, item):
        item._ozk_conflict_note = getattr(g, "agenda_conflict_note", None)

    def pre_add(self, item):
        super().pre_add(item)
        self._remember_conflict(item)

    def pre_update(self, item):
        super().pre_update(item)
        self._remember_conflict(item)

    @expose("/queue")
    @has_access
    @permission_name("list")
    def queue(self):
        """The public day's walk-ins of one day, in arrival order."""
        day = _parse_day(request.args.get("date")) or dt.date.today()
        start = dt.datetime.combine(day, dt.time(0))
        rows = (db.session.query(AppointmentRequest)
                .filter(AppointmentRequest.archived.is_(False), AppointmentRequest.walk_in.is_(True),
                        AppointmentRequest.arrived_at >= start,
                        AppointmentRequest.arrived_at < start + dt.timedelta(days=1))
                .order_by(AppointmentRequest.arrived_at, AppointmentRequest.id).all())
        return self.render_template("agenda/queue.html", rows=rows, day=day,
                                    title=f"Halk günü sırası – {turkish.format_day(day)}",
                                    prev=day - dt.timedelta(days=1), next=day + dt.timedelta(days=1))


# ---------------------------------------------------------------------------
# Calendar, move, program PDFs, iCal feed settings
# ---------------------------------------------------------------------------

VIEWS = ("day", "week", "month")
HOURS = range(8, 21)


def _parse_day(raw):
    try:
        return dt.date.fromisoformat((raw or "")[:10]) if raw else None
    except ValueError:
        return None


def _range(mode, day):
    if mode == "day":
        return day, day + dt.timedelta(days=1)
    if mode == "week":
        start = day - dt.timedelta(days=day.weekday())
        return start, start + dt.timedelta(days=7)
    first = day.replace(day=1)
    start = first - dt.timedelta(days=first.weekday())
    nxt = (first + dt.timedelta(days=32)).replace(day=1)
    end = nxt + dt.timedelta(days=(7 - nxt.weekday()) % 7)
    return start, end


@functools.lru_cache(maxsize=None)
def _between_statement(include_inactive: bool):
    """Entries starting in [start, end): built once per process (the home
    page's program runs it on every visit); the days are bound at each run."""
    from sqlalchemy import bindparam, select

    statement = select(AgendaEntry).where(
        AgendaEntry.archived.is_(False),
        AgendaEntry.starts_at >= bindparam("start", type_=AgendaEntry.starts_at.type),
        AgendaEntry.starts_at < bindparam("end", type_=AgendaEntry.starts_at.type))
    if not include_inactive:
        statement = statement.where(AgendaEntry.status.notin_(INACTIVE))
    return statement.order_by(AgendaEntry.starts_at, AgendaEntry.id)


def entries_between(start, end, include_inactive=True):
    return db.session.execute(_between_statement(bool(include_inactive)), {
        "start": dt.datetime.combine(start, dt.time(0)),
        "end": dt.datetime.combine(end, dt.time(0))}).scalars().all()


def background_between(start, end):
    """Approved leaves (office) and trips (protocol) as [(first day, last day, text, kind)]."""
    from app.core import approval
    from app.core.personal import mask_name
    from app.registers.office.models import Leave
    from app.registers.protocol.models import Trip

    out = []
    last = end - dt.timedelta(days=1)
    for trip in (db.session.query(Trip).filter(Trip.archived.is_(False), Trip.state == approval.APPROVED,
                                               Trip.start_date <= last, Trip.end_date >= start)):
        out.append((trip.start_date, trip.end_date, f"Seyahat: {trip.destination}", "trip"))
    for leave in (db.session.query(Leave).filter(Leave.archived.is_(False), Leave.state == approval.APPROVED,
                                                 Leave.date_from <= last, Leave.date_to >= start)):
        out.append((leave.date_from, leave.date_to, f"İzin: {mask_name(leave.staff)}", "leave"))
    return out


class AgendaCalendarView(BaseView):
    route_base = "/agenda"
    default_view = "calendar"
    template_folder = TEMPLATES
    base_permissions = ["can_calendar", "can_move", "can_feed"]

    def _may_edit(self):
        return self.appbuilder.sm.has_access("can_edit", "AgendaEntryView")

    @expose("/calendar")
    @has_access
    @permission_name("calendar")
    def calendar(self):
        mode = request.args.get("view") if request.args.get("view") in VIEWS else "week"
        day = _parse_day(request.args.get("date")) or dt.date.today()
        start, end = _range(mode, day)
        entries = entries_between(start, end)
        days = [start + dt.timedelta(days=i) for i in range((end - start).days)]
        step = {"day": dt.timedelta(days=1), "week": dt.timedelta(days=7)}.get(mode)
        if step is None:
            prev = (day.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
            nxt = (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
        else:
            prev, nxt = day - step, day + step
        background = background_between(start, end)
        return self.render_template(
            "agenda/calendar.html", title=str(_l("Mayor's agenda")), mode=mode, day=day, days=days,
            entries=entries, hours=list(HOURS), background=background, prev=prev, next=nxt,
            today=dt.date.today(), may_edit=self._may_edit(),
            may_add=self.appbuilder.sm.has_access("can_add", "AgendaEntryView"),
            day_names=turkish_day_names(), month_name=turkish_month(day))

    @expose("/move/<pk>", methods=["GET", "POST"])
    @has_access
    @permission_name("move")
    def move(self, pk):
        """Move an entry to another time: the calendar's drag (fetch, JSON)
        or the keyboard form on this page. Version-checked and audited."""
        from app.core.guards import parse_pk

        if parse_pk(pk) is None:
            abort(404)
        item = db.session.get(AgendaEntry, int(pk))
        if item is None or item.archived:
            abort(404)
        wants_json = request.headers.get("Accept", "").startswith("application/json")
        if request.method == "GET":
            return self.render_template("agenda/move.html", item=item, title=str(_l("Move entry")))

        def answer(ok, message, status=200):
            if wants_json:
                return jsonify(ok=ok, message=message), status
            flash(message, "success" if ok else "danger")
            if ok:
                return redirect(url_for("AgendaCalendarView.calendar", view="day",
                                        date=item.starts_at.date().isoformat()))
            return redirect(url_for("AgendaCalendarView.move", pk=item.id))

        if not self._may_edit():
            return answer(False, "Program kaydını taşıma yetkiniz yok.", 403)
        if item.hidden:
            return answer(False, "Özel program kaydını yalnızca Müdür taşıyabilir.", 403)
        if str(request.form.get("version", "")) != str(item.version):
            return answer(False, f"Bu kayıt siz açtıktan sonra {item.updated_by_name()} tarafından "
                                 "değiştirildi; sayfayı yenileyip yeniden deneyin.", 409)
        raw = (request.form.get("start") or "").strip()
        if not raw and request.form.get("date"):
            raw = f"{request.form.get('date')}T{request.form.get('time') or item.starts_at.strftime('%H:%M')}"
        try:
            new_start = dt.datetime.strptime(raw[:16], SLOT_FORMAT) if "T" in raw else dt.datetime.combine(
                dt.date.fromisoformat(raw[:10]), item.starts_at.time())
        except ValueError:
            return answer(False, "Geçerli bir tarih ve saat girin.", 400)
        if not (2000 <= new_start.year <= 2100):
            return answer(False, "Geçerli bir tarih ve saat girin.", 400)
        duration = (item.ends_at - item.starts_at) if item.ends_at else None
        if item.all_day and "T" in raw and request.form.get("start"):
            item.all_day, duration = False, dt.timedelta(hours=1)   # dropped on an hour: no longer all day
        item.starts_at = new_start
        if duration is not None:
            item.ends_at = new_start + duration
        clash = conflicts(db.session, item.starts_at, item.ends_at, item.attendee, item.all_day,
                          exclude_id=item.id)
        message = f"Kayıt {turkish.format_day(new_start)} {item.time_text} saatine taşındı."
        if clash:
            names = "; ".join(f"“{o.title}” ({o.time_text})" for o in clash[:3])
            item.conflict_note = f"Taşımada çakışma kabul edildi: {names}"[:300]
            message += f" Dikkat: şu programla çakışıyor: {names}."
        try:
            db.session.commit()
        except Exception:  # noqa: BLE001 - a concurrent change; nothing half-saved
            db.session.rollback()
            return answer(False, "Kayıt taşınamadı; başka biri aynı anda değiştirdi.", 409)
        return answer(True, message)

    @expose("/program.pdf")
    @has_access
    @permission_name("calendar")
    def program_pdf(self):
        from app.core.documents import letterhead
        from app.core.pdf import pdf_response, render_list_pdf

        mode = "week" if request.args.get("view") == "week" else "day"
        day = _parse_day(request.args.get("date")) or dt.date.today()
        start, end = _range(mode, day)
        daily = mode == "day"
        rows = []
        for e in entries_between(start, end):
            row = [e.time_text, e.title or "", e.place or "", e.attendee or "",
                   (e.participants or "").replace("\n", ", "), e.status_label, e.notes or ""]
            rows.append(row if daily else [f"{turkish.format_day(e.starts_at)} {DAY_NAMES[e.starts_at.weekday()]}"] + row)
        last = end - dt.timedelta(days=1)
        if daily:
            title = f"Başkanlık Günlük Programı – {turkish.format_day(day)}"
            period = f"{turkish.format_day(day)} {DAY_NAMES[day.weekday()]}"
        else:
            title = f"Başkanlık Haftalık Programı – {turkish.format_day(start)} – {turkish.format_day(last)}"
            period = f"{turkish.format_day(start)} – {turkish.format_day(last)}"
        headers = ["Saat", "Program", "Yer", "Katılan", "Katılımcılar", "Durum", "Not"]
        if not daily:
            headers = ["Gün"] + headers
        note = "" if may_see_private() else "; özel kayıtlar “Dolu” olarak gösterilir"
        filters = f"Dönem: {period}{note}" + ("" if rows else " · Bu dönemde program yok.")
        pdf = render_list_pdf(title, headers, rows, filters=filters, letterhead=letterhead())
        audit.record("agenda_entry", None, "print", title)
        return pdf_response(pdf, filename=f"program-{start.isoformat()}.pdf")

    # -- iCalendar feed address (created and revoked by its owner) ----------
    @expose("/feed", methods=["GET"])
    @has_access
    @permission_name("feed")
    def feed(self):
        tokens = (db.session.query(AgendaFeedToken)
                  .filter(AgendaFeedToken.user_id == g.user.id, AgendaFeedToken.revoked_at.is_(None))
                  .order_by(AgendaFeedToken.id).all())
        return self.render_template("agenda/feed.html", tokens=tokens, new_url=None,
                                    title=str(_l("Calendar subscription (iCal)")))

    @expose("/feed/new", methods=["POST"])
    @has_access
    @permission_name("feed")
    def feed_new(self):
        token = secrets.token_urlsafe(32)
        row = AgendaFeedToken(user_id=g.user.id, token_hash=AgendaFeedToken.hash(token))
        db.session.add(row)
        db.session.flush()
        audit.record("agenda_feed_token", row.id, "create", "iCal adresi oluşturuldu", commit=False)
        db.session.commit()
        tokens = (db.session.query(AgendaFeedToken)
                  .filter(AgendaFeedToken.user_id == g.user.id, AgendaFeedToken.revoked_at.is_(None))
                  .order_by(AgendaFeedToken.id).all())
        url = url_for("AgendaIcalView.ical", token=token, _external=True)
        return self.render_template("agenda/feed.html", tokens=tokens, new_url=url,
                                    title=str(_l("Calendar subscription (iCal)")))

    @expose("/feed/revoke/<pk>", methods=["POST"])
    @has_access
    @permission_name("feed")
    def feed_revoke(self, pk):
        from app.core.guards import parse_pk

        row = db.session.get(AgendaFeedToken, parse_pk(pk)) if parse_pk(pk) is not None else None
        if row is None or row.user_id != g.user.id:
            abort(404)
        if row.revoked_at is None:
            row.revoked_at = dt.datetime.now()
            audit.record("agenda_feed_token", row.id, "update", "iCal adresi iptal edildi", commit=False)
            db.session.commit()
        flash("Takvim adresi iptal edildi; bu adres artık çalışmaz.", "success")
        return redirect(url_for("AgendaCalendarView.feed"))


class AgendaIcalView(BaseView):
    """The iCalendar feed (RFC 5545) behind a secret, revocable address: no
    login (calendar programs cannot log in); the address is the key."""

    route_base = "/ical"

    @expose("/<token>.ics")
    def ical(self, token):
        from flask import Response
        from flask_appbuilder.security.sqla.models import User

        row = (db.session.query(AgendaFeedToken)
               .filter(AgendaFeedToken.token_hash == AgendaFeedToken.hash(token[:200])).first())
        if row is None or row.revoked_at is not None:
            abort(404)
        user = db.session.get(User, row.user_id)
        if user is None or not user.active:
            abort(404)
        g.agenda_viewer = user
        today = dt.date.today()
        entries = entries_between(today - dt.timedelta(days=60), today + dt.timedelta(days=370))
        body = ical_document(entries, host=request.host)
        return Response(body, mimetype="text/calendar",
                        headers={"Content-Disposition": "inline; filename=baskanlik-programi.ics",
                                 "Cache-Control": "no-store"})


def ical_document(entries, host="ozelkalem") -> bytes:
    from icalendar import Calendar, Event

    cal = Calendar()
    cal.add("prodid", "-//Ozel Kalem//Baskanlik Programi//TR")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "Başkanlık Programı")
    stamp = dt.datetime.now(dt.timezone.utc)
    for e in entries:
        ev = Event()
        ev.add("uid", f"agenda-{e.id}@{host}")
        ev.add("dtstamp", stamp)
        if e.all_day:
            ev.add("dtstart", e.starts_at.date())
            ev.add("dtend", e.starts_at.date() + dt.timedelta(days=1))
        else:
            ev.add("dtstart", e.starts_at)
            ev.add("dtend", e.end)
        ev.add("summary", e.title or BUSY)
        if e.place:
            ev.add("location", e.place)
        desc = "\n".join(x for x in [f"Katılan: {e.attendee}" if e.attendee else "",
                                     e.participants or "", e.notes or ""] if x)
        if desc and not e.hidden:
            ev.add("description", desc)
        ev.add("status", {"iptal": "CANCELLED", "planlandi": "TENTATIVE"}.get(e.status, "CONFIRMED"))
        if e.private:
            ev.add("class", "PRIVATE")
        cal.add_component(ev)
    return cal.to_ical()


# ---------------------------------------------------------------------------
# Turkish names and the home page
# ---------------------------------------------------------------------------

DAY_NAMES = ["Pazartesi", "Salı", "Çarşamba", "Perşembe", "Cuma", "Cumartesi", "Pazar"]
MONTHS = ["Ocak", "Şubat", "Mart", "Nisan", "Mayıs", "Haziran", "Temmuz", "Ağustos", "Eylül", "Ekim",
          "Kasım", "Aralık"]


def turkish_day_names():
    return DAY_NAMES


def turkish_month(day):
    return f"{MONTHS[day.month - 1]} {day.year}"


@home_section(20)
def todays_program(user, sm):
    """Today's and tomorrow's program on the home page of the Müdür, the
    clerks, the Başkan and his deputy (one query for both days)."""
    names = {r.name for r in getattr(user, "roles", [])}
    if not names & {"Müdür", "Memur", "Başkan", "Başkan Yardımcısı"} \
            or not sm.has_access("can_calendar", "AgendaCalendarView"):
        return None
    today = dt.date.today()
    tomorrow = today + dt.timedelta(days=1)
    both = entries_between(today, today + dt.timedelta(days=2))
    return {"template": "agenda/home_today.html", "agenda_day": today, "agenda_tomorrow": tomorrow,
            "agenda_today": [e for e in both if _starts_on(e) <= today],
            "agenda_next": [e for e in both if _starts_on(e) >= tomorrow]}


def _starts_on(entry):
    return entry.starts_at.date()
