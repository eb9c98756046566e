"""Shared reference data: contacts (institutions and persons), units, staff."""
from flask_babel import gettext as _t  # validation messages: English source, Turkish catalog
from flask_appbuilder import Model
from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import relationship

from app.core.register import Register, trigram_index, turkish_sort_index


class Contact(Register, Model):
    """Kurum ve Kişi Rehberi (G m5, S m7(1))."""

    __tablename__ = "contact"
    search_fields = ("name", "title", "institution_name", "phone", "email")
    personal_fields = ("phone", "email", "address")
    masked_fields = {"phone": "phone"}

    choices = {"kind": {"kurum": "Kurum", "kisi": "Kişi"}}
    kind = Column(String(10), nullable=False, default="kisi")
    name = Column(String(200), nullable=False, index=True)
    title = Column(String(150))
    institution_id = Column(Integer, ForeignKey("contact.id"), index=True)
    institution = relationship("Contact", remote_side="Contact.id", lazy="joined", join_depth=1)
    protocol_rank = Column(Integer)
    phone = Column(String(40))
    email = Column(String(120))
    address = Column(Text)
    notes = Column(Text)

    __table_args__ = (trigram_index("contact"), turkish_sort_index("contact", "name"))

    @property
    def institution_name(self):
        return self.institution.name if self.institution else ""

    @classmethod
    def validate_data(cls, data, record=None):
        errors = {}
        if data.get("kind") == "kurum" and data.get("institution"):
            errors["institution"] = _t("An institution cannot belong to another institution; choose a person.")
        rank = data.get("protocol_rank")
        if rank is not None and not (1 <= rank <= 999):
            errors["protocol_rank"] = _t("The protocol rank must be between 1 and 999.")
        return errors

    def __repr__(self):
        if self.kind == "kisi" and self.institution:
            return f"{self.name} ({self.institution.name})"
        return self.name or ""


class Unit(Register, Model):
    """Birimler: municipal units requests and orders are routed to."""

    __tablename__ = "unit"
    search_fields = ("name", "head", "email")
    name = Column(String(150), nullable=False, unique=True)
    head = Column(String(150))
    email = Column(String(120))
    active = Column(Boolean, nullable=False, default=True)
    __table_args__ = (trigram_index("unit"), turkish_sort_index("unit", "name"))

    def __repr__(self):
        return self.name or ""


class Staff(Register, Model):
    """Personel: office staff, drivers, advisors."""

    __tablename__ = "staff"
    search_fields = ("name", "title", "office_role")
    personal_fields = ("phone",)
    masked_fields = {"phone": "phone"}
    name = Column(String(150), nullable=False)
    title = Column(String(150))
    unit_id = Column(Integer, ForeignKey("unit.id"))
    unit = relationship("Unit", lazy="joined")
    office_role = Column(String(80))
    phone = Column(String(40))
    active = Column(Boolean, nullable=False, default=True)
    user_id = Column(Integer, ForeignKey("ab_user.id"), unique=True)
    user = relationship("User", foreign_keys=[user_id], lazy="select")
    __table_args__ = (trigram_index("staff"), turkish_sort_index("staff", "name"))

    def __repr__(self):
        return self.name or ""
