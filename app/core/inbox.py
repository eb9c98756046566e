"""The Müdür's inbox: everything awaiting approval, across registers, with
bulk approval. A person holding an active proxy sees the same inbox."""
from __future__ import annotations

from flask import flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_babel import gettext as _
from flask_appbuilder.security.decorators import has_access

from app.core import approval
from app.core.registry import REGISTRY
from app.extensions import db


def approvable_entries():
    return [e for e in REGISTRY if getattr(e.model, "__approvable__", False)]


def pending_records():
    rows = []
    for entry in approvable_entries():
        model = entry.model
        for item in (db.session.query(model)
                     .filter(model.state == approval.PENDING, model.archived.is_(False))
                     .order_by(model.submitted_at).limit(500)):
            rows.append((entry, item))
    rows.sort(key=lambda r: r[1].submitted_at or r[1].created_at)
    return rows


def pending_union(with_headlines=False):
    """(entries, subquery): one UNION over every approvable register of the
    records awaiting approval, as (register index, id, submitted at) and,
    ``with_headlines``, what names each row (app/core/headlines.py)."""
    from app.core.signing import declares_chain

    # registers with a declared signature chain wait for whoever holds the
    # current step ("İmzamı bekleyenler"), not for the Müdür as such
    entries = [e for e in approvable_entries() if not declares_chain(e.model)]
    if not entries:
        return entries, None
    key = (with_headlines, tuple(e.name for e in entries))
    union = _PENDING_UNIONS.get(key)
    if union is None:      # built once per set of registers (building it was ~1/5 of the home page)
        union = _PENDING_UNIONS[key] = _pending_union(entries, with_headlines)
    return entries, union


_PENDING_UNIONS: dict = {}


def _pending_union(entries, with_headlines):
    from sqlalchemy import func, literal, select, union_all

    from app.core.headlines import headline_columns

    parts = [select(literal(i).label("reg"), e.model.id.label("id"),
                    func.coalesce(e.model.submitted_at, e.model.created_at).label("at"),
                    *(headline_columns(e.model) if with_headlines else ()))
             .where(e.model.state == approval.PENDING, e.model.archived.is_(False))
             for i, e in enumerate(entries)]
    return union_all(*parts).subquery()


def pending_count():
    """Records awaiting approval across registers, in one query."""
    from sqlalchemy import func, select

    from flask import g, has_request_context

    cached = g.get("_ozk_pending_count") if has_request_context() else None
    if cached is not None:
        return cached
    _entries, pending = pending_union()
    if pending is None:
        return 0
    count = db.session.execute(select(func.count()).select_from(pending)).scalar() or 0
    if has_request_context():
        g._ozk_pending_count = count
    return count


# menu items of the inbox: the "Onaylar" category and its entry
APPROVAL_MENU = {"approval", "ApprovalInboxView"}


_MENU_CACHE: dict = {}
MENU_CACHE_SECONDS = 60


def approves_cached(user):
    """The Müdür, or the holder of his active proxy: what the home page asks
    (remembered a minute per user, like the menu; deciding checks afresh)."""
    import datetime as dt
    import time

    from app.security.permcache import config_version

    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if approval.is_director(user):
        return True
    # kept while the configuration version holds (a leave's flush replaces it:
    # a proxy comes from an approved leave), else a minute
    key, now, version = (user.id, dt.date.today(), "approves"), time.monotonic(), config_version()
    hit = _MENU_CACHE.get(key)
    if hit and (hit[2] == version if version is not None else now - hit[1] < MENU_CACHE_SECONDS):
        return hit[0]
    if len(_MENU_CACHE) > 1000:
        _MENU_CACHE.clear()
    value = approval.approver_title(user) is not None
    _MENU_CACHE[key] = (value, now, version)
    return value


def may_decide_cached(user):
    """Whether the menu offers the inbox: the signers (Başkan, Başkan
    Yardımcısı: "İmzamı bekleyenler"), and whoever ``approves_cached``."""
    from app.core import signing

    if user is not None and getattr(user, "is_authenticated", False) and signing.is_signer(user):
        return True
    return approves_cached(user)


def approval_menu_for_deciders(app):
    """The "Onaylar" menu is shown to whoever may decide today (the Müdür, or
    somebody holding the Müdür's active proxy), not to every role holding the
    inbox permission: a clerk keeps that permission (and ``approve``) only to
    act under a proxy, so without one the menu would lead to an empty page.
    FAB's ``is_menu_visible`` template filter keeps deciding everything else."""
    permitted = app.jinja_env.filters["is_menu_visible"]

    def is_menu_visible(item):
        if item.name in APPROVAL_MENU and not may_decide_cached(getattr(g, "user", None)):
            return False
        return permitted(item)

    app.jinja_env.filters["is_menu_visible"] = is_menu_visible


class ApprovalInboxView(BaseView):
    route_base = "/approvals"
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        """Records whose CURRENT step is the user's: the Müdür (or his proxy)
        sees today's approvals; a signer (Başkan, Başkan Yardımcısı, anybody
        signing for a role) sees "İmzamı bekleyenler"."""
        from app.core import signing

        title = approval.approver_title(g.user)
        rows = signing.awaiting(g.user)
        heading = _("Awaiting my approval")
        if title is None and (rows or signing.is_signer(g.user)):
            title = signing.user_title(g.user) or "-"
            heading = _("Awaiting my signature")
        return self.render_template("inbox.html", rows=rows if title else [],
                                    approver_title=title, title=heading)

    @expose("/bulk", methods=["POST"])
    @has_access
    def bulk(self):
        """Approve the ticked rows. Each token is ``View:id:version`` (the
        version the approver saw in the inbox); a row that changed since, an
        archived row or a malformed token is skipped and named."""
        by_name = {e.name: e for e in approvable_entries()}
        done, refused, skipped = 0, [], []
        for token in request.form.getlist("record"):
            name, pk, version = (token.split(":") + ["", ""])[:3]
            entry = by_name.get(name)
            item = (db.session.get(entry.model, int(pk))
                    if entry and pk.isdigit() and len(pk) < 10 else None)
            if item is None:
                skipped.append(token[:40])
                continue
            if item.archived:
                refused.append(f"{item.display_number()}: arşivde olduğu için onaylanmadı (atlandı).")
                continue
            try:
                approval.approve(item, g.user, version=version)
                db.session.commit()
                done += 1
            except approval.ApprovalError as exc:
                db.session.rollback()
                refused.append(f"{item.display_number()}: {exc}")
        if done:
            flash(f"{done} kayıt onaylandı.", "success")
        for message in refused:
            flash(message, "danger")
        if skipped:
            flash(f"{len(skipped)} seçim tanınmadı ve atlandı.", "warning")
        if not done and not refused and not skipped:
            flash("Onaylanacak kayıt seçilmedi.", "warning")
        return redirect(url_for("ApprovalInboxView.index"))
