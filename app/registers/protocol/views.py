"""Screens of the protocol registers. English source strings; the Turkish
the office sees is in ``TURKISH`` at the end (merged into translations/tr)."""
from __future__ import annotations

from flask import flash, request, url_for
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape
from flask_appbuilder.models.sqla.filters import FilterEqual, FilterGreater, FilterSmaller
from sqlalchemy import Time
from sqlalchemy.orm import joinedload
from wtforms import SelectField, TimeField
from wtforms.validators import Optional
from wtforms.widgets import TimeInput

from app.core import approval, turkish
from app.core.fields import AjaxSelectField
from app.core.register import RegisterInterface, RegisterView, TurkishFilterConverter, register
from app.extensions import db
from app.registers.protocol.models import (
    EVENT_DECISIONS, OCCASIONS, Event, Gift, MessageTemplate, SisterCity, SisterCityActivity, Trip,
    Visit, WreathOrder, gift_threshold,
)
from app.registers.reference.views import contact_field

# ---------------------------------------------------------------------------
# Small helpers shared by the views below
# ---------------------------------------------------------------------------

COMMON_LABELS = {"created_at": _l("Created"), "updated_at": _l("Updated"), "notes": _l("Notes"),
                 "number": _l("Number"), "state": _l("Status")}


class _TimeFilterConverter(TurkishFilterConverter):
    conversion_table = TurkishFilterConverter.conversion_table + (
        ("is_time", [FilterEqual, FilterGreater, FilterSmaller]),)


class ProtocolInterface(RegisterInterface):
    """RegisterInterface that also knows ``Time`` columns (visit time) and
    eager-loads nested many-to-one paths a list prints (a contact is shown
    with its institution: ``guest.institution``), so a list page stays at
    one count and one select however many rows it shows."""

    filter_converter_class = _TimeFilterConverter

    def __init__(self, obj, session=None, eager=()):
        super().__init__(obj, session)
        self.eager = tuple(eager)

    def is_time(self, col_name):
        column = self.list_columns.get(col_name)
        return column is not None and isinstance(getattr(column, "type", None), Time)

    def apply_inner_select_joins(self, query, select_columns=None, aliases_mapping=None):
        query = super().apply_inner_select_joins(query, select_columns, aliases_mapping)
        for path in self.eager:
            model, option = self.obj, None
            for name in path.split("."):
                attr = getattr(model, name)
                option = joinedload(attr) if option is None else option.joinedload(attr)
                model = attr.property.mapper.class_
            query = query.options(option)
        return query


def labels(**extra):
    return {**COMMON_LABELS, **extra}


def picker(label, model, view_name):
    """Autocomplete for a record of another protocol register."""
    return AjaxSelectField(label, model=model, endpoint=f"{view_name}.lookup")


def choice_filters(model, *columns, states=False):
    """Filter values of choice columns as select boxes in the search form."""
    fields = {}
    for col in columns:
        mapping = model.choices[col]
        fields[col] = SelectField(choices=[(k, str(v)) for k, v in mapping.items()],
                                  validators=[Optional()])
    if states:
        fields["state"] = SelectField(choices=[(k, str(v)) for k, v in approval.STATE_LABELS.items()],
                                      validators=[Optional()])
    return fields


def state_label(value):
    return str(approval.STATE_LABELS.get(value, value or ""))


def hhmm(value):
    return value.strftime("%H:%M") if value else ""


def shorten(limit):
    def fmt(value):
        text = str(value or "")
        return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
    return fmt


def _user_name(user_id):
    from flask_appbuilder.security.sqla.models import User

    user = db.session.get(User, user_id) if user_id else None
    return user.get_full_name() if user else ""


# ---------------------------------------------------------------------------
# Guests and visits
# ---------------------------------------------------------------------------


@register("protocol", _l("Guests and visits"), icon="fa-users", personal_data=True)
class VisitView(RegisterView):
    datamodel = ProtocolInterface(Visit, eager=["guest.institution"])
    list_title = _l("Guests and visits")
    show_title = add_title = edit_title = _l("Guest visit")
    list_columns = ["date", "time", "guest", "guest_institution", "origin", "purpose", "host"]
    show_columns = ["guest", "guest_institution", "origin", "date", "time", "purpose", "host",
                    "refreshments", "accommodation", "welcomed", "seen_off", "notes",
                    "created_at", "updated_at"]
    add_columns = edit_columns = ["guest", "guest_institution", "origin", "date", "time", "purpose",
                                  "host", "refreshments", "accommodation", "welcomed", "seen_off",
                                  "notes"]
    search_columns = ["date", "origin", "guest_institution", "purpose", "host"]
    search_form_extra_fields = choice_filters(Visit, "origin")
    order_columns = ["date", "guest_institution", "origin", "host"]
    base_order = ("date", "desc")
    formatters_columns = {"time": hhmm}
    label_columns = labels(
        guest=_l("Guest"), guest_institution=_l("Guest's institution"), origin=_l("Domestic/foreign"),
        date=_l("Date"), time=_l("Time"), purpose=_l("Purpose of visit"), host=_l("Received by"),
        refreshments=_l("Refreshments offered"), accommodation=_l("Accommodation provided"),
        welcomed=_l("Met on arrival"), seen_off=_l("Seen off"),
    )
    description_columns = {
        "guest_institution": _l("Left empty, the institution in the contact directory is filled in."),
        "host": _l("Who received the guest (e.g. the mayor, a deputy mayor)."),
    }
    add_form_extra_fields = {
        "guest": contact_field(_l("Guest")),
        "time": TimeField(_l("Time"), format="%H:%M", validators=[Optional()], widget=TimeInput(),
                          render_kw={"class": "form-control"}),
    }
    edit_form_extra_fields = dict(add_form_extra_fields)


# ---------------------------------------------------------------------------
# Gifts
# ---------------------------------------------------------------------------

GIFT_LABELS = labels(
    direction=_l("Direction"), date=_l("Date"), counterpart=_l("Given to / received from"),
    occasion=_l("Occasion"), item=_l("Gift"), quantity=_l("Quantity"),
    estimated_value=_l("Estimated value (₺)"), visit=_l("Guest visit"), event=_l("Event"),
    kept_at=_l("Kept at"), needs_attention=_l("For the Müdür's attention"),
)


@register("protocol", _l("Gifts"), icon="fa-gift")
class GiftView(RegisterView):
    datamodel = ProtocolInterface(Gift, eager=["counterpart.institution"])
    list_title = _l("Gifts given and received")
    show_title = add_title = edit_title = _l("Gift")
    list_columns = ["number", "date", "direction", "counterpart", "item", "quantity",
                    "estimated_value", "needs_attention", "state"]
    show_columns = ["number", "state", "direction", "date", "counterpart", "occasion", "item",
                    "quantity", "estimated_value", "needs_attention", "visit", "event", "kept_at",
                    "notes", "created_at", "updated_at"]
    add_columns = edit_columns = ["direction", "date", "counterpart", "occasion", "item", "quantity",
                                  "estimated_value", "visit", "event", "kept_at", "notes"]
    search_columns = ["number", "date", "direction", "item", "occasion", "kept_at",
                      "needs_attention", "state"]
    search_form_extra_fields = choice_filters(Gift, "direction", states=True)
    order_columns = ["number", "date", "direction", "item", "estimated_value", "needs_attention", "state"]
    base_order = ("date", "desc")
    formatters_columns = {"state": state_label,
                          "needs_attention": lambda v: str(_l("For the Müdür's attention")) if v else ""}
    label_columns = GIFT_LABELS
    description_columns = {
        "estimated_value": _l("Total estimated value. Received gifts above the office threshold "
                              "are flagged for the Müdür."),
        "kept_at": _l("For received gifts: where the gift is kept."),
    }
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

WREATH_LABELS = labels(
    occasion=_l("Occasion"), kind=_l("Kind"), recipient=_l("Recipient"),
    delivery_address=_l("Delivery address"), delivery_date=_l("Delivery date"),
    message=_l("Message text"), supplier=_l("Supplier"), cost=_l("Cost (₺)"),
    invoice_no=_l("Invoice no."), event=_l("Event"),
)


@register("protocol", _l("Wreaths, flowers and messages"), icon="fa-envelope-o")
class WreathOrderView(RegisterView):
    datamodel = ProtocolInterface(WreathOrder, eager=["recipient.institution"])
    list_title = _l("Wreaths, flowers and messages")
    show_title = add_title = edit_title = _l("Wreath, flower or message")
    add_template = "protocol/wreath_add.html"
    edit_template = "protocol/wreath_edit.html"
    pdf_template = "pdf/wreath_order.html"
    list_columns = ["number", "delivery_date", "occasion", "kind", "recipient", "cost", "state"]
    show_columns = ["number", "state", "occasion", "kind", "recipient", "delivery_address",
                    "delivery_date", "message", "supplier", "cost", "invoice_no", "event",
                    "created_at", "updated_at"]
    add_columns = edit_columns = ["occasion", "kind", "recipient", "delivery_address", "delivery_date",
                                  "message", "supplier", "cost", "invoice_no", "event"]
    search_columns = ["number", "delivery_date", "occasion", "kind", "supplier", "invoice_no", "state"]
    search_form_extra_fields = choice_filters(WreathOrder, "occasion", "kind", states=True)
    order_columns = ["number", "delivery_date", "occasion", "kind", "cost", "state"]
    base_order = ("delivery_date", "desc")
    formatters_columns = {"state": state_label}
    label_columns = WREATH_LABELS
    description_columns = {"message": _l("Pick a ready text from the message templates above, then adapt it.")}
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
        from app.core.documents import doc_context

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
            {"title": "Hazırlayan", "name": _user_name(item.created_by_id)},
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
    list_columns = ["occasion", "title", "text"]
    show_columns = ["occasion", "title", "text", "created_at", "updated_at"]
    add_columns = edit_columns = ["occasion", "title", "text"]
    search_columns = ["occasion", "title", "text"]
    search_form_extra_fields = choice_filters(MessageTemplate, "occasion")
    order_columns = ["occasion", "title"]
    base_order = ("title", "asc")
    formatters_columns = {"text": shorten(90)}
    label_columns = labels(occasion=_l("Occasion"), title=_l("Title"), text=_l("Message text"))
    description_columns = {"text": _l("Copied into the message of a wreath, flower or message order.")}


# ---------------------------------------------------------------------------
# Invitations and events
# ---------------------------------------------------------------------------


@register("protocol", _l("Invitations and events"), icon="fa-calendar")
class EventView(RegisterView):
    datamodel = ProtocolInterface(Event, eager=["organiser.institution"])
    list_title = _l("Invitations and events")
    show_title = add_title = edit_title = _l("Event")
    list_columns = ["starts_at", "name", "organiser", "place", "decision", "representative"]
    show_columns = ["name", "organiser", "starts_at", "ends_at", "place", "invitation_received_on",
                    "decision", "representative", "speech", "press_note", "notes",
                    "created_at", "updated_at"]
    add_columns = edit_columns = ["name", "organiser", "starts_at", "ends_at", "place",
                                  "invitation_received_on", "decision", "representative", "speech",
                                  "press_note", "notes"]
    search_columns = ["starts_at", "name", "place", "decision", "representative"]
    search_form_extra_fields = choice_filters(Event, "decision")
    order_columns = ["starts_at", "name", "place", "decision"]
    base_order = ("starts_at", "desc")
    formatters_columns = {"decision": lambda v: EVENT_DECISIONS.get(v) or "Karar bekliyor"}
    label_columns = labels(
        name=_l("Event"), organiser=_l("Organiser"), starts_at=_l("Starts"), ends_at=_l("Ends"),
        place=_l("Place"), invitation_received_on=_l("Invitation received on"),
        decision=_l("Decision"), representative=_l("Representative"), speech=_l("Speech text"),
        press_note=_l("Press note"),
    )
    description_columns = {
        "decision": _l("Attending events go to the mayor's agenda; for a wreath or message "
                       "you are offered a prefilled order after saving."),
        "representative": _l("Required when a representative is sent."),
    }
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

TRIP_LABELS = labels(
    destination=_l("Destination"), scope=_l("Domestic/abroad"), start_date=_l("Start date"),
    end_date=_l("End date"), participants=_l("Participants"), purpose=_l("Purpose"),
    transport=_l("Transport reservation"), accommodation=_l("Accommodation reservation"),
    program=_l("Program"), cost=_l("Cost (₺)"), sister_city=_l("Sister city"),
)


@register("protocol", _l("Trips"), icon="fa-plane")
class TripView(RegisterView):
    datamodel = RegisterInterface(Trip)
    list_title = _l("Trips")
    show_title = add_title = edit_title = _l("Trip")
    list_columns = ["start_date", "end_date", "destination", "scope", "sister_city", "cost", "state"]
    show_columns = ["state", "destination", "scope", "start_date", "end_date", "participants",
                    "purpose", "transport", "accommodation", "program", "cost", "sister_city",
                    "created_at", "updated_at"]
    add_columns = edit_columns = ["destination", "scope", "start_date", "end_date", "participants",
                                  "purpose", "transport", "accommodation", "program", "cost",
                                  "sister_city"]
    search_columns = ["start_date", "destination", "scope", "participants", "purpose", "state"]
    search_form_extra_fields = choice_filters(Trip, "scope", states=True)
    order_columns = ["start_date", "end_date", "destination", "scope", "cost", "state"]
    base_order = ("start_date", "desc")
    formatters_columns = {"state": state_label}
    label_columns = TRIP_LABELS
    description_columns = {
        "participants": _l("One person per line, with title."),
        "transport": _l("Flight/train/bus or vehicle, times, reservation codes."),
        "accommodation": _l("Hotel, dates, reservation code."),
    }
    add_form_extra_fields = {"sister_city": picker(_l("Sister city"), SisterCity, "SisterCityView")}
    edit_form_extra_fields = dict(add_form_extra_fields)


@register("protocol", _l("Sister cities"), icon="fa-globe")
class SisterCityView(RegisterView):
    datamodel = RegisterInterface(SisterCity)
    list_title = _l("Sister cities")
    show_title = add_title = edit_title = _l("Sister city")
    list_columns = ["city", "country", "since", "council_decision"]
    show_columns = ["city", "country", "since", "council_decision", "notes", "created_at", "updated_at"]
    add_columns = edit_columns = ["city", "country", "since", "council_decision", "notes"]
    search_columns = ["city", "country", "since"]
    order_columns = ["city", "country", "since"]
    base_order = ("city", "asc")
    label_columns = labels(city=_l("City"), country=_l("Country"), since=_l("Sister city since"),
                           council_decision=_l("Council decision"))
    description_columns = {"council_decision": _l("Date and number of the council decision.")}


@register("protocol", _l("Sister city activities"), icon="fa-flag-o")
class SisterCityActivityView(RegisterView):
    datamodel = RegisterInterface(SisterCityActivity)
    list_title = _l("Sister city activities")
    show_title = add_title = edit_title = _l("Sister city activity")
    list_columns = ["date", "sister_city", "title"]
    show_columns = ["sister_city", "date", "title", "description", "created_at", "updated_at"]
    add_columns = edit_columns = ["sister_city", "date", "title", "description"]
    search_columns = ["date", "title", "description"]
    order_columns = ["date", "title"]
    base_order = ("date", "desc")
    label_columns = labels(sister_city=_l("Sister city"), date=_l("Date"), title=_l("Activity"),
                           description=_l("Description"))
    add_form_extra_fields = {"sister_city": picker(_l("Sister city"), SisterCity, "SisterCityView")}
    edit_form_extra_fields = dict(add_form_extra_fields)


# Related lists shown on a record's page (set here so the menu keeps the
# order of the regulation while the classes are defined).
VisitView.related_views = [GiftView]
EventView.related_views = [WreathOrderView, GiftView]
SisterCityView.related_views = [SisterCityActivityView, TripView]


# ---------------------------------------------------------------------------
# Turkish for every English string above (merged into translations/tr)
# ---------------------------------------------------------------------------

TURKISH = {
    # menu entries and titles
    "Message templates": "Mesaj Şablonları",
    "Message template": "Mesaj Şablonu",
    "Wreaths, flowers and messages": "Çelenk, Çiçek ve Mesajlar",
    "Wreath, flower or message": "Çelenk, Çiçek veya Mesaj",
    "Gifts": "Hediyeler",
    "Gifts given and received": "Verilen ve Alınan Hediyeler",
    "Gift": "Hediye",
    "Guests and visits": "Misafir ve Ziyaret Kayıtları",
    "Guest visit": "Misafir Ziyareti",
    "Invitations and events": "Davetiyeler ve Etkinlikler",
    "Event": "Etkinlik",
    "Trips": "Seyahatler",
    "Trip": "Seyahat",
    "Sister cities": "Kardeş Şehirler",
    "Sister city": "Kardeş şehir",
    "Sister city activities": "Kardeş Şehir Faaliyetleri",
    "Sister city activity": "Kardeş Şehir Faaliyeti",
    # common columns
    "Created": "Oluşturulma",
    "Updated": "Güncellenme",
    "Notes": "Notlar",
    "Number": "Sayı",
    "Status": "Durum",
    "Date": "Tarih",
    "Occasion": "Vesile",
    "Title": "Başlık",
    "Message text": "Mesaj metni",
    # wreaths
    "Kind": "Türü",
    "Recipient": "Alıcı",
    "Delivery address": "Teslim adresi",
    "Delivery date": "Teslim tarihi",
    "Supplier": "Tedarikçi",
    "Cost (₺)": "Tutar (₺)",
    "Invoice no.": "Fatura no",
    "Copied into the message of a wreath, flower or message order.":
        "Çelenk, çiçek veya mesaj siparişinde mesaj metnine kopyalanır.",
    "Pick a ready text from the message templates above, then adapt it.":
        "Yukarıdaki mesaj şablonlarından hazır bir metin seçip uyarlayın.",
    "Ready texts": "Hazır metinler",
    "Use this text": "Bu metni kullan",
    "Clicking a title copies its text into the message.":
        "Bir başlığa tıklayınca metni mesaj alanına kopyalanır.",
    "No message templates yet.": "Henüz mesaj şablonu yok.",
    # gifts
    "Direction": "Yönü",
    "Given to / received from": "Verilen / alınan kişi veya kurum",
    "Quantity": "Adet",
    "Estimated value (₺)": "Tahmini değer (₺)",
    "Kept at": "Muhafaza yeri",
    "For the Müdür's attention": "Müdür dikkatine",
    "Total estimated value. Received gifts above the office threshold are flagged for the Müdür.":
        "Toplam tahmini değer. Eşiği aşan alınan hediyeler Müdür dikkatine işaretlenir.",
    "For received gifts: where the gift is kept.": "Alınan hediyeler için: hediyenin muhafaza edildiği yer.",
    # visits
    "Guest": "Misafir",
    "Guest's institution": "Misafirin kurumu",
    "Domestic/foreign": "Yerli/yabancı",
    "Time": "Saat",
    "Purpose of visit": "Ziyaret amacı",
    "Received by": "Karşılayan / ağırlayan",
    "Refreshments offered": "İkram yapıldı",
    "Accommodation provided": "Konaklama sağlandı",
    "Met on arrival": "Karşılama yapıldı",
    "Seen off": "Uğurlama yapıldı",
    "Left empty, the institution in the contact directory is filled in.":
        "Boş bırakılırsa rehberdeki kurumu yazılır.",
    "Who received the guest (e.g. the mayor, a deputy mayor).":
        "Misafiri kim karşıladı (ör. Belediye Başkanı, Başkan Yardımcısı).",
    # events
    "Organiser": "Düzenleyen",
    "Starts": "Başlangıç",
    "Ends": "Bitiş",
    "Place": "Yer",
    "Invitation received on": "Davetiyenin geliş tarihi",
    "Decision": "Karar",
    "Representative": "Temsilci",
    "Speech text": "Konuşma metni",
    "Press note": "Basın notu",
    "Attending events go to the mayor's agenda; for a wreath or message you are offered a "
    "prefilled order after saving.":
        "Katılınacak etkinlikler Başkanlık Programına aktarılır; çelenk/mesaj kararında kayıttan "
        "sonra hazır doldurulmuş sipariş önerilir.",
    "Required when a representative is sent.": "Temsilci gönderilecekse zorunludur.",
    # trips and sister cities
    "Destination": "Gidilecek yer",
    "Domestic/abroad": "Yurt içi/dışı",
    "Start date": "Başlangıç tarihi",
    "End date": "Bitiş tarihi",
    "Participants": "Katılımcılar",
    "Purpose": "Amaç",
    "Transport reservation": "Ulaşım rezervasyonu",
    "Accommodation reservation": "Konaklama rezervasyonu",
    "Program": "Program",
    "One person per line, with title.": "Her satıra bir kişi, unvanıyla.",
    "Flight/train/bus or vehicle, times, reservation codes.":
        "Uçak/tren/otobüs veya araç, saatler, rezervasyon kodları.",
    "Hotel, dates, reservation code.": "Otel, tarihler, rezervasyon kodu.",
    "City": "Şehir",
    "Country": "Ülke",
    "Sister city since": "Kardeşlik tarihi",
    "Council decision": "Meclis kararı",
    "Date and number of the council decision.": "Meclis kararının tarihi ve sayısı.",
    "Activity": "Faaliyet",
    "Description": "Açıklama",
}
