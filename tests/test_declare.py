"""A register declared once (``app/core/declare.py``): what models and views
derive from ``info=field(...)``, what a view's own setting overrides, where
the core's mixin fields go, that an undeclared register keeps FAB's
defaults; and that the core imports neither operations nor registers and
sits in no import cycle."""
from __future__ import annotations

import ast
import datetime as dt
import pathlib
from decimal import Decimal
from types import SimpleNamespace

import pytest
from sqlalchemy import Column, Date, MetaData, Numeric, String, Text
from sqlalchemy.orm import declarative_base

from app.core.declare import (FieldSpec, apply_view_defaults, computed, declared_fields, field, list_order,
                              view_defaults)
from app.core.register import Numbered, Register

# Throwaway registers on a metadata of their own: never part of the schema,
# the migrations or the registry.
Base = declarative_base(metadata=MetaData())


class Thing(Register, Numbered, Base):
    __tablename__ = "declare_test_thing"
    name = Column(String(100), nullable=False,
                  info=field("Name", list=True, search=True, order=True, personal=True, masked="name"))
    kind = Column(String(10), info=field("Kind", choices={"a": "Alpha", "b": "Beta"}, list=True, search=True))
    phone = Column(String(40), info=field("Phone", help="Mobile first", personal=True, masked="phone"))
    day = Column(Date, info=field("Day", list=True, list_place="head", filter=True, order=True))
    secret = Column(Text, info=field("Secret", key=True, show=False, form=False))
    total = Column(Numeric(12, 2), info=field("Total", money=True, list=True, list_place="tail", export=False))
    remark = Column(Text)                       # not declared: on no screen

    @computed("Loud name", list=True)
    def loud(self):
        return (self.name or "").upper()


class Bare(Register, Base):
    """A register written the old way: no declarations."""

    __tablename__ = "declare_test_bare"
    title = Column(String(100))


def fake_view(model, **own):
    """The attributes ``RegisterView.__init__`` hands to ``apply_view_defaults``."""
    names = ("list_columns", "show_columns", "add_columns", "edit_columns", "search_columns",
             "order_columns", "export_columns", "label_columns", "description_columns")
    view = SimpleNamespace(datamodel=SimpleNamespace(obj=model), **{n: None for n in names})
    for key, value in own.items():
        setattr(view, key, value)
    apply_view_defaults(view)
    return view


# -- what the model derives ----------------------------------------------------


def test_model_derives_choices_search_personal_and_masked_fields():
    assert Thing.choices == {"kind": {"a": "Alpha", "b": "Beta"}}
    # search=True and key=True feed the quick-search key; a choice column by its label
    assert Thing.search_fields == ("number", "name", "kind_label", "secret")
    assert Thing.personal_fields == ("name", "phone")
    assert Thing.masked_fields == {"name": "name", "phone": "phone"}


def test_choice_label_and_computed_value():
    thing = Thing(name="Işık", kind="b")
    assert thing.kind_label == "Beta"
    thing.kind = "zz"                      # a value outside the choices reads as itself
    assert thing.kind_label == "zz"
    thing.kind = None
    assert thing.kind_label == ""
    assert thing.loud == "IŞIK"
    with pytest.raises(AttributeError):
        thing.name_label                   # not a choice column: no derived label
    with pytest.raises(AttributeError):
        thing.nothing


def test_search_key_built_from_the_declarations():
    thing = Thing(name="Işık Yılmaz", kind="a", number="T-1", secret="gizli not", phone="0532")
    key = thing.build_search_key()
    assert "ışık yılmaz" in key and "alpha" in key and "gizli not" in key and "t-1" in key
    assert "0532" not in key               # phone is neither search nor key


def test_a_model_may_still_set_what_is_derived():
    class Own(Register, Base):
        __tablename__ = "declare_test_own"
        search_fields = ("code",)
        code = Column(String(10), info=field("Code", search=True, list=True))
        name = Column(String(10), info=field("Name", search=True, list=True))

    assert Own.search_fields == ("code",)
    assert Own.personal_fields == ()


# -- what the view derives -----------------------------------------------------


def test_view_derives_columns_labels_and_help_texts():
    view = fake_view(Thing)
    # number first, the head (day, list_place) next, then the body, own tail, the core's tail
    assert view.list_columns == ["number", "day", "name", "kind", "loud", "total"]
    assert view.show_columns == ["number", "name", "kind", "phone", "day", "total", "loud",
                                 "created_at", "updated_at"]
    assert view.add_columns == view.edit_columns == ["name", "kind", "phone", "day", "total"]
    assert "secret" not in view.show_columns and "remark" not in view.show_columns
    assert view.search_columns == ["number", "name", "kind", "day"]
    assert view.order_columns == ["number", "name", "day"]
    assert view.export_columns == ["number", "day", "name", "kind", "loud"]   # total: export=False
    assert view.label_columns["name"] == "Name" and view.label_columns["loud"] == "Loud name"
    assert str(view.label_columns["number"]) == "Number"
    assert view.description_columns == {"phone": "Mobile first"}


def test_a_views_own_setting_wins():
    view = fake_view(Thing, list_columns=["name", "day"], label_columns={"name": "Own name"},
                     description_columns={"day": "Own help"}, search_columns=["name"])
    assert view.list_columns == ["name", "day"]
    assert view.search_columns == ["name"]
    # labels and help texts merge: the view's entries win, the others stay derived
    assert view.label_columns["name"] == "Own name" and view.label_columns["kind"] == "Kind"
    assert view.description_columns == {"phone": "Mobile first", "day": "Own help"}
    # a view that orders its list itself exports that list
    assert view.export_columns is None
    # what it did not set is derived
    assert view.add_columns == ["name", "kind", "phone", "day", "total"]


def test_mixin_fields_are_placed_around_the_registers_own(app):
    from app.registers.protocol.models import Gift

    fields = list(declared_fields(Gift))
    assert fields[:5] == ["number", "state", "decided_as", "decided_at", "decision_note"]
    assert fields[-2:] == ["created_at", "updated_at"]
    own = list(declared_fields(Gift, own=True))
    assert "number" not in own and "state" not in own and "created_at" not in own
    defaults = view_defaults(Gift)
    # in the list the number opens and the status closes, after the register's own fields
    assert defaults["list_columns"][0] == "number" and defaults["list_columns"][-1] == "state"
    assert defaults["list_columns"][1] == "date"                      # list_place="head"
    for name in ("number", "state", "decided_as", "created_at"):
        assert name not in defaults["add_columns"]
    order = list_order(Gift)
    assert order.index("estimated_value") < order.index("state") < order.index("created_at")


def test_an_undeclared_register_keeps_fabs_defaults():
    assert view_defaults(Bare) == {}
    view = fake_view(Bare)
    for name in ("list_columns", "show_columns", "add_columns", "search_columns", "order_columns",
                 "label_columns", "description_columns"):
        assert getattr(view, name) is None, name
    assert Bare.search_fields == () and Bare.choices == {} and Bare.masked_fields == {}


def test_field_keeps_money_flag_other_core_code_reads():
    info = field("Cost", money=True)
    assert info["money"] is True and isinstance(info["ozk"], FieldSpec)
    assert "money" not in field("Name")


# -- the converted registers ---------------------------------------------------


def _view(app, name):
    return next(v for v in app.appbuilder.baseviews if v.__class__.__name__ == name)


def test_converted_views_show_the_catalogs_labels(app):
    from app.registers.office.models import DutySlip, Leave
    from app.registers.protocol.models import Event, Visit

    with app.test_request_context(headers={"Accept-Language": "tr"}):
        visit = _view(app, "VisitView")
        assert visit.list_columns == ["date", "time", "guest", "guest_institution", "origin", "purpose", "host"]
        assert str(visit.label_columns["host"]) == "Karşılayan / ağırlayan"
        assert "rehberdeki kurumu" in str(visit.description_columns["guest_institution"])
        slips = _view(app, "DutySlipView")
        assert slips.list_columns == ["number", "slip_date", "driver", "vehicle", "route", "departure_at",
                                      "return_at", "km", "state"]
        assert str(slips.label_columns["km"]) == "Yapılan km"
    assert Visit.personal_fields == ("purpose", "host", "notes")
    assert Visit.masked_fields == {"guest": "name", "host": "name"}
    assert Leave.personal_fields == ("date_from", "date_to", "kind", "consent_note", "notes")
    assert set(DutySlip.search_fields) == {"number", "driver", "route", "purpose", "passengers", "plate"}
    # a hand-written label wins over the derived one (no decision yet reads "Karar bekliyor")
    assert Event(decision=None).decision_label == "Karar bekliyor"
    assert Event(decision="katilacak").decision_label == "Katılacak"


def test_time_columns_are_filtered_and_shown_by_the_core(app):
    from flask_appbuilder.models.sqla.filters import FilterEqual, FilterGreater, FilterSmaller

    from app.core.register import RegisterInterface, TurkishFilterConverter
    from app.registers.protocol.models import Visit

    datamodel = RegisterInterface(Visit, eager=["guest.institution"])
    assert datamodel.eager == ("guest.institution",)
    assert datamodel.is_time("time") and not datamodel.is_time("date")
    filters = [type(f) for f in TurkishFilterConverter(datamodel).convert("time")]
    assert filters == [FilterEqual, FilterGreater, FilterSmaller]
    visit = _view(app, "VisitView")
    assert visit.formatters_columns["time"](dt.time(9, 5)) == "09:05"
    assert visit.formatters_columns["time"](None) == ""


def test_money_and_shortened_texts(app):
    from app.core.register import shorten

    gifts = _view(app, "GiftView")
    assert gifts.formatters_columns["estimated_value"](Decimal("1850")) == "1.850,00 ₺"
    assert shorten(5)("abcdefgh") == "abcd…" and shorten(5)("abc") == "abc"


# -- the core's imports --------------------------------------------------------

APP = pathlib.Path(__file__).resolve().parent.parent / "app"


def _module(path):
    parts = list(path.relative_to(APP.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _import_graph():
    """{module: modules of the app it imports}, imports inside functions included."""
    modules = {_module(p): p for p in APP.rglob("*.py")}
    graph = {}
    for name, path in modules.items():
        found = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                for alias in node.names:
                    sub = f"{node.module}.{alias.name}"
                    found.add(sub if sub in modules else node.module)
            elif isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
        graph[name] = {m for m in found if m in modules or m.startswith("app.")}
    return graph


def test_the_core_imports_no_operations_and_no_registers():
    graph = _import_graph()
    wrong = {(name, dep) for name, deps in graph.items() if name.startswith("app.core")
             for dep in deps if dep.startswith(("app.ops", "app.registers"))}
    assert wrong == set()


def test_no_core_module_imports_itself_back():
    graph = _import_graph()

    def reachable(start):
        seen, todo = set(), [start]
        while todo:
            for dep in graph.get(todo.pop(), ()):
                if dep not in seen:
                    seen.add(dep)
                    todo.append(dep)
        return seen

    cycles = [name for name in graph if name.startswith("app.core") and name in reachable(name)]
    assert cycles == []
    # the two circles of issue 18 are gone
    assert "app.core.register" not in reachable("app.core.documents")
    assert "app.ops.kvkk" not in reachable("app.core.register")


def test_masks_live_in_the_core_and_kvkk_reexports_them():
    from app.core import personal
    from app.ops import kvkk

    assert kvkk.mask_phone is personal.mask_phone and kvkk.mask_identity is personal.mask_identity
