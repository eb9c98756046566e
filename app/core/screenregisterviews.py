"""Screens of the registers defined on the screen (app/core/screenregisters.py):

* ``ScreenRecordView``: the generic register view every screen register's
  view is made from (``make_view``), with the generic record PDF;
* ``ScreenRegisterView``: Bilgi İşlem's (and Admin's) page to define one.
"""
from __future__ import annotations

from flask import abort, flash, g, redirect, request, url_for
from flask_appbuilder import ModelView
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Optional

from app.core import screenregisters as sr
from app.core.fields import CheckboxList
from app.core.register import RegisterInterface, RegisterView
from app.core.registry import CATEGORIES
from app.extensions import db
from app.security import roles as R


class ScreenRecordView(RegisterView):
    """A register defined on the screen: everything of a coded register;
    the fields come from the custom field definitions of ``screen_<key>``."""

    screen_key: str = ""
    pdf_template = "pdf/screen_record.html"

    @property
    def personal_data(self):
        return sr.is_personal(self.screen_key)

    def create_blueprint(self, appbuilder, endpoint=None, static_folder=None):
        blueprint = super().create_blueprint(appbuilder, endpoint=endpoint, static_folder=static_folder)
        blueprint.before_request(self._screen_guard)
        return blueprint

    def _screen_guard(self):
        """A deactivated register answers 404; a register holding personal
        data refuses the roles that read none (KVKK), whatever rows the
        role grid holds."""
        spec = sr.SPECS.get(self.screen_key)
        user = getattr(g, "user", None)
        if user is None or not getattr(user, "is_authenticated", False):
            return None      # has_access sends to the login page
        admin = R.ADMIN in {r.name for r in getattr(user, "roles", [])}
        if (spec is None or not spec.get("active")) and not admin:
            abort(403)     # deactivated: out of the menu; only Admin still reads (and exports) it
        if not admin and not sr.may_read(user, self.screen_key):
            abort(403)

    def pdf_context(self, item):
        from app.core import approval
        from app.core.customfields import _masked_personal, definitions, text_of
        from app.core.documents import doc_context, user_name
        from app.core.personal import mask_name
        from app.core import turkish

        extra = item.extra or {}
        masked = _masked_personal()
        fields = []
        for d in definitions(type(item).__tablename__):
            if d.shows("show") and not d.shows("pdf"):   # those marked "PDF" are added by doc_context
                value = text_of(d, extra.get(d.key), masked)
                fields.append((d.label, mask_name(value) if d.personal and masked and value else value))
        fields.append(("Kayıt tarihi", turkish.format_date(item.created_at)))
        signatures = [{"title": "Hazırlayan", "name": user_name(item.created_by_id)}]
        if getattr(type(item), "__approvable__", False):
            signatures.append({"title": "Onaylayan " + (item.decided_as or approval.DIRECTOR_TITLE),
                               "name": item.decided_by.get_full_name() if item.decided_by else ""})
        spec = sr.SPECS.get(self.screen_key) or {}
        title = turkish.upper(str(spec.get("label") or self.list_title))
        ctx = doc_context(self, item, title, fields, signatures)
        ctx["approvable"] = bool(getattr(type(item), "__approvable__", False))
        return ctx


def make_view(key, model):
    """The view class of one screen register (made once per process)."""
    spec = sr.SPECS.get(key) or {}
    numbered = bool(spec.get("prefix"))
    approvable = bool(spec.get("approval"))
    head = ["number"] if numbered else []
    state = ["state"] if approvable else []
    decision = ["decided_as", "decided_at", "decision_note"] if approvable else []
    label = spec.get("label") or key
    attrs = {
        "__module__": __name__,
        "screen_key": key,
        "datamodel": RegisterInterface(model),
        "list_title": label, "show_title": label, "add_title": label, "edit_title": label,
        "list_columns": head + state + ["created_at"],
        "show_columns": head + state + decision + ["created_at", "updated_at"],
        "add_columns": ["next_url"],
        "edit_columns": ["next_url"],
        "search_columns": head + state + ["created_at"],
        "order_columns": head + ["created_at"],
        "export_columns": head + state + ["created_at"],
        "base_order": ("created_at", "desc"),
    }
    return type(sr.view_name(key), (ScreenRecordView,), attrs)


# ---------------------------------------------------------------------------
# the definition screen
# ---------------------------------------------------------------------------


class RoleBoxes(SelectMultipleField):
    widget = CheckboxList()       # the first box carries the field's id: the form's label names a control

    def __init__(self, label=None, **kwargs):
        super().__init__(label, choices=[(r, r) for r in R.ROLES], validators=[Optional()], **kwargs)

    def pre_validate(self, form):
        pass   # unknown roles are dropped by the check


FIELDS_HELP = _l("One field a line: “*Name | kind | options”. * = required; kinds: metin, uzun metin, sayı, "
                 "para, tarih, tarih saat, evet/hayır, seçim (options separated by commas), kişi, personel, "
                 "birim; “kişisel” marks personal data (KVKK). More fields later on “Custom fields”.")


def _groups():
    from flask_babel import lazy_gettext

    # an empty first choice: a required select must not start on a real value (HTML validity)
    return [("", lazy_gettext("Choose…"))] + [(k, str(CATEGORIES[k][0])) for k in sr.GROUPS]


def _checked(form_cls, creating):
    """The definition form checks the definition (and its fields) itself: a
    wrong one comes back with the Turkish message and what was typed."""
    from types import SimpleNamespace

    class DefinitionForm(form_cls):
        def validate(self, extra_validators=None):
            ok = super().validate(extra_validators)
            if not ok:
                return False
            data = {name: f.data for name, f in self._fields.items()}
            probe = SimpleNamespace(
                label=data.get("label"), key=data.get("key"), category=data.get("category", "office"),
                icon=data.get("icon"), approval=bool(data.get("approval")),
                prefix=data.get("prefix"),
                rights={right: list(data.get(f"{right}_roles") or []) for right in sr.RIGHTS})
            try:
                if creating:
                    sr.check_definition(probe, creating=True)
                    sr.parse_fields(data.get("fields_text") or "", sr.TABLE_PREFIX + probe.key)
                else:
                    probe.category = sr.GROUPS[0]
                    sr.check_definition(probe, creating=False)
            except sr.DefinitionError as exc:
                target = self._fields.get(exc.field) or self._fields.get("label")
                target.errors = list(target.errors or []) + [str(exc)]
                flash(str(exc), "danger")
                return False
            return True

    DefinitionForm.__name__ = form_cls.__name__
    return DefinitionForm


class ScreenRegisterView(ModelView):
    datamodel = SQLAInterface(sr.ScreenRegister)
    route_base = "/screenregisters"
    list_title = _l("Registers from the screen")
    show_title = add_title = edit_title = _l("Register from the screen")
    base_permissions = ["can_list", "can_show", "can_add", "can_edit"]
    exclude_route_methods = {"delete", "download", "action", "action_post", "api", "api_read", "api_get",
                             "api_create", "api_update", "api_delete", "api_column_add", "api_column_edit",
                             "api_readvalues"}
    list_columns = ["label", "key", "category_label", "approval", "numbering_text", "active"]
    show_columns = ["label", "key", "category_label", "icon", "approval", "numbering_text", "rights_text",
                    "active", "created_at", "updated_at"]
    add_columns = ["label", "key", "category", "icon", "approval", "prefix", "read_roles", "add_roles",
                   "edit_roles", "approve_roles", "fields_text"]
    edit_columns = ["label", "icon", "read_roles", "add_roles", "edit_roles", "approve_roles", "active"]
    search_columns = ["label", "key", "active"]
    order_columns = ["label", "key"]
    base_order = ("label", "asc")
    label_columns = {
        "label": _l("Name"), "key": _l("Key"), "category": _l("Menu group"), "category_label": _l("Menu group"),
        "icon": _l("Icon"), "approval": _l("Approval by the Müdür"), "prefix": _l("Number prefix"),
        "numbering_text": _l("Yearly numbering"), "rights_text": _l("Rights"), "active": _l("Active"),
        "read_roles": _l("May read"), "add_roles": _l("May add"), "edit_roles": _l("May edit"),
        "approve_roles": _l("May approve"), "fields_text": _l("Fields"), "created_at": _l("Created"),
        "updated_at": _l("Updated"),
    }
    description_columns = {
        "key": _l("Lower-case letters, digits and _ (e.g. kayip_esya); left empty: made from the name. "
                  "Cannot be changed later."),
        "prefix": _l("Records numbered PREFIX-YEAR-0001 (e.g. KE); empty: no numbers."),
        "read_roles": _l("A register with a personal-data field is never readable by Bilgi İşlem."),
        "fields_text": FIELDS_HELP,
    }
    # (extra fields carry their own help: FAB applies description_columns to model fields only)
    add_form_extra_fields = {
        "key": StringField(_l("Key"), validators=[Optional()], description=description_columns["key"],
                           render_kw={"class": "form-control"}),
        "category": SelectField(_l("Menu group"), choices=_groups(), validators=[DataRequired()],
                                render_kw={"class": "form-control"}),
        "icon": SelectField(_l("Icon"), choices=[(i, i[3:]) for i in sr.ICONS], render_kw={"class": "form-control"}),
        "approval": BooleanField(_l("Approval by the Müdür")),
        "prefix": StringField(_l("Number prefix"), validators=[Optional()], description=description_columns["prefix"],
                              render_kw={"class": "form-control"}),
        "read_roles": RoleBoxes(_l("May read"), description=description_columns["read_roles"]),
        "add_roles": RoleBoxes(_l("May add")),
        "edit_roles": RoleBoxes(_l("May edit")), "approve_roles": RoleBoxes(_l("May approve")),
        "fields_text": TextAreaField(_l("Fields"), description=FIELDS_HELP,
                                     render_kw={"rows": 8, "class": "form-control",
                                                "placeholder": "*Eşya | metin\nBulunma tarihi | tarih\n"
                                                               "Durum | seçim | Bekliyor, Teslim edildi"}),
    }
    edit_form_extra_fields = {
        "icon": SelectField(_l("Icon"), choices=[(i, i[3:]) for i in sr.ICONS], render_kw={"class": "form-control"}),
        "read_roles": RoleBoxes(_l("May read")), "add_roles": RoleBoxes(_l("May add")),
        "edit_roles": RoleBoxes(_l("May edit")), "approve_roles": RoleBoxes(_l("May approve")),
    }
    formatters_columns = {"approval": lambda v: "Evet" if v else "Hayır",
                          "active": lambda v: "Evet" if v else "Hayır"}

    def _init_forms(self):
        super()._init_forms()
        from app.core.fields import optional_checkboxes

        for form_cls in (self.add_form, self.edit_form):
            optional_checkboxes(form_cls)
        self.add_form = _checked(self.add_form, creating=True)
        self.edit_form = _checked(self.edit_form, creating=False)

    def _rights_from_form(self):
        return {right: request.form.getlist(f"{right}_roles") for right in sr.RIGHTS}

    def pre_add(self, item):
        item.rights = self._rights_from_form()
        sr.check_definition(item, creating=True)
        rows = sr.parse_fields(request.form.get("fields_text", ""), sr.TABLE_PREFIX + item.key)
        from app.core.customfields import CustomField

        if db.session.query(CustomField.id).filter(CustomField.register == sr.TABLE_PREFIX + item.key).first():
            raise sr.DefinitionError("Bu anahtar için tanımlı alanlar zaten var; başka bir anahtar yazın.")
        for data in rows:      # saved with the definition, in its transaction
            db.session.add(CustomField(**data))

    def post_add(self, item):
        if item.id is None:     # not saved (the message says why)
            db.session.rollback()
            return
        sr.activate(self.appbuilder, item, grant_rights=True)
        from app.core.customfields import invalidate

        invalidate()
        sr.changed_here()

    def post_add_redirect(self):
        return redirect(url_for("ScreenRegisterView.list"))

    def post_edit_redirect(self):
        return redirect(url_for("ScreenRegisterView.list"))

    def pre_update(self, item):
        item.rights = self._rights_from_form()
        sr.check_definition(item, creating=False)

    def post_update(self, item):
        if item.id is None:
            return
        sr.activate(self.appbuilder, item, grant_rights=True)
        sr.changed_here()

    def prefill_form(self, form, pk):
        item = self.datamodel.get(pk)
        if item is None:
            return
        for right in sr.RIGHTS:
            f = form._fields.get(f"{right}_roles")
            if f is not None:
                f.data = list((item.rights or {}).get(right) or [])

    def _get_add_widget(self, form, exclude_cols=None, widgets=None):
        if request.method == "GET":
            for right, roles in sr.DEFAULT_RIGHTS.items():
                f = form._fields.get(f"{right}_roles")
                if f is not None and not f.data:
                    f.data = list(roles)
            if "category" in form._fields and not form.category.data:
                form.category.data = "office"
        return super()._get_add_widget(form, exclude_cols=exclude_cols, widgets=widgets)


def add_views(appbuilder):
    from flask import current_app

    cat_label, cat_icon = CATEGORIES["settings"]
    appbuilder.add_view(ScreenRegisterView, "ScreenRegisterView", label=_l("Registers from the screen"),
                        icon="fa-table", category="settings", category_label=cat_label, category_icon=cat_icon)
    sr.init_app(current_app._get_current_object(), appbuilder)


if make_view not in sr.VIEW_FACTORY:
    sr.VIEW_FACTORY.append(make_view)
