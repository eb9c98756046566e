"""Each role's permission set and menu, computed once per process (issue 19, item 3).

Roles change rarely (Bilgi İşlem's role screens, ``flask ozelkalem setup``) and
are read on every page (``has_access``: ~50 calls per list page, the menu).
Until now the permission set was queried once per *request*; now it is kept per
*process*, keyed by the role ids and a **permission version**: a token stored in
the ``setting`` table (key ``_perm_version``) and replaced, in the same
transaction, by every flush that touches a role, a permission, a view/menu or a
role's permission list (``after_flush`` below: FAB's role screens, our
permission grid, ``sync_roles``/``setup``). ``load_user`` reads the token in its
one query (a scalar subquery, no extra statement), so every worker sees a
committed change on its next request, and a rolled-back change never bumps it.

Anonymous requests (no ``load_user``) keep the per-request query.

The same way, a **configuration version** (key ``_config_version``) is replaced
by every flush that touches a model registered with :func:`watch_config` (the
settings, the fields added from the screen): ``load_user`` reads it in the same
statement, and the caches of those definitions are kept until it changes,
instead of being re-read every few seconds in case another worker changed them
(a timed re-read was an extra statement on whichever page met it).
"""
from __future__ import annotations

import threading
import uuid

from flask import g, has_app_context

from flask_appbuilder.security.sqla.models import Permission, PermissionView, Role, ViewMenu
from sqlalchemy import event, insert, select, update
from sqlalchemy.orm import Session

VERSION_KEY = "_perm_version"
CONFIG_KEY = "_config_version"
_WATCHED = (Role, Permission, PermissionView, ViewMenu)
_CONFIG_WATCHED: list = []

_lock = threading.Lock()
# (engine url, version, role ids) -> frozenset of (permission, view) pairs
_PERMS: dict = {}
# (engine url, version, ...) -> rendered menu (see menu_html)
_MENUS: dict = {}
_MAX = 2000


def version_subquery(key=VERSION_KEY):
    """The current token as a scalar subquery for ``load_user``'s statement."""
    from app.settings.models import Setting

    return select(Setting.value).where(Setting.key == key).scalar_subquery()


def watch_config(*classes):
    """A change of these models (any row) replaces the configuration version."""
    _CONFIG_WATCHED.extend(c for c in classes if c not in _CONFIG_WATCHED)


#: the configuration version the latest signed-in request of this process read,
#: and when (time.monotonic()): the screen registers' WSGI wrapper looks here
_LATEST_CONFIG = [None, 0.0]


def saw_config(version):
    import time

    _LATEST_CONFIG[0], _LATEST_CONFIG[1] = version, time.monotonic()


def latest_config():
    """(version, when) of the latest signed-in request, or None."""
    return None if _LATEST_CONFIG[0] is None else (_LATEST_CONFIG[0], _LATEST_CONFIG[1])


def config_version():
    """The configuration version ``load_user`` read for this request, or None
    (no signed-in user, outside a request, or changed in this request)."""
    if not has_app_context():
        return None
    version = g.get("_ozk_config_version")
    return None if version is None else version[0]


def _store(cache, key, value):
    with _lock:
        if len(cache) > _MAX:
            cache.clear()
        cache[key] = value
    return value


def cached_permissions(url, version, role_ids, compute):
    key = (url, version, role_ids)
    hit = _PERMS.get(key)
    if hit is None:
        hit = _store(_PERMS, key, frozenset(compute()))
    return hit


def cached_menu(key, compute):
    hit = _MENUS.get(key)
    if hit is None:
        hit = _store(_MENUS, key, compute())
    return hit


def forget():
    """Drop this process's caches (the token makes this unnecessary across
    processes; tests and ``setup`` call it for good measure)."""
    with _lock:
        _PERMS.clear()
        _MENUS.clear()


def bump(connection, key=VERSION_KEY):
    """Replace the token (inside the caller's transaction)."""
    from app.settings.models import Setting

    table = Setting.__table__
    token = uuid.uuid4().hex
    done = connection.execute(update(table).where(table.c.key == key).values(value=token))
    if not done.rowcount:
        connection.execute(insert(table).values(key=key, value=token))
    return token


def _touches(session, classes) -> bool:
    if not classes:
        return False
    classes = tuple(classes)
    for obj in list(session.new) + list(session.dirty) + list(session.deleted):
        if isinstance(obj, classes):
            return True
    return False


def _touches_roles(session) -> bool:
    return _touches(session, _WATCHED)


@event.listens_for(Session, "after_flush")
def _bump_on_role_change(session, flush_context):
    if _touches_roles(session):
        bump(session.connection())
        forget()
        if has_app_context():
            # the rest of this request sees its own uncommitted change: no
            # process cache under the old token (it may still be rolled back)
            g.pop("_ozk_perm_version", None)
            g.pop("_ozk_perm_cache", None)
    if _touches(session, _CONFIG_WATCHED):
        bump(session.connection(), CONFIG_KEY)
        if has_app_context():
            g.pop("_ozk_config_version", None)   # the rest of this request: the timed path
