"""The audit trail in words: the global audit log (filter by user, register,
action and date range; CSV/XLSX export of what is filtered) and the
per-record history.

Entries store raw values (ids, ISO dates, choice keys); they are put into
words when shown: form labels instead of column keys, state and choice labels,
``26.11.2026 02:05``, ``1.850,00 ₺``, users by full name, linked records by
name and number, Evet/Hayır. Linked people are named only to roles that may
see personal data (:mod:`app.core.personal`); Bilgi İşlem sees record
references (register, number, action, who, when) and security events, never
record contents.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from flask import abort, current_app, g, request, url_for
from flask_appbuilder import BaseView
from flask_appbuilder.baseviews import expose
from flask_appbuilder.security.decorators import has_access, permission_name
from flask_babel import lazy_gettext as _l

from app.core import turkish
from app.core.audit import ACTION_LABELS, AuditEntry
from app.core.personal import PERSONAL_MARK, may_see_personal, safe_label
from app.extensions import db

EMPTY = "—"

# Labels of the columns every register (or every approvable register) has.
CORE_LABELS = {
    "number": "Numara", "state": "Durum", "archived": "Arşivde", "archived_at": "Arşivlenme tarihi",
    "submitted_at": "Onaya gönderilme tarihi", "submitted_by_id": "Onaya gönderen",
    "decided_at": "Karar tarihi", "decided_by_id": "Karar veren", "decided_as": "Karar verenin sıfatı",
    "decision_note": "Karar notu", "notes": "Notlar", "created_at": "Oluşturulma",
    "updated_at": "Son değişiklik", "created_by_id": "Oluşturan", "updated_by_id": "Değiştiren",
}

# Audit "registers" that are not record registers.
OTHER_REGISTERS = {
    "ab_user": "Kullanıcılar", "ab_role": "Roller", "ab_permission_view": "Yetkiler",
    "security": "Güvenlik", "backup": "Yedekleme", "settings": "Kurum ayarları",
    "setting": "Kurum ayarları", "attachment": "Ekler", "audit_entry": "Denetim kaydı",
    "custom_field": "Özel alanlar",
}


# ---------------------------------------------------------------------------
# registers, views, labels
# ---------------------------------------------------------------------------

def register_entries() -> dict:
    """tablename -> RegisterEntry (the first view registered for the model)."""
    from app.core.registry import REGISTRY

    out = {}
    for entry in REGISTRY:
        out.setdefault(entry.model.__tablename__, entry)
    return out


def register_title(tablename) -> str:
    if not tablename:
        return ""
    entry = register_entries().get(tablename)
    if entry is not None:
        return str(entry.label)
    return OTHER_REGISTERS.get(tablename, tablename.replace("_", " ").capitalize())


def view_instance(entry):
    appbuilder = current_app.appbuilder
    for view in appbuilder.baseviews:
        if type(view) is entry.view:
            return view
    return None


def _prettified(key):
    return key.replace("_", " ").title()


def _relationship_for(model, key):
    """The relationship name that uses the foreign key column ``key``."""
    from sqlalchemy import inspect as sa_inspect

    try:
        mapper = sa_inspect(model)
    except Exception:  # noqa: BLE001
        return None
    for rel in mapper.relationships:
        if any(col.key == key for col in rel.local_columns):
            return rel.key
    return None


def field_label(view, model, key) -> str:
    if key.startswith("cf_") and model is not None:   # a field added from the screen
        from app.core.customfields import definitions

        found = next((d for d in definitions(model.__tablename__) if d.name == key), None)
        if found is not None:
            return found.label
    if key in CORE_LABELS and key.endswith("_id"):
        return CORE_LABELS[key]
    name = _relationship_for(model, key) if key.endswith("_id") else None
    name = name or key
    labels = getattr(view, "label_columns", None) or {}
    label = labels.get(name)
    if label is not None and str(label) != _prettified(name):
        return str(label)
    if name in CORE_LABELS:
        return CORE_LABELS[name]
    if key in CORE_LABELS:
        return CORE_LABELS[key]
    return str(label) if label is not None else _prettified(name)


# ---------------------------------------------------------------------------
# values
# ---------------------------------------------------------------------------

class _Users:
    def __init__(self):
        self.cache = {}

    def name(self, user_id, fallback=None):
        from flask_appbuilder.security.sqla.models import User

        if user_id in (None, ""):
            return fallback or ""
        if user_id not in self.cache:
            try:
                user = db.session.get(User, int(user_id))
            except (TypeError, ValueError):
                user = None
            self.cache[user_id] = user.get_full_name().strip() or user.username if user else None
        return self.cache[user_id] or fallback or f"#{user_id}"


def _model_for_table(tablename):
    from flask_appbuilder import Model

    for mapper in Model.registry.mappers:
        cls = mapper.class_
        if getattr(cls, "__tablename__", None) == tablename:
            return cls
    return None


def _parse_datetime(raw):
    if isinstance(raw, (dt.date, dt.datetime)):
        return raw
    try:
        return dt.datetime.fromisoformat(str(raw))
    except ValueError:
        return None


def format_value(model, key, raw, users=None, personal_ok=True) -> str:
    """A stored audit value as the screens show it."""
    from sqlalchemy import Boolean, Date, DateTime, Integer, Numeric, Time

    from app.core import approval

    if raw is None or raw == "":
        return EMPTY
    if raw == PERSONAL_MARK:
        return PERSONAL_MARK
    users = users or _Users()
    choices = dict(getattr(model, "choices", {}) or {})
    if getattr(model, "__approvable__", False):
        choices.setdefault("state", approval.STATE_LABELS)
    if key in choices:
        return str(choices[key].get(raw, raw))
    if key.startswith("cf_") and model is not None:
        from app.core.customfields import audit_value

        shown = audit_value(model, key, raw)
        if shown is not None:
            return shown
    column = model.__table__.columns.get(key) if model is not None else None
    if column is None:
        return str(raw)
    for fk in column.foreign_keys:
        target = fk.column.table.name
        if target == "ab_user":
            return users.name(raw)
        target_model = _model_for_table(target)
        obj = None
        if target_model is not None:
            try:
                obj = db.session.get(target_model, int(raw))
            except (TypeError, ValueError):
                obj = None
        if obj is None:
            return f"#{raw} (silinmiş kayıt)"
        text = safe_label(obj) if not personal_ok else str(obj)
        number = getattr(obj, "number", None)
        if number and number not in text:
            text = f"{number} – {text}"
        return text or f"#{raw}"
    ctype = column.type
    if isinstance(ctype, Boolean):
        return "Evet" if raw in (True, 1, "1", "true", "True") else "Hayır"
    if isinstance(ctype, (DateTime, Date)):
        value = _parse_datetime(raw)
        if value is None:
            return str(raw)
        if isinstance(ctype, DateTime):
            return turkish.format_date(value if isinstance(value, dt.datetime)
                                       else dt.datetime.combine(value, dt.time()))
        return turkish.format_day(value)
    if isinstance(ctype, Time):
        return str(raw)[:5]
    if isinstance(ctype, Numeric) and not isinstance(ctype, Integer):
        try:
            amount = Decimal(str(raw))
        except InvalidOperation:
            return str(raw)
        if (column.info or {}).get("money"):
            return turkish.format_money(amount)
        return turkish.format_money(amount, symbol=False)
    if isinstance(ctype, Integer):
        try:
            return f"{int(raw):,}".replace(",", ".") if abs(int(raw)) >= 10000 else str(int(raw))
        except (TypeError, ValueError):
            return str(raw)
    return str(raw)


# ---------------------------------------------------------------------------
# entries in words
# ---------------------------------------------------------------------------

CHANGE_ACTIONS = ("update", "state", "archive", "restore")


def _plain(value) -> str:
    if value in (None, ""):
        return EMPTY
    if value is True or value is False:
        return "Evet" if value else "Hayır"
    return str(value)

SNAPSHOT_ACTIONS = ("create", "purge")


def _is_record_register(tablename):
    return tablename in register_entries()


def describe(entries, user=None, view=None):
    """[{entry, at, who, ip, action, register, reference, url, lines, summary}]"""
    from app.core.registry import REGISTRY  # noqa: F401  (registry loaded)

    personal_ok = may_see_personal(user)
    users = _Users()
    sm = current_app.appbuilder.sm
    index = register_entries()
    views = {}
    records = {}
    for e in entries:
        entry = index.get(e.register)
        if entry is not None and e.record_id:
            records.setdefault(e.register, set()).add(e.record_id)
    loaded = {}
    for table, ids in records.items():
        model = index[table].model
        for obj in db.session.query(model).filter(model.id.in_(sorted(ids))):
            loaded[(table, obj.id)] = obj
    out = []
    for e in entries:
        entry = index.get(e.register)
        model = entry.model if entry is not None else None
        if entry is not None and entry.name not in views:
            views[entry.name] = view if view is not None and type(view) is entry.view \
                else view_instance(entry)
        reg_view = views.get(entry.name) if entry is not None else None
        obj = loaded.get((e.register, e.record_id))
        reference, url = "", None
        if e.record_id:
            reference = obj.display_number() if obj is not None else f"#{e.record_id}"
            if obj is not None and entry is not None and sm.has_access("can_show", entry.name):
                url = url_for(f"{entry.name}.show", pk=obj.id)
        lines, summary = [], ""
        contents_ok = personal_ok or entry is None
        if contents_ok:
            changes = e.changes_dict()
            if e.action in CHANGE_ACTIONS and model is not None:
                for key, pair in changes.items():
                    if not isinstance(pair, (list, tuple)) or len(pair) != 2:
                        continue
                    lines.append((field_label(reg_view, model, key),
                                  format_value(model, key, pair[0], users, personal_ok),
                                  format_value(model, key, pair[1], users, personal_ok)))
            elif e.action in CHANGE_ACTIONS + SNAPSHOT_ACTIONS and e.register == "custom_field":
                # a field definition (app/core/customfieldviews.py): its screen's labels
                from app.core.customfieldviews import CustomFieldView

                labels = CustomFieldView.label_columns
                for key, value in changes.items():
                    label = str(labels.get(key, key))
                    if key == "id":
                        continue
                    if e.action in CHANGE_ACTIONS and isinstance(value, (list, tuple)) and len(value) == 2:
                        lines.append((label, _plain(value[0]), _plain(value[1])))
                    elif e.action in SNAPSHOT_ACTIONS and value not in (None, ""):
                        lines.append((label, _plain(value), None))
            elif e.action in SNAPSHOT_ACTIONS and model is not None:
                for key, value in changes.items():
                    if key == "id" or key in ("archived", "archived_at") and not value:
                        continue
                    if value in (None, ""):
                        continue
                    lines.append((field_label(reg_view, model, key),
                                  format_value(model, key, value, users, personal_ok), None))
            summary = e.summary or ""
        out.append({
            "entry": e,
            "at": turkish.format_date(e.at),
            "who": users.name(e.user_id, e.username) or e.username or "sistem",
            "ip": e.ip or "",
            "action": e.action_label(),
            "register": register_title(e.register),
            "reference": reference,
            "url": url,
            "lines": lines,
            "summary": summary,
            "contents_hidden": not contents_ok,
        })
    return out


def changes_text(item) -> str:
    """One line per change, for exports."""
    parts = []
    for label, before, after in item["lines"]:
        parts.append(f"{label}: {before}" if after is None else f"{label}: {before} → {after}")
    return "; ".join(parts)


# ---------------------------------------------------------------------------
# the audit log
# ---------------------------------------------------------------------------

def _parse_day(text):
    text = (text or "").strip()
    for fmt in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


class AuditLogView(BaseView):
    """Denetim kaydı: read-only, filterable, exportable."""

    route_base = "/auditlog"
    default_view = "list"
    base_permissions = ["can_list", "can_show"]
    page_size = 50

    def _filters(self):
        args = request.args
        f = {"user": (args.get("user") or "").strip()[:100],
             "register": (args.get("register") or "").strip()[:64],
             "action": (args.get("action") or "").strip()[:32],
             "from": _parse_day(args.get("from")), "to": _parse_day(args.get("to"))}
        query = db.session.query(AuditEntry)
        if f["user"]:
            query = query.filter(AuditEntry.username == f["user"])
        if f["register"]:
            query = query.filter(AuditEntry.register == f["register"])
        if f["action"]:
            query = query.filter(AuditEntry.action == f["action"])
        if f["from"]:
            query = query.filter(AuditEntry.at >= dt.datetime.combine(f["from"], dt.time()))
        if f["to"]:
            query = query.filter(AuditEntry.at < dt.datetime.combine(f["to"] + dt.timedelta(days=1), dt.time()))
        return f, query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())

    def _filters_text(self, f):
        parts = []
        if f["user"]:
            parts.append(f"Kullanıcı: {f['user']}")
        if f["register"]:
            parts.append(f"Kayıt defteri: {register_title(f['register'])}")
        if f["action"]:
            parts.append(f"İşlem: {ACTION_LABELS.get(f['action'], f['action'])}")
        if f["from"]:
            parts.append(f"Başlangıç: {turkish.format_day(f['from'])}")
        if f["to"]:
            parts.append(f"Bitiş: {turkish.format_day(f['to'])}")
        return ", ".join(parts)

    def _choices(self):
        usernames = [u for (u,) in db.session.query(AuditEntry.username).distinct() if u]
        registers = [r for (r,) in db.session.query(AuditEntry.register).distinct() if r]
        registers = sorted(((r, register_title(r)) for r in registers), key=lambda p: turkish.sort_key(p[1]))
        actions = sorted(((k, str(v)) for k, v in ACTION_LABELS.items()), key=lambda p: turkish.sort_key(p[1]))
        return sorted(usernames, key=turkish.sort_key), registers, actions

    @expose("/list/")
    @has_access
    def list(self):
        f, query = self._filters()
        page = max(0, min(request.args.get("page", 0, type=int) or 0, 100000))
        total = query.order_by(None).count()
        entries = query.offset(page * self.page_size).limit(self.page_size).all()
        usernames, registers, actions = self._choices()
        args = {k: v for k, v in request.args.items() if k != "page"}
        return self.render_template(
            "audit/log.html", title="Denetim kaydı", rows=describe(entries), filters=f,
            filters_text=self._filters_text(f), usernames=usernames, registers=registers,
            actions=actions, page=page, pages=max(1, -(-total // self.page_size)), total=total,
            args=args, contents_hidden=not may_see_personal())

    @expose("/show/<int:pk>")
    @has_access
    def show(self, pk):
        entry = db.session.get(AuditEntry, pk)
        if entry is None:
            abort(404)
        return self.render_template("audit/show.html", title="Denetim kaydı", row=describe([entry])[0])

    def _export_table(self):
        f, query = self._filters()
        limit = current_app.config.get("EXPORT_MAX_ROWS", 50000)
        rows = describe(query.limit(limit).all())
        headers = ["Zaman", "Kullanıcı", "Adres", "Kayıt defteri", "Kayıt", "İşlem", "Özet", "Değişiklikler"]
        table = []
        for r in rows:
            table.append([r["entry"].at, r["who"], r["ip"], r["register"], r["reference"], r["action"],
                          r["summary"], changes_text(r)])
        return f, headers, table

    def _export(self, kind):
        from app.core import audit
        from app.core.export import csv_response, export_filename, xlsx_response

        f, headers, table = self._export_table()
        name = export_filename("Denetim kaydı")
        audit.record("audit_entry", None, "export", f"{kind.upper()}, {len(table)} satır",
                     {"args": request.args.to_dict()})
        if kind == "csv":
            from app.core.export import cell_text, neutralise

            return csv_response(headers, [[neutralise(cell_text(c)) for c in row] for row in table], name)
        return xlsx_response(headers, table, name, "Denetim kaydı", filters=self._filters_text(f),
                             kinds=["datetime"] + ["text"] * 7)

    @expose("/export.csv")
    @has_access
    @permission_name("list")
    def export_csv(self):
        return self._export("csv")

    @expose("/export.xlsx")
    @has_access
    @permission_name("list")
    def export_xlsx(self):
        return self._export("xlsx")
