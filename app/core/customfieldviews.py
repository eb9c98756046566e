"""The "Custom fields" screen: Bilgi İşlem and Admin add, change and
deactivate fields of any register (app/core/customfields.py), export the
configuration as a JSON file and import one (from a test installation to the
live one). Nothing is deleted: a field no longer wanted is made inactive (its
values stay in the records). Bilgi İşlem manages definitions only: it still
reads no record of a register holding personal data."""
from __future__ import annotations

import json

from flask import flash, redirect, request, url_for
from flask_appbuilder import ModelView
from flask_appbuilder.baseviews import expose
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.security.decorators import has_access
from flask_babel import lazy_gettext as _l
from wtforms import SelectField, TextAreaField
from wtforms.validators import DataRequired

from app.core import customfields as cf
from app.core.customfields import CustomField


def _register_choices():
    from app.core.registry import REGISTRY

    return sorted(((e.model.__tablename__, str(e.label)) for e in REGISTRY), key=lambda kv: kv[1])


class RegisterSelect(SelectField):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from flask_babel import lazy_gettext

        # an empty first choice: a required select must not start on a real value (HTML validity)
        self.choices = [("", lazy_gettext("Choose…"))] + list(_register_choices())


FLAGS = {"in_list": _l("In the list"), "in_form": _l("In the forms"), "in_show": _l("On the record's page"),
         "in_search": _l("In the quick search"), "in_filter": _l("A filter of the list"),
         "in_export": _l("In exports"), "in_pdf": _l("On the record's PDF")}


class CustomFieldView(ModelView):
    datamodel = SQLAInterface(CustomField)
    route_base = "/customfields"
    list_title = _l("Custom fields")
    show_title = add_title = edit_title = _l("Custom field")
    list_template = "customfields/list.html"
    base_permissions = ["can_list", "can_show", "can_add", "can_edit", "can_export_config",
                        "can_import_config"]
    exclude_route_methods = {"delete", "download", "action", "action_post", "api", "api_read", "api_get",
                             "api_create", "api_update", "api_delete", "api_column_add", "api_column_edit",
                             "api_readvalues"}
    list_columns = ["register_label", "label", "key", "kind_label", "required", "in_list", "in_search",
                    "in_filter", "in_pdf", "personal", "position", "active"]
    show_columns = ["register_label", "label", "key", "kind_label", "choices_shown", "required", "help",
                    *FLAGS, "position", "personal", "active", "created_at", "updated_at"]
    add_columns = ["register", "key", "label", "kind", "choices_text", "required", "help", *FLAGS,
                   "position", "personal", "active"]
    edit_columns = ["label", "kind", "choices_text", "required", "help", *FLAGS, "position", "personal",
                    "active"]
    search_columns = ["register", "label", "key", "kind", "active"]
    order_columns = ["label", "key", "position", "register"]
    base_order = ("register", "asc")
    label_columns = {
        "register": _l("Register"), "register_label": _l("Register"), "key": _l("Key"), "label": _l("Label"),
        "kind": _l("Kind"), "kind_label": _l("Kind"), "choices_text": _l("Options"),
        "choices_shown": _l("Options"), "required": _l("Required"), "help": _l("Help text"),
        "position": _l("Position"), "personal": _l("Personal data (KVKK)"), "active": _l("Active"),
        "created_at": _l("Created"), "updated_at": _l("Updated"), **FLAGS,
    }
    description_columns = {
        "key": _l("Lower-case letters, digits and _ (e.g. oncelik); for “hide”: the built-in field's name."),
        "choices_text": _l("One option a line: “key = Label” or just the label."),
        "position": _l("Place among the columns (1 = first); 0 = at the end."),
        "personal": _l("Blanked by the KVKK anonymisation, masked for roles without personal data, "
                       "never written to the history."),
    }
    add_form_extra_fields = {
        "register": RegisterSelect(_l("Register"), validators=[DataRequired()]),
        "kind": SelectField(_l("Kind"), choices=[(k, str(v)) for k, v in cf.KINDS.items()]),
        "choices_text": TextAreaField(_l("Options"), render_kw={"rows": 5}),
    }
    edit_form_extra_fields = {
        "kind": SelectField(_l("Kind"), choices=[(k, str(v)) for k, v in cf.KINDS.items()]),
        "choices_text": TextAreaField(_l("Options"), render_kw={"rows": 5}),
    }
    formatters_columns = {
        "required": lambda v: "Evet" if v else "Hayır", "personal": lambda v: "Evet" if v else "Hayır",
        "active": lambda v: "Evet" if v else "Hayır", **{f: (lambda v: "Evet" if v else "Hayır") for f in FLAGS},
    }

    add_template = "register/add.html"     # shows the form's own errors above it
    edit_template = "register/edit.html"

    def _init_forms(self):
        super()._init_forms()
        from app.core.fields import optional_checkboxes, text_inputs_clean

        for form_cls in (self.add_form, self.edit_form):
            optional_checkboxes(form_cls)
            text_inputs_clean(form_cls)
        self.add_form = self._checked(self.add_form, editing=False)
        self.edit_form = self._checked(self.edit_form, editing=True)

    def _checked(self, form_cls, editing):
        """The definition is checked on validation: a wrong one is shown on the
        form with a Turkish message (what was typed is kept), nothing saved."""
        view = self

        class CheckedForm(form_cls):
            def validate(self, extra_validators=None):
                ok = super().validate(extra_validators)
                if not ok:
                    return False
                data = {name: f.data for name, f in self._fields.items()}
                if editing:
                    item = view.datamodel.get(getattr(self, "_id", None)) if getattr(self, "_id", None) else None
                    if item is None:
                        return False
                    data = {**{c.key: getattr(item, c.key) for c in CustomField.__table__.columns}, **data}
                data["choices"] = cf.parse_choices(data.get("choices_text") or "")
                try:
                    row = cf.validate_row(data)
                except cf.ConfigError as exc:
                    self.form_errors.append(str(exc))
                    return False
                if not editing:
                    from app.extensions import db

                    if db.session.query(CustomField.id).filter_by(register=row["register"], key=row["key"]).first():
                        self.form_errors.append("Bu kayıt defterinde bu anahtarla bir alan zaten var.")
                        return False
                return True

        CheckedForm.__name__ = form_cls.__name__
        return CheckedForm

    def _normalise(self, item):
        data = {c.key: getattr(item, c.key) for c in CustomField.__table__.columns}
        data["choices"] = cf.parse_choices(request.form.get("choices_text", ""))
        row = cf.validate_row(data)
        for k, v in row.items():
            setattr(item, k, v)

    def pre_add(self, item):
        self._normalise(item)
        from app.extensions import db

        if db.session.query(CustomField.id).filter_by(register=item.register, key=item.key).first():
            raise cf.ConfigError("Bu kayıt defterinde bu anahtarla bir alan zaten var.")

    def pre_update(self, item):
        self._normalise(item)

    def prefill_form(self, form, pk):
        item = self.datamodel.get(pk)
        if item is not None and "choices_text" in form._fields:
            form.choices_text.data = cf.choices_text(item.choices)

    @expose("/export_config")
    @has_access
    def export_config(self):
        from flask import Response

        from app.core import audit

        body = json.dumps(cf.export_config(), ensure_ascii=False, indent=1, default=str)
        audit.record("custom_field", None, "export", "Özel alan yapılandırması")
        return Response(body, mimetype="application/json", headers={
            "Content-Disposition": "attachment; filename=ozel-alanlar.json"})

    @expose("/import_config", methods=["POST"])
    @has_access
    def import_config(self):
        upload = request.files.get("file")
        raw = upload.read(2_000_001) if upload else b""
        if not raw or len(raw) > 2_000_000:
            flash("Bir yapılandırma dosyası (JSON, en çok 2 MB) seçin.", "danger")
            return redirect(url_for("CustomFieldView.list"))
        try:
            created, updated = cf.import_config(raw.decode("utf-8", "replace"))
        except cf.ConfigError as exc:
            flash(f"Yapılandırma alınamadı, hiçbir değişiklik kaydedilmedi: {exc}", "danger")
        except Exception:  # noqa: BLE001 - a database error: nothing half-saved
            flash("Yapılandırma alınamadı, hiçbir değişiklik kaydedilmedi.", "danger")
        else:
            flash(f"Yapılandırma alındı: {created} yeni alan, {updated} alan güncellendi.", "success")
        return redirect(url_for("CustomFieldView.list"))


def _choices_shown(self):
    return ", ".join(f"{v} ({k})" for k, v in (self.choices or []))


CustomField.choices_shown = _choices_shown


def add_views(appbuilder):
    from app.core.registry import CATEGORIES

    cat_label, cat_icon = CATEGORIES["settings"]
    appbuilder.add_view(CustomFieldView, "CustomFieldView", label=_l("Custom fields"), icon="fa-plus-square",
                        category="settings", category_label=cat_label, category_icon=cat_icon)
