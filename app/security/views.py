"""Bilgi İşlem's screens: users, roles (a permission grid) and security events.

FAB's user and role views are subclassed under the same class names, so the
permission rows (``can_edit on RoleModelView``…) stay the ones
``app/security/roles.py``, ``docs/PERMISSIONS.md`` and the matrix test speak of.
"""
from __future__ import annotations

import datetime as dt

from flask import abort, current_app, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView
from flask_appbuilder.baseviews import expose
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.decorators import has_access, permission_name
from flask_appbuilder.security.sqla.models import Permission, PermissionView, Role, User, ViewMenu
from flask_appbuilder.security.views import RoleModelView as FabRoleModelView
from flask_appbuilder.security.views import UserDBModelView as FabUserDBModelView
from flask_appbuilder.widgets import ListWidget, ShowWidget
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from flask_appbuilder.fieldwidgets import BS3PasswordFieldWidget
from flask_appbuilder.validators import PasswordComplexityValidator
from wtforms import PasswordField, validators
from wtforms.validators import EqualTo, ValidationError

from app.core import audit, turkish
from app.extensions import db
from app.security import roles as R

# ---------------------------------------------------------------------------
# Lock state (the lockout itself lives in app/security/manager.py)
# ---------------------------------------------------------------------------


def locked_until(user):
    """When the account's lock ends, or None if it is not locked: locked after
    LOGIN_LOCKOUT_ATTEMPTS failures within LOGIN_LOCKOUT_MINUTES. The failures
    live in the table every worker shares (app/security/limits.py)."""
    from sqlalchemy import and_, func, select

    from app.security import limits
    from app.security.models import LoginFailure

    attempts = current_app.config.get("LOGIN_LOCKOUT_ATTEMPTS", 5)
    minutes = current_app.config.get("LOGIN_LOCKOUT_MINUTES", 15)
    since = dt.datetime.now() - dt.timedelta(minutes=minutes)
    rows = db.session.execute(select(LoginFailure.at).where(and_(
        LoginFailure.username == limits.account_key(user.username), LoginFailure.cleared.is_(False),
        LoginFailure.at > since)).order_by(LoginFailure.at.desc())).scalars().all()
    if len(rows) < attempts:
        return None
    return rows[attempts - 1] + dt.timedelta(minutes=minutes)


def lock_state_text(user):
    until = locked_until(user)
    if until is None:
        return "Kilitli değil"
    return f"Kilitli ({turkish.format_date(until)} saatine kadar)"


def full_name(user):
    from app.security.words import person

    return "" if user is None else person(user)


def _yes_no(value):
    return "Evet" if value else "Hayır"


def _role_names(roles):
    return ", ".join(r.name for r in roles or []) or "—"


class _VirtualColumns(SQLAInterface):
    """SQLAInterface with computed read-only columns (``virtual``) for list and
    show pages (e.g. a user's lock state)."""

    virtual: dict = {}

    def _get_attr_value(self, item, col):  # noqa: D401 - FAB hook (static there)
        if col in self.virtual:
            return self.virtual[col](item)
        return SQLAInterface._get_attr_value(item, col)

    def get_values(self, lst, list_columns):
        for item in lst:
            yield {col: self._get_attr_value(item, col) for col in list_columns}

    def get_values_item(self, item, show_columns):
        return [self._get_attr_value(item, col) for col in show_columns]


class UserInterface(_VirtualColumns):
    virtual = {"lock_state": lock_state_text}


class RoleInterface(_VirtualColumns):
    virtual = {
        "product_role": lambda role: _yes_no(is_product_role(role.name)),
        "user_names": lambda role: ", ".join(sorted(full_name(u) for u in role.user)) or "—",
    }


def groups_in_use():
    from flask_appbuilder.security.sqla.models import Group

    try:
        return db.session.query(Group.id).first() is not None
    except Exception:  # noqa: BLE001 - FAB without the group table
        db.session.rollback()
        return False


def _roles_required(form, field):
    groups = form._fields.get("groups")
    if not field.data and not (groups is not None and groups.data):
        raise ValidationError("En az bir rol seçin.")


# ---------------------------------------------------------------------------
# Users
# ---------------------------------------------------------------------------


class UserShowWidget(ShowWidget):
    template = "security/user_show_widget.html"


class UserDBModelView(FabUserDBModelView):
    """Users, in Turkish: Evet/Hayır, role names, last login, failed attempts,
    lock state and an unlock button. Groups only appear once a group exists."""

    show_widget = UserShowWidget
    exclude_route_methods = set(FabUserDBModelView.exclude_route_methods) | {"download"}
    show_template = "security/user_show.html"

    list_title = _l("Users")
    show_title = _l("User")
    add_title = _l("New user")
    edit_title = _l("Edit user")
    user_info_title = _l("My user information")

    label_columns = {
        "first_name": _l("Given name"), "last_name": _l("Family name"),
        "username": _l("Login name"), "password": _l("Password"),
        "conf_password": _l("Password (again)"), "active": _l("Active user"),
        "email": _l("E-mail address"), "roles": _l("Roles"), "groups": _l("User groups"),
        "last_login": _l("Last login"), "login_count": _l("Number of logins"),
        "fail_login_count": _l("Failed attempts"), "lock_state": _l("Lock"),
        "created_on": _l("Created at"), "created_by": _l("Created by"),
        "changed_on": _l("Changed at"), "changed_by": _l("Changed by"),
    }
    description_columns = {
        "first_name": _l("The person's given name(s), as on their identity card."),
        "last_name": _l("The person's family name."),
        "username": _l("The name typed on the login page (lower case, no spaces, e.g. ayilmaz)."),
        "password": _l("At least 10 characters: two capital letters, three lower case letters, two digits and a symbol (e.g. !)."),
        "conf_password": _l("Type the same password again."),
        "active": _l("Remove the tick when the person leaves: the user can no longer log in, "
                     "but their name stays on the records they kept. Deactivate rather than delete."),
        "email": _l("The person's work e-mail address."),
        "roles": _l("What the user may do: each role is a set of permissions (see Roles)."),
        "groups": _l("Groups give their roles to every member."),
    }
    list_columns = ["first_name", "last_name", "username", "active", "roles", "last_login",
                    "fail_login_count", "lock_state"]
    show_fieldsets = [
        (_l("User"), {"fields": ["username", "first_name", "last_name", "email", "active", "roles"]}),
        (_l("Logins"), {"fields": ["last_login", "login_count", "fail_login_count", "lock_state"]}),
        (_l("Record"), {"fields": ["created_on", "created_by", "changed_on", "changed_by"]}),
    ]
    user_show_fieldsets = [
        (_l("User"), {"fields": ["username", "first_name", "last_name", "email", "roles"]}),
        (_l("Logins"), {"fields": ["last_login", "login_count"]}),
    ]
    search_columns = ["first_name", "last_name", "username", "email", "active", "roles", "last_login"]
    order_columns = ["first_name", "last_name", "username", "active", "last_login", "fail_login_count"]
    add_columns = ["first_name", "last_name", "username", "active", "email", "roles",
                   "password", "conf_password"]
    edit_columns = ["first_name", "last_name", "username", "active", "email", "roles"]
    validators_columns = {"roles": [_roles_required]}
    add_form_extra_fields = {
        "password": PasswordField(
            _l("Password"), widget=BS3PasswordFieldWidget(),
            description=_l("At least 10 characters: two capital letters, three lower case letters, "
                           "two digits and a symbol (e.g. !)."),
            validators=[validators.DataRequired(), PasswordComplexityValidator()]),
        "conf_password": PasswordField(
            _l("Password (again)"), widget=BS3PasswordFieldWidget(),
            description=_l("Type the same password again."),
            validators=[validators.DataRequired(),
                        EqualTo("password", message="Parolalar aynı değil.")]),
    }
    formatters_columns = {
        "active": _yes_no,
        "roles": _role_names,
        "groups": lambda groups: ", ".join(str(x) for x in groups or []) or "—",
        "last_login": lambda v: turkish.format_date(v) or "Hiç giriş yapmadı",
        "created_on": turkish.format_date,
        "changed_on": turkish.format_date,
        "login_count": lambda v: v or 0,
        "fail_login_count": lambda v: v or 0,
        "created_by": lambda u: full_name(u) or "—",
        "changed_by": lambda u: full_name(u) or "—",
    }

    def __init__(self, **kwargs):
        if not isinstance(self.datamodel, UserInterface):
            self.datamodel = UserInterface(self.datamodel.obj, self.datamodel.session)
        super().__init__(**kwargs)

    # groups: shown only when the installation uses them
    def _with_groups(self, columns, after="roles"):
        if "groups" in columns or not groups_in_use():
            return columns
        out = list(columns)
        out.insert(out.index(after) + 1 if after in out else len(out), "groups")
        return out

    def _get_list_widget(self, filters, actions=None, order_column="", order_direction="",
                         page=None, page_size=None, widgets=None, **kwargs):
        widgets = widgets or {}
        page_size = page_size or self.page_size
        if order_column not in self.order_columns:   # a hand-made ?_oc_=… is ignored, not a 500
            order_column, order_direction = "", ""
        elif order_direction not in ("asc", "desc"):
            order_direction = "asc"
        if not order_column and self.base_order:
            order_column, order_direction = self.base_order
        joined = filters.get_joined_filters(self._base_filters)
        count, lst = self.datamodel.query(joined, order_column, order_direction,
                                          page=page, page_size=page_size)
        columns = self._with_groups(self.list_columns)
        widgets["list"] = self.list_widget(
            label_columns=self.label_columns, include_columns=columns,
            value_columns=self.datamodel.get_values(lst, columns),
            order_columns=self.order_columns, formatters_columns=self.formatters_columns,
            page=page, page_size=page_size, count=count,
            pks=[self._serialize_pk_if_composite(pk) for pk in self.datamodel.get_keys(lst)],
            actions={}, filters=filters, modelview_name=self.__class__.__name__, **kwargs)
        return widgets

    def _get_show_widget(self, pk, item, widgets=None, actions=None, show_fieldsets=None):
        fieldsets = [(title, dict(spec, fields=self._with_groups(spec["fields"])))
                     if "roles" in spec["fields"] else (title, spec)
                     for title, spec in (show_fieldsets or self.show_fieldsets)]
        columns = [c for _, spec in fieldsets for c in spec["fields"]]
        widgets = widgets or {}
        widgets["show"] = self.show_widget(
            pk=pk, label_columns=self.label_columns, include_columns=columns,
            value_columns=self.datamodel.get_values_item(item, columns),
            formatters_columns=self.formatters_columns, actions=actions or {},
            fieldsets=fieldsets, modelview_name=self.__class__.__name__)
        return widgets

    @expose("/show/<pk>", methods=["GET"])
    @has_access
    def show(self, pk):
        item = self.datamodel.get(pk, self._base_filters)
        if not item:
            abort(404)
        widgets = self._get_show_widget(pk, item)
        self.update_redirect()
        sm = self.appbuilder.sm
        return self.render_template(
            self.show_template, pk=pk, title=self.show_title, widgets=widgets,
            appbuilder=self.appbuilder, item=item, locked_until=locked_until(item),
            lock_text=lock_state_text(item),
            can_unlock=sm.has_access("can_edit", "UserDBModelView"),
            can_edit=sm.has_access("can_edit", "UserDBModelView"),
            can_reset=sm.has_access("can_this_form_get", "ResetPasswordView"),
        )

    @expose("/unlock/<int:pk>", methods=["POST"])
    @has_access
    @permission_name("edit")
    def unlock(self, pk):
        """Clears the failed attempts (the lock); audited as ``unlock``."""
        user = db.session.get(User, pk)
        if user is None:
            abort(404)
        from app.security import limits

        was_locked = locked_until(user) is not None
        failures = user.fail_login_count or 0
        user.fail_login_count = 0
        try:
            db.session.commit()
            # the failures every worker counts (limits.py) stop counting toward the lock
            failures = max(failures, limits.clear_account(user.username))
        except Exception:  # noqa: BLE001
            db.session.rollback()
            flash("Kilit açılamadı; hiçbir değişiklik kaydedilmedi.", "danger")
            return redirect(url_for("UserDBModelView.show", pk=pk))
        actor = f"{full_name(g.user)} ({g.user.username})"
        summary = (f"{actor} {full_name(user)} ({user.username}) kullanıcısının kilidini açtı"
                   if was_locked else
                   f"{actor} {full_name(user)} ({user.username}) kullanıcısının başarısız giriş "
                   "sayacını sıfırladı")
        audit.record("ab_user", user.id, "unlock", summary,
                     {"başarısız deneme": [failures, 0], "kilitli": [was_locked, False]})
        flash("Kullanıcının kilidi açıldı; yeniden giriş yapabilir." if was_locked
              else "Başarısız giriş sayacı sıfırlandı.", "success")
        return redirect(url_for("UserDBModelView.show", pk=pk))


# ---------------------------------------------------------------------------
# Roles: a grid of registers × actions
# ---------------------------------------------------------------------------

PRODUCT_ROLES = set(R.ROLES) | {R.ADMIN, "Public"}
PROTECTED_ROLES = {R.ADMIN, "Public"}   # only Admin edits these

# The grid's columns, in order: permission name -> Turkish label
ACTION_COLUMNS = [
    ("can_list", _l("List")), ("can_show", _l("View")), ("can_add", _l("Add")),
    ("can_edit", _l("Edit")), ("can_submit", _l("Send for approval")),
    ("can_approve", _l("Approve")), ("can_archive", _l("Archive")),
    ("can_restore", _l("Restore")), ("can_purge", _l("Delete permanently")),
    ("can_delete", _l("Delete")), ("can_export", _l("Export")), ("can_pdf", _l("Print")),
    ("can_history", _l("History")), ("can_attachments", _l("Attachments")),
]
# Other permissions of some views, shown under "Other"
OTHER_PERMISSION_LABELS = {
    "can_index": _l("Open"), "can_bulk": _l("Bulk approval"), "can_logo": _l("Logo"),
    "can_verify": _l("Verify a document"), "can_userinfo": _l("Own user information"),
    "can_this_form_get": _l("Open the form"), "can_this_form_post": _l("Save the form"),
    "resetpasswords": _l("Reset a password"), "resetmypassword": _l("Change own password"),
    "userinfoedit": _l("Edit own information"), "copyrole": _l("Copy role"),
}
# Views outside the registry: view -> (category, label); category None = "Security"
ADMIN_VIEWS = {
    "ApprovalInboxView": ("approval", _l("Awaiting my approval")),
    "AuditLogView": ("audit", _l("Audit log")),
    "SecurityEventsView": ("audit", _l("Security events")),
    "SettingsView": ("settings", _l("Office settings")),
    "VerifyView": ("settings", _l("Document verification")),
    "UserDBModelView": (None, _l("Users")),
    "RoleModelView": (None, _l("Roles")),
    "UserGroupModelView": (None, _l("User groups")),
    "ResetPasswordView": (None, _l("Password reset (other users)")),
    "ResetMyPasswordView": (None, _l("Change my password")),
    "UserInfoEditView": (None, _l("My user information")),
    "PermissionModelView": (None, _l("Base permissions")),
    "ViewMenuModelView": (None, _l("Views and menus")),
    "PermissionViewModelView": (None, _l("Permissions on views")),
}
SKIPPED_VIEWS = {"OzkAuthDBView", "AuthDBView", "LocaleView", "UtilView", "HomeView",
                 "UserStatsChartView", "SecurityApi", "MenuApi"}


def is_product_role(name):
    return name in PRODUCT_ROLES


def permission_label(name):
    for perm, label in ACTION_COLUMNS:
        if perm == name:
            return str(label)
    if name in OTHER_PERMISSION_LABELS:
        return str(OTHER_PERMISSION_LABELS[name])
    return name[4:] if name.startswith("can_") else name


def grid_rows(appbuilder):
    """[(category label, [(view name, label, [permission names])])] in menu order."""
    from app.core.register import CATEGORIES, REGISTRY

    views = {v.__class__.__name__: v for v in appbuilder.baseviews}
    groups = {key: [] for key in CATEGORIES}
    groups[None] = []
    seen = set()
    for entry in REGISTRY:
        view = views.get(entry.name)
        if view is not None:
            groups[entry.category].append((entry.name, str(entry.label), list(view.base_permissions)))
            seen.add(entry.name)
    for name, (category, label) in ADMIN_VIEWS.items():
        view = views.get(name)
        if view is not None and view.base_permissions:
            groups[category].append((name, str(label), list(view.base_permissions)))
            seen.add(name)
    for name, view in sorted(views.items()):   # anything added later still appears
        if name not in seen and name not in SKIPPED_VIEWS and view.base_permissions:
            groups[None].append((name, name, list(view.base_permissions)))
    out = []
    for key, rows in groups.items():
        if rows:
            label = str(CATEGORIES[key][0]) if key in CATEGORIES else str(_l("Users and roles"))
            out.append((label, rows))
    return out


def _menu_pairs(appbuilder, allowed):
    """menu_access rows that go with ``allowed`` {(perm, view)}: a menu item
    (and its category) is shown when the role may open its view."""
    pairs = set()
    for item in appbuilder.menu.get_list():
        for child in item.childs or []:
            view = getattr(child, "baseview", None)
            if view is None:
                continue
            view_name = view.__class__.__name__
            if {("can_list", view_name), ("can_index", view_name)} & allowed:
                pairs.update({("menu_access", child.name), ("menu_access", item.name)})
    return pairs


def may_edit_role(user, role):
    """Who may save a role's grid: whoever holds ``can_edit`` on roles, except
    that nobody edits a role they hold themselves (no self-escalation) and only
    Admin edits the Admin and Public roles."""
    held = {r.name for r in getattr(user, "roles", [])}
    if R.ADMIN in held:
        return True, ""
    if role.name in PROTECTED_ROLES:
        return False, f"{role.name} rolünü yalnızca Admin değiştirebilir."
    if role.name in held:
        return False, "Kendi rolünüzün yetkilerini değiştiremezsiniz; başka bir yetkiliye başvurun."
    return True, ""


class RoleListWidget(ListWidget):
    template = "security/role_list_widget.html"


class RoleModelView(FabRoleModelView):
    """Roles as a grid: registers (grouped by menu) × actions, in Turkish.
    Saving changes FAB's permission rows (PermissionView ↔ Role)."""

    exclude_route_methods = (set(FabRoleModelView.exclude_route_methods)
                             | {"download", "action", "action_post"})
    list_widget = RoleListWidget
    show_template = "security/role_grid.html"
    list_title = _l("Roles")
    show_title = _l("Role")
    add_title = _l("New role")
    edit_title = _l("Role permissions")
    label_columns = {"name": _l("Role name"), "permissions": _l("Permissions"),
                     "product_role": _l("Comes with the product"), "user_names": _l("Users")}
    description_columns = {"name": _l("A short name, e.g. Sekreter. Permissions are set on the next page.")}
    list_columns = ["name", "product_role", "user_names"]
    add_columns = ["name"]
    edit_columns = ["name"]
    show_columns = ["name"]

    def __init__(self, **kwargs):
        if not isinstance(self.datamodel, RoleInterface):
            self.datamodel = RoleInterface(self.datamodel.obj, self.datamodel.session)
        super().__init__(**kwargs)
        # FAB's "copy role" list action: its routes are dropped with the actions
        self.actions.pop("copyrole", None)
        self.base_permissions = [p for p in self.base_permissions if p != "copyrole"]

    def _get_list_widget(self, filters, actions=None, order_column="", order_direction="", **kwargs):
        if order_column not in self.order_columns:   # a hand-made ?_oc_=… is ignored, not a 500
            order_column, order_direction = "", ""
        elif order_direction not in ("asc", "desc"):
            order_direction = "asc"
        return super()._get_list_widget(filters, actions, order_column, order_direction, **kwargs)

    def screen_rules(self, item, kind):
        """Called before the security guards (guards.GuardedViewMixin)."""
        if kind == "deleted":
            RoleModelView.pre_delete(self, item)
        elif kind == "dirty":
            RoleModelView.pre_update(self, item)

    def pre_delete(self, item):
        if is_product_role(item.name):
            raise ValueError(f"{item.name} rolü ürünle gelir; silinemez.")
        if item.user:
            raise ValueError("Bu rolde kullanıcılar var; önce kullanıcıların rolünü değiştirin.")

    def pre_update(self, item):
        if is_product_role(item.name):
            raise ValueError("Ürünle gelen rolün adı değiştirilemez.")

    def _grid(self, role):
        held = {(pv.permission.name, pv.view_menu.name) for pv in role.permissions}
        admin = role.name == R.ADMIN
        sections = []
        for category, rows in grid_rows(self.appbuilder):
            out_rows = []
            for view_name, label, perms in rows:
                cells = []
                for perm, _label in ACTION_COLUMNS:
                    cells.append({"perm": perm, "on": admin or (perm, view_name) in held}
                                 if perm in perms else None)
                others = [{"perm": p, "label": permission_label(p),
                           "on": admin or (p, view_name) in held}
                          for p in perms if p not in dict(ACTION_COLUMNS)]
                out_rows.append({"view": view_name, "label": label, "cells": cells, "others": others})
            sections.append({"label": category, "rows": out_rows})
        return sections

    def _render_grid(self, role, editing):
        allowed, reason = may_edit_role(g.user, role)
        can_edit = self.appbuilder.sm.has_access("can_edit", "RoleModelView")
        return self.render_template(
            "security/role_grid.html", role=role, sections=self._grid(role),
            columns=[(p, str(lbl)) for p, lbl in ACTION_COLUMNS],
            editing=editing and allowed and role.name != R.ADMIN, can_edit=can_edit,
            may_edit=allowed, reason=reason, product_role=is_product_role(role.name),
            title=f"{self.show_title}: {role.name}", appbuilder=self.appbuilder)

    @expose("/show/<pk>", methods=["GET"])
    @has_access
    def show(self, pk):
        role = self.datamodel.get(pk)
        if role is None:
            abort(404)
        return self._render_grid(role, editing=False)

    @expose("/edit/<pk>", methods=["GET", "POST"])
    @has_access
    def edit(self, pk):
        role = self.datamodel.get(pk)
        if role is None:
            abort(404)
        allowed, reason = may_edit_role(g.user, role)
        if request.method == "GET":
            if not allowed:
                flash(reason, "warning")
            elif role.name == R.ADMIN:
                flash("Admin rolü her yetkiye sahiptir; tablosu değiştirilemez.", "info")
            return self._render_grid(role, editing=True)
        if not allowed:
            flash(reason, "danger")
            return redirect(url_for("RoleModelView.show", pk=pk))
        if role.name == R.ADMIN:
            flash("Admin rolü her yetkiye sahiptir; tablosu değiştirilemez.", "danger")
            return redirect(url_for("RoleModelView.show", pk=pk))
        return self._save_grid(role)

    def _save_grid(self, role):
        sm = self.appbuilder.sm
        labels = {}
        managed = set()
        for _category, rows in grid_rows(self.appbuilder):
            for view_name, label, perms in rows:
                for perm in perms:
                    managed.add((perm, view_name))
                    labels[(perm, view_name)] = f"{label} — {permission_label(perm)}"
        ticked = {tuple(v.split("|", 1)) for v in request.form.getlist("perm") if "|" in v}
        ticked &= managed
        current = {(pv.permission.name, pv.view_menu.name): pv for pv in role.permissions}
        keep = {k for k in current if k not in managed and k[0] != "menu_access"}
        wanted = keep | ticked
        wanted |= _menu_pairs(self.appbuilder, wanted)
        added = sorted(ticked - set(current))
        removed = sorted(k for k in set(current) & managed if k not in ticked)
        new_name = (request.form.get("name") or "").strip()
        renamed = None
        if new_name and new_name != role.name:
            if is_product_role(role.name):
                flash("Ürünle gelen rolün adı değiştirilemez.", "danger")
                return redirect(url_for("RoleModelView.edit", pk=role.id))
            if db.session.query(Role).filter(Role.name == new_name, Role.id != role.id).first():
                flash(f"“{new_name}” adlı bir rol zaten var.", "danger")
                return redirect(url_for("RoleModelView.edit", pk=role.id))
            renamed = (role.name, new_name[:64])
        if not added and not removed and not renamed:
            flash("Değişiklik yok; hiçbir şey kaydedilmedi.", "info")
            return redirect(url_for("RoleModelView.show", pk=role.id))
        try:
            pvs = []
            for perm, view_name in sorted(wanted):
                pv = current.get((perm, view_name)) or sm.find_permission_view_menu(perm, view_name)
                if pv is None:
                    pv = sm.add_permission_view_menu(perm, view_name)
                pvs.append(pv)
            role.permissions = pvs
            if renamed:
                role.name = renamed[1]
            # this screen writes its own entry (in grid words); guards.py still checks the rules
            db.session.info["ozk_role_audited"] = {role.id}
            db.session.commit()
        except Exception:  # noqa: BLE001
            db.session.rollback()
            flash("Yetkiler kaydedilemedi; hiçbir değişiklik yapılmadı.", "danger")
            return redirect(url_for("RoleModelView.edit", pk=role.id))
        finally:
            db.session.info.pop("ozk_role_audited", None)
        parts = []
        if added:
            parts.append(f"{len(added)} yetki verdi")
        if removed:
            parts.append(f"{len(removed)} yetkiyi kaldırdı")
        detail = []
        if added:
            detail.append("Eklenen: " + "; ".join(labels[k] for k in added))
        if removed:
            detail.append("Kaldırılan: " + "; ".join(labels[k] for k in removed))
        from app.security.guards import _personal_views

        personal = _personal_views()
        opens = " (kişisel veri içeren kayıtlara erişim açar)" if any(
            view in personal and perm in ("can_list", "can_show") for perm, view in added) else ""
        actor = f"{full_name(g.user)} ({g.user.username})"
        summary = f"{actor} {role.name} rolünün yetkilerini değiştirdi{opens}: " + ", ".join(parts)
        if renamed:
            summary = f"{actor} {renamed[0]} rolünün adını {renamed[1]} yaptı" + (
                ", " + ", ".join(parts) if parts else "")
        summary = (summary + ". " + " ".join(detail))
        if len(summary) > 300:
            summary = summary[:297] + "…"
        audit.record("ab_role", role.id, "role_permissions", summary,
                     {"eklenen": [labels[k] for k in added],
                      "kaldırılan": [labels[k] for k in removed],
                      **({"ad": list(renamed)} if renamed else {})})
        flash(f"{role.name} rolünün yetkileri kaydedildi ({len(added)} eklendi, "
              f"{len(removed)} kaldırıldı).", "success")
        return redirect(url_for("RoleModelView.show", pk=role.id))


# ---------------------------------------------------------------------------
# Security events
# ---------------------------------------------------------------------------

SECURITY_REGISTERS = ("ab_user", "ab_role")
SECURITY_ACTIONS = {
    "login": _l("Logged in"), "login_failed": _l("Failed login"),
    "lockout": _l("Login to a locked account"), "logout": _l("Logged out"),
    "user_create": _l("User created"), "user_update": _l("User changed"),
    "role_grant": _l("Role given"), "role_revoke": _l("Role taken away"),
    "user_activate": _l("User activated"), "user_deactivate": _l("User deactivated"),
    "password_reset": _l("Password reset"), "password_change": _l("Password changed"),
    "role_create": _l("Role created"), "role_update": _l("Role changed"),
    "role_delete": _l("Role deleted"), "role_permissions": _l("Role permissions changed"),
    "unlock": _l("Account unlocked"), "session_revoked": _l("Sessions ended"),
}


def _parse_day(value):
    try:
        return dt.datetime.strptime((value or "").strip(), "%Y-%m-%d").date()
    except ValueError:
        try:
            return dt.datetime.strptime((value or "").strip(), "%d.%m.%Y").date()
        except ValueError:
            return None


class SecurityEventsView(BaseView):
    """"Güvenlik olayları": logins, failed logins, lockouts, user/role/permission
    changes and password resets, in words, filterable by user, action and dates."""

    route_base = "/securityevents"
    default_view = "list"
    base_permissions = ["can_list"]
    page_size = 50

    @expose("/list/")
    @has_access
    def list(self):
        from app.core.audit import AuditEntry

        args = request.args
        user_id = args.get("user", type=int)
        action = args.get("action") or ""
        day_from, day_to = _parse_day(args.get("from")), _parse_day(args.get("to"))
        errors = []
        if args.get("from") and day_from is None:
            errors.append("Başlangıç tarihi anlaşılamadı (gg.aa.yyyy).")
        if args.get("to") and day_to is None:
            errors.append("Bitiş tarihi anlaşılamadı (gg.aa.yyyy).")
        query = select(AuditEntry).where(AuditEntry.register.in_(SECURITY_REGISTERS))
        if user_id:
            # the user who acted or the user acted upon
            query = query.where((AuditEntry.user_id == user_id)
                                | ((AuditEntry.register == "ab_user") & (AuditEntry.record_id == user_id)))
        if action in SECURITY_ACTIONS:
            query = query.where(AuditEntry.action == action)
        if day_from:
            query = query.where(AuditEntry.at >= dt.datetime.combine(day_from, dt.time.min))
        if day_to:
            query = query.where(AuditEntry.at < dt.datetime.combine(day_to + dt.timedelta(days=1), dt.time.min))
        total = db.session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
        page = max(args.get("page", 0, type=int), 0)
        entries = db.session.execute(
            query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
            .offset(page * self.page_size).limit(self.page_size)).scalars().all()
        ids = {e.user_id for e in entries if e.user_id} | {
            e.record_id for e in entries if e.register == "ab_user" and e.record_id}
        users = {u.id: u for u in db.session.query(User).filter(User.id.in_(ids))} if ids else {}
        role_ids = {e.record_id for e in entries if e.register == "ab_role" and e.record_id}
        roles = {r.id: r for r in db.session.query(Role).filter(Role.id.in_(role_ids))} if role_ids else {}
        rows = [self._row(e, users, roles) for e in entries]
        all_users = sorted(db.session.query(User).all(), key=lambda u: turkish.fold(full_name(u)))
        return self.render_template(
            "security/events.html", title=str(_l("Security events")), rows=rows, total=total,
            page=page, pages=max((total + self.page_size - 1) // self.page_size, 1),
            users=[(u.id, f"{full_name(u)} ({u.username})") for u in all_users],
            actions=[(k, str(v)) for k, v in SECURITY_ACTIONS.items()],
            selected={"user": user_id, "action": action,
                      "from": day_from.isoformat() if day_from else "",
                      "to": day_to.isoformat() if day_to else ""},
            errors=errors)

    @staticmethod
    def _row(entry, users, roles):
        actor = users.get(entry.user_id)
        target = users.get(entry.record_id) if entry.register == "ab_user" else None
        if actor is None and entry.action in LOGIN_SENTENCES:
            actor = target    # a login is recorded before anybody is logged in
        actor_text = f"{full_name(actor)} ({actor.username})" if actor else (entry.username or "—")
        label = str(SECURITY_ACTIONS.get(entry.action) or audit.ACTION_LABELS.get(entry.action, entry.action))
        if entry.action in LOGIN_SENTENCES and target is not None:
            sentence = LOGIN_SENTENCES[entry.action].format(f"{full_name(target)} ({target.username})")
        elif entry.summary:
            sentence = entry.summary
        else:
            about = ""
            if target is not None:
                about = full_name(target)
            elif entry.register == "ab_role" and entry.record_id in roles:
                about = f"{roles[entry.record_id].name} rolü"
            sentence = f"{actor_text}: {label}" + (f" — {about}" if about else "")
        return {"at": turkish.format_date(entry.at), "actor": actor_text, "action": label,
                "sentence": sentence, "ip": entry.ip or ""}


LOGIN_SENTENCES = {
    "login": "{} giriş yaptı",
    "logout": "{} çıkış yaptı",
    "login_failed": "{} hesabına yanlış parolayla giriş denendi",
    "lockout": "{} hesabı kilitliyken giriş denendi",
}


# FAB's own menu labels for its security views, said the way the office says
# them (the app catalog overrides FAB's; listed here so extraction keeps them).
FAB_MENU_LABELS = (_l("List Users"), _l("List Roles"), _l("List Groups"), _l("Base Permissions"),
                   _l("Views/Menus"), _l("Permission on Views/Menus"), _l("Reset Password Form"))
