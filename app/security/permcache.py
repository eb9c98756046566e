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
"""
from __future__ import annotations

import threading
import uuid

from flask import g, has_app_context

from flask_appbuilder.security.sqla.models import Permission, PermissionView, Role, ViewMenu
from sqlalchemy import event, insert, select, update
from sqlalchemy.orm import Session

VERSION_KEY = "_perm_version"
_WATCHED = (Role, Permission, PermissionView, ViewMenu)

_lock = threading.Lock()
# (engine url, version, role ids) -> frozenset of (permission, view) pairs
_PERMS: dict = {}
# (engine url, version, ...) -> rendered menu (see menu_html)
_MENUS: dict = {}
_MAX = 2000


def version_subquery():
    """The current token as a scalar subquery for ``load_user``'s statement."""
    from app.settings.models import Setting

    return select(Setting.value).where(Setting.key == VERSION_KEY).scalar_subquery()


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


def bump(connection):
    """Replace the token (inside the caller's transaction)."""
    from app.settings.models import Setting

    table = Setting.__table__
    token = uuid.uuid4().hex
    done = connection.execute(update(table).where(table.c.key == VERSION_KEY).values(value=token))
    if not done.rowcount:
        connection.execute(insert(table).values(key=VERSION_KEY, value=token))
    return token


def _touches_roles(session) -> bool:
    for obj in list(session.new) + list(session.dirty) + list(session.deleted):
        if isinstance(obj, _WATCHED):
            return True
    return False


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
