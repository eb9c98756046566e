"""Fields added from the screen (issue 18, part 2).

Bilgi İşlem (and Admin) add a field to any register on the "Custom fields"
screen (``app/core/customfieldviews.py``); nobody writes code or DDL.

* A definition is a ``CustomField`` row: the register it belongs to (the
  register's table name, so that a register defined on the screen later can
  own fields the same way), a key (``oncelik``), the Turkish label, a kind,
  options for a choice, required, help text, where it appears (list, form,
  show, search, filter, export, PDF), its position among the columns, the
  KVKK flag (personal) and whether it is active. A row of kind ``hide``
  hides a built-in optional (nullable) field from the forms, the list and
  the record's page.
* Values live in the register's own row, in one JSON column ``extra``
  (JSONB with a GIN index on PostgreSQL) that migration ``field01`` added to
  every register table: ``{"oncelik": "acil", "tutar": "1250.50"}``. Stored
  as JSON-native text/number/bool; money as a decimal string, dates ISO,
  links as the linked record's id.
* On screens a custom field is the pseudo-column ``cf_<key>``: the record
  answers ``record.cf_oncelik`` with the typed value (``Register.__getattr__``),
  so FAB's list/show/export machinery reads it like a column. The view adds
  the columns, labels, formatters and form fields per request
  (``overlay``): a definition changed by IT shows at the next request.
* Definitions are cached per process and reloaded when this process changed
  them (commit hook) or, for changes made by another process (a second
  gunicorn worker), when the configuration version ``load_user`` reads has
  changed (every flush of a definition replaces it: app/security/permcache.py);
  without a signed-in user, after ``CUSTOM_FIELDS_TTL`` seconds (default 5).
  No extra query on a list or record page otherwise.
"""
from __future__ import annotations

import datetime as dt
import json
import re
import threading
import time
from dataclasses import dataclass, field as dc_field
from decimal import Decimal, InvalidOperation

from flask_appbuilder import Model
from flask_babel import lazy_gettext as _l
from sqlalchemy import (JSON, Boolean, Column, DateTime, Integer, String, Text, UniqueConstraint, event,
                        select)
from sqlalchemy.orm import Session

from app.extensions import db

PREFIX = "cf_"

KINDS = {
    "text": _l("Text"),
    "longtext": _l("Long text"),
    "integer": _l("Whole number"),
    "money": _l("Money (₺)"),
    "date": _l("Date"),
    "datetime": _l("Date and time"),
    "bool": _l("Yes/no"),
    "choice": _l("Choice"),
    "contact": _l("Contact link"),
    "staff": _l("Staff link"),
    "unit": _l("Unit link"),
    "hide": _l("Hide a built-in optional field"),
}
LINKS = {"contact": ("contact", "ContactView"), "staff": ("staff", "StaffView"), "unit": ("unit", "UnitView")}
PLACES = ("list", "form", "show", "search", "filter", "export", "pdf")
KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


class CustomField(Model):
    """One field added from the screen (or one built-in field hidden)."""

    __tablename__ = "custom_field"
    __audited__ = True          # created / changed / deactivated: who, when, before → after
    __table_args__ = (UniqueConstraint("register", "key", name="uq_custom_field_register_key"),)

    id = Column(Integer, primary_key=True)
    register = Column(String(64), nullable=False, index=True)   # the register's table name
    key = Column(String(40), nullable=False)
    label = Column(String(100), nullable=False)
    kind = Column(String(20), nullable=False, default="text")
    choices = Column(JSON)                     # [["acil", "Acil"], ...] for a choice
    required = Column(Boolean, nullable=False, default=False)
    help = Column(String(300))
    in_list = Column(Boolean, nullable=False, default=True)
    in_form = Column(Boolean, nullable=False, default=True)
    in_show = Column(Boolean, nullable=False, default=True)
    in_search = Column(Boolean, nullable=False, default=False)
    in_filter = Column(Boolean, nullable=False, default=False)
    in_export = Column(Boolean, nullable=False, default=True)
    in_pdf = Column(Boolean, nullable=False, default=False)
    position = Column(Integer, nullable=False, default=0)
    personal = Column(Boolean, nullable=False, default=False)
    active = Column(Boolean, nullable=False, default=True)
    created_at = Column(DateTime, default=dt.datetime.now)
    updated_at = Column(DateTime, default=dt.datetime.now, onupdate=dt.datetime.now)

    def audit_reference(self):
        return f"{self.register}.{self.key} ({self.label})"

    def __repr__(self):
        return f"{self.label} ({self.register})"

    def kind_label(self):
        return str(KINDS.get(self.kind, self.kind))

    def register_label(self):
        entry = entry_for(self.register)
        return str(entry.label) if entry is not None else self.register


# ---------------------------------------------------------------------------
# definitions, cached
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Definition:
    register: str
    key: str
    label: str
    kind: str
    choices: tuple = ()
    required: bool = False
    help: str = ""
    places: frozenset = dc_field(default_factory=frozenset)
    position: int = 0
    personal: bool = False

    @property
    def name(self):
        return PREFIX + self.key

    def shows(self, place):
        return place in self.places

    @property
    def choice_map(self):
        return dict(self.choices)


_LOCK = threading.Lock()
def _watch():
    from app.security.permcache import watch_config

    watch_config(CustomField)


_watch()

_CACHE = {"stamp": None, "at": 0.0, "defs": {}, "hidden": {}}
_STAMP = [0]


def invalidate():
    with _LOCK:
        _STAMP[0] += 1


@event.listens_for(Session, "after_flush")
def _note_change(session, flush_context):
    if any(isinstance(o, CustomField) for o in list(session.new) + list(session.dirty) + list(session.deleted)):
        session.info["ozk_cf_changed"] = True


@event.listens_for(Session, "after_commit")
def _after_commit(session):
    if session.info.pop("ozk_cf_changed", False):
        invalidate()


@event.listens_for(Session, "after_rollback")
def _after_rollback(session):
    session.info.pop("ozk_cf_changed", None)


def _ttl():
    from flask import current_app, has_app_context

    if has_app_context():
        # tests run in one process: only this process's own changes reload
        return float(current_app.config.get("CUSTOM_FIELDS_TTL", 0 if current_app.testing else 5))
    return 5.0


def _load(session=None):
    """Every active definition, read on a connection of its own (a failed read,
    e.g. before ``field01`` ran, never spoils the caller's transaction; and it
    may run inside a flush)."""
    table = CustomField.__table__
    try:
        with db.engine.connect() as conn:
            rows = conn.execute(select(table).where(table.c.active.is_(True))
                                .order_by(table.c.position, table.c.id)).mappings().all()
    except Exception:  # noqa: BLE001 - table not migrated yet: no custom fields
        import logging

        logging.getLogger(__name__).warning("custom field definitions could not be read", exc_info=True)
        return {}, {}
    defs, hidden = {}, {}
    for r in rows:
        if r["kind"] == "hide":
            hidden.setdefault(r["register"], set()).add(r["key"])
            continue
        places = frozenset(p for p in PLACES if r[f"in_{p}"])
        choices = tuple((str(k), str(v)) for k, v in (r["choices"] or []) if k not in (None, ""))
        defs.setdefault(r["register"], []).append(Definition(
            r["register"], r["key"], r["label"], r["kind"], choices, bool(r["required"]),
            r["help"] or "", places, r["position"] or 0, bool(r["personal"])))
    return defs, hidden


def _state(session=None):
    from app.security.permcache import config_version

    now = time.monotonic()
    version = config_version()
    with _LOCK:
        if _CACHE["stamp"] == _STAMP[0]:
            if version is not None:
                # a signed-in request: kept while the configuration version holds
                # (every flush of a definition, in any worker, replaces it)
                if _CACHE.get("version") == version:
                    return _CACHE
            else:
                ttl = _ttl()
                if ttl <= 0 or now - _CACHE["at"] < ttl:
                    return _CACHE
    defs, hidden = _load(session)
    with _LOCK:
        _CACHE.update(stamp=_STAMP[0], at=now, defs=defs, hidden=hidden, version=version)
        return _CACHE


def definitions(register: str, session=None) -> list:
    """Active custom fields of a register (table name), in position order."""
    return list(_state(session)["defs"].get(register, ()))


def hidden_builtins(register: str) -> set:
    return set(_state()["hidden"].get(register, ()))


def definition(register: str, name: str):
    key = name[len(PREFIX):] if name.startswith(PREFIX) else name
    return next((d for d in definitions(register) if d.key == key), None)


def entry_for(table):
    from app.core.registry import REGISTRY

    return next((e for e in REGISTRY if e.model.__tablename__ == table), None)


# ---------------------------------------------------------------------------
# values
# ---------------------------------------------------------------------------


def _link_model(kind):
    """The linked register's model, found in the registry (the core imports no register)."""
    entry = entry_for(LINKS[kind][0])
    if entry is None:
        raise ValueError(kind)
    return entry.model


def typed(d: Definition, raw):
    """The stored JSON value as Python: date, datetime, Decimal, int, bool, str;
    a link as its record (or None)."""
    if raw in (None, ""):
        return None
    try:
        if d.kind == "date":
            return dt.date.fromisoformat(str(raw)[:10])
        if d.kind == "datetime":
            return dt.datetime.fromisoformat(str(raw))
        if d.kind == "money":
            return Decimal(str(raw))
        if d.kind == "integer":
            return int(raw)
        if d.kind == "bool":
            return bool(raw)
        if d.kind in LINKS:
            return db.session.get(_link_model(d.kind), int(raw))
    except (ValueError, TypeError, InvalidOperation):
        return None
    return raw


def stored(d: Definition, value):
    """A form value as the JSON value kept in ``extra``."""
    if value in (None, ""):
        return None
    if d.kind == "date":
        return value.isoformat()
    if d.kind == "datetime":
        return value.replace(second=0, microsecond=0).isoformat(timespec="minutes")
    if d.kind == "money":
        return str(Decimal(value).quantize(Decimal("0.01")))
    if d.kind == "integer":
        return int(value)
    if d.kind == "bool":
        return bool(value)
    if d.kind in LINKS:
        return getattr(value, "id", value)
    return str(value)


def text_of(d: Definition, raw, masked=False) -> str:
    """The value as a Turkish reader sees it (lists, record page, PDF, search)."""
    if d.kind == "bool":
        return "" if raw is None else ("Evet" if raw else "Hayır")
    return typed_text(d, typed(d, raw), masked)


def typed_text(d: Definition, value, masked=False) -> str:
    """A typed value (``typed``) in Turkish notation: 1.250,50 ₺, 26.11.2026, 12.500, Evet."""
    from app.core import turkish

    if value is None:
        return ""
    if d.kind == "bool":
        return "Evet" if value else "Hayır"
    if d.kind in ("date", "datetime"):
        return turkish.format_date(value)
    if d.kind == "money":
        return turkish.format_money(value)
    if d.kind == "integer":
        return f"{value:,}".replace(",", ".") if abs(value) >= 10000 else str(value)
    if d.kind == "choice":
        return str(d.choice_map.get(value, value))
    if d.kind in LINKS:
        from app.core.personal import safe_label

        return safe_label(value) if masked else str(value)
    return str(value)


def value_of(record, name):
    """``record.cf_<key>``: the typed value (None when not set or unknown)."""
    d = definition(type(record).__tablename__, name)
    if d is None:
        return None
    return typed(d, (record.extra or {}).get(d.key))


def search_text(record, session=None) -> str:
    """Searchable custom values of a record, as text (folded by the caller)."""
    extra = getattr(record, "extra", None) or {}
    if not extra:
        return ""
    parts = []
    for d in definitions(type(record).__tablename__, session):
        if d.shows("search") and extra.get(d.key) not in (None, ""):
            parts.append(text_of(d, extra[d.key]))
    return " ".join(parts)


def personal_keys(model) -> tuple:
    return tuple(d.name for d in definitions(model.__tablename__) if d.personal)


# ---------------------------------------------------------------------------
# forms
# ---------------------------------------------------------------------------


def _form_field(d: Definition):
    from flask_babel import lazy_gettext
    from wtforms import BooleanField, SelectField, StringField, TextAreaField
    from wtforms.fields import DateField
    from wtforms.validators import DataRequired, InputRequired, Length, Optional
    from wtforms.widgets import TextInput

    from app.core.fields import AjaxSelectField, TurkishDateTimeField
    from app.core.turkish import DATE_FORMATS, DATETIME_FORMATS

    req = [InputRequired(message=str(lazy_gettext("This field is required.")))] if d.required else [Optional()]
    common = {"description": d.help or ""}
    if d.kind == "text":
        return StringField(d.label, validators=req + [Length(max=500)], **common,
                           render_kw={"class": "form-control"})
    if d.kind == "longtext":
        return TextAreaField(d.label, validators=req + [Length(max=5000)], **common,
                             render_kw={"class": "form-control", "rows": 3})
    if d.kind == "integer":
        return StringField(d.label, validators=req + [_IntegerText()], **common,
                           render_kw={"class": "form-control", "inputmode": "numeric"})
    if d.kind == "money":
        return StringField(d.label, validators=req + [_MoneyText()], **common,
                           render_kw={"class": "form-control", "inputmode": "decimal"})
    if d.kind == "date":
        return DateField(d.label, validators=req, format=list(DATE_FORMATS), widget=TextInput(), **common,
                         render_kw={"class": "form-control ozk-date", "autocomplete": "off",
                                    "placeholder": "gg.aa.yyyy", "inputmode": "numeric"})
    if d.kind == "datetime":
        return TurkishDateTimeField(d.label, validators=req, format=list(DATETIME_FORMATS), **common)
    if d.kind == "bool":
        return BooleanField(d.label, validators=[Optional()], **common)
    if d.kind == "choice":
        blank = lazy_gettext("Choose…") if d.required else "—"
        return SelectField(d.label, choices=[("", blank)] + list(d.choices),
                           validators=[DataRequired(message=str(lazy_gettext("Choose one of the options.")))]
                           if d.required else [Optional()], **common, render_kw={"class": "form-control"})
    if d.kind in LINKS:
        table, view = LINKS[d.kind]
        return AjaxSelectField(d.label, validators=req, model=_link_model(d.kind),
                               endpoint=f"{view}.lookup", quick_add="", **common)
    raise ValueError(d.kind)


class _IntegerText:
    def __call__(self, form, field):
        from app.core.fields import parse_turkish_integer
        from wtforms.validators import StopValidation

        try:
            value = parse_turkish_integer(field.data or "")
        except ValueError as exc:
            raise StopValidation(str(exc)) from None
        if value is not None and abs(value) > 10 ** 15:
            from flask_babel import gettext

            raise StopValidation(gettext("The number is too large."))
        field.typed = value


class _MoneyText:
    def __call__(self, form, field):
        from app.core.fields import parse_turkish_decimal
        from wtforms.validators import StopValidation

        try:
            value = parse_turkish_decimal(field.data or "")
        except ValueError as exc:
            raise StopValidation(str(exc)) from None
        if value is not None and (not value.is_finite() or abs(value) >= Decimal(10) ** 12):
            raise StopValidation("Geçerli bir tutar girin (ör. 1.234,56).")
        field.typed = value


def form_value(d: Definition, f):
    if d.kind in ("integer", "money"):
        return getattr(f, "typed", None)
    return f.data


_FORMS: dict = {}


def custom_form(form_cls, register: str):
    """``form_cls`` with the register's custom form fields (cached per set of
    definitions); ``populate_obj`` writes them into ``extra``."""
    defs = [d for d in definitions(register) if d.shows("form")]
    hidden = hidden_builtins(register)
    if not defs and not hidden:
        return form_cls
    key = (form_cls, tuple(defs), tuple(sorted(hidden)))
    cached = _FORMS.get(key)
    if cached is not None:
        return cached
    attrs = {d.name: _form_field(d) for d in defs}

    def populate_obj(self, obj):
        extra = dict(getattr(obj, "extra", None) or {})
        for name, f in self._fields.items():
            if name.startswith(PREFIX):
                d = next((x for x in defs if x.name == name), None)
                if d is not None:
                    value = stored(d, form_value(d, f))
                    if value is None:
                        extra.pop(d.key, None)
                    else:
                        extra[d.key] = value
            elif name in hidden:
                continue
            else:
                f.populate_obj(obj, name)
        obj.extra = extra or None

    def process(self, formdata=None, obj=None, data=None, extra_filters=None, **kwargs):
        super(built, self).process(formdata, obj, data=data, extra_filters=extra_filters, **kwargs)
        if obj is not None and not hasattr(obj, "getlist") and self.meta.wrap_formdata(self, formdata) is None:
            values = getattr(obj, "extra", None) or {}
            for d in defs:
                f = self._fields.get(d.name)
                if f is None:
                    continue
                value = typed(d, values.get(d.key))
                if d.kind in ("integer", "money") and value is not None:
                    from app.core import turkish

                    f.data = (turkish.format_money(value, symbol=False) if d.kind == "money"
                              else str(value))
                else:
                    f.data = value

    attrs["populate_obj"] = populate_obj
    attrs["process"] = process
    built = type(form_cls.__name__, (form_cls,), attrs)
    if len(_FORMS) > 500:
        _FORMS.clear()
    _FORMS[key] = built
    return built


# ---------------------------------------------------------------------------
# the view's columns, labels and formatters for this request
# ---------------------------------------------------------------------------


class Overlay:
    """A view's attributes with the custom fields added (per request): FAB's
    widgets read ``label_columns``/``formatters_columns`` from it."""

    def __init__(self, view, place):
        self._view = view
        model = view.datamodel.obj
        table = model.__tablename__
        self.defs = [d for d in definitions(table) if d.shows(place)]
        self.hidden = hidden_builtins(table)
        self.label_columns = dict(view.label_columns or {})
        self.description_columns = dict(view.description_columns or {})
        self.formatters_columns = dict(view.formatters_columns or {})
        masked = _masked_personal()
        for d in definitions(table):
            self.label_columns[d.name] = d.label
            if d.help:
                self.description_columns[d.name] = d.help
            self.formatters_columns[d.name] = _formatter(d, masked)

    def __getattr__(self, name):
        return getattr(self._view, name)

    def columns(self, base):
        cols = [c for c in (base or []) if c not in self.hidden or not _nullable(self._view, c)]
        for d in sorted(self.defs, key=lambda d: d.position):
            if d.name in cols:
                continue
            if d.position and d.position <= len(cols):
                cols.insert(d.position - 1, d.name)
            else:
                cols.append(d.name)
        return cols


def _nullable(view, col):
    model = view.datamodel.obj
    column = model.__table__.columns.get(col)
    if column is None:
        rel = getattr(getattr(model, col, None), "property", None)
        local = getattr(rel, "local_columns", None)
        return bool(local) and all(c.nullable for c in local)
    return bool(column.nullable)


def _masked_personal():
    try:
        from app.core.personal import may_see_personal

        return not may_see_personal()
    except Exception:  # noqa: BLE001 - outside a request
        return False


def _formatter(d, masked):
    def fmt(value):
        if value is None:
            return ""
        if d.personal and masked:
            from app.core.personal import mask_name

            return mask_name(str(value))
        return typed_text(d, value, masked)

    return fmt


EXPORT_KINDS = {"integer": "int", "money": "money", "date": "date", "datetime": "datetime", "bool": "bool"}


def export_kind(model, col) -> str:
    d = definition(model.__tablename__, col)
    if d is None:
        return "text"
    if d.personal and _masked_personal():
        return "text"
    return EXPORT_KINDS.get(d.kind, "text")


# ---------------------------------------------------------------------------
# filters: ?cf_<key>=value on a register list
# ---------------------------------------------------------------------------


def filter_query(query, model, args):
    from app.core import turkish
    from app.core.db import fold_sql

    defs = [d for d in definitions(model.__tablename__) if d.shows("filter") or d.shows("search")]
    if not defs or not any(a.startswith(PREFIX) for a in args):
        return query
    for d in defs:
        raw = (args.get(d.name) or "").strip()[:200]
        if not raw:
            continue
        element = model.extra[d.key]
        if d.kind == "choice":
            if raw in d.choice_map:
                query = query.filter(element.as_string() == raw)
        elif d.kind == "bool":
            if raw in ("1", "0"):
                query = query.filter(element.as_boolean().is_(raw == "1"))
        elif d.kind == "integer":
            value = _normal_filter(d, raw)
            if value.lstrip("-").isdigit():
                query = query.filter(element.as_integer() == int(value))
        elif d.kind in ("money", "date", "datetime"):
            query = query.filter(element.as_string().startswith(_normal_filter(d, raw), autoescape=True))
        elif d.kind in LINKS:
            if raw.isdigit() and len(raw) < 10:
                query = query.filter(element.as_integer() == int(raw))
        else:
            query = query.filter(fold_sql(element.as_string()).contains(turkish.fold(raw), autoescape=True))
    return query


def _normal_filter(d, raw):
    from app.core.fields import parse_turkish_decimal, parse_turkish_integer
    from app.core.turkish import parse_date_text

    try:
        if d.kind == "integer":
            return str(parse_turkish_integer(raw))
        if d.kind == "money":
            return str(parse_turkish_decimal(raw).quantize(Decimal("0.01")))
        if d.kind in ("date", "datetime"):
            day = parse_date_text(raw)
            return day.isoformat() if day else raw
    except (ValueError, AttributeError, InvalidOperation):
        return raw
    return raw


def filter_inputs(view):
    """What the list shows above the rows: one input per filter field."""
    from flask import request

    out = []
    for d in definitions(view.datamodel.obj.__tablename__):
        if not d.shows("filter"):
            continue
        current = (request.args.get(d.name) or "")[:200]
        if d.kind == "choice":
            options = [("", "—")] + list(d.choice_map.items())
        elif d.kind == "bool":
            options = [("", "—"), ("1", "Evet"), ("0", "Hayır")]
        else:
            options = None
        out.append({"name": d.name, "label": d.label, "value": current, "options": options})
    return out


def filters_text(model, args) -> list:
    parts = []
    for d in definitions(model.__tablename__):
        raw = (args.get(d.name) or "").strip()
        if raw and (d.shows("filter") or d.shows("search")):
            shown = d.choice_map.get(raw, raw) if d.kind == "choice" else (
                ("Evet" if raw == "1" else "Hayır") if d.kind == "bool" else raw)
            parts.append(f"{d.label}: {shown}")
    return parts


# ---------------------------------------------------------------------------
# PDF and audit
# ---------------------------------------------------------------------------


def pdf_fields(item) -> list:
    """(label, text) of the record's custom fields marked for the PDF."""
    extra = getattr(item, "extra", None) or {}
    out = []
    for d in definitions(type(item).__tablename__):
        if d.shows("pdf"):
            out.append((d.label, text_of(d, extra.get(d.key))))
    return out


def audit_changes(obj, before, after) -> dict:
    """``extra`` before → after as per-field changes ``{"cf_<key>": [old, new]}``
    (a personal field: that it changed, never its value)."""
    from app.core.personal import PERSONAL_MARK

    before, after = before or {}, after or {}
    personal = {d.key for d in definitions(type(obj).__tablename__) if d.personal}
    out = {}
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        if key in personal:
            old = PERSONAL_MARK if old not in (None, "") else old
            new = PERSONAL_MARK if new not in (None, "") else new
        out[PREFIX + key] = [old, new]
    return out


from app.core import audit as _audit  # noqa: E402

_audit.EXPANDED["extra"] = audit_changes


def audit_value(model, key, value):
    """A history line's value of a custom field, as text."""
    d = definition(model.__tablename__, key)
    if d is None or not isinstance(value, (str, int, float, bool)):
        return None
    return text_of(d, value)


# ---------------------------------------------------------------------------
# configuration export / import
# ---------------------------------------------------------------------------

EXPORTED = ("register", "key", "label", "kind", "choices", "required", "help", "in_list", "in_form",
            "in_show", "in_search", "in_filter", "in_export", "in_pdf", "position", "personal", "active")


# What travels in the same file besides the fields: app/core/screenregisters.py adds
# itself here (the registers defined on the screen), so that this module does not import
# it back. Each: ``export() -> dict`` (keys added to the file), ``prepare(payload) ->
# (rows to add, table names they create)`` (ConfigError when wrong; nothing added yet) and
# ``activate(rows)`` (after the commit).
CONFIG_EXTENSIONS: list = []


def export_config() -> dict:
    """The field definitions (and what the extensions add: the registers
    defined on the screen, whose fields are among the fields), as one file."""
    rows = db.session.query(CustomField).order_by(CustomField.register, CustomField.position,
                                                  CustomField.id).all()
    data = {"format": "ozelkalem-custom-fields", "version": 1,
            "fields": [{k: getattr(r, k) for k in EXPORTED} for r in rows]}
    for extension in CONFIG_EXTENSIONS:
        data.update(extension.export())
    return data


class ConfigError(ValueError):
    pass


def validate_row(data: dict, coming=()) -> dict:
    """A definition as imported or entered: checked, normalised; ConfigError
    with a Turkish message when wrong. ``coming``: table names of screen
    registers the same import creates."""
    register = str(data.get("register") or "")
    if entry_for(register) is None and register not in coming:
        raise ConfigError(f"Bilinmeyen kayıt defteri: {register[:64]}")
    key = str(data.get("key") or "").strip()
    kind = str(data.get("kind") or "text")
    if kind not in KINDS:
        raise ConfigError(f"Bilinmeyen alan türü: {kind[:20]}")
    if kind == "hide":
        if entry_for(register) is None:
            raise ConfigError("Ekrandan tanımlanan kayıt defterinde gizlenecek yerleşik alan yoktur.")
        model = entry_for(register).model
        column = model.__table__.columns.get(key)
        if column is None or not column.nullable or column.primary_key:
            rel = getattr(getattr(model, key, None), "property", None)
            local = getattr(rel, "local_columns", None)
            if not (local and all(c.nullable for c in local)):
                raise ConfigError(f"“{key[:40]}” gizlenebilecek isteğe bağlı bir alan değil.")
    elif not KEY_RE.match(key):
        raise ConfigError("Anahtar küçük harf, rakam ve alt çizgiden oluşmalı ve harfle başlamalı (ör. oncelik).")
    label = str(data.get("label") or "").strip()[:100]
    if not label:
        raise ConfigError("Alanın adını (etiketini) yazın.")
    choices = data.get("choices") or []
    if isinstance(choices, str):
        choices = parse_choices(choices)
    norm = []
    for item in choices:
        if isinstance(item, (list, tuple)) and len(item) == 2:
            norm.append([str(item[0])[:40], str(item[1])[:100]])
        else:
            raise ConfigError("Seçenekler [anahtar, etiket] çiftleri olmalı.")
    if kind == "choice" and not norm:
        raise ConfigError("Seçim alanı için en az bir seçenek yazın.")
    out = {"register": register, "key": key, "label": label, "kind": kind,
           "choices": norm or None, "help": (str(data.get("help") or "").strip()[:300] or None)}
    for flag in ("required", "in_list", "in_form", "in_show", "in_search", "in_filter", "in_export",
                 "in_pdf", "personal", "active"):
        out[flag] = bool(data.get(flag, flag in ("in_list", "in_form", "in_show", "in_export", "active")))
    try:
        out["position"] = max(0, min(999, int(data.get("position") or 0)))
    except (TypeError, ValueError):
        raise ConfigError("Sıra bir tam sayı olmalı.") from None
    return out


def parse_choices(text: str) -> list:
    """One option a line: ``acil = Acil`` or just ``Acil`` (key derived)."""
    out = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        if "=" in line:
            key, label = (p.strip() for p in line.split("=", 1))
        else:
            key, label = slug(line), line
        if key and label:
            out.append([key[:40], label[:100]])
    return out


def choices_text(choices) -> str:
    return "\n".join(f"{k} = {v}" for k, v in (choices or []))


def slug(text: str) -> str:
    from app.core import turkish

    folded = turkish.ascii_fold(turkish.fold(text))
    return re.sub(r"[^a-z0-9]+", "_", folded).strip("_")[:40] or "secenek"


def import_config(payload) -> tuple[int, int]:
    """Create or update definitions from an exported file (matched by
    register and key); nothing is deleted. (created, updated); ConfigError
    with nothing saved when any row is wrong."""
    if isinstance(payload, (bytes, str)):
        try:
            payload = json.loads(payload)
        except ValueError:
            raise ConfigError("Dosya geçerli bir JSON değil.") from None
    if not isinstance(payload, dict) or payload.get("format") != "ozelkalem-custom-fields" \
            or not isinstance(payload.get("fields"), list):
        raise ConfigError("Bu dosya bir özel alan yapılandırması değil.")
    prepared = [(extension, extension.prepare(payload)) for extension in CONFIG_EXTENSIONS]
    coming = set().union(*(tables for _e, (_rows, tables) in prepared))
    rows = [validate_row(r if isinstance(r, dict) else {}, coming) for r in payload["fields"][:2000]]
    created = updated = 0
    try:
        for _extension, (added, _tables) in prepared:
            for row in added:
                db.session.add(row)
        for row in rows:
            current = db.session.query(CustomField).filter_by(register=row["register"], key=row["key"]).first()
            if current is None:
                db.session.add(CustomField(**row))
                created += 1
            else:
                changed = False
                for k, v in row.items():
                    if getattr(current, k) != v:
                        setattr(current, k, v)
                        changed = True
                updated += changed
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    for extension, (added, _tables) in prepared:
        if added:
            extension.activate(added)
    return created, updated
