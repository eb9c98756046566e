"""Protocol and representation (G m5, S m7(4)(7)(8), S m9(b)2–4):
guests and visits, gifts, wreaths/flowers/messages (with message templates),
invitations and events, trips and sister cities.
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _t  # validation messages: English source, Turkish catalog
from flask_babel import lazy_gettext as _l
from flask_appbuilder import Model
from sqlalchemy import (
    Boolean, Column, Date, DateTime, ForeignKey, Integer, Numeric, String, Text, Time,
)
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session, relationship

from app.core import turkish
from app.core.approval import Approvable
from app.core.declare import field
from app.core.register import Numbered, Register, trigram_index

# ---------------------------------------------------------------------------
# Shared choices
# ---------------------------------------------------------------------------

ORIGIN = {"yerli": "Yerli", "yabanci": "Yabancı"}
OCCASIONS = {
    "acilis": "Açılış", "nikah": "Nikâh", "cenaze": "Cenaze (taziye)",
    "hastalik": "Hastalık (geçmiş olsun)", "bayram": "Bayram", "tebrik": "Tebrik", "diger": "Diğer",
}
WREATH_KINDS = {"celenk": "Çelenk", "cicek": "Çiçek", "mesaj": "Mesaj", "telgraf": "Telgraf",
                "hediye": "Hediye"}
GIFT_DIRECTIONS = {"verilen": "Verilen", "alinan": "Alınan"}
EVENT_DECISIONS = {
    "katilacak": "Katılacak", "temsilci": "Temsilci gönderilecek",
    "celenk_mesaj": "Çelenk / mesaj gönderilecek", "katilmayacak": "Katılmayacak",
}
TRIP_SCOPES = {"yurtici": "Yurt içi", "yurtdisi": "Yurt dışı"}


class _LookupOrder:
    """Class-level ``lookup_order`` for the core's autocomplete (newest first)."""

    def __init__(self, fn):
        self.fn = fn

    def __get__(self, obj, cls):
        return self.fn(cls)


def _negative(value):
    return value is not None and value < 0


def parse_amount(text) -> Decimal | None:
    """'5000', '5.000', '5.000,50', '5000.50' → Decimal (settings are text)."""
    s = str(text or "").strip().replace("₺", "").replace(" ", "")
    if not s:
        return None
    if "," in s:
        s = s.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"\d{1,3}(\.\d{3})+", s):
        s = s.replace(".", "")
    try:
        return Decimal(s)
    except InvalidOperation:
        return None


def gift_threshold() -> Decimal | None:
    from flask import has_app_context

    from app.settings.models import DEFAULTS, get_settings

    raw = get_settings()["gift_threshold"] if has_app_context() else DEFAULTS["gift_threshold"]
    return parse_amount(raw)


# ---------------------------------------------------------------------------
# Message templates (for wreaths, flowers and messages)
# ---------------------------------------------------------------------------


class MessageTemplate(Register, Model):
    """Hazır mesaj metinleri: taziye, tebrik, geçmiş olsun, nikâh, açılış…"""

    __tablename__ = "message_template"

    occasion = Column(String(20), nullable=False,
                      info=field(_l("Occasion"), choices=OCCASIONS, list=True, search=True, order=True))
    title = Column(String(150), nullable=False, info=field(_l("Title"), list=True, search=True, order=True))
    text = Column(Text, nullable=False,
                  info=field(_l("Message text"), list=True, search=True,
                             help=_l("Copied into the message of a wreath, flower or message order.")))

    __table_args__ = (trigram_index("message_template"),)

    def __repr__(self):
        return self.title or ""


# ---------------------------------------------------------------------------
# Invitations and events
# ---------------------------------------------------------------------------


class Event(Register, Model):
    """Davetiyeler ve Etkinlikler (G m5, S m7(4), S m9(a)6, S m9(b)2)."""

    __tablename__ = "event"
    lookup_order = _LookupOrder(lambda cls: cls.starts_at.desc())

    name = Column(String(250), nullable=False, info=field(_l("Event"), list=True, search=True, order=True))
    organiser_id = Column(Integer, ForeignKey("contact.id"))
    organiser = relationship("Contact", foreign_keys=[organiser_id], lazy="joined",
                             info=field(_l("Organiser"), list=True, key=True, masked="name"))
    starts_at = Column(DateTime, nullable=False, index=True,
                       info=field(_l("Starts"), list=True, list_place="head", filter=True, order=True))
    ends_at = Column(DateTime, info=field(_l("Ends")))
    place = Column(String(250), info=field(_l("Place"), list=True, search=True, order=True))
    invitation_received_on = Column(Date, info=field(_l("Invitation received on")))
    decision = Column(String(20), info=field(
        _l("Decision"), choices=EVENT_DECISIONS, list=True, search=True, order=True,
        help=_l("Attending events go to the mayor's agenda; for a wreath or message "
                "you are offered a prefilled order after saving.")))
    representative = Column(String(150), info=field(
        _l("Representative"), list=True, search=True, personal=True, masked="name",
        help=_l("Required when a representative is sent.")))
    speech = Column(Text, info=field(_l("Speech text")))
    press_note = Column(Text, info=field(_l("Press note")))
    notes = Column(Text, info=field(_l("Notes"), key=True))

    __table_args__ = (trigram_index("event"),)

    @property
    def decision_label(self):   # not the derived one: no decision reads "Karar bekliyor"
        return EVENT_DECISIONS.get(self.decision, self.decision) if self.decision else "Karar bekliyor"

    @classmethod
    def validate_data(cls, data, record=None):
        errors = {}
        start, end = data.get("starts_at"), data.get("ends_at")
        if start and end and end < start:
            errors["ends_at"] = _t("The end cannot be before the start.")
        received = data.get("invitation_received_on")
        if received and start and received > start.date():
            errors["invitation_received_on"] = _t("The invitation cannot arrive after the event.")
        if data.get("decision") == "temsilci" and not (data.get("representative") or "").strip():
            errors["representative"] = _t("Write the representative's name when a representative is sent.")
        return errors

    def agenda_entry(self):
        """What the mayor's agenda needs from an event the mayor attends
        (None otherwise). The agenda register will consume this."""
        if self.decision != "katilacak" or self.archived or not self.starts_at:
            return None
        return {"start": self.starts_at, "end": self.ends_at or self.starts_at + dt.timedelta(hours=1),
                "title": self.name, "place": self.place or "", "kind": "tören",
                "source": ("event", self.id)}

    def __repr__(self):
        when = turkish.format_day(self.starts_at) if self.starts_at else ""
        return f"{self.name} ({when})" if when else (self.name or "")


# ---------------------------------------------------------------------------
# Guests and visits
# ---------------------------------------------------------------------------


class Visit(Register, Model):
    """Misafir ve Ziyaret Kayıtları (G m5 ağırlama/konaklama, S m7(8), m8(e))."""

    __tablename__ = "visit"
    names_person = True
    lookup_order = _LookupOrder(lambda cls: cls.date.desc())

    guest_id = Column(Integer, ForeignKey("contact.id"), nullable=False)
    guest = relationship("Contact", foreign_keys=[guest_id], lazy="joined",
                         info=field(_l("Guest"), list=True, key=True, masked="name"))
    guest_institution = Column(String(200), info=field(
        _l("Guest's institution"), list=True, search=True, order=True,
        help=_l("Left empty, the institution in the contact directory is filled in.")))
    origin = Column(String(10), nullable=False, default="yerli",
                    info=field(_l("Domestic/foreign"), choices=ORIGIN, list=True, search=True, order=True))
    date = Column(Date, nullable=False, index=True,
                  info=field(_l("Date"), list=True, list_place="head", filter=True, order=True))
    time = Column(Time, info=field(_l("Time"), list=True, list_place="head"))
    purpose = Column(String(300), nullable=False,
                     info=field(_l("Purpose of visit"), list=True, search=True, personal=True))
    host = Column(String(150), info=field(
        _l("Received by"), list=True, search=True, order=True, personal=True, masked="name",
        help=_l("Who received the guest (e.g. the mayor, a deputy mayor).")))
    refreshments = Column(Boolean, default=False, info=field(_l("Refreshments offered")))      # ikram
    accommodation = Column(Boolean, default=False, info=field(_l("Accommodation provided")))  # konaklama
    welcomed = Column(Boolean, default=False, info=field(_l("Met on arrival")))               # karşılama
    seen_off = Column(Boolean, default=False, info=field(_l("Seen off")))                     # uğurlama
    notes = Column(Text, info=field(_l("Notes"), key=True, personal=True))

    gifts = relationship("Gift", back_populates="visit", lazy="select")

    __table_args__ = (trigram_index("visit"),)

    @classmethod
    def validate_data(cls, data, record=None):
        errors = {}
        if "guest" in data and not data.get("guest"):
            errors["guest"] = _t("Choose the guest.")
        return errors

    def fill_institution(self):
        """The institution the guest represented on the day (kept even if the
        contact later moves): taken from the contact unless typed in."""
        if not (self.guest_institution or "").strip() and self.guest is not None:
            if self.guest.kind == "kurum":
                self.guest_institution = self.guest.name
            elif self.guest.institution is not None:
                self.guest_institution = self.guest.institution.name

    def __repr__(self):
        day = turkish.format_day(self.date) if self.date else ""
        return f"{day} – {self.guest.name if self.guest else ''}".strip(" –")


# ---------------------------------------------------------------------------
# Gifts
# ---------------------------------------------------------------------------


class Gift(Register, Approvable, Numbered, Model):
    """Hediyeler (G m5, S m7(8), S m9(b)3)."""

    __tablename__ = "gift"
    number_prefix = "HD"

    direction = Column(String(10), nullable=False, info=field(
        _l("Direction"), choices=GIFT_DIRECTIONS, list=True, search=True, order=True))
    date = Column(Date, nullable=False, index=True,
                  info=field(_l("Date"), list=True, list_place="head", filter=True, order=True))
    counterpart_id = Column(Integer, ForeignKey("contact.id"), nullable=False)
    counterpart = relationship("Contact", foreign_keys=[counterpart_id], lazy="joined", info=field(
        _l("Given to / received from"), list=True, key=True, masked="name"))
    occasion = Column(String(200), info=field(_l("Occasion"), search=True))
    item = Column(String(200), nullable=False, info=field(_l("Gift"), list=True, search=True, order=True))
    quantity = Column(Integer, nullable=False, default=1, info=field(_l("Quantity"), list=True))
    estimated_value = Column(Numeric(12, 2, asdecimal=True), info=field(
        _l("Estimated value (₺)"), money=True, list=True, order=True,
        help=_l("Total estimated value. Received gifts above the office threshold are flagged for the Müdür.")))
    needs_attention = Column(Boolean, nullable=False, default=False, info=field(   # Müdür dikkatine
        _l("For the Müdür's attention"), list=True, filter=True, order=True, form=False))
    visit_id = Column(Integer, ForeignKey("visit.id"))
    visit = relationship("Visit", back_populates="gifts", lazy="select", info=field(_l("Guest visit")))
    event_id = Column(Integer, ForeignKey("event.id"))
    event = relationship("Event", lazy="select", info=field(_l("Event")))
    kept_at = Column(String(200), info=field(_l("Kept at"), search=True,
                                             help=_l("For received gifts: where the gift is kept.")))
    notes = Column(Text, info=field(_l("Notes"), key=True))

    __table_args__ = (trigram_index("gift"),)

    def over_threshold(self, threshold) -> bool:
        return bool(self.direction == "alinan" and threshold is not None
                    and self.estimated_value is not None
                    and Decimal(str(self.estimated_value)) > threshold)

    @classmethod
    def validate_data(cls, data, record=None):
        errors = {}
        if "counterpart" in data and not data.get("counterpart"):
            errors["counterpart"] = _t("Choose the person or institution the gift was given to or received from.")
        if _negative(data.get("estimated_value")):
            errors["estimated_value"] = _t("The estimated value cannot be negative.")
        quantity = data.get("quantity")
        if quantity is not None and quantity < 1:
            errors["quantity"] = _t("The quantity must be at least 1.")
        if data.get("direction") == "verilen" and (data.get("kept_at") or "").strip():
            errors["kept_at"] = _t("A storage place is only entered for received gifts.")
        return errors

    def __repr__(self):
        return f"{self.display_number()} {self.item or ''}".strip()


def _changed(session, cls):
    return [o for o in session.new if isinstance(o, cls)] + [
        o for o in session.dirty if isinstance(o, cls) and session.is_modified(o, include_collections=False)]


@sa_event.listens_for(Session, "before_flush")
def _derive(session, flush_context, instances):
    """Derived fields: the guest's institution on a visit; a received gift
    above the office's threshold is marked for the Müdür (Müdür dikkatine)."""
    for visit in _changed(session, Visit):
        visit.fill_institution()
        visit.search_key = visit.build_search_key()
    gifts = _changed(session, Gift)
    if not gifts:
        return
    threshold = gift_threshold()
    for gift in gifts:
        flag = gift.over_threshold(threshold)
        if gift.needs_attention != flag:
            gift.needs_attention = flag


# ---------------------------------------------------------------------------
# Wreaths, flowers and messages
# ---------------------------------------------------------------------------


class WreathOrder(Register, Approvable, Numbered, Model):
    """Çelenk, Çiçek ve Mesajlar (G m5, S m7(4), S m9(b)3–4)."""

    __tablename__ = "wreath_order"
    number_prefix = "CC"
    names_person = True

    occasion = Column(String(20), nullable=False,
                      info=field(_l("Occasion"), choices=OCCASIONS, list=True, search=True, order=True))
    kind = Column(String(20), nullable=False,
                  info=field(_l("Kind"), choices=WREATH_KINDS, list=True, search=True, order=True))
    recipient_id = Column(Integer, ForeignKey("contact.id"), nullable=False)
    recipient = relationship("Contact", foreign_keys=[recipient_id], lazy="joined",
                             info=field(_l("Recipient"), list=True, key=True, masked="name"))
    delivery_address = Column(Text, info=field(_l("Delivery address"), key=True, personal=True,
                                               masked="name"))
    delivery_date = Column(Date, index=True, info=field(_l("Delivery date"), list=True, list_place="head",
                                                        filter=True, order=True))
    message = Column(Text, info=field(
        _l("Message text"), key=True,
        help=_l("Pick a ready text from the message templates above, then adapt it.")))
    supplier = Column(String(200), info=field(_l("Supplier"), search=True))
    cost = Column(Numeric(12, 2, asdecimal=True), info=field(_l("Cost (₺)"), money=True, list=True, order=True))
    invoice_no = Column(String(50), info=field(_l("Invoice no."), search=True))
    event_id = Column(Integer, ForeignKey("event.id"))
    event = relationship("Event", lazy="select", info=field(_l("Event")))

    __table_args__ = (trigram_index("wreath_order"),)

    @classmethod
    def validate_data(cls, data, record=None):
        errors = {}
        if "recipient" in data and not data.get("recipient"):
            errors["recipient"] = _t("Choose the recipient.")
        if _negative(data.get("cost")):
            errors["cost"] = _t("The amount cannot be negative.")
        kind = data.get("kind")
        if kind in ("mesaj", "telgraf") and not (data.get("message") or "").strip():
            errors["message"] = _t("A message or telegram needs its text.")
        if kind in ("celenk", "cicek", "hediye") and "delivery_address" in data \
                and not (data.get("delivery_address") or "").strip():
            errors["delivery_address"] = _t("A wreath, flowers or a gift need a delivery address.")
        return errors

    def __repr__(self):
        return f"{self.display_number()} {self.kind_label} – {self.recipient.name if self.recipient else ''}"


# ---------------------------------------------------------------------------
# Trips and sister cities
# ---------------------------------------------------------------------------


class SisterCity(Register, Model):
    """Kardeş şehirler (G m5, S m7(7))."""

    __tablename__ = "sister_city"
    lookup_order = _LookupOrder(lambda cls: cls.city)

    city = Column(String(150), nullable=False, info=field(_l("City"), list=True, search=True, order=True))
    country = Column(String(100), nullable=False,
                     info=field(_l("Country"), list=True, search=True, order=True))
    since = Column(Date, info=field(_l("Sister city since"), list=True, filter=True, order=True))
    council_decision = Column(String(100), info=field(
        _l("Council decision"), list=True, help=_l("Date and number of the council decision.")))
    notes = Column(Text, info=field(_l("Notes"), key=True))

    activities = relationship("SisterCityActivity", back_populates="sister_city", lazy="select")

    __table_args__ = (trigram_index("sister_city"),)

    def __repr__(self):
        return f"{self.city} ({self.country})" if self.country else (self.city or "")


class SisterCityActivity(Register, Model):
    """Kardeş şehir faaliyetleri."""

    __tablename__ = "sister_city_activity"

    sister_city_id = Column(Integer, ForeignKey("sister_city.id"), nullable=False)
    sister_city = relationship("SisterCity", back_populates="activities", lazy="joined",
                               info=field(_l("Sister city"), list=True, key=True))
    date = Column(Date, nullable=False, index=True,
                  info=field(_l("Date"), list=True, list_place="head", filter=True, order=True))
    title = Column(String(250), nullable=False, info=field(_l("Activity"), list=True, search=True, order=True))
    description = Column(Text, info=field(_l("Description"), search=True))

    __table_args__ = (trigram_index("sister_city_activity"),)

    @classmethod
    def validate_data(cls, data, record=None):
        if "sister_city" in data and not data.get("sister_city"):
            return {"sister_city": _t("Choose the sister city.")}
        return {}

    def __repr__(self):
        return self.title or ""


class Trip(Register, Approvable, Model):
    """Seyahatler (G m5, S m7(7))."""

    __tablename__ = "trip"

    destination = Column(String(200), nullable=False,
                         info=field(_l("Destination"), list=True, search=True, order=True))
    scope = Column(String(10), nullable=False, default="yurtici",
                   info=field(_l("Domestic/abroad"), choices=TRIP_SCOPES, list=True, search=True, order=True))
    start_date = Column(Date, nullable=False, index=True,
                        info=field(_l("Start date"), list=True, list_place="head", filter=True, order=True))
    end_date = Column(Date, nullable=False, info=field(_l("End date"), list=True, list_place="head", order=True))
    participants = Column(Text, nullable=False, info=field(
        _l("Participants"), search=True, personal=True, masked="name",
        help=_l("One person per line, with title.")))
    purpose = Column(Text, nullable=False, info=field(_l("Purpose"), search=True))
    transport = Column(Text, info=field(_l("Transport reservation"),
                                        help=_l("Flight/train/bus or vehicle, times, reservation codes.")))
    accommodation = Column(Text, info=field(_l("Accommodation reservation"),
                                            help=_l("Hotel, dates, reservation code.")))
    program = Column(Text, info=field(_l("Program")))
    cost = Column(Numeric(12, 2, asdecimal=True),
                  info=field(_l("Cost (₺)"), money=True, list=True, list_place="tail", order=True))
    sister_city_id = Column(Integer, ForeignKey("sister_city.id"))
    sister_city = relationship("SisterCity", lazy="joined", info=field(_l("Sister city"), list=True, key=True))

    __table_args__ = (trigram_index("trip"),)

    @classmethod
    def validate_data(cls, data, record=None):
        errors = {}
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            errors["end_date"] = "Bitiş tarihi başlangıçtan önce olamaz."
        if _negative(data.get("cost")):
            errors["cost"] = "Maliyet negatif olamaz."
        return errors

    def __repr__(self):
        day = turkish.format_day(self.start_date) if self.start_date else ""
        return f"{self.destination} ({day})" if day else (self.destination or "")
