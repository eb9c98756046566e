"""Shared reference data: contacts (institutions and persons), units, staff."""
from flask_babel import gettext as _t  # validation messages: English source, Turkish catalog
from flask_babel import lazy_gettext as _l
from flask_appbuilder import Model
from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, String, Text
from sqlalchemy import false as sa_false
from sqlalchemy.orm import relationship

from app.core.declare import computed, field
from app.core.register import Register, trigram_index, turkish_sort_index


class Contact(Register, Model):
    """Kurum ve Kişi Rehberi (G m5, S m7(1))."""

    __tablename__ = "contact"
    # KVKK: a person's name and title are personal data, an institution's are not
    kvkk_field_conditions = {"name": lambda cls: cls.kind == "kisi",
                             "title": lambda cls: cls.kind == "kisi"}

    kind = Column(String(10), nullable=False, default="kisi",
                  info=field(_l("Kind"), choices={"kurum": "Kurum", "kisi": "Kişi"}, list=True, order=True))
    name = Column(String(200), nullable=False, index=True,
                  info=field(_l("Name"), list=True, search=True, order=True, personal=True, masked="name"))
    title = Column(String(150), info=field(_l("Title"), list=True, search=True, order=True, personal=True))
    institution_id = Column(Integer, ForeignKey("contact.id"), index=True)
    institution = relationship("Contact", remote_side="Contact.id", lazy="joined", join_depth=1,
                               info=field(_l("Institution"), list=True))
    protocol_rank = Column(Integer, info=field(_l("Protocol rank"), list=True, order=True))
    phone = Column(String(40), info=field(_l("Phone"), list=True, search=True, personal=True, masked="phone"))
    email = Column(String(120), info=field(_l("E-mail"), search=True, personal=True))
    address = Column(Text, info=field(_l("Address"), personal=True))
    notes = Column(Text, info=field(_l("Notes"), personal=True))
    council_member = Column(Boolean, nullable=False, default=False, server_default=sa_false(),
                            info=field(_l("Council member"), filter=True,
                                       help=_l("A member of the municipal council (Meclis Üyeleri Bilgilendirme)")))

    __table_args__ = (trigram_index("contact"), turkish_sort_index("contact", "name"))

    @property
    def names_person(self):
        return self.kind != "kurum"

    def personal_field_names(self):
        if self.kind == "kurum":
            return tuple(f for f in type(self).personal_fields if f not in ("name", "title"))
        return tuple(type(self).personal_fields)

    @computed(_l("Institution"), show=False, key=True)
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
    name = Column(String(150), nullable=False, unique=True,
                  info=field(_l("Unit"), list=True, search=True, order=True))
    head = Column(String(150), info=field(_l("Unit head"), list=True, search=True, order=True,
                                          personal=True, masked="name"))
    email = Column(String(120), info=field(_l("E-mail"), list=True, key=True))
    active = Column(Boolean, nullable=False, default=True, info=field(_l("Active"), list=True))
    __table_args__ = (trigram_index("unit"), turkish_sort_index("unit", "name"))

    def __repr__(self):
        return self.name or ""


class Staff(Register, Model):
    """Personel: office staff, drivers, advisors."""

    __tablename__ = "staff"
    names_person = True
    # KVKK: the names of people still working here are kept; anonymize blanks
    # staff who are no longer active once the retention period has passed
    kvkk_condition = staticmethod(lambda cls: cls.active.is_(False))
    name = Column(String(150), nullable=False,
                  info=field(_l("Name"), list=True, search=True, order=True, personal=True, masked="name"))
    title = Column(String(150), info=field(_l("Title"), list=True, search=True, order=True, personal=True))
    unit_id = Column(Integer, ForeignKey("unit.id"))
    unit = relationship("Unit", lazy="joined", info=field(_l("Unit"), list=True))
    office_role = Column(String(80), info=field(_l("Role in office"), list=True, search=True, order=True))
    phone = Column(String(40), info=field(_l("Phone"), personal=True, masked="phone"))
    active = Column(Boolean, nullable=False, default=True, info=field(_l("Active"), list=True))
    user_id = Column(Integer, ForeignKey("ab_user.id"), unique=True)
    user = relationship("User", foreign_keys=[user_id], lazy="select", info=field(_l("Login user")))
    __table_args__ = (trigram_index("staff"), turkish_sort_index("staff", "name"))

    def __repr__(self):
        return self.name or ""
