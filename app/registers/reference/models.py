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
    # KVKK: a person's name and title are personal data, an institution's are not
    personal_fields = ("name", "title", "phone", "email", "address", "notes")
    masked_fields = {"phone": "phone", "name": "name"}
    kvkk_field_conditions = {"name": lambda cls: cls.kind == "kisi",
                             "title": lambda cls: cls.kind == "kisi"}

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
    def names_person(self):
        return self.kind != "kurum"

    def personal_field_names(self):
        if self.kind == "kurum":
            return tuple(f for f in type(self).personal_fields if f not in ("name", "title"))
        return tuple(type(self).personal_fields)

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
    personal_fields = ("head",)
    masked_fields = {"head": "name"}
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
    personal_fields = ("name", "title", "phone")
    masked_fields = {"phone": "phone", "name": "name"}
    names_person = True
    # KVKK: the names of people still working here are kept; anonymize blanks
    # staff who are no longer active once the retention period has passed
    kvkk_condition = staticmethod(lambda cls: cls.active.is_(False))
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
