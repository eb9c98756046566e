"""Screens of the citizens' requests: categories, the register with its
stages, the receipt, statistics, the settings of the office's messages, the
public status page and Open311 (``open311.py``)."""
from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path

from flask import abort, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView
from flask_appbuilder.baseviews import expose
from flask_appbuilder.models.filters import BaseFilter
from flask_appbuilder.models.sqla.filters import FilterEqual
from flask_appbuilder.security.decorators import has_access, permission_name
from flask_babel import lazy_gettext as _l
from sqlalchemy import inspect

from app.core import turkish
from app.core.documents import doc_context
from app.core.register import RegisterInterface, RegisterListFilter, RegisterView, register
from app.extensions import db
from app.core import approval
from app.home import home_section
from app.registers.citizens import workflow
from app.registers.citizens.models import (
    CHANNELS, CONTACT_CHANNELS, CONTACT_RESULTS, DUE_DONE, KAYIT, STAGES, TEYIT, CitizenRequest,
    RequestCategory, RequestStage,
)

TEMPLATES = str(Path(__file__).resolve().parent / "templates")
ACTIVE = [["active", FilterEqual, True], ["archived", FilterEqual, False]]
CATEGORY_EDITORS = {"Müdür", "Bilgi İşlem", "Admin"}


@register("citizens", _l("Request categories"), icon="fa-tags")
class RequestCategoryView(RegisterView):
    """Settings-like: the Müdür (and Admin) set which unit gets a category and in how many days."""

    datamodel = RegisterInterface(RequestCategory)
    list_title = _l("Request categories")
    show_title = add_title = edit_title = _l("Request category")
    base_order = ("name", "asc")
    add_form_query_rel_fields = {"unit": ACTIVE}
    edit_form_query_rel_fields = {"unit": ACTIVE}

    def _refuse_editor(self):
        names = {r.name for r in getattr(g.user, "roles", [])}
        if not names & CATEGORY_EDITORS:
            raise PermissionError("Talep kategorilerini yalnızca Müdür veya Bilgi İşlem değiştirebilir; "
                                  "kayıt değiştirilmedi.")

    def pre_add(self, item):
        self._refuse_editor()
        super().pre_add(item)

    def pre_update(self, item):
        self._refuse_editor()
        super().pre_update(item)


class OverdueFilter(BaseFilter):
    """``?stage=teyit``: one stage (``?overdue=1`` is the core's, from
    ``CitizenRequest.overdue_condition``)."""

    name = "overdue"

    def apply(self, query, value):
        if not request:
            return query
        model = self.model
        stage = request.args.get("stage")
        if stage in STAGES:
            query = query.filter(model.stage == stage)
        return query


@register("citizens", _l("Requests and complaints"), icon="fa-bullhorn", personal_data=True)
class CitizenRequestView(RegisterView):
    datamodel = RegisterInterface(CitizenRequest)
    template_folder = TEMPLATES
    list_template = "citizens/request_list.html"
    show_template = "citizens/request_show.html"
    pdf_template = "citizens/receipt.html"
    list_title = _l("Citizens' requests and complaints")
    show_title = add_title = edit_title = _l("Citizen request")
    base_order = ("received_on", "desc")
    base_filters = [["id", RegisterListFilter, None], ["id", OverdueFilter, None]]
    add_form_query_rel_fields = {"category": ACTIVE, "unit": ACTIVE}
    edit_form_query_rel_fields = {"category": ACTIVE, "unit": ACTIVE}

    def add_defaults(self, form):
        super().add_defaults(form)
        if "received_on" in form._fields and not form.received_on.data:
            form.received_on.data = dt.date.today()
        if "kvkk_notice_given" in form._fields:
            version = workflow.settings()["citizens_kvkk_version"]
            form.kvkk_notice_given.description = (
                f"KVKK aydınlatma metni (sürüm {version}) vatandaşa verildi veya okundu.")

    def pre_add(self, item):
        super().pre_add(item)
        now = dt.datetime.now()
        item.kvkk_notice_version = workflow.settings()["citizens_kvkk_version"]
        item.stage, item.stage_at = KAYIT, now
        item.route()
        item.stages.append(RequestStage(kind="stage", to_stage=KAYIT, at=now,
                                        user_id=getattr(g.user, "id", None),
                                        note=f"{CHANNELS.get(item.channel, item.channel)} ile alındı."))

    def pre_update(self, item):
        super().pre_update(item)
        state = inspect(item)
        changed = state.attrs.category.history.has_changes()
        unit_changed = state.attrs.unit.history.has_changes()
        item.route(category_changed=changed and not unit_changed)

    # -- the record page ------------------------------------------------------
    def show_context(self, item):
        return {"moves": workflow.allowed_moves(item, g.user) if self._can("edit") and not item.archived else [],
                "stages": STAGES, "contact_results": CONTACT_RESULTS, "contact_channels": CONTACT_CHANNELS,
                "needs_reason": {to for (frm, to) in workflow.NEEDS_REASON if frm == item.stage},
                "close_problem": workflow.close_problem(item) if item.stage == TEYIT else None,
                "attempts_needed": workflow.required_attempts(), "TEYIT": TEYIT}

    def render_template(self, template, **kwargs):
        item = kwargs.get("item")
        if template == self.show_template and isinstance(item, CitizenRequest):
            kwargs.update(self.show_context(item))
        return super().render_template(template, **kwargs)

    @expose("/stage/<pk>", methods=["POST"])
    @has_access
    @permission_name("edit")
    def stage(self, pk):
        item = self._record_or_404(pk)
        try:
            row = workflow.move(item, request.form.get("to", ""), g.user, request.form.get("note", ""),
                                public=bool(request.form.get("public")), inform=bool(request.form.get("inform")))
        except workflow.StageError as exc:
            db.session.rollback()
            flash(str(exc), "danger")
            return self._back(item)
        response = self._commit(item, f"Aşama: {STAGES[row.to_stage]}."
                                + (" Vatandaşa bilgi mesajı gönderim sırasına alındı." if row.informed else ""))
        workflow.send_pending_messages()
        return response

    @expose("/contact/<pk>", methods=["POST"])
    @has_access
    @permission_name("edit")
    def contact(self, pk):
        item = self._record_or_404(pk)
        try:
            workflow.record_contact(item, request.form.get("result", ""), request.form.get("channel", ""),
                                    g.user, request.form.get("note", ""))
        except workflow.StageError as exc:
            db.session.rollback()
            flash(str(exc), "danger")
            return self._back(item)
        return self._commit(item, "Görüşme sonucu kaydedildi.")

    # -- the receipt ------------------------------------------------------------
    def pdf_context(self, item):
        from app.core.personal import mask_name

        fields = [
            ("Takip numarası", item.number),
            ("Başvuru tarihi", turkish.format_day(item.received_on)),
            ("Başvuru yolu", item.channel_label),
            ("Başvuru sahibi", mask_name(item.citizen_name)),
            ("Konu", item.subject),
            ("Kategori", str(item.category or "")),
            ("İlgili birim", str(item.unit or "")),
            ("Tahmini sonuçlanma tarihi", turkish.format_day(item.due_date) if item.due_date else ""),
        ]
        if item.reference:
            fields.insert(3, ("CİMER / Açıkkapı numarası", item.reference))
        ctx = doc_context(self, item, "BAŞVURU ALINDI BELGESİ", fields, [], date=item.received_on)
        ctx["extra"] = {"status_url": workflow.public_status_url(), "number": item.number,
                        "kvkk_version": item.kvkk_notice_version or ""}
        return ctx

    # -- statistics -----------------------------------------------------------
    @expose("/stats")
    @has_access
    @permission_name("list")
    def stats(self):
        from app.registers.citizens.stats import stats_page

        return stats_page(self)


@functools.lru_cache(maxsize=None)
def _reminder_statement():
    """Both counts and the oldest confirmations asked, in one statement (the
    counts' one row, outer-joined to up to ten waiting requests): built once
    per process, ``since`` and ``today`` bound at each run (the clerk's home
    page runs it on every visit)."""
    from sqlalchemy import and_, bindparam, case, func, select, true

    since = bindparam("since", type_=CitizenRequest.stage_at.type)
    today = bindparam("today", type_=CitizenRequest.due_date.type)
    is_asked = and_(CitizenRequest.stage == TEYIT, CitizenRequest.stage_at <= since)
    is_overdue = and_(CitizenRequest.due_date < today, CitizenRequest.stage.notin_(DUE_DONE))
    counts = (select(func.count(case((is_asked, 1))).label("asked"),
                     func.count(case((is_overdue, 1))).label("overdue"))
              .where(CitizenRequest.archived.is_(False))).subquery()
    # what the section shows of each (a whole request is ~40 columns and its joins)
    waiting = (select(CitizenRequest.id, CitizenRequest.number, CitizenRequest.subject, CitizenRequest.stage_at)
               .where(CitizenRequest.archived.is_(False), is_asked)
               .order_by(CitizenRequest.stage_at).limit(10)).subquery()
    return (select(counts.c.asked, counts.c.overdue, waiting.c.id, waiting.c.number, waiting.c.subject,
                   waiting.c.stage_at)
            .select_from(counts.outerjoin(waiting, true()))
            .order_by(waiting.c.stage_at, waiting.c.id))


@home_section(40)
def citizen_reminders(user, sm):
    """Clerk's reminders: confirmations not answered for some days, overdue requests
    (the Müdür sees overdue requests by unit in his own tile instead)."""
    if not sm.has_access("can_list", "CitizenRequestView") or approval.is_director(user):
        return None
    days = int(workflow.settings().get("citizens_reminder_days") or 3)
    params = {"since": dt.datetime.now() - dt.timedelta(days=days), "today": dt.date.today()}
    rows = db.session.execute(_reminder_statement(), params).all()   # counts and rows, one query
    asked_count, overdue = rows[0].asked, rows[0].overdue
    if not asked_count and not overdue:
        return None
    waiting = [row for row in rows if row.id is not None]
    return {"template": "citizens/home_section.html", "citizen_waiting": waiting,
            "citizen_overdue": overdue, "citizen_days": days,
            "citizen_waiting_count": asked_count if waiting else 0}





def add_views(appbuilder):
    """The screens outside the registry: settings, Open311 keys (menu), the
    public status page and Open311 (no login; Open311 POST is authorised by
    its API key, not by a CSRF token)."""
    from app import csrf
    from app.core.register import CATEGORIES
    from app.registers.citizens.open311 import Open311View
    from app.registers.citizens.public import RequestStatusView
    from app.registers.citizens.settings_view import CitizenSettingsView, Open311KeyView

    label, icon = CATEGORIES["citizens"]
    for view, name, text, view_icon in (
            (CitizenSettingsView, "CitizenSettingsView", _l("Citizen request settings"), "fa-cog"),
            (Open311KeyView, "Open311KeyView", _l("Open311 API keys"), "fa-key")):
        appbuilder.add_view(view, name, label=text, icon=view_icon, category="citizens",
                            category_label=label, category_icon=icon)
    appbuilder.add_view_no_menu(RequestStatusView)
    appbuilder.add_view_no_menu(Open311View)
    for baseview in appbuilder.baseviews:
        if isinstance(baseview, Open311View):
            csrf.exempt(baseview.blueprint)
