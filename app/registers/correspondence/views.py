"""Screens of Gelen ve Giden Evrak: the register (incoming and outgoing,
replies pre-filled from the incoming letter's page), the letter templates,
the official letter PDF and the letters' settings."""
from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path

from flask import abort, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose
from flask_appbuilder.models.filters import BaseFilter
from flask_appbuilder.security.decorators import has_access, permission_name
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from app.core import audit, turkish
from app.core.documents import doc_context
from app.core.register import RegisterInterface, RegisterListFilter, RegisterView, register
from app.extensions import db
from app.home import home_section
from app.registers.correspondence.models import (
    INCOMING, NORMAL, OUTGOING, SECURITY_MARK, URGENCY, Letter, LetterTemplate, may_see_secured, settings,
)

TEMPLATES = str(Path(__file__).resolve().parent / "templates")


def visible(query, model=Letter):
    """Letters above "normal" do not exist for a user outside the settings' roles."""
    if not may_see_secured():
        query = query.filter(model.security == NORMAL)
    return query


class VisibleLetters(BaseFilter):
    """Every query of the register for a request (list, search, filters,
    exports, the ilgi choices): secured letters only for the allowed roles."""

    name = "visible"

    def apply(self, query, value):
        return visible(query, self.model)


def ilgi_choices():
    """Letters one may cite: not archived, visible to this user, newest first."""
    query = db.session.query(Letter).filter(Letter.archived.is_(False))
    return visible(query).order_by(Letter.letter_date.desc(), Letter.id.desc()).limit(1000).all()


class LetterListFilter(RegisterListFilter):
    """The register's list filter (``?overdue=1`` from ``Letter.overdue_condition``)
    on the letters this user may see, plus ``?open=1`` (incoming letters not yet
    answered)."""

    def apply(self, query, value):
        query = visible(super().apply(query, value), self.model)
        if request and request.args.get("open") == "1":
            query = query.filter(self.model.direction == INCOMING, self.model.answered_by_id.is_(None))
        return query


@register("correspondence", _l("Letter templates"), icon="fa-file-text-o")
class LetterTemplateView(RegisterView):
    datamodel = RegisterInterface(LetterTemplate)
    list_title = _l("Letter templates")
    show_title = add_title = edit_title = _l("Letter template")
    base_order = ("name", "asc")


@register("correspondence", _l("Incoming and outgoing letters"), icon="fa-envelope", personal_data=True)
class LetterView(RegisterView):
    datamodel = RegisterInterface(Letter, eager=["contact.institution"])
    template_folder = TEMPLATES
    show_template = "correspondence/letter_show.html"
    list_template = "correspondence/letter_list.html"
    pdf_template = "correspondence/letter.html"
    list_title = _l("Incoming and outgoing letters")
    show_title = add_title = edit_title = _l("Letter")
    base_order = ("letter_date", "desc")
    base_filters = [["id", LetterListFilter, None]]
    formatters_columns = {
        "cited": lambda value: ", ".join(str(x) for x in (value or []) if not x.hidden_for()),
        "answered_by": lambda value: "" if value is None or value.hidden_for() else str(value),
    }

    def _init_forms(self):
        """İlgi: a multiple choice of the letters this user may see (the core
        would make it a one-record picker)."""
        from flask_appbuilder.fields import QuerySelectMultipleField
        from flask_appbuilder.fieldwidgets import Select2ManyWidget

        from wtforms.validators import ValidationError

        class IlgiField(QuerySelectMultipleField):
            def pre_validate(self, form):
                self._get_data()
                if self._invalid_formdata:
                    raise ValidationError("Seçilen ilgi yazılarından biri bulunamadı.")

        super()._init_forms()
        for form_cls in (self.add_form, self.edit_form):
            form_cls.cited = IlgiField(
                _l("İlgi (letters)"), query_func=ilgi_choices, get_pk_func=lambda item: item.id,
                widget=Select2ManyWidget(),
                description=_l("Earlier letters of the register this one cites"))

    # -- secured letters: not found at all for the others ----------------------
    def _record_or_404(self, pk):
        item = super()._record_or_404(pk)
        if item.hidden_for():
            abort(404)
        return item

    @expose("/lookup")
    @has_access
    @permission_name("list")
    def lookup(self):
        from flask import jsonify

        from app.core.register import lookup_results

        rows = lookup_results(Letter, request.args.get("q", ""), limit=40)
        if not may_see_secured():
            ids = [r["id"] for r in rows]
            shown = {i for (i,) in db.session.query(Letter.id).filter(Letter.id.in_(ids or [0]),
                                                                      Letter.security == NORMAL)}
            rows = [r for r in rows if r["id"] in shown]
        return jsonify(results=rows[:20])

    # -- forms -------------------------------------------------------------------
    def add_defaults(self, form):
        """``?direction=giden``; ``?reply_to=<incoming id>``: an outgoing reply
        citing the incoming letter, to its sender, on the same subject."""
        from app.core.guards import parse_pk

        super().add_defaults(form)
        direction = request.args.get("direction")
        if direction in (INCOMING, OUTGOING) and "direction" in form._fields:
            form.direction.data = direction
        if "letter_date" in form._fields and not form.letter_date.data:
            form.letter_date.data = dt.date.today()
        pk = parse_pk(request.args.get("reply_to") or "")
        source = db.session.get(Letter, pk) if pk is not None else None
        if source is None or source.hidden_for() or source.archived:
            return
        form.direction.data = OUTGOING
        if "cited" in form._fields:
            form.cited.data = [source]
        if "contact" in form._fields and source.contact is not None:
            form.contact.data = source.contact
        if "subject" in form._fields and not form.subject.data:
            form.subject.data = source.subject
        if "file_plan_code" in form._fields:
            form.file_plan_code.data = source.file_plan_code
        if "security" in form._fields:
            form.security.data = source.security

    def _fill(self, item):
        if item.direction == OUTGOING and item.template is not None and (not item.body or not item.subject):
            values = {"muhatap": item.muhatap(), "tarih": turkish.format_day(item.letter_date),
                      "konu": item.subject or "", "ilgi": "; ".join(item.ilgi_lines())}
            subject, body = item.template.fill(values)
            item.subject = item.subject or subject[:250]
            item.body = item.body or body
        if item.direction == INCOMING and item.due_date is None:
            if item.urgency == "gunlu" and item.urgency_date:
                item.due_date = item.urgency_date
            else:
                try:
                    days = int(settings().get("letters_answer_days") or 10)
                except ValueError:
                    days = 10
                item.due_date = (item.letter_date or dt.date.today()) + dt.timedelta(days=days)
        item.file_plan_code = (item.file_plan_code or "").strip()

    def pre_add(self, item):
        super().pre_add(item)
        self._fill(item)

    def pre_update(self, item):
        super().pre_update(item)
        # an ilgi this user cannot see was not on the form: keep it
        from sqlalchemy import inspect

        for other in inspect(item).attrs.cited.history.deleted or ():
            if other.hidden_for() and other not in item.cited:
                item.cited.append(other)
        self._fill(item)

    # -- the record page -----------------------------------------------------------
    def render_template(self, template, **kwargs):
        item = kwargs.get("item")
        if template == self.show_template and isinstance(item, Letter):
            replies = visible(db.session.query(Letter).filter(
                Letter.cited.any(Letter.id == item.id), Letter.archived.is_(False))).order_by(Letter.id).all()
            kwargs.update(replies=replies, cited=[c for c in item.cited if not c.hidden_for()],
                          may_reply=item.is_incoming and self._can("add") and not item.archived)
        return super().render_template(template, **kwargs)

    # -- the official letter -----------------------------------------------------------
    def pdf_context(self, item):
        s = settings()
        fields = [("Sayı", item.number), ("Konu", item.subject), ("Muhatap", item.muhatap()),
                  ("Metin", item.body or "")]
        sig = item.signature_block()
        ctx = doc_context(self, item, "RESMÎ YAZI", fields, [{"title": sig["title"], "name": sig["name"]}],
                          date=item.decided_at if item.state == "approved" and item.decided_at else item.letter_date)
        ctx["date"] = turkish.format_day((item.decided_at.date() if item.state == "approved" and item.decided_at
                                          else item.letter_date))
        ctx["title"] = item.subject
        from app.core.attachments import Attachment

        ekler = [a.filename
                 for a in db.session.query(Attachment).filter_by(register="letter", record_id=item.id)
                 .order_by(Attachment.id)]
        from app.core.pdf import register_serif_fonts

        ctx["extra"] = {
            "letter": item,
            "letter_font": register_serif_fonts(),     # Times New Roman's metrics, as the rules ask
            "security_mark": SECURITY_MARK.get(item.security),
            "urgency_mark": ("İVEDİ" if item.urgency == "ivedi" else
                             f"GÜNLÜ ({turkish.format_day(item.urgency_date)})" if item.urgency == "gunlu" else ""),
            "muhatap_lines": [line for line in item.muhatap().splitlines() if line.strip()],
            "ilgi": item.ilgi_lines(),
            "paragraphs": [p.strip() for p in (item.body or "").split("\n\n") if p.strip()],
            "signature": sig,
            "ekler": ekler,
            "gereği": [x.strip() for x in (item.distribution_action or "").splitlines() if x.strip()],
            "bilgi": [x.strip() for x in (item.distribution_info or "").splitlines() if x.strip()],
            "paraf": item.paraf_rows(),
            "kep": s.get("letters_kep") or "",
            "info_contact": s.get("letters_info_contact") or "",
        }
        return ctx


# -- settings ---------------------------------------------------------------------


class LetterSettingsForm(FlaskForm):
    letters_prefix = StringField(_l("Sayı prefix"), validators=[
        DataRequired(), Length(max=4), Regexp(r"^[A-ZÇĞİÖŞÜ]+$", message="Yalnızca büyük harf girin (ör. E).")],
        description=_l("E for electronically produced documents"))
    letters_secure_roles = StringField(_l("Roles that see hizmete özel and gizli letters"),
                                       validators=[DataRequired(), Length(max=200)],
                                       description=_l("Role names separated by commas, e.g. Müdür, Admin"))
    letters_kep = StringField(_l("KEP address"), validators=[Optional(), Length(max=120)])
    letters_info_contact = StringField(_l("For information (Bilgi için)"), validators=[Optional(), Length(max=200)],
                                       description=_l("Name SURNAME, title, phone"))
    letters_mayor_name = StringField(_l("Mayor's name (signature)"), validators=[Optional(), Length(max=120)])
    letters_director_name = StringField(_l("Director's name (signature)"), validators=[Optional(), Length(max=120)])
    letters_answer_days = IntegerField(_l("Days to answer an incoming letter"),
                                       validators=[DataRequired(), NumberRange(min=1, max=365)])


SETTING_FIELDS = ["letters_prefix", "letters_secure_roles", "letters_kep", "letters_info_contact",
                  "letters_mayor_name", "letters_director_name", "letters_answer_days"]


class LetterSettingsView(BaseView):
    route_base = "/letter-settings"
    default_view = "index"
    template_folder = TEMPLATES

    @expose("/", methods=["GET", "POST"])
    @has_access
    def index(self):
        from app.settings.models import save_settings

        values = settings()
        form = LetterSettingsForm(data=values) if request.method == "GET" else LetterSettingsForm()
        if request.method == "POST" and form.validate():
            new = {k: "" if form[k].data is None else str(form[k].data).strip() for k in SETTING_FIELDS}
            changed = {k: [values.get(k), v] for k, v in new.items() if values.get(k) != v}
            save_settings(new)
            if changed:
                db.session.add(audit.new_entry("setting", None, "update", "Evrak ayarları", changed))
            db.session.commit()
            flash("Evrak ayarları kaydedildi.", "success")
            return redirect(url_for("LetterSettingsView.index"))
        return self.render_template("correspondence/settings.html", form=form, title=_l("Letter settings"))


def add_views(appbuilder):
    from app.core.register import CATEGORIES

    label, icon = CATEGORIES["correspondence"]
    appbuilder.add_view(LetterSettingsView, "LetterSettingsView", label=_l("Letter settings"), icon="fa-cog",
                        category="correspondence", category_label=label, category_icon=icon)


# -- home ---------------------------------------------------------------------------


@functools.lru_cache(maxsize=None)
def _open_letters_statement(secured_too: bool):
    """Open incoming letters, overdue first (built once per process for each
    of the two visibilities, see ``visible``)."""
    from sqlalchemy import select

    statement = visible(select(Letter).where(Letter.archived.is_(False), Letter.direction == INCOMING,
                                             Letter.answered_by_id.is_(None)))   # asks may_see_secured()
    return statement.order_by(Letter.due_date.is_(None), Letter.due_date, Letter.id).limit(10)


@home_section(45)
def open_letters(user, sm):
    """"Cevap bekleyen gelen evrak": open incoming letters, overdue first, for
    the people who answer them (the Müdür and the signers follow overdue letters
    on the Müdür's tile and through İşlerim)."""
    from app.core import approval, signing

    if not sm.has_access("can_list", "LetterView") or approval.is_director(user) or signing.is_signer(user):
        return None
    items = db.session.execute(_open_letters_statement(may_see_secured())).scalars().all()
    if not items:
        return None
    return {"template": "correspondence/home_letters.html", "letters": items,
            "overdue_count": sum(1 for i in items if i.is_overdue)}


__all__ = ["LetterView", "LetterTemplateView", "LetterSettingsView", "URGENCY"]
