"""Screens of the protocol registers: columns, labels, help texts and
filters come from the fields' declarations (``models.py``); a view says only
what differs (titles, order, pickers, templates, hooks)."""
from __future__ import annotations

from flask import flash, request, url_for
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from wtforms import TimeField
from wtforms.validators import Optional
from wtforms.widgets import TimeInput

from app.core import approval, turkish
from app.core.register import RegisterInterface, RegisterView, picker, register, shorten
from app.extensions import db
from app.registers.protocol.models import (
    EVENT_DECISIONS, OCCASIONS, Event, Gift, MessageTemplate, SisterCity, SisterCityActivity, Trip,
    Visit, WreathOrder, gift_threshold,
)
from app.registers.reference.views import contact_field


# ---------------------------------------------------------------------------
# Guests and visits
# ---------------------------------------------------------------------------


@register("protocol", _l("Guests and visits"), icon="fa-users", personal_data=True)
class VisitView(RegisterView):
    datamodel = RegisterInterface(Visit, eager=["guest.institution"])
    list_title = _l("Guests and visits")
    show_title = add_title = edit_title = _l("Guest visit")
    base_order = ("date", "desc")
    add_form_extra_fields = {
        "guest": contact_field(_l("Guest")),
        "time": TimeField(_l("Time"), format="%H:%M", validators=[Optional()], widget=TimeInput(),
                          render_kw={"class": "form-control"}),
    }
    edit_form_extra_fields = dict(add_form_extra_fields)


# ---------------------------------------------------------------------------
# Gifts
# ---------------------------------------------------------------------------

@register("protocol", _l("Gifts"), icon="fa-gift")
class GiftView(RegisterView):
    datamodel = RegisterInterface(Gift, eager=["counterpart.institution"])
    list_title = _l("Gifts given and received")
    show_title = add_title = edit_title = _l("Gift")
    base_order = ("date", "desc")
    formatters_columns = {"needs_attention": lambda v: str(_l("For the Müdür's attention")) if v else ""}
    add_form_extra_fields = {"counterpart": contact_field(_l("Given to / received from")),
                             "visit": picker(_l("Guest visit"), Visit, "VisitView"),
                             "event": picker(_l("Event"), Event, "EventView")}
    edit_form_extra_fields = dict(add_form_extra_fields)

    def post_add(self, item):
        self._warn_threshold(item)

    def post_update(self, item):
        self._warn_threshold(item)

    @staticmethod
    def _warn_threshold(item):
        if item.needs_attention:
            flash(f"Dikkat: Alınan hediyenin tahmini değeri ({turkish.format_money(item.estimated_value)}) "
                  f"bildirim eşiğini ({turkish.format_money(gift_threshold())}) aşıyor; kayıt "
                  "“Müdür dikkatine” olarak işaretlendi.", "warning")


# ---------------------------------------------------------------------------
# Wreaths, flowers and messages
# ---------------------------------------------------------------------------

@register("protocol", _l("Wreaths, flowers and messages"), icon="fa-envelope-o")
class WreathOrderView(RegisterView):
    datamodel = RegisterInterface(WreathOrder, eager=["recipient.institution"])
    list_title = _l("Wreaths, flowers and messages")
    show_title = add_title = edit_title = _l("Wreath, flower or message")
    add_template = "protocol/wreath_add.html"
    edit_template = "protocol/wreath_edit.html"
    pdf_template = "pdf/wreath_order.html"
    base_order = ("delivery_date", "desc")
    add_form_extra_fields = {"recipient": contact_field(_l("Recipient")),
                             "event": picker(_l("Event"), Event, "EventView")}
    edit_form_extra_fields = {"recipient": contact_field(_l("Recipient")),
                              "event": picker(_l("Event"), Event, "EventView")}

    # -- add form prefilled from ?event=<id> and/or ?template=<id> ----------
    def _get_add_widget(self, form, exclude_cols=None, widgets=None):
        if request.method == "GET":
            self.prefill_add(form, request.args)
        return super()._get_add_widget(form, exclude_cols=exclude_cols, widgets=widgets)

    @staticmethod
    def prefill_add(form, args):
        ev = _get_by_arg(Event, args.get("event"))
        if ev is not None:
            form.event.data = ev
            form.recipient.data = ev.organiser
            form.delivery_address.data = ev.place
            form.delivery_date.data = ev.starts_at.date() if ev.starts_at else None
            if not args.get("template") and args.get("occasion") not in OCCASIONS:
                form.occasion.data = event_occasion(ev)
        tpl = _get_by_arg(MessageTemplate, args.get("template"))
        if tpl is not None:
            form.message.data = tpl.text
            form.occasion.data = tpl.occasion
        elif args.get("occasion") in OCCASIONS:
            form.occasion.data = args["occasion"]

    def message_templates(self):
        """Templates grouped by occasion for the add page: [(label, [(tpl, url)])]."""
        rows = (db.session.query(MessageTemplate).filter(MessageTemplate.archived.is_(False)).all())
        rows.sort(key=lambda t: turkish.sort_key(t.title))
        keep = {k: v for k, v in request.args.items() if k in ("event",)}
        groups = []
        for code, label in OCCASIONS.items():
            items = [(t, url_for("WreathOrderView.add", template=t.id, **keep))
                     for t in rows if t.occasion == code]
            if items:
                groups.append((code, label, items))
        return groups

    # -- PDF -----------------------------------------------------------------
    def pdf_context(self, item):
        from app.core.documents import doc_context, user_name

        fields = [
            ("Vesile", item.occasion_label),
            ("Türü", item.kind_label),
            ("Alıcı", str(item.recipient) if item.recipient else ""),
            ("Teslim Adresi", item.delivery_address or ""),
            ("Teslim Tarihi", turkish.format_day(item.delivery_date)),
            ("Mesaj Metni", item.message or ""),
            ("Tedarikçi", item.supplier or ""),
            ("Tutar", turkish.format_money(item.cost)),
            ("Fatura No", item.invoice_no or ""),
            ("İlgili Etkinlik", str(item.event) if item.event else ""),
        ]
        approver = "Onaylayan " + (item.decided_as or approval.DIRECTOR_TITLE)
        signatures = [
            {"title": "Hazırlayan", "name": user_name(item.created_by_id)},
            {"title": approver,
             "name": item.decided_by.get_full_name() if item.decided_by else ""},
        ]
        title = "ÇELENK, ÇİÇEK VE MESAJ SİPARİŞ FORMU"
        return doc_context(self, item, title, fields, signatures)


OCCASION_WORDS = [("cenaze", ("cenaze", "vefat", "taziye", "merhum")), ("acilis", ("açılış", "temel atma")),
                  ("nikah", ("nikah", "düğün", "nişan")), ("bayram", ("bayram",)),
                  ("hastalik", ("hastalık", "geçmiş olsun", "ameliyat")),
                  ("tebrik", ("tebrik", "kutlama", "yıl dönümü", "atama"))]


def event_occasion(ev):
    """The occasion a wreath prefilled from an event most likely has: the one
    earlier orders for the event had, else what the event's name says."""
    earlier = (db.session.query(WreathOrder.occasion)
               .filter(WreathOrder.event_id == ev.id, WreathOrder.archived.is_(False))
               .order_by(WreathOrder.id.desc()).first())
    if earlier and earlier[0] in OCCASIONS:
        return earlier[0]
    name = turkish.fold(f"{ev.name} {ev.notes or ''}")
    for code, words in OCCASION_WORDS:
        if any(turkish.fold(w) in name for w in words):
            return code
    return None


def _get_by_arg(model, raw):
    if raw and str(raw).isdigit():
        record = db.session.get(model, int(raw))
        if record is not None and not record.archived:
            return record
    return None


# ---------------------------------------------------------------------------
# Message templates
# ---------------------------------------------------------------------------


@register("protocol", _l("Message templates"), icon="fa-file-text-o")
class MessageTemplateView(RegisterView):
    datamodel = RegisterInterface(MessageTemplate)
    list_title = _l("Message templates")
    show_title = add_title = edit_title = _l("Message template")
    base_order = ("title", "asc")
    formatters_columns = {"text": shorten(90)}


# ---------------------------------------------------------------------------
# Invitations and events
# ---------------------------------------------------------------------------


@register("protocol", _l("Invitations and events"), icon="fa-calendar")
class EventView(RegisterView):
    datamodel = RegisterInterface(Event, eager=["organiser.institution"])
    list_title = _l("Invitations and events")
    show_title = add_title = edit_title = _l("Event")
    base_order = ("starts_at", "desc")
    formatters_columns = {"decision": lambda v: EVENT_DECISIONS.get(v) or "Karar bekliyor"}
    add_form_extra_fields = {"organiser": contact_field(_l("Organiser"))}
    edit_form_extra_fields = dict(add_form_extra_fields)

    def post_add(self, item):
        self._offer_wreath(item)

    def post_update(self, item):
        self._offer_wreath(item)

    @staticmethod
    def _offer_wreath(item):
        if item.decision != "celenk_mesaj":
            return
        existing = (db.session.query(WreathOrder)
                    .filter(WreathOrder.event_id == item.id, WreathOrder.archived.is_(False)).count())
        url = url_for("WreathOrderView.add", event=item.id)
        if existing:
            text = (f"Bu etkinlik için {existing} çelenk/mesaj kaydı zaten var. "
                    f'<a href="{escape(url)}" class="alert-link" id="ozk-offer-wreath">Yeni bir sipariş daha oluştur</a>')
        else:
            text = ("Karar: çelenk/mesaj gönderilecek. "
                    f'<a href="{escape(url)}" class="alert-link" id="ozk-offer-wreath">'
                    "Etkinliğe bağlı çelenk/mesaj siparişini oluştur</a>")
        flash(Markup(text), "info")


# ---------------------------------------------------------------------------
# Trips and sister cities
# ---------------------------------------------------------------------------

@register("protocol", _l("Trips"), icon="fa-plane")
class TripView(RegisterView):
    datamodel = RegisterInterface(Trip)
    list_title = _l("Trips")
    show_title = add_title = edit_title = _l("Trip")
    base_order = ("start_date", "desc")
    add_form_extra_fields = {"sister_city": picker(_l("Sister city"), SisterCity, "SisterCityView")}
    edit_form_extra_fields = dict(add_form_extra_fields)


@register("protocol", _l("Sister cities"), icon="fa-globe")
class SisterCityView(RegisterView):
    datamodel = RegisterInterface(SisterCity)
    list_title = _l("Sister cities")
    show_title = add_title = edit_title = _l("Sister city")
    base_order = ("city", "asc")


@register("protocol", _l("Sister city activities"), icon="fa-flag-o")
class SisterCityActivityView(RegisterView):
    datamodel = RegisterInterface(SisterCityActivity)
    list_title = _l("Sister city activities")
    show_title = add_title = edit_title = _l("Sister city activity")
    base_order = ("date", "desc")
    add_form_extra_fields = {"sister_city": picker(_l("Sister city"), SisterCity, "SisterCityView")}
    edit_form_extra_fields = dict(add_form_extra_fields)


# Related lists shown on a record's page (set here so the menu keeps the
# order of the regulation while the classes are defined).
VisitView.related_views = [GiftView]
EventView.related_views = [WreathOrderView, GiftView]
SisterCityView.related_views = [SisterCityActivityView, TripView]
