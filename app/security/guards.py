"""Who may change users and roles, and the audit trail of every such change.

Enforced on the ORM session (``before_flush``), so every path is covered —
FAB's user and role screens (whatever view class shows them), the reset
password form, a crafted POST, the API:

* nobody changes their own roles (or groups), deactivates or deletes themselves;
* only Admin grants or removes the Admin role, and only Admin changes,
  resets the password of or deletes a user holding Admin;
* only Admin edits or deletes the Admin role, and nobody but Admin changes
  the permissions of a role they hold themselves.

Bilgi İşlem may reset the password of any non-Admin user (the Müdür's
included: that is the IT unit's job); every reset is audited in words, shown
to the Müdür and the Denetçi in the audit log, ends the user's sessions and
forces a new password at the next login.

Audited (``after_flush``, in the same transaction) with ``register="ab_user"``
(record = the user) or ``register="ab_role"`` (record = the role): user_create,
user_update, user_delete, role_grant, role_revoke, user_activate,
user_deactivate, password_reset, password_change, session_revoked, unlock,
role_create, role_update, role_permissions, role_delete. The summary is a
Turkish sentence with names; ``changes`` has before/after.
"""
from __future__ import annotations

import datetime as dt

from flask import current_app, flash, g, has_request_context, redirect, request, url_for
from flask_appbuilder.security.sqla.models import Role, User
from sqlalchemy import event, inspect, update
from sqlalchemy.orm import Session

from app.core import audit
from app.security import words as W
from app.security.models import UserAccount

USER_FIELDS = {"first_name": "ad", "last_name": "soyad", "username": "kullanıcı adı", "email": "e-posta"}


class SecurityRuleError(Exception):
    """A change to users or roles the acting user may not make (Turkish message)."""


def _actor():
    if not has_request_context():
        return None
    user = getattr(g, "user", None)
    if user is not None and getattr(user, "is_authenticated", False):
        return user
    return None


def _admin_name():
    return current_app.config.get("AUTH_ROLE_ADMIN", "Admin")


def _effective_roles(roles, groups):
    result = {r.id if r.id is not None else id(r): r for r in roles}
    for grp in groups:
        for r in grp.roles:
            result[r.id if r.id is not None else id(r)] = r
    return list(result.values())


def _hist(state, key):
    return state.attrs[key].history


def _before_after_roles(obj):
    state = inspect(obj)
    rh, gh = _hist(state, "roles"), _hist(state, "groups")
    after = _effective_roles(list(obj.roles), list(obj.groups))
    if state.pending or state.transient:
        return [], after
    before_roles = list(rh.unchanged or ()) + list(rh.deleted or ())
    before_groups = list(gh.unchanged or ()) + list(gh.deleted or ())
    if not rh.has_changes():
        before_roles = list(obj.roles)
    if not gh.has_changes():
        before_groups = list(obj.groups)
    return _effective_roles(before_roles, before_groups), after


def _field_changes(obj):
    state = inspect(obj)
    changes = {}
    for key in list(USER_FIELDS) + ["active", "password"]:
        hist = _hist(state, key)
        if hist.has_changes():
            before = hist.deleted[0] if hist.deleted else None
            after = hist.added[0] if hist.added else None
            if before != after:
                changes[key] = (before, after)
    return changes


def _names(roles):
    return {r.name for r in roles}


def _user_changes(session):
    """[(kind, user, before_roles, after_roles, field_changes)] for the flush."""
    out = []
    for obj in list(session.new):
        if isinstance(obj, User):
            before, after = _before_after_roles(obj)
            out.append(("new", obj, before, after, {}))
    for obj in list(session.dirty):
        if isinstance(obj, User) and obj not in session.deleted:
            fields = _field_changes(obj)
            state = inspect(obj)
            if not fields and not _hist(state, "roles").has_changes() \
                    and not _hist(state, "groups").has_changes():
                continue  # e.g. the login counters
            before, after = _before_after_roles(obj)
            if fields or _names(before) != _names(after):
                out.append(("dirty", obj, before, after, fields))
    for obj in list(session.deleted):
        if isinstance(obj, User):
            before, _after = _before_after_roles(obj)
            out.append(("deleted", obj, before, [], {}))
    return out


def _role_changes(session):
    out = []
    for kind, objs in (("new", session.new), ("dirty", session.dirty), ("deleted", session.deleted)):
        for obj in list(objs):
            if not isinstance(obj, Role) or (kind == "dirty" and obj in session.deleted):
                continue
            state = inspect(obj)
            ph, nh = _hist(state, "permissions"), _hist(state, "name")
            added = list(ph.added or ()) if kind != "deleted" else []
            removed = list(ph.deleted or ()) if kind != "deleted" else []
            old_name = nh.deleted[0] if nh.deleted else obj.name
            if kind == "dirty" and not added and not removed and old_name == obj.name:
                continue
            out.append((kind, obj, old_name, added, removed))
    return out


# --- the rules ------------------------------------------------------------------
def _check(actor, user_changes, role_changes):
    from app.extensions import appbuilder

    admin = _admin_name()
    actor_roles = appbuilder.sm.get_user_roles(actor)
    actor_admin = admin in _names(actor_roles)
    actor_role_ids = {r.id for r in actor_roles}
    for kind, user, before, after, fields in user_changes:
        own = user.id is not None and user.id == actor.id
        roles_changed = _names(before) != _names(after)
        if own and roles_changed:
            raise SecurityRuleError("Kendi rollerinizi değiştiremezsiniz; başka bir yetkili yapmalıdır.")
        if own and kind == "deleted":
            raise SecurityRuleError("Kendi hesabınızı silemezsiniz.")
        if own and "active" in fields and not user.active:
            raise SecurityRuleError("Kendi hesabınızı pasifleştiremezsiniz.")
        if actor_admin:
            continue
        if (admin in _names(before)) != (admin in _names(after)):
            raise SecurityRuleError("Admin rolünü yalnızca Admin verebilir veya geri alabilir.")
        if admin in _names(before) and not own:
            if "password" in fields:
                raise SecurityRuleError("Admin kullanıcılarının parolasını yalnızca Admin sıfırlayabilir.")
            raise SecurityRuleError("Admin kullanıcılarını yalnızca Admin değiştirebilir veya silebilir.")
    for kind, role, old_name, added, removed in role_changes:
        if actor_admin:
            continue
        if old_name == admin or role.name == admin:
            raise SecurityRuleError("Admin rolünü yalnızca Admin değiştirebilir.")
        if kind != "new" and role.id in actor_role_ids:
            raise SecurityRuleError("Sahip olduğunuz bir rolün yetkilerini veya adını değiştiremezsiniz; "
                                    "başka bir yetkili yapmalıdır.")


@event.listens_for(Session, "before_flush")
def _enforce(session, flush_context, instances):
    """The rules on every flush: no path around them."""
    actor = _actor()
    if actor is None:
        return  # the system (CLI, setup) or the login itself
    _check(actor, _user_changes(session), _role_changes(session))


def check_item(item, kind):
    """The same rules for one item before FAB saves it (the screens' pre_add /
    pre_update / pre_delete hooks), so the refusal is a Turkish message on the
    form; on refusal the session is rolled back."""
    from app.extensions import db

    actor = _actor()
    if actor is None:
        return
    users, roles = [], []
    if isinstance(item, User):
        if kind == "new":
            users.append(("new", item, [], _effective_roles(list(item.roles), list(item.groups))))
        elif kind == "deleted":
            users.append(("deleted", item, _before_after_roles(item)[0], []))
        else:
            before, after = _before_after_roles(item)
            users.append(("dirty", item, before, after))
        users = [u + (_field_changes(item) if kind == "dirty" else {},) for u in users]
    elif isinstance(item, Role):
        state = inspect(item)
        ph, nh = _hist(state, "permissions"), _hist(state, "name")
        old_name = nh.deleted[0] if nh.deleted else item.name
        roles.append((kind, item, old_name, list(ph.added or ()), list(ph.deleted or ())))
    try:
        _check(actor, users, roles)
    except SecurityRuleError:
        db.session.rollback()
        raise


def _screen_rules(view, item, kind):
    """A screen's own rules (``screen_rules(item, kind)`` on the view class, e.g.
    "product roles can't be deleted"), raising ValueError with a Turkish message."""
    rules = getattr(view, "screen_rules", None)
    if rules is not None:
        rules(item, kind)


class GuardedViewMixin:
    """pre_add / pre_update / pre_delete hooks for FAB's user and role screens."""

    # a screen's own rules (e.g. "product roles can't be deleted") speak first
    def pre_add(self, item):
        _screen_rules(self, item, "new")
        check_item(item, "new")
        super().pre_add(item)

    def pre_update(self, item):
        _screen_rules(self, item, "dirty")
        check_item(item, "dirty")
        super().pre_update(item)

    def pre_delete(self, item):
        _screen_rules(self, item, "deleted")
        check_item(item, "deleted")
        super().pre_delete(item)



def check_password_reset(user):
    """Before FAB's reset_password (whose update_user swallows errors)."""
    actor = _actor()
    if actor is None or user is None:
        return
    roles = _effective_roles(list(user.roles), list(user.groups))
    _check(actor, [("dirty", user, roles, roles, {"password": (None, "x")})], [])


# --- the audit trail --------------------------------------------------------------
def _personal_views():
    from app.core.register import REGISTRY

    return {e.name for e in REGISTRY if e.personal_data}


def _opens_personal(role):
    views = _personal_views()
    return any(pv.view_menu is not None and pv.view_menu.name in views
               and pv.permission is not None and pv.permission.name in ("can_list", "can_show")
               for pv in role.permissions)


def _set_must_change(conn, user_id, value):
    table = UserAccount.__table__
    now = dt.datetime.now()
    values = {"must_change_password": value, "password_changed_at": now}
    if not conn.execute(update(table).where(table.c.user_id == user_id).values(**values)).rowcount:
        conn.execute(table.insert(), [{"user_id": user_id, **values}])


def _entries_for_user(conn, kind, user, before, after, fields, actor, actor_roles):
    from app.security import limits, sessions

    who = W.actor_words(actor, actor_roles)
    target = W.person(user)
    rows = []

    def add(action, summary, changes=None):
        rows.append(audit._row(audit.new_entry("ab_user", user.id, action, summary, changes)))

    if kind == "new":
        forced = ""
        if actor is not None:  # the password was chosen by somebody else: changed at the first login
            _set_must_change(conn, user.id, True)
            forced = "; ilk girişte parolasını değiştirecek"
        add("user_create", f"{who} {target} ({user.username}) kullanıcısını oluşturdu; "
                           f"roller: {W.role_names(after)}{forced}",
            {"username": [None, user.username], "ad soyad": [None, target], "e-posta": [None, user.email],
             "roller": [None, sorted(_names(after))], "etkin": [None, bool(user.active)]})
        for role in after:
            if _opens_personal(role):
                add("role_grant", f"{who} {W.dative(target)} {role.name} rolünü verdi "
                                  "(kişisel veri içeren kayıtları açar)",
                    {"roller": [[], sorted(_names(after))]})
        return rows
    if kind == "deleted":
        add("user_delete", f"{who} {target} ({user.username}) kullanıcısını sildi",
            {"username": [user.username, None], "roller": [sorted(_names(before)), None]})
        return rows
    end_reason = None
    added_roles = [r for r in after if r.name not in _names(before)]
    removed_roles = [r for r in before if r.name not in _names(after)]
    role_change = {"roller": [sorted(_names(before)), sorted(_names(after))]}
    for role in added_roles:
        note = " (kişisel veri içeren kayıtları açar)" if _opens_personal(role) else ""
        add("role_grant", f"{who} {W.dative(target)} {role.name} rolünü verdi{note}", role_change)
    for role in removed_roles:
        add("role_revoke", f"{who} {W.ablative(target)} {role.name} rolünü geri aldı", role_change)
    if added_roles or removed_roles:
        end_reason = "role_change"
    plain = {k: v for k, v in fields.items() if k in USER_FIELDS}
    if plain:
        add("user_update", f"{who} {W.genitive(target)} bilgilerini değiştirdi: "
                           + ", ".join(USER_FIELDS[k] for k in plain),
            {USER_FIELDS[k]: [v[0], v[1]] for k, v in plain.items()})
    if "active" in fields:
        if user.active:
            add("user_activate", f"{who} {target} kullanıcısını etkinleştirdi", {"etkin": [False, True]})
        else:
            add("user_deactivate", f"{who} {target} kullanıcısını pasifleştirdi", {"etkin": [True, False]})
            end_reason = "deactivated"
    keep, renew = None, False
    if "password" in fields:
        own = actor is not None and actor.id == user.id
        if own:
            add("password_change", f"{target} kendi parolasını değiştirdi")
            _set_must_change(conn, user.id, False)
            end_reason = end_reason or "password_change"
            renew = True
        else:
            add("password_reset", f"{who} {W.genitive(target)} parolasını sıfırladı; "
                                  "ilk girişte yeni parola belirlemesi istenecek",
                {"parola": ["(eski)", "(sıfırlandı)"]})
            _set_must_change(conn, user.id, True)
            end_reason = "password_reset"
            if limits.clear_account(user.username, connection=conn):
                add("unlock", f"{who} {W.genitive(target)} hesap kilidini açtı (parola sıfırlama)")
    if end_reason:
        ended = sessions.revoke_user(user.id, end_reason, keep_sid=keep, connection=conn)
        if ended:
            reasons = {"role_change": "rol değişikliği", "deactivated": "hesap pasifleştirildi",
                       "password_reset": "parola sıfırlandı", "password_change": "parola değişti"}
            add("session_revoked", f"{W.genitive(target)} {ended} açık oturumu kapatıldı "
                                   f"({reasons.get(end_reason, end_reason)})",
                {"oturum": [ended, 0], "sebep": [None, reasons.get(end_reason, end_reason)]})
    if renew and has_request_context():
        from app.security import limits as _limits

        sessions.start(user, _limits.client_ip(), connection=conn)
    return rows


def _entries_for_role(kind, role, old_name, added, removed, actor, actor_roles):
    who = W.actor_words(actor, actor_roles)
    rows = []

    def add(action, summary, changes=None):
        rows.append(audit._row(audit.new_entry("ab_role", role.id, action, summary, changes)))

    if kind == "new":
        add("role_create", f"{who} {role.name} rolünü oluşturdu", {"ad": [None, role.name]})
    elif kind == "deleted":
        add("role_delete", f"{who} {old_name} rolünü sildi",
            {"ad": [old_name, None], "yetkiler": [sorted(W.permission_words(p) for p in role.permissions), None]})
        return rows
    elif old_name != role.name:
        add("role_update", f"{who} {old_name} rolünün adını {role.name} olarak değiştirdi",
            {"ad": [old_name, role.name]})
    if added or removed:
        personal = _personal_views()
        plus = sorted(W.permission_words(p) for p in added)
        minus = sorted(W.permission_words(p) for p in removed)
        opens = [W.permission_words(p) for p in added
                 if p.view_menu is not None and p.view_menu.name in personal]
        parts = []
        if plus:
            parts.append(f"eklenen: {', '.join(plus)}")
        if minus:
            parts.append(f"kaldırılan: {', '.join(minus)}")
        note = " (kişisel veri içeren kayıtlara erişim açar)" if opens else ""
        add("role_permissions", f"{who} {role.name} rolünün yetkilerini değiştirdi{note}; " + "; ".join(parts),
            {"eklenen yetkiler": [None, plus], "kaldırılan yetkiler": [minus, None]})
    return rows


@event.listens_for(Session, "after_flush")
def _audit(session, flush_context):
    users = _user_changes(session)
    roles = _role_changes(session)
    if not users and not roles:
        return
    actor = _actor()
    from app.extensions import appbuilder

    actor_roles = appbuilder.sm.get_user_roles(actor) if actor is not None else None
    conn = session.connection()
    rows = []
    for kind, user, before, after, fields in users:
        rows += _entries_for_user(conn, kind, user, before, after, fields, actor, actor_roles)
    screen_audited = session.info.get("ozk_role_audited") or ()
    for kind, role, old_name, added, removed in roles:
        if kind == "dirty" and role.id in screen_audited:
            continue  # the role grid wrote its own entry, in its own words
        rows += _entries_for_role(kind, role, old_name, added, removed, actor, actor_roles)
    if rows:
        conn.execute(audit.AuditEntry.__table__.insert(), rows)


MUST_CHANGE_ALLOWED = {"ResetMyPasswordView.this_form_get", "ResetMyPasswordView.this_form_post",
                       "OzkAuthDBView.logout", "OzkAuthDBView.login", "static", "appbuilder.static",
                       "LocaleView.index"}


def init_app(app):
    from flask_login import user_logged_in, user_logged_out
    from werkzeug.local import LocalProxy

    from app.extensions import db
    from app.security import limits, sessions

    @user_logged_in.connect_via(app)
    def _started(sender, user, **extra):
        g.user = user          # g.user holds the user itself, not FAB's proxy (see below)
        sessions.start(user, limits.client_ip())

    @user_logged_out.connect_via(app)
    def _ended(sender, user, **extra):
        from flask_login import current_user

        g.user = current_user._get_current_object()

    @app.before_request
    def _login_limits():
        return limits.check_login_request()

    @app.before_request
    def _must_change_password():
        user = getattr(g, "user", None)
        if isinstance(user, LocalProxy):
            # FAB sets g.user to flask-login's current_user proxy: every g.user.x in a
            # request (~70 on a list page) resolved it again. The object itself, once.
            user = g.user = user._get_current_object()
        authenticated = user is not None and getattr(user, "is_authenticated", False)
        ended = g.pop("_ozk_session_ended", None)
        if ended and not authenticated:
            from flask import session as cookie

            cookie.pop("_user_id", None)
            cookie.pop(sessions.SID_KEY, None)
            flash("Oturumunuz sona erdi; lütfen yeniden giriş yapın." if ended != "idle" else
                  "Uzun süre işlem yapılmadığı için oturumunuz kapandı; lütfen yeniden giriş yapın.", "warning")
        if not authenticated or not getattr(user, "_ozk_must_change", False):
            return None
        if request.endpoint in MUST_CHANGE_ALLOWED or request.endpoint is None:
            return None
        flash("Parolanız Bilgi İşlem tarafından sıfırlandı; devam etmeden önce yeni bir parola belirleyin.",
              "warning")
        return redirect(url_for("ResetMyPasswordView.this_form_get"))

    @app.errorhandler(SecurityRuleError)
    def refused(exc):
        db.session.rollback()
        flash(str(exc), "danger")
        back = request.referrer
        if not back or not back.startswith(request.host_url):
            back = url_for("UserDBModelView.list") if "UserDBModelView.list" in app.view_functions else "/"
        return redirect(back)


def unlock(user):
    """Clear a locked account's failed logins (for a screen's "unlock" button);
    audited as ``unlock``. Returns how many failures stopped counting."""
    from app.extensions import appbuilder
    from app.security import limits

    cleared = limits.clear_account(user.username)
    actor = _actor()
    who = W.actor_words(actor, appbuilder.sm.get_user_roles(actor) if actor is not None else None)
    audit.record("ab_user", user.id, "unlock", f"{who} {W.genitive(W.person(user))} hesap kilidini açtı",
                 {"başarısız giriş": [cleared, 0]})
    return cleared
