"""The home page's tiles per role. Each tile says how many, shows the first
few and links to the list behind it; the count is the list's own filter
(tests compare them). Registered with ``app.home.home_section``."""
from __future__ import annotations

import datetime as dt
import functools
import os

from flask import current_app, g, has_request_context, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer, func, select

from app.core import approval
from app.core.rendering import label_text, record_url
from app.extensions import db
from app.home import home_section

TILE_ROWS = 4     # the oldest few
SECURITY_DAYS = 7
IDLE_DAYS = 90


# -- the Müdür ----------------------------------------------------------------


def waiting_for_decision(limit=TILE_ROWS):
    """(count, the oldest rows as (entry, id, submitted at, label)) of records
    awaiting approval across registers: one UNION query gives the count (a
    window count), the oldest ids and what names them (no record loaded)."""
    from app.core.headlines import headline_label
    from app.core.inbox import pending_union

    from flask import g, has_request_context

    entries, pending = pending_union(with_headlines=True)
    if pending is None:
        return 0, []
    statement = _OLDEST_SQL.get((pending, limit))
    if statement is None:    # once per union (itself kept per set of registers) and limit
        statement = _OLDEST_SQL[(pending, limit)] = (select(pending, func.count().over().label("total"))
                                                     .order_by(pending.c.at, pending.c.id).limit(limit))
    oldest = db.session.execute(statement).all()
    count = oldest[0].total if oldest else 0
    if has_request_context():
        g._ozk_pending_count = count      # the home page's button reads it too
    return count, [(entries[r.reg], r.id, r.at, headline_label(entries[r.reg].model, r)) for r in oldest]


_OLDEST_SQL: dict = {}


@functools.lru_cache(maxsize=None)
def _ending_statement():
    from sqlalchemy import bindparam

    from app.registers.office.models import INACTIVE_STATES, Subscription

    day = Subscription.end_date.type
    return (select(func.count()).select_from(Subscription)
            .where(Subscription.archived.is_(False),
                   Subscription.end_date >= bindparam("today", type_=day),
                   Subscription.end_date <= bindparam("until", type_=day),
                   Subscription.state.notin_(INACTIVE_STATES)))


def subscriptions_ending(days=30):
    """The subscription list's ``?ending=30`` filter, counted (the statement
    built once per process, the days bound at each run)."""
    today = dt.date.today()
    return db.session.execute(_ending_statement(),
                              {"today": today, "until": today + dt.timedelta(days=days)}).scalar_one()


@functools.lru_cache(maxsize=None)
def _on_leave_statement():
    from sqlalchemy import bindparam

    from app.registers.office.models import Leave

    today = bindparam("today", type_=Leave.date_from.type)
    return (select(Leave).where(Leave.archived.is_(False), Leave.state == approval.APPROVED,
                                Leave.date_from <= today, Leave.date_to >= today)
            .order_by(Leave.date_to))


def on_leave_today():
    return db.session.execute(_on_leave_statement(), {"today": dt.date.today()}).scalars().all()


def overdue_by_unit(sm):
    """Overdue records per register and responsible unit, across every
    register that declares ``overdue_condition()`` and ``unit_column`` and
    that this user may list: one UNION query (units' names joined in).
    Returns [{unit, rows: [{register, count, url}]}], units in Turkish order."""
    from app.core import turkish
    from app.core.registry import REGISTRY

    entries = [e for e in REGISTRY if e.model.declares_overdue() and sm.has_access("can_list", e.name)]
    if not entries:
        return []
    # the statement is built once per set of registers, day, the viewer's roles and
    # the settings: what an ``overdue_condition()`` may depend on (today's date; whether
    # the roles see secured letters, which a setting names); building it was a third
    # of the Müdür's home page
    from app.settings.models import get_settings

    roles = tuple(sorted(r.id for r in (getattr(g.user, "roles", None) or ()))) if has_request_context() else None
    key = (tuple(e.name for e in entries), dt.date.today(), roles, tuple(sorted(get_settings().items())))
    statement = _OVERDUE_SQL.get(key)
    if statement is None:
        if len(_OVERDUE_SQL) > 256:
            _OVERDUE_SQL.clear()
        statement = _OVERDUE_SQL[key] = _overdue_statement(entries)
    rows = db.session.execute(statement).all()
    office = get_settings().get("unit") or "Özel Kalem Müdürlüğü"
    units: dict = {}
    for src, unit_id, n, name in rows:
        name = name if unit_id is not None else office
        entry = entries[src]
        args = {"overdue": 1} | ({"unit": unit_id} if unit_id is not None else {})
        # one row per unit name: the office's own work joins the office's unit row
        units.setdefault(name or "—", []).append(
            {"register": label_text(entry.label), "count": n, "url": url_for(f"{entry.name}.list", **args)})
    return [{"unit": name, "rows": sorted(found, key=lambda r: str(r["register"]))}
            for name, found in sorted(units.items(), key=lambda kv: turkish.sort_key(kv[0]))]


_OVERDUE_SQL: dict = {}


def _overdue_statement(entries):
    from sqlalchemy import literal, union_all

    from app.registers.reference.models import Unit

    parts = []
    for i, entry in enumerate(entries):
        model = entry.model
        if getattr(model, "unit_column", None):
            unit = getattr(model, model.unit_column)
            parts.append(select(literal(i).label("src"), unit.label("unit_id"), func.count().label("n"))
                         .where(model.archived.is_(False), model.overdue_condition()).group_by(unit))
        else:   # the office's own work (letters to answer): counted under the office itself
            parts.append(select(literal(i).label("src"), literal(None, Integer).label("unit_id"),
                                func.count().label("n"))
                         .where(model.archived.is_(False), model.overdue_condition()).having(func.count() > 0))
    counts = union_all(*parts).subquery()
    return (select(counts.c.src, counts.c.unit_id, counts.c.n, Unit.name)
            .outerjoin(Unit, Unit.id == counts.c.unit_id))


@home_section(10)
def director_tiles(user, sm):
    from app.core.inbox import approves_cached

    if not approves_cached(user):
        return None
    count, rows = waiting_for_decision()
    tiles = {"template": "notify/home_director.html", "waiting": count,
             "waiting_rows": [{"register": label_text(e.label), "at": at, "ref": label,
                               "url": record_url(f"{e.name}.show", pk)} for e, pk, at, label in rows]}
    if sm.has_access("can_list", "SubscriptionView"):
        tiles["ending"] = subscriptions_ending()
        tiles["ending_url"] = url_for("SubscriptionView.list", ending=30)
    if sm.has_access("can_list", "LeaveView"):
        tiles["leaves"] = on_leave_today()
    tiles["overdue_units"] = overdue_by_unit(sm)
    return tiles


# -- Bilgi İşlem ----------------------------------------------------------------

SECURITY_TILES = [("login_failed", _l("Failed logins")), ("lockout", _l("Logins to a locked account")),
                  ("role_grant", _l("Roles granted"))]


def security_counts(days=SECURITY_DAYS):
    """{action: count} of the security events list filtered by that action
    and ``from`` = today - days (the same filter the tile links to)."""
    from app.core.audit import AuditEntry
    from app.security.views import SECURITY_REGISTERS

    since = dt.datetime.combine(dt.date.today() - dt.timedelta(days=days), dt.time.min)
    actions = [a for a, _ in SECURITY_TILES]
    rows = (db.session.query(AuditEntry.action, func.count(AuditEntry.id))
            .filter(AuditEntry.register.in_(SECURITY_REGISTERS), AuditEntry.action.in_(actions),
                    AuditEntry.at >= since)
            .group_by(AuditEntry.action).all())
    found = dict(rows)
    return {a: found.get(a, 0) for a in actions}


def idle_users(days=IDLE_DAYS):
    """Active users who have not logged in for ``days`` days (or never)."""
    from flask_appbuilder.security.sqla.models import User

    cutoff = dt.datetime.now() - dt.timedelta(days=days)
    return (db.session.query(User)
            .filter(User.active.is_(True), (User.last_login.is_(None)) | (User.last_login < cutoff))
            .order_by(User.username).all())


def newest_backup():
    """(path, modified datetime) of the newest archive in the default
    backup folder, or None."""
    folder = os.path.join(current_app.config["DATA_DIR"], "backups")
    try:
        names = [n for n in os.listdir(folder) if n.endswith(".tar.gz")]
    except OSError:
        return None
    if not names:
        return None
    path = max((os.path.join(folder, n) for n in names), key=os.path.getmtime)
    return path, dt.datetime.fromtimestamp(os.path.getmtime(path))


@home_section(10)
def it_tiles(user, sm):
    if not sm.has_access("can_list", "SecurityEventsView") or not sm.has_access("can_list", "UserDBModelView"):
        return None
    since = (dt.date.today() - dt.timedelta(days=SECURITY_DAYS)).isoformat()
    counts = security_counts()
    backup = newest_backup()
    return {"template": "notify/home_it.html", "days": SECURITY_DAYS, "idle_days": IDLE_DAYS,
            "security": [(label, counts[action], url_for("SecurityEventsView.list", action=action, **{"from": since}))
                         for action, label in SECURITY_TILES],
            "idle": idle_users(),
            "backup_at": backup[1] if backup else None,
            "backup_days": (dt.datetime.now() - backup[1]).days if backup else None}
