"""Toplantılar ve Tutanaklar: the meeting with its participants, agenda items
(minutes, decisions) and action items as detail registers reached from the
meeting's page; the minutes PDF; open action items on their owner's home page
and a list the Müdür filters by unit."""
from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, or_

from app.core import turkish
from app.core.documents import doc_context
from app.core.personal import mask_name
from app.core.register import RegisterInterface, RegisterView, register
from app.extensions import db
from app.home import home_section
from app.notify.reminders import Reminder, due_kind, reminder_source, suffix
from app.registers.meetings.models import ActionItem, AgendaItem, Meeting, MeetingParticipant

TEMPLATES = str(Path(__file__).resolve().parent / "templates")


class _Detail(RegisterView):
    """A detail row: saved, the clerk goes back to the meeting's page."""

    def _landing(self):
        from flask import g, redirect, request, url_for

        item = g.get("ozk_saved")
        if item is not None and not request.args.get("_dialog") and getattr(item, "meeting_id", None):
            g.pop("ozk_saved")
            return redirect(url_for("MeetingView.show", pk=item.meeting_id))
        return super()._landing()


@register("mayor", _l("Meeting participants"), icon="fa-users", personal_data=True, menu=False)
class MeetingParticipantView(_Detail):
    datamodel = RegisterInterface(MeetingParticipant)
    list_title = _l("Participants")
    show_title = add_title = edit_title = _l("Participant")
    base_order = ("id", "asc")


@register("mayor", _l("Agenda items"), icon="fa-list-ol", menu=False)
class AgendaItemView(_Detail):
    datamodel = RegisterInterface(AgendaItem)
    list_title = _l("Agenda and minutes")
    show_title = add_title = edit_title = _l("Agenda item")
    base_order = ("seq", "asc")
    list_columns = ["seq", "topic", "minutes", "decision"]

    def add_defaults(self, form):
        """The next number of the meeting's agenda."""
        from flask import request

        from app.core.guards import parse_pk

        super().add_defaults(form)
        meeting = parse_pk(request.args.get("_flt_0_meeting") or "")
        if "seq" in form._fields and form.seq.data in (None, "", 1) and meeting is not None:
            last = db.session.query(db.func.max(AgendaItem.seq)).filter(AgendaItem.meeting_id == meeting).scalar()
            form.seq.data = (last or 0) + 1


@register("mayor", _l("Action items"), icon="fa-tasks", personal_data=True)
class ActionItemView(_Detail):
    datamodel = RegisterInterface(ActionItem)
    list_title = _l("Action items from meetings")
    show_title = add_title = edit_title = _l("Action item")
    base_order = ("due_date", "asc")


@register("mayor", _l("Meetings and minutes"), icon="fa-comments", personal_data=True)
class MeetingView(RegisterView):
    datamodel = RegisterInterface(Meeting)
    template_folder = TEMPLATES
    related_views = [MeetingParticipantView, AgendaItemView, ActionItemView]
    pdf_template = "meetings/minutes.html"
    list_title = _l("Meetings and minutes")
    show_title = add_title = edit_title = _l("Meeting")
    base_order = ("starts_at", "desc")

    def pdf_context(self, item):
        when = turkish.format_date(item.starts_at)
        if item.ends_at is not None:
            when += f" – {item.ends_at.strftime('%H:%M')}"
        present = [p for p in item.participants if p.attended and not p.archived]
        absent = [p for p in item.participants if not p.attended and not p.archived]

        def names(rows):
            return "\n".join(f"{mask_name(p.display_name)}" + (f" ({p.signature_title})" if p.signature_title else "")
                             for p in rows)

        fields = [("Toplantı", item.title), ("Türü", item.kind_label), ("Tarih ve saat", when),
                  ("Yer", item.place or ""), ("Başkanlık eden", item.chair or ""),
                  ("Katılanlar", names(present))]
        if absent:
            fields.append(("Katılamayanlar", names(absent)))
        signatures = [{"title": p.signature_title, "name": mask_name(p.display_name)} for p in present]
        ctx = doc_context(self, item, "TOPLANTI TUTANAĞI", fields, signatures, date=item.starts_at,
                          notes=item.summary)
        ctx["extra"] = {
            "meeting": item,
            "agenda": [a for a in item.agenda_items if not a.archived],
            "actions": [{"no": n, "description": a.description, "owner": owner_text(a),
                         "due": turkish.format_day(a.due_date), "status": a.status_label}
                        for n, a in enumerate((a for a in item.action_items if not a.archived), start=1)],
            "held": item.status == "yapildi",
        }
        return ctx


def owner_text(action):
    """The owner unit and/or staff member, the person's name masked for roles without personal data."""
    return ", ".join(filter(None, [str(action.owner_unit or ""), str(mask_name(action.owner_staff) or "")]))


# -- the owner's home page ------------------------------------------------------


def owner_filter(user):
    """Action items owned by this user: owner staff member linked to the
    login, or owner unit of that staff member (everybody in a unit sees the
    unit's items). None when the login is linked to no staff member."""
    from app.registers.reference.models import Staff

    staff = db.session.query(Staff).filter(Staff.user_id == user.id, Staff.archived.is_(False)).first()
    if staff is None:
        return None
    conditions = [ActionItem.owner_staff_id == staff.id]
    if staff.unit_id is not None:
        conditions.append(ActionItem.owner_unit_id == staff.unit_id)
    return or_(*conditions)


@functools.lru_cache(maxsize=None)
def _my_action_items_statement():
    """A person's open action items, theirs and their unit's: the owner's
    staff record joined in, one query (built once per process; the person is
    bound at each run)."""
    from sqlalchemy import bindparam, select

    from app.registers.reference.models import Staff

    return (select(ActionItem)
            .join(Staff, and_(Staff.user_id == bindparam("user_id"), Staff.archived.is_(False),
                              or_(ActionItem.owner_staff_id == Staff.id,
                                  and_(Staff.unit_id.isnot(None), ActionItem.owner_unit_id == Staff.unit_id))))
            .where(ActionItem.archived.is_(False), ActionItem.status == "acik")
            .order_by(ActionItem.due_date.is_(None), ActionItem.due_date, ActionItem.id).limit(50))


@home_section(40)
def my_action_items(user, sm):
    """"Toplantılardan işlerim": open action items of this user (their own
    or their unit's), overdue first."""
    if not sm.has_access("can_list", "ActionItemView"):
        return None
    items = db.session.execute(_my_action_items_statement(), {"user_id": user.id}).scalars().all()
    if not items:
        return None
    rows = [{"item": a, "overdue": a.overdue, "due": turkish.format_day(a.due_date),
             "owner": owner_text(a)} for a in items]
    rows.sort(key=lambda r: not r["overdue"])
    return {"template": "meetings/home_actions.html", "actions": rows,
            "overdue_count": sum(1 for r in rows if r["overdue"]), "today": dt.date.today()}


@reminder_source
def action_items_due(session, today):
    """Open action items due tomorrow or overdue, to the staff member who
    owns them when that person has a login."""
    from app.registers.reference.models import Staff

    rows = (session.query(ActionItem, Staff.user_id)
            .join(Staff, Staff.id == ActionItem.owner_staff_id)
            .filter(ActionItem.archived.is_(False), ActionItem.status == "acik", Staff.user_id.isnot(None),
                    ActionItem.due_date <= today + dt.timedelta(days=1)).all())
    for item, user_id in rows:
        kind = due_kind(item.due_date, today)
        if kind:
            yield Reminder(user_id, kind, "ActionItemView", item.id,
                           f"Aksiyon · {item.audit_reference()}: {suffix(kind, item.due_date)}")
