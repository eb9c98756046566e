"""The bell and "Bildirimlerim": a person sees and opens only their own
notifications; opening one marks it read and goes to the record."""
from __future__ import annotations

import datetime as dt
import threading
import time
from collections import namedtuple
from pathlib import Path

from flask import abort, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext as _

from app.extensions import db
from app.notify.models import Notification

BELL_ROWS = 8


BELL_SECONDS = 30
#: load_user counts a user's unread notifications up to this many (the bell's state)
BELL_STAMP_CAP = 1000
_BELL: dict = {}            # user id -> (expires or ("stamp", state), count, rows): one process's memory
_BELL_LOCK = threading.Lock()
BellRow = namedtuple("BellRow", "id text")


def forget_bell(user_ids):
    """Drop the remembered bell of these users (a notification was written
    for them or they read one); the next page asks the database again."""
    with _BELL_LOCK:
        for user_id in user_ids:
            _BELL.pop(user_id, None)


def _bell_stamp(user):
    """(unread count up to BELL_STAMP_CAP, newest unread id) as ``load_user``
    read it in its one statement for this user, or None."""
    from flask import has_request_context

    stamp = g.get("_ozk_bell_stamp") if has_request_context() else None
    if stamp is None or stamp[0] != user.id:
        return None
    return stamp[1:]


def bell(user):
    """(unread count, newest unread rows) for the navbar.

    A signed-in page knows the bell's state from ``load_user``'s statement
    (how many unread, the newest one's id): nothing unread costs no query, and
    the rows are read again only when that state changed, whichever worker
    wrote or read the notification. Without that state (no ``load_user`` in
    this request) the rows are remembered per user for BELL_SECONDS."""
    if user is None or not getattr(user, "is_authenticated", False):
        return 0, ()
    stamp = _bell_stamp(user)
    if stamp is not None and not stamp[0]:
        return 0, ()
    now = time.monotonic()
    with _BELL_LOCK:
        cached = _BELL.get(user.id)
    if cached is not None and (cached[0] == ("stamp", stamp) if stamp is not None else
                               not isinstance(cached[0], tuple) and cached[0] > now):
        return cached[1], cached[2]
    rows = (db.session.query(Notification.id, Notification.text)
            .filter(Notification.user_id == user.id, Notification.read_at.is_(None))
            .order_by(Notification.created_at.desc(), Notification.id.desc()).limit(BELL_ROWS + 1).all())
    count = len(rows)
    if count > BELL_ROWS:
        if stamp is not None and stamp[0] < BELL_STAMP_CAP:
            count = stamp[0]
        else:
            count = (db.session.query(Notification).filter(Notification.user_id == user.id,
                                                           Notification.read_at.is_(None)).count())
    result = (count, tuple(BellRow(r.id, r.text) for r in rows[:BELL_ROWS]))
    with _BELL_LOCK:
        if len(_BELL) > 5000:
            _BELL.clear()
        _BELL[user.id] = (("stamp", stamp) if stamp is not None else now + BELL_SECONDS, *result)
    return result


class NotificationView(BaseView):
    route_base = "/bildirimler"
    template_folder = str(Path(__file__).resolve().parent / "templates")
    default_view = "list"
    base_permissions = ["can_list", "can_open", "can_read_all", "can_preference"]
    page_size = 50

    def _mine(self):
        return db.session.query(Notification).filter(Notification.user_id == g.user.id)

    @expose("/")
    @has_access
    def list(self):
        page = max(request.args.get("page", 0, type=int), 0)
        query = self._mine().order_by(Notification.created_at.desc(), Notification.id.desc())
        total = query.count()
        rows = query.offset(page * self.page_size).limit(self.page_size).all()
        from app.notify.email import MODE_LABELS, mode_of

        return self.render_template("notify/list.html", rows=rows, total=total, page=page,
                                    pages=max((total - 1) // self.page_size + 1, 1),
                                    email_mode=mode_of(db.session, g.user.id), mode_labels=MODE_LABELS,
                                    email=(g.user.email or "").strip(),
                                    title=_("My notifications"))

    @expose("/open/<int:pk>", methods=["POST"])
    @has_access
    def open(self, pk):
        row = self._mine().filter(Notification.id == pk).first()
        if row is None:
            abort(404)
        if row.read_at is None:
            row.read_at = dt.datetime.now()
            db.session.commit()
            forget_bell([g.user.id])
        return redirect(row.link() or url_for("NotificationView.list"))

    @expose("/read-all", methods=["POST"])
    @has_access
    def read_all(self):
        count = (self._mine().filter(Notification.read_at.is_(None))
                 .update({Notification.read_at: dt.datetime.now()}, synchronize_session=False))
        db.session.commit()
        forget_bell([g.user.id])
        flash(_("%(count)s notifications marked as read.", count=count), "info")
        return redirect(url_for("NotificationView.list"))

    @expose("/tercih", methods=["POST"])
    @has_access
    def preference(self):
        """The person's own e-mail preference: at once, daily digest, none."""
        from app.notify.email import EMAIL_MODES, MODE_LABELS, set_mode

        mode = request.form.get("email_mode", "")
        if mode not in EMAIL_MODES:
            flash(_("Choose how notifications reach you by e-mail."), "danger")
            return redirect(url_for("NotificationView.list"))
        set_mode(db.session, g.user.id, mode)
        db.session.commit()
        flash(_("E-mail preference saved: %(mode)s", mode=MODE_LABELS[mode]), "success")
        return redirect(url_for("NotificationView.list"))
