"""Gelen ve Giden Evrak (S m7(11), m8(a), m12): one register of incoming and
outgoing letters with the official sayı (``E-<DETSİS>-<file-plan code>-<seq>``,
a yearly sequence per direction), ilgi links between letters, distribution,
urgency and security level. Letters above "normal" are seen only by the roles
the settings name: for everybody else they do not exist (lists, search,
filters, exports, show, PDF; the audit log never stores their contents)."""
from __future__ import annotations

import datetime as dt
import re
from collections import namedtuple

from flask import g, has_request_context
from flask_appbuilder import Model
from flask_babel import gettext as _t
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import Column, Date, ForeignKey, Integer, String, Table, Text, event
from sqlalchemy.orm import Session, relationship

from app.core.approval import APPROVED, Approvable
from app.core.declare import computed, field
from app.core.register import Register, trigram_index

try:  # the ordered signature chain (app/core/signing.py, being written on another branch)
    from app.core.signing import PREPARER, Step
except ImportError:  # pragma: no cover - until the core module lands
    Step = namedtuple("Step", "kind role title", defaults=(None, ""))
    PREPARER = "preparer"

INCOMING, OUTGOING = "gelen", "giden"
DIRECTIONS = {INCOMING: "Gelen", OUTGOING: "Giden"}
NORMAL, RESTRICTED, SECRET = "normal", "hizmete_ozel", "gizli"
SECURITY = {NORMAL: "Normal", RESTRICTED: "Hizmete özel", SECRET: "Gizli"}
SECURITY_MARK = {RESTRICTED: "HİZMETE ÖZEL", SECRET: "GİZLİ"}
URGENCY = {"normal": "Normal", "ivedi": "İvedi", "gunlu": "Günlü"}
KINDS = {"external": "Kurum dışı", "internal": "Kurum içi"}
FILE_PLAN_RE = re.compile(r"^\d{3}(\.\d{2}){0,3}$")
NUMBER_COUNTER = "EVRAK"   # one yearly sequence for the register (number_sequence prefix)
HIDDEN_REFERENCE = "Kısıtlı evrak #{id}"

# fields whose content never goes into the audit log for a letter above "normal"
CONTENT_FIELDS = ("subject", "body", "addressee", "contact", "contact_id", "sender_number",
                  "reference_text", "distribution_action", "distribution_info", "notes",
                  "answer_note", "cited")

DEFAULT_SETTINGS = {
    "letters_prefix": "E",
    "letters_secure_roles": "Müdür, Başkan, Başkan Yardımcısı, Admin",
    "letters_kep": "",
    "letters_info_contact": "",
    "letters_mayor_name": "",
    "letters_director_name": "",
    "letters_answer_days": "10",
}


def settings() -> dict:
    from app.settings.models import get_settings

    values = dict(DEFAULT_SETTINGS)
    values.update({k: v for k, v in get_settings().items() if k in DEFAULT_SETTINGS or k == "detsis"})
    return values


def secure_roles() -> set:
    return {r.strip() for r in (settings().get("letters_secure_roles") or "").split(",") if r.strip()}


def may_see_secured(user=None) -> bool:
    """Whether this user sees letters above "normal". Outside a request (CLI,
    demo loader, migrations) everything is visible."""
    if user is None:
        if not has_request_context():
            return True
        user = getattr(g, "user", None)
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    allowed = secure_roles()
    return any(role.name in allowed for role in (user.roles or []))


letter_ilgi = Table(
    "letter_ilgi", Model.metadata,
    Column("letter_id", Integer, ForeignKey("letter.id", ondelete="CASCADE"), primary_key=True),
    Column("cited_id", Integer, ForeignKey("letter.id", ondelete="CASCADE"), primary_key=True),
)


class LetterTemplate(Register, Model):
    """Yazı şablonları: konu + metin with placeholders, chosen when writing an
    outgoing letter."""

    __tablename__ = "letter_template"
    name = Column(String(120), nullable=False, unique=True,
                  info=field(_l("Template name"), list=True, search=True, order=True))
    subject = Column(String(250), nullable=False, info=field(_l("Subject"), list=True, search=True))
    body = Column(Text, nullable=False, info=field(
        _l("Text"), help=_l("Placeholders: {muhatap}, {ilgi}, {tarih}, {konu}")))
    __table_args__ = (trigram_index("letter_template"),)

    PLACEHOLDERS = ("muhatap", "ilgi", "tarih", "konu")

    @classmethod
    def validate_data(cls, data, record=None):
        import string

        text = (data.get("body") or "") + (data.get("subject") or "")
        try:
            names = [n for _, n, _, _ in string.Formatter().parse(text) if n is not None]
        except ValueError:
            return {"body": "Süslü parantezler eşleşmiyor."}
        bad = [n for n in names if n not in cls.PLACEHOLDERS]
        if bad:
            return {"body": "Bilinmeyen yer tutucu: {" + bad[0] + "}. Kullanılabilenler: "
                    + ", ".join("{" + p + "}" for p in cls.PLACEHOLDERS)}
        return {}

    def fill(self, letter_values: dict) -> tuple[str, str]:
        class _Safe(dict):
            def __missing__(self, key):
                return "{" + key + "}"

        values = _Safe({k: letter_values.get(k) or "" for k in self.PLACEHOLDERS})
        try:
            return self.subject.format_map(values), self.body.format_map(values)
        except (ValueError, IndexError, AttributeError):
            return self.subject, self.body

    def __repr__(self):
        return self.name or ""


class Letter(Register, Approvable, Model):
    """One letter, incoming (registered from a scan) or outgoing (written here
    from a template, approved, printed in the official layout)."""

    __tablename__ = "letter"
    assignable = True   # the Müdür assigns an incoming letter (app/core/assignment.py)

    direction = Column(String(6), nullable=False, default=INCOMING, index=True,
                       info=field(_l("Direction"), choices=DIRECTIONS, list=True, search=True, place="first"))
    number = Column(String(80), index=True, info=field(
        _l("Sayı"), list=True, key=True, order=True, form=False, place="first", list_place="first"))
    letter_date = Column(Date, nullable=False, default=dt.date.today, index=True, info=field(
        _l("Date"), list=True, filter=True, order=True, place="head", list_place="head",
        help=_l("Incoming: the date registered; outgoing: the date of the letter")))
    kind = Column(String(10), nullable=False, default="external", info=field(
        _l("Letter kind"), choices=KINDS, place="head",
        help=_l("Outgoing: to another institution (signed by the Başkan) or inside the municipality "
                "(signed by the Müdür)")))
    file_plan_code = Column(String(20), nullable=False, default="010.06", info=field(
        _l("File-plan code"), search=True, place="head",
        help=_l("Standart Dosya Planı code of the subject, e.g. 010.06")))
    contact_id = Column(Integer, ForeignKey("contact.id"), index=True)
    contact = relationship("Contact", lazy="joined", foreign_keys=[contact_id], info=field(
        _l("Sender / recipient"), list=True, key=True,
        help=_l("Incoming: who sent it; outgoing: to whom it goes")))
    addressee = Column(Text, info=field(
        _l("Addressee as printed"),
        help=_l("Outgoing: the muhatap block, e.g. BURSA VALİLİĞİNE (İl Kültür ve Turizm Müdürlüğü). "
                "Left empty: the contact's name")))
    subject = Column(String(250), nullable=False, info=field(_l("Konu"), list=True, search=True, order=True))
    sender_number = Column(String(80), info=field(
        _l("Sender's sayı"), search=True, help=_l("Incoming: the number on the letter received")))
    sender_date = Column(Date, info=field(_l("Sender's date"), help=_l("Incoming: the date on the letter received")))
    cited = relationship("Letter", secondary=letter_ilgi, primaryjoin=lambda: Letter.id == letter_ilgi.c.letter_id,
                         secondaryjoin=lambda: Letter.id == letter_ilgi.c.cited_id, lazy="select",
                         order_by=lambda: Letter.letter_date,
                         info=field(_l("İlgi (letters)"), help=_l("Earlier letters of the register this one cites")))
    reference_text = Column(Text, info=field(
        _l("İlgi (other)"), help=_l("One per line, e.g. 12.11.2026 tarihli ve 1234 sayılı yazınız")))
    template_id = Column(Integer, ForeignKey("letter_template.id"))
    template = relationship("LetterTemplate", lazy="select", info=field(
        _l("Template"), help=_l("Outgoing: an empty subject or text is filled from the template")))
    body = Column(Text, info=field(_l("Text")))
    distribution_action = Column(Text, info=field(_l("Distribution: gereği"), help=_l("One addressee per line")))
    distribution_info = Column(Text, info=field(_l("Distribution: bilgi"), help=_l("One addressee per line")))
    security = Column(String(14), nullable=False, default=NORMAL, index=True, info=field(
        _l("Security level"), choices=SECURITY, list=True, filter=True, place="head",
        help=_l("Hizmete özel and gizli letters are seen only by the roles named in the letter settings")))
    urgency = Column(String(6), nullable=False, default="normal", info=field(
        _l("Urgency"), choices=URGENCY, list=True, filter=True, place="head"))
    urgency_date = Column(Date, info=field(_l("Answer by (günlü)"), place="head",
                                           help=_l("Günlü: the date the answer is due")))
    due_date = Column(Date, index=True, info=field(
        _l("Due date"), list=True, filter=True, order=True,
        help=_l("Incoming: when the answer is due (left empty: günlü date or the settings' days)")))
    answered_by_id = Column(Integer, ForeignKey("letter.id"), index=True)
    answered_by = relationship("Letter", remote_side="Letter.id", foreign_keys=[answered_by_id], lazy="select",
                               info=field(_l("Answered by"), form=False))
    notes = Column(Text, info=field(_l("Notes")))
    __table_args__ = (trigram_index("letter"),)

    # -- signature chain (app/core/signing.py) ------------------------------
    signature_chain = {
        "external": [Step("paraf", PREPARER), Step("paraf", "Müdür"), Step("imza", "Başkan")],
        "internal": [Step("paraf", PREPARER), Step("imza", "Müdür")],
    }

    def chain_key(self):
        return self.kind if self.kind in self.signature_chain else "external"

    # -- visibility --------------------------------------------------------
    @property
    def secured(self) -> bool:
        return (self.security or NORMAL) != NORMAL

    def hidden_for(self, user=None) -> bool:
        return self.secured and not may_see_secured(user)

    def personal_field_names(self):
        names = tuple(super().personal_field_names())
        return names + CONTENT_FIELDS if self.secured else names

    def audit_reference(self):
        if self.secured:
            return HIDDEN_REFERENCE.format(id=self.id)
        return str(self)

    # -- state ---------------------------------------------------------------
    @property
    def is_incoming(self):
        return self.direction == INCOMING

    def approval_applies(self) -> bool:
        """An incoming letter is registered, assigned and answered; only
        outgoing letters go through the paraf and signature chain."""
        return self.direction != INCOMING

    @property
    def is_open(self):
        return self.is_incoming and self.answered_by_id is None and not self.archived

    @classmethod
    def overdue_condition(cls):
        """Open incoming letters past their due date (``?overdue=1``, the Müdür's
        tile); letters above "normal" only for the roles that see them."""
        from sqlalchemy import and_

        condition = and_(cls.direction == INCOMING, cls.answered_by_id.is_(None), cls.due_date < dt.date.today())
        return condition if may_see_secured() else and_(condition, cls.security == NORMAL)

    @property
    def is_overdue(self):
        return bool(self.is_open and self.due_date and self.due_date < dt.date.today())

    @computed(_l("Deadline"), list=True, show=True, place="head")
    def due_status(self):
        if self.is_overdue:
            days = (dt.date.today() - self.due_date).days
            return Markup('<span class="label label-danger ozk-overdue">{}</span>').format(f"Gecikti ({days} gün)")
        if self.is_incoming and self.answered_by_id:
            return Markup('<span class="label label-success">{}</span>').format("Cevaplandı")
        if self.is_open:
            return Markup('<span class="label label-default">{}</span>').format("Açık")
        return ""

    @classmethod
    def validate_data(cls, data, record=None):
        errors = {}
        code = (data.get("file_plan_code") or "").strip()
        if "file_plan_code" in data and not FILE_PLAN_RE.match(code):
            errors["file_plan_code"] = _t("Enter a file-plan code such as 010.06.")
        if data.get("urgency") == "gunlu" and not data.get("urgency_date"):
            errors["urgency_date"] = _t("A günlü letter needs the date its answer is due.")
        direction = data.get("direction") or (record.direction if record is not None else INCOMING)
        if direction == OUTGOING and "body" in data and not (data.get("body") or "").strip() \
                and not data.get("template"):
            errors["body"] = _t("Write the text of the letter or choose a template.")
        if direction == OUTGOING and "contact" in data and not data.get("contact") \
                and not (data.get("addressee") or "").strip():
            errors["addressee"] = _t("Choose the recipient or write the addressee.")
        if direction == INCOMING and "contact" in data and not data.get("contact"):
            errors["contact"] = _t("Choose who sent the letter.")
        day = data.get("letter_date")
        if day and day > dt.date.today() + dt.timedelta(days=1):
            errors["letter_date"] = _t("The date cannot be in the future.")
        return errors

    # -- printing helpers ----------------------------------------------------
    def muhatap(self) -> str:
        if (self.addressee or "").strip():
            return self.addressee.strip()
        if self.contact is not None:
            return str(self.contact)
        return ""

    def ilgi_lines(self) -> list:
        lines = []
        for other in self.cited or []:
            if other.is_incoming:
                number = other.sender_number or other.number
                day = other.sender_date or other.letter_date
                lines.append(f"{day:%d.%m.%Y} tarihli ve {number} sayılı yazınız.")
            else:
                lines.append(f"{other.letter_date:%d.%m.%Y} tarihli ve {other.number} sayılı yazımız.")
        lines += [line.strip() for line in (self.reference_text or "").splitlines() if line.strip()]
        return lines

    def signature_block(self) -> dict:
        """Who signs, as printed: name, title and the delegation line ("Belediye
        Başkanı a." / "Belediye Başkanı V.") or "". Signed: the last imza step
        of the signature chain (app/core/signing.py); unsigned: who is to sign
        (the mayor or the Müdür from the letters' settings)."""
        from app.core import signing

        signed = signing.signature_block(self)
        if signed is not None:
            title = signed["title"] or ""
            if title.startswith("Müdür"):           # the office's own title on its letters
                title = "Özel Kalem Müdürü" + title[len("Müdür"):]
            return {"name": signer_name(signed["name"]), "title": title,
                    "delegation": signed["behalf"] or ""}
        s = settings()
        if self.kind == "internal":
            return {"name": signer_name(s.get("letters_director_name") or ""), "title": "Özel Kalem Müdürü",
                    "delegation": ""}
        return {"name": signer_name((s.get("letters_mayor_name") or "").strip()), "title": "Belediye Başkanı",
                "delegation": ""}

    def paraf_rows(self) -> list:
        """The initials block: the chain's signed paraf steps (preparer, Müdür…);
        before submission, the preparer alone."""
        from app.core import signing
        from app.core.documents import user_name

        rows = [{"initials": r["initials"], "name": r["name"], "title": r["title"],
                 "date": f"{r['signed_at']:%d.%m.%Y}" if r["signed_at"] else ""}
                for r in signing.paraf_block(self)]
        if rows:
            return rows
        preparer = user_name(self.created_by_id)
        if preparer:
            rows.append({"initials": _initials(preparer), "name": preparer, "title": "Hazırlayan",
                         "date": f"{self.created_at:%d.%m.%Y}" if self.created_at else ""})
        return rows

    def approval_problems(self) -> list:
        if self.is_incoming:
            return ["Gelen evrak onaya gönderilmez; cevabı giden evrak olarak yazılıp onaya sunulur."]
        if not (self.body or "").strip():
            return ["Yazının metni boş."]
        if not self.muhatap():
            return ["Yazının muhatabı (alıcı) belirtilmemiş."]
        return []

    def on_approved(self):
        """An approved reply answers the incoming letters it cites."""
        for other in self.cited or []:
            if other.is_incoming and other.answered_by_id is None:
                other.answered_by = self
                _complete_assignment(other)

    def __repr__(self):
        return f"{self.number or ''} {self.subject or ''}".strip()


def signer_name(name: str) -> str:
    """"İsmail Şahin" -> "İsmail ŞAHİN" (the surname in capitals, as the rules print it)."""
    from app.core.pdf import tr_upper

    parts = (name or "").split()
    if len(parts) < 2:
        return name or ""
    return " ".join(parts[:-1] + [tr_upper(parts[-1])])


def _initials(name: str) -> str:
    return "".join(part[0] for part in (name or "").split() if part)[:4].upper()


def _complete_assignment(letter):
    try:
        from app.core import assignment
    except ImportError:  # the assignment core is merged by the lead
        return
    user = getattr(g, "user", None) if has_request_context() else None
    try:
        assignment.complete(letter, user)
    except Exception:  # noqa: BLE001 - closing the work item must not stop the answer
        pass


def letter_number(connection, direction: str, code: str, year: int) -> str:
    from app.core.numbering import next_number

    seq = int(next_number(connection, NUMBER_COUNTER, year).rsplit("-", 1)[1])
    s = settings()
    prefix = (s.get("letters_prefix") or "E").strip() or "E"
    detsis = (s.get("detsis") or "").strip() or "00000000"
    return f"{prefix}-{detsis}-{code}-{seq}"


@event.listens_for(Session, "before_flush")
def _number_letters(session, flush_context, instances):
    for obj in session.new:
        if isinstance(obj, Letter) and not obj.number:
            year = (obj.letter_date or dt.date.today()).year
            obj.number = letter_number(session.connection(), obj.direction, (obj.file_plan_code or "").strip(), year)
