"""Tables the security layer keeps beside FAB's ``ab_user``/``ab_role``.

* ``user_session``: one row per login. The session cookie carries its id;
  every request checks it (on the same query that loads the user), so logout,
  password change/reset, deactivation and role change end sessions for real
  (a copied cookie stops working) on every worker and every instance.
* ``user_account``: per-user flags FAB's user table has no column for
  (a password reset by somebody else must be changed at the next login).
* ``login_failure``: failed logins, per address and per account, kept in the
  database every worker and instance shares (rate limit and lockout).
"""
from __future__ import annotations

import datetime as dt

from flask_appbuilder import Model
from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Index, Integer, String


class UserSession(Model):
    __tablename__ = "user_session"
    sid = Column(String(64), primary_key=True)
    user_id = Column(Integer, ForeignKey("ab_user.id", ondelete="CASCADE"), nullable=False, index=True)
    created_at = Column(DateTime, nullable=False, default=dt.datetime.now)
    ip = Column(String(64))
    revoked_at = Column(DateTime)
    revoked_reason = Column(String(32))


class UserAccount(Model):
    __tablename__ = "user_account"
    user_id = Column(Integer, ForeignKey("ab_user.id", ondelete="CASCADE"), primary_key=True)
    must_change_password = Column(Boolean, nullable=False, default=False)
    password_changed_at = Column(DateTime)


class LoginFailure(Model):
    __tablename__ = "login_failure"
    id = Column(Integer, primary_key=True)
    at = Column(DateTime, nullable=False, default=dt.datetime.now)
    ip = Column(String(64))
    username = Column(String(100))
    # set when the account logs in successfully: the failure stops counting
    # toward the account's lockout (it still counts for the address)
    cleared = Column(Boolean, nullable=False, default=False)

    __table_args__ = (
        Index("ix_login_failure_ip_at", "ip", "at"),
        Index("ix_login_failure_username_at", "username", "at"),
    )
