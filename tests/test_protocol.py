"""Protocol registers over HTTP: guests and visits, gifts, wreaths/flowers/
messages (+ message templates), invitations and events, trips and sister
cities. Runs on SQLite and PostgreSQL (see conftest)."""
from __future__ import annotations

import datetime as dt
import html
import io
import re
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import Callable

import pytest
from sqlalchemy import event as sa_event

from tests.conftest import flashes

TODAY = dt.date.today()
YEAR = TODAY.year


def page(resp) -> str:
    return html.unescape(flashes(resp.data))


def problems(resp):
    """Flash messages and field errors of a response (for assertion output)."""
    body = page(resp)
    found = re.findall(r'class="alert alert-[a-z]+[^"]*"[^>]*>(.*?)</div>', body)
    found += re.findall(r'<span class="help-block">\s*([^<]+?)\s*</span>', body)
    found += re.findall(r'class="[^"]*text-danger[^"]*"[^>]*>\s*([^<]+?)\s*<', body)
    return [re.sub(r"<[^>]+>", "", f).strip()[:200] for f in found]


# Database reads run in an app context of their own: requests made while a
# test holds an app context would share its ``g`` (and Flask-Login's cached
# user) across the different clients.
APP = None


@pytest.fixture(autouse=True)
def _app(app):
    global APP
    APP = app
    yield


@contextmanager
def session():
    from app.extensions import db

    with APP.app_context():
        try:
            yield db.session
        finally:
            db.session.expunge_all()


def contact_id(name):
    from app.registers.reference.models import Contact

    with session() as s:
        return s.query(Contact).filter_by(name=name).one().id


def fresh(model, **filters):
    """Rows as detached objects (column values loaded)."""
    with session() as s:
        return s.query(model).filter_by(**filters).order_by(model.id).all()


def count(model):
    with session() as s:
        return s.query(model).count()


def models():
    from app.registers.protocol import models as m

    return m


# ---------------------------------------------------------------------------
# One spec per register: a valid form, the field carrying searchable text
# ---------------------------------------------------------------------------


@dataclass
class Spec:
    view: str
    model: str
    text_field: str
    form: Callable[[], dict]
    approvable: bool = False
    prefix: str | None = None


def _sister_city_id():
    m = models()
    return str(fresh(m.SisterCity, city="Ludwigsburg")[0].id)


SPECS = {
    "visit": Spec("visitview", "Visit", "purpose", lambda: {
        "guest": str(contact_id("Gülşen Öztürk")), "guest_institution": "", "origin": "yerli",
        "date": TODAY.isoformat(), "time": "14:30", "host": "Belediye Başkanı",
        "refreshments": "y", "welcomed": "y", "notes": "Çay ikram edildi."}),
    "gift": Spec("giftview", "Gift", "item", lambda: {
        "direction": "alinan", "date": TODAY.isoformat(), "counterpart": str(contact_id("Bursa Valiliği")),
        "occasion": "Ziyaret", "quantity": "1", "estimated_value": "1500.00",
        "kept_at": "Makam odası"}, approvable=True, prefix="HD"),
    "wreath": Spec("wreathorderview", "WreathOrder", "message", lambda: {
        "occasion": "cenaze", "kind": "celenk", "recipient": str(contact_id("Hüseyin İŞIK")),
        "delivery_address": "Merkez Camii", "delivery_date": TODAY.isoformat(),
        "supplier": "Çiçekçi Gülistan", "cost": "1250.50", "invoice_no": "A-123"},
        approvable=True, prefix="CC"),
    "template": Spec("messagetemplateview", "MessageTemplate", "title", lambda: {
        "occasion": "tebrik", "text": "Başarılarınızın devamını dilerim."}),
    "event": Spec("eventview", "Event", "name", lambda: {
        "organiser": str(contact_id("İlçe Kaymakamlığı")), "starts_at": f"{TODAY.isoformat()}T10:00",
        "ends_at": f"{TODAY.isoformat()}T12:00", "place": "Hükûmet Konağı",
        "invitation_received_on": (TODAY - dt.timedelta(days=3)).isoformat(), "decision": "katilacak"}),
    "trip": Spec("tripview", "Trip", "destination", lambda: {
        "scope": "yurtici", "start_date": TODAY.isoformat(),
        "end_date": (TODAY + dt.timedelta(days=2)).isoformat(), "participants": "Belediye Başkanı",
        "purpose": "Bakanlık görüşmesi", "transport": "Uçak", "accommodation": "Otel",
        "program": "10.00 toplantı", "cost": "4200.00", "sister_city": ""}, approvable=True),
    "sister_city": Spec("sistercityview", "SisterCity", "city", lambda: {
        "country": "Almanya", "since": "2015-06-01", "council_decision": "2015/12", "notes": ""}),
    "activity": Spec("sistercityactivityview", "SisterCityActivity", "title", lambda: {
        "sister_city": _sister_city_id(), "date": TODAY.isoformat(), "description": "Ortak proje."}),
}


def model_of(spec):
    return getattr(models(), spec.model)


def create(client, spec, text, **overrides):
    data = spec.form()
    data[spec.text_field] = text
    data.update(overrides)
    resp = client.post(f"/{spec.view}/add", data=data, follow_redirects=True)
    assert resp.status_code == 200
    rows = fresh(model_of(spec), **{spec.text_field: text})
    assert len(rows) == 1, problems(resp)
    return rows[0], resp


def token():
    return uuid.uuid4().hex[:8].upper()


# ---------------------------------------------------------------------------
# Per register: create, list, Turkish search, edit, archive
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(SPECS))
def test_create_list_search_edit_archive(name, clients):
    spec, client = SPECS[name], clients["memur"]
    tok = token()
    a, _ = create(client, spec, f"IŞIKLAR {tok} kaydı")
    b, _ = create(client, spec, f"İSTANBUL {tok} kaydı")
    a_id, b_id, v0 = a.id, b.id, a.version
    # what the list shows of each record: its number, else the text itself
    ma, mb = (a.number, b.number) if spec.prefix else (f"IŞIKLAR {tok}", f"İSTANBUL {tok}")

    listing = page(client.get(f"/{spec.view}/list/?q={tok}"))
    assert ma in listing and mb in listing

    found = page(client.get(f"/{spec.view}/list/?q=ışık {tok}"))
    assert ma in found and mb not in found
    found = page(client.get(f"/{spec.view}/list/?q=istanbul {tok.lower()}"))
    assert mb in found and ma not in found

    # edit (with the record version the form carried)
    data = spec.form()
    data[spec.text_field] = f"IŞIKLAR {tok} düzeltildi"
    data["record_version"] = str(v0)
    resp = client.post(f"/{spec.view}/edit/{a_id}", data=data, follow_redirects=True)
    assert resp.status_code == 200
    edited = fresh(model_of(spec), id=a_id)[0]
    assert getattr(edited, spec.text_field) == f"IŞIKLAR {tok} düzeltildi"
    assert edited.version == v0 + 1

    # a stale version is refused
    data[spec.text_field] = "eski sürüm"
    resp = client.post(f"/{spec.view}/edit/{a_id}", data=data, follow_redirects=True)
    assert "siz açtıktan sonra" in page(resp)
    assert getattr(fresh(model_of(spec), id=a_id)[0], spec.text_field) == f"IŞIKLAR {tok} düzeltildi"

    # archive: gone from the default list, visible with ?archived=1
    resp = client.post(f"/{spec.view}/archive/{b_id}", follow_redirects=True)
    assert "Kayıt arşivlendi." in page(resp)
    assert mb not in page(client.get(f"/{spec.view}/list/?q={tok}"))
    assert mb in page(client.get(f"/{spec.view}/list/?q={tok}&archived=1"))

    # the show page opens
    assert client.get(f"/{spec.view}/show/{a_id}").status_code == 200


def list_statements(app, client, url):
    from app.extensions import db

    with app.app_context():
        engine = db.engine
    statements = []

    def capture(conn, cursor, statement, *args):
        statements.append(statement)

    client.get(url)  # warm-up
    sa_event.listen(engine, "before_cursor_execute", capture)
    try:
        resp = client.get(url)
    finally:
        sa_event.remove(engine, "before_cursor_execute", capture)
    assert resp.status_code == 200
    return resp, statements


@pytest.mark.parametrize("name", list(SPECS))
def test_list_page_runs_no_per_row_queries(name, app, clients):
    """One count and one select for the rows (related contacts and their
    institutions joined in); the rest is the login/permission overhead every
    page has, measured on the contacts list."""
    view = SPECS[name].view
    resp, statements = list_statements(app, clients["memur"], f"/{view}/list/")
    assert resp.data.decode().count(f"/{view}/show/") >= 2
    own = [st for st in statements if not re.search(r"\bFROM ab_", st)]
    assert len(own) <= 2, "\n".join(own)
    _, baseline = list_statements(app, clients["memur"], "/contactview/list/")
    assert len(statements) <= max(5, len(baseline)), "\n".join(statements)


# ---------------------------------------------------------------------------
# Numbering and approval
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", [n for n, s in SPECS.items() if s.prefix])
def test_yearly_number(name, clients):
    spec = SPECS[name]
    record, _ = create(clients["memur"], spec, f"Numara {token()}")
    assert re.fullmatch(rf"{spec.prefix}-{YEAR}-\d{{4}}", record.number)
    assert record.number in page(clients["memur"].get(f"/{spec.view}/show/{record.id}"))


@pytest.mark.parametrize("name", [n for n, s in SPECS.items() if s.approvable])
def test_approval_flow(name, clients):
    spec = SPECS[name]
    memur, mudur = clients["memur"], clients["mudur"]
    record, _ = create(memur, spec, f"Onay {token()}")
    assert record.state == "draft"

    # the clerk cannot approve a draft nor, after submitting, without a proxy
    resp = memur.post(f"/{spec.view}/submit/{record.id}", follow_redirects=True)
    assert "Kayıt Müdür onayına gönderildi." in page(resp)
    resp = memur.post(f"/{spec.view}/approve/{record.id}", follow_redirects=True)
    assert "Onay yetkisi yalnızca Müdür" in page(resp)
    assert fresh(model_of(spec), id=record.id)[0].state == "pending"

    # the Müdür approves; the record is then locked
    version = fresh(model_of(spec), id=record.id)[0].version  # the version the approver saw
    resp = mudur.post(f"/{spec.view}/approve/{record.id}", data={"version": str(version)},
                      follow_redirects=True)
    assert "Kayıt onaylandı." in page(resp), problems(resp)
    approved = fresh(model_of(spec), id=record.id)[0]
    assert approved.state == "approved" and approved.decided_as == "Müdür"
    resp = memur.get(f"/{spec.view}/edit/{record.id}", follow_redirects=True)
    assert "Onaylanmış kayıt değiştirilemez" in page(resp)


def test_nobody_approves_own_record(clients, monkeypatch):
    from app.core import approval

    spec = SPECS["gift"]
    memur, mudur = clients["memur"], clients["mudur"]
    own, _ = create(mudur, spec, f"Müdürün kendi kaydı {token()}")
    mudur.post(f"/{spec.view}/submit/{own.id}")
    resp = mudur.post(f"/{spec.view}/approve/{own.id}", follow_redirects=True)
    assert "kendi hazırladığı kaydı onaylayamaz" in page(resp)
    assert fresh(model_of(spec), id=own.id)[0].state == "pending"

    # a clerk holding a proxy (vekâlet) decides others' records, never their own
    monkeypatch.setattr(approval, "PROXY_PROVIDERS", [lambda user, day: user.username == "memur"])
    mine, _ = create(memur, spec, f"Memurun kaydı {token()}")
    memur.post(f"/{spec.view}/submit/{mine.id}")
    resp = memur.post(f"/{spec.view}/approve/{mine.id}", follow_redirects=True)
    assert "kendi hazırladığı kaydı onaylayamaz" in page(resp)
    resp = memur.post(f"/{spec.view}/approve/{own.id}",
                      data={"version": str(fresh(model_of(spec), id=own.id)[0].version)},
                      follow_redirects=True)
    assert "Kayıt onaylandı." in page(resp)
    assert fresh(model_of(spec), id=own.id)[0].decided_as == "Müdür V."


# ---------------------------------------------------------------------------
# Validation: refused with the Turkish message, nothing saved
# ---------------------------------------------------------------------------

INVALID = [
    ("visit", {"guest": ""}, "Misafir seçilmelidir."),
    ("gift", {"estimated_value": "-10"}, "Tahmini değer negatif olamaz."),
    ("gift", {"quantity": "0"}, "Adet en az 1 olmalıdır."),
    ("gift", {"direction": "verilen", "kept_at": "Depo"}, "Muhafaza yeri yalnızca alınan hediyeler için girilir."),
    ("gift", {"counterpart": ""}, "Hediyenin verildiği/alındığı kişi veya kurum seçilmelidir."),
    ("wreath", {"cost": "-1"}, "Tutar negatif olamaz."),
    ("wreath", {"kind": "mesaj"}, "Mesaj ve telgraf için mesaj metni zorunludur."),
    ("wreath", {"delivery_address": ""}, "Çelenk, çiçek ve hediye için teslim adresi zorunludur."),
    ("wreath", {"recipient": ""}, "Alıcı seçilmelidir."),
    ("event", {"ends_at": f"{(TODAY - dt.timedelta(days=1)).isoformat()}T09:00"},
     "Bitiş zamanı başlangıçtan önce olamaz."),
    ("event", {"decision": "temsilci", "representative": ""},
     "Temsilci gönderilecekse temsilcinin adı yazılmalıdır."),
    ("event", {"invitation_received_on": (TODAY + dt.timedelta(days=5)).isoformat()},
     "Davetiyenin geliş tarihi etkinlik tarihinden sonra olamaz."),
    ("trip", {"end_date": (TODAY - dt.timedelta(days=1)).isoformat()}, "Bitiş tarihi başlangıçtan önce olamaz."),
    ("trip", {"cost": "-5"}, "Maliyet negatif olamaz."),
    ("activity", {"sister_city": ""}, "Kardeş şehir seçilmelidir."),
]


@pytest.mark.parametrize("name,overrides,message", INVALID)
def test_validation_refused(name, overrides, message, clients):
    spec = SPECS[name]
    data = spec.form()
    if name == "wreath" and overrides.get("kind") == "mesaj":
        data.pop("message", None)
    data[spec.text_field] = "" if spec.text_field == "message" else f"Geçersiz {token()}"
    data.update(overrides)
    before = count(model_of(spec))
    resp = clients["memur"].post(f"/{spec.view}/add", data=data)
    assert resp.status_code == 200
    assert message in page(resp)
    assert count(model_of(spec)) == before


def test_validation_on_edit_keeps_record(clients):
    spec = SPECS["trip"]
    record, _ = create(clients["memur"], spec, f"Düzenleme {token()}")
    data = spec.form()
    data.update(destination=record.destination, record_version=str(record.version),
                end_date=(TODAY - dt.timedelta(days=3)).isoformat())
    resp = clients["memur"].post(f"/{spec.view}/edit/{record.id}", data=data)
    assert "Bitiş tarihi başlangıçtan önce olamaz." in page(resp)
    assert fresh(model_of(spec), id=record.id)[0].end_date == TODAY + dt.timedelta(days=2)


# ---------------------------------------------------------------------------
# Register-specific behaviour
# ---------------------------------------------------------------------------


def test_visit_time_institution_filters_and_gifts(clients):
    m = models()
    memur = clients["memur"]
    tok = token()
    visit, _ = create(memur, SPECS["visit"], f"Nezaket ziyareti {tok}")
    assert visit.time == dt.time(14, 30)
    assert visit.guest_institution == "İlçe Emniyet Müdürlüğü"        # filled from the contact
    foreign, _ = create(memur, SPECS["visit"], f"Yabancı heyet {tok}", origin="yabanci",
                        guest=str(contact_id("Matthias Krüger")), guest_institution="Stadt Ludwigsburg")
    assert foreign.guest_institution == "Stadt Ludwigsburg"        # typed value kept

    listing = page(memur.get(f"/visitview/list/?q={tok}"))
    assert "14:30" in listing and "Yabancı" in listing
    by_inst = page(memur.get("/visitview/list/?_flt_0_guest_institution=EMNİYET"))
    assert f"Nezaket ziyareti {tok}" in by_inst and f"Yabancı heyet {tok}" not in by_inst
    # issue 11: a choice column filters by "eşittir" (index 0), not by the text operators
    by_origin = page(memur.get("/visitview/list/?_flt_0_origin=yabanci"))
    assert f"Yabancı heyet {tok}" in by_origin and f"Nezaket ziyareti {tok}" not in by_origin
    by_date = page(memur.get(f"/visitview/list/?_flt_0_date={TODAY.isoformat()}&q={tok}"))
    assert f"Nezaket ziyareti {tok}" in by_date

    # gifts exchanged are shown on the visit
    gift, _ = create(memur, SPECS["gift"], f"Hatıra tabağı {tok}", visit=str(foreign.id))
    assert gift.visit_id == foreign.id
    assert f"Hatıra tabağı {tok}" in page(memur.get(f"/visitview/show/{foreign.id}"))
    assert [g.id for g in fresh(m.Gift, visit_id=foreign.id)] == [gift.id]


def test_gift_threshold_flag(clients):
    from app.settings.models import save_settings

    memur = clients["memur"]
    big, resp = create(memur, SPECS["gift"], f"Gümüş tepsi {token()}", estimated_value="7500.00")
    assert big.needs_attention is True
    assert "Müdür dikkatine" in page(resp)                   # flash warning on save
    assert "bildirim eşiğini (5.000,00 ₺) aşıyor" in page(resp)
    small, resp = create(memur, SPECS["gift"], f"Kalem seti {token()}", estimated_value="4999.99")
    assert small.needs_attention is False and "bildirim eşiğini" not in page(resp)
    given, _ = create(memur, SPECS["gift"], f"Verilen tablo {token()}", direction="verilen",
                      kept_at="", estimated_value="9000")
    assert given.needs_attention is False                    # only received gifts

    with session() as s:
        save_settings({"gift_threshold": "10.000"})
        s.commit()
    try:
        data = SPECS["gift"].form()
        data.update(item=big.item, estimated_value="7500.00", occasion="Bayram ziyareti",
                    record_version=str(big.version))
        memur.post(f"/giftview/edit/{big.id}", data=data, follow_redirects=True)
        assert fresh(model_of(SPECS["gift"]), id=big.id)[0].needs_attention is False
    finally:
        with session() as s:
            save_settings({"gift_threshold": "5000"})
            s.commit()


def test_wreath_pdf(clients):
    from pypdf import PdfReader

    memur = clients["memur"]
    message = "Merhumun ailesine başsağlığı dileriz. IŞIK ailesinin acısını paylaşıyoruz."
    order, _ = create(memur, SPECS["wreath"], message)
    resp = memur.get(f"/wreathorderview/pdf/{order.id}")
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(resp.data)).pages)
    text = re.sub(r"\s+", " ", text)
    assert "Hüseyin İŞIK" in text
    assert message in text
    assert order.number in text and "Hazırlayan" in text and "Onaylayan Müdür" in text
    assert "TASLAK" in text                                  # not approved yet


def test_wreath_template_prefill(clients):
    m = models()
    template = fresh(m.MessageTemplate, title="Geçmiş olsun")[0]
    body = page(clients["memur"].get(f"/wreathorderview/add?template={template.id}"))
    text = re.sub(r"\s+", " ", template.text)
    assert re.search(r'<textarea[^>]*id="message"[^>]*>\s*' + re.escape(text) + r"\s*</textarea>", body)
    assert re.search(r'<option selected value="hastalik">', body)
    assert 'id="ozk-message-templates"' in body and "Taziye (genel)" in body


def test_event_wreath_offer_and_prefill(clients):
    m = models()
    memur = clients["memur"]
    event, resp = create(memur, SPECS["event"], f"Fabrika açılışı {token()}", decision="celenk_mesaj",
                         ends_at="")
    link = f"/wreathorderview/add?event={event.id}"
    assert link in page(resp)
    form = page(memur.get(link))
    assert re.search(rf'<select id="event"[^>]*><option value=""[^>]*></option><option value="{event.id}" selected>', form)
    organiser = contact_id("İlçe Kaymakamlığı")
    assert re.search(rf'<select id="recipient"[^>]*><option value=""[^>]*></option><option value="{organiser}" selected>', form)
    assert "Hükûmet Konağı" in form
    order, _ = create(memur, SPECS["wreath"], f"Hayırlı olsun {token()}", occasion="acilis",
                      kind="cicek", event=str(event.id))
    assert order.event_id == event.id
    assert order.number in page(memur.get(f"/eventview/show/{event.id}"))   # related list
    # no offer for other decisions
    _, resp = create(memur, SPECS["event"], f"Panel {token()}", decision="katilmayacak")
    assert "/wreathorderview/add?event=" not in page(resp)
    assert fresh(m.Event, id=event.id)[0].agenda_entry() is None


def test_event_agenda_entry(clients):
    m = models()
    event, _ = create(clients["memur"], SPECS["event"], f"Resmî tören {token()}", ends_at="")
    entry = event.agenda_entry()
    start = dt.datetime.combine(TODAY, dt.time(10, 0))
    assert entry["start"] == start and entry["end"] == start + dt.timedelta(hours=1)
    assert entry["kind"] == "tören" and entry["title"] == event.name and entry["place"] == "Hükûmet Konağı"
    event.decision = "temsilci"
    assert event.agenda_entry() is None


def test_sister_city_activities_and_trips_on_city_page(clients):
    memur = clients["memur"]
    city, _ = create(memur, SPECS["sister_city"], f"Kırcaali {token()}", country="Bulgaristan")
    activity, _ = create(memur, SPECS["activity"], f"Kültür haftası {token()}", sister_city=str(city.id))
    trip, _ = create(memur, SPECS["trip"], f"Kırcaali ziyareti {token()}", scope="yurtdisi",
                     sister_city=str(city.id))
    show = page(memur.get(f"/sistercityview/show/{city.id}"))
    assert activity.title in show and trip.destination in show
    # adding an activity from the city page fills the city in
    resp = memur.post(f"/sistercityactivityview/add?_flt_0_sister_city={city.id}",
                      data={"date": TODAY.isoformat(), "title": "Fotoğraf sergisi X1"}, follow_redirects=True)
    assert resp.status_code == 200
    assert fresh(models().SisterCityActivity, title="Fotoğraf sergisi X1")[0].sister_city_id == city.id


def test_lookup_autocomplete_is_turkish(clients):
    resp = clients["memur"].get("/contactview/lookup?q=işık")
    names = [r["text"] for r in resp.get_json()["results"]]
    assert any("Hüseyin İŞIK" in n for n in names)
    resp = clients["memur"].get("/sistercityview/lookup?q=ohri")
    assert [r["text"] for r in resp.get_json()["results"]] == ["Ohri (Kuzey Makedonya)"]


def test_demo_data():
    from app.core.approval import PENDING
    from app.registers.protocol import demo

    m = models()
    for model in (m.Visit, m.Gift, m.WreathOrder, m.MessageTemplate, m.Event, m.Trip, m.SisterCity,
                  m.SisterCityActivity):
        assert count(model) > 0, model
    funeral = fresh(m.WreathOrder, occasion="cenaze", state=PENDING)
    assert funeral and funeral[0].submitted_at is not None
    assert {t.occasion for t in fresh(m.MessageTemplate)} >= {"cenaze", "tebrik", "hastalik", "nikah", "acilis"}
    assert fresh(models().Gift, needs_attention=True)                 # the 8.500 ₺ vase
    before = count(m.Visit)
    with session():
        assert demo.load() == 0                                       # idempotent
    assert count(m.Visit) == before


def test_funeral_wreath_in_director_inbox(clients):
    body = page(clients["mudur"].get("/approvals/"))
    assert "Yücel Ailesi" in body


def test_it_role_cannot_see_visits(clients):
    # guests and visits hold personal data (KVKK): IT has no access
    resp = clients["bilgiislem"].get("/visitview/list/")
    assert resp.status_code in (302, 403)
    assert clients["bilgiislem"].get("/giftview/list/").status_code == 200


def test_money_decimal_and_format(clients):
    order, _ = create(clients["memur"], SPECS["wreath"], f"Tutar {token()}", cost="1234.56")
    assert order.cost == Decimal("1234.56")
    assert "1.234,56 ₺" in page(clients["memur"].get(f"/wreathorderview/show/{order.id}"))
