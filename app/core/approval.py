"""Approval by the Müdür: states, transitions and proxy (vekâlet).

Taslak → Onay Bekliyor → Onaylandı | Reddedildi (reason required); İptal.
A rejected record may be corrected and submitted again. A pending record is
locked for everybody; the submitter withdraws it to Taslak to change it. A
decision carries the version the approver saw and is refused if the record
moved since; nobody decides on a record whose content they changed. Only the Müdür, or a
person holding an active proxy for the Müdür on that date, decides; nobody
decides on a record they created; the Müdür may reopen an approved record
with a reason.
"""
from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import declared_attr, relationship

from app.core.declare import field

DRAFT, PENDING, APPROVED, REJECTED, CANCELLED = "draft", "pending", "approved", "rejected", "cancelled"
# a record of an approvable register that its register says goes through no
# approval (``approval_applies()``: an incoming letter is registered, not signed)
REGISTERED = "registered"
STATE_LABELS = {
    DRAFT: _l("Draft"),
    REGISTERED: _l("Registered"),
    PENDING: _l("Awaiting approval"),
    APPROVED: _l("Approved"),
    REJECTED: _l("Rejected"),
    CANCELLED: _l("Cancelled"),
}
DIRECTOR_ROLE = "Müdür"
DIRECTOR_TITLE = "Müdür"
PROXY_TITLE = "Müdür V."

# Registers that provide proxies (the leave/proxy register) add a callable
# ``(user, date) -> bool`` here; the core does not depend on them.
PROXY_PROVIDERS: list = []

# Ordered signature steps (``app.core.signing`` sets itself here when imported, so
# that this module does not import it back): records of a register that declares a
# chain are submitted, signed, returned and cleared by it.
CHAINS = None


def _chained(record) -> bool:
    return CHAINS is not None and CHAINS.has_chain(record)


class ApprovalError(Exception):
    """A refused transition; the message is shown to the user (Turkish)."""


class Approvable:
    """Mixin for registers flagged A."""

    __approvable__ = True

    state = Column(String(16), nullable=False, default=DRAFT, index=True,
                   info=field(_l("Status"), choices=STATE_LABELS, list=True, filter=True, order=True,
                              form=False, place="head", list_place="tail"))
    submitted_at = Column(DateTime)
    decided_as = Column(String(20), info=field(_l("Decided as"), form=False, place="head"))
    decided_at = Column(DateTime, info=field(_l("Decided on"), form=False, place="head"))
    decision_note = Column(Text, info=field(_l("Decision note"), form=False, place="head"))

    @declared_attr
    def submitted_by_id(cls):
        return Column(Integer, ForeignKey("ab_user.id"))

    @declared_attr
    def decided_by_id(cls):
        return Column(Integer, ForeignKey("ab_user.id"))

    @declared_attr
    def decided_by(cls):
        return relationship("User", foreign_keys=[cls.decided_by_id], lazy="select")

    def state_label(self):
        return str(STATE_LABELS.get(self.state, self.state))

    def approval_applies(self) -> bool:
        """Whether this record goes through approval (or its signature chain).
        A register whose records differ by kind says so here (an incoming
        letter is registered, not submitted): such a record is "Kayıtlı",
        never "Taslak", and cannot be submitted."""
        return True

    @property
    def is_locked(self):
        """Submitted, approved and cancelled records are read-only for
        everybody (a pending record is withdrawn to Taslak to be edited)."""
        return self.state in (PENDING, APPROVED, CANCELLED)

    def locked_message(self):
        if self.state == PENDING:
            return ("Onay bekleyen kayıt değiştirilemez. Değiştirmek için önce kaydı onaydan geri "
                    "çekin (Taslağa geri çek).")
        if self.state == CANCELLED:
            return "İptal edilmiş kayıt değiştirilemez."
        return "Onaylanmış kayıt değiştirilemez. Müdür gerekçe yazarak yeniden açabilir."

    # -- hooks a register may override ------------------------------------
    def approval_problems(self) -> list:
        """Business rules that must hold before submission and approval
        (Turkish messages); e.g. every open handover line says what happens."""
        return []

    def check_approver(self, user, title):
        """Register-specific rule on who decides; returns the title the
        decision is recorded with, or raises ApprovalError."""
        return title

    def approval_related(self) -> list:
        """(table, ids) of detail records whose content belongs to this one
        (handover lines): whoever changed them changed the record."""
        return []


def is_director(user) -> bool:
    return any(role.name in (DIRECTOR_ROLE,) for role in getattr(user, "roles", []))


def has_active_proxy(user, day=None) -> bool:
    """Whether ``user`` holds an active proxy for the Müdür on ``day``
    (asked once per request and person: the menu, the home page and the
    show page all want to know)."""
    from flask import g, has_request_context

    day = day or dt.date.today()
    key = (getattr(user, "id", None), day)
    cache = g.setdefault("_ozk_proxy", {}) if has_request_context() else {}
    if key not in cache:
        cache[key] = any(provider(user, day) for provider in PROXY_PROVIDERS)
    return cache[key]


def approver_title(user, day=None):
    """'Müdür', 'Müdür V.' or None when the user may not decide."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if is_director(user):
        return DIRECTOR_TITLE
    if has_active_proxy(user, day):
        return PROXY_TITLE
    return None


def _problems(record):
    problems = record.approval_problems() if hasattr(record, "approval_problems") else []
    if problems:
        raise ApprovalError(" ".join(problems))


def submit(record, user):
    applies = getattr(record, "approval_applies", None)
    if record.state == REGISTERED or (applies is not None and not applies()):
        raise ApprovalError(" ".join(record.approval_problems())
                            or "Bu kayıt onaya veya imzaya sunulmaz; kaydedilmesi yeterlidir.")
    if record.state not in (DRAFT, REJECTED):
        raise ApprovalError("Yalnızca taslak veya reddedilmiş kayıtlar onaya gönderilebilir.")
    if getattr(record, "archived", False):
        raise ApprovalError("Arşivdeki kayıt onaya gönderilemez.")
    _problems(record)
    record.state = PENDING
    record.submitted_at = dt.datetime.now()
    record.submitted_by_id = user.id
    if _chained(record):   # a declared chain: its step rows, the preparer's paraf
        CHAINS.start(record, user)


def withdraw(record, user, may_edit=False):
    """The submitter (or anybody who may edit the register) takes a pending
    record back to Taslak to change it; it is then submitted again."""
    if record.state != PENDING:
        raise ApprovalError("Yalnızca onay bekleyen kayıt geri çekilebilir.")
    if record.submitted_by_id != user.id and not may_edit:
        raise ApprovalError("Kaydı yalnızca onaya gönderen kişi veya düzenleme yetkisi olan kişi "
                            "geri çekebilir.")
    record.state = DRAFT
    record.submitted_at = None
    record.submitted_by_id = None
    _clear_steps(record)


def _clear_steps(record):
    if _chained(record):
        CHAINS.clear(record)


def check_version(record, version):
    """The decision is about the version the approver saw: refuse when the
    record changed since (or when no version came with the request)."""
    if version is None:
        return
    if str(version).strip() != str(record.version):
        raise ApprovalError(
            f"{record.display_number()}: kayıt siz incelerken değişti "
            f"(son değiştiren: {record.updated_by_name()}). Karar kaydedilmedi; kaydı yeniden "
            "açıp güncel hâlini inceleyin.")


def changed_content(record, user) -> bool:
    """True when ``user`` created or changed the record's content (or its
    detail records, or attached a file), according to the audit trail."""
    from app.core.audit import AuditEntry
    from app.extensions import db

    if record.created_by_id == user.id:
        return True
    table = getattr(record, "__tablename__", None)
    if table is None:   # not a stored record (unit tests of the rules)
        return False
    targets = [(table, [record.id])]
    if hasattr(record, "approval_related"):
        targets += [(t, ids) for t, ids in record.approval_related() if ids]
    for table, ids in targets:
        found = (db.session.query(AuditEntry.id)
                 .filter(AuditEntry.register == table, AuditEntry.record_id.in_(ids),
                         AuditEntry.user_id == user.id,
                         AuditEntry.action.in_(("create", "update", "attach")))
                 .first())
        if found is not None:
            return True
    return False


def _check_decider(record, user, version=None):
    if record.state != PENDING:
        raise ApprovalError("Bu kayıt onay beklemiyor.")
    if getattr(record, "archived", False):
        raise ApprovalError("Arşivdeki kayıt onaylanamaz veya reddedilemez.")
    title = approver_title(user)
    if title is None:
        raise ApprovalError("Onay yetkisi yalnızca Müdür'e veya aktif vekâleti olan kişiye aittir.")
    if record.created_by_id == user.id or record.submitted_by_id == user.id:
        raise ApprovalError("Kişi kendi hazırladığı kaydı onaylayamaz veya reddedemez.")
    check_version(record, version)
    return title


def approve(record, user, note=None, version=None):
    if _chained(record):   # a declared chain: the current step's paraf/imza
        return CHAINS.sign(record, user, version=version, note=note)
    title = _check_decider(record, user, version)
    if changed_content(record, user):
        raise ApprovalError("Bu kaydın içeriğini siz oluşturdunuz veya değiştirdiniz; içeriğini "
                            "değiştirdiğiniz kaydı onaylayamazsınız (reddedebilir ya da başka bir "
                            "onaylayıcıya bırakabilirsiniz).")
    if hasattr(record, "check_approver"):
        title = record.check_approver(user, title)
    _problems(record)
    record.state = APPROVED
    record.decided_at = dt.datetime.now()
    record.decided_by_id = user.id
    record.decided_as = title
    record.decision_note = note or None
    hook = getattr(record, "on_approved", None)
    if hook:
        hook()


def reject(record, user, reason, version=None):
    if not (reason or "").strip():
        raise ApprovalError("Reddetme gerekçesi zorunludur.")
    if _chained(record):   # a declared chain: any step returns it to the preparer
        return CHAINS.return_to_preparer(record, user, reason, version=version)
    title = _check_decider(record, user, version)
    record.state = REJECTED
    record.decided_at = dt.datetime.now()
    record.decided_by_id = user.id
    record.decided_as = title
    record.decision_note = reason.strip()


def reopen(record, user, reason):
    if record.state != APPROVED:
        raise ApprovalError("Yalnızca onaylanmış kayıt yeniden açılabilir.")
    if not is_director(user):
        raise ApprovalError("Onaylanmış kaydı yalnızca Müdür yeniden açabilir.")
    if not (reason or "").strip():
        raise ApprovalError("Yeniden açma gerekçesi zorunludur.")
    record.state = DRAFT
    record.decision_note = "Yeniden açıldı: " + reason.strip()
    record.decided_at = None
    record.decided_by_id = None
    record.decided_as = None
    _clear_steps(record)


def cancel(record, user):
    if record.state in (APPROVED, CANCELLED):
        raise ApprovalError("Onaylanmış veya iptal edilmiş kayıt iptal edilemez.")
    record.state = CANCELLED


def registered_or_draft(session, flush_context, instances):
    """Before a flush: a record its register takes out of approval is
    "Kayıtlı"; one that comes back into it (an incoming letter turned
    outgoing) starts as "Taslak"."""
    for obj in list(session.new) + list(session.dirty):
        if not isinstance(obj, Approvable):
            continue
        applies = obj.approval_applies()
        if not applies and obj.state in (None, DRAFT):
            obj.state = REGISTERED
        elif applies and obj.state == REGISTERED:
            obj.state = DRAFT


def _listen():
    from sqlalchemy import event
    from sqlalchemy.orm import Session

    event.listen(Session, "before_flush", registered_or_draft)


_listen()
