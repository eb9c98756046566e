"""The mayor's orders and papers (G m5; S m8(a), m8(g), m8(h), m9(b)6):

- Başkanlık Talimatları: one numbered order (BT-YYYY-NNNN) to several units,
  followed up per unit (answer, status, date; overdue computed);
- Makam Onayına Sunulan Evrak: documents put to the mayor for signature, what
  has waited longest first;
- Meclis Üyeleri Bilgilendirme: briefings of council members (contacts marked
  as council members in the directory) before a council session.
"""
from __future__ import annotations

import datetime as dt

from flask_appbuilder import Model
from flask_babel import gettext as _t
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import Column, Date, DateTime, ForeignKey, Integer, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import relationship

from app.core.declare import computed, field
from app.core.register import Numbered, Register, trigram_index

# -- Başkanlık Talimatları --------------------------------------------------------

WAITING, ANSWERED, DONE, LATE = "bekliyor", "yanitlandi", "tamamlandi", "gecikti"
FOLLOW_UP_STATUSES = {WAITING: "Bekliyor", ANSWERED: "Yanıtlandı", DONE: "Tamamlandı"}
STATUS_LABELS = {**FOLLOW_UP_STATUSES, LATE: "Gecikti"}


def today() -> dt.date:
    return dt.date.today()


class MayorOrder(Register, Numbered, Model):
    """Başkanlık talimatı / genelgesi: one text to several units."""

    __tablename__ = "mayor_order"
    number_prefix = "BT"
    assignable = True

    subject = Column(String(200), nullable=False,
                     info=field(_l("Subject"), list=True, search=True, order=True, place="head"))
    date = Column(Date, nullable=False, index=True,
                  info=field(_l("Date"), list=True, filter=True, order=True, place="head"))
    due_date = Column(Date, index=True, info=field(
        _l("Due date"), list=True, filter=True, order=True, place="head",
        help=_l("By when the units answer; a unit's row may set its own date")))
    text = Column(Text, nullable=False, info=field(_l("Order text"), search=True))
    issued_by = Column(String(150), info=field(_l("Issued by"), search=True,
                                               help=_l("e.g. Belediye Başkanı")))

    follow_ups = relationship("OrderFollowUp", back_populates="order", lazy="select",
                              order_by="OrderFollowUp.id", cascade="all, delete-orphan")

    __table_args__ = (trigram_index("mayor_order"),)

    def open_follow_ups(self):
        return [f for f in self.follow_ups if not f.archived]

    @computed(_l("Follow-up"), list=True, place="tail")
    def progress(self):
        rows = self.open_follow_ups()
        if not rows:
            return ""
        done = sum(1 for f in rows if f.status == DONE)
        late = sum(1 for f in rows if f.is_overdue)
        text = f"{done}/{len(rows)} tamamlandı"
        if late:
            return Markup('{} <span class="label label-danger ozk-overdue">{}</span>').format(
                text, f"{late} birim gecikti")
        return text

    @classmethod
    def validate_data(cls, data, record=None):
        errors = {}
        date, due = data.get("date"), data.get("due_date")
        if date and due and due < date:
            errors["due_date"] = _t("The due date cannot be before the order's date.")
        if "text" in data and not (data.get("text") or "").strip():
            errors["text"] = _t("Write the order's text.")
        if record is None and "units" in data and not data.get("units"):
            errors["units"] = _t("Choose at least one unit the order goes to.")
        return errors

    def __repr__(self):
        return f"{self.number or ''} {self.subject or ''}".strip()


class OrderFollowUp(Register, Model):
    """One unit's row of an order: its answer, status and date."""

    __tablename__ = "mayor_order_unit"
    unit_column = "unit_id"

    @classmethod
    def overdue_condition(cls):
        """Still waiting after its due date (its own, else the order's), the
        order not archived: the Müdür's overdue-by-unit tile and ``?overdue=1``."""
        from sqlalchemy import and_, exists, func, select

        # correlated on the row's order only (a list may have joined mayor_order already)
        order_due = (select(MayorOrder.due_date).where(MayorOrder.id == cls.order_id)
                     .correlate_except(MayorOrder).scalar_subquery())
        live = (exists().where(MayorOrder.id == cls.order_id, MayorOrder.archived.is_(False))
                .correlate_except(MayorOrder))
        return and_(cls.status == WAITING, func.coalesce(cls.due_date, order_due) < dt.date.today(), live)

    order_id = Column(Integer, ForeignKey("mayor_order.id", ondelete="CASCADE"), nullable=False, index=True)
    order = relationship("MayorOrder", back_populates="follow_ups", lazy="joined",
                         info=field(_l("Order"), list=True, key=True, place="head"))
    unit_id = Column(Integer, ForeignKey("unit.id"), nullable=False, index=True)
    unit = relationship("Unit", lazy="joined", info=field(_l("Unit"), list=True, search=True, place="head"))
    due_date = Column(Date, index=True, info=field(
        _l("Due date"), list=True, filter=True, order=True,
        help=_l("Left empty: the order's due date")))
    status = Column(String(12), nullable=False, default=WAITING, index=True,
                    info=field(_l("Status"), choices=FOLLOW_UP_STATUSES, list=True, search=True))
    answer = Column(Text, info=field(_l("Unit's answer"), search=True))
    answered_on = Column(Date, info=field(_l("Answered on"), list=True, filter=True, order=True,
                                          help=_l("Left empty: today, when the status says answered")))
    last_reminded_on = Column(Date, info=field(_l("Last reminder"), form=False, place="tail"))

    __table_args__ = (UniqueConstraint("order_id", "unit_id", name="uq_mayor_order_unit"),
                      trigram_index("mayor_order_unit"))

    @property
    def effective_due(self):
        if self.due_date is not None:
            return self.due_date
        return self.order.due_date if self.order is not None else None

    @property
    def is_overdue(self) -> bool:
        due = self.effective_due
        return (self.status == WAITING and not self.archived and due is not None and due < today())

    @property
    def state(self) -> str:
        """bekliyor / yanitlandi / tamamlandi, or gecikti (computed)."""
        return LATE if self.is_overdue else self.status

    @computed(_l("Follow-up status"), list=True, place="first")
    def state_label(self):
        if self.is_overdue:
            days = (today() - self.effective_due).days
            return Markup('<span class="label label-danger ozk-overdue">{}</span>').format(
                f"Gecikti ({days} gün)")
        return STATUS_LABELS.get(self.status, self.status or "")

    @classmethod
    def validate_data(cls, data, record=None):
        errors = {}
        status = data.get("status")
        if status in (ANSWERED, DONE) and "answer" in data and not (data.get("answer") or "").strip():
            errors["answer"] = _t("Write the unit's answer before marking it answered or completed.")
        answered = data.get("answered_on")
        if answered and answered > today():
            errors["answered_on"] = _t("The answer date cannot be in the future.")
        order = data.get("order") or (record.order if record is not None else None)
        if answered and order is not None and order.date and answered < order.date:
            errors["answered_on"] = _t("The answer date cannot be before the order's date.")
        due = data.get("due_date")
        if due and order is not None and order.date and due < order.date:
            errors["due_date"] = _t("The due date cannot be before the order's date.")
        unit = data.get("unit") or (record.unit if record is not None else None)
        if order is not None and unit is not None and getattr(order, "id", None) is not None:
            from app.extensions import db

            same = db.session.query(OrderFollowUp.id).filter(
                OrderFollowUp.order_id == order.id, OrderFollowUp.unit_id == unit.id,
                OrderFollowUp.id != (record.id if record is not None else -1)).first()
            if same is not None:
                errors["unit"] = _t("This unit already has a row on this order.")
        return errors

    def fill_defaults(self):
        if self.status in (ANSWERED, DONE) and self.answered_on is None:
            self.answered_on = today()
        if self.status == WAITING:
            self.answered_on = None

    def __repr__(self):
        return f"{self.order.number if self.order is not None else ''} – {self.unit or ''}".strip(" –")


class OrderReminder(Model):
    """One reminder per unit per day (the unique key makes the daily run idempotent)."""

    __tablename__ = "mayor_order_reminder"
    id = Column(Integer, primary_key=True)
    unit_id = Column(Integer, ForeignKey("unit.id", ondelete="CASCADE"), nullable=False)
    day = Column(Date, nullable=False)
    orders = Column(Integer, nullable=False, default=0)          # how many overdue rows it named
    outbox_id = Column(Integer)                                  # the queued e-mail
    created_at = Column(DateTime, nullable=False, default=dt.datetime.now)
    __table_args__ = (UniqueConstraint("unit_id", "day", name="uq_mayor_order_reminder"),)


# -- Makam Onayına Sunulan Evrak ----------------------------------------------------

PENDING_SIGNATURE, SIGNED, RETURNED = "bekletiliyor", "imzalandi", "iade"
SUBMISSION_RESULTS = {PENDING_SIGNATURE: "Bekletiliyor", SIGNED: "İmzalandı", RETURNED: "İade"}


class Submission(Register, Model):
    """A document put to the mayor for signature and what came of it."""

    __tablename__ = "mayor_submission"
    assignable = True

    subject = Column(String(300), nullable=False,
                     info=field(_l("Document (subject)"), list=True, search=True, order=True, place="head"))
    reference = Column(String(60), info=field(_l("Document number"), search=True,
                                              help=_l("The document's sayı, if it has one")))
    from_unit_id = Column(Integer, ForeignKey("unit.id"), index=True)
    from_unit = relationship("Unit", lazy="joined", info=field(_l("From unit"), list=True, search=True))
    submitted_on = Column(Date, nullable=False, index=True,
                          info=field(_l("Submitted on"), list=True, filter=True, order=True, place="head"))
    result = Column(String(12), nullable=False, default=PENDING_SIGNATURE, index=True,
                    info=field(_l("Result"), choices=SUBMISSION_RESULTS, list=True, search=True))
    result_note = Column(Text, info=field(_l("Note on the result"),
                                          help=_l("Why it was returned or is being held")))
    returned_on = Column(Date, info=field(_l("Returned on"), list=True, filter=True, order=True))
    distributed_to = Column(String(300), info=field(_l("Distributed to"), list=True, search=True))

    __table_args__ = (trigram_index("mayor_submission"),)

    @property
    def is_open(self) -> bool:
        return self.result == PENDING_SIGNATURE

    @computed(_l("Waiting"), list=True, place="first")
    def waiting_days(self):
        if not self.is_open or self.submitted_on is None:
            return ""
        days = (today() - self.submitted_on).days
        return f"{days} gün"

    @classmethod
    def validate_data(cls, data, record=None):
        errors = {}
        submitted, returned, result = data.get("submitted_on"), data.get("returned_on"), data.get("result")
        if submitted and submitted > today():
            errors["submitted_on"] = _t("The submission date cannot be in the future.")
        if returned and submitted and returned < submitted:
            errors["returned_on"] = _t("The return date cannot be before the submission date.")
        if returned and returned > today():
            errors["returned_on"] = _t("The return date cannot be in the future.")
        if result == RETURNED and "result_note" in data and not (data.get("result_note") or "").strip():
            errors["result_note"] = _t("Write why the document was returned.")
        return errors

    def fill_defaults(self):
        if self.result in (SIGNED, RETURNED) and self.returned_on is None:
            self.returned_on = today()
        if self.result == PENDING_SIGNATURE:
            self.returned_on = None

    def __repr__(self):
        return self.subject or ""


# -- Meclis Üyeleri Bilgilendirme ---------------------------------------------------

BRIEFING_CHANNELS = {"yuz_yuze": "Yüz yüze", "toplanti": "Grup toplantısı", "telefon": "Telefon",
                     "eposta": "E-posta", "sms": "SMS", "whatsapp": "WhatsApp", "yazi": "Resmî yazı"}

briefing_member = Table(
    "council_briefing_member", Model.metadata,
    Column("briefing_id", Integer, ForeignKey("council_briefing.id", ondelete="CASCADE"), primary_key=True),
    Column("contact_id", Integer, ForeignKey("contact.id", ondelete="CASCADE"), primary_key=True),
)


class CouncilBriefing(Register, Model):
    """Council members informed before a council (or group) session."""

    __tablename__ = "council_briefing"
    assignable = True

    meeting = Column(String(200), nullable=False, info=field(
        _l("Council session"), list=True, search=True, order=True, place="head",
        help=_l("e.g. Aralık ayı olağan meclis toplantısı")))
    date = Column(Date, nullable=False, index=True,
                  info=field(_l("Date"), list=True, filter=True, order=True, place="head"))
    channel = Column(String(12), nullable=False, default="yuz_yuze",
                     info=field(_l("Channel"), choices=BRIEFING_CHANNELS, list=True, search=True))
    members = relationship("Contact", secondary=briefing_member, lazy="select", order_by="Contact.name",
                           info=field(_l("Members informed"), show=False,
                                      help=_l("Contacts marked as council members in the directory")))
    members_text = Column(Text, info=field(_l("Members informed"), list=True, search=True, form=False))
    content = Column(Text, nullable=False, info=field(_l("Content"), search=True))
    informed_by_id = Column(Integer, ForeignKey("staff.id"), index=True)
    informed_by = relationship("Staff", lazy="joined",
                               info=field(_l("Informed by"), list=True, masked="name"))

    __table_args__ = (trigram_index("council_briefing"),)

    @classmethod
    def validate_data(cls, data, record=None):
        errors = {}
        if "members" in data:
            members = list(data.get("members") or [])
            if not members:
                errors["members"] = _t("Choose at least one council member.")
            elif any(not getattr(m, "council_member", False) for m in members):
                errors["members"] = _t("Only contacts marked as council members can be chosen.")
        if "content" in data and not (data.get("content") or "").strip():
            errors["content"] = _t("Write what the members were told.")
        return errors

    def fill_defaults(self):
        # the member list as text: audited, searchable, listed
        self.members_text = ", ".join(sorted((m.name or "") for m in self.members)) or None

    def __repr__(self):
        day = self.date.strftime("%d.%m.%Y") if self.date else ""
        return f"{self.meeting or ''} ({day})" if day else (self.meeting or "")
