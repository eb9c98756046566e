"""A register's fields, declared once next to the column.

A column (or relationship) carries its label, help text, choices, KVKK flags
and where it appears in ``info=field(...)``; the register's view derives its
``list/show/add/edit/search/order_columns``, ``label_columns``,
``description_columns``, choice filters and formatters from them, and the
model derives ``choices``, ``search_fields``, ``personal_fields``,
``masked_fields`` and ``<column>_label``::

    class Subscription(Register, Approvable, Numbered, Model):
        __tablename__ = "subscription"
        number_prefix = "AB"
        publication = Column(String(200), nullable=False,
                             info=field(_l("Publication"), list=True, search=True, order=True))
        kind = Column(String(10), nullable=False, default="gazete",
                      info=field(_l("Kind"), choices=KINDS, list=True, search=True))
        cost = Column(Numeric(12, 2), info=field(_l("Cost (TL)"), money=True, list=True, order=True))

    @register("office", _l("Subscriptions"), icon="fa-newspaper-o")
    class SubscriptionView(RegisterView):
        datamodel = RegisterInterface(Subscription)
        base_order = ("end_date", "asc")      # only what differs from the derived default

A value computed in Python (not a column) is declared with ``@computed``.
What a view sets itself always wins over what is derived (a view that sets
``list_columns`` exports that list unless it sets ``export_columns`` too).

Order on the screens: ``place`` puts a field first / in the head / the body
/ the tail of the record's page and forms (declaration order within each);
``list_place`` does the same for the list only (a date that opens the list
but comes after the names in the form: ``list_place="head"``). The core's
mixin fields frame the register's own: the number first, the approval
state and decision in the head of the record's page and last in the list,
the created/updated stamps last.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass

from sqlalchemy import Column
from sqlalchemy.orm import QueryableAttribute

_SEQUENCE = itertools.count()
PLACES = {"first": 0, "head": 1, "body": 2, "tail": 3}


@dataclass(frozen=True, eq=False)
class FieldSpec:
    """Everything the screens need to know about one field."""

    label: object
    help: object = None
    choices: dict | None = None   # {stored value: label}: a select box, "eşittir" filters, labels in lists
    money: bool = False           # 1.234,56 ₺ in lists, Turkish notation in forms, money cells in XLSX
    personal: bool = False        # KVKK: personal data (retention, anonymisation, personal-data roles)
    masked: str | None = None     # KVKK: "phone" | "identity" | "name": masked for roles without the right
    list: bool = False            # a column of the list (and of exports, unless ``export`` says otherwise)
    show: bool = True             # on the record's page
    form: bool = True             # on the add and edit forms
    search: bool = False          # a "Filtre Ekle" field and part of the quick-search key
    filter: bool = False          # a "Filtre Ekle" field only (dates, yes/no)
    key: bool = False             # part of the quick-search key only
    order: bool = False           # the list can be sorted by it
    export: bool | None = None    # in CSV/XLSX/PDF exports (default: when in the list)
    place: str = "body"           # "first" | "head" | "body" | "tail" on the record's page and in forms
    list_place: str | None = None  # the same in the list (default: ``place``)
    seq: int = 0                  # declaration order

    @property
    def exported(self):
        return self.list if self.export is None else self.export


def field(label, **options) -> dict:
    """``info=`` of a column or relationship: the field's declaration.
    Extra flags other core code reads from ``info`` (``money``) are set too."""
    spec = FieldSpec(label, seq=next(_SEQUENCE), **options)
    info = {"ozk": spec}
    if spec.money:
        info["money"] = True
    return info


class _Computed(property):
    spec: FieldSpec | None = None


def computed(label, **options):
    """A read-only value computed in Python, declared like a column::

        @computed(_l("Guest's institution"), list=True)
        def guest_institution(self): ...
    """
    options.setdefault("form", False)
    spec = FieldSpec(label, seq=next(_SEQUENCE), **options)

    def wrap(fget):
        prop = _Computed(fget, doc=fget.__doc__)
        prop.spec = spec
        return prop

    return wrap


def _spec_of(value):
    if isinstance(value, QueryableAttribute):
        prop = value.prop
        info = dict(getattr(prop, "info", {}) or {})
        columns = getattr(prop, "columns", None)
        if columns:
            info = {**(columns[0].info or {}), **info}
        return info.get("ozk")
    if isinstance(value, _Computed):
        return value.spec
    info = getattr(value, "info", None)     # a mixin's Column or relationship
    return info.get("ozk") if isinstance(info, dict) else None


_CACHE: dict = {}


def _order(place, spec, inherited):
    """Screen order: first, head, body, tail; declaration order within each,
    except that the core's tail fields (the status in lists, the stamps)
    close the screen after a register's own tail fields."""
    return PLACES[place], spec in inherited and place == "tail", spec.seq


def _collect(model):
    """({name: FieldSpec}, the specs declared by the core's mixins)."""
    cached = _CACHE.get(model)
    if cached is not None:
        return cached
    found, inherited = {}, set()
    for klass in reversed(model.__mro__):
        for name, value in vars(klass).items():
            if name.startswith("__"):
                continue
            if isinstance(value, (Column, QueryableAttribute)):
                value = getattr(model, name, value)   # the mapped copy of a mixin's column
            spec = _spec_of(value)
            if spec is not None:
                found[name] = spec
                if "__tablename__" not in vars(klass):
                    inherited.add(spec)      # declared by a mixin (number, state, stamps)
    if "_sa_class_manager" in vars(model):     # mapped: the set of fields is final
        _CACHE[model] = found, inherited
    return found, inherited


def declared_fields(model, own=False) -> dict:
    """{name: FieldSpec} of a model, in screen order (first, head, body, tail;
    declaration order within each). ``own=True``: only the fields the
    register itself declares (not those of the core's mixins)."""
    cached = _CACHE.get((model, own))
    if cached is not None:
        return cached
    found, inherited = _collect(model)
    ordered = sorted(found.items(), key=lambda kv: _order(kv[1].place, kv[1], inherited))
    fields = {n: s for n, s in ordered if not (own and s in inherited)}
    if model in _CACHE:     # mapped: final
        _CACHE[(model, own)] = fields
    return fields


def list_order(model) -> list:
    """Every declared field's name in list order (``list_place`` where
    given, else ``place``)."""
    found, inherited = _collect(model)
    ordered = sorted(found.items(), key=lambda kv: _order(kv[1].list_place or kv[1].place, kv[1], inherited))
    return [name for name, _ in ordered]


# -- what the model derives -----------------------------------------------------


def model_choices(model) -> dict:
    return {name: spec.choices for name, spec in declared_fields(model).items() if spec.choices}


def model_search_fields(model) -> tuple:
    names = []
    for name, spec in declared_fields(model).items():
        if spec.search or spec.key:
            names.append(f"{name}_label" if spec.choices else name)
    return tuple(names)


def model_personal_fields(model) -> tuple:
    return tuple(name for name, spec in declared_fields(model).items() if spec.personal)


def model_masked_fields(model) -> dict:
    return {name: spec.masked for name, spec in declared_fields(model).items() if spec.masked}


def model_headline(model) -> dict:
    """What names a record in one line where the record itself is not loaded
    (the home page's "My submissions"): the first plain text column the
    register lists (``text``); a register listing none is named by its first
    listed choice and date (``choice``, ``date``). Masked fields never."""
    from sqlalchemy import Date, DateTime, String, Text

    found = {}
    own = declared_fields(model, own=True)
    for name in list_order(model):
        spec = own.get(name)
        columns = getattr(getattr(getattr(model, name, None), "prop", None), "columns", None)
        if spec is None or not spec.list or spec.masked or not columns or name == "number":
            continue
        kind = columns[0].type
        if spec.choices:
            found.setdefault("choice", name)
        elif isinstance(kind, (Date, DateTime)):
            found.setdefault("date", name)
        elif isinstance(kind, (String, Text)):
            found.setdefault("text", name)
    return {"text": found["text"]} if "text" in found else found


class derived:
    """A class attribute of ``Register`` computed from the declarations
    unless the model sets it itself (``choices = {...}`` still works)."""

    def __init__(self, fn):
        self.fn = fn
        self.cache = {}

    def __get__(self, obj, owner):
        try:
            return self.cache[owner]
        except KeyError:
            value = self.fn(owner)
            if "_sa_class_manager" in vars(owner):     # mapped: its fields are final
                self.cache[owner] = value
            return value


# -- what the view derives --------------------------------------------------------


def view_defaults(model) -> dict:
    """The column lists, labels and help texts a view gets when it does not
    set them itself."""
    if not declared_fields(model, own=True):
        return {}      # a register not (yet) declared this way keeps FAB's defaults
    specs = declared_fields(model)
    listed = list_order(model)
    return {
        "list_columns": [n for n in listed if specs[n].list],
        "show_columns": [n for n, s in specs.items() if s.show],
        "add_columns": [n for n, s in specs.items() if s.form],
        "edit_columns": [n for n, s in specs.items() if s.form],
        "search_columns": [n for n, s in specs.items() if s.search or s.filter],
        "order_columns": [n for n, s in specs.items() if s.order],
        "export_columns": [n for n in listed if specs[n].exported],
        "label_columns": {n: s.label for n, s in specs.items()},
        "description_columns": {n: s.help for n, s in specs.items() if s.help},
    }


MERGED = ("label_columns", "description_columns")


def apply_view_defaults(view):
    """Fill what the view did not declare (labels and help texts merge: the
    view's own entries win). A view that orders its list itself exports
    that list (unless it sets ``export_columns`` too)."""
    defaults = view_defaults(view.datamodel.obj)
    if defaults and getattr(view, "list_columns", None) and getattr(view, "export_columns", None) is None:
        defaults = {k: v for k, v in defaults.items() if k != "export_columns"}
    for name, value in defaults.items():
        own = getattr(view, name, None)
        if name in MERGED:
            setattr(view, name, {**value, **(own or {})})
        elif own is None:
            setattr(view, name, list(value))
