"""Form fields shared by registers.

* ``AjaxSelectField``: pick a related record by typing (Turkish-aware lookup
  on the target register's ``search_key``), never a dropdown that loads the
  whole table.
* ``html5_dates``: date inputs become ``<input type="date">`` (the browser
  shows dd.mm.yyyy in a Turkish locale; the value stays ISO).
"""
from __future__ import annotations

from markupsafe import Markup, escape
from wtforms import Field
from wtforms.fields import DateField, DateTimeField, DateTimeLocalField, TimeField
from wtforms.widgets import DateInput, DateTimeLocalInput

from app.extensions import db


class AjaxSelectWidget:
    def __call__(self, field, **kwargs):
        current = field.data
        option = ""
        if current is not None:
            option = f'<option value="{escape(current.id)}" selected>{escape(str(current))}</option>'
        attrs = {
            "id": field.id, "name": field.name, "class": "form-control ozk-ajax-select",
            "data-url": field.lookup_url(), "data-placeholder": "Yazarak arayın…",
        }
        attr_html = " ".join(f'{k}="{escape(v)}"' for k, v in attrs.items())
        return Markup(f'<select {attr_html}><option value=""></option>{option}</select>')


class AjaxSelectField(Field):
    widget = AjaxSelectWidget()

    def __init__(self, label=None, validators=None, model=None, endpoint=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.model = model
        self.endpoint = endpoint

    def lookup_url(self):
        from flask import url_for

        return url_for(self.endpoint)

    def process_formdata(self, valuelist):
        self.data = None
        if valuelist and valuelist[0]:
            raw = valuelist[0]
            if not str(raw).isdigit():
                raise ValueError("Geçersiz seçim.")
            self.data = db.session.get(self.model, int(raw))
            if self.data is None:
                raise ValueError("Seçilen kayıt bulunamadı.")

    def _value(self):
        return str(self.data.id) if self.data is not None else ""


def html5_dates(form_cls):
    """Turn generated date/datetime fields into HTML5 inputs (in place)."""
    for name in dir(form_cls):
        unbound = getattr(form_cls, name, None)
        field_class = getattr(unbound, "field_class", None)
        if field_class is None:
            continue
        if issubclass(field_class, DateTimeField) and not issubclass(field_class, (DateTimeLocalField, DateField, TimeField)):
            unbound.field_class = DateTimeLocalField
            unbound.kwargs["format"] = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"]
            unbound.kwargs["widget"] = DateTimeLocalInput()
        elif issubclass(field_class, DateField):
            unbound.kwargs["format"] = "%Y-%m-%d"
            unbound.kwargs["widget"] = DateInput()
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
        options = ([] if required else [("", "—")]) + [(k, str(v)) for k, v in mapping.items()]
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


def turkish_decimals(form_cls):
    """Money and other decimal inputs accept the Turkish way of writing them."""
    from wtforms.fields import DecimalField

    from app.core import turkish

    class TurkishDecimalField(DecimalField):
        def process_formdata(self, valuelist):
            if valuelist:
                try:
                    self.data = parse_turkish_decimal(valuelist[0])
                except ValueError as exc:
                    self.data = None
                    raise ValueError(str(exc)) from None

        def _value(self):
            if self.raw_data:
                return self.raw_data[0]
            if self.data is None:
                return ""
            return turkish.format_money(self.data, symbol=False)

    for name in dir(form_cls):
        unbound = getattr(form_cls, name, None)
        field_class = getattr(unbound, "field_class", None)
        if isinstance(field_class, type) and issubclass(field_class, DecimalField):
            unbound.field_class = TurkishDecimalField
    return form_cls
