"""The settings screen (Bilgi İşlem and Müdür): the letterhead and limits."""
from __future__ import annotations

import os

from flask import current_app, flash, redirect, request, send_file, url_for, abort
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional, Regexp

from app.core import audit
from app.core.attachments import sniff
from app.extensions import db
from app.settings.models import get_settings, save_settings


class SettingsForm(FlaskForm):
    municipality = StringField(_l("Municipality (as printed)"), validators=[DataRequired(), Length(max=120)])
    unit = StringField(_l("Unit name"), validators=[DataRequired(), Length(max=120)])
    detsis = StringField(_l("DETSİS number"), validators=[Optional(), Length(max=20)])
    address = TextAreaField(_l("Address"), validators=[Optional(), Length(max=300)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=40)])
    email = StringField(_l("E-mail"), validators=[Optional(), Email(message="Geçerli bir e-posta adresi girin."), Length(max=120)])
    web = StringField(_l("Web"), validators=[Optional(), Length(max=120)])
    public_url = StringField(_l("Public address (URL)"), validators=[
        Optional(), Length(max=200),
        Regexp(r"^https?://[^\s/?#]+(/[^\s?#]*)?$",
               message=_l("Enter an address starting with http:// or https://, e.g. https://ozelkalem.ornek.bel.tr"))],
        description=_l("The address printed with the verification QR code on documents. "
                       "Left empty, the address this page was opened with is printed."))
    gift_threshold = IntegerField(_l("Gift value needing the director's attention (₺)"),
                                  validators=[Optional(), NumberRange(min=0, max=10_000_000)])
    retention_years = IntegerField(_l("Retention of personal data (years)"),
                                   validators=[Optional(), NumberRange(min=1, max=100)])
    logo = FileField(_l("Logo (PNG or JPEG)"))


FIELDS = ["municipality", "unit", "detsis", "address", "phone", "email", "web", "public_url",
          "gift_threshold", "retention_years"]


def logo_path():
    name = get_settings().get("logo")
    if not name:
        return None
    path = os.path.join(current_app.config["DATA_DIR"], name)
    return path if os.path.isfile(path) else None


class SettingsView(BaseView):
    route_base = "/settings"
    default_view = "index"

    @expose("/", methods=["GET", "POST"])
    @has_access
    def index(self):
        values = get_settings()
        form = SettingsForm(data={k: values.get(k) for k in FIELDS})
        if request.method == "POST":
            form = SettingsForm()
            if form.validate():
                new = {k: "" if getattr(form, k).data is None else str(getattr(form, k).data).strip() for k in FIELDS}
                upload = request.files.get("logo")
                if upload and upload.filename:
                    data = upload.read(2 * 1024 * 1024 + 1)
                    mime = sniff(data[:16])
                    if len(data) > 2 * 1024 * 1024 or mime not in ("image/png", "image/jpeg"):
                        form.logo.errors = ["Logo en fazla 2 MB, PNG veya JPEG olmalıdır."]
                        return self.render_template("settings.html", form=form, values=values, title=_l("Settings"))
                    name = "logo.png" if mime == "image/png" else "logo.jpg"
                    os.makedirs(current_app.config["DATA_DIR"], exist_ok=True)
                    with open(os.path.join(current_app.config["DATA_DIR"], name), "wb") as fh:
                        fh.write(data)
                    new["logo"] = name
                changed = {k: [values.get(k), v] for k, v in new.items() if values.get(k) != v}
                save_settings(new)
                if changed:
                    db.session.add(audit.new_entry("setting", None, "update", "Ayarlar", changed))
                db.session.commit()
                flash("Ayarlar kaydedildi.", "success")
                return redirect(url_for("SettingsView.index"))
        return self.render_template("settings.html", form=form, values=values, title=_l("Settings"))

    @expose("/logo")
    @has_access
    def logo(self):
        path = logo_path()
        if not path:
            abort(404)
        return send_file(path)
