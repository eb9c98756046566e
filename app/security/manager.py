"""Security manager: FAB's, subclassed (never copied).

* Permissions are resolved with one query per request and kept on ``g``.
* The user and their roles are loaded with one query.
* Sessions are server-side records checked on that same query
  (``sessions.py``): logout, password change/reset, deactivation and role
  change end them; idle timeout and absolute lifetime.
* Failed logins are audited and counted in the shared database
  (``limits.py``): per address (429) and per account (lockout after
  LOGIN_LOCKOUT_ATTEMPTS failures within LOGIN_LOCKOUT_MINUTES, audited).
  Successful logins are not counted. FAB's JSON login API is off unless
  ``API_ENABLED``, and then limited alike.
* Who may change users and roles, and the audit of it: ``guards.py``.
* Logout is POST-only (a link cannot log anybody out).
* FAB's user statistics chart (it loads Google's chart loader) is removed.
"""
from __future__ import annotations

import functools

from flask import current_app, flash, g, redirect, request
from flask_appbuilder.security.sqla.manager import SecurityManager as FabSecurityManager
from flask_appbuilder.security.sqla.models import Permission, PermissionView, Role, User, ViewMenu, assoc_permissionview_role
from flask_appbuilder.security.views import AuthDBView
from flask_appbuilder.baseviews import expose
from flask_appbuilder.utils.base import get_safe_redirect
from flask_login import logout_user
from flask_appbuilder.security.api import SecurityApi
from sqlalchemy import and_, select
from sqlalchemy.orm import joinedload

from app.core import audit
from app.security import limits, permcache, sessions
from app.security import views as it_views
from app.security.guards import GuardedViewMixin, check_password_reset
from app.security.models import UserAccount, UserSession
from app.security.words import person


class OzkAuthDBView(AuthDBView):
    login_template = "security/login.html"

    @expose("/logout/", methods=["POST"])
    def logout(self):
        user = g.user if getattr(g, "user", None) is not None and g.user.is_authenticated else None
        sid = sessions.current_sid()
        if user is not None:
            if sid:
                sessions.revoke_sid(sid, "logout")
            audit.record("ab_user", user.id, "logout", f"Çıkış: {person(user)} ({user.username})")
        return super().logout()

    @expose("/login/", methods=["GET", "POST"])
    def login(self):
        return super().login()


def _without_download(view_cls, guarded=False):
    """FAB's security views expose /download/<file> reading UPLOAD_FOLDER; we
    have no such uploads, so the route is dropped (same class name, so the
    permission names stay the same). ``guarded``: user and role screens check
    guards.py's rules before saving (a Turkish message on the form)."""
    bases = (GuardedViewMixin, view_cls) if guarded else (view_cls,)
    return type(view_cls.__name__, bases,
                {"exclude_route_methods": set(view_cls.exclude_route_methods) | {"download"}})


def _password_form(view_cls):
    """FAB's (reset) password forms cache their column list on first render,
    csrf_token included when CSRF was on; list the two fields instead (the CSRF
    token is rendered by hidden_tag anyway). Same class name, same permissions."""
    return type(view_cls.__name__, (view_cls,), {"form_columns": ["password", "conf_password"]})


class OzkSecurityApi(SecurityApi):
    """FAB's JSON login, when an API is enabled (``API_ENABLED``): same
    lockout and per-address failure limit as the form (see limits.py)."""


class NoSecurityApi(SecurityApi):
    """No API is enabled: FAB's ``/api/v1/security/login`` and ``/refresh``
    do not exist (FAB adds them even with FAB_ADD_SECURITY_API=False)."""
    exclude_route_methods = {"login", "refresh"}


class SecurityManager(FabSecurityManager):
    authdbview = OzkAuthDBView
    userstatschartview = None
    # Turkish users screen with unlock, and the permission grid (views.py), both
    # checked by guards.py's rules before saving
    userdbmodelview = _without_download(it_views.UserDBModelView, guarded=True)
    rolemodelview = _without_download(it_views.RoleModelView, guarded=True)
    groupmodelview = _without_download(FabSecurityManager.groupmodelview, guarded=True)
    permissionmodelview = _without_download(FabSecurityManager.permissionmodelview)
    viewmenumodelview = _without_download(FabSecurityManager.viewmenumodelview)
    permissionviewmodelview = _without_download(FabSecurityManager.permissionviewmodelview)
    resetmypasswordview = _password_form(FabSecurityManager.resetmypasswordview)
    resetpasswordview = _password_form(FabSecurityManager.resetpasswordview)

    def register_views(self):
        self.security_api = OzkSecurityApi if current_app.config.get("API_ENABLED") else NoSecurityApi
        super().register_views()

    def reset_password(self, userid, password):
        user = self.get_user_by_id(userid)
        if user is None:
            from flask import abort

            abort(404)
        check_password_reset(user)
        return super().reset_password(userid, password)

    @property
    def is_auth_limited(self) -> bool:
        # FAB's limiter counted successful logins too, per process; limits.py replaces it
        return False

    # -- one query for the user, their roles, their session and flags ---------
    def load_user(self, pk):
        try:
            pk = int(pk)
        except (TypeError, ValueError):
            return None
        sid = sessions.current_sid() or ""
        row = self.session.execute(_load_user_statement(), {"ozk_pk": pk, "ozk_sid": sid}).unique().one_or_none()
        if row is None:
            return None
        user, found_sid, created_at, revoked_at, must_change, perm_version, config_version, \
            bell_unread, bell_newest = row
        # the roles' permission version, read in this same statement: the
        # permission sets are then taken from this process's cache (permcache.py);
        # so are the configuration version (settings, custom fields) and the
        # state of the user's bell (app/notify/views.py, bell)
        g._ozk_perm_version = (perm_version,)
        g._ozk_config_version = (config_version or "",)   # "": never changed yet
        permcache.saw_config(config_version or "")
        g._ozk_bell_stamp = (user.id, bell_unread or 0, bell_newest)
        if not user.is_active:
            return None
        if not sessions.session_valid(created_at, revoked_at, found_sid is not None):
            return None
        user._ozk_must_change = bool(must_change)
        return user

    def warm_up(self):
        """Compile ``load_user``'s statement once at start-up (SQLAlchemy
        generates its visitor code per construct the first time: ~0.3 s on
        the first logged-in request of a worker otherwise). No query runs."""
        stmt = _load_user_statement()
        dialect = self.session.get_bind().dialect
        stmt.compile(dialect=dialect)
        stmt._generate_cache_key()   # and its cache key (built on the first execution otherwise)
        from sqlalchemy.orm import Query

        Query([Permission.name, ViewMenu.name]).select_from(PermissionView).join(
            Permission, PermissionView.permission_id == Permission.id).statement.compile(dialect=dialect)
        # the shapes a register page runs: an ORM select with a joined
        # many-to-one, a count over a subquery, the audit entry's insert
        from sqlalchemy import func, insert

        from app.core.audit import AuditEntry
        from app.core.registry import REGISTRY

        for entry in REGISTRY[:3]:
            model = entry.view.datamodel.obj
            rels = [r for r in model.__mapper__.relationships if r.direction.name == "MANYTOONE"][:2]
            query = Query(model).options(*[joinedload(getattr(model, r.key)) for r in rels]).filter(
                model.id == 0).limit(1)
            query.statement.compile(dialect=dialect)
            select(func.count()).select_from(query.subquery()).compile(dialect=dialect)
        insert(AuditEntry).values(register="x", record_id=0, action="read").compile(dialect=dialect)

    # -- permissions: once per role set and permission version -------------
    def _permissions_for(self, roles):
        role_ids = tuple(sorted(r.id for r in roles if r is not None))
        cache = g.setdefault("_ozk_perm_cache", {})
        if role_ids not in cache:
            version = g.get("_ozk_perm_version")
            if version is None:   # anonymous: no load_user, one query per request
                cache[role_ids] = self._query_permissions(role_ids)
            else:
                cache[role_ids] = permcache.cached_permissions(
                    str(self.session.get_bind().url), version[0], role_ids,
                    lambda: self._query_permissions(role_ids))
        return cache[role_ids]

    def _query_permissions(self, role_ids):
        rows = self.session.execute(
            select(Permission.name, ViewMenu.name)
            .select_from(PermissionView)
            .join(Permission, PermissionView.permission_id == Permission.id)
            .join(ViewMenu, PermissionView.view_menu_id == ViewMenu.id)
            .join(assoc_permissionview_role, assoc_permissionview_role.c.permission_view_id == PermissionView.id)
            .where(assoc_permissionview_role.c.role_id.in_(role_ids))
        ).all() if role_ids else []
        return frozenset((p, v) for p, v in rows)

    def has_access(self, permission_name, view_name):
        """FAB's check for a signed-in person, answered from their permission
        set, taken once per request (a page asks 30 to 130 times; FAB's path
        took ~35 µs a call). Anything else (anonymous, an API key, builtin
        roles, g.user not the session's user) goes FAB's way; a login or
        logout inside the request starts afresh."""
        values = g._get_current_object().__dict__
        who = values.get("_login_user")
        memo = values.get("_ozk_access")
        if memo is not None and memo[0] is who and values.get("user") is who:
            return (permission_name, view_name) in memo[1]
        if who is None or values.get("user") is not who or self.builtin_roles \
                or values.get("_api_key_user") or not who.is_authenticated:
            return super().has_access(permission_name, view_name)
        perms = self._permissions_for(self.get_user_roles(who)) if who.is_active else frozenset()
        values["_ozk_access"] = (who, perms)
        return (permission_name, view_name) in perms

    def _has_view_access(self, user, permission_name, view_name):
        roles = self.get_user_roles(user)
        if any(r.name in self.builtin_roles and self._has_access_builtin_roles(r, permission_name, view_name)
               for r in roles):
            return True
        return (permission_name, view_name) in self._permissions_for(roles)

    def is_item_public(self, permission_name, view_name):
        return (permission_name, view_name) in self._permissions_for([self._public_role_cached()])

    def _public_role_cached(self):
        if "_ozk_public_role" not in g:
            g._ozk_public_role = self.get_public_role()
        return g._ozk_public_role

    def _get_user_permission_view_menus(self, user, permission_name, view_menus_name):
        roles = [self._public_role_cached()] if user is None else self.get_user_roles(user)
        perms = self._permissions_for(roles)
        names = {v for p, v in perms if p == permission_name}
        if view_menus_name is not None:
            names &= set(view_menus_name)
        return names

    def get_user_roles(self, user):
        if not user.is_authenticated:
            return [self._public_role_cached()]
        return list(user.roles) + [role for group in user.groups for role in group.roles]

    # -- login hardening -----------------------------------------------------
    def auth_user_db(self, username, password):
        user = self.find_user(username=username) if username else None
        if limits.account_locked(username):
            audit.record("ab_user", user.id if user else None, "lockout",
                         f"Kilitli hesaba giriş denemesi: {str(username)[:80]}")
            g._ozk_locked = True
            limits.record_failure(None)  # counts for the address, does not prolong the lock
            return None
        result = super().auth_user_db(username, password)
        if result is None:
            limits.record_failure(username)
            audit.record("ab_user", user.id if user else None, "login_failed",
                         f"Başarısız giriş: {str(username)[:80]}")
        else:
            limits.clear_account(username)
            audit.record("ab_user", result.id, "login", f"Giriş: {result.username}")
        return result


@functools.lru_cache(maxsize=None)
def _load_user_statement():
    """``load_user``'s one statement (the user with roles and groups, their
    session row, account flags and the permission version), built once per
    process with bound parameters ``ozk_pk`` and ``ozk_sid``: building it
    afresh was a third of ``load_user``'s time on every request. Prepared on
    PostgreSQL (planning its joins was most of its time there)."""
    from sqlalchemy import bindparam, func, literal

    from app.core.db import PREPARED
    from app.notify.models import Notification
    from app.notify.views import BELL_STAMP_CAP

    unread = (Notification.user_id == bindparam("ozk_pk"), Notification.read_at.is_(None))
    # the bell's state: how many unread (counted up to a cap) and the newest
    bell_unread = select(func.count()).select_from(
        select(literal(1)).where(*unread).limit(BELL_STAMP_CAP).subquery()).scalar_subquery()
    bell_newest = select(func.max(Notification.id)).where(*unread).scalar_subquery()
    return (select(User, UserSession.sid, UserSession.created_at, UserSession.revoked_at,
                   UserAccount.must_change_password, permcache.version_subquery(),
                   permcache.version_subquery(permcache.CONFIG_KEY), bell_unread, bell_newest)
            .outerjoin(UserSession, and_(UserSession.sid == bindparam("ozk_sid"), UserSession.user_id == User.id))
            .outerjoin(UserAccount, UserAccount.user_id == User.id)
            .options(joinedload(User.roles), joinedload(User.groups))
            .where(User.id == bindparam("ozk_pk"))
            .execution_options(**PREPARED))
