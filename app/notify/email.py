"""Notifications by e-mail, through the core outbox (``app/core/outbox.py``).

Each person chooses (Bildirimlerim → E-posta): at once (default), a daily
digest, or none. "At once" queues one message per notification in the same
transaction as the notification (a rolled-back change sends nothing); the
outbox worker (``flask ozelkalem outbox``, cron) sends it and retries while
the mail server is down. The digest is queued by ``flask ozelkalem
reminders`` once a day. Subjects carry only the kind of event, never a name:
the text is the notification's, which names a record by its number and
description only (``Register.audit_reference``).
"""
from __future__ import annotations

import datetime as dt
import os

from flask import current_app, has_request_context, request, url_for
from flask_babel import lazy_gettext as _l

from app.core.outbox import OutboxMessage
from app.notify.models import EMAIL_MODES, Notification, NotificationPreference

SUBJECTS = {
    "submitted": "Onayınızı bekleyen kayıt",
    "approved": "Kaydınız onaylandı",
    "rejected": "Kaydınız reddedildi",
    "reopened": "Kaydınız yeniden açıldı",
    "assigned": "Size görev verildi",
    "due": "Yarın son gün",
    "overdue": "Süresi geçen iş",
}
PREFIX = "Özel Kalem: "
MODE_LABELS = {"immediate": _l("At once (one e-mail per notification)"),
               "digest": _l("Once a day (a digest)"), "none": _l("No e-mail")}


def app_url() -> str:
    """Where the office opens the application (``APP_URL``), else the
    address of the current request; '' when neither is known (CLI)."""
    base = (current_app.config.get("APP_URL") or os.environ.get("APP_URL") or "").strip().rstrip("/")
    if base:
        return base
    if has_request_context():
        return request.url_root.rstrip("/")
    return ""


def _link(notification) -> str:
    base = app_url()
    if not base:
        return ""
    try:
        path = url_for("NotificationView.list")
    except Exception:  # noqa: BLE001 - outside the app's URL map
        return ""
    return base + path


def modes(session, user_ids) -> dict:
    rows = (session.query(NotificationPreference.user_id, NotificationPreference.email_mode)
            .filter(NotificationPreference.user_id.in_(list(user_ids))).all()) if user_ids else []
    found = {r.user_id: r.email_mode for r in rows}
    return {uid: found.get(uid, "immediate") for uid in user_ids}


def mode_of(session, user_id) -> str:
    return modes(session, [user_id])[user_id]


def set_mode(session, user_id, mode):
    if mode not in EMAIL_MODES:
        raise ValueError(mode)
    row = session.get(NotificationPreference, user_id)
    if row is None:
        row = NotificationPreference(user_id=user_id, email_mode=mode)
        session.add(row)
    row.email_mode = mode


def _body(lines) -> str:
    link = _link(None)
    footer = ["", "Bildirimlerinizi uygulamada zil simgesinden veya Bildirimlerim sayfasından açabilirsiniz."]
    if link:
        footer.append(link)
    footer.append("E-posta tercihinizi Bildirimlerim sayfasından değiştirebilirsiniz.")
    return "\n".join(list(lines) + footer)


def queue_immediate(session, notification_ids):
    """One message per new notification whose person wants mail at once
    and has an address (called in the notification's flush)."""
    from flask_appbuilder.security.sqla.models import User

    rows = (session.query(Notification, User.email, User.active)
            .join(User, User.id == Notification.user_id)
            .filter(Notification.id.in_(list(notification_ids))).all())
    if not rows:
        return 0
    wanted = modes(session, {n.user_id for n, _e, _a in rows})
    count = 0
    for notification, email, active in rows:
        if not active or not (email or "").strip() or wanted[notification.user_id] != "immediate":
            continue
        subject = PREFIX + SUBJECTS.get(notification.kind, "Bildirim")
        session.add(OutboxMessage(channel="email", recipient=email.strip()[:200], subject=subject[:200],
                                  body=_body([notification.text]), status="queued", attempts=0,
                                  register="notification", record_id=notification.id))
        count += 1
    return count


def queue_digests(session, today=None) -> int:
    """Once a day: one message per person on the digest with their unread
    notifications of the last day(s) since the previous digest."""
    from flask_appbuilder.security.sqla.models import User

    today = today or dt.date.today()
    prefs = (session.query(NotificationPreference, User)
             .join(User, User.id == NotificationPreference.user_id)
             .filter(NotificationPreference.email_mode == "digest", User.active.is_(True)).all())
    count = 0
    for pref, user in prefs:
        if pref.digest_sent_on is not None and pref.digest_sent_on >= today:
            continue
        since = dt.datetime.combine(pref.digest_sent_on or today - dt.timedelta(days=1), dt.time())
        unread = (session.query(Notification)
                  .filter(Notification.user_id == user.id, Notification.read_at.is_(None),
                          Notification.created_at >= since)
                  .order_by(Notification.created_at).all())
        pref.digest_sent_on = today
        if not unread or not (user.email or "").strip():
            continue
        lines = [f"Okunmamış {len(unread)} bildiriminiz var:", ""]
        lines += [f"- {n.created_at.strftime('%d.%m.%Y %H:%M')} {n.text}" for n in unread]
        session.add(OutboxMessage(channel="email", recipient=user.email.strip()[:200],
                                  subject=f"{PREFIX}Günlük bildirim özeti ({today.strftime('%d.%m.%Y')})",
                                  body=_body(lines), status="queued", attempts=0,
                                  register="notification_digest", record_id=user.id))
        count += 1
    return count
