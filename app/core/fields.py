"""Form fields shared by registers.

* ``AjaxSelectField``: pick a related record by typing (Turkish-aware lookup
  on the target register's ``search_key``), never a dropdown that loads the
  whole table.
* ``html5_dates``: date inputs become ``<input type="date">`` (the browser
  shows dd.mm.yyyy in a Turkish locale; the value stays ISO).
"""
from __future__ import annotations

import re
from decimal import Decimal

from markupsafe import Markup, escape
from wtforms import Field
from wtforms.fields import DateField, DateTimeField, DateTimeLocalField, TimeField

from app.extensions import db


class AjaxSelectWidget:
    def __call__(self, field, **kwargs):
        from flask_babel import gettext

        current = field.data
        option = ""
        if current is not None:
            option = f'<option value="{escape(current.id)}" selected>{escape(str(current))}</option>'
        attrs = {
            "id": field.id, "name": field.name, "class": "form-control ozk-ajax-select",
            "data-url": field.lookup_url(), "data-placeholder": gettext("Type to search…"),
            "aria-label": str(field.label.text),
        }
        quick = field.quick_add_url()
        if quick:
            attrs["data-quick-add"] = quick
        attr_html = " ".join(f'{k}="{escape(v)}"' for k, v in attrs.items())
        blank = f'<option value="" label="{escape(attrs["data-placeholder"])}"></option>'
        html = f'<select {attr_html}>{blank}{option}</select>'
        if quick:
            html += (f'<button type="button" class="btn btn-link btn-xs ozk-quick-add" '
                     f'data-target="{escape(field.id)}" data-url="{escape(quick)}">'
                     f'<span class="fa fa-plus"></span> {escape(gettext("Not in the directory? Add it"))}</button>')
        return Markup(html)


class AjaxSelectField(Field):
    widget = AjaxSelectWidget()

    def __init__(self, label=None, validators=None, model=None, endpoint=None, url_args=None,
                 quick_add=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.model = model
        self.endpoint = endpoint
        self.url_args = dict(url_args or {})
        # endpoint of a view whose add form may open in a dialog (contacts by default)
        self.quick_add = quick_add if quick_add is not None else QUICK_ADD.get(
            getattr(model, "__tablename__", ""))

    def lookup_url(self):
        from flask import url_for

        return url_for(self.endpoint, **self.url_args)

    def quick_add_url(self):
        from flask import url_for

        from flask import request

        if not self.quick_add or request.args.get("_dialog"):   # no dialog inside the dialog
            return None
        try:
            from app.extensions import appbuilder

            view_name = self.quick_add.split(".")[0]
            if not appbuilder.sm.has_access("can_add", view_name):
                return None
            return url_for(self.quick_add, _dialog=1)
        except Exception:  # noqa: BLE001 - no dialog rather than a broken form
            return None

    def process_formdata(self, valuelist):
        self.data = None
        if valuelist and valuelist[0]:
            from app.core.guards import parse_pk

            pk = parse_pk(valuelist[0])
            if pk is None:
                raise ValueError("Geçersiz seçim.")
            self.data = db.session.get(self.model, pk)
            if self.data is None:
                raise ValueError("Seçilen kayıt bulunamadı.")

    def _value(self):
        return str(self.data.id) if self.data is not None else ""


# the Turkish date and time parsers live in app/core/turkish.py (guards use them too)
from app.core.turkish import (DATE_FORMATS, DATETIME_FORMATS, _TIME,  # noqa: E402,F401
                              parse_date_text, parse_datetime_text)


def date_span(text, with_time):
    """A filter value as the interval it names: a day ('26.11.2026') or, on a
    date-time column, a minute ('26.11.2026 14:30'). (start, end) or None."""
    import datetime as dt

    value = parse_datetime_text(text)
    if value is None:
        return None
    if not with_time:
        return value.date(), value.date() + dt.timedelta(days=1)
    has_time = " " in " ".join((text or "").replace("T", " ").split())
    return value, value + (dt.timedelta(minutes=1) if has_time else dt.timedelta(days=1))


class DateTimeEntryWidget:
    """A date and a time written the Turkish way, in two text inputs under the
    field's name (the field joins them): ``26.11.2026`` with the date picker,
    ``14:30`` with a list of times (keyboard: type, or arrow down)."""

    def __call__(self, field, **kwargs):
        from flask_babel import gettext

        if field.raw_data and len(field.raw_data) > 1:     # as typed into the two inputs
            date_part, time_part = field.raw_data[0], " ".join(field.raw_data[1:])
        elif field.raw_data:                                # one value ("26.11.2026 14:30")
            date_part, _sep, time_part = (field.raw_data[0] or "").strip().partition(" ")
        elif field.data:
            date_part, time_part = field.data.strftime("%d.%m.%Y"), field.data.strftime("%H:%M")
        else:
            date_part = time_part = ""
        kwargs.pop("class", None)
        common = {k: v for k, v in kwargs.items() if k.startswith("aria-") or k == "required"}
        label = str(field.label.text)
        date_attrs = dict(common, id=field.id, name=field.name, value=date_part, type="text",
                          autocomplete="off", inputmode="numeric", placeholder=gettext("dd.mm.yyyy"))
        date_attrs["class"] = "form-control ozk-date ozk-dt-date"
        time_attrs = dict(common, id=f"{field.id}_time", name=field.name, value=time_part, type="text",
                          autocomplete="off", inputmode="numeric", placeholder=gettext("hh:mm"),
                          list=f"{field.id}_times", maxlength="5")
        time_attrs["class"] = "form-control ozk-time"
        time_attrs["aria-label"] = gettext("%(field)s (time)", field=label)
        times = "".join(f'<option value="{h:02d}:{m:02d}"></option>' for h in range(7, 24) for m in (0, 30))
        from wtforms.widgets import html_params

        return Markup(f'<div class="ozk-dt-entry"><input {html_params(**date_attrs)}>'
                      f'<input {html_params(**time_attrs)}>'
                      f'<datalist id="{escape(field.id)}_times">{times}</datalist></div>')


class TurkishDateTimeField(DateTimeField):
    """Date and time as a Turkish clerk writes them (see DateTimeEntryWidget);
    also one value ('26.11.2026 14:30', ISO). A wrong one: a Turkish error."""

    widget = DateTimeEntryWidget()

    def process_formdata(self, valuelist):
        text = " ".join(v.strip() for v in valuelist or [] if v and v.strip())
        self.data = None
        if not text:
            return
        value = parse_datetime_text(text)
        if value is None:
            from flask_babel import gettext

            raise ValueError(gettext("Enter the date and time as dd.mm.yyyy hh:mm (e.g. 26.11.2026 14:30)."))
        self.data = value


def html5_dates(form_cls, split_time=True):
    """Date/datetime fields become text inputs written the Turkish way
    (``26.11.2026``, ``26.11.2026 14:30``) whatever the browser's locale; a
    date picker from FAB's bundled bootstrap-datepicker helps (ozk.js). On
    add/edit forms a date-time is a date input and a time input
    (``split_time``); in "Filtre Ekle" it is one text input. ISO input
    (``2026-11-26``) is still accepted. (The name is historical.)"""
    from wtforms.widgets import TextInput

    for name in dir(form_cls):
        unbound = getattr(form_cls, name, None)
        field_class = getattr(unbound, "field_class", None)
        if field_class is None:
            continue
        if issubclass(field_class, DateTimeField) and not issubclass(field_class, (DateField, TimeField)):
            unbound.kwargs["format"] = list(DATETIME_FORMATS)
            if split_time:
                unbound.field_class = TurkishDateTimeField
                unbound.kwargs.pop("widget", None)
                unbound.kwargs.pop("render_kw", None)
                continue
            unbound.field_class = DateTimeField
            unbound.kwargs["widget"] = TextInput()
            unbound.kwargs["render_kw"] = {"class": "form-control ozk-datetime", "autocomplete": "off",
                                           "placeholder": "gg.aa.yyyy ss:dd", "inputmode": "numeric"}
        elif issubclass(field_class, DateField):
            unbound.kwargs["format"] = list(DATE_FORMATS)
            unbound.kwargs["widget"] = TextInput()
            unbound.kwargs["render_kw"] = {"class": "form-control ozk-date", "autocomplete": "off",
                                           "placeholder": "gg.aa.yyyy", "inputmode": "numeric"}
    return form_cls


def choice_fields(form_cls, choices: dict):
    """Columns declared in a model's ``choices`` become select boxes."""
    from wtforms import SelectField
    from wtforms.validators import Optional

    for name, mapping in (choices or {}).items():
        unbound = getattr(form_cls, name, None)
        if unbound is None or not hasattr(unbound, "field_class"):
            continue
        label = unbound.kwargs.get("label") or (unbound.args[0] if unbound.args else name)
        validators = [v for v in unbound.kwargs.get("validators", []) if not isinstance(v, Optional)]
        required = any(type(v).__name__ in ("DataRequired", "InputRequired") for v in validators)
        from flask_babel import lazy_gettext

        blank = lazy_gettext("Choose…") if required else "—"
        options = [("", blank)] + [(k, str(v)) for k, v in mapping.items()]
        setattr(form_cls, name, SelectField(label, choices=options, validators=validators or [Optional()],
                                            description=unbound.kwargs.get("description", ""),
                                            render_kw={"class": "form-control"}))
    return form_cls


def optional_checkboxes(form_cls):
    """FAB marks every NOT NULL column required; for a check box that means an
    unticked box is refused. A boolean is never "missing": drop the rule."""
    from wtforms import BooleanField
    from wtforms.validators import DataRequired, InputRequired

    for name in dir(form_cls):
        unbound = getattr(form_cls, name, None)
        field_class = getattr(unbound, "field_class", None)
        if isinstance(field_class, type) and issubclass(field_class, BooleanField):
            unbound.kwargs["validators"] = [v for v in unbound.kwargs.get("validators", [])
                                            if not isinstance(v, (InputRequired, DataRequired))]
    return form_cls


def parse_turkish_decimal(raw: str):
    """'1.234,56' → Decimal('1234.56'); also '1234,56' and '1234.56'."""
    from decimal import Decimal, InvalidOperation

    text = (raw or "").strip().replace("₺", "").replace(" ", "").replace("\u00a0", "")
    if not text:
        return None
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    elif text.count(".") > 1:
        text = text.replace(".", "")
    try:
        return Decimal(text)
    except InvalidOperation:
        raise ValueError("Geçerli bir tutar girin (ör. 1.234,56).") from None


def _turkish_number_fields(form_cls, base, parse, show):
    """Replace every ``base`` field of ``form_cls`` with one that reads input
    through ``parse`` (a Turkish error as ValueError) and shows ``show(data)``."""

    class TurkishNumberField(base):
        def process_formdata(self, valuelist):
            if valuelist:
                try:
                    self.data = parse(valuelist[0])
                except ValueError as exc:
                    self.data = None
                    raise ValueError(str(exc)) from None

        def _value(self):
            if self.raw_data:
                return self.raw_data[0]
            return "" if self.data is None else show(self.data)

    TurkishNumberField.__name__ = f"Turkish{base.__name__}"
    for name in dir(form_cls):
        unbound = getattr(form_cls, name, None)
        field_class = getattr(unbound, "field_class", None)
        if isinstance(field_class, type) and issubclass(field_class, base):
            unbound.field_class = TurkishNumberField
    return form_cls


def turkish_decimals(form_cls):
    """Money and other decimal inputs accept the Turkish way of writing them."""
    from wtforms.fields import DecimalField

    from app.core import turkish

    return _turkish_number_fields(form_cls, DecimalField, parse_turkish_decimal,
                                  lambda v: turkish.format_money(v, symbol=False))


def parse_turkish_integer(raw: str):
    """'85.200' / '85 200' / '85200' → 85200; None for an empty input."""
    import re

    text = (raw or "").strip().replace(" ", "").replace("\u00a0", "")
    if not text:
        return None
    if re.fullmatch(r"-?\d{1,3}(\.\d{3})+", text):
        text = text.replace(".", "")
    if not re.fullmatch(r"-?\d+", text):
        from flask_babel import gettext

        raise ValueError(gettext("Enter a whole number (e.g. 85.200)."))
    return int(text)


def turkish_integers(form_cls):
    """Whole-number inputs accept Turkish thousands separators (odometer "85.200")."""
    from wtforms.fields import IntegerField

    return _turkish_number_fields(
        form_cls, IntegerField, parse_turkish_integer,
        lambda v: f"{v:,}".replace(",", ".") if abs(v) >= 10000 else str(v))


QUICK_ADD = {"contact": "ContactView.add"}   # related table → add form that may open in a dialog


def relation_pickers(form_cls, view):
    """Every many-to-one select FAB generated (a dropdown of the whole table
    with a "__None" blank) becomes the search-as-you-type picker, served by
    the view's own ``pick`` endpoint (active rows, Turkish order)."""
    from flask_appbuilder.fields import QuerySelectField

    for name in dir(form_cls):
        unbound = getattr(form_cls, name, None)
        field_class = getattr(unbound, "field_class", None)
        if not (isinstance(field_class, type) and issubclass(field_class, QuerySelectField)):
            continue
        model = view.datamodel.get_related_model(name)
        label = unbound.kwargs.get("label") or (unbound.args[0] if unbound.args else name)
        setattr(form_cls, name, AjaxSelectField(
            label, validators=unbound.kwargs.get("validators", []), model=model,
            endpoint=f"{view.__class__.__name__}.pick", url_args={"f": name},
            quick_add=QUICK_ADD.get(getattr(model, "__tablename__", "")),
            description=unbound.kwargs.get("description", "")))
    return form_cls


# --- hardening: control characters and the database's limits ---------------
# C0 controls except tab, newline and carriage return, DEL and C1 controls:
# invisible, meaningless in a register, and a NUL breaks PostgreSQL and XLSX.
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def strip_control_chars(value):
    if isinstance(value, str):
        return CONTROL_CHARS.sub("", value)
    return value


def text_inputs_clean(form_cls):
    """Every text input of a register form drops control characters on input."""
    from wtforms import StringField

    for name in dir(form_cls):
        unbound = getattr(form_cls, name, None)
        field_class = getattr(unbound, "field_class", None)
        if isinstance(field_class, type) and issubclass(field_class, StringField):
            filters = tuple(unbound.kwargs.get("filters") or ())
            if strip_control_chars not in filters:
                unbound.kwargs["filters"] = (strip_control_chars,) + filters
    return form_cls


INTEGER_LIMITS = {"SmallInteger": 2**15 - 1, "Integer": 2**31 - 1, "BigInteger": 2**63 - 1}


class _WithinColumn:
    """Refuses a number the column cannot hold, in Turkish, before the database."""

    def __init__(self, maximum, message):
        self.maximum, self.message = maximum, message

    def __call__(self, form, field):
        value = field.data
        if value is None or isinstance(value, bool):
            return
        try:
            too_big = abs(value) >= self.maximum if isinstance(self.maximum, Decimal) else abs(value) > self.maximum
        except TypeError:
            return
        if too_big:
            from wtforms.validators import StopValidation

            raise StopValidation(self.message)


def database_limits(form_cls, model):
    """Integer ranges and Numeric precision taken from the column types."""
    from sqlalchemy import Float, Integer, Numeric
    from sqlalchemy.orm import ColumnProperty

    mapper = getattr(model, "__mapper__", None)
    if mapper is None:
        return form_cls
    for name in dir(form_cls):
        unbound = getattr(form_cls, name, None)
        if getattr(unbound, "field_class", None) is None:
            continue
        prop = mapper.attrs.get(name) if name in mapper.attrs else None
        if not isinstance(prop, ColumnProperty) or len(prop.columns) != 1:
            continue
        col_type = prop.columns[0].type
        limit = message = None
        if isinstance(col_type, Integer):
            kind = next((k for k in INTEGER_LIMITS if type(col_type).__name__ == k), "Integer")
            limit = INTEGER_LIMITS[kind]
            message = f"Sayı çok büyük (en fazla {limit:,}).".replace(",", ".")
        elif isinstance(col_type, Numeric) and not isinstance(col_type, Float) and col_type.precision:
            digits = col_type.precision - (col_type.scale or 0)
            limit = Decimal(10) ** digits
            message = f"Sayı çok büyük: virgülden önce en fazla {digits} basamak girilebilir."
        if limit is not None:
            validators = list(unbound.kwargs.get("validators") or [])
            if not any(isinstance(v, _WithinColumn) for v in validators):
                validators.append(_WithinColumn(limit, message))
            unbound.kwargs["validators"] = validators
    return form_cls


# --- valid HTML from FAB's many-to-many picker ---------------------------------
def _valid_select2_many():
    """FAB's Select2ManyWidget writes ``multiple="true"`` (invalid HTML: the
    attribute is boolean); ours writes ``multiple``. Same widget otherwise."""
    from flask_appbuilder.fieldwidgets import Select2ManyWidget

    if getattr(Select2ManyWidget, "_ozk_valid", False):
        return
    original = Select2ManyWidget.__call__

    def __call__(self, field, **kwargs):
        return Markup(str(original(self, field, **kwargs)).replace(' multiple="true"', " multiple", 1))

    Select2ManyWidget.__call__ = __call__
    Select2ManyWidget._ozk_valid = True


_valid_select2_many()


class CheckboxList:
    """Check boxes in a list; the first box carries the field's own id, so the
    form's ``<label for=field.id>`` names a form control (valid HTML)."""

    def __call__(self, field, **kwargs):
        from flask_babel import lazy_gettext
        from markupsafe import Markup
        from wtforms.widgets import html_params

        kwargs.pop("id", None)
        kwargs.pop("class_", None)
        kwargs.pop("class", None)
        kwargs.pop("required", None)
        parts = [Markup('<ul class="list-unstyled ozk-checkboxes" id="{}-list" {}>').format(
            field.id, Markup(html_params(**kwargs)))]
        choices = list(field.iter_choices())
        for i, (value, label, checked, _attrs) in enumerate(choices):
            box_id = field.id if i == 0 else f"{field.id}-{i}"
            parts.append(Markup('<li><input type="checkbox" name="{}" value="{}" id="{}"{}> '
                                '<label for="{}">{}</label></li>').format(
                field.name, value, box_id, Markup(" checked") if checked else "", box_id, label))
        if not choices:
            parts.append(Markup('<li><input type="checkbox" id="{}" disabled> <label for="{}">{}</label></li>')
                         .format(field.id, field.id, lazy_gettext("Nothing to choose from yet.")))
        parts.append(Markup("</ul>"))
        return Markup("").join(parts)
