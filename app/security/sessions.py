"""Server-side session records: revocable sessions, idle timeout, absolute lifetime.

At login a random session id is stored in the (signed) session cookie and a
``user_session`` row is written. Every request loads the user together with
that row in one query (``SecurityManager.load_user``) and refuses the session
when the row is revoked, older than ``SESSION_MAX_HOURS`` or idle longer than
``SESSION_IDLE_MINUTES``. Logout revokes the row; a password change/reset,
deactivation or role change revokes all of the user's rows (the user's own
password change keeps the session it was made in). A copied cookie therefore
stops working on every worker and instance at once.
"""
from __future__ import annotations

import datetime as dt
import secrets
import time

from flask import current_app, g, has_request_context, session
from sqlalchemy import and_, delete, update

from app.extensions import db
from app.security.models import UserSession

SID_KEY, SEEN_KEY = "_ozk_sid", "_ozk_seen"
_TOUCH_SECONDS = 60


def current_sid():
    return session.get(SID_KEY) if has_request_context() else None


def start(user, ip=None, connection=None):
    """Called when a user logs in (flask_login's user_logged_in signal), and
    after the user's own password change (a new session id for this browser;
    every older one, a copied cookie included, is revoked)."""
    if connection is not None:
        return _start(connection, user, ip)
    with db.engine.begin() as conn:
        return _start(conn, user, ip)


def _start(conn, user, ip):
    sid = secrets.token_urlsafe(32)
    now = dt.datetime.now()
    max_age = dt.timedelta(hours=current_app.config.get("SESSION_MAX_HOURS", 12))
    conn.execute(UserSession.__table__.insert(), [
        {"sid": sid, "user_id": user.id, "created_at": now, "ip": ip, "revoked_at": None,
         "revoked_reason": None}])
    # prune this user's rows nobody can use any more
    conn.execute(delete(UserSession.__table__).where(and_(
        UserSession.user_id == user.id, UserSession.created_at < now - max_age - dt.timedelta(days=1))))
    session[SID_KEY] = sid
    session[SEEN_KEY] = time.time()
    return sid


def revoke_sid(sid, reason, connection=None):
    stmt = update(UserSession.__table__).where(and_(UserSession.sid == sid, UserSession.revoked_at.is_(None))
                                               ).values(revoked_at=dt.datetime.now(), revoked_reason=reason)
    if connection is not None:
        return connection.execute(stmt).rowcount
    with db.engine.begin() as conn:
        return conn.execute(stmt).rowcount


def revoke_user(user_id, reason, keep_sid=None, connection=None):
    """End every session of a user (except ``keep_sid``); returns how many were live."""
    cond = [UserSession.user_id == user_id, UserSession.revoked_at.is_(None)]
    if keep_sid:
        cond.append(UserSession.sid != keep_sid)
    stmt = update(UserSession.__table__).where(and_(*cond)).values(
        revoked_at=dt.datetime.now(), revoked_reason=reason)
    if connection is not None:
        return connection.execute(stmt).rowcount
    with db.engine.begin() as conn:
        return conn.execute(stmt).rowcount


def session_valid(created_at, revoked_at, present) -> bool:
    """Check the session row loaded with the user (``present``: a row was found)."""
    if not has_request_context():
        return True
    sid = session.get(SID_KEY)
    if not sid or not present or revoked_at is not None:
        g._ozk_session_ended = "revoked"
        return False
    now = time.time()
    max_hours = current_app.config.get("SESSION_MAX_HOURS", 12)
    if created_at is None or dt.datetime.now() - created_at > dt.timedelta(hours=max_hours):
        revoke_sid(sid, "expired")
        g._ozk_session_ended = "expired"
        return False
    seen = session.get(SEEN_KEY) or 0
    idle = current_app.config.get("SESSION_IDLE_MINUTES", 30) * 60
    if now - seen > idle:
        revoke_sid(sid, "idle")
        g._ozk_session_ended = "idle"
        return False
    if now - seen > _TOUCH_SECONDS:
        session[SEEN_KEY] = now
    return True
