from flask_babel import lazy_gettext as _l

from app.core.fields import AjaxSelectField
from app.core.register import RegisterInterface, RegisterView, register
from app.registers.reference.models import Contact, Staff, Unit


def contact_field(label, institutions_only=False):
    """A contact picker for any register's form (typing searches Turkish-aware)."""
    return AjaxSelectField(label, model=Contact, endpoint="ContactView.lookup")


@register("reference", _l("Contacts"), icon="fa-address-book", personal_data=True)
class ContactView(RegisterView):
    datamodel = RegisterInterface(Contact)
    list_title = _l("Institution and person directory")
    show_title = add_title = edit_title = _l("Contact")
    base_order = ("name", "asc")
    add_form_extra_fields = {"institution": contact_field(_l("Institution"))}
    edit_form_extra_fields = {"institution": contact_field(_l("Institution"))}

    def pre_add(self, item):
        from app.extensions import db
        from flask import flash

        same = db.session.query(Contact).filter(
            Contact.search_key.isnot(None), Contact.archived.is_(False),
            Contact.name == item.name, Contact.institution_id == (item.institution.id if item.institution else None),
        ).first()
        if same is not None:
            flash(f"Uyarı: Aynı ad ve kurumla kayıtlı bir kişi zaten var ({same}). Mükerrer kayıt olmadığını kontrol edin.", "warning")


@register("reference", _l("Units"), icon="fa-sitemap")
class UnitView(RegisterView):
    datamodel = RegisterInterface(Unit)
    list_title = _l("Municipal units")
    show_title = add_title = edit_title = _l("Unit")
    base_order = ("name", "asc")


@register("reference", _l("Staff"), icon="fa-users", personal_data=True)
class StaffView(RegisterView):
    datamodel = RegisterInterface(Staff)
    list_title = _l("Office staff")
    show_title = add_title = edit_title = _l("Staff member")
    base_order = ("name", "asc")

    # Linking a staff member to a login decides who acts as "Müdür V." on a
    # proxy: only Bilgi İşlem, the Müdür and Admin may do it (issue 13). For
    # anybody else the field is not on the form and a crafted value is refused;
    # every change is in the audit trail (the automatic update entry).
    def _get_add_widget(self, form, exclude_cols=None, widgets=None):
        exclude = list(exclude_cols or []) + ([] if can_link_staff() else ["user"])
        return super()._get_add_widget(form, exclude_cols=exclude, widgets=widgets)

    def _get_edit_widget(self, form, exclude_cols=None, widgets=None):
        exclude = list(exclude_cols or []) + ([] if can_link_staff() else ["user"])
        return super()._get_edit_widget(form, exclude_cols=exclude, widgets=widgets)

    def process_form(self, form, is_created):
        from flask import g, request

        g.staff_link_refused = False
        if can_link_staff() or "user" not in form._fields:
            return
        sent = (request.form.get("user") or "").strip().replace("__None", "")
        current = ""
        if not is_created and getattr(form, "_id", None) is not None:
            from app.extensions import db

            with db.session.no_autoflush:
                current = str(db.session.query(Staff.user_id).filter(Staff.id == form._id).scalar() or "")
        if "user" in request.form and sent != current:
            g.staff_link_refused = True
        del form["user"]    # the login link is left as it is

    def _refuse_link(self):
        from flask import g

        if getattr(g, "staff_link_refused", False):
            raise PermissionError(STAFF_LINK_REFUSED)

    def pre_add(self, item):
        self._refuse_link()
        super().pre_add(item)

    def pre_update(self, item):
        self._refuse_link()
        super().pre_update(item)


STAFF_LINK_ROLES = {"Bilgi İşlem", "Müdür", "Admin"}
STAFF_LINK_REFUSED = ("Personeli kullanıcı hesabına yalnızca Bilgi İşlem, Müdür veya Admin bağlayabilir; "
                      "kayıt değiştirilmedi.")


def can_link_staff(user=None):
    from flask import g

    user = user if user is not None else getattr(g, "user", None)
    return bool({r.name for r in getattr(user, "roles", [])} & STAFF_LINK_ROLES)
