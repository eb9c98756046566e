"""Office administration (S m7(13), m8(j), m9(c)4, m9(e)12, m11(4); G m5, m6, m8):
subscriptions, official vehicles, driver duty slips, custody (zimmet) with
its history, handover lists (devir teslim) and leave with the müdür's proxy.

Business rules live here (``validate_data`` with Turkish messages, the
custody history hook, ``Handover.on_approved``, the proxy provider); the
views only declare screens.
"""
from __future__ import annotations

import datetime as dt
import re

from flask_babel import gettext as _t  # validation messages: English source, Turkish catalog
from flask_babel import lazy_gettext as _l
from flask_appbuilder import Model
from sqlalchemy import (Boolean, Column, Date, DateTime, ForeignKey, Integer, Numeric, String, Text,
                        event, inspect)
from sqlalchemy.orm import Session, backref, relationship, validates

from app.core import approval, turkish
from app.core.approval import Approvable
from app.core.declare import computed, field
from app.core.register import Numbered, Register, trigram_index
from app.extensions import db

# Records in these states do not block others (overlap checks) and do not count.
INACTIVE_STATES = (approval.REJECTED, approval.CANCELLED)


def _day(value):
    return turkish.format_day(value)


def _id(value):
    """Id of a related object coming from a form (object) or a raw id."""
    if value is None:
        return None
    return getattr(value, "id", value)


def _excluding(query, model, record):
    if record is not None and getattr(record, "id", None) is not None:
        query = query.filter(model.id != record.id)
    return query


# ---------------------------------------------------------------------------
# Abonelikler (S m7(13), S m9(c)4)
# ---------------------------------------------------------------------------

SUBSCRIPTION_KINDS = {"gazete": "Gazete", "dergi": "Dergi", "kitap": "Kitap", "dijital": "Dijital"}


class Subscription(Register, Approvable, Numbered, Model):
    """Newspaper, magazine, book and digital subscriptions of the office."""

    __tablename__ = "subscription"
    number_prefix = "AB"

    publication = Column(String(200), nullable=False,
                         info=field(_l("Publication"), list=True, search=True, order=True))
    publisher = Column(String(200), info=field(_l("Publisher"), search=True))
    kind = Column(String(10), nullable=False, default="gazete",
                  info=field(_l("Kind"), choices=SUBSCRIPTION_KINDS, list=True, search=True))
    copies = Column(Integer, nullable=False, default=1, info=field(_l("Copies"), list=True, order=True))
    start_date = Column(Date, nullable=False, info=field(_l("Start"), list=True, order=True))
    end_date = Column(Date, nullable=False, index=True, info=field(_l("End"), list=True, order=True))
    cost = Column(Numeric(12, 2, asdecimal=True), info=field(_l("Cost (TL)"), money=True, list=True, order=True))
    delivery_to = Column(String(200), info=field(_l("Delivered to"), list=True, search=True))
    renewal_of_id = Column(Integer, ForeignKey("subscription.id"))
    renewal_of = relationship("Subscription", remote_side="Subscription.id", lazy="select", info=field(
        _l("Renewal of"), help=_l("The earlier subscription this one renews, if any")))
    notes = Column(Text, info=field(_l("Notes")))

    __table_args__ = (trigram_index("subscription"),)

    def days_left(self, today=None):
        if self.end_date is None:
            return None
        return (self.end_date - (today or dt.date.today())).days

    @classmethod
    def validate_data(cls, data, record=None):
        errors = {}
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            errors["end_date"] = _t("The end date cannot be before the start date.")
        cost = data.get("cost")
        if cost is not None and cost < 0:
            errors["cost"] = _t("The amount cannot be less than zero.")
        copies = data.get("copies")
        if copies is not None and copies < 1:
            errors["copies"] = _t("The quantity must be at least 1.")
        renewal_of = data.get("renewal_of")
        if renewal_of is not None and record is not None and _id(renewal_of) == record.id:
            errors["renewal_of"] = _t("A subscription cannot renew itself.")
        return errors

    def __repr__(self):
        return f"{self.publication} ({_day(self.start_date)} – {_day(self.end_date)})"


# ---------------------------------------------------------------------------
# Makam Araçları (S m8(j), G m5)
# ---------------------------------------------------------------------------

PLATE_LETTERS = "ABCDEFGHIJKLMNOPRSTUVYZQWX"
_PLATE_RE = re.compile(r"^(\d{2})([A-Z]{1,3})(\d{2,5})$")


def normalize_plate(value) -> str:
    """'16abc123' / ' 16 Abc  123 ' → '16 ABC 123' (Turkish upper case; the
    dotted İ a Turkish keyboard gives for 'i' is the plate letter I)."""
    if value is None:
        return ""
    text = turkish.upper(str(value)).replace("İ", "I")
    compact = re.sub(r"[\s\-]+", "", text)
    match = _PLATE_RE.match(compact)
    if not match:
        return " ".join(text.split())
    return " ".join(match.groups())


def plate_error(value) -> str | None:
    plate = normalize_plate(value)
    match = re.match(r"^(\d{2}) ([A-Z]{1,3}) (\d{2,5})$", plate)
    if not match:
        return ("Plaka biçimi geçersiz. Örnek: 16 ABC 123 (il kodu, 1–3 harf, 2–5 rakam; "
                "Ç, Ğ, İ, Ö, Ş, Ü kullanılmaz).")
    province = int(match.group(1))
    if not 1 <= province <= 81:
        return "Plakadaki il kodu 01 ile 81 arasında olmalıdır."
    return None


class Vehicle(Register, Model):
    """Official vehicles of the mayor's office."""

    __tablename__ = "vehicle"

    plate = Column(String(16), nullable=False, unique=True, info=field(
        _l("Plate"), list=True, search=True, order=True, help=_l("For example 16 ABC 123")))
    make_model = Column(String(120), nullable=False,
                        info=field(_l("Make and model"), list=True, search=True, order=True))
    driver_id = Column(Integer, ForeignKey("staff.id"))
    driver = relationship("Staff", foreign_keys=[driver_id], lazy="joined",
                          info=field(_l("Assigned driver"), list=True, key=True, masked="name"))
    active = Column(Boolean, nullable=False, default=True, info=field(_l("Active"), list=True, filter=True))
    notes = Column(Text, info=field(_l("Notes")))

    __table_args__ = (trigram_index("vehicle"),)

    @validates("plate")
    def _normalize_plate(self, key, value):
        return normalize_plate(value) if value else value

    @property
    def driver_name(self):
        return self.driver.name if self.driver else ""

    @classmethod
    def validate_data(cls, data, record=None):
        errors = {}
        if data.get("plate"):
            message = plate_error(data["plate"])
            if message:
                errors["plate"] = message
            else:
                plate = normalize_plate(data["plate"])
                other = _excluding(db.session.query(Vehicle).filter(Vehicle.plate == plate),
                                   Vehicle, record).first()
                if other is not None:
                    where = " (arşivde)" if other.archived else ""
                    errors["plate"] = _t("A vehicle with plate %(plate)s is already registered%(where)s.", plate=plate, where=where)
        return errors

    def __repr__(self):
        return f"{self.plate} {self.make_model or ''}".strip()


# ---------------------------------------------------------------------------
# Şoför Görev Kâğıtları (S m8(j), G m5)
# ---------------------------------------------------------------------------


class DutySlip(Register, Approvable, Numbered, Model):
    """A driver's duty slip: who drives which car where, when and why."""

    __tablename__ = "duty_slip"
    number_prefix = "GK"
    names_person = True

    driver_id = Column(Integer, ForeignKey("staff.id"), nullable=False, index=True)
    driver = relationship("Staff", foreign_keys=[driver_id], lazy="joined",
                          info=field(_l("Driver"), list=True, key=True, masked="name"))
    vehicle_id = Column(Integer, ForeignKey("vehicle.id"), nullable=False, index=True)
    vehicle = relationship("Vehicle", lazy="joined", info=field(_l("Vehicle"), list=True))
    slip_date = Column(Date, nullable=False, index=True,
                       info=field(_l("Date"), list=True, list_place="head", filter=True, order=True))
    # the list reads date, driver, car, route, then the times (the form asks the times first)
    departure_at = Column(DateTime, nullable=False,
                          info=field(_l("Departure time"), list=True, list_place="tail", order=True))
    return_at = Column(DateTime, nullable=False,
                       info=field(_l("Return time"), list=True, list_place="tail", order=True))
    route = Column(String(300), nullable=False,
                   info=field(_l("Destination / route"), list=True, search=True, order=True, personal=True))
    purpose = Column(String(300), nullable=False, info=field(_l("Purpose"), search=True, personal=True))
    passengers = Column(Text, info=field(_l("Passengers"), search=True, personal=True))
    odometer_out = Column(Integer, info=field(_l("Odometer out (km)")))
    odometer_in = Column(Integer, info=field(_l("Odometer in (km)")))
    notes = Column(Text, info=field(_l("Notes"), personal=True))

    __table_args__ = (trigram_index("duty_slip"),)

    @property
    def driver_name(self):
        return self.driver.name if self.driver else ""

    @computed(_l("Plate"), show=False, key=True)
    def plate(self):
        return self.vehicle.plate if self.vehicle else ""

    @computed(_l("Distance (km)"), list=True, list_place="tail")
    def km(self):
        if self.odometer_in is None or self.odometer_out is None:
            return None
        return self.odometer_in - self.odometer_out

    @classmethod
    def _overlapping(cls, column, value, start, end, record):
        query = (db.session.query(cls)
                 .filter(column == value, cls.archived.is_(False),
                         cls.state.notin_(INACTIVE_STATES),
                         cls.departure_at < end, cls.return_at > start)
                 .order_by(cls.departure_at))
        return _excluding(query, cls, record).first()

    @classmethod
    def validate_data(cls, data, record=None):
        errors = {}
        out_km, in_km = data.get("odometer_out"), data.get("odometer_in")
        if out_km is not None and out_km < 0:
            errors["odometer_out"] = _t("The odometer reading cannot be negative.")
        if out_km is not None and in_km is not None and in_km < out_km:
            errors["odometer_in"] = _t("The return odometer reading (%(back)s) cannot be less than the departure reading (%(out)s).", back=in_km, out=out_km)
        start, end = data.get("departure_at"), data.get("return_at")
        if start and end and end <= start:
            errors["return_at"] = _t("The return time must be after the departure time.")
        if start and end and end > start:
            driver, vehicle = _id(data.get("driver")), _id(data.get("vehicle"))
            if driver is not None:
                other = cls._overlapping(cls.driver_id, driver, start, end, record)
                if other is not None:
                    errors["driver"] = _t("The driver is on duty %(number)s at these times.", number=other.display_number())
            if vehicle is not None:
                other = cls._overlapping(cls.vehicle_id, vehicle, start, end, record)
                if other is not None:
                    errors["vehicle"] = _t("The vehicle is on duty %(number)s at these times.", number=other.display_number())
        return errors

    def __repr__(self):
        return f"{self.number or ''} {self.driver_name} – {self.route or ''}".strip()


# ---------------------------------------------------------------------------
# Zimmet (G m8, S m9(e)12)
# ---------------------------------------------------------------------------

CUSTODY_CONDITIONS = {"yeni": "Yeni", "iyi": "İyi", "orta": "Orta", "arizali": "Arızalı",
                      "hurda": "Hurda"}


class CustodyItem(Register, Model):
    """Movable goods and equipment in a staff member's custody."""

    __tablename__ = "custody_item"

    item = Column(String(200), nullable=False, info=field(_l("Equipment"), list=True, search=True, order=True))
    category = Column(String(100), info=field(_l("Category"), list=True, search=True, order=True))
    serial_no = Column(String(100), index=True,
                       info=field(_l("Serial / inventory no"), list=True, search=True, order=True))
    holder_id = Column(Integer, ForeignKey("staff.id"), index=True)
    holder = relationship("Staff", foreign_keys=[holder_id], lazy="joined",
                          info=field(_l("Holder"), list=True, key=True, masked="name"))
    since = Column(Date, info=field(_l("Held since"), list=True, filter=True, order=True,
                                    help=_l("Date the current holder received the item")))
    condition = Column(String(10), default="iyi",
                       info=field(_l("Condition"), choices=CUSTODY_CONDITIONS, list=True, filter=True))
    notes = Column(Text, info=field(_l("Notes")))

    __table_args__ = (trigram_index("custody_item"),)

    @property
    def holder_name(self):
        return self.holder.name if self.holder else ""

    def __repr__(self):
        serial = f" ({self.serial_no})" if self.serial_no else ""
        return f"{self.item}{serial}"


class CustodyHistory(Register, Model):
    """Who held an item when; written automatically whenever the holder changes."""

    __tablename__ = "custody_history"
    names_person = True

    item_id = Column(Integer, ForeignKey("custody_item.id", ondelete="CASCADE"), nullable=False,
                     index=True)
    item = relationship("CustodyItem", lazy="joined",
                        backref=backref("history_rows", cascade="all, delete-orphan",
                                        passive_deletes=True, lazy="select",
                                        order_by="CustodyHistory.from_date"),
                        info=field(_l("Equipment"), list=True, key=True))
    holder_id = Column(Integer, ForeignKey("staff.id"), index=True)
    holder = relationship("Staff", foreign_keys=[holder_id], lazy="joined",
                          info=field(_l("Holder"), list=True, key=True, masked="name"))
    from_date = Column(Date, nullable=False, info=field(_l("From"), list=True, filter=True, order=True))
    to_date = Column(Date, info=field(_l("To"), list=True, filter=True, order=True))
    note = Column(String(300), info=field(_l("Note"), list=True, search=True))

    __table_args__ = (trigram_index("custody_history"),)

    @property
    def item_label(self):
        return str(self.item) if self.item else ""

    @property
    def holder_name(self):
        return self.holder.name if self.holder else ""

    @classmethod
    def validate_data(cls, data, record=None):
        start, end = data.get("from_date"), data.get("to_date")
        if start and end and end < start:
            return {"to_date": _t("The end date cannot be before the start date.")}
        return {}

    def __repr__(self):
        return f"{self.item_label}: {self.holder_name} ({_day(self.from_date)} – {_day(self.to_date)})"


def _holder_change(obj):
    """(changed?, new holder id) for a CustodyItem in the session."""
    state = inspect(obj)
    rel, col = state.attrs.holder.history, state.attrs.holder_id.history
    unknown = object()
    if rel.has_changes():
        new = _id(rel.added[0]) if rel.added else None
        old = _id(rel.deleted[0]) if rel.deleted else unknown
    elif col.has_changes():
        new = col.added[0] if col.added else None
        old = col.deleted[0] if col.deleted else unknown
    else:
        return False, None
    if old is not unknown and old == new:
        return False, None
    return True, new


def _new_history(session, item, holder_id, start, note):
    from app.core.register import _current_user_id

    row = CustodyHistory(item=item, holder_id=holder_id, from_date=start, note=note)
    # the core's stamping hook has already run for this flush
    row.created_by_id = row.updated_by_id = _current_user_id()
    row.created_at = row.updated_at = dt.datetime.now()
    session.add(row)
    from app.registers.reference.models import Staff

    holder = session.get(Staff, holder_id) if holder_id else None
    row.search_key = turkish.fold(" ".join(filter(None, [str(item), holder.name if holder else "",
                                                         note or ""])))
    return row


@event.listens_for(Session, "before_flush")
def _custody_history(session, flush_context, instances):
    """Keep CustodyHistory in step with CustodyItem.holder (any writer: the
    form, a handover approval, a script)."""
    today = dt.date.today()
    with session.no_autoflush:
        for obj in list(session.new):
            if isinstance(obj, CustodyItem):
                if obj.since is None:
                    obj.since = today
                holder_id = _id(obj.holder) if obj.holder is not None else obj.holder_id
                if holder_id:
                    _new_history(session, obj, holder_id, obj.since,
                                 getattr(obj, "_history_note", None) or "İlk zimmet kaydı")
        for obj in list(session.dirty):
            if not isinstance(obj, CustodyItem) or obj in session.new:
                continue
            changed, holder_id = _holder_change(obj)
            if not changed:
                continue
            open_rows = (session.query(CustodyHistory)
                         .filter(CustodyHistory.item_id == obj.id, CustodyHistory.to_date.is_(None))
                         .all())
            if len(open_rows) == 1 and open_rows[0].holder_id == holder_id:
                continue
            since_changed = inspect(obj).attrs.since.history.has_changes()
            start = obj.since if since_changed and obj.since else today
            obj.since = start
            for row in open_rows:
                row.to_date = max(start, row.from_date)
            if holder_id:
                _new_history(session, obj, holder_id, start,
                             getattr(obj, "_history_note", None) or "Zimmet sahibi değişti")


# ---------------------------------------------------------------------------
# Devir Teslim Çizelgeleri (S m11(4))
# ---------------------------------------------------------------------------

HANDOVER_REASONS = {"ayrilma": "Görevden ayrılma", "gorev_degisikligi": "Görev değişikliği",
                    "olum": "Ölüm"}
LINE_KINDS = {"zimmet": "Zimmet", "dosya": "Dosya / belge", "is": "Devam eden iş"}
LINE_STATUSES = {"teslim_edildi": "Teslim edildi", "eksik": "Eksik", "bekliyor": "Bekliyor"}


class Handover(Register, Approvable, Numbered, Model):
    """Handover when a staff member leaves (devir teslim çizelgesi / tutanağı)."""

    __tablename__ = "handover"
    number_prefix = "DT"
    names_person = True

    leaving_staff_id = Column(Integer, ForeignKey("staff.id"), nullable=False, index=True)
    leaving_staff = relationship("Staff", foreign_keys=[leaving_staff_id], lazy="joined", info=field(
        _l("Leaving staff member"), list=True, key=True, masked="name",
        help=_l("The custody items this person holds are listed automatically")))
    successor_id = Column(Integer, ForeignKey("staff.id"), nullable=False)
    successor = relationship("Staff", foreign_keys=[successor_id], lazy="joined",
                             info=field(_l("Successor"), list=True, key=True, masked="name"))
    handover_date = Column(Date, nullable=False, info=field(_l("Handover date"), list=True, list_place="head",
                                                            filter=True, order=True))
    reason = Column(String(20), nullable=False, default="ayrilma", info=field(
        _l("Handover reason"), choices=HANDOVER_REASONS, list=True, filter=True, personal=True))
    drawn_up_by_id = Column(Integer, ForeignKey("staff.id"))
    drawn_up_by = relationship("Staff", foreign_keys=[drawn_up_by_id], lazy="select", info=field(
        _l("Drawn up by (unit chief)"), masked="name",
        help=_l("Required on death: the unit chief draws up the handover report")))
    notes = Column(Text, info=field(_l("Notes"), key=True, personal=True))
    # on approval the leaving person's staff record becomes inactive unless this says why not
    keep_active_note = Column(String(300), info=field(
        _l("Why the staff record stays active"),
        help=_l("On approval the leaving person's staff record becomes inactive; fill this in only if it "
                "must stay active (e.g. moves to another post in the office)")))
    lines = relationship("HandoverLine", back_populates="handover", order_by="HandoverLine.id",
                         cascade="all, delete-orphan", lazy="select")

    __table_args__ = (trigram_index("handover"),)

    @property
    def leaving_name(self):
        return self.leaving_staff.name if self.leaving_staff else ""

    @property
    def successor_name(self):
        return self.successor.name if self.successor else ""

    @property
    def is_death(self):
        return self.reason == "olum"

    @classmethod
    def validate_data(cls, data, record=None):
        errors = {}
        leaving, successor = _id(data.get("leaving_staff")), _id(data.get("successor"))
        if leaving is not None and leaving == successor:
            errors["successor"] = _t("The successor cannot be the leaving staff member.")
        if data.get("reason") == "olum" and not data.get("drawn_up_by"):
            errors["drawn_up_by"] = _t("On death the unit chief draws up the handover report (S m11/4): choose the unit chief.")
        if record is not None and leaving != record.leaving_staff_id and any(
                line.status == "teslim_edildi" for line in record.lines):
            errors["leaving_staff"] = _t("Some lines are marked as delivered; the leaving staff member cannot be changed.")
        return errors

    def sync_custody_lines(self):
        """Lines for every custody item the leaving staff holds now; untouched
        custody lines of items they no longer hold are dropped."""
        if self.is_locked:
            return 0
        held = (db.session.query(CustodyItem)
                .filter(CustodyItem.holder_id == self.leaving_staff_id,
                        CustodyItem.archived.is_(False))
                .order_by(CustodyItem.id).all())
        held_ids = {i.id for i in held}
        for line in list(self.lines):
            if (line.kind == "zimmet" and line.custody_item_id and line.custody_item_id not in held_ids
                    and line.status == "bekliyor" and not line.note):
                self.lines.remove(line)
        present = {line.custody_item_id for line in self.lines if line.custody_item_id}
        added = 0
        for item in held:
            if item.id in present:
                continue
            self.lines.append(HandoverLine(kind="zimmet", description=item.item, serial=item.serial_no,
                                           custody_item=item, status="bekliyor"))
            added += 1
        return added

    def approval_problems(self):
        """S m11(4) in use: a line still "bekliyor" or "eksik" must say what
        happens to the item (a note, or another holder) before approval."""
        open_lines = [line for line in self.lines
                      if line.is_open and not (line.note or "").strip() and line.new_holder_id is None]
        if not open_lines:
            return []
        names = ", ".join(line.description for line in open_lines[:5])
        more = f" ve {len(open_lines) - 5} kalem daha" if len(open_lines) > 5 else ""
        return [f"Teslim edilmemiş (bekliyor/eksik) kalemler için ne olacağı yazılmalıdır: {names}{more}. "
                "Her birine bir not yazın veya yeni zimmet sahibini seçin."]

    def approval_related(self):
        return [(HandoverLine.__tablename__, [line.id for line in self.lines if line.id])]

    def on_approved(self):
        """Called by approval.approve inside the same transaction: custody
        items confirmed as handed over pass to the successor, undelivered ones
        to the holder their line names or, with only a note, to nobody (the
        note goes on the item): no custody silently stays with the leaving
        person. The leaving person's staff record becomes inactive unless
        ``keep_active_note`` says why not (history rows by the custody hook)."""
        for line in self.lines:
            item = line.custody_item
            if item is None or item.holder_id != self.leaving_staff_id and line.status != "teslim_edildi":
                continue
            if line.status == "teslim_edildi":
                if item.holder_id == self.successor_id:
                    continue
                item._history_note = f"{self.number} numaralı devir teslim ile"
                item.holder = self.successor
                item.since = self.handover_date
            elif line.new_holder_id is not None:
                label = LINE_STATUSES.get(line.status, line.status).lower()
                item._history_note = (f"{self.number} numaralı devir teslimde {label}; "
                                      f"{line.note or 'yeni zimmet sahibine verildi'}")[:300]
                item.holder_id = line.new_holder_id
                item.holder = db.session.get(type(self.leaving_staff), line.new_holder_id)
                item.since = self.handover_date
            else:
                label = LINE_STATUSES.get(line.status, line.status)
                mark = f"{self.number} ({turkish.format_day(self.handover_date)}): {label} – {line.note}"
                item.notes = f"{item.notes}\n{mark}" if item.notes else mark
                item.holder = None
                item.since = self.handover_date
        staff = self.leaving_staff
        if staff is not None and not (self.keep_active_note or "").strip():
            staff.active = False

    def __repr__(self):
        return f"{self.number or ''} {self.leaving_name} → {self.successor_name}".strip()


class HandoverLine(Register, Model):
    """One file, open work or custody item on a handover list."""

    __tablename__ = "handover_line"

    handover_id = Column(Integer, ForeignKey("handover.id", ondelete="CASCADE"), nullable=False,
                         index=True)
    handover = relationship("Handover", back_populates="lines", lazy="joined",
                            info=field(_l("Handover"), list=True, masked="name"))
    kind = Column(String(10), nullable=False, default="zimmet",
                  info=field(_l("Kind"), choices=LINE_KINDS, list=True, filter=True))
    description = Column(String(300), nullable=False,
                         info=field(_l("Description"), list=True, search=True, order=True))
    serial = Column(String(100), info=field(_l("Serial / inventory no"), list=True, search=True, order=True))
    custody_item_id = Column(Integer, ForeignKey("custody_item.id"))
    custody_item = relationship("CustodyItem", lazy="joined", info=field(_l("Custody item")))
    status = Column(String(20), nullable=False, default="bekliyor",
                    info=field(_l("Status"), choices=LINE_STATUSES, list=True, filter=True, order=True))
    note = Column(String(300), info=field(
        _l("Note"), list=True, key=True,
        help=_l("For a pending or missing item: what happens to it (required before approval "
                "unless a new holder is chosen)")))
    # an undelivered custody item (bekliyor/eksik) passes to this person on approval
    new_holder_id = Column(Integer, ForeignKey("staff.id"))
    new_holder = relationship("Staff", foreign_keys=[new_holder_id], lazy="select", info=field(
        _l("New holder"), list=True,
        help=_l("For a pending or missing custody item: who takes it over on approval")))

    __table_args__ = (trigram_index("handover_line"),)

    @property
    def is_locked(self):
        return bool(self.handover is not None and self.handover.is_locked)

    @property
    def lock_state(self):
        return self.handover.state if self.handover is not None else None

    def locked_message(self):
        if self.lock_state == approval.PENDING:
            return ("Onay bekleyen devir teslim çizelgesinin kalemleri değiştirilemez; önce çizelgeyi "
                    "onaydan geri çekin.")
        return "Onaylanmış devir teslim çizelgesinin kalemleri değiştirilemez."

    @property
    def is_open(self):
        """Not handed over: the handover must say what happens to it."""
        return self.status in ("bekliyor", "eksik")

    @classmethod
    def validate_data(cls, data, record=None):
        errors = {}
        handover = data.get("handover") or (record.handover if record is not None else None)
        if handover is not None and getattr(handover, "is_locked", False):
            errors["handover"] = (
                "Onay bekleyen devir teslim çizelgesinin kalemleri değiştirilemez; önce çizelgeyi "
                "onaydan geri çekin." if handover.state == approval.PENDING else
                "Onaylanmış devir teslim çizelgesinin kalemleri değiştirilemez.")
        new_holder = _id(data.get("new_holder"))
        if new_holder is not None and handover is not None and new_holder == handover.leaving_staff_id:
            errors["new_holder"] = "Yeni zimmet sahibi devreden personelin kendisi olamaz."
        if new_holder is not None and data.get("status") == "teslim_edildi":
            errors["new_holder"] = ("Teslim edilen kalem devralan personele geçer; yeni zimmet sahibi "
                                    "yalnızca bekleyen veya eksik kalemler için seçilir.")
        item = data.get("custody_item")
        if item is not None and handover is not None and data.get("kind") not in (None, "", "zimmet"):
            errors["kind"] = _t("A line with a custody item must be of kind Custody.")
        if (item is not None and handover is not None and item.holder_id is not None
                and item.holder_id != handover.leaving_staff_id):
            errors["custody_item"] = _t("This custody item is held by %(holder)s, not by the leaving staff member.", holder=item.holder_name)
        return errors

    def __repr__(self):
        return self.description or ""


# ---------------------------------------------------------------------------
# Personel İzin ve Vekâlet (G m5, G m6)
# ---------------------------------------------------------------------------

LEAVE_KINDS = {"yillik": "Yıllık izin", "mazeret": "Mazeret izni", "rapor": "Sağlık raporu",
               "gorev": "Görevlendirme"}


class Leave(Register, Approvable, Model):
    """Staff leave and the substitute; a director proxy (müdür vekâleti)."""

    __tablename__ = "leave"
    names_person = True

    staff_id = Column(Integer, ForeignKey("staff.id"), nullable=False, index=True)
    staff = relationship("Staff", foreign_keys=[staff_id], lazy="joined",
                         info=field(_l("Staff member"), list=True, key=True, masked="name"))
    date_from = Column(Date, nullable=False, index=True,
                       info=field(_l("From"), list=True, filter=True, order=True, personal=True))
    date_to = Column(Date, nullable=False, index=True,
                     info=field(_l("To"), list=True, filter=True, order=True, personal=True))
    kind = Column(String(10), nullable=False, default="yillik",
                  info=field(_l("Kind of leave"), choices=LEAVE_KINDS, list=True, search=True, personal=True))
    substitute_id = Column(Integer, ForeignKey("staff.id"), index=True)
    substitute = relationship("Staff", foreign_keys=[substitute_id], lazy="joined",
                              info=field(_l("Substitute"), list=True, key=True, masked="name"))
    is_director_proxy = Column(Boolean, nullable=False, default=False, info=field(
        _l("Substitute acts for the director"), list=True, filter=True,
        help=_l("While the approved leave lasts, the substitute approves records as \"Müdür V.\"")))
    mayor_consent = Column(Boolean, nullable=False, default=False,
                           info=field(_l("Mayor's consent"), help=_l("Required for a director proxy")))
    # the mayor's olur (written consent): its date and number, required for a director proxy
    consent_date = Column(Date, info=field(
        _l("Date of the mayor's approval"),
        help=_l("Required for a director proxy; the scanned approval is attached to the record")))
    consent_ref = Column(String(100), info=field(
        _l("Number of the mayor's approval"),
        help=_l("Required for a director proxy, e.g. E-12345678-903.02-145")))
    consent_note = Column(String(300), info=field(
        _l("Consent note"), personal=True, help=_l("Date and number of the mayor's approval (olur)")))
    notes = Column(Text, info=field(_l("Notes"), personal=True))
    # the login that holds the proxy: bound when the leave is approved, so relinking
    # the substitute's staff record to another login later moves nothing
    proxy_user_id = Column(Integer, ForeignKey("ab_user.id"))

    __table_args__ = (trigram_index("leave"),)

    MAYOR_CONSENT_TITLE = "Başkan Oluru"

    def consent_problems(self):
        problems = []
        if not self.mayor_consent or not (self.consent_ref or "").strip() or self.consent_date is None:
            problems.append("Müdür vekâleti Başkan oluru olmadan onaylanamaz: Başkan oluru "
                            "işaretlenmeli, olurun tarihi ve sayısı girilmelidir.")
        elif self.consent_date > dt.date.today():
            problems.append("Başkan olurunun tarihi ileri bir tarih olamaz.")
        return problems

    def approval_problems(self):
        if not self.is_director_proxy:
            return []
        problems = self.consent_problems()
        if self.substitute is not None and self.substitute.user_id is None:
            problems.append(f"Vekil {self.substitute.name} bir kullanıcı hesabına bağlı değil; "
                            "Müdür V. olarak onay verebilmesi için Bilgi İşlem veya Müdür personel "
                            "kaydını kullanıcıya bağlamalıdır.")
        return problems

    def check_approver(self, user, title):
        """Nobody approves their own leave. The Müdür's own leave (his
        proxy) takes effect on the mayor's olur: the Müdür can only record
        it, once its date and number are entered and its scan is attached;
        the decision is then recorded as "Başkan Oluru"."""
        if self.staff is None or self.staff.user_id != user.id:
            return title
        if not approval.is_director(user):
            raise approval.ApprovalError("Kişi kendi iznini onaylayamaz.")
        if self.consent_problems():
            raise approval.ApprovalError(
                "Müdür kendi iznini (vekâletini) onaylayamaz; izin Başkan oluru ile yürürlüğe girer. "
                "Olurun tarihini ve sayısını girin, taranmış olur belgesini kayda ekleyin; onay "
                "\"Başkan Oluru\" olarak kaydedilir.")
        from app.core.attachments import Attachment

        scans = (db.session.query(Attachment.id)
                 .filter_by(register=self.__tablename__, record_id=self.id).first())
        if scans is None:
            raise approval.ApprovalError("Müdür kendi izninde Başkan olurunun taranmış hâlini kayda "
                                         "eklemelidir (olur belgesi eki yok).")
        return self.MAYOR_CONSENT_TITLE

    def on_approved(self):
        if self.decided_as == self.MAYOR_CONSENT_TITLE:
            self.decision_note = (f"Başkan oluru: {_day(self.consent_date)} tarih ve {self.consent_ref} "
                                  "sayılı" + (f"; {self.decision_note}" if self.decision_note else ""))
        self.proxy_user_id = (self.substitute.user_id
                              if self.is_director_proxy and self.substitute is not None else None)

    @property
    def staff_name(self):
        return self.staff.name if self.staff else ""

    @property
    def substitute_name(self):
        return self.substitute.name if self.substitute else ""

    @classmethod
    def validate_data(cls, data, record=None):
        errors = {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            errors["date_to"] = _t("The leave cannot end before it starts.")
        staff, substitute = _id(data.get("staff")), _id(data.get("substitute"))
        if staff is not None and staff == substitute:
            errors["substitute"] = _t("A staff member cannot be their own substitute.")
        if data.get("is_director_proxy"):
            if substitute is None:
                errors["substitute"] = _t("Choose the substitute for a director proxy.")
            if not data.get("mayor_consent"):
                errors["mayor_consent"] = "Müdür vekâleti için Başkan oluru (muvafakati) gereklidir."
            elif "consent_ref" in data and not (data.get("consent_ref") or "").strip():
                errors["consent_ref"] = "Müdür vekâleti için Başkan olurunun sayısı girilmelidir."
            if data.get("mayor_consent") and "consent_date" in data and not data.get("consent_date"):
                errors["consent_date"] = "Müdür vekâleti için Başkan olurunun tarihi girilmelidir."
        consent_day = data.get("consent_date")
        if isinstance(consent_day, dt.date) and consent_day > dt.date.today():
            errors["consent_date"] = "Başkan olurunun tarihi ileri bir tarih olamaz."
        if staff is not None and start and end and end >= start:
            query = (db.session.query(cls)
                     .filter(cls.staff_id == staff, cls.archived.is_(False),
                             cls.state.notin_(INACTIVE_STATES),
                             cls.date_from <= end, cls.date_to >= start)
                     .order_by(cls.date_from))
            other = _excluding(query, cls, record).first()
            if other is not None:
                errors["date_from"] = _t("This staff member has another leave from %(start)s to %(end)s.", start=_day(other.date_from), end=_day(other.date_to))
        return errors

    def __repr__(self):
        return f"{self.staff_name}: {_day(self.date_from)} – {_day(self.date_to)}"


def director_proxy_active(user, day) -> bool:
    """Proxy provider: the user is the login bound (at approval) to the
    substitute of an approved director-proxy leave that covers ``day``."""
    user_id = getattr(user, "id", None)
    if user_id is None:
        return False
    day = day or dt.date.today()
    if isinstance(day, dt.datetime):
        day = day.date()
    found = (db.session.query(Leave.id)
             .filter(Leave.proxy_user_id == user_id, Leave.state == approval.APPROVED,
                     Leave.archived.is_(False), Leave.is_director_proxy.is_(True),
                     Leave.mayor_consent.is_(True), Leave.date_from <= day, Leave.date_to >= day)
             .first())
    return found is not None


approval.PROXY_PROVIDERS[:] = [
    p for p in approval.PROXY_PROVIDERS
    if (getattr(p, "__module__", None), getattr(p, "__name__", None)) != (__name__, "director_proxy_active")
]
approval.PROXY_PROVIDERS.append(director_proxy_active)


def _watch():
    from app.security.permcache import watch_config

    watch_config(Leave)   # who holds the Müdür's proxy: what the menu remembers per version


_watch()
