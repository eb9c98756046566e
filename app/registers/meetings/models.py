"""Toplantılar ve Tutanaklar (G m5): meetings with their participants, agenda
items (minutes and decision per item) and action items (owner unit or staff
member, due date, status)."""
from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _t
from flask_babel import lazy_gettext as _l
from flask_appbuilder import Model
from sqlalchemy import Boolean, Column, Date, DateTime, ForeignKey, Integer, String, Text, and_
from sqlalchemy.orm import relationship

from app.core.declare import computed, field
from app.core.register import Register, trigram_index

KINDS = {"divan": "Divan toplantısı", "koordinasyon": "Koordinasyon toplantısı",
         "birim": "Birim toplantısı", "dis": "Dış kurumlarla toplantı", "diger": "Diğer"}
MEETING_STATUSES = {"planlandi": "Planlandı", "yapildi": "Yapıldı", "iptal": "İptal"}
ACTION_STATUSES = {"acik": "Açık", "tamamlandi": "Tamamlandı", "iptal": "İptal"}


class Meeting(Register, Model):
    """One meeting; its minutes are the agenda items' minutes and decisions."""

    __tablename__ = "meeting"

    title = Column(String(200), nullable=False,
                   info=field(_l("Meeting"), list=True, search=True, order=True, place="head"))
    kind = Column(String(15), nullable=False, default="koordinasyon",
                  info=field(_l("Kind"), choices=KINDS, list=True, search=True, place="head"))
    starts_at = Column(DateTime, nullable=False, index=True,
                       info=field(_l("Date and time"), list=True, filter=True, order=True, place="head"))
    ends_at = Column(DateTime, info=field(_l("Ends at")))
    place = Column(String(200), info=field(_l("Place"), list=True, search=True, order=True))
    chair = Column(String(150), info=field(_l("Chaired by"), search=True,
                                           help=_l("Who chairs the meeting (e.g. the mayor)")))
    status = Column(String(10), nullable=False, default="planlandi",
                    info=field(_l("Status"), choices=MEETING_STATUSES, list=True, search=True))
    summary = Column(Text, info=field(_l("General minutes"),
                                      help=_l("Opening, attendance and anything not under an agenda item")))

    participants = relationship("MeetingParticipant", back_populates="meeting", lazy="select",
                                order_by="MeetingParticipant.id", cascade="all, delete-orphan")
    agenda_items = relationship("AgendaItem", back_populates="meeting", lazy="select",
                                order_by="(AgendaItem.seq, AgendaItem.id)", cascade="all, delete-orphan")
    action_items = relationship("ActionItem", back_populates="meeting", lazy="select",
                                order_by="ActionItem.id", cascade="all, delete-orphan")

    __table_args__ = (trigram_index("meeting"),)

    @classmethod
    def validate_data(cls, data, record=None):
        errors = {}
        start, end = data.get("starts_at"), data.get("ends_at")
        if isinstance(start, dt.datetime) and isinstance(end, dt.datetime) and end < start:
            errors["ends_at"] = _t("The meeting cannot end before it starts.")
        return errors

    def __repr__(self):
        day = self.starts_at.strftime("%d.%m.%Y") if self.starts_at else ""
        return f"{self.title or ''} ({day})" if day else (self.title or "")


class _MeetingDetail:
    """A row reached from its meeting's page (participants, agenda and action items)."""

    @property
    def is_locked(self):
        return False


class MeetingParticipant(_MeetingDetail, Register, Model):
    """A participant: an office staff member, a contact from the directory or a name."""

    __tablename__ = "meeting_participant"
    names_person = True

    meeting_id = Column(Integer, ForeignKey("meeting.id", ondelete="CASCADE"), nullable=False, index=True)
    meeting = relationship("Meeting", back_populates="participants", lazy="joined",
                           info=field(_l("Meeting"), list=True))
    staff_id = Column(Integer, ForeignKey("staff.id"))
    staff = relationship("Staff", lazy="joined", info=field(_l("Staff member"), list=True, masked="name"))
    contact_id = Column(Integer, ForeignKey("contact.id"))
    contact = relationship("Contact", lazy="joined", info=field(_l("Contact"), list=True, masked="name"))
    name = Column(String(150), info=field(_l("Name"), list=True, search=True, personal=True, masked="name",
                                          help=_l("Only for somebody neither in the staff list nor in the directory")))
    capacity = Column(String(150), info=field(_l("Title / capacity"), list=True, search=True,
                                              help=_l("Printed under the signature line (e.g. Belediye Başkanı)")))
    attended = Column(Boolean, nullable=False, default=True, info=field(_l("Attended"), list=True))

    __table_args__ = (trigram_index("meeting_participant"),)

    @computed(_l("Participant"), show=False, key=True)
    def display_name(self):
        if self.staff is not None:
            return self.staff.name
        if self.contact is not None:
            return self.contact.name
        return self.name or ""

    @property
    def signature_title(self):
        if self.capacity:
            return self.capacity
        if self.staff is not None:
            return self.staff.title or ""
        if self.contact is not None:
            inst = self.contact.institution
            return ", ".join(filter(None, [self.contact.title, inst.name if inst is not None else None]))
        return ""

    @classmethod
    def validate_data(cls, data, record=None):
        chosen = [bool(data.get("staff")), bool(data.get("contact")), bool((data.get("name") or "").strip())]
        if sum(chosen) == 0:
            return {"name": _t("Choose a staff member or a contact, or write a name.")}
        if sum(chosen) > 1:
            return {"name": _t("A participant is one person: a staff member, a contact or a name.")}
        return {}

    def __repr__(self):
        return self.display_name


class AgendaItem(_MeetingDetail, Register, Model):
    """An agenda item with what was said (minutes) and what was decided."""

    __tablename__ = "meeting_agenda_item"

    meeting_id = Column(Integer, ForeignKey("meeting.id", ondelete="CASCADE"), nullable=False, index=True)
    meeting = relationship("Meeting", back_populates="agenda_items", lazy="joined",
                           info=field(_l("Meeting"), list=True))
    seq = Column(Integer, nullable=False, default=1, info=field(_l("No."), list=True, order=True))
    topic = Column(String(300), nullable=False, info=field(_l("Agenda item"), list=True, search=True, order=True))
    minutes = Column(Text, info=field(_l("Minutes"), search=True,
                                      help=_l("What was discussed under this item")))
    decision = Column(Text, info=field(_l("Decision"), list=True, search=True))

    __table_args__ = (trigram_index("meeting_agenda_item"),)

    @classmethod
    def validate_data(cls, data, record=None):
        seq = data.get("seq")
        if seq is not None and not (1 <= seq <= 999):
            return {"seq": _t("The item number must be between 1 and 999.")}
        return {}

    def __repr__(self):
        return f"{self.seq}. {self.topic or ''}"


class ActionItem(_MeetingDetail, Register, Model):
    """A task decided in a meeting: who (a unit or a staff member), by when, done or not."""

    __tablename__ = "action_item"

    meeting_id = Column(Integer, ForeignKey("meeting.id", ondelete="CASCADE"), nullable=False, index=True)
    meeting = relationship("Meeting", back_populates="action_items", lazy="joined",
                           info=field(_l("Meeting"), list=True))
    agenda_item_id = Column(Integer, ForeignKey("meeting_agenda_item.id", ondelete="SET NULL"))
    agenda_item = relationship("AgendaItem", lazy="select", info=field(_l("Agenda item")))
    description = Column(String(300), nullable=False,
                         info=field(_l("Action"), list=True, search=True, order=True, place="head"))
    owner_unit_id = Column(Integer, ForeignKey("unit.id"), index=True)
    owner_unit = relationship("Unit", lazy="joined", info=field(_l("Owner unit"), list=True, search=True))
    owner_staff_id = Column(Integer, ForeignKey("staff.id"), index=True)
    owner_staff = relationship("Staff", lazy="joined",
                               info=field(_l("Owner (staff member)"), list=True, masked="name"))
    due_date = Column(Date, info=field(_l("Due date"), list=True, filter=True, order=True))
    status = Column(String(12), nullable=False, default="acik",
                    info=field(_l("Status"), choices=ACTION_STATUSES, list=True, search=True))
    done_on = Column(Date, info=field(_l("Completed on"), filter=True))
    note = Column(Text, info=field(_l("Note")))

    __table_args__ = (trigram_index("action_item"),)
    assignable = True     # the Müdür may give it to a person ("İşlerim", app/core/assignment.py)
    unit_column = "owner_unit_id"

    @classmethod
    def overdue_condition(cls):
        return and_(cls.status == "acik", cls.due_date < dt.date.today())

    def assignment_finished(self) -> bool:
        """Completing or cancelling the action closes its assignments."""
        return self.status in ("tamamlandi", "iptal")

    @property
    def overdue(self) -> bool:
        return (self.status == "acik" and not self.archived and self.due_date is not None
                and self.due_date < dt.date.today())

    @computed(_l("Overdue"), list=True)
    def overdue_label(self):
        return "Gecikmiş" if self.overdue else ""

    @property
    def owner(self) -> str:
        return ", ".join(str(o) for o in (self.owner_unit, self.owner_staff) if o is not None)

    @classmethod
    def validate_data(cls, data, record=None):
        errors = {}
        if not data.get("owner_unit") and not data.get("owner_staff"):
            errors["owner_unit"] = _t("Choose the unit or the staff member who does it.")
        agenda, meeting = data.get("agenda_item"), data.get("meeting") or (
            record.meeting if record is not None else None)
        if agenda is not None and meeting is not None and getattr(agenda, "meeting_id", None) != meeting.id:
            errors["agenda_item"] = _t("The agenda item belongs to another meeting.")
        return errors

    def fill_defaults(self):
        if self.status == "tamamlandi" and self.done_on is None:
            self.done_on = dt.date.today()
        if self.status != "tamamlandi":
            self.done_on = None

    def __repr__(self):
        return self.description or ""
