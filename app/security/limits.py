"""Login limits shared by every worker and every app instance.

FAB's own limit (Flask-Limiter on the login blueprint) counted *every* POST,
successful logins included, per socket address, in per-process memory. Here
only **failed** logins count, in the ``login_failure`` table of the database
every worker and instance already shares (no extra service to run; only
failures write, so the table stays small and is pruned as it goes):

* per address: ``AUTH_RATE_LIMIT`` failures (e.g. ``10 per 5 minute``) from one
  address → 429 until the window passes (``RATELIMIT_ENABLED`` switches it);
* per account: ``LOGIN_LOCKOUT_ATTEMPTS`` failures within
  ``LOGIN_LOCKOUT_MINUTES`` lock the account (a successful login, or a password
  reset by Bilgi İşlem, clears the account's count).

The address is ``request.remote_addr``; behind reverse proxies set
``PROXY_COUNT`` and ProxyFix takes the client address from that many
``X-Forwarded-For`` hops (never more).
"""
from __future__ import annotations

import datetime as dt

import limits as _limits
from flask import abort, current_app, request
from sqlalchemy import and_, delete, func, select, update

from app.extensions import db
from app.security.models import LoginFailure

LOGIN_ENDPOINTS = {"OzkAuthDBView.login", "SecurityApi.login", "OzkSecurityApi.login"}
_KEEP = dt.timedelta(days=1)


def client_ip():
    return (request.remote_addr or "")[:64] or None


def account_key(username):
    return str(username or "").strip().lower()[:100]


def _address_window():
    item = _limits.parse(current_app.config.get("AUTH_RATE_LIMIT") or "10 per 5 minute")
    return item.amount, dt.timedelta(seconds=item.get_expiry())


def address_blocked(ip) -> bool:
    if not current_app.config.get("RATELIMIT_ENABLED", True) or not ip:
        return False
    amount, window = _address_window()
    with db.engine.connect() as conn:
        count = conn.execute(select(func.count()).select_from(LoginFailure.__table__).where(
            and_(LoginFailure.ip == ip, LoginFailure.at > dt.datetime.now() - window))).scalar()
    return count >= amount


def account_locked(username) -> bool:
    key = account_key(username)
    if not key:
        return False
    attempts = current_app.config.get("LOGIN_LOCKOUT_ATTEMPTS", 5)
    minutes = current_app.config.get("LOGIN_LOCKOUT_MINUTES", 15)
    with db.engine.connect() as conn:
        count = conn.execute(select(func.count()).select_from(LoginFailure.__table__).where(and_(
            LoginFailure.username == key, LoginFailure.cleared.is_(False),
            LoginFailure.at > dt.datetime.now() - dt.timedelta(minutes=minutes)))).scalar()
    return count >= attempts


def record_failure(username, ip=None):
    """One failed login, in a short transaction of its own (it stays counted
    whatever the request does next). Rows older than a day are pruned."""
    now = dt.datetime.now()
    with db.engine.begin() as conn:
        conn.execute(LoginFailure.__table__.insert(), [
            {"at": now, "ip": ip or client_ip(), "username": account_key(username), "cleared": False}])
        conn.execute(delete(LoginFailure.__table__).where(LoginFailure.at < now - _KEEP))


def clear_account(username, connection=None) -> int:
    """The account's failures stop counting toward its lockout; returns how many did."""
    stmt = update(LoginFailure.__table__).where(and_(
        LoginFailure.username == account_key(username), LoginFailure.cleared.is_(False))
    ).values(cleared=True)
    if connection is not None:
        return connection.execute(stmt).rowcount
    with db.engine.begin() as conn:
        return conn.execute(stmt).rowcount


def check_login_request():
    """before_request: a login POST from an address with too many recent
    failures gets 429 (form and JSON API alike)."""
    if request.method != "POST" or request.endpoint not in LOGIN_ENDPOINTS:
        return None
    if address_blocked(client_ip()):
        abort(429)
    return None
