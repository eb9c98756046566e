"""The bell and "Bildirimlerim": a person sees and opens only their own
notifications; opening one marks it read and goes to the record."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from flask import abort, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import gettext as _

from app.extensions import db
from app.notify.models import Notification

BELL_ROWS = 8


def bell(user):
    """(unread count, newest unread rows) for the navbar: two small queries,
    once per request."""
    cached = getattr(g, "_ozk_bell", None)
    if cached is not None:
        return cached
    if user is None or not getattr(user, "is_authenticated", False):
        return 0, []
    unread = db.session.query(Notification).filter(Notification.user_id == user.id,
                                                   Notification.read_at.is_(None))
    count = unread.count()
    rows = unread.order_by(Notification.created_at.desc(), Notification.id.desc()).limit(BELL_ROWS).all() \
        if count else []
    g._ozk_bell = (count, rows)
    return g._ozk_bell


class NotificationView(BaseView):
    route_base = "/bildirimler"
    template_folder = str(Path(__file__).resolve().parent / "templates")
    default_view = "list"
    base_permissions = ["can_list", "can_open", "can_read_all"]
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
        return self.render_template("notify/list.html", rows=rows, total=total, page=page,
                                    pages=max((total - 1) // self.page_size + 1, 1),
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
        return redirect(row.link() or url_for("NotificationView.list"))

    @expose("/read-all", methods=["POST"])
    @has_access
    def read_all(self):
        count = (self._mine().filter(Notification.read_at.is_(None))
                 .update({Notification.read_at: dt.datetime.now()}, synchronize_session=False))
        db.session.commit()
        flash(_("%(count)s notifications marked as read.", count=count), "info")
        return redirect(url_for("NotificationView.list"))
