"""Talep ve Şikâyetler (G m5 Beyaz Masa, halk günü; S m7(2), m8(f), m9(b)10):
citizens' requests from every channel, routed to units by category, followed
through stages until the citizen confirms, with a receipt and a public status
page."""
from __future__ import annotations

import datetime as dt
import re

from flask_appbuilder import Model
from flask_babel import gettext as _t
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import Boolean, Column, Date, DateTime, ForeignKey, Integer, Numeric, String, Text
from sqlalchemy.orm import relationship

from app.core.declare import computed, field
from app.core.register import Numbered, Register, trigram_index, turkish_sort_index

CHANNELS = {"halk_gunu": "Halk günü", "dilekce": "Dilekçe", "telefon": "Telefon", "eposta": "E-posta",
            "whatsapp": "WhatsApp", "cimer": "CİMER", "acikkapi": "Açıkkapı", "web": "Web"}
REFERENCE_CHANNELS = ("cimer", "acikkapi")

# stages (the order is the normal path)
KAYIT, ILETILDI, ISLEMDE, COZULDU, TEYIT, KAPANDI = "kayit", "iletildi", "islemde", "cozuldu", "teyit", "kapandi"
REDDEDILDI, YETKI_DISI = "reddedildi", "yetki_disi"
STAGES = {KAYIT: "Kayıt", ILETILDI: "Birime iletildi", ISLEMDE: "İşlemde", COZULDU: "Çözüldü",
          TEYIT: "Vatandaş teyidi", KAPANDI: "Kapandı", REDDEDILDI: "Reddedildi", YETKI_DISI: "Yetki dışı"}
PATH = [KAYIT, ILETILDI, ISLEMDE, COZULDU, TEYIT, KAPANDI]
FINAL = (KAPANDI, REDDEDILDI, YETKI_DISI)
# the unit's work is done: the due date no longer runs
DUE_DONE = (COZULDU, TEYIT) + FINAL
CONTACT_RESULTS = {"confirmed": "Vatandaş teyit etti", "unreachable": "Vatandaşa ulaşılamadı"}
CONTACT_CHANNELS = {"telefon": "Telefon", "eposta": "E-posta", "sms": "SMS", "yuz_yuze": "Yüz yüze"}

PHONE_RE = re.compile(r"^\+?[0-9 ()\-]{7,20}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def phone_digits(value) -> str:
    return re.sub(r"\D", "", value or "")


class RequestCategory(Register, Model):
    """Konu kategorileri: which unit a request goes to and in how many days."""

    __tablename__ = "request_category"
    name = Column(String(150), nullable=False, unique=True,
                  info=field(_l("Category"), list=True, search=True, order=True))
    unit_id = Column(Integer, ForeignKey("unit.id"), nullable=False, index=True)
    unit = relationship("Unit", lazy="joined",
                        info=field(_l("Responsible unit"), list=True,
                                   help=_l("Requests of this category are forwarded to this unit")))
    due_days = Column(Integer, nullable=False, default=15,
                      info=field(_l("Due period (days)"), list=True, order=True,
                                 help=_l("Days from receipt until the request is due")))
    active = Column(Boolean, nullable=False, default=True, info=field(_l("Active"), list=True))
    __table_args__ = (trigram_index("request_category"), turkish_sort_index("request_category", "name"))

    @classmethod
    def validate_data(cls, data, record=None):
        days = data.get("due_days")
        if days is not None and not (1 <= days <= 365):
            return {"due_days": _t("The due period must be between 1 and 365 days.")}
        return {}

    def __repr__(self):
        return self.name or ""


class CitizenRequest(Register, Numbered, Model):
    """Talep ve Şikâyetler: the number is the citizen's tracking number."""

    __tablename__ = "citizen_request"
    unit_column = "unit_id"

    @classmethod
    def overdue_condition(cls):
        """Past the due date and not resolved by the unit (the list's ``?overdue=1``)."""
        from sqlalchemy import and_

        return and_(cls.due_date < dt.date.today(), cls.stage.notin_(DUE_DONE))
    number_prefix = "TS"
    names_person = True

    channel = Column(String(12), nullable=False, default="halk_gunu",
                     info=field(_l("Channel"), choices=CHANNELS, list=True, search=True, place="head"))
    received_on = Column(Date, nullable=False, index=True,
                         info=field(_l("Received on"), list=True, filter=True, order=True, place="head"))
    reference = Column(String(40), info=field(
        _l("CİMER / Açıkkapı reference"), search=True, place="head",
        help=_l("The application number given by CİMER or Açıkkapı (required for those channels)")))
    citizen_name = Column(String(150), nullable=False, info=field(
        _l("Citizen"), list=True, search=True, order=True, personal=True, masked="name"))
    citizen_phone = Column(String(40), info=field(
        _l("Phone"), search=True, personal=True, masked="phone",
        help=_l("The last four digits let the citizen follow the request on the status page")))
    citizen_email = Column(String(120), info=field(_l("E-mail"), personal=True))
    citizen_address = Column(Text, info=field(_l("Address"), personal=True))
    category_id = Column(Integer, ForeignKey("request_category.id"), nullable=False, index=True)
    category = relationship("RequestCategory", lazy="joined", info=field(_l("Category"), list=True))
    unit_id = Column(Integer, ForeignKey("unit.id"), index=True)
    unit = relationship("Unit", lazy="joined", info=field(
        _l("Responsible unit"), list=True, help=_l("Left empty: the category's unit")))
    subject = Column(String(200), nullable=False, info=field(_l("Subject"), list=True, search=True, order=True))
    description = Column(Text, nullable=False, info=field(_l("Description"), personal=True))
    neighbourhood = Column(String(100), index=True, info=field(_l("Neighbourhood"), list=True, search=True,
                                                               order=True))
    street = Column(String(150), info=field(_l("Street / place"), search=True))
    latitude = Column(Numeric(9, 6), info=field(_l("Latitude"), help=_l("Optional, e.g. 40.431234")))
    longitude = Column(Numeric(9, 6), info=field(_l("Longitude"), help=_l("Optional, e.g. 29.161234")))
    kvkk_notice_given = Column(Boolean, nullable=False, default=False, info=field(
        _l("KVKK notice given"), help=_l("The KVKK information notice was given or read out to the citizen")))
    kvkk_notice_version = Column(String(40), info=field(_l("KVKK notice version"), form=False))
    due_date = Column(Date, index=True, info=field(
        _l("Due date"), list=True, filter=True, order=True,
        help=_l("Left empty: from the category's due period. A change needs a reason.")))
    due_change_reason = Column(String(300), info=field(_l("Reason for changing the due date")))
    stage = Column(String(12), nullable=False, default=KAYIT, index=True,
                   info=field(_l("Stage"), choices=STAGES, list=True, search=True, form=False, place="first"))
    stage_at = Column(DateTime, info=field(_l("Stage since"), form=False, place="first"))
    closed_at = Column(DateTime, info=field(_l("Closed on"), form=False, place="tail"))
    source = Column(String(12), nullable=False, default="form")    # form | open311

    stages = relationship("RequestStage", order_by="RequestStage.id", lazy="select",
                          back_populates="request", cascade="all, delete-orphan")

    __table_args__ = (trigram_index("citizen_request"), turkish_sort_index("citizen_request", "citizen_name"))

    @property
    def is_overdue(self):
        return bool(self.due_date and self.stage not in DUE_DONE and self.due_date < dt.date.today())

    @computed(_l("Deadline"), list=True, show=True, place="first")
    def due_status(self):
        if self.is_overdue:
            days = (dt.date.today() - self.due_date).days
            return Markup('<span class="label label-danger ozk-overdue">{}</span>').format(
                f"Gecikti ({days} gün)")
        return ""

    def contact_failures(self) -> int:
        return sum(1 for s in self.stages if s.kind == "contact" and s.contact_result == "unreachable"
                   and s.cycle == self.confirmation_cycle())

    def confirmed(self) -> bool:
        return any(s.kind == "contact" and s.contact_result == "confirmed" and s.cycle == self.confirmation_cycle()
                   for s in self.stages)

    def confirmation_cycle(self) -> int:
        """Contact attempts count for the latest entry into "Vatandaş teyidi"."""
        return max((s.id for s in self.stages if s.kind == "stage" and s.to_stage == TEYIT), default=0)

    def public_notes(self):
        return [s for s in self.stages if s.public and s.note]

    def last4(self) -> str:
        return phone_digits(self.citizen_phone)[-4:]

    @classmethod
    def validate_data(cls, data, record=None):
        errors = {}
        channel = data.get("channel")
        if channel in REFERENCE_CHANNELS and not (data.get("reference") or "").strip():
            errors["reference"] = _t("Enter the CİMER / Açıkkapı reference for this channel.")
        phone, email = (data.get("citizen_phone") or "").strip(), (data.get("citizen_email") or "").strip()
        if phone and (not PHONE_RE.match(phone) or len(phone_digits(phone)) < 7):
            errors["citizen_phone"] = _t("Enter a phone number of digits, e.g. 0532 123 45 67.")
        if email and not EMAIL_RE.match(email):
            errors["citizen_email"] = _t("Enter a valid e-mail address.")
        if "citizen_phone" in data and not phone and not email:
            errors["citizen_phone"] = _t("Enter the citizen's phone number or e-mail address.")
        if record is None and "kvkk_notice_given" in data and not data.get("kvkk_notice_given"):
            errors["kvkk_notice_given"] = _t("Give (or read out) the KVKK information notice and tick this box.")
        for name, low, high in (("latitude", -90, 90), ("longitude", -180, 180)):
            value = data.get(name)
            if value is not None and not (low <= value <= high):
                errors[name] = _t("Enter a coordinate between %(low)s and %(high)s.", low=low, high=high)
        if (data.get("latitude") is None) != (data.get("longitude") is None) and "latitude" in data:
            errors["longitude"] = _t("Enter both coordinates or neither.")
        received = data.get("received_on")
        if received and received > dt.date.today():
            errors["received_on"] = _t("The date received cannot be in the future.")
        due = data.get("due_date")
        if due and received and due < received:
            errors["due_date"] = _t("The due date cannot be before the date received.")
        if record is not None and "due_date" in data and due != record.due_date \
                and not (data.get("due_change_reason") or "").strip():
            errors["due_change_reason"] = _t("Write why the due date changes.")
        return errors

    def route(self, category_changed=True):
        """Unit and due date from the category (what the clerk left empty)."""
        category = self.category
        if category is None:
            return
        if self.unit is None or category_changed:
            self.unit = category.unit
        if self.due_date is None and self.received_on:
            self.due_date = self.received_on + dt.timedelta(days=category.due_days or 15)

    def __repr__(self):
        return f"{self.number or ''} {self.subject or ''}".strip()


class RequestStage(Model):
    """One row per stage change or contact attempt: note, who, when."""

    __tablename__ = "request_stage"
    id = Column(Integer, primary_key=True)
    request_id = Column(Integer, ForeignKey("citizen_request.id", ondelete="CASCADE"), nullable=False, index=True)
    request = relationship("CitizenRequest", back_populates="stages")
    kind = Column(String(10), nullable=False, default="stage")     # stage | contact
    from_stage = Column(String(12))
    to_stage = Column(String(12))
    note = Column(Text)
    public = Column(Boolean, nullable=False, default=False)        # shown on the public status page
    contact_result = Column(String(12))
    contact_channel = Column(String(12))
    cycle = Column(Integer, nullable=False, default=0)             # the confirmation round it belongs to
    informed = Column(Boolean, nullable=False, default=False)      # a message to the citizen was queued
    user_id = Column(Integer, ForeignKey("ab_user.id"))
    user = relationship("User", lazy="joined")
    at = Column(DateTime, nullable=False, default=dt.datetime.now)

    def label(self):
        if self.kind == "contact":
            channel = CONTACT_CHANNELS.get(self.contact_channel, self.contact_channel or "")
            return f"{CONTACT_RESULTS.get(self.contact_result, self.contact_result)} ({channel})"
        return STAGES.get(self.to_stage, self.to_stage or "")


class Open311Key(Model):
    """API keys for Open311 POST, issued by Bilgi İşlem; only a hash is kept."""

    __tablename__ = "open311_key"
    id = Column(Integer, primary_key=True)
    name = Column(String(100), nullable=False)
    key_hash = Column(String(64), nullable=False, unique=True)
    prefix = Column(String(8), nullable=False)
    active = Column(Boolean, nullable=False, default=True)
    created_at = Column(DateTime, nullable=False, default=dt.datetime.now)
    created_by_id = Column(Integer, ForeignKey("ab_user.id"))
    last_used_at = Column(DateTime)
