"""The register core: the base model, the base view and the registry.

A register is declared once, next to its columns (``app/core/declare.py``)::

    class Gift(Register, Approvable, Numbered, Model):           # model
        __tablename__ = "gift"
        number_prefix = "HD"
        item = Column(String(200), nullable=False, info=field(_l("Gift"), list=True, search=True))
        ...

    @register("protocol", _l("Gifts"), icon="fa-gift")      # view
    class GiftView(RegisterView):
        datamodel = RegisterInterface(Gift, eager=["counterpart.institution"])
        base_order = ("date", "desc")

Approval buttons, the history tab, archive/restore, export, attachments,
PDF, numbering, Turkish search/sort, conflict-safe editing and the
permission rows all come from here (and the modules it imports).
"""
from __future__ import annotations

import datetime as dt

from flask import abort, current_app, flash, g, redirect, request, url_for
from flask_appbuilder import ModelView
from flask_appbuilder.baseviews import expose
from flask_appbuilder.models.filters import BaseFilter
from flask_appbuilder.models.sqla.filters import (FilterEqual, FilterGreater, FilterSmaller, SQLAFilterConverter,
                                                  get_field_setup_query)
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.decorators import has_access, permission_name
from flask_appbuilder.urltools import get_order_args, get_page_args, get_page_size_args
from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Boolean, Column, DateTime, ForeignKey, Integer, String, Text, Time, and_, event, or_, select
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Session, declared_attr, joinedload
from wtforms import HiddenField

from app.core import approval, assignviews, audit, rendering, signing, turkish
from app.core.db import fold_sql, turkish_order
from app.core import ftsearch, sortkeys  # noqa: F401  (stored Turkish sort keys, SQLite FTS5 search)
from app.core import exportjobs  # long list PDFs made in the background (and their table)
from app.core.declare import (apply_view_defaults, derived, field, model_choices, model_headline, model_masked_fields,
                              model_personal_fields, model_search_fields)
from app.core.registry import (CATEGORIES, REGISTRY, RegisterEntry, add_registered_views,  # noqa: F401
                               register)
from app.extensions import db

# ---------------------------------------------------------------------------
# Model side
# ---------------------------------------------------------------------------


class Register:
    """Columns and behaviour every register record has."""

    __audited__ = True
    # __approvable__ comes from the Approvable mixin (a False default here would
    # shadow it, Register being first in the bases); readers use getattr(..., False).
    # Derived from the fields' declarations (app/core/declare.py) unless a model sets them:
    choices = derived(model_choices)                # {column: {value: label}}
    search_fields = derived(model_search_fields)    # columns/attributes folded into search_key
    personal_fields = derived(model_personal_fields)  # KVKK: fields holding personal data
    masked_fields = derived(model_masked_fields)    # KVKK: {column: "phone" | "identity" | "name"}
    headline = derived(model_headline)              # the column naming a record in one line
    names_person = False             # KVKK: str(record) names a natural person (see app.core.personal)
    number_prefix: str | None = None
    # Follow-up (the Müdür's "overdue by unit" tile, the list's ``?overdue=1&unit=<id>``):
    # the column naming the responsible unit, and ``overdue_condition()`` (SQL) when
    # the register has due dates.
    unit_column: str | None = None

    @classmethod
    def overdue_condition(cls):
        """SQL for "overdue", or None. It may depend on today's date, the viewer's
        roles and the settings, never on the individual user: the Müdür's tile
        keeps the statement per day, role set and settings (app/notify/tiles.py)."""
        return None

    @classmethod
    def declares_overdue(cls) -> bool:
        """Whether the register has an ``overdue_condition`` (without building it)."""
        return getattr(cls.overdue_condition, "__func__", None) is not _NO_OVERDUE

    id = Column(Integer, primary_key=True)
    version = Column(Integer, nullable=False, default=1)
    created_at = Column(DateTime, default=dt.datetime.now, nullable=False,
                        info=field(_l("Created"), form=False, place="tail"))
    updated_at = Column(DateTime, default=dt.datetime.now, nullable=False,
                        info=field(_l("Updated"), form=False, place="tail"))
    archived = Column(Boolean, default=False, nullable=False, index=True)
    archived_at = Column(DateTime)
    search_key = Column(Text, default="", nullable=False)
    # the same key with ç ğ ı ö ş ü as c g i o s u: what a query typed without
    # Turkish letters is matched against (``isik`` finds ``Işık``)
    search_ascii = Column(Text, default="", nullable=False, info={"ozk_trigram": True})
    # values of the fields added from the screen (app/core/customfields.py)
    extra = Column(JSON().with_variant(JSONB(), "postgresql"), info={"ozk_gin": True})

    @declared_attr
    def created_by_id(cls):
        return Column(Integer, ForeignKey("ab_user.id"))

    @declared_attr
    def updated_by_id(cls):
        return Column(Integer, ForeignKey("ab_user.id"))

    @declared_attr
    def __mapper_args__(cls):
        return {"version_id_col": cls.version}

    # -- hooks a register may override ------------------------------------
    @classmethod
    def validate_data(cls, data: dict, record=None) -> dict:
        """Business validation of form data: return {field: Turkish message}."""
        return {}

    def __getattr__(self, name):
        if name.startswith("cf_"):   # a field added from the screen
            from app.core.customfields import value_of

            return value_of(self, name)
        # ``<column>_label``: the label of a choice column's value (``kind_label``)
        if name.endswith("_label") and not name.startswith("_"):
            mapping = (type(self).choices or {}).get(name[: -len("_label")])
            if mapping is not None:
                value = getattr(self, name[: -len("_label")])
                return str(mapping.get(value, value or ""))
        raise AttributeError(name)

    def build_search_key(self) -> str:
        parts = []
        for name in self.search_fields:
            value = getattr(self, name, None)
            if value is not None:
                parts.append(str(value))
        return turkish.fold(" ".join(parts))

    def display_number(self):
        return getattr(self, "number", None) or f"#{self.id}"

    def personal_field_names(self) -> tuple:
        """This record's personal fields (a register may narrow them per
        record, e.g. an institution's name is not personal data)."""
        return tuple(type(self).personal_fields)

    def audit_reference(self) -> str:
        """What the audit log's summary says about the record: its number
        when ``str(record)`` would name a person, else ``str(record)``."""
        from app.core.personal import names_person

        return self.display_number() if names_person(self) else str(self)

    def updated_by_name(self):
        from flask_appbuilder.security.sqla.models import User

        user = db.session.get(User, self.updated_by_id) if self.updated_by_id else None
        return user.get_full_name() if user else "bilinmeyen kullanıcı"


_NO_OVERDUE = Register.overdue_condition.__func__


class Numbered:
    """Mixin for registers flagged N: ``number`` is PREFIX-YYYY-NNNN."""

    number = Column(String(20), unique=True, index=False,
                    info=field(_l("Number"), list=True, search=True, order=True, form=False, place="first"))


def _current_user_id():
    user = getattr(g, "user", None) if _has_g() else None
    if user is not None and getattr(user, "is_authenticated", False):
        return user.id
    return None


def _has_g():
    from flask import has_app_context

    return has_app_context()


def _full_search_key(obj, session):
    """The record's key plus its searchable custom field values (folded)."""
    key = obj.build_search_key()
    if obj.extra:
        from app.core.customfields import search_text

        more = turkish.fold(search_text(obj, session))
        if more:
            key = f"{key} {more}".strip()
    return key


@event.listens_for(Session, "before_flush")
def _stamp(session, flush_context, instances):
    user_id = _current_user_id()
    now = dt.datetime.now()
    for obj in session.new:
        if isinstance(obj, Register):
            obj.created_at = obj.created_at or now
            obj.updated_at = now
            obj.created_by_id = obj.created_by_id or user_id
            obj.updated_by_id = user_id or obj.updated_by_id
            obj.search_key = _full_search_key(obj, session)
    for obj in session.dirty:
        if isinstance(obj, Register) and session.is_modified(obj, include_collections=False):
            obj.updated_at = now
            obj.updated_by_id = user_id or obj.updated_by_id
            obj.search_key = _full_search_key(obj, session)


@event.listens_for(Register, "before_insert", propagate=True)
@event.listens_for(Register, "before_update", propagate=True)
def _ascii_key(mapper, connection, target):
    # last thing before the row is written, after every hook that sets search_key
    target.search_ascii = turkish.ascii_fold(target.search_key or "")


@event.listens_for(Column, "after_parent_attach")
def _ascii_trigram_index(column, table):
    """Every register table gets a trigram index on ``search_ascii`` too
    (declared once, on the mixin column, instead of in each model)."""
    from sqlalchemy import Index, Table

    if isinstance(table, Table) and column.info.get("ozk_trigram"):
        Index(f"ix_{table.name}_ascii_trgm", column, postgresql_using="gin",
              postgresql_ops={column.name: "gin_trgm_ops"})
    if isinstance(table, Table) and column.info.get("ozk_gin"):   # custom field values (JSONB)
        Index(f"ix_{table.name}_extra_gin", column, postgresql_using="gin")


# the letters of a query typed without Turkish letters that may stand for ç ğ ı ö ş ü
# (``ı`` too: an upper-case ``I`` folds to it, and the ASCII key has ``i`` for it)
_ASCII_AMBIGUOUS = frozenset("cgiosuı")


def search_filter(query, model, text):
    """The quick search: every word must occur in the record's key. A query
    without Turkish letters is matched against the ASCII key (``isik`` finds
    ``Işık``), then records matching it exactly in Turkish come first; a query
    with Turkish letters is matched exactly (``ışık`` does not find ``isik``)."""
    from sqlalchemy import and_, case

    from app.core.ftsearch import match_clause

    words = turkish.fold(text).split()[:6]
    if not words:
        return query
    session = getattr(query, "session", None) or db.session

    def contains(column_name, word):
        # SQLite: the FTS5 trigram index when it can answer (app/core/ftsearch.py)
        indexed = match_clause(session, model, column_name, word)
        return indexed if indexed is not None else \
            getattr(model, column_name).contains(word, autoescape=True)

    if turkish.has_turkish_letters(text) or not any(ch in _ASCII_AMBIGUOUS for word in words for ch in word):
        # typed in Turkish, or with none of c g i o s u (``ay``, ``mehmet``): the ASCII
        # match is then the exact match, so no "exact first" sort of every hit
        for word in words:
            query = query.filter(contains("search_key", word))
        return query
    exact = []
    for word in words:
        query = query.filter(contains("search_ascii", turkish.ascii_fold(word)))
        exact.append(model.search_key.contains(word, autoescape=True))
    return query.order_by(case((and_(*exact), 0), else_=1))


# ---------------------------------------------------------------------------
# Turkish-aware data interface (search filters and ordering)
# ---------------------------------------------------------------------------


class TurkishContains(BaseFilter):
    name = _l("Contains")
    arg_name = "ct"

    def apply(self, query, value):
        query, field_ = get_field_setup_query(query, self.model, self.column_name)
        return query.filter(fold_sql(field_).contains(turkish.fold(value), autoescape=True))


class TurkishNotContains(BaseFilter):
    name = _l("Not Contains")
    arg_name = "nct"

    def apply(self, query, value):
        query, field_ = get_field_setup_query(query, self.model, self.column_name)
        return query.filter(~fold_sql(field_).contains(turkish.fold(value), autoescape=True))


class TurkishStartsWith(BaseFilter):
    name = _l("Starts with")
    arg_name = "sw"

    def apply(self, query, value):
        query, field_ = get_field_setup_query(query, self.model, self.column_name)
        return query.filter(fold_sql(field_).startswith(turkish.fold(value), autoescape=True))


class TurkishEqual(BaseFilter):
    name = _l("Equal to")
    arg_name = "eq"

    def apply(self, query, value):
        query, field_ = get_field_setup_query(query, self.model, self.column_name)
        return query.filter(fold_sql(field_) == turkish.fold(value))


class ChoiceEqual(BaseFilter):
    name = _l("Equal to")
    arg_name = "eq"

    def apply(self, query, value):
        query, field_ = get_field_setup_query(query, self.model, self.column_name)
        return query.filter(field_ == value) if value else query


class ChoiceNotEqual(BaseFilter):
    name = _l("Not Equal to")
    arg_name = "neq"

    def apply(self, query, value):
        query, field_ = get_field_setup_query(query, self.model, self.column_name)
        return query.filter((field_ != value) | field_.is_(None)) if value else query


class _DateFilter(BaseFilter):
    """A date or date-time filter written the Turkish way ("26.11.2026",
    "26.11.2026 14:30"): the value names a day (or a minute) and the filter
    compares with that interval, so "on 26.11.2026" finds every time of the
    day. A value that is not a date was refused by the request guard."""

    def apply(self, query, value):
        from app.core.fields import date_span

        span = date_span(value, with_time=self.datamodel.is_datetime(self.column_name))
        if span is None:
            return query
        query, field_ = get_field_setup_query(query, self.model, self.column_name)
        return query.filter(self.compare(field_, *span))


class DateOn(_DateFilter):
    name = _l("On")
    arg_name = "eq"

    @staticmethod
    def compare(field_, start, end):
        return and_(field_ >= start, field_ < end)


class DateAfter(_DateFilter):
    name = _l("After")
    arg_name = "gt"

    @staticmethod
    def compare(field_, start, end):
        return field_ >= end


class DateBefore(_DateFilter):
    name = _l("Before")
    arg_name = "lt"

    @staticmethod
    def compare(field_, start, end):
        return field_ < start


class DateNotOn(_DateFilter):
    name = _l("Not on")
    arg_name = "neq"

    @staticmethod
    def compare(field_, start, end):
        return or_(field_ < start, field_ >= end)


DATE_FILTERS = [DateOn, DateAfter, DateBefore, DateNotOn]


class TurkishFilterConverter(SQLAFilterConverter):
    conversion_table = (("is_choice", [ChoiceEqual, ChoiceNotEqual]),) + tuple(
        (test, [TurkishContains, TurkishNotContains, TurkishStartsWith, TurkishEqual])
        if test in ("is_text", "is_string") else
        (test, DATE_FILTERS) if test in ("is_date", "is_datetime") else (test, filters)
        for test, filters in SQLAFilterConverter.conversion_table
    ) + (("is_time", [FilterEqual, FilterGreater, FilterSmaller]),)

    def convert(self, col_name):
        # FAB builds new Filters several times per request (joined, inner, get)
        # and each converts every column again: converted once per interface
        # and column, a fresh list of the same (stateless) filters each time
        memo = self.datamodel.__dict__.setdefault("_ozk_filter_memo", {})
        key = (type(self), col_name)
        if key not in memo:
            memo[key] = super().convert(col_name)
        hit = memo[key]
        return list(hit) if hit is not None else None


def created_between(query, model, args):
    """``?created_from=YYYY-MM-DD&created_to=YYYY-MM-DD`` on any register
    list: records created in that period (the activity report links here)."""
    for name, op in (("created_from", "from"), ("created_to", "to")):
        raw = (args.get(name) or "").strip()
        if not raw:
            continue
        try:
            day = dt.date.fromisoformat(raw[:10])
        except ValueError:
            continue
        if op == "from":
            query = query.filter(model.created_at >= dt.datetime.combine(day, dt.time.min))
        else:
            query = query.filter(model.created_at < dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))
    return query


class RegisterListFilter(BaseFilter):
    """Base filter of every register list: hides archived records unless the
    list is asked for them (``?archived=1``), and applies the quick search box
    (``?q=``) on the folded ``search_key`` (trigram-indexed on PostgreSQL)."""

    name = "register"

    def apply(self, query, value):
        if not request or not (request.endpoint or "").split(".")[-1] in LIST_ENDPOINTS:
            return query
        model = self.model
        archived = request.args.get("archived") == "1"
        query = query.filter(model.archived.is_(archived))
        query = created_between(query, model, request.args)
        query = follow_up(query, model, request.args)
        from app.core.customfields import filter_query

        query = filter_query(query, model, request.args)
        q = (request.args.get("q") or "").strip()
        if q:
            query = search_filter(query, model, q)
            query = _masked_search(query, model, turkish.fold(q).split()[:6])
        return query


def follow_up(query, model, args):
    """``?overdue=1``: the register's overdue records; ``?unit=<id>``: those
    of one responsible unit (the Müdür's tile links here)."""
    if args.get("overdue") == "1":
        condition = model.overdue_condition() if hasattr(model, "overdue_condition") else None
        if condition is not None:
            query = query.filter(condition)
    unit = args.get("unit", "")
    column = getattr(model, "unit_column", None)
    if column and unit.isdigit() and len(unit) < 10:
        query = query.filter(getattr(model, column) == int(unit))
    return query


READ_ONLY_PERMISSIONS = {"can_list", "can_show", "can_export", "can_history", "can_attachments",
                         "can_pdf", "menu_access"}
LIST_ENDPOINTS = {"list", "export_csv", "export_xlsx", "list_pdf"}


def record_editable(item) -> bool:
    """Whether an edit form of this record would be accepted: not archived,
    not locked by its approval state, not waiting for a decision."""
    return not (getattr(item, "archived", False) or getattr(item, "is_locked", False)
                or getattr(item, "state", None) == "pending")


class CappedCount(int):
    """A record count that stopped counting: the number of records known to
    exist; shown as "1.000+" (Turkish thousands) in the list's header."""

    capped = True

    def __str__(self):
        return f"{int(self):,}".replace(",", ".") + "+"

    def __html__(self):
        return str(self)


def _count_limit() -> int:
    """The count cap of this request: list pages only, never below the rows
    up to two pages past the one asked for."""
    from flask import current_app, has_request_context

    if not has_request_context() or (request.endpoint or "").split(".")[-1] != "list":
        return 0
    cap = int(current_app.config.get("LIST_COUNT_CAP", 1000) or 0)
    if cap <= 0:
        return 0
    pages = [v for v in get_page_args().values() if isinstance(v, int)] or [0]
    sizes = [v for v in get_page_size_args().values() if isinstance(v, int)] or [100]
    return max(cap, (max(pages) + 2) * max(sizes))


def _delete_what_hangs_on(record):
    """A purged record's signature steps, assignments and notifications go
    with it, as its attachments do: they are keyed by (register, id), and
    SQLite gives a purged newest record's id to the next record, which would
    otherwise inherit them. The audit log keeps that they existed."""
    from app.core.assignment import Assignment
    from app.core.signing import SignatureStep
    from app.notify.models import Notification

    table, pk = record.__tablename__, record.id
    db.session.query(SignatureStep).filter_by(register=table, record_id=pk).delete(synchronize_session=False)
    db.session.query(Assignment).filter_by(register=table, record_id=pk).delete(synchronize_session=False)
    views = [entry.name for entry in REGISTRY if entry.model is type(record)]
    if views:
        db.session.query(Notification).filter(Notification.view_name.in_(views),
                                              Notification.record_id == pk).delete(synchronize_session=False)


class RegisterInterface(SQLAInterface):
    """FAB's SQLAlchemy interface with Turkish filters and ordering, choice
    filters, ``Time`` columns (equal / after / before) and ``eager``: nested
    many-to-one paths a list prints, loaded in the list's one query
    (``RegisterInterface(Visit, eager=["guest.institution"])``: a contact is
    shown with its institution), so a list page stays at one count and one
    select however many rows it shows."""

    filter_converter_class = TurkishFilterConverter

    def __init__(self, obj, session=None, eager=()):
        super().__init__(obj, session)
        self.eager = tuple(eager)

    def is_time(self, col_name):
        column = self.list_columns.get(col_name)
        return column is not None and isinstance(getattr(column, "type", None), Time)

    def _eager_options(self):
        options = []
        for path in self.eager:
            model, option = self.obj, None
            for name in path.split("."):
                attr = getattr(model, name)
                option = joinedload(attr) if option is None else option.joinedload(attr)
                model = attr.property.mapper.class_
            options.append(option)
        return options

    def apply_inner_select_joins(self, query, select_columns=None, aliases_mapping=None):
        query = super().apply_inner_select_joins(query, select_columns, aliases_mapping)
        options = self._eager_options()
        return query.options(*options) if options else query

    def get(self, id, filters=None, select_columns=None, outer_default_load=False):
        """One record by its id. Asked without filters (``_record_or_404``:
        show, edit, PDF, every action) it is the session's get — the identity
        map, then a select by key that SQLAlchemy keeps compiled — with the
        ``eager`` paths joined as a list loads them; FAB's get built a Filters
        object and a query every time. Prepared on PostgreSQL (its plan does
        not depend on the number). With filters (FAB's own views pass the
        view's base filters) or chosen columns, FAB's get: the filters apply."""
        from app.core.guards import parse_pk

        if select_columns or (filters is not None and (filters.filters or filters.values)) \
                or self.get_pk_name() != "id":
            return super().get(id, filters, select_columns, outer_default_load)
        number = parse_pk(id)
        if number is None:
            return None
        from app.core.db import PREPARED

        return self.session.get(self.obj, number, options=self._eager_options() or None,
                                execution_options=PREPARED)   # a select by key: prepared on PostgreSQL

    def is_choice(self, col_name):
        """A column with declared ``choices`` (or an approval state): filtered
        by "equal to / not equal to" with the labels, never "contains"."""
        if col_name == "state" and getattr(self.obj, "__approvable__", False):
            return True
        return col_name in (getattr(self.obj, "choices", None) or {})

    def get_values(self, lst, list_columns):
        # the list template leaves out the edit pencil of a record an edit would refuse
        for item, row in zip(lst, super().get_values(lst, list_columns)):
            row["__editable__"] = record_editable(item)
            yield row

    def add(self, item, commit=True):
        from app.core.saveerrors import saving

        with saving(self.session):
            result = super().add(item, commit)
        g.ozk_saved = item
        return result

    def edit(self, item, commit=True):
        from app.core.saveerrors import saving

        with saving(self.session):
            result = super().edit(item, commit)
        g.ozk_saved = item
        return result

    def query_count(self, query, filters=None, select_columns=None):
        """The list's record count, capped on list pages: beyond
        ``LIST_COUNT_CAP`` records (default 1000) the count stops counting and
        the page says "1.000+" (a broad search over a million rows costs a
        LIMIT, not an exact COUNT). The cap grows with the page asked for, so
        the pager always offers the next pages."""
        limit = _count_limit()
        if not limit:
            return super().query_count(query, filters, select_columns)
        inner = self._apply_inner_all(query, filters, select_columns=select_columns, aliases_mapping={})
        # only the key in the subquery: on both databases the archived/sort
        # index then answers it without reading the rows
        found = (inner.with_entities(*self.obj.__mapper__.primary_key)
                 .order_by(None).limit(limit + 1).count())
        return CappedCount(limit) if found > limit else found

    def apply_order_by(self, query, order_column, order_direction, aliases_mapping=None,
                       bypass_many_to_many=False, add_pk=False):
        if order_column and "." not in order_column and (
            self.is_string(order_column) or self.is_text(order_column)
        ):
            column = getattr(self.obj, order_column)
            dialect = self.session.get_bind().dialect.name
            ordered = turkish_order(column, dialect)
            if order_direction == "asc":
                return query.order_by(ordered.asc(), self.obj.id.asc())
            return query.order_by(ordered.desc(), self.obj.id.desc())
        return super().apply_order_by(query, order_column, order_direction, aliases_mapping,
                                      bypass_many_to_many, add_pk)


# ---------------------------------------------------------------------------
# View side
# ---------------------------------------------------------------------------

FAB_ROUTES_WE_DROP = [
    "delete", "download", "action", "action_post", "api", "api_read", "api_get",
    "api_create", "api_update", "api_delete", "api_column_add", "api_column_edit",
    "api_readvalues",
]


def _choice_formatter(mapping):
    """A choice column's label. ``cacheable``: the label depends on the value
    alone (and the request's language), so an export of 10,000 rows translates
    each state once, not 10,000 times."""
    def fmt(value):
        return str(mapping.get(value, value or ""))

    fmt.cacheable = True
    return fmt


def _masking_formatter(kind, inner=None):
    """Show a phone/identity number in full only to roles that need it
    (``roles.UNMASKED_ROLES``); everybody else sees it masked."""

    from app.core.personal import mask_identity, mask_name, mask_phone, may_see_personal
    from app.security.roles import UNMASKED_ROLES

    def viewer():
        # what the current user may see, worked out once per request and user
        # (a list page calls this formatter for every row: issue 19)
        user = getattr(g, "user", None)
        hit = g.get("_ozk_mask_viewer")
        if hit is None or hit[0] is not user:
            roles = {r.name for r in getattr(user, "roles", [])} if user is not None else set()
            hit = g._ozk_mask_viewer = (user, may_see_personal(), bool(roles & UNMASKED_ROLES))
        return hit

    def fmt(value):
        _user, personal, unmasked = viewer()
        if kind == "name":
            if personal:
                return inner(value) if inner else ("" if value is None else value)
            return mask_name(value)
        value = inner(value) if inner else value
        if value is None or unmasked:
            return "" if value is None else value
        return mask_identity(value) if kind == "identity" else mask_phone(value)

    return fmt


_ATTACHMENTS_STATEMENT = []


def _attachments_statement():
    """The record page's attachment rows, built once per process: a Core
    select with bound parameters (building it again on every record page
    cost more than running it)."""
    if not _ATTACHMENTS_STATEMENT:
        from sqlalchemy import bindparam

        from app.core.attachments import Attachment

        t = Attachment.__table__
        _ATTACHMENTS_STATEMENT.append(
            select(t.c.id, t.c.filename, t.c.size, t.c.uploaded_at)
            .where(t.c.register == bindparam("ozk_register"), t.c.record_id == bindparam("ozk_record"))
            .order_by(t.c.id))
    return _ATTACHMENTS_STATEMENT[0]


def _locked_message(item):
    message = getattr(item, "locked_message", None)
    return message() if message else "Bu kayıt kilitli; değiştirilemez."


def _approved_change_refusal(item, what):
    """Archive/attach on a locked record: never while it awaits approval;
    on an approved record only by the Müdür, with a reason (``reason`` in
    the form, written to the audit trail). None when allowed."""
    state = getattr(item, "lock_state", None) or getattr(item, "state", None)
    if not getattr(item, "is_locked", False) or state == approval.CANCELLED:
        return None
    if state == approval.PENDING:
        return ("Onay bekleyen kayda dosya eklenemez: önce kaydı onaydan geri çekin."
                if what == "attach" else
                "Onay bekleyen kayıt arşivlenemez: önce kaydı onaydan geri çekin.")
    if state != approval.APPROVED or not approval.is_director(g.user):
        return ("Onaylanmış kayda yalnızca Müdür, gerekçe yazarak dosya ekleyebilir."
                if what == "attach" else
                "Onaylanmış kaydı yalnızca Müdür, gerekçe yazarak arşivleyebilir.")
    reason = (request.form.get("reason") or "").strip()
    if not reason:
        return ("Onaylanmış kayda dosya eklemek için gerekçe yazın." if what == "attach" else
                "Onaylanmış kaydı arşivlemek için gerekçe yazın.")
    audit.record(item.__tablename__, item.id, what,
                 f"Onaylanmış kayıt; gerekçe: {reason[:250]}", commit=False)
    return None


def masked_for_user(model) -> set:
    """Columns of ``model`` the current user sees masked (KVKK): such a
    user may not filter, sort or quick-search on them either."""
    from app.security.roles import UNMASKED_ROLES

    fields = getattr(model, "masked_fields", {}) or {}
    if not fields:
        return set()
    user = getattr(g, "user", None)
    roles = {r.name for r in getattr(user, "roles", [])} if user is not None else set()
    masked = set()
    for column, kind in fields.items():
        if kind == "name":  # names: masked only for roles without personal data (app/core/personal.py)
            from app.core.personal import may_see_personal

            if not may_see_personal(user):
                masked.add(column)
        elif not roles & UNMASKED_ROLES:
            masked.add(column)
    return masked


def _masked_search(query, model, words):
    """Quick search for a user who sees fields masked: a word with a digit
    (what a phone or identity number is made of) must match the search key
    with those fields' values taken out, so masked digits are never found."""
    from sqlalchemy import func

    kinds = getattr(model, "masked_fields", {}) or {}
    # numbers only (phone, identity): a name has no digits to recover, and a
    # masked relation is not a column of this table
    masked = {c for c in masked_for_user(model) if kinds.get(c) != "name"}
    if not masked:
        return query
    for word in words:
        if not any(ch.isdigit() for ch in word):
            continue
        key = model.search_key
        for col in sorted(masked):
            key = func.replace(key, func.coalesce(fold_sql(getattr(model, col)), ""), "")
        query = query.filter(key.contains(word, autoescape=True))
    return query


def _fill_defaults(item):
    """A model's ``fill_defaults()`` (values derived on save: a due date, a
    completion date) runs before every add and edit, in one place."""
    fill = getattr(item, "fill_defaults", None)
    if fill is not None:
        fill()


def _blank_none(value):
    return "" if value is None else value


def format_time(value):
    """A ``Time`` column in lists and show pages: ``14:30``."""
    return value.strftime("%H:%M") if value else ""


def shorten(limit):
    """A list formatter that cuts a long text to ``limit`` characters (…)."""
    def fmt(value):
        text = str(value or "")
        return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
    return fmt


def picker(label, model, view_name):
    """A form field picking a record of another register by typing (served by
    that register's ``lookup``: Turkish-aware, active rows, its own rights).
    A many-to-one field without one gets the view's own ``pick`` picker."""
    from app.core.fields import AjaxSelectField

    return AjaxSelectField(label, model=model, endpoint=f"{view_name}.lookup")



class RegisterView(ModelView):
    """Base view of every register."""

    list_template = "register/list.html"
    show_template = "register/show.html"
    edit_template = "register/edit.html"
    add_template = "register/add.html"
    exclude_route_methods = set(FAB_ROUTES_WE_DROP)
    page_size = 25
    personal_data = False
    pdf_template: str | None = None    # e.g. "pdf/duty_slip.html"
    read_only = False                  # rows written by the system (e.g. custody history)
    export_columns: list | None = None  # defaults to list_columns
    add_row_message = _l("Record added.")
    edit_row_message = _l("Record updated.")
    list_widget = None  # set below (a list without edit pencils a save would refuse)
    search_widget = rendering.CachedSearchWidget  # FAB's, rendered once while no filter is active
    pick_fill: dict = {}  # {field: fn(chosen record) -> {other field: default}} (see pick)

    def __init__(self, **kwargs):
        apply_view_defaults(self)     # columns, labels, help texts from the fields' declarations
        if not self.base_filters:
            self.base_filters = [["id", RegisterListFilter, None]]
        self.edit_form_extra_fields = dict(self.edit_form_extra_fields or {})
        self.edit_form_extra_fields["record_version"] = HiddenField()
        self.edit_form_extra_fields["next_url"] = HiddenField()
        self.add_form_extra_fields = dict(self.add_form_extra_fields or {})
        self.add_form_extra_fields["next_url"] = HiddenField()
        if self.list_widget is None:
            self.list_widget = RegisterListWidget
        self._choice_search_fields()
        super().__init__(**kwargs)
        model = self.datamodel.obj
        if not getattr(model, "__approvable__", False):
            self.base_permissions = [p for p in self.base_permissions
                                     if p not in ("can_approve", "can_submit")]
        if not self.pdf_template:
            self.base_permissions = [p for p in self.base_permissions if p != "can_pdf"]
        if self.read_only:
            self.base_permissions = [p for p in self.base_permissions if p in READ_ONLY_PERMISSIONS]
        self._add_turkish_formatters()
        from app.core.saveerrors import guard_hooks

        guard_hooks(self)  # database errors in pre_add/pre_update: Turkish, not raw

    def _choice_search_fields(self):
        """"Filtre Ekle" on a choice or state column offers its labels."""
        from wtforms import SelectField
        from wtforms.validators import Optional

        model = self.datamodel.obj
        mappings = dict(getattr(model, "choices", None) or {})
        if getattr(model, "__approvable__", False):
            mappings.setdefault("state", approval.STATE_LABELS)
        extra = dict(self.search_form_extra_fields or {})
        labels = dict(self.label_columns or {})
        for col in self.search_columns or []:
            if col in mappings:
                label = labels.get(col) or (_l("Status") if col == "state" else col)
                extra[col] = SelectField(label, choices=[(k, str(v)) for k, v in mappings[col].items()],
                                         validators=[Optional()])
        self.search_form_extra_fields = extra

    def _add_turkish_formatters(self):
        formatters = dict(self.formatters_columns or {})
        columns = set(self.list_columns or []) | set(self.show_columns or [])
        for col in columns:
            if col in formatters or "." in col or not hasattr(self.datamodel.obj, col):
                continue
            if self.datamodel.is_date(col) or self.datamodel.is_datetime(col):
                formatters[col] = turkish.format_date
            elif self.datamodel.is_time(col):
                formatters[col] = format_time
            elif self.datamodel.is_numeric(col):
                info = getattr(getattr(self.datamodel.obj, col), "info", {}) or {}
                if info.get("money"):
                    formatters[col] = turkish.format_money
            elif self.datamodel.is_boolean(col):
                formatters[col] = lambda v: "Evet" if v else "Hayır"
            elif self.datamodel.is_integer(col) and col != "id":
                # 85200 km reads 85.200, as a Turkish clerk writes it
                formatters[col] = lambda v: "" if v is None else (
                    f"{v:,}".replace(",", ".") if abs(v) >= 10000 else str(v))
        for col, kind in (getattr(self.datamodel.obj, "masked_fields", {}) or {}).items():
            if col in columns:
                formatters[col] = _masking_formatter(kind, formatters.get(col))
        choices = dict(getattr(self.datamodel.obj, "choices", {}) or {})
        if getattr(self.datamodel.obj, "__approvable__", False):
            choices.setdefault("state", approval.STATE_LABELS)
        for col, mapping in choices.items():
            if col not in formatters:
                formatters[col] = _choice_formatter(mapping)
        for col in columns:
            if col not in formatters:
                formatters[col] = _blank_none
        self.formatters_columns = formatters

    # -- forms: business validation + optimistic locking ------------------
    def _init_forms(self):
        if "record_version" not in self.edit_columns:
            self.edit_columns = list(self.edit_columns) + ["record_version"]
        if self.edit_columns and "next_url" not in self.edit_columns:
            self.edit_columns = list(self.edit_columns) + ["next_url"]
        if self.add_columns and "next_url" not in self.add_columns:
            self.add_columns = list(self.add_columns) + ["next_url"]
        super()._init_forms()
        from app.core.fields import (choice_fields, html5_dates, optional_checkboxes, relation_pickers,
                                     turkish_decimals, turkish_integers)

        choices = getattr(self.datamodel.obj, "choices", {})
        html5_dates(self.search_form, split_time=False)   # "Filtre Ekle": dd.MM.yyyy too
        for form_cls in (self.add_form, self.edit_form):
            html5_dates(form_cls)
            optional_checkboxes(form_cls)
            turkish_decimals(form_cls)
            turkish_integers(form_cls)
            choice_fields(form_cls, choices)
            relation_pickers(form_cls, self)
            self._harden_form(form_cls)
        self.add_form = self._validating(self.add_form, editing=False)
        self.edit_form = self._validating(self.edit_form, editing=True)

    def _validating(self, form_cls, editing):
        view = self

        class RegisterForm(form_cls):
            def validate(self, extra_validators=None):
                ok = super().validate(extra_validators)
                record = view.datamodel.get(self._id) if editing and getattr(self, "_id", None) else None
                if editing and record is not None:
                    ok = view._check_version(self, record) and ok
                data = {name: f.data for name, f in self._fields.items()}
                errors = view.datamodel.obj.validate_data(data, record) or {}
                for name, message in errors.items():
                    target = self._fields.get(name)
                    if target is not None:
                        target.errors = list(target.errors) + [message]
                    else:
                        self.form_errors.append(message)
                    ok = False
                return ok

            @classmethod
            def refresh(cls, obj=None):
                # the fields added from the screen, as defined at this request
                from app.core.customfields import custom_form

                return custom_form(cls, view.datamodel.obj.__tablename__)(obj=obj)

        RegisterForm.__name__ = form_cls.__name__
        return RegisterForm

    def _check_version(self, form, record):
        sent = form._fields.get("record_version")
        if sent is None:
            return True
        if str(sent.data or "") != str(record.version):
            when = turkish.format_date(record.updated_at)
            message = (f"Bu kayıt siz açtıktan sonra {record.updated_by_name()} tarafından {when} "
                       "tarihinde değiştirildi. Değişiklikleriniz kaydedilmedi: sayfayı yeniden açıp "
                       "değişikliklerinizi tekrar uygulayın.")
            form.form_errors.append(message)
            flash(message, "danger")
            return False
        return True

    # -- hardening: database limits, control characters, save errors --------
    def _harden_form(self, form_cls):
        from app.core.fields import database_limits, text_inputs_clean

        text_inputs_clean(form_cls)
        database_limits(form_cls, self.datamodel.obj)

    def _add(self):
        from app.core.saveerrors import guarded_save

        return guarded_save(self, super()._add, editing=False)

    def _edit(self, pk):
        from app.core.saveerrors import guarded_save

        return guarded_save(self, lambda: super(RegisterView, self)._edit(pk), editing=True, pk=pk)

    def prefill_form(self, form, pk):
        record = self.datamodel.get(pk)
        if record is not None and "record_version" in form._fields:
            form.record_version.data = str(record.version)
        if "next_url" in form._fields:
            form.next_url.data = self._came_from()

    # -- forms: defaults, where the user came from, where they land ----------
    def _get_add_widget(self, form, exclude_cols=None, widgets=None):
        if request.method == "GET":
            self.add_defaults(form)
            if "next_url" in form._fields:
                form.next_url.data = self._came_from()
        widgets = widgets or {}
        widgets["add"] = self.add_widget(form=form, include_cols=self._custom("form").columns(self.add_columns),
                                         exclude_cols=exclude_cols or [], fieldsets=self.add_fieldsets)
        return widgets

    def _get_edit_widget(self, form, exclude_cols=None, widgets=None):
        widgets = widgets or {}
        widgets["edit"] = self.edit_widget(form=form, include_cols=self._custom("form").columns(self.edit_columns),
                                           exclude_cols=exclude_cols or [], fieldsets=self.edit_fieldsets)
        return widgets

    def _get_show_widget(self, pk, item, widgets=None, actions=None, show_fieldsets=None):
        overlay = self._custom("show")
        columns = overlay.columns(self.show_columns)
        widgets = widgets or {}
        widgets["show"] = self.show_widget(
            pk=pk, label_columns=overlay.label_columns, include_columns=columns,
            value_columns=self.datamodel.get_values_item(item, columns),
            formatters_columns=overlay.formatters_columns, actions=actions or self.actions,
            fieldsets=show_fieldsets or self.show_fieldsets, modelview_name=self.__class__.__name__)
        return widgets

    def custom_filter_inputs(self):
        """The list's filters on fields added from the screen (by the quick search)."""
        from app.core.customfields import filter_inputs

        return filter_inputs(self)

    def _custom(self, place):
        """This view with the fields added from the screen (app/core/customfields.py)."""
        from app.core.customfields import Overlay

        return Overlay(self, place)

    def add_defaults(self, form):
        """Sensible starting values of an empty add form: today's date in a
        required date field, text fields named in the address (``?name=…``,
        e.g. what was typed into a picker before "add it")."""
        from wtforms.fields import DateField, SelectField, StringField
        from wtforms.validators import DataRequired, InputRequired

        columns = self.datamodel.obj.__table__.columns
        for name, field in form._fields.items():
            if field.data not in (None, ""):
                continue
            required = any(isinstance(v, (DataRequired, InputRequired)) for v in field.validators)
            if isinstance(field, DateField) and required:
                field.data = dt.date.today()
            elif type(field) is StringField and request.args.get(name):
                field.data = request.args.get(name)[:200]
            elif isinstance(field, SelectField) and name in columns:
                # a choice with the model's default starts on it (a letter is "normal", not "Seçiniz…")
                default = columns[name].default
                if default is not None and getattr(default, "is_scalar", False):
                    field.data = default.arg

    def _safe_next(self, url):
        """Only this register's own list or record pages count as "where the user came from"."""
        from urllib.parse import urlsplit

        if not url:
            return None
        parts = urlsplit(url)
        if parts.scheme not in ("", "http", "https") or (parts.netloc and parts.netloc != request.host):
            return None
        base = self.route_base
        if parts.path.rstrip("/") == f"{base}/list" or parts.path.startswith(f"{base}/show/"):
            return parts.path + (f"?{parts.query}" if parts.query else "")
        return None

    def _came_from(self):
        return self._safe_next(request.args.get("next")) or self._safe_next(request.referrer) or ""

    def _landing(self):
        """After a successful save: the list the user came from (its filters
        and page kept) or the saved record; a dialog tells its opener."""
        item = g.pop("ozk_saved", None)
        if item is None:
            return redirect(request.url)  # not saved: the message says why; back to the form
        if request.args.get("_dialog"):
            return self.render_template("register/dialog_done.html", item=item, item_text=str(item))
        target = self._safe_next(request.form.get("next_url"))
        if target and f"{self.route_base}/show/" in target and not target.endswith(f"/show/{item.id}"):
            target = None   # never an unrelated record
        return redirect(target or url_for(f"{self.__class__.__name__}.show", pk=item.id))

    def post_add_redirect(self):
        return self._landing()

    def post_edit_redirect(self):
        return self._landing()

    def can_edit_record(self, item) -> bool:
        """Whether this user may open the record's edit form (the show page's
        Düzenle button and the list's pencil ask this)."""
        return self._can("edit") and not self.read_only and record_editable(item)

    def pre_add(self, item):
        _fill_defaults(item)

    def pre_update(self, item):
        if getattr(item, "is_locked", False):
            raise approval.ApprovalError(_locked_message(item))
        _fill_defaults(item)

    def render_template(self, template, **kwargs):
        kwargs.setdefault("view", self)
        if "title" in kwargs:   # a lazy title, printed 2-3 times: translated once
            kwargs["title"] = rendering.label_text(kwargs["title"])
        return super().render_template(template, **kwargs)


    # -- helpers -----------------------------------------------------------
    def _record_or_404(self, pk):
        from app.core.guards import parse_pk

        number = parse_pk(pk)
        if number is None:
            abort(404)
        item = self.datamodel.get(number)   # the session's get (RegisterInterface.get)
        if item is None:
            abort(404)
        return item

    def _back(self, item):
        return redirect(url_for(f"{self.__class__.__name__}.show", pk=item.id))

    def _commit(self, item, message):
        try:
            db.session.commit()
            flash(message, "success")
        except Exception:  # noqa: BLE001 - shown to the user, nothing half-saved
            db.session.rollback()
            flash("Kayıt sırasında bir hata oluştu; hiçbir değişiklik kaydedilmedi.", "danger")
        return self._back(item)

    # -- read/edit overrides -----------------------------------------------
    @expose("/edit/<pk>", methods=["GET", "POST"])
    @has_access
    def edit(self, pk):
        item = self._record_or_404(pk)
        if getattr(item, "is_locked", False):
            flash(_locked_message(item), "warning")
            return self._back(item)
        if item.archived:
            flash("Arşivdeki kayıt değiştirilemez; önce geri yüklenmelidir.", "warning")
            return self._back(item)
        return super().edit(pk)

    @expose("/show/<pk>", methods=["GET"])
    @has_access
    def show(self, pk):
        item = self._record_or_404(pk)
        # FAB's _show() would load the record a second time; the rest is its body
        widgets = self._get_show_widget(item.id, item)
        self.update_redirect()
        widgets = self._get_related_views_widgets(
            item, orders=get_order_args(), pages=get_page_args(),
            page_sizes=get_page_size_args(), widgets=widgets)
        if self.personal_data:
            audit.record(item.__tablename__, item.id, "read", item.audit_reference())
        approvable = getattr(item, "__approvable__", False)
        title, chain = approval.approver_title(g.user) if approvable else None, {}
        if approvable and signing.has_chain(item):
            # a declared signature chain: the buttons are for whoever holds the current step
            chain = {"signature_steps": signing.steps(item), "sign_label": signing.sign_label(item)}
            if item.state == approval.PENDING:
                title = signing.acting_title(item, g.user)
        history, history_more = self._show_history(item) if self._can("history") else (None, False)
        return self.render_template(
            self.show_template, pk=item.id, title=self.show_title, widgets=widgets,
            related_views=self._related_views, item=item,
            history=history, history_more=history_more,
            attachments=self._attachments(item) if self._can("attachments") else None,
            approver_title=title, **chain,
            **assignviews.show_context(self, item),
        )

    # -- masked fields: no filter, sort or search on them for roles that see them masked
    def _refuse_masked_args(self):
        import re

        masked = masked_for_user(self.datamodel.obj)
        if not masked:
            return
        name = self.__class__.__name__
        for arg in request.args:
            match = re.fullmatch(r"_flt_\d+_(.+)", arg)
            column = match.group(1) if match else None
            if column is None and arg == f"_oc_{name}":
                column = request.args.get(arg)
            if column in masked:
                from flask import make_response, render_template

                label = self.label_columns.get(column, column)
                text = (f"“{label}” alanını maskeli görüyorsunuz; bu alanda filtreleme veya "
                        "sıralama yapamazsınız.")
                html = render_template("error.html", code=400, title="Geçersiz istek", text=text,
                                       appbuilder=self.appbuilder,
                                       base_template=self.appbuilder.base_template)
                abort(make_response(html, 400))

    def _list(self, **kwargs):
        self._refuse_masked_args()
        widgets = super()._list(**kwargs)
        from app.core.customfields import hidden_builtins

        # "Filtre Ekle" offers neither a field the user sees masked nor one Bilgi İşlem hid
        dropped = masked_for_user(self.datamodel.obj) | hidden_builtins(self.datamodel.obj.__tablename__)
        if dropped and widgets.get("search") is not None:
            args = widgets["search"].template_args
            args["include_cols"] = [c for c in args.get("include_cols") or [] if c not in dropped]
        return widgets

    def _get_list_widget(self, filters, order_column="", order_direction="", page=None,
                         page_size=None, widgets=None, **kwargs):
        # FAB's body, with the columns added from the screen
        widgets = widgets or {}
        page_size = page_size or self.page_size
        if not order_column and self.base_order:
            order_column, order_direction = self.base_order
        joined_filters = filters.get_joined_filters(self._base_filters)
        count, lst = self.datamodel.query(joined_filters, order_column, order_direction, page=page,
                                          page_size=page_size)
        pks = [self._serialize_pk_if_composite(pk) for pk in self.datamodel.get_keys(lst)]
        overlay = self._custom("list")
        columns = overlay.columns(self.list_columns)
        widgets["list"] = self.list_widget(
            label_columns=overlay.label_columns, include_columns=columns,
            value_columns=self.datamodel.get_values(lst, columns), order_columns=self.order_columns,
            formatters_columns=overlay.formatters_columns, page=page, page_size=page_size, count=count,
            pks=pks, actions=kwargs.pop("actions", None) or self.actions, filters=filters,
            modelview_name=self.__class__.__name__, **kwargs)
        listing = widgets.get("list")
        if listing is not None:
            args = listing.template_args
            masked = masked_for_user(self.datamodel.obj)
            if masked:
                args["order_columns"] = [c for c in args.get("order_columns") or [] if c not in masked]
            args["locked_pks"] = self._locked_pks(args.get("pks") or [])
        return widgets

    def _locked_pks(self, pks):
        """Rows the list offers no edit pencil for (pending/approved/cancelled
        or archived: the edit would be refused). Reads the identity map: the
        rows were just loaded by the list query."""
        model = self.datamodel.obj
        locked = set()
        for pk in pks:
            item = db.session.identity_map.get(db.session.identity_key(model, pk)) if pk is not None else None
            if item is not None and (getattr(item, "is_locked", False) or item.archived):
                locked.add(pk)
        return locked

    def _can(self, action):
        return self.appbuilder.sm.has_access(f"can_{action}", self.class_permission_name)

    #: the show page's history panel: the latest changes, never the views ("read")
    #: of a personal-data record, which grow with every visit; the history page
    #: (``/history/<pk>``) holds everything, HISTORY_PAGE_SIZE entries a page
    SHOW_HISTORY_ENTRIES = 20
    HISTORY_PAGE_SIZE = 100

    def _history_entries(self, item, limit=None, offset=0, reads=True):
        from app.core.auditviews import describe

        query = audit.entries_of(item.__tablename__, item.id)
        if not reads:
            query = query.filter(audit.AuditEntry.action != "read")
        query = query.order_by(audit.AuditEntry.at.desc(), audit.AuditEntry.id.desc())
        if offset:
            query = query.offset(offset)
        if limit:
            query = query.limit(limit)
        return describe(query.all(), view=self)

    def _show_history(self, item):
        """(entries, more): the latest changes for the show page; ``more`` when
        older ones exist (the panel then links to the full history)."""
        entries = self._history_entries(item, limit=self.SHOW_HISTORY_ENTRIES + 1, reads=False)
        return entries[:self.SHOW_HISTORY_ENTRIES], len(entries) > self.SHOW_HISTORY_ENTRIES

    def _attachments(self, item):
        """What the record page lists of its attachments (id, name, size, date):
        plain rows, not Attachment objects (the page reads four columns)."""
        return db.session.connection().execute(
            _attachments_statement(), {"ozk_register": item.__tablename__, "ozk_record": item.id}).all()

    # -- approval ----------------------------------------------------------
    def _transition(self, pk, fn, message, *args, **kwargs):
        item = self._record_or_404(pk)
        try:
            fn(item, g.user, *args, **kwargs)
        except approval.ApprovalError as exc:
            db.session.rollback()
            flash(str(exc), "danger")
            return self._back(item)
        return self._commit(item, message)

    @expose("/submit/<pk>", methods=["POST"])
    @has_access
    def submit(self, pk):
        return self._transition(pk, approval.submit, "Kayıt Müdür onayına gönderildi.")

    @expose("/withdraw/<pk>", methods=["POST"])
    @has_access
    @permission_name("submit")
    def withdraw(self, pk):
        """Onay bekleyen kaydı taslağa geri çek (then edit and submit again)."""
        return self._transition(pk, approval.withdraw,
                                "Kayıt onaydan geri çekildi; taslak olarak düzenleyebilirsiniz.",
                                may_edit=self._can("edit"))

    # approve/reject carry the version the approver saw (hidden field); a
    # request without it counts as stale
    @expose("/approve/<pk>", methods=["POST"])
    @has_access
    def approve(self, pk):
        return self._transition(pk, approval.approve, "Kayıt onaylandı.", request.form.get("note"),
                                version=request.form.get("version", ""))

    @expose("/reject/<pk>", methods=["POST"])
    @has_access
    @permission_name("approve")
    def reject(self, pk):
        return self._transition(pk, approval.reject, "Kayıt reddedildi.", request.form.get("reason"),
                                version=request.form.get("version", ""))

    @expose("/reopen/<pk>", methods=["POST"])
    @has_access
    @permission_name("approve")
    def reopen(self, pk):
        return self._transition(pk, approval.reopen, "Kayıt yeniden açıldı.", request.form.get("reason"))

    # -- undo one's own archive the same day ---------------------------------
    def archived_by_me_today(self, item) -> bool:
        if not item.archived or not item.archived_at or item.archived_at.date() != dt.date.today():
            return False
        last = (audit.entries_of(item.__tablename__, item.id).filter(audit.AuditEntry.action == "archive")
                .order_by(audit.AuditEntry.id.desc()).first())
        return last is not None and last.user_id == getattr(g.user, "id", None)

    @expose("/unarchive/<pk>", methods=["POST"])
    @has_access
    @permission_name("archive")
    def unarchive(self, pk):
        """A clerk takes back their own archive on the same day; otherwise
        the message says who can."""
        item = self._record_or_404(pk)
        if not item.archived:
            flash("Kayıt arşivde değil.", "info")
            return self._back(item)
        if not self.archived_by_me_today(item):
            flash("Arşivlemeyi yalnızca arşivleyen kişi aynı gün geri alabilir; bu kaydı arşivden "
                  "Müdür geri yükleyebilir.", "warning")
            return self._back(item)
        item.archived, item.archived_at = False, None
        return self._commit(item, "Arşivleme geri alındı; kayıt yeniden etkin.")

    # -- archive -----------------------------------------------------------
    @expose("/archive/<pk>", methods=["POST"])
    @has_access
    def archive(self, pk):
        item = self._record_or_404(pk)
        if item.archived:
            flash("Kayıt zaten arşivde.", "info")
            return self._back(item)
        refusal = _approved_change_refusal(item, "archive")
        if refusal:
            flash(refusal, "danger")
            return self._back(item)
        item.archived, item.archived_at = True, dt.datetime.now()
        return self._commit(item, "Kayıt arşivlendi.")

    @expose("/restore/<pk>", methods=["POST"])
    @has_access
    def restore(self, pk):
        item = self._record_or_404(pk)
        item.archived, item.archived_at = False, None
        return self._commit(item, "Kayıt arşivden geri yüklendi.")

    @expose("/purge/<pk>", methods=["POST"])
    @has_access
    def purge(self, pk):
        item = self._record_or_404(pk)
        if not item.archived:
            flash("Yalnızca arşivdeki kayıt kalıcı olarak silinebilir.", "danger")
            return self._back(item)
        from app.core.attachments import delete_files_of

        try:
            delete_files_of(item)
            _delete_what_hangs_on(item)
            db.session.delete(item)
            db.session.commit()
        except Exception:  # noqa: BLE001
            db.session.rollback()
            flash("Kayıt silinemedi (başka kayıtlar bu kayda bağlı olabilir).", "danger")
            return self._back(item)
        flash("Kayıt kalıcı olarak silindi; işlem denetim kaydına yazıldı.", "success")
        return redirect(url_for(f"{self.__class__.__name__}.list"))

    # -- history -------------------------------------------------------------
    @expose("/history/<pk>")
    @has_access
    def history(self, pk):
        item = self._record_or_404(pk)
        size = self.HISTORY_PAGE_SIZE
        total = audit.entries_of(item.__tablename__, item.id).count()
        pages = max(1, -(-total // size))
        page = min(max(request.args.get("page", 1, type=int) or 1, 1), pages)
        return self.render_template("register/history.html", item=item, view=self,
                                    history=self._history_entries(item, limit=size, offset=(page - 1) * size),
                                    page=page, pages=pages, total=total,
                                    title=f"{self.show_title}: Geçmiş")

    # -- export --------------------------------------------------------------
    def _filtered_rows(self, limit=None):
        """(total count, rows up to ``limit``) of the list as filtered now."""
        from flask_appbuilder.urltools import get_filter_args, get_order_args

        self._refuse_masked_args()
        get_filter_args(self._filters)
        order = get_order_args().get(self.__class__.__name__)
        order_column, order_direction = order if order else (self.base_order or ("", ""))
        joined = self._filters.get_joined_filters(self._base_filters)
        limit = limit or current_app.config.get("EXPORT_MAX_ROWS", 50000)
        return self.datamodel.query(joined, order_column, order_direction, page=0, page_size=limit)

    def _register_title(self):
        for entry in REGISTRY:
            if entry.view is type(self):
                return str(entry.label)
        return str(self.list_title)

    def _filters_text(self):
        """The filters of the current list in words (printed under export titles)."""
        parts = []
        q = (request.args.get("q") or "").strip()
        if q:
            parts.append(f'Arama: "{q}"')
        if request.args.get("archived") == "1":
            parts.append("Arşivdeki kayıtlar")
        if request.args.get("created_from") or request.args.get("created_to"):
            from app.formatting import iso_day

            parts.append(f"Kayıt tarihi: {iso_day(request.args.get('created_from', ''))} – "
                         f"{iso_day(request.args.get('created_to', ''))}")
        choices = dict(getattr(self.datamodel.obj, "choices", {}) or {})
        if getattr(self.datamodel.obj, "__approvable__", False):
            choices.setdefault("state", approval.STATE_LABELS)
        for flt, value in self._filters.get_filters_values():
            label = str(self.label_columns.get(flt.column_name, flt.column_name))
            values = value if isinstance(value, list) else [value]   # FAB keeps a list per filter
            shown = ", ".join(str(choices.get(flt.column_name, {}).get(v, v)) for v in values)
            parts.append(f"{label} {str(flt.name).lower()}: {shown}")
        from app.core.customfields import filters_text

        parts.extend(filters_text(self.datamodel.obj, request.args))
        return ", ".join(parts)

    def _export_table(self, limit=None):
        from app.core.export import table_for

        overlay = self._custom("export")
        columns = overlay.columns(self.export_columns or self.list_columns)
        count, rows = self._filtered_rows(limit)
        table = table_for(overlay, columns, rows, title=str(self.list_title), filters=self._filters_text())
        return count, table

    def _export_audit(self, kind, rows):
        audit.record(self.datamodel.obj.__tablename__, None, "export",
                     f"{kind}, {rows} satır", {"args": request.args.to_dict()})

    @expose("/export.csv")
    @has_access
    @permission_name("export")
    def export_csv(self):
        from app.core.export import table_response

        _, table = self._export_table()
        self._export_audit("CSV", len(table.rows))
        return table_response(table, "csv", self._export_name())

    @expose("/export.xlsx")
    @has_access
    @permission_name("export")
    def export_xlsx(self):
        from app.core.export import ExportBusy, busy_response, heavy_export, table_response

        try:
            with heavy_export(g.user.id):
                _, table = self._export_table()
                self._export_audit("XLSX", len(table.rows))
                return table_response(table, "xlsx", self._export_name())
        except ExportBusy:
            return busy_response()

    @expose("/export.pdf")
    @has_access
    @permission_name("export")
    def list_pdf(self):
        from app.core.export import ExportBusy, busy_response, heavy_export

        cap = int(current_app.config.get("PDF_LIST_MAX_ROWS", 2000))
        inline = int(current_app.config.get("PDF_LIST_INLINE_ROWS", 1000))
        try:
            with heavy_export(g.user.id):
                if exportjobs.busy(g.user.id):
                    raise ExportBusy()
                count, table = self._export_table(limit=cap + 1)
                if count > cap:
                    return self._pdf_too_large(count, cap)
                self._export_audit("PDF liste", len(table.rows))
                if len(table.rows) <= inline:
                    return self._list_pdf_response(table)
                # a long list is laid out by a background process: no web worker waits for it
                job = exportjobs.start(self.__class__.__name__, g.user.id, table.title,
                                       f"{self._export_name()}.pdf", self._list_pdf_payload(table))
                return redirect(url_for(f"{self.__class__.__name__}.export_job", token=job.token))
        except ExportBusy:
            return busy_response()

    def _list_pdf_payload(self, table):
        from app.core import turkish
        from app.core.documents import letterhead
        from app.core.pdf import list_cell_text

        kinds = list(table.kinds)
        totals = table.money_totals() if "money" in kinds else None
        lh = letterhead()
        return {
            "title": str(table.title), "headers": [str(h) for h in table.headers], "kinds": kinds,
            "rows": [[list_cell_text(v, k) for v, k in zip(row, kinds)] for row in table.rows],
            "totals": [None if t is None else list_cell_text(t, kinds[c]) for c, t in enumerate(totals)]
            if totals else None,
            "filters": table.filters or "", "date_text": turkish.format_day(dt.date.today()),
            "letterhead": {"municipality": lh.get("municipality"), "unit": lh.get("unit")},
        }

    @expose("/export-job/<token>")
    @has_access
    @permission_name("export")
    def export_job(self, token):
        """The page of a list PDF being made: refreshes itself until the file is ready."""
        job = self._own_export_job(token)
        state = job.shown_state
        name = self.__class__.__name__
        html = self.render_template(
            "register/export_job.html", job=job, state=state, title=job.title,
            file_url=url_for(f"{name}.export_job_file", token=job.token),
            back_url=url_for(f"{name}.list"),
            keep_hours=f"{float(current_app.config.get('EXPORT_JOB_KEEP_HOURS', 24)):g}".replace(".", ","))
        response = current_app.make_response(html)
        if state in (exportjobs.QUEUED, exportjobs.RUNNING):
            response.headers["Refresh"] = "2"
        response.headers["Cache-Control"] = "no-store"
        return response

    @expose("/export-job/<token>/file")
    @has_access
    @permission_name("export")
    def export_job_file(self, token):
        from app.core.pdf import pdf_response

        job = self._own_export_job(token)
        if job.shown_state != exportjobs.DONE or job.content is None:
            return redirect(url_for(f"{self.__class__.__name__}.export_job", token=job.token))
        return pdf_response(job.content, filename=job.filename)

    def _own_export_job(self, token):
        """This user's list PDF job of this register, or 404 (another user's too)."""
        job = exportjobs.owned(token, self.__class__.__name__, g.user.id)
        if job is None:
            abort(404)
        return job

    def _pdf_too_large(self, count, cap):
        qs = request.query_string.decode()
        xlsx = url_for(f"{self.__class__.__name__}.export_xlsx") + (f"?{qs}" if qs else "")
        back = url_for(f"{self.__class__.__name__}.list") + (f"?{qs}" if qs else "")
        return self.render_template("register/export_too_large.html", count=count, cap=cap,
                                    xlsx_url=xlsx, back_url=back, title=str(self.list_title))

    def _list_pdf_response(self, table):
        from app.core.documents import letterhead
        from app.core.pdf import pdf_response, render_list_pdf

        pdf = render_list_pdf(table.title, table.headers, table.rows, table.kinds,
                              filters=table.filters, letterhead=letterhead(),
                              totals=table.money_totals() if "money" in table.kinds else None)
        return pdf_response(pdf, filename=f"{self._export_name()}.pdf")

    def _export_name(self):
        from app.core.export import export_filename

        return export_filename(self._register_title())

    # -- attachments ---------------------------------------------------------
    @expose("/attachments/<pk>", methods=["POST"])
    @has_access
    @permission_name("attachments")
    def upload(self, pk):
        from app.core.attachments import AttachmentError, save_upload

        item = self._record_or_404(pk)
        if not self._can("edit") or item.archived:
            flash("Bu kayda dosya ekleme yetkiniz yok.", "danger")
            return self._back(item)
        refusal = _approved_change_refusal(item, "attach")
        if refusal:
            flash(refusal, "danger")
            return self._back(item)
        try:
            save_upload(item, request.files.get("file"))
        except AttachmentError as exc:
            db.session.rollback()
            flash(str(exc), "danger")
            return self._back(item)
        return self._commit(item, "Dosya eklendi.")

    @expose("/attachment/<pk>/<int:attachment_id>")
    @has_access
    @permission_name("attachments")
    def attachment(self, pk, attachment_id):
        from app.core.attachments import send_attachment

        item = self._record_or_404(pk)
        return send_attachment(item, attachment_id)

    # -- lookup (autocomplete for other registers' forms) ----------------------
    @expose("/lookup")
    @has_access
    @permission_name("list")
    def lookup(self):
        from flask import jsonify

        return jsonify(results=lookup_results(self.datamodel.obj, request.args.get("q", "")))

    @expose("/pick")
    @has_access
    @permission_name("list")
    def pick(self):
        """Choices for a many-to-one field of this register's forms
        (``?f=driver&q=…``): active rows only, by name, searched like the
        quick search; ``fill`` carries defaults for other fields (pick_fill)."""
        from flask import jsonify

        name = request.args.get("f", "")
        form_columns = set(self.add_columns or []) | set(self.edit_columns or [])
        if name not in form_columns or not self.datamodel.is_relation_many_to_one(name):
            abort(404)
        model = self.datamodel.get_related_model(name)
        results = lookup_results(model, request.args.get("q", ""))
        fill = self.pick_fill.get(name)
        if fill is not None:
            for row in results:
                row["fill"] = fill(db.session.get(model, row["id"])) or {}
        return jsonify(results=results)

    # -- PDF -----------------------------------------------------------------
    @expose("/pdf/<pk>")
    @has_access
    def pdf(self, pk):
        from app.core.documents import record_pdf_response

        item = self._record_or_404(pk)
        return record_pdf_response(self, item)

    def pdf_context(self, item) -> dict:
        """Override per register: fields/signatures/extra for the template."""
        return {}

    def state_badge(self, item):
        return getattr(item, "state_label", lambda: "")()


def lookup_results(model, text, limit=20):
    """Rows of ``model`` a picker offers for ``text``: not archived, active
    when the model has ``active``, searched like the quick search, ordered by
    name (Turkish collation)."""
    from flask_appbuilder.security.sqla.models import User
    from sqlalchemy import func as sqlfunc

    query = db.session.query(model)
    if hasattr(model, "archived"):
        query = query.filter(model.archived.is_(False))
    active = getattr(model, "active", None)
    if active is not None and isinstance(getattr(active, "type", None), Boolean):
        query = query.filter(active.is_(True))
    dialect = db.session.get_bind().dialect.name
    if hasattr(model, "search_key"):
        query = search_filter(query, model, text)
        query = _masked_search(query, model, turkish.fold(text).split()[:6])
        from sqlalchemy.orm import ColumnProperty
        from sqlalchemy.orm.attributes import InstrumentedAttribute

        order = getattr(model, "lookup_order", None)
        for name in ("name", "plate", "title", "item"):
            if order is not None:
                break
            candidate = getattr(model, name, None)
            if isinstance(candidate, InstrumentedAttribute) and isinstance(candidate.property, ColumnProperty):
                order = candidate
        if order is None:
            order = model.id
        if hasattr(order, "type") and isinstance(order.type, String):
            order = turkish_order(order, dialect)
        orders = [order]
    elif model is User:
        whole = User.first_name + " " + User.last_name + " " + User.username
        for word in turkish.fold(text).split()[:6]:
            query = query.filter(fold_sql(whole).contains(word, autoescape=True))
        orders = [turkish_order(User.first_name, dialect), turkish_order(User.last_name, dialect)]
    else:
        orders = [sqlfunc.coalesce(model.id, 0)]
    items = query.order_by(*orders).limit(limit).all()
    from app.core.personal import safe_label

    return [{"id": i.id, "text": safe_label(i)} for i in items]


def trigram_index(table: str):
    """Index for the quick search on ``search_key``: a trigram GIN index on
    PostgreSQL (serves ``LIKE '%…%'``); a plain index elsewhere."""
    from sqlalchemy import Index

    return Index(f"ix_{table}_search_trgm", "search_key", postgresql_using="gin",
                 postgresql_ops={"search_key": "gin_trgm_ops"})


def turkish_sort_index(table: str, column: str):
    """Index that serves ``ORDER BY column COLLATE "tr-x-icu", id`` on
    PostgreSQL (a list sorted by a text column reads 25 rows instead of
    sorting the table). SQLite keeps the plain column index."""
    from sqlalchemy import Index, text

    return Index(f"ix_{table}_{column}_tr", text(f'{column} COLLATE "tr-x-icu"'), text("id")
                 ).ddl_if(dialect="postgresql")


from flask_appbuilder.widgets import ListWidget  # noqa: E402


class RegisterListWidget(ListWidget):
    """FAB's list widget without the edit pencil on rows an edit would refuse
    (archived, awaiting approval, approved: ``record_editable``)."""

    template = "register/_list_widget.html"
