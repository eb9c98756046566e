"""Telefon Görüşmeleri (S m7(5), S m9(b)1): the office's call log, and the
call backs it creates (a task on the assignee's home page until done)."""
from __future__ import annotations

import datetime as dt

from flask_babel import gettext as _t
from flask_babel import lazy_gettext as _l
from flask_appbuilder import Model
from sqlalchemy import Boolean, Column, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import relationship

from app.core.declare import computed, field
from app.core.register import Register, trigram_index

DIRECTIONS = {"gelen": "Gelen", "giden": "Giden"}
OUTCOMES = {"baglandi": "Bağlandı", "not_alindi": "Not alındı"}


def next_working_day(day: dt.date) -> dt.date:
    """The next day from Monday to Friday (official holidays are not known here)."""
    day += dt.timedelta(days=1)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


class PhoneCall(Register, Model):
    """One call, incoming or outgoing. A call back needed is due by the end of
    the next working day unless the clerk sets another date."""

    __tablename__ = "phone_call"
    names_person = True

    called_at = Column(DateTime, nullable=False, default=dt.datetime.now, index=True,
                       info=field(_l("Time"), list=True, filter=True, order=True, place="head"))
    direction = Column(String(10), nullable=False, default="gelen",
                       info=field(_l("Direction"), choices=DIRECTIONS, list=True, search=True, place="head"))
    contact_id = Column(Integer, ForeignKey("contact.id"), index=True)
    contact = relationship("Contact", lazy="joined",
                           info=field(_l("Caller (directory)"), masked="name",
                                      help=_l("The caller from the directory; or write the name below")))
    caller_name = Column(String(200), info=field(_l("Caller"), list=True, search=True, personal=True,
                                                 masked="name",
                                                 help=_l("A caller not in the directory (name, institution)")))
    phone = Column(String(40), info=field(_l("Phone number"), list=True, search=True, personal=True,
                                           masked="phone"))
    subject = Column(String(300), nullable=False, info=field(_l("Subject"), list=True, search=True,
                                                             order=True))
    outcome = Column(String(12), nullable=False, default="baglandi",
                     info=field(_l("Outcome"), choices=OUTCOMES, list=True, search=True))
    callback_needed = Column(Boolean, nullable=False, default=False,
                             info=field(_l("Call back needed"), list=True, filter=True))
    assignee_id = Column(Integer, ForeignKey("ab_user.id"), index=True)
    assignee = relationship("User", foreign_keys=[assignee_id], lazy="joined",
                            info=field(_l("Call back by"), list=True,
                                       help=_l("Who calls back (the task appears on their home page)")))
    callback_due = Column(Date, info=field(_l("Call back by (date)"), filter=True, order=True,
                                           help=_l("Empty: the end of the next working day")))
    notes = Column(Text, info=field(_l("Notes"), personal=True))
    callback_done_at = Column(DateTime, info=field(_l("Called back at"), form=False, list=True,
                                                   filter=True, place="tail"))
    callback_done_by_id = Column(Integer, ForeignKey("ab_user.id"))
    callback_done_by = relationship("User", foreign_keys=[callback_done_by_id], lazy="select",
                                    info=field(_l("Called back by"), form=False, place="tail"))

    __table_args__ = (trigram_index("phone_call"),)

    @computed(_l("Caller"), show=False, key=True)
    def contact_name(self):
        return self.contact.name if self.contact is not None else ""

    @property
    def caller(self) -> str:
        return self.caller_name or (str(self.contact) if self.contact is not None else "")

    @property
    def callback_open(self) -> bool:
        return bool(self.callback_needed and self.callback_done_at is None and not self.archived)

    @classmethod
    def overdue_condition(cls):
        """Call backs not made by their day (the list's ``?overdue=1``, the Müdür's tile)."""
        from sqlalchemy import and_

        return and_(cls.callback_needed.is_(True), cls.callback_done_at.is_(None),
                    cls.callback_due < dt.date.today())

    @property
    def callback_overdue(self) -> bool:
        return self.callback_open and self.callback_due is not None and self.callback_due < dt.date.today()

    @classmethod
    def validate_data(cls, data, record=None):
        errors = {}
        if not data.get("contact") and not (data.get("caller_name") or "").strip():
            errors["caller_name"] = _t("Choose the caller from the directory or write a name.")
        if data.get("callback_needed") and not data.get("assignee"):
            errors["assignee"] = _t("Choose who calls back.")
        called = data.get("called_at")
        if isinstance(called, dt.datetime) and called > dt.datetime.now() + dt.timedelta(minutes=5):
            errors["called_at"] = _t("The time of the call cannot be in the future.")
        return errors

    def fill_defaults(self):
        """What a save sets that the clerk need not type: the due date of a call back."""
        if self.callback_needed and self.callback_due is None:
            self.callback_due = next_working_day((self.called_at or dt.datetime.now()).date())
        if not self.callback_needed:
            self.callback_due = None

    def __repr__(self):
        when = self.called_at.strftime("%d.%m.%Y %H:%M") if self.called_at else ""
        return f"{when} {self.caller}".strip()
