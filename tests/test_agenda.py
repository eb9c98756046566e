"""The mayor's agenda: events → agenda, conflicts and free slots, appointment
requests → agenda, the calendar and moving entries, program PDFs, the iCal
feed, private entries — over HTTP, on SQLite and PostgreSQL."""
from __future__ import annotations

import datetime as dt
import html as htmllib
import io
import re

import pytest
from icalendar import Calendar
from pypdf import PdfReader

from app.core.audit import AuditEntry
from app.extensions import db
from app.registers.agenda.models import AgendaEntry, AppointmentRequest
from app.registers.protocol.models import Event

DAY = dt.date(2030, 3, 4)      # a Monday no demo row touches


def text(resp) -> str:
    return htmllib.unescape(resp.data.decode())


def in_db(app, fn):
    with app.app_context():
        return fn()


def at(day_offset, hour, minute=0):
    return dt.datetime.combine(DAY + dt.timedelta(days=day_offset), dt.time(hour, minute))


def fmt(value):
    return value.strftime("%d.%m.%Y %H:%M")


def new_entry(app, **values):
    def make():
        entry = AgendaEntry(**{"kind": "toplanti", "status": "planlandi", "attendee": "Başkan", **values})
        db.session.add(entry)
        db.session.commit()
        return entry.id
    return in_db(app, make)


def entry_of(app, **filters):
    def find():
        row = db.session.query(AgendaEntry).filter_by(**filters).order_by(AgendaEntry.id.desc()).first()
        if row is not None:
            db.session.expunge(row)
        return row
    return in_db(app, find)


def add_form(start, end, title, **extra):
    return {"starts_at": fmt(start), "ends_at": fmt(end), "title": title, "kind": "toplanti",
            "attendee": "Başkan", "status": "planlandi", **extra}


# --- events → agenda ------------------------------------------------------------


def test_event_decided_katilacak_gets_a_linked_entry_that_follows_it(app, clients):
    memur = clients["memur"]
    resp = memur.post("/eventview/add", data={
        "name": "Kütüphane Açılışı Ajanda", "starts_at": fmt(at(0, 11)), "ends_at": fmt(at(0, 12)),
        "place": "Merkez Kütüphane", "decision": "katilacak"})
    assert resp.status_code == 302, text(resp)[-1500:]
    event_id = in_db(app, lambda: db.session.query(Event.id).filter_by(name="Kütüphane Açılışı Ajanda").scalar())
    entry = entry_of(app, event_id=event_id)
    assert entry is not None and entry.starts_at == at(0, 11) and entry.place == "Merkez Kütüphane"
    assert entry.status == "planlandi" and entry.kind == "toren" and entry.attendee == "Başkan"

    # the event moves: the entry moves with it
    version = in_db(app, lambda: db.session.get(Event, event_id).version)
    resp = memur.post(f"/eventview/edit/{event_id}", data={
        "name": "Kütüphane Açılışı Ajanda", "starts_at": fmt(at(1, 15)), "ends_at": fmt(at(1, 16)),
        "place": "Merkez Kütüphane", "decision": "katilacak", "record_version": str(version)})
    assert resp.status_code == 302, text(resp)[-1500:]
    moved = entry_of(app, event_id=event_id)
    assert moved.id == entry.id and moved.starts_at == at(1, 15) and moved.ends_at == at(1, 16)

    # a representative instead of the mayor: still on the agenda, attended by the representative
    version = in_db(app, lambda: db.session.get(Event, event_id).version)
    memur.post(f"/eventview/edit/{event_id}", data={
        "name": "Kütüphane Açılışı Ajanda", "starts_at": fmt(at(1, 15)), "ends_at": fmt(at(1, 16)),
        "decision": "temsilci", "representative": "Başkan Yardımcısı Ayşe Kaya",
        "record_version": str(version)})
    assert entry_of(app, event_id=event_id).attendee == "Başkan Yardımcısı Ayşe Kaya"

    # not attending any more: the entry is cancelled (kept, linked)
    version = in_db(app, lambda: db.session.get(Event, event_id).version)
    resp = memur.post(f"/eventview/edit/{event_id}", data={
        "name": "Kütüphane Açılışı Ajanda", "starts_at": fmt(at(1, 15)), "decision": "katilmayacak",
        "record_version": str(version)})
    assert resp.status_code == 302
    assert entry_of(app, event_id=event_id).status == "iptal"
    assert in_db(app, lambda: db.session.query(AgendaEntry).filter_by(event_id=event_id).count()) == 1
    # undecided → stays cancelled; decided again → back on the program
    version = in_db(app, lambda: db.session.get(Event, event_id).version)
    memur.post(f"/eventview/edit/{event_id}", data={
        "name": "Kütüphane Açılışı Ajanda", "starts_at": fmt(at(1, 15)), "decision": "katilacak",
        "record_version": str(version)})
    assert entry_of(app, event_id=event_id).status == "planlandi"


def test_event_without_attendance_gets_no_entry(app, clients):
    clients["memur"].post("/eventview/add", data={"name": "Yalnız Mesaj Etkinliği", "starts_at": fmt(at(0, 9)),
                                                  "decision": "celenk_mesaj"})
    event_id = in_db(app, lambda: db.session.query(Event.id).filter_by(name="Yalnız Mesaj Etkinliği").scalar())
    assert event_id and entry_of(app, event_id=event_id) is None


# --- conflicts -------------------------------------------------------------------


def test_conflict_warns_naming_the_other_entry_offers_free_slots_and_keep_both_is_recorded(app, clients):
    memur = clients["memur"]
    new_entry(app, title="Muhtarlar Toplantısı Çakışma", starts_at=at(2, 10), ends_at=at(2, 11))
    resp = memur.post("/agendaentryview/add", data=add_form(at(2, 10, 30), at(2, 11, 30), "Esnaf Ziyareti Çakışan"))
    assert resp.status_code == 200
    page = text(resp)
    assert "Muhtarlar Toplantısı Çakışma" in page and "çakışıyor" in page
    assert entry_of(app, title="Esnaf Ziyareti Çakışan") is None
    slots = re.findall(r'<option value="(2030-03-06T[0-9:]+\|[^"]+)"', page)
    assert slots and not any(s.startswith("2030-03-06T10:") for s in slots), slots
    assert "2030-03-06T08:00|2030-03-06T09:00" in slots    # 08:00 is free; 10:00–11:00 is not

    # another attendee at the same time is no conflict
    resp = memur.post("/agendaentryview/add", data=add_form(at(2, 10, 30), at(2, 11, 30), "Yardımcı Ziyareti",
                                                          attendee="Başkan Yardımcısı Ali Er"))
    assert resp.status_code == 302

    # take the offered slot
    resp = memur.post("/agendaentryview/add", data=add_form(at(2, 10, 30), at(2, 11, 30), "Esnaf Ziyareti Çakışan",
                                                          free_slot="2030-03-06T08:00|2030-03-06T09:00"))
    assert resp.status_code == 302, text(resp)[-1500:]
    taken = entry_of(app, title="Esnaf Ziyareti Çakışan")
    assert taken.starts_at == at(2, 8) and taken.ends_at == at(2, 9) and not taken.conflict_note

    # keep both: saved, and the accepted conflict is in the record and its history
    resp = memur.post("/agendaentryview/add", data=add_form(at(2, 10, 15), at(2, 10, 45), "Basın Görüşmesi Üst Üste",
                                                          keep_conflict="y"))
    assert resp.status_code == 302, text(resp)[-1500:]
    kept = entry_of(app, title="Basın Görüşmesi Üst Üste")
    assert "Muhtarlar Toplantısı Çakışma" in kept.conflict_note
    history = text(clients["mudur"].get(f"/agendaentryview/history/{kept.id}"))
    assert "Çakışma kabul edildi" in history


def test_cancelled_entries_occupy_no_slot(app, clients):
    new_entry(app, title="İptal Edilen Toplantı", starts_at=at(3, 14), ends_at=at(3, 15), status="iptal")
    resp = clients["memur"].post("/agendaentryview/add", data=add_form(at(3, 14), at(3, 15), "Yerine Gelen Toplantı"))
    assert resp.status_code == 302


# --- appointment requests ----------------------------------------------------------


def test_appointment_uygun_creates_the_linked_entry_with_the_conflict_warning(app, clients):
    memur = clients["memur"]
    new_entry(app, title="Kurul Toplantısı Randevu Testi", starts_at=at(7, 9), ends_at=at(7, 10))
    base = {"requester_name": "Fatma Demir", "phone": "0532 111 22 33", "subject": "Park yeri talebi",
            "channel": "telefon", "decision": "bekliyor", "attendee": "Başkan"}
    resp = memur.post("/appointmentrequestview/add", data=base)
    assert resp.status_code == 302, text(resp)[-1500:]
    req_id = in_db(app, lambda: db.session.query(AppointmentRequest.id).filter_by(subject="Park yeri talebi").scalar())
    assert in_db(app, lambda: db.session.query(AgendaEntry).filter_by(request_id=req_id).count()) == 0

    def edit(data):
        version = in_db(app, lambda: db.session.get(AppointmentRequest, req_id).version)
        return memur.post(f"/appointmentrequestview/edit/{req_id}", data={**base, **data, "record_version": str(version)})

    # refusal needs a reason; "uygun" needs a time
    assert "gerekçesini" in text(edit({"decision": "reddedildi"}))
    assert edit({"decision": "uygun"}).status_code == 200
    # a conflicting time: the warning names the other entry
    resp = edit({"decision": "uygun", "scheduled_start": fmt(at(7, 9, 15)), "scheduled_end": fmt(at(7, 9, 45))})
    assert resp.status_code == 200 and "Kurul Toplantısı Randevu Testi" in text(resp)
    resp = edit({"decision": "uygun", "scheduled_start": fmt(at(7, 9, 15)), "scheduled_end": fmt(at(7, 9, 45)),
                 "free_slot": "2030-03-11T10:00|2030-03-11T10:30"})
    assert resp.status_code == 302, text(resp)[-1500:]
    entry = entry_of(app, request_id=req_id)
    assert entry.starts_at == at(7, 10) and entry.ends_at == at(7, 10, 30)
    assert entry.title == "Randevu: Park yeri talebi" and entry.participants == "Fatma Demir"
    assert entry.status == "kesinlesti"
    # postponed: the entry is postponed too
    edit({"decision": "ertelendi", "scheduled_start": fmt(at(7, 10)), "scheduled_end": fmt(at(7, 10, 30))})
    assert entry_of(app, request_id=req_id).status == "ertelendi"


def test_walk_in_queue_in_arrival_order(app, clients):
    memur = clients["memur"]
    day = DAY + dt.timedelta(days=9)
    for name, minute in (("İkinci Gelen", 40), ("Birinci Gelen", 5)):
        resp = memur.post("/appointmentrequestview/add", data={
            "requester_name": name, "subject": "Halk günü başvurusu", "channel": "yuz_yuze", "walk_in": "y",
            "arrived_at": fmt(dt.datetime.combine(day, dt.time(9, minute))), "decision": "bekliyor",
            "received_by": "Başkan", "outcome": "Dinlendi"})
        assert resp.status_code == 302, text(resp)[-1500:]
    page = text(memur.get(f"/appointmentrequestview/queue?date={day.isoformat()}"))
    assert page.index("Birinci Gelen") < page.index("İkinci Gelen")
    # the phone number is masked for the auditor
    assert "0532 111 22 33" not in text(clients["denetci"].get("/appointmentrequestview/list/?q=park"))


# --- calendar and moving -------------------------------------------------------------


def test_calendar_views_render_with_background_and_slots(app, clients):
    new_entry(app, title="Takvim Görünüm Testi", starts_at=at(14, 10), ends_at=at(14, 11), place="Meclis Salonu")
    for mode in ("day", "week", "month"):
        resp = clients["memur"].get(f"/agenda/calendar?view={mode}&date={(DAY + dt.timedelta(days=14)).isoformat()}")
        assert resp.status_code == 200, mode
        page = text(resp)
        assert "Takvim Görünüm Testi" in page and 'draggable="true"' in page
        assert 'data-start="2030-03-18' in page
    # the auditor sees the calendar but cannot move entries
    page = text(clients["denetci"].get(f"/agenda/calendar?view=week&date={(DAY + dt.timedelta(days=14)).isoformat()}"))
    assert "Takvim Görünüm Testi" in page and 'draggable="true"' not in page
    assert clients["bilgiislem"].get("/agenda/calendar").status_code == 403
    assert clients["memur"].get("/agenda/calendar?view=week&date=nonsense").status_code == 200


def test_move_is_version_checked_audited_and_refused_without_edit_right(app, clients):
    entry_id = new_entry(app, title="Taşınacak Toplantı", starts_at=at(15, 9), ends_at=at(15, 10))
    version = entry_of(app, id=entry_id).version
    json = {"Accept": "application/json"}
    assert clients["denetci"].post(f"/agenda/move/{entry_id}", data={"version": version, "start": "2030-03-21T14:00"},
                                   headers=json).status_code == 403
    resp = clients["memur"].post(f"/agenda/move/{entry_id}", data={"version": version + 5, "start": "2030-03-21T14:00"},
                                 headers=json)
    assert resp.status_code == 409 and entry_of(app, id=entry_id).starts_at == at(15, 9)
    resp = clients["memur"].post(f"/agenda/move/{entry_id}", data={"version": version, "start": "2030-03-21T14:00"},
                                 headers=json)
    assert resp.status_code == 200 and resp.get_json()["ok"]
    moved = entry_of(app, id=entry_id)
    assert moved.starts_at == dt.datetime(2030, 3, 21, 14) and moved.ends_at == dt.datetime(2030, 3, 21, 15)
    last = in_db(app, lambda: db.session.query(AuditEntry).filter_by(register="agenda_entry", record_id=entry_id,
                                                                     action="update").count())
    assert last == 1
    # the keyboard form (date + time) does the same
    resp = clients["memur"].post(f"/agenda/move/{entry_id}", data={"version": moved.version, "date": "2030-03-22",
                                                                   "time": "16:30"})
    assert resp.status_code == 302 and entry_of(app, id=entry_id).starts_at == dt.datetime(2030, 3, 22, 16, 30)
    bad = clients["memur"].post(f"/agenda/move/{entry_id}", data={"version": moved.version + 1, "start": "x"},
                                headers=json)
    assert bad.status_code in (400, 409)


def test_add_form_prefilled_from_an_empty_slot(app, clients):
    page = text(clients["memur"].get("/agendaentryview/add?start=2030-03-25T15:00"))
    # a date-time field is a date input and a time input (app/core/fields.py)
    for name, time in (("starts_at", "15:00"), ("ends_at", "16:00")):
        assert re.search(rf'id="{name}"[^>]*value="25.03.2030"', page), name
        assert re.search(rf'id="{name}_time"[^>]*value="{time}"', page), name


def test_todays_program_on_the_home_page(app, clients):
    now = dt.datetime.now().replace(minute=0, second=0, microsecond=0)
    new_entry(app, title="Bugünkü Program Maddesi", starts_at=now, ends_at=now + dt.timedelta(hours=1))
    assert "Bugünkü Program Maddesi" in text(clients["memur"].get("/"))
    assert "Bugünkü Program Maddesi" in text(clients["mudur"].get("/"))
    assert "Bugünkü Program Maddesi" not in text(clients["bilgiislem"].get("/"))


# --- program PDF ---------------------------------------------------------------------


def pdf_text(resp):
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    return " ".join(p.extract_text() for p in PdfReader(io.BytesIO(resp.data)).pages)


def test_daily_and_weekly_program_pdf(app, clients):
    new_entry(app, title="Program PDF Toplantısı", starts_at=at(21, 10), ends_at=at(21, 11),
              place="Başkanlık Makamı", participants="Oda Başkanı Veli Yıldız", notes="Dosya hazır")
    day = (DAY + dt.timedelta(days=21)).isoformat()
    daily = pdf_text(clients["memur"].get(f"/agenda/program.pdf?view=day&date={day}"))
    assert "Günlük Programı" in daily and "Program PDF Toplantısı" in daily and "10:00" in daily
    assert "Başkanlık Makamı" in daily and "Veli Yıldız" in daily and "Dosya hazır" in daily
    weekly = pdf_text(clients["memur"].get(f"/agenda/program.pdf?view=week&date={day}"))
    assert "Haftalık Programı" in weekly and "Program PDF Toplantısı" in weekly


# --- iCal --------------------------------------------------------------------------


def _new_feed(client):
    resp = client.post("/agenda/feed/new")
    assert resp.status_code == 200
    return re.search(r'id="ozk-feed-url" value="([^"]+)"', text(resp)).group(1)


def test_ical_feed_parses_back_and_a_revoked_address_is_refused(app, clients):
    new_entry(app, title="iCal Toplantısı", starts_at=dt.datetime.now().replace(microsecond=0) + dt.timedelta(days=3),
              place="Kültür Merkezi")
    url = _new_feed(clients["memur"])
    path = url.split("//", 1)[1].split("/", 1)[1]
    anon = app.test_client()
    resp = anon.get("/" + path)
    assert resp.status_code == 200 and resp.mimetype == "text/calendar"
    cal = Calendar.from_ical(resp.data)
    events = {str(e.get("summary")): e for e in cal.walk("VEVENT")}
    assert "iCal Toplantısı" in events and str(events["iCal Toplantısı"].get("location")) == "Kültür Merkezi"
    assert str(cal.get("version")) == "2.0"
    # only the hash is stored
    token = path.split("/")[-1][:-4]
    from app.registers.agenda.models import AgendaFeedToken
    stored = in_db(app, lambda: [t.token_hash for t in db.session.query(AgendaFeedToken)])
    assert token not in stored and AgendaFeedToken.hash(token) in stored
    # revoke it: refused from then on
    feed = text(clients["memur"].get("/agenda/feed"))
    pk = re.findall(r'/agenda/feed/revoke/(\d+)', feed)[-1]
    # nobody revokes another user's address
    assert clients["mudur"].post(f"/agenda/feed/revoke/{pk}").status_code == 404
    assert anon.get("/" + path).status_code == 200
    clients["memur"].post(f"/agenda/feed/revoke/{pk}")
    assert anon.get("/" + path).status_code == 404
    assert anon.get("/ical/not-a-token.ics").status_code == 404


# --- private entries -------------------------------------------------------------------


PRIVATE_DAY = dt.date.today() + dt.timedelta(days=40)     # inside the iCal feed's window


@pytest.fixture(scope="module")
def private_entry(app):
    start = dt.datetime.combine(PRIVATE_DAY, dt.time(13))
    return new_entry(app, title="Gizli Sağlık Randevusu", place="Özel Hastane", participants="Dr. Gizli Kişi",
                     notes="Gizli not", starts_at=start, ends_at=start + dt.timedelta(hours=1), private=True)


def test_private_entry_is_busy_for_the_clerk_and_auditor_everywhere(app, clients, private_entry):
    day = PRIVATE_DAY.isoformat()
    secrets_ = ("Gizli Sağlık", "Özel Hastane", "Gizli Kişi", "Gizli not")
    for user in ("memur", "denetci"):
        c = clients[user]
        pages = {
            "list": text(c.get("/agendaentryview/list/?psize_AgendaEntryView=100")),
            "show": text(c.get(f"/agendaentryview/show/{private_entry}")),
            "calendar": text(c.get(f"/agenda/calendar?view=week&date={day}")),
            "csv": c.get("/agendaentryview/export.csv").data.decode("utf-8-sig"),
            "pdf": pdf_text(c.get(f"/agenda/program.pdf?view=day&date={day}")),
        }
        for where, page in pages.items():
            assert not any(s in page for s in secrets_), f"{user} {where}"
        assert "Dolu" in pages["list"] and "Dolu" in pages["calendar"] and "Dolu" in pages["pdf"] and "Dolu" in pages["show"]
        # searching for the hidden title finds nothing
        assert f"/agendaentryview/show/{private_entry}\"" not in text(c.get("/agendaentryview/list/?q=sağlık"))
        assert not any(s in text(c.get("/agendaentryview/lookup?q=gizli")) for s in secrets_)
    # the clerk cannot edit it (nor move it)
    resp = clients["memur"].get(f"/agendaentryview/edit/{private_entry}")
    assert resp.status_code == 302
    version = entry_of(app, id=private_entry).version
    assert clients["memur"].post(f"/agenda/move/{private_entry}", data={"version": version, "start": f"{day}T16:00"},
                                 headers={"Accept": "application/json"}).status_code == 403
    # the clerk's iCal feed shows "Dolu"
    anon = app.test_client()
    url = _new_feed(clients["memur"])
    ics = anon.get("/" + url.split("//", 1)[1].split("/", 1)[1]).data.decode()
    assert "Dolu" in ics and not any(s in ics for s in secrets_)


def test_private_entry_is_visible_to_the_director_and_absent_from_the_audit_log(app, clients, private_entry):
    day = PRIVATE_DAY.isoformat()
    mudur = clients["mudur"]
    assert "Gizli Sağlık Randevusu" in text(mudur.get(f"/agenda/calendar?view=day&date={day}"))
    assert "Özel Hastane" in text(mudur.get(f"/agendaentryview/show/{private_entry}"))
    assert "Gizli Sağlık Randevusu" in pdf_text(mudur.get(f"/agenda/program.pdf?view=day&date={day}"))
    url = _new_feed(mudur)
    ics = app.test_client().get("/" + url.split("//", 1)[1].split("/", 1)[1]).data.decode()
    assert "Gizli Sağlık Randevusu" in ics
    entries = in_db(app, lambda: [(a.summary or "", a.changes or "") for a in db.session.query(AuditEntry)
                                  .filter_by(register="agenda_entry", record_id=private_entry)])
    assert entries and not any("Gizli" in s or "Gizli" in c or "Hastane" in c for s, c in entries)


# --- demo ---------------------------------------------------------------------------


def test_demo_week(app, clients):
    from app.registers.agenda import demo

    with app.app_context():
        assert demo.load() == 0       # idempotent: loaded once by the fixture
        monday = dt.date.today() - dt.timedelta(days=dt.date.today().weekday())
        week = db.session.query(AgendaEntry).filter(
            AgendaEntry.starts_at >= dt.datetime.combine(monday, dt.time(0)),
            AgendaEntry.starts_at < dt.datetime.combine(monday + dt.timedelta(days=7), dt.time(0))).all()
        kinds = {e.kind for e in week}
        assert {"toplanti", "toren", "halk_gunu", "seyahat", "ziyaret", "ozel"} <= kinds
        assert any(e.event_id for e in week) and any(e.request_id for e in week)
    page = text(clients["mudur"].get(f"/agenda/calendar?view=week&date={monday.isoformat()}"))
    assert "Huzurevi ziyareti" in page and "Seyahat: Ankara" in page and "Aile ziyareti" in page
    assert "Aile ziyareti" not in text(clients["memur"].get(f"/agenda/calendar?view=week&date={monday.isoformat()}"))
    queue = text(clients["memur"].get(f"/appointmentrequestview/queue?date={(monday + dt.timedelta(days=2)).isoformat()}"))
    assert queue.index("Ayşe Yılmaz") < queue.index("Mehmet Çelik") < queue.index("Fadime Koç")
