"""Telefon Görüşmeleri: the register, the one-line quick entry and the call
backs on the assignee's home page."""
from __future__ import annotations

import datetime as dt
import functools
import re
from pathlib import Path

from flask import abort, flash, g, make_response, redirect, render_template, request, url_for
from flask_appbuilder.baseviews import expose
from flask_appbuilder.security.decorators import has_access, permission_name
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.core import approval, turkish
from app.core.fields import strip_control_chars
from app.core.personal import mask_name
from app.core.register import RegisterInterface, RegisterView, register
from app.extensions import db
from app.home import home_section
from app.notify.reminders import Reminder, due_kind, reminder_source, suffix
from app.registers.phone.models import DIRECTIONS, OUTCOMES, PhoneCall

TEMPLATES = str(Path(__file__).resolve().parent / "templates")
MARKERS = {"Admin"}        # besides the assignee and the Müdür, who may mark a call back done
TIME = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*$")


def active_users():
    from flask_appbuilder.security.sqla.models import User

    return (db.session.query(User).filter(User.active.is_(True))
            .order_by(User.first_name, User.last_name).all())


def may_mark_done(call, user) -> bool:
    """The assignee, the Müdür or Admin closes a call back."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    roles = {r.name for r in getattr(user, "roles", [])}
    return call.assignee_id == user.id or approval.is_director(user) or bool(roles & MARKERS)


def _refuse(text, code=403):
    from app.extensions import appbuilder

    html = render_template("error.html", code=code, title="İşlem reddedildi", text=text,
                           appbuilder=appbuilder, base_template=appbuilder.base_template)
    abort(make_response(html, code))


@register("mayor", _l("Phone calls"), icon="fa-phone", personal_data=True)
class PhoneCallView(RegisterView):
    datamodel = RegisterInterface(PhoneCall)
    template_folder = TEMPLATES
    list_template = "phone/list.html"
    list_title = _l("Phone call log")
    show_title = add_title = edit_title = _l("Phone call")
    base_order = ("called_at", "desc")

    # -- quick entry: one line, keyboard only ---------------------------------
    @expose("/quick", methods=["GET", "POST"])
    @has_access
    @permission_name("add")
    def quick(self):
        """Enter saves the line and opens a new empty one (focus on the first
        field); a line with a mistake comes back with its values and the message."""
        values, errors = self._quick_defaults(), {}
        if request.method == "POST":
            values, errors, call = self._quick_parse()
            if not errors:
                db.session.add(call)
                try:
                    db.session.commit()
                except Exception:  # noqa: BLE001 - nothing half-saved, the line stays
                    db.session.rollback()
                    errors["_"] = _("The call could not be saved; nothing was changed.")
                else:
                    flash(_("Call saved: %(call)s", call=mask_name(call.caller) or call.subject), "success")
                    return redirect(url_for("PhoneCallView.quick"))
        return self.render_template("phone/quick.html", values=values, errors=errors,
                                    directions=DIRECTIONS, outcomes=OUTCOMES, users=active_users(),
                                    calls=self._today_calls(),
                                    title=_("Phone calls: quick entry")), 400 if errors else 200

    def _quick_defaults(self):
        return {"time": dt.datetime.now().strftime("%H:%M"), "direction": "gelen", "caller": "",
                "contact_id": "", "number": "", "subject": "", "outcome": "baglandi",
                "callback": False, "assignee": ""}

    def _quick_parse(self):
        form = request.form

        def text(name, limit):
            return strip_control_chars((form.get(name) or "").strip())[:limit]

        values = {"time": text("time", 5), "direction": form.get("direction", ""),
                  "caller": text("caller", 200), "contact_id": text("contact_id", 12),
                  "number": text("number", 40), "subject": text("subject", 300),
                  "outcome": form.get("outcome", ""), "callback": form.get("callback") in ("1", "on", "y"),
                  "assignee": text("assignee", 12)}
        errors = {}
        match = TIME.match(values["time"])
        called_at = None
        if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
            errors["time"] = _("Write the time as HH:MM (e.g. 14:05).")
        else:
            called_at = dt.datetime.combine(dt.date.today(), dt.time(int(match.group(1)), int(match.group(2))))
        if values["direction"] not in DIRECTIONS:
            errors["direction"] = _("Choose the direction of the call.")
        if values["outcome"] not in OUTCOMES:
            errors["outcome"] = _("Choose the outcome of the call.")
        if not values["subject"]:
            errors["subject"] = _("Write the subject of the call.")
        from app.core.guards import parse_pk
        from app.registers.reference.models import Contact
        from flask_appbuilder.security.sqla.models import User

        contact = None
        if values["contact_id"]:
            pk = parse_pk(values["contact_id"])
            contact = db.session.get(Contact, pk) if pk is not None else None
            if contact is None or contact.archived:
                contact, values["contact_id"] = None, ""
        assignee = None
        if values["assignee"]:
            pk = parse_pk(values["assignee"])
            assignee = db.session.get(User, pk) if pk is not None else None
            if assignee is None or not assignee.active:
                errors["assignee"] = _("Choose who calls back.")
                assignee = None
        caller_name = None if contact is not None else (values["caller"] or None)
        data = {"contact": contact, "caller_name": caller_name, "callback_needed": values["callback"],
                "assignee": assignee, "called_at": called_at}
        for name, message in PhoneCall.validate_data(data).items():
            errors.setdefault({"caller_name": "caller", "called_at": "time"}.get(name, name), message)
        call = None
        if not errors:
            call = PhoneCall(called_at=called_at, direction=values["direction"], contact=contact,
                             caller_name=caller_name, phone=values["number"] or None,
                             subject=values["subject"], outcome=values["outcome"],
                             callback_needed=values["callback"], assignee=assignee if values["callback"] else None)
            call.fill_defaults()
        return values, errors, call

    def _today_calls(self):
        start = dt.datetime.combine(dt.date.today(), dt.time())
        calls = (db.session.query(PhoneCall)
                 .filter(PhoneCall.archived.is_(False), PhoneCall.called_at >= start)
                 .order_by(PhoneCall.called_at.desc(), PhoneCall.id.desc()).limit(30).all())
        number = self.formatters_columns.get("phone", lambda v: v or "")
        return [{"call": c, "caller": mask_name(c.caller), "number": number(c.phone)} for c in calls]

    # -- call back done --------------------------------------------------------
    @expose("/callback_done/<pk>", methods=["POST"])
    @has_access
    @permission_name("edit")
    def callback_done(self, pk):
        call = self._record_or_404(pk)
        if not call.callback_needed:
            flash(_("This call needs no call back."), "info")
            return self._back(call)
        if not may_mark_done(call, g.user):
            _refuse("Geri arama görevini yalnızca görevlendirilen kişi, Müdür veya Admin "
                    "tamamlandı olarak işaretleyebilir.")
        if call.callback_done_at is not None:
            flash(_("This call back was already marked done."), "info")
        else:
            call.callback_done_at = dt.datetime.now()
            call.callback_done_by_id = g.user.id
            try:
                db.session.commit()
            except Exception:  # noqa: BLE001
                db.session.rollback()
                flash("Kayıt sırasında bir hata oluştu; hiçbir değişiklik kaydedilmedi.", "danger")
                return self._back(call)
            flash(_("Call back marked done."), "success")
        if request.form.get("next") == "home":
            return redirect(url_for("HomeView.index"))
        return self._back(call)


@functools.lru_cache(maxsize=None)
def _callbacks_statement():
    """The person's open call backs (built once per process; the person is
    bound at each run: the home page runs it on every visit)."""
    from sqlalchemy import bindparam, select
    from sqlalchemy.orm import joinedload

    from app.registers.reference.models import Contact

    return (select(PhoneCall)
            .where(PhoneCall.archived.is_(False), PhoneCall.callback_needed.is_(True),
                   PhoneCall.callback_done_at.is_(None), PhoneCall.assignee_id == bindparam("user_id"))
            .options(joinedload(PhoneCall.contact).joinedload(Contact.institution))   # the caller's name
            .order_by(PhoneCall.callback_due, PhoneCall.called_at).limit(50))


@home_section(30)
def my_callbacks(user, sm):
    """"Geri aranacaklar": the open call backs assigned to this user, overdue first."""
    if not sm.has_access("can_list", "PhoneCallView"):
        return None
    calls = db.session.execute(_callbacks_statement(), {"user_id": user.id}).scalars().all()
    if not calls:
        return None
    number = _number_formatter()
    rows = [{"call": c, "caller": mask_name(c.caller), "number": number(c.phone),
             "overdue": c.callback_overdue, "due": turkish.format_day(c.callback_due),
             "may_mark": sm.has_access("can_edit", "PhoneCallView") and may_mark_done(c, user)}
            for c in calls]
    rows.sort(key=lambda r: not r["overdue"])
    return {"template": "phone/home_callbacks.html", "callbacks": rows,
            "overdue_count": sum(1 for r in rows if r["overdue"])}


def _number_formatter():
    from app.core.register import _masking_formatter

    return _masking_formatter("phone")


@reminder_source
def callbacks_due(session, today):
    """Call backs due tomorrow or overdue, to the person who calls back."""
    calls = (session.query(PhoneCall)
             .filter(PhoneCall.archived.is_(False), PhoneCall.callback_needed.is_(True),
                     PhoneCall.callback_done_at.is_(None), PhoneCall.assignee_id.isnot(None),
                     PhoneCall.callback_due <= today + dt.timedelta(days=1)).all())
    label = "Telefon görüşmeleri"
    for call in calls:
        kind = due_kind(call.callback_due, today)
        if kind:
            yield Reminder(call.assignee_id, kind, "PhoneCallView", call.id,
                           f"{label} · {call.audit_reference()}: geri arama {suffix(kind, call.callback_due)}")
