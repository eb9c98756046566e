"""Settings of the citizens' requests (Bilgi İşlem, Müdür): KVKK notice
version, contact attempts before closing, reminder days, the message sent
at each stage; and the Open311 API keys (Bilgi İşlem)."""
from __future__ import annotations

import hashlib
import secrets

from flask import flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.security.decorators import has_access
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from app.core import audit
from app.extensions import db
from app.registers.citizens import workflow
from app.registers.citizens.models import STAGES, Open311Key
from app.settings.models import save_settings

PLACEHOLDERS = ("number", "stage", "note", "unit", "category", "date", "url")


def _template_ok(form, field):
    import string

    try:
        names = [name for _, name, _, _ in string.Formatter().parse(field.data or "") if name is not None]
    except ValueError:
        raise ValidationError("Süslü parantezler eşleşmiyor.") from None
    bad = [n for n in names if n not in PLACEHOLDERS]
    if bad:
        raise ValidationError("Bilinmeyen yer tutucu: {" + bad[0] + "}. Kullanılabilenler: "
                              + ", ".join("{" + p + "}" for p in PLACEHOLDERS))


class CitizenSettingsForm(FlaskForm):
    citizens_kvkk_version = StringField(_l("KVKK information notice version"),
                                        validators=[DataRequired(), Length(max=40)])
    citizens_contact_attempts = IntegerField(
        _l("Failed contact attempts that allow closing"), validators=[DataRequired(), NumberRange(min=1, max=10)])
    citizens_reminder_days = IntegerField(
        _l("Remind the clerk of an unanswered confirmation after (days)"),
        validators=[DataRequired(), NumberRange(min=1, max=60)])


for _stage in workflow.TEMPLATE_STAGES:
    setattr(CitizenSettingsForm, f"citizens_msg_{_stage}",
            TextAreaField(STAGES[_stage], validators=[Optional(), Length(max=600), _template_ok]))

FIELDS = list(workflow.DEFAULT_SETTINGS)


class CitizenSettingsView(BaseView):
    route_base = "/citizen-settings"
    default_view = "index"

    @expose("/", methods=["GET", "POST"])
    @has_access
    def index(self):
        values = workflow.settings()
        form = CitizenSettingsForm(data=values) if request.method == "GET" else CitizenSettingsForm()
        if request.method == "POST" and form.validate():
            new = {k: "" if form[k].data is None else str(form[k].data).strip() for k in FIELDS}
            changed = {k: [values.get(k), v] for k, v in new.items() if values.get(k) != v}
            save_settings(new)
            if changed:
                db.session.add(audit.new_entry("setting", None, "update", "Başvuru ayarları", changed))
            db.session.commit()
            flash("Başvuru ayarları kaydedildi.", "success")
            return redirect(url_for("CitizenSettingsView.index"))
        return self.render_template("citizens/settings.html", form=form, title=_l("Citizen request settings"),
                                    placeholders=PLACEHOLDERS,
                                    template_fields=[f"citizens_msg_{s}" for s in workflow.TEMPLATE_STAGES])


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def issue_key(name, user_id=None):
    """A new key: returned once, only its hash is stored."""
    key = "o311_" + secrets.token_urlsafe(24)
    row = Open311Key(name=name[:100], key_hash=hash_key(key), prefix=key[5:11], created_by_id=user_id)
    db.session.add(row)
    return key, row


class Open311KeyView(BaseView):
    route_base = "/open311-keys"
    default_view = "index"

    @expose("/", methods=["GET"])
    @has_access
    def index(self):
        keys = db.session.query(Open311Key).order_by(Open311Key.id.desc()).all()
        return self.render_template("citizens/open311_keys.html", keys=keys, new_key=None,
                                    title=_l("Open311 API keys"))

    @expose("/issue", methods=["POST"])
    @has_access
    def issue(self):
        name = (request.form.get("name") or "").strip()
        if not name:
            flash("Anahtarın kime verildiğini yazın.", "danger")
            return redirect(url_for("Open311KeyView.index"))
        key, row = issue_key(name, getattr(g.user, "id", None))
        db.session.flush()
        audit.record("open311_key", row.id, "create", f"Open311 anahtarı: {row.name} ({row.prefix}…)", commit=False)
        db.session.commit()
        keys = db.session.query(Open311Key).order_by(Open311Key.id.desc()).all()
        return self.render_template("citizens/open311_keys.html", keys=keys, new_key=key,
                                    title=_l("Open311 API keys"))

    @expose("/revoke/<int:pk>", methods=["POST"])
    @has_access
    def revoke(self, pk):
        row = db.session.get(Open311Key, pk)
        if row is None:
            from flask import abort

            abort(404)
        row.active = False
        audit.record("open311_key", row.id, "update", f"Open311 anahtarı iptal: {row.name}", commit=False)
        db.session.commit()
        flash("Anahtar iptal edildi.", "success")
        return redirect(url_for("Open311KeyView.index"))
