"""Screens of the mayor's orders (with their per-unit follow-up, the overdue
list, the PDF and the Müdür's home section), the documents put to the mayor
for signature (what waited longest first) and the council briefings."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from flask import abort, flash, g, redirect, request, url_for
from flask_appbuilder import expose
from flask_appbuilder.models.filters import BaseFilter
from flask_appbuilder.security.decorators import has_access, permission_name
from flask_appbuilder.models.sqla.filters import FilterEqual
from flask_babel import gettext as _t
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from sqlalchemy import case, func
from wtforms import SelectMultipleField

from app.core import turkish
from app.core.documents import doc_context
from app.core.fields import CheckboxList
from app.core.register import RegisterInterface, RegisterListFilter, RegisterView, register
from app.extensions import db
from app.notify.reminders import daily_job
from app.registers.mayor.models import (
    ANSWERED, DONE, FOLLOW_UP_STATUSES, PENDING_SIGNATURE, WAITING, CouncilBriefing, MayorOrder, OrderFollowUp,
    Submission,
)

TEMPLATES = str(Path(__file__).resolve().parent / "templates")
ACTIVE = [["active", FilterEqual, True], ["archived", FilterEqual, False]]


# -- a multiple choice of records as check boxes -----------------------------------


class RecordCheckboxes(SelectMultipleField):
    """Check boxes of the active rows of a model (units, council members);
    ``data`` is the list of chosen records. Works without JavaScript."""

    widget = CheckboxList()

    def __init__(self, label=None, validators=None, model=None, condition=None, **kwargs):
        super().__init__(label, validators, coerce=str, **kwargs)
        self.model, self.condition = model, condition

    def _rows(self):
        model = self.model
        query = db.session.query(model).filter(model.archived.is_(False))
        if self.condition is not None:
            query = query.filter(self.condition(model))
        return sorted(query.all(), key=lambda r: turkish.sort_key(str(r)))

    def iter_choices(self):
        chosen = {r.id for r in (self.data or [])}
        rows = self._rows()
        ids = {r.id for r in rows}
        rows += [r for r in (self.data or []) if r.id not in ids]   # a chosen row since archived
        for row in rows:
            yield (str(row.id), str(row), row.id in chosen, {})

    def process_data(self, value):
        self.data = list(value or [])

    def process_formdata(self, valuelist):
        ids = []
        for raw in valuelist:
            try:
                ids.append(int(raw))
            except (TypeError, ValueError):
                self.data = []
                raise ValueError(_t("Choose from the list."))
        rows = db.session.query(self.model).filter(self.model.id.in_(ids)).all() if ids else []
        if len(rows) != len(set(ids)):
            self.data = rows
            raise ValueError(_t("Choose from the list."))
        self.data = rows

    def pre_validate(self, form):
        pass

    def populate_obj(self, obj, name):
        setattr(obj, name, list(self.data or []))


def _units_field(label, description=""):
    from app.registers.reference.models import Unit

    return RecordCheckboxes(label, model=Unit, condition=lambda m: m.active.is_(True), description=description)


def _members_field():
    from app.registers.reference.models import Contact

    return RecordCheckboxes(_l("Members informed"), model=Contact,
                            condition=lambda m: m.council_member.is_(True),
                            description=_l("Contacts marked as council members in the directory"))


# -- Başkanlık Talimatları ---------------------------------------------------------


def overdue_condition(today=None):
    """SQL: a unit's row still waiting after its due date (its own, else the order's)."""
    today = today or dt.date.today()
    due = func.coalesce(OrderFollowUp.due_date, MayorOrder.due_date)
    return (OrderFollowUp.status == WAITING) & OrderFollowUp.archived.is_(False) \
        & MayorOrder.archived.is_(False) & (due < today)


class FollowUpFilter(BaseFilter):
    """``?status=bekliyor|yanitlandi|tamamlandi`` (``?overdue=1`` and
    ``?unit=<id>`` are the core's, from ``OrderFollowUp.overdue_condition``)."""

    name = "follow-up"

    def apply(self, query, value):
        if not request:
            return query
        status = request.args.get("status")
        if status in FOLLOW_UP_STATUSES:
            query = query.filter(OrderFollowUp.status == status)
        return query


class _Detail(RegisterView):
    """Saved, the clerk goes back to the order's page."""

    def _landing(self):
        from flask import g, redirect, url_for

        item = g.get("ozk_saved")
        if item is not None and not request.args.get("_dialog") and getattr(item, "order_id", None):
            g.pop("ozk_saved")
            return redirect(url_for("MayorOrderView.show", pk=item.order_id))
        return super()._landing()


@register("mayor", _l("Order follow-up"), icon="fa-tasks")
class OrderFollowUpView(_Detail):
    """Every unit's row of every order; ``?overdue=1`` is the overdue list (by unit with ``unit=``)."""

    datamodel = RegisterInterface(OrderFollowUp)
    template_folder = TEMPLATES
    list_template = "mayor/follow_up_list.html"
    list_title = _l("Mayor's orders: follow-up by unit")
    show_title = add_title = edit_title = _l("Order follow-up")
    base_order = ("due_date", "asc")
    base_filters = [["id", RegisterListFilter, None], ["id", FollowUpFilter, None]]
    add_form_query_rel_fields = {"unit": ACTIVE}
    edit_form_query_rel_fields = {"unit": ACTIVE}

    def list_context(self):
        from app.core.guards import parse_pk
        from app.registers.reference.models import Unit

        unit = parse_pk(request.args.get("unit") or "")
        return {"overdue_only": request.args.get("overdue") == "1",
                "unit_name": str(db.session.get(Unit, unit) or "") if unit else ""}

    def render_template(self, template, **kwargs):
        if template == self.list_template:
            kwargs.update(self.list_context())
        return super().render_template(template, **kwargs)

    @expose("/answer/<pk>", methods=["POST"])
    @has_access
    @permission_name("edit")
    def answer(self, pk):
        """A unit's answer recorded on the order's own page (the row's inline
        form): the answer, its date (empty: today) and answered/completed. The
        row's version guards against overwriting a colleague's save; on any
        refusal the typed answer is kept for the form."""
        from app.core.guards import parse_pk

        row_id = parse_pk(str(pk))
        item = db.session.get(OrderFollowUp, row_id) if row_id else None
        if item is None:
            abort(404)
        back = url_for("MayorOrderView.show", pk=item.order_id, _anchor=f"ozk-unit-{item.id}")
        form = request.form
        answer = (form.get("answer") or "").replace("\r\n", "\n").strip()
        status = form.get("status") or ANSWERED
        errors = []
        if item.archived or item.order.archived:
            errors.append(_t("An archived order or row cannot be answered."))
        if status not in (ANSWERED, DONE):
            errors.append(_t("Choose answered or completed."))
        day_text = (form.get("answered_on") or "").strip()
        day = turkish.parse_date_text(day_text) if day_text else today_date()
        if day is None:
            errors.append(_t("Write the answer date as dd.mm.yyyy."))
        if not errors:
            found = OrderFollowUp.validate_data({"status": status, "answer": answer, "answered_on": day}, item)
            errors.extend(str(m) for m in found.values())
        if not errors and str(item.version) != (form.get("version") or "").strip():
            errors.append(_t("This unit's row changed while you were looking at it (someone saved it). "
                             "Your answer was not saved; it is kept below: look at the row again and save."))
        if errors:
            for message in errors:
                flash(message, "danger")
            # the order's page again, with the typed answer in its row (kept in this request, not in
            # the session cookie, which a long answer would overflow)
            g.ozk_unit_answer = {"id": item.id, "answer": answer, "status": status, "answered_on": day_text[:20]}
            order_view = next(v for v in self.appbuilder.baseviews if isinstance(v, MayorOrderView))
            return order_view.show(item.order_id)
        item.answer, item.status, item.answered_on = answer, status, day
        db.session.commit()
        flash(_t("The unit's answer was saved: %(unit)s.", unit=str(item.unit)), "success")
        return redirect(back)


def today_date():
    return dt.date.today()


@register("mayor", _l("Mayor's orders"), icon="fa-bullhorn")
class MayorOrderView(RegisterView):
    datamodel = RegisterInterface(MayorOrder)
    template_folder = TEMPLATES
    related_views = [OrderFollowUpView]
    pdf_template = "mayor/order.html"
    list_title = _l("Mayor's orders and circulars")
    show_title = add_title = edit_title = _l("Mayor's order")
    base_order = ("date", "desc")
    add_form_extra_fields = {"units": _units_field(_l("Units"), _l("The units the order goes to: "
                                                                    "one follow-up row each"))}
    edit_form_extra_fields = {"units": _units_field(_l("Add units"), _l("Units to add to the order; "
                                                                        "a unit's row is removed by archiving it"))}

    show_template = "mayor/order_show.html"

    def render_template(self, template, **kwargs):
        item = kwargs.get("item")
        if template == self.show_template and isinstance(item, MayorOrder):
            sm = self.appbuilder.sm
            draft = g.pop("ozk_unit_answer", None)
            kwargs.update(unit_rows=[f for f in item.follow_ups if not f.archived],
                          may_answer=(sm.has_access("can_edit", "OrderFollowUpView") and not item.archived),
                          answer_draft=draft if isinstance(draft, dict) else None,
                          answer_statuses={ANSWERED: FOLLOW_UP_STATUSES[ANSWERED], DONE: FOLLOW_UP_STATUSES[DONE]})
        return super().render_template(template, **kwargs)

    def _init_forms(self):
        for attr in ("add_columns", "edit_columns"):
            columns = list(getattr(self, attr) or [])
            if columns and "units" not in columns:
                at = columns.index("text") + 1 if "text" in columns else len(columns)
                columns.insert(at, "units")
                setattr(self, attr, columns)
        super()._init_forms()

    def _get_edit_widget(self, form, exclude_cols=None, widgets=None):
        if request.method == "GET" and "units" in form._fields:
            form.units.data = []     # "add units": none ticked, the order's own are in its rows
        return super()._get_edit_widget(form, exclude_cols=exclude_cols, widgets=widgets)

    def _add_units(self, item):
        chosen = getattr(item, "units", None) or []
        have = {f.unit_id for f in item.follow_ups}
        for unit in chosen:
            if unit.id not in have:
                item.follow_ups.append(OrderFollowUp(unit=unit, status=WAITING))
                have.add(unit.id)
        item.__dict__.pop("units", None)

    def pre_add(self, item):
        super().pre_add(item)
        self._add_units(item)

    def pre_update(self, item):
        super().pre_update(item)
        self._add_units(item)

    def pdf_context(self, item):
        rows = item.open_follow_ups()
        fields = [("Konu", item.subject), ("Tarih", turkish.format_day(item.date)),
                  ("Son tarih", turkish.format_day(item.due_date) if item.due_date else ""),
                  ("Talimatı veren", item.issued_by or ""),
                  ("Gönderilen birimler", "\n".join(str(f.unit) for f in rows)),
                  ("Talimat", item.text)]
        ctx = doc_context(self, item, "BAŞKANLIK TALİMATI", fields, [], date=item.date)
        ctx["extra"] = {
            "order": item,
            "follow_ups": [{"no": n, "unit": str(f.unit), "status": "Gecikti" if f.is_overdue else f.status_label,
                            "overdue": f.is_overdue,
                            "due": turkish.format_day(f.effective_due) if f.effective_due else "",
                            "answered": turkish.format_day(f.answered_on) if f.answered_on else "",
                            "answer": f.answer or ""}
                           for n, f in enumerate(rows, start=1)],
        }
        return ctx


def overdue_by_unit(today=None):
    """[(unit_id, unit name, overdue rows, oldest due date)], most overdue first."""
    from app.registers.reference.models import Unit

    today = today or dt.date.today()
    due = func.coalesce(OrderFollowUp.due_date, MayorOrder.due_date)
    rows = (db.session.query(Unit.id, Unit.name, func.count(OrderFollowUp.id), func.min(due))
            .join(OrderFollowUp, OrderFollowUp.unit_id == Unit.id)
            .join(MayorOrder, OrderFollowUp.order_id == MayorOrder.id)
            .filter(overdue_condition(today))
            .group_by(Unit.id, Unit.name).all())
    return sorted(rows, key=lambda r: (-r[2], r[3], r[1]))


# -- Makam Onayına Sunulan Evrak ---------------------------------------------------


class SubmissionInterface(RegisterInterface):
    """The default order (``submitted_on`` ascending) is "waiting longest first":
    open documents first, then by date submitted, oldest first."""

    def apply_order_by(self, query, order_column, order_direction, aliases_mapping=None,
                       bypass_many_to_many=False, add_pk=False):
        if order_column == "submitted_on" and order_direction == "asc":
            return query.order_by(case((Submission.result == PENDING_SIGNATURE, 0), else_=1),
                                  Submission.submitted_on.asc(), Submission.id.asc())
        return super().apply_order_by(query, order_column, order_direction, aliases_mapping,
                                      bypass_many_to_many, add_pk)


class OpenFilter(BaseFilter):
    """``?open=1``: only documents still waiting for the signature."""

    name = "open"

    def apply(self, query, value):
        if request and request.args.get("open") == "1":
            query = query.filter(Submission.result == PENDING_SIGNATURE)
        return query


@register("mayor", _l("Documents for signature"), icon="fa-pencil-square-o")
class SubmissionView(RegisterView):
    datamodel = SubmissionInterface(Submission)
    list_title = _l("Documents put to the mayor for signature")
    show_title = add_title = edit_title = _l("Document for signature")
    base_order = ("submitted_on", "asc")
    base_filters = [["id", RegisterListFilter, None], ["id", OpenFilter, None]]
    add_form_query_rel_fields = {"from_unit": ACTIVE}
    edit_form_query_rel_fields = {"from_unit": ACTIVE}


# -- Meclis Üyeleri Bilgilendirme --------------------------------------------------


@register("mayor", _l("Council member briefings"), icon="fa-university", personal_data=True)
class CouncilBriefingView(RegisterView):
    datamodel = RegisterInterface(CouncilBriefing)
    list_title = _l("Council member briefings")
    show_title = add_title = edit_title = _l("Council member briefing")
    base_order = ("date", "desc")
    add_form_extra_fields = {"members": _members_field()}
    edit_form_extra_fields = {"members": _members_field()}


@daily_job
def order_reminders(session, today):
    """`flask ozelkalem reminders`: one e-mail per unit with its overdue orders, once a day."""
    from app.registers.mayor.reminders import queue_overdue_reminders

    return queue_overdue_reminders(today, commit=False).get("queued", 0)
