"""Approval by the Müdür: states, transitions and proxy (vekâlet).

Taslak → Onay Bekliyor → Onaylandı | Reddedildi (reason required); İptal.
A rejected record may be corrected and submitted again. Only the Müdür, or a
person holding an active proxy for the Müdür on that date, decides; nobody
decides on a record they created; the Müdür may reopen an approved record
with a reason.
"""
from __future__ import annotations

import datetime as dt

from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import declared_attr, relationship

DRAFT, PENDING, APPROVED, REJECTED, CANCELLED = "draft", "pending", "approved", "rejected", "cancelled"
STATE_LABELS = {
    DRAFT: _l("Draft"),
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


class ApprovalError(Exception):
    """A refused transition; the message is shown to the user (Turkish)."""


class Approvable:
    """Mixin for registers flagged A."""

    __approvable__ = True

    state = Column(String(16), nullable=False, default=DRAFT, index=True)
    submitted_at = Column(DateTime)
    decided_at = Column(DateTime)
    decided_as = Column(String(20))
    decision_note = Column(Text)

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

    @property
    def is_locked(self):
        return self.state in (APPROVED, CANCELLED)


def is_director(user) -> bool:
    return any(role.name in (DIRECTOR_ROLE,) for role in getattr(user, "roles", []))


def has_active_proxy(user, day=None) -> bool:
    day = day or dt.date.today()
    return any(provider(user, day) for provider in PROXY_PROVIDERS)


def approver_title(user, day=None):
    """'Müdür', 'Müdür V.' or None when the user may not decide."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    if is_director(user):
        return DIRECTOR_TITLE
    if has_active_proxy(user, day):
        return PROXY_TITLE
    return None


def submit(record, user):
    if record.state not in (DRAFT, REJECTED):
        raise ApprovalError("Yalnızca taslak veya reddedilmiş kayıtlar onaya gönderilebilir.")
    record.state = PENDING
    record.submitted_at = dt.datetime.now()
    record.submitted_by_id = user.id


def _check_decider(record, user):
    if record.state != PENDING:
        raise ApprovalError("Bu kayıt onay beklemiyor.")
    title = approver_title(user)
    if title is None:
        raise ApprovalError("Onay yetkisi yalnızca Müdür'e veya aktif vekâleti olan kişiye aittir.")
    if record.created_by_id == user.id or record.submitted_by_id == user.id:
        raise ApprovalError("Kişi kendi hazırladığı kaydı onaylayamaz veya reddedemez.")
    return title


def approve(record, user, note=None):
    title = _check_decider(record, user)
    record.state = APPROVED
    record.decided_at = dt.datetime.now()
    record.decided_by_id = user.id
    record.decided_as = title
    record.decision_note = note or None
    hook = getattr(record, "on_approved", None)
    if hook:
        hook()


def reject(record, user, reason):
    if not (reason or "").strip():
        raise ApprovalError("Reddetme gerekçesi zorunludur.")
    title = _check_decider(record, user)
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


def cancel(record, user):
    if record.state in (APPROVED, CANCELLED):
        raise ApprovalError("Onaylanmış veya iptal edilmiş kayıt iptal edilemez.")
    record.state = CANCELLED
