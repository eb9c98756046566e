"""Başkanlık Programı (the mayor's agenda) and Randevu Talepleri (appointment
requests, walk-ins on the public day).

Private entries: only the roles in ``PRIVATE_ROLES`` (Müdür, Admin, Başkan) see their
title, place, participants and notes. For everybody else the values are
replaced *when the row is loaded* (``_mask_private``: committed values, never
written back), so every screen that reads the record — list, show page,
calendar, PDFs, iCal, exports — shows "Dolu"; the quick search and column
filters leave private entries out for them (``views.AgendaListFilter``), and
the audit trail never stores a private entry's title (``audit_reference`` and
``personal_field_names``).
"""
from __future__ import annotations

import datetime as dt
import hashlib

from flask import g, has_request_context
from flask_appbuilder import Model
from flask_babel import gettext as _t
from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Integer, String, Text, event
from sqlalchemy.orm import Session, relationship
from sqlalchemy.orm.attributes import set_committed_value

from app.core import turkish
from app.core.declare import computed, field
from app.core.register import Register, trigram_index

KINDS = {"toplanti": "Toplantı", "ziyaret": "Ziyaret", "toren": "Tören", "halk_gunu": "Halk günü",
         "saha": "Saha", "seyahat": "Seyahat", "ozel": "Özel"}
STATUSES = {"planlandi": "Planlandı", "kesinlesti": "Kesinleşti", "ertelendi": "Ertelendi",
            "iptal": "İptal"}
INACTIVE = ("ertelendi", "iptal")      # such entries occupy no slot
MAYOR = "Başkan"
BUSY = "Dolu"
PRIVATE_ROLES = {"Müdür", "Admin", "Başkan"}   # the mayor sees his own private entries
HIDDEN_FIELDS = ("title", "place", "participants", "notes")

# event decisions (app/registers/protocol/models.py EVENT_DECISIONS) that put the event on the agenda
EVENT_ON_AGENDA = ("katilacak", "temsilci")

CHANNELS = {"telefon": "Telefon", "dilekce": "Dilekçe", "eposta": "E-posta", "yuz_yuze": "Yüz yüze"}
DECISIONS = {"bekliyor": "Karar bekliyor", "uygun": "Uygun (programa alındı)", "ertelendi": "Ertelendi",
             "reddedildi": "Reddedildi", "yonlendirildi": "Yönlendirildi"}


def may_see_private(user=None) -> bool:
    """Müdür and Admin see private entries; outside a request (CLI, demo
    loading, tests' direct database work) there is no viewer to hide from."""
    if user is None:
        if not has_request_context():
            return True
        user = getattr(g, "agenda_viewer", None) or getattr(g, "user", None)
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return bool({r.name for r in getattr(user, "roles", [])} & PRIVATE_ROLES)


class AgendaEntry(Register, Model):
    """One slot of the mayor's program."""

    __tablename__ = "agenda_entry"
    names_person = False

    starts_at = Column(DateTime, nullable=False, index=True,
                       info=field(_l("Start"), list=True, filter=True, order=True, place="head"))
    ends_at = Column(DateTime, info=field(_l("End"), list=True, order=True, place="head",
                                         help=_l("Empty: one hour after the start.")))
    all_day = Column(Boolean, nullable=False, default=False, info=field(_l("All day"), place="head"))
    title = Column(String(250), nullable=False,
                   info=field(_l("Program item"), list=True, search=True, order=True, place="head"))
    kind = Column(String(20), nullable=False, default="toplanti",
                  info=field(_l("Kind"), choices=KINDS, list=True, search=True))
    place = Column(String(250), info=field(_l("Place"), list=True, search=True))
    participants = Column(Text, info=field(_l("Participants"), search=True, personal=True,
                                           help=_l("One per line: contacts, staff, guests.")))
    attendee = Column(String(150), nullable=False, default=MAYOR,
                      info=field(_l("Attends for the mayor"), list=True, search=True,
                                 help=_l("The mayor, a deputy or a representative.")))
    status = Column(String(20), nullable=False, default="planlandi",
                    info=field(_l("Status"), choices=STATUSES, list=True, search=True))
    private = Column(Boolean, nullable=False, default=False,
                     info=field(_l("Private"), list=True, filter=True,
                                help=_l("Shown only as \"Dolu\" to everybody but the Müdür and Admin.")))
    notes = Column(Text, info=field(_l("Notes")))
    conflict_note = Column(String(300), info=field(_l("Accepted conflict"), form=False, place="tail"))
    event_id = Column(Integer, ForeignKey("event.id", ondelete="SET NULL"), index=True)
    event = relationship("Event", lazy="joined",
                         info=field(_l("Source event"), form=False, place="tail"))
    request_id = Column(Integer, ForeignKey("appointment_request.id", ondelete="SET NULL"), index=True)
    request = relationship("AppointmentRequest", lazy="joined", foreign_keys=[request_id],
                           info=field(_l("Source appointment request"), form=False, place="tail"))

    __table_args__ = (trigram_index("agenda_entry"),)

    # -- time ---------------------------------------------------------------
    @property
    def end(self) -> dt.datetime:
        if self.all_day:
            return dt.datetime.combine(self.starts_at.date(), dt.time(23, 59))
        return self.ends_at or self.starts_at + dt.timedelta(hours=1)

    @property
    def start(self) -> dt.datetime:
        return dt.datetime.combine(self.starts_at.date(), dt.time(0, 0)) if self.all_day else self.starts_at

    @computed(_l("Time"), show=False)
    def time_text(self):
        if self.all_day:
            return "Tüm gün"
        return f"{self.starts_at:%H:%M}–{self.end:%H:%M}"

    @property
    def hidden(self) -> bool:
        return bool(getattr(self, "_ozk_masked", False))

    # -- KVKK and privacy ---------------------------------------------------
    def personal_field_names(self):
        names = tuple(type(self).personal_fields)
        return names + HIDDEN_FIELDS if self.private else names

    def audit_reference(self):
        if self.private:
            return f"Özel program kaydı #{self.id}"
        return str(self)

    def build_search_key(self):
        if self.hidden:      # loaded masked: keep the stored key (the real values)
            return self.search_key or ""
        return super().build_search_key()

    @classmethod
    def validate_data(cls, data, record=None):
        errors = {}
        start, end = data.get("starts_at"), data.get("ends_at")
        if start and end and end < start:
            errors["ends_at"] = _t("The end cannot be before the start.")
        return errors

    def __repr__(self):
        day = turkish.format_day(self.starts_at) if self.starts_at else ""
        return f"{self.title} ({day} {self.time_text})" if day else (self.title or "")


@event.listens_for(AgendaEntry, "load")
def _mask_private(target, context):
    if target.private and not may_see_private():
        for name in HIDDEN_FIELDS:
            set_committed_value(target, name, BUSY if name == "title" else None)
        target._ozk_masked = True


@event.listens_for(AgendaEntry, "refresh")
def _mask_private_refresh(target, context, attrs):
    _mask_private(target, context)


# ---------------------------------------------------------------------------
# Conflicts and free slots
# ---------------------------------------------------------------------------

DAY_START, DAY_END = dt.time(8, 0), dt.time(19, 0)


def _same_attendee(a, b):
    return turkish.fold(a or MAYOR).strip() == turkish.fold(b or MAYOR).strip()


def busy_entries(session, day_from, day_to, exclude_id=None):
    query = (session.query(AgendaEntry)
             .filter(AgendaEntry.archived.is_(False), AgendaEntry.status.notin_(INACTIVE),
                     AgendaEntry.starts_at < dt.datetime.combine(day_to, dt.time(0)),
                     AgendaEntry.starts_at >= dt.datetime.combine(day_from, dt.time(0))
                     - dt.timedelta(days=1)))
    if exclude_id:
        query = query.filter(AgendaEntry.id != exclude_id)
    return query.order_by(AgendaEntry.starts_at).all()


def span(start, end, all_day=False):
    if all_day:
        day = start.date()
        return dt.datetime.combine(day, dt.time(0)), dt.datetime.combine(day, dt.time(23, 59))
    return start, end or start + dt.timedelta(hours=1)


def conflicts(session, start, end, attendee, all_day=False, exclude_id=None):
    """Active entries of the same attendee overlapping [start, end)."""
    start, end = span(start, end, all_day)
    found = []
    with session.no_autoflush:
        for other in busy_entries(session, start.date(), end.date() + dt.timedelta(days=1), exclude_id):
            if other.start < end and start < other.end and _same_attendee(other.attendee, attendee):
                found.append(other)
    return found


def free_slots(session, day, minutes, attendee, exclude_id=None, limit=6):
    """Start times on ``day`` (08:00–19:00, every 30 minutes) where an entry of
    ``minutes`` fits for ``attendee`` without overlapping anything."""
    minutes = max(15, min(minutes, 8 * 60))
    with session.no_autoflush:
        taken = [(o.start, o.end) for o in busy_entries(session, day, day + dt.timedelta(days=1), exclude_id)
                 if _same_attendee(o.attendee, attendee)]
    slots = []
    t = dt.datetime.combine(day, DAY_START)
    last = dt.datetime.combine(day, DAY_END)
    now = dt.datetime.now()
    while t + dt.timedelta(minutes=minutes) <= last and len(slots) < limit:
        e = t + dt.timedelta(minutes=minutes)
        if t >= now and not any(s < e and t < f for s, f in taken):
            slots.append((t, e))
        t += dt.timedelta(minutes=30)
    return slots


# ---------------------------------------------------------------------------
# Appointment requests
# ---------------------------------------------------------------------------


class AppointmentRequest(Register, Model):
    """Randevu talebi: by phone, petition, e-mail or in person (walk-in on
    the public day, queued in arrival order)."""

    __tablename__ = "appointment_request"
    names_person = True

    requester_id = Column(Integer, ForeignKey("contact.id"), index=True)
    requester = relationship("Contact", lazy="joined", foreign_keys=[requester_id],
                             info=field(_l("Requester (directory)"), list=True, masked="name", place="head"))
    requester_name = Column(String(150), info=field(_l("Requester (not in the directory)"), list=True,
                                                    search=True, personal=True, masked="name", place="head"))
    phone = Column(String(40), info=field(_l("Phone"), personal=True, masked="phone", search=True))
    institution = Column(String(200), info=field(_l("Institution"), list=True, search=True))
    subject = Column(String(300), nullable=False, info=field(_l("Subject"), list=True, search=True))
    preferred_dates = Column(String(200), info=field(_l("Preferred dates")))
    channel = Column(String(10), nullable=False, default="telefon",
                     info=field(_l("Channel"), choices=CHANNELS, list=True, search=True))
    walk_in = Column(Boolean, nullable=False, default=False,
                     info=field(_l("Walk-in (public day)"), list=True, filter=True))
    arrived_at = Column(DateTime, info=field(_l("Arrived at"), list=True, order=True, filter=True,
                                             help=_l("Walk-ins: the queue is in arrival order.")))
    received_by = Column(String(150), info=field(_l("Received by"), search=True))
    decision = Column(String(15), nullable=False, default="bekliyor",
                      info=field(_l("Decision"), choices=DECISIONS, list=True, search=True))
    scheduled_start = Column(DateTime, info=field(_l("Appointment start"), list=True, order=True,
                                                  help=_l("Required when the decision is \"uygun\".")))
    scheduled_end = Column(DateTime, info=field(_l("Appointment end")))
    attendee = Column(String(150), default=MAYOR, info=field(_l("Receives for the mayor")))
    reason = Column(Text, info=field(_l("Reason"), help=_l("Required when the request is refused.")))
    routed_to = Column(String(200), info=field(_l("Routed to (unit or deputy)"), search=True))
    outcome = Column(Text, info=field(_l("Outcome"), personal=True))

    __table_args__ = (trigram_index("appointment_request"),)

    @property
    def who(self):
        return str(self.requester) if self.requester is not None else (self.requester_name or "")

    @classmethod
    def validate_data(cls, data, record=None):
        errors = {}
        if not data.get("requester") and not (data.get("requester_name") or "").strip():
            errors["requester_name"] = _t("Pick the requester from the directory or write the name.")
        decision = data.get("decision")
        if decision == "reddedildi" and not (data.get("reason") or "").strip():
            errors["reason"] = _t("Write the reason of the refusal.")
        if decision == "yonlendirildi" and not (data.get("routed_to") or "").strip():
            errors["routed_to"] = _t("Write the unit or deputy the request is routed to.")
        if decision == "uygun" and not data.get("scheduled_start"):
            errors["scheduled_start"] = _t("Pick the appointment's time.")
        start, end = data.get("scheduled_start"), data.get("scheduled_end")
        if start and end and end < start:
            errors["scheduled_end"] = _t("The end cannot be before the start.")
        return errors

    def __repr__(self):
        return f"{self.who} – {self.subject}" if self.subject else self.who


# ---------------------------------------------------------------------------
# Linked entries: events decided "Katılacak"/"Temsilci gönderilecek" and
# appointment requests decided "uygun" keep an agenda entry in step.
# ---------------------------------------------------------------------------


def _event_wanted(ev):
    return (ev.decision in EVENT_ON_AGENDA and not ev.archived and ev.starts_at is not None)


def _linked(session, relation, obj):
    """The agenda entry linked to ``obj`` through ``relation`` ("event" or
    "request"): stored, or added in this flush."""
    if obj.id is not None:
        with session.no_autoflush:
            entry = (session.query(AgendaEntry).filter(getattr(AgendaEntry, f"{relation}_id") == obj.id)
                     .order_by(AgendaEntry.id).first())
        if entry is not None:
            return entry
    return next((e for e in session.new if isinstance(e, AgendaEntry) and getattr(e, relation) is obj), None)


def _follow(session, relation, obj, values, create, active_status):
    """Keep the linked entry in step with ``values`` (time, title, attendee),
    or create it with ``create``; a cancelled/postponed entry comes back."""
    entry = _linked(session, relation, obj)
    if entry is None:
        session.add(AgendaEntry(**{relation: obj}, **create, **values))
        return
    for key, value in values.items():
        if not (key in HIDDEN_FIELDS and entry.hidden) and getattr(entry, key) != value:
            setattr(entry, key, value)
    if entry.status in INACTIVE:
        entry.status = active_status


def _stop(entry, status):
    if entry is not None and entry.status not in INACTIVE:
        entry.status = status


def _sync_event(session, ev, deleted=False):
    if deleted or not _event_wanted(ev):
        entry = _linked(session, "event", ev)
        _stop(entry, "iptal")
        if deleted and entry is not None:
            entry.event = None
        return
    attendee = MAYOR if ev.decision == "katilacak" else (ev.representative or "Temsilci")
    _follow(session, "event", ev,
            {"starts_at": ev.starts_at, "ends_at": ev.ends_at or ev.starts_at + dt.timedelta(hours=1),
             "title": ev.name, "place": ev.place, "attendee": attendee[:150]},
            {"kind": "toren", "status": "planlandi"}, "planlandi")


def _sync_request(session, req):
    if req.decision != "uygun" or req.archived or req.scheduled_start is None:
        _stop(_linked(session, "request", req), "ertelendi" if req.decision == "ertelendi" else "iptal")
        return
    _follow(session, "request", req,
            {"starts_at": req.scheduled_start,
             "ends_at": req.scheduled_end or req.scheduled_start + dt.timedelta(minutes=30),
             "title": f"Randevu: {req.subject}"[:250], "attendee": (req.attendee or MAYOR)[:150]},
            {"kind": "ziyaret", "status": "kesinlesti", "participants": req.who, "place": "Başkanlık makamı",
             "conflict_note": getattr(req, "_ozk_conflict_note", None)}, "kesinlesti")


@event.listens_for(Session, "before_flush")
def _keep_linked_entries(session, flush_context, instances):
    from app.core.register import _stamp
    from app.registers.protocol.models import Event

    before = len(session.new)
    for obj in list(session.new) + list(session.dirty):
        if isinstance(obj, Event) and (obj in session.new or session.is_modified(obj)):
            _sync_event(session, obj)
        elif isinstance(obj, AppointmentRequest) and (obj in session.new or session.is_modified(obj)):
            _sync_request(session, obj)
    for obj in list(session.deleted):
        if isinstance(obj, Event):
            _sync_event(session, obj, deleted=True)
    if len(session.new) != before or any(isinstance(o, AgendaEntry) for o in session.dirty):
        _stamp(session, flush_context, instances)   # the entries written here get their stamps and search key


# ---------------------------------------------------------------------------
# iCalendar feed tokens
# ---------------------------------------------------------------------------


class AgendaFeedToken(Model):
    """A user's secret iCalendar address; only its SHA-256 is stored."""

    __tablename__ = "agenda_feed_token"
    id = Column(Integer, primary_key=True)
    user_id = Column(Integer, ForeignKey("ab_user.id"), nullable=False, index=True)
    token_hash = Column(String(64), nullable=False, unique=True)
    created_at = Column(DateTime, nullable=False, default=dt.datetime.now)
    revoked_at = Column(DateTime)

    @staticmethod
    def hash(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()
