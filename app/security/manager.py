"""Security manager: FAB's, subclassed (never copied).

* Permissions are resolved with one query per request and kept on ``g``.
* The user and their roles are loaded with one query.
* Failed logins are audited; after LOGIN_LOCKOUT_ATTEMPTS failures the
  account is locked for LOGIN_LOCKOUT_MINUTES (also audited).
* Logout is POST-only (a link cannot log anybody out).
* FAB's user statistics chart (it loads Google's chart loader) is removed.
"""
from __future__ import annotations

import datetime as dt

from flask import current_app, flash, g, redirect, request
from flask_appbuilder.security.sqla.manager import SecurityManager as FabSecurityManager
from flask_appbuilder.security.sqla.models import Permission, PermissionView, Role, User, ViewMenu, assoc_permissionview_role
from flask_appbuilder.security.views import AuthDBView
from flask_appbuilder.baseviews import expose
from flask_appbuilder.utils.base import get_safe_redirect
from flask_login import logout_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.core import audit
from app.security import views as it_views


class OzkAuthDBView(AuthDBView):
    login_template = "security/login.html"

    @expose("/logout/", methods=["POST"])
    def logout(self):
        return super().logout()

    @expose("/login/", methods=["GET", "POST"])
    def login(self):
        return super().login()


def _without_download(view_cls):
    """FAB's security views expose /download/<file> reading UPLOAD_FOLDER; we
    have no such uploads, so the route is dropped (same class name, so the
    permission names stay the same)."""
    return type(view_cls.__name__, (view_cls,),
                {"exclude_route_methods": set(view_cls.exclude_route_methods) | {"download"}})


class SecurityManager(FabSecurityManager):
    authdbview = OzkAuthDBView
    userstatschartview = None
    userdbmodelview = it_views.UserDBModelView    # Turkish users screen, unlock
    rolemodelview = it_views.RoleModelView        # permission grid
    groupmodelview = _without_download(FabSecurityManager.groupmodelview)
    permissionmodelview = _without_download(FabSecurityManager.permissionmodelview)
    viewmenumodelview = _without_download(FabSecurityManager.viewmenumodelview)
    permissionviewmodelview = _without_download(FabSecurityManager.permissionviewmodelview)

    # -- one query for the user and their roles ---------------------------
    def load_user(self, pk):
        try:
            pk = int(pk)
        except (TypeError, ValueError):
            return None
        user = self.session.execute(
            select(User).options(joinedload(User.roles), joinedload(User.groups))
            .where(User.id == pk)
        ).unique().scalar_one_or_none()
        if user and user.is_active:
            return user
        return None

    # -- permissions: one query per request --------------------------------
    def _permissions_for(self, roles):
        role_ids = tuple(sorted(r.id for r in roles if r is not None))
        cache = g.setdefault("_ozk_perm_cache", {})
        if role_ids not in cache:
            rows = self.session.execute(
                select(Permission.name, ViewMenu.name)
                .select_from(PermissionView)
                .join(Permission, PermissionView.permission_id == Permission.id)
                .join(ViewMenu, PermissionView.view_menu_id == ViewMenu.id)
                .join(assoc_permissionview_role, assoc_permissionview_role.c.permission_view_id == PermissionView.id)
                .where(assoc_permissionview_role.c.role_id.in_(role_ids))
            ).all() if role_ids else []
            cache[role_ids] = {(p, v) for p, v in rows}
        return cache[role_ids]

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
        attempts = current_app.config.get("LOGIN_LOCKOUT_ATTEMPTS", 5)
        minutes = current_app.config.get("LOGIN_LOCKOUT_MINUTES", 15)
        if user is not None and (user.fail_login_count or 0) >= attempts:
            last = user.changed_on or dt.datetime.now()
            if dt.datetime.now() - last < dt.timedelta(minutes=minutes):
                audit.record("ab_user", user.id, "lockout", f"Kilitli hesaba giriş denemesi: {username}")
                g._ozk_locked = True
                return None
        result = super().auth_user_db(username, password)
        if result is None:
            audit.record("ab_user", user.id if user else None, "login_failed",
                         f"Başarısız giriş: {str(username)[:80]}")
        else:
            audit.record("ab_user", result.id, "login", f"Giriş: {result.username}")
        return result

    def update_user_auth_stat(self, user, success=True):
        if not success:
            user.changed_on = dt.datetime.now()
        super().update_user_auth_stat(user, success)
