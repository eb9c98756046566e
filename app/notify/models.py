"""In-app notifications: one row per person and event, read or unread.

Rows are written by the approval hooks (``app/notify/hooks.py``) in the same
transaction as the change they report, so a rolled-back decision leaves no
notification behind. The text names the register and the record's number,
never a citizen's or guest's name (``Register.audit_reference``).
"""
from __future__ import annotations

import datetime as dt

from flask_appbuilder import Model
from sqlalchemy import Column, Date, DateTime, ForeignKey, Index, Integer, String

KINDS = ("submitted", "approved", "rejected", "reopened", "assigned", "due", "overdue")


class Notification(Model):
    __tablename__ = "notification"

    id = Column(Integer, primary_key=True)
    user_id = Column(Integer, ForeignKey("ab_user.id", ondelete="CASCADE"), nullable=False)
    created_at = Column(DateTime, nullable=False, default=dt.datetime.now)
    kind = Column(String(20), nullable=False)
    text = Column(String(300), nullable=False)
    view_name = Column(String(100))     # the register's view; the link is built when shown
    record_id = Column(Integer)
    read_at = Column(DateTime)

    __table_args__ = (Index("ix_notification_user_unread", "user_id", "read_at", "created_at"),)

    def link(self):
        from flask import url_for

        if not self.view_name or not self.record_id:
            return None
        try:
            return url_for(f"{self.view_name}.show", pk=self.record_id)
        except Exception:  # noqa: BLE001 - a register removed since: no link
            return None


EMAIL_MODES = ("immediate", "digest", "none")


class NotificationPreference(Model):
    """How a person wants notifications by e-mail: at once, in one daily
    digest, or not at all (no row: at once)."""
    __tablename__ = "notification_preference"

    user_id = Column(Integer, ForeignKey("ab_user.id", ondelete="CASCADE"), primary_key=True)
    email_mode = Column(String(10), nullable=False, default="immediate")
    digest_sent_on = Column(Date)
