"""Audit trail: who did what to which record, when, from where.

Creates, updates (each field before/after), state changes, archive and
restore are captured automatically from the ORM session for every register
model; prints, exports, downloads and reads of personal data are recorded
explicitly with :func:`record`. Entries are append-only: the ORM refuses to
update or delete them, and on PostgreSQL a trigger refuses it too.
"""
from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

from flask import g, has_request_context, request
from flask_appbuilder import Model
from sqlalchemy import Column, DateTime, Integer, String, Text, event, inspect
from sqlalchemy.orm import Session

from app.extensions import db


from flask_babel import lazy_gettext as _l

ACTION_LABELS = {
    "create": _l("Record created"), "update": _l("Record changed"), "state": _l("Record state changed"),
    "archive": _l("Record archived"), "restore": _l("Record restored"),
    "purge": _l("Record deleted permanently"), "print": _l("Record printed"),
    "export": _l("List exported"), "download": _l("File downloaded"), "attach": _l("File attached"),
    "assign": _l("Work assigned"), "assign_done": _l("Assigned work done"),
    "read": _l("Record viewed"), "login": _l("Logged in"), "login_failed": _l("Failed login"),
    "lockout": _l("Login to a locked account"), "anonymize": _l("Personal data anonymised"),
    # users, roles, sessions (app/security/guards.py)
    "user_create": _l("User created"), "user_update": _l("User changed"), "user_delete": _l("User deleted"),
    "role_grant": _l("Role granted"), "role_revoke": _l("Role removed"),
    "user_activate": _l("User activated"), "user_deactivate": _l("User deactivated"),
    "password_reset": _l("Password reset"), "password_change": _l("Password changed"),
    "role_create": _l("Role created"), "role_update": _l("Role renamed"), "role_delete": _l("Role deleted"),
    "role_permissions": _l("Role permissions changed"), "unlock": _l("Account unlocked"),
    "logout": _l("Logged out"), "session_revoked": _l("Sessions ended"),
}


class AuditEntry(Model):
    __tablename__ = "audit_entry"
    id = Column(Integer, primary_key=True)
    at = Column(DateTime, nullable=False, default=dt.datetime.now, index=True)
    user_id = Column(Integer, index=True)
    username = Column(String(100))
    ip = Column(String(64))
    register = Column(String(64), index=True)
    record_id = Column(Integer, index=True)
    action = Column(String(32), nullable=False, index=True)
    summary = Column(String(300))
    changes = Column(Text)

    def action_label(self):
        return str(ACTION_LABELS.get(self.action, self.action))

    def changes_dict(self):
        try:
            return json.loads(self.changes or "{}")
        except ValueError:
            return {}

    def __repr__(self):
        return f"{self.register}#{self.record_id} {self.action}"


class AuditImmutableError(RuntimeError):
    pass


@event.listens_for(AuditEntry, "before_update")
def _refuse_update(mapper, connection, target):
    raise AuditImmutableError("Denetim kayıtları değiştirilemez.")


@event.listens_for(AuditEntry, "before_delete")
def _refuse_delete(mapper, connection, target):
    raise AuditImmutableError("Denetim kayıtları silinemez.")


PG_IMMUTABLE_TRIGGER = """
CREATE OR REPLACE FUNCTION audit_entry_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN RAISE EXCEPTION 'audit entries are append-only'; END $$;
DROP TRIGGER IF EXISTS audit_entry_no_change ON audit_entry;
CREATE TRIGGER audit_entry_no_change BEFORE UPDATE OR DELETE ON audit_entry
FOR EACH ROW EXECUTE FUNCTION audit_entry_immutable();
"""


def _who():
    user_id = username = ip = None
    if has_request_context():
        user = getattr(g, "user", None)
        if user is not None and getattr(user, "is_authenticated", False):
            user_id, username = user.id, user.username
        # the socket address, or the client address ProxyFix took from the
        # trusted hops (PROXY_COUNT); a client-sent X-Forwarded-For is never believed
        ip = (request.remote_addr or "")[:64] or None
    else:
        username = getattr(g, "cli_user", None) if _has_g() else None
        username = username or "sistem"
    return user_id, username, ip


def _has_g():
    from flask import has_app_context

    return has_app_context()


def _jsonable(value):
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "value"):  # Enum
        return value.value
    if isinstance(value, Model):
        return str(value)
    return str(value)


def entry_values(register, record_id, action, summary=None, changes=None) -> dict:
    """An entry's column values (who, when, from where: this request's)."""
    user_id, username, ip = _who()
    return {
        "at": dt.datetime.now(), "user_id": user_id, "username": username, "ip": ip,
        "register": register, "record_id": record_id, "action": action,
        "summary": (summary or "")[:300] or None,
        "changes": json.dumps(changes, ensure_ascii=False, default=str) if changes else None,
    }


def new_entry(register, record_id, action, summary=None, changes=None):
    return AuditEntry(**entry_values(register, record_id, action, summary, changes))


def _row(entry):
    return {c.key: getattr(entry, c.key) for c in AuditEntry.__table__.columns if c.key != "id"}


# entries whose commit need not wait for the disk on PostgreSQL (see :func:`record`)
ASYNC_COMMIT_ACTIONS = frozenset({"read"})


def record(register, record_id, action, summary=None, changes=None, commit=True):
    """Record an explicit event (print, export, download, read, login…).

    With ``commit`` (the default) the entry is written in a short transaction
    of its own: it stays recorded whatever the request does next, and the
    caller's session is not committed (so nothing it loaded is reloaded).
    ``commit=False`` adds it to the caller's transaction instead."""
    if not commit:
        db.session.add(new_entry(register, record_id, action, summary, changes))
        return
    values = entry_values(register, record_id, action, summary, changes)
    with db.engine.begin() as conn:
        if action in ASYNC_COMMIT_ACTIONS and conn.dialect.name == "postgresql":
            # a page view's KVKK read entry: PostgreSQL may confirm this commit before
            # its WAL reaches the disk (a crash can lose the last fraction of a second of
            # read entries, never corrupt anything); every change keeps a synchronous commit
            conn.exec_driver_sql("SET LOCAL synchronous_commit TO OFF")
        conn.execute(AuditEntry.__table__.insert(), [values])


def entries_of(register, record_id):
    """A query for the audit entries of the record ``register``/``record_id``
    written after that id's last purge, if any. SQLite gives the id of a purged
    newest record to the next one (it takes the table's largest id + 1); the new
    record's history must not start with the deleted record's entries. A purge
    ends a history; what follows it is the new record's."""
    from sqlalchemy import func, select

    last_purge = (select(func.coalesce(func.max(AuditEntry.id), 0))
                  .where(AuditEntry.register == register, AuditEntry.record_id == record_id,
                         AuditEntry.action == "purge").scalar_subquery())
    return (db.session.query(AuditEntry)
            .filter(AuditEntry.register == register, AuditEntry.record_id == record_id,
                    AuditEntry.id > last_purge))


# --- automatic capture -------------------------------------------------------
SKIP_FIELDS = {"version", "search_key", "search_ascii", "updated_at", "updated_by_id", "created_at", "created_by_id"}


def _skipped(attr) -> bool:
    # derived keys are not audited: ``search_key`` & co., and the stored Turkish
    # sort keys (``name_sort``: a copy of the name, personal data)
    if attr.key in SKIP_FIELDS:
        return True
    columns = getattr(attr, "columns", None) or ()
    return bool(columns and (getattr(columns[0], "info", None) or {}).get("ozk_sort_of"))


from app.core.personal import PERSONAL_MARK  # noqa: E402  (one mark everywhere)


def _value(obj, key, value):
    """KVKK data minimisation: the audit trail says *that* a personal field
    changed, never its value, so anonymising a record leaves nothing behind
    in the append-only log."""
    names = obj.personal_field_names() if hasattr(obj, "personal_field_names") \
        else getattr(type(obj), "personal_fields", ())
    if value is not None and value != "" and key in names:
        return PERSONAL_MARK
    return _jsonable(value)


# a column holding several fields (``extra``: the fields added from the screen) →
# fn(obj, before, after) giving one change per field; set by app/core/customfields.py
EXPANDED: dict = {}


def _column_values(obj):
    mapper = inspect(obj).mapper
    values = {
        attr.key: _value(obj, attr.key, getattr(obj, attr.key))
        for attr in mapper.column_attrs
        if not _skipped(attr) and attr.key not in EXPANDED
    }
    expand = EXPANDED.get("extra")
    if expand is not None and "extra" in mapper.column_attrs and getattr(obj, "extra", None):
        values.update({k: pair[1] for k, pair in expand(obj, {}, obj.extra).items()})
    return values


def _changed_values(obj):
    state = inspect(obj)
    changes = {}
    for attr in state.mapper.column_attrs:
        if _skipped(attr):
            continue
        hist = state.attrs[attr.key].history
        if attr.key in EXPANDED and hist.has_changes():   # fields added from the screen: one line each
            changes.update(EXPANDED[attr.key](obj, hist.deleted[0] if hist.deleted else None,
                                              hist.added[0] if hist.added else None))
            continue
        if hist.has_changes():
            before = hist.deleted[0] if hist.deleted else None
            after = hist.added[0] if hist.added else None
            if not same_value(before, after):
                changes[attr.key] = [_value(obj, attr.key, before), _value(obj, attr.key, after)]
    return changes


def _normal(value):
    if isinstance(value, str):
        value = value.replace("\r\n", "\n").strip()
        return value or None
    if isinstance(value, dt.datetime):
        return value.replace(second=0, microsecond=0)
    if isinstance(value, (Decimal, float)) and not isinstance(value, bool):
        return Decimal(str(value)).normalize()
    return value


def same_value(before, after) -> bool:
    """An edit that re-sends the same content is no change: '' and None,
    trailing blanks, 1850 and 1850.00, seconds a minute-precise form drops."""
    return _normal(before) == _normal(after)


def _classify(changes):
    if "archived" in changes:
        return "restore" if not changes["archived"][1] else "archive"
    if "state" in changes:
        return "state"
    return "update"


def _reference(obj):
    ref = getattr(obj, "audit_reference", None)
    return str(ref() if callable(ref) else obj)


def is_audited(obj):
    return getattr(type(obj), "__audited__", False)


@event.listens_for(Session, "after_flush")
def _capture(session, flush_context):
    entries = []
    for obj in session.new:
        if is_audited(obj):
            entries.append(("create", obj, _column_values(obj)))
    for obj in session.dirty:
        if is_audited(obj) and session.is_modified(obj, include_collections=False):
            changes = _changed_values(obj)
            if changes:
                entries.append((_classify(changes), obj, changes))
    for obj in session.deleted:
        if is_audited(obj):
            entries.append(("purge", obj, _column_values(obj)))
    if not entries:
        return
    rows = [_row(new_entry(obj.__tablename__, obj.id, action, _reference(obj)[:300], changes))
            for action, obj, changes in entries]
    session.connection().execute(AuditEntry.__table__.insert(), rows)
