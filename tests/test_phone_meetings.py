"""Telefon Görüşmeleri and Toplantılar ve Tutanaklar (issue 14, second half):
the one-line quick entry, the call-back task life cycle, meetings with their
detail rows, the minutes PDF, action items on their owner's home page — over
HTTP on SQLite and PostgreSQL."""
from __future__ import annotations

import datetime as dt
import html as htmllib
import io
import re

import pytest
from pypdf import PdfReader

from app.core.audit import AuditEntry
from app.extensions import db
from app.registers.meetings.models import ActionItem, AgendaItem, Meeting, MeetingParticipant
from app.registers.phone.models import PhoneCall, next_working_day
from app.registers.reference.models import Contact, Staff, Unit

TODAY = dt.date.today()


def text(resp) -> str:
    return htmllib.unescape(resp.data.decode())


def in_db(app, fn):
    with app.app_context():
        return fn()


def user_id(app, username):
    from flask_appbuilder.security.sqla.models import User

    return in_db(app, lambda: db.session.query(User.id).filter_by(username=username).scalar())


def form_errors(resp) -> str:
    found = re.findall(r'class="[^"]*(?:alert|help-block|text-danger)[^"]*"[^>]*>(.*?)</', text(resp), re.S)
    return " | ".join(" ".join(f.split()) for f in found if f.strip()) or text(resp)[-1500:]


def pdf_text(resp) -> str:
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(resp.data)).pages)


def earlier():
    """A moment ago today (never in the future, never yesterday)."""
    moment = dt.datetime.now() - dt.timedelta(minutes=10)
    return moment if moment.date() == TODAY else dt.datetime.combine(TODAY, dt.time())


def quick(client, **values):
    data = {"time": earlier().strftime("%H:%M"), "direction": "gelen", "caller": "",
            "contact_id": "", "number": "", "subject": "", "outcome": "baglandi", "assignee": ""}
    data.update(values)
    return client.post("/phonecallview/quick", data=data)


@pytest.fixture(scope="module")
def second_clerk(app, login):
    """Another Memur (not the assignee) for the refusals."""
    from app.cli import DEMO_USERS  # noqa: F401  (the demo users exist)
    from app.extensions import appbuilder

    with app.app_context():
        sm = appbuilder.sm
        if sm.find_user(username="memur2") is None:
            sm.add_user("memur2", "Zeynep", "Kaya", "memur2@example.org", sm.find_role("Memur"), "ozelkalem")
        db.session.remove()
    return login("memur2")


# --- phone log: quick entry ------------------------------------------------------


def test_quick_entry_is_reachable_from_the_list_and_opens_an_empty_line(app, clients):
    memur = clients["memur"]
    listing = text(memur.get("/phonecallview/list/"))
    assert 'id="ozk-phone-quick"' in listing and "/phonecallview/quick" in listing
    page = text(memur.get("/phonecallview/quick"))
    assert re.search(r'id="q-time"[^>]*value="\d\d:\d\d"[^>]*autofocus', page)   # now, focus first
    assert 'id="q-subject" name="subject" class="form-control input-sm" value=""' in page
    # read-only roles do not get the quick entry (it adds), nor the button
    assert clients["denetci"].get("/phonecallview/quick").status_code in (302, 403)
    assert 'id="ozk-phone-quick"' not in text(clients["denetci"].get("/phonecallview/list/"))


def test_quick_entry_saves_and_opens_a_new_line(app, clients):
    memur = clients["memur"]
    contact = in_db(app, lambda: db.session.query(Contact.id).filter_by(name="Ahmet Işık").scalar())
    at = earlier().replace(second=0, microsecond=0)
    resp = quick(memur, time=at.strftime("%H:%M"), contact_id=str(contact), caller="Ahmet Işık (İlçe Kaymakamlığı)",
                 number="0224 513 10 10", subject="Tören saatinin teyidi QE1", outcome="baglandi")
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/phonecallview/quick")
    call = in_db(app, lambda: db.session.query(PhoneCall).filter_by(subject="Tören saatinin teyidi QE1").one())
    assert call.contact_id == contact and call.caller_name is None
    assert call.called_at == at
    assert not call.callback_needed and call.callback_due is None
    page = text(memur.get("/phonecallview/quick"))
    assert "Tören saatinin teyidi QE1" in page              # today's calls under the line
    assert 'name="subject" class="form-control input-sm" value=""' in page   # the new line is empty
    # free text caller, message taken, call back
    resp = quick(memur, caller="Fatma Er (vatandaş)", number="0555 123 45 67", subject="Su kesintisi QE2",
                 outcome="not_alindi", callback="1", assignee=str(user_id(app, "memur")))
    assert resp.status_code == 302
    call = in_db(app, lambda: db.session.query(PhoneCall).filter_by(subject="Su kesintisi QE2").one())
    assert call.caller_name == "Fatma Er (vatandaş)" and call.contact_id is None
    assert call.callback_needed and call.assignee_id == user_id(app, "memur")
    assert call.callback_due == next_working_day(TODAY)
    # the quick entry is a normal register row: audited like any other
    assert in_db(app, lambda: db.session.query(AuditEntry).filter_by(
        register="phone_call", record_id=call.id, action="create").count()) == 1


def test_quick_entry_mistakes_keep_the_line(app, clients):
    memur = clients["memur"]
    before = in_db(app, lambda: db.session.query(PhoneCall).count())
    resp = quick(memur, time="25:99", caller="", subject="Hatalı satır QE3", callback="1")
    assert resp.status_code == 400
    page = text(resp)
    assert "SS:DD" in page or "HH:MM" in page or "saat" in page.lower()
    assert "Hatalı satır QE3" in page                          # the line keeps what was typed
    assert "Geri arayacak kişiyi seçin" in page or "calls back" in page
    assert in_db(app, lambda: db.session.query(PhoneCall).count()) == before
    # hostile input: stored harmlessly, shown escaped
    resp = quick(memur, caller="<script>alert(1)</script>", subject="=HYPERLINK(\"x\")\x00 QE4")
    assert resp.status_code == 302
    page = memur.get("/phonecallview/quick").data.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    # a crafted direction/outcome/assignee is a Turkish error, never a 500
    resp = quick(memur, caller="X", subject="Y", direction="yan", outcome="?", assignee="99999999999999999999",
                 callback="1")
    assert resp.status_code == 400


def test_phone_numbers_masked_for_a_role_without_the_right(app, clients):
    denetci, memur = clients["denetci"], clients["memur"]
    assert "0224 513 13 13" in text(memur.get("/phonecallview/list/?q=genel+kurulu"))
    page = text(denetci.get("/phonecallview/list/?q=genel+kurulu"))
    assert "Oda genel kurulu daveti" in page and "0224 513 13 13" not in page
    call = in_db(app, lambda: db.session.query(PhoneCall.id).filter_by(subject="Oda genel kurulu daveti").scalar())
    assert "0224 513 13 13" not in text(denetci.get(f"/phonecallview/show/{call}"))
    assert "0224 513 13 13" not in denetci.get("/phonecallview/export.csv?q=genel+kurulu").data.decode("utf-8-sig")
    # no search or filter on the masked number
    assert "Oda genel kurulu daveti" not in text(denetci.get("/phonecallview/list/?q=513+13+13"))
    assert denetci.get("/phonecallview/list/?_flt_0_phone=513").status_code == 400
    # Bilgi İşlem: no register with personal data
    assert clients["bilgiislem"].get("/phonecallview/list/").status_code in (302, 403)


# --- call backs --------------------------------------------------------------------


def _new_callback(app, client, subject, assignee="memur", called_at=None):
    data = {"called_at": (called_at or dt.datetime.now()).strftime("%Y-%m-%dT%H:%M"), "direction": "gelen",
            "caller_name": "Vatandaş " + subject, "phone": "0532 999 88 77", "subject": subject,
            "outcome": "not_alindi", "callback_needed": "y", "assignee": str(user_id(app, assignee))}
    resp = client.post("/phonecallview/add", data=data)
    assert resp.status_code == 302, form_errors(resp)
    return in_db(app, lambda: db.session.query(PhoneCall).filter_by(subject=subject).one())


def test_callback_life_cycle(app, clients, second_clerk):
    memur, mudur = clients["memur"], clients["mudur"]
    call = _new_callback(app, memur, "Geri arama yaşam döngüsü CB1")
    assert call.callback_due == next_working_day(TODAY)
    home = text(memur.get("/"))
    assert 'id="ozk-home-callbacks"' in home and "Geri arama yaşam döngüsü CB1" in home
    assert "Geri arama yaşam döngüsü CB1" not in text(second_clerk.get("/"))   # not theirs
    assert f'id="ozk-callback-{call.id}"' in home
    row = re.search(rf'<tr class="([^"]*)" id="ozk-callback-{call.id}"', home).group(1)
    assert "ozk-overdue" not in row
    # another clerk may not mark it done, even with a crafted POST
    resp = second_clerk.post(f"/phonecallview/callback_done/{call.id}")
    assert resp.status_code == 403 and "görevlendirilen" in text(resp)
    assert in_db(app, lambda: db.session.get(PhoneCall, call.id).callback_done_at) is None
    # read-only roles neither
    assert clients["denetci"].post(f"/phonecallview/callback_done/{call.id}").status_code in (302, 403)
    # the assignee does
    resp = memur.post(f"/phonecallview/callback_done/{call.id}", data={"next": "home"})
    assert resp.status_code == 302 and resp.headers["Location"].rstrip("/").endswith("")
    done = in_db(app, lambda: db.session.get(PhoneCall, call.id))
    assert done.callback_done_at is not None and done.callback_done_by_id == user_id(app, "memur")
    assert "Geri arama yaşam döngüsü CB1" not in text(memur.get("/"))
    entry = in_db(app, lambda: db.session.query(AuditEntry).filter_by(
        register="phone_call", record_id=call.id, action="update").order_by(AuditEntry.id.desc()).first())
    assert entry is not None and "callback_done_at" in (entry.changes or {})
    # the Müdür closes somebody else's call back
    other = _new_callback(app, memur, "Müdür kapatır CB2")
    assert mudur.post(f"/phonecallview/callback_done/{other.id}").status_code == 302
    assert in_db(app, lambda: db.session.get(PhoneCall, other.id).callback_done_by_id) == user_id(app, "mudur")


def test_overdue_callback_highlighted(app, clients):
    memur = clients["memur"]
    call = _new_callback(app, memur, "Gecikmiş geri arama CB3",
                         called_at=dt.datetime.combine(TODAY - dt.timedelta(days=7), dt.time(10, 0)))
    assert call.callback_overdue
    home = text(memur.get("/"))
    row = re.search(rf'<tr class="([^"]*)" id="ozk-callback-{call.id}"', home).group(1)
    assert "ozk-overdue" in row and "danger" in row
    assert 'id="ozk-callbacks-overdue"' in home
    # the demo week has one overdue call back for the clerk too
    subjects = re.findall(r'class="ozk-callback danger ozk-overdue".*?</tr>', home, re.S)
    assert any("Oda genel kurulu daveti" in s for s in subjects)


def test_callback_needs_an_assignee(app, clients):
    data = {"called_at": dt.datetime.now().strftime("%Y-%m-%dT%H:%M"), "direction": "gelen",
            "caller_name": "Ali", "subject": "Atanmamış CB4", "outcome": "not_alindi", "callback_needed": "y"}
    resp = clients["memur"].post("/phonecallview/add", data=data)
    assert resp.status_code == 200 and "Geri arayacak" in text(resp)
    data.pop("callback_needed")
    data.pop("caller_name")
    resp = clients["memur"].post("/phonecallview/add", data=data)
    assert resp.status_code == 200 and "Arayanı rehberden seçin" in text(resp)


# --- meetings, minutes, action items -------------------------------------------------


def _meeting(app, client, title):
    resp = client.post("/meetingview/add", data={
        "title": title, "kind": "koordinasyon", "starts_at": f"{TODAY.isoformat()}T10:00",
        "ends_at": f"{TODAY.isoformat()}T11:30", "place": "Başkanlık toplantı salonu",
        "chair": "Belediye Başkanı", "status": "yapildi", "summary": "Toplantı saat 10.00'da başladı."})
    assert resp.status_code == 302, form_errors(resp)
    return in_db(app, lambda: db.session.query(Meeting).filter_by(title=title).one())


def test_meeting_with_details_and_minutes_pdf(app, clients):
    memur = clients["memur"]
    meeting = _meeting(app, memur, "Bütçe hazırlık toplantısı MT1")
    staff = in_db(app, lambda: db.session.query(Staff.id).filter_by(name="İsmail Şahin").scalar())
    contact = in_db(app, lambda: db.session.query(Contact.id).filter_by(name="Ümit Yıldırım").scalar())
    for data in ({"staff": str(staff), "capacity": "Özel Kalem Müdürü", "attended": "y"},
                 {"contact": str(contact), "attended": "y"},
                 {"name": "Kemal Sarı", "capacity": "Muhtar", "attended": "y"},
                 {"name": "Nuri Boz", "capacity": "Meclis Üyesi"}):
        resp = memur.post(f"/meetingparticipantview/add?_flt_0_meeting={meeting.id}", data=data)
        assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/meetingview/show/{meeting.id}")
    # one person only
    resp = memur.post(f"/meetingparticipantview/add?_flt_0_meeting={meeting.id}",
                      data={"staff": str(staff), "name": "Biri"})
    assert resp.status_code == 200 and "tek kişi" in text(resp)
    add_page = text(memur.get(f"/agendaitemview/add?_flt_0_meeting={meeting.id}"))
    assert re.search(r'name="seq"[^>]*value="1"', add_page)
    resp = memur.post(f"/agendaitemview/add?_flt_0_meeting={meeting.id}", data={
        "seq": "1", "topic": "2027 yatırım programı", "minutes": "Birimlerin talepleri görüşüldü.",
        "decision": "Yatırım listesi meclise sunulacak."})
    assert resp.status_code == 302
    assert re.search(r'name="seq"[^>]*value="2"', text(memur.get(f"/agendaitemview/add?_flt_0_meeting={meeting.id}")))
    agenda = in_db(app, lambda: db.session.query(AgendaItem.id).filter_by(meeting_id=meeting.id).scalar())
    unit = in_db(app, lambda: db.session.query(Unit.id).filter_by(name="Mali Hizmetler Müdürlüğü").scalar())
    resp = memur.post(f"/actionitemview/add?_flt_0_meeting={meeting.id}", data={
        "description": "Yatırım listesini hazırlamak MT1", "agenda_item": str(agenda), "owner_unit": str(unit),
        "due_date": (TODAY + dt.timedelta(days=10)).isoformat(), "status": "acik"})
    assert resp.status_code == 302, form_errors(resp)
    # an action item needs an owner
    resp = memur.post(f"/actionitemview/add?_flt_0_meeting={meeting.id}",
                      data={"description": "Sahipsiz iş", "status": "acik"})
    assert resp.status_code == 200 and "birimi veya personeli" in text(resp)

    show = text(memur.get(f"/meetingview/show/{meeting.id}"))
    for expected in ("Kemal Sarı", "2027 yatırım programı", "Yatırım listesini hazırlamak MT1"):
        assert expected in show
    body = pdf_text(memur.get(f"/meetingview/pdf/{meeting.id}"))
    for expected in ("TOPLANTI TUTANAĞI", "Bütçe hazırlık toplantısı MT1", "Başkanlık toplantı salonu",
                     "2027 yatırım programı", "Birimlerin talepleri görüşüldü.", "Yatırım listesi meclise sunulacak.",
                     "Yatırım listesini hazırlamak MT1", "Mali Hizmetler Müdürlüğü", "İsmail Şahin",
                     "Özel Kalem Müdürü", "Ümit Yıldırım", "Kemal Sarı", "Muhtar", "İmza", "Katılamayanlar",
                     "Nuri Boz"):
        assert expected in body, expected
    assert "TASLAK" not in body
    # signature lines: one per participant who attended (3), not for the absent one
    assert body.count("İmza") == 3
    assert in_db(app, lambda: db.session.query(AuditEntry).filter_by(
        register="meeting", record_id=meeting.id, action="print").count()) == 1


def test_action_items_on_the_owners_home_and_overdue(app, clients, second_clerk):
    memur, mudur = clients["memur"], clients["mudur"]
    meeting = _meeting(app, mudur, "Eylem takibi toplantısı MT2")
    ayse = in_db(app, lambda: db.session.query(Staff.id).filter_by(name="Ayşe Yılmaz").scalar())
    fen = in_db(app, lambda: db.session.query(Unit.id).filter_by(name="Fen İşleri Müdürlüğü").scalar())
    for description, owner, due in (("Geciken iş MT2", {"owner_staff": str(ayse)}, TODAY - dt.timedelta(days=3)),
                                    ("Zamanı olan iş MT2", {"owner_staff": str(ayse)}, TODAY + dt.timedelta(days=3)),
                                    ("Fen işinin işi MT2", {"owner_unit": str(fen)}, TODAY - dt.timedelta(days=1))):
        resp = mudur.post(f"/actionitemview/add?_flt_0_meeting={meeting.id}",
                          data={"description": description, "due_date": due.isoformat(), "status": "acik", **owner})
        assert resp.status_code == 302, form_errors(resp)
    late = in_db(app, lambda: db.session.query(ActionItem).filter_by(description="Geciken iş MT2").one())
    assert late.overdue
    home = text(memur.get("/"))   # memur is Ayşe Yılmaz (demo link)
    assert 'id="ozk-home-actions"' in home
    assert "Geciken iş MT2" in home and "Zamanı olan iş MT2" in home and "Fen işinin işi MT2" not in home
    row = re.search(rf'<tr class="([^"]*)" id="ozk-action-{late.id}"', home).group(1)
    assert "ozk-overdue" in row
    on_time = in_db(app, lambda: db.session.query(ActionItem.id).filter_by(description="Zamanı olan iş MT2").scalar())
    assert "ozk-overdue" not in re.search(rf'<tr class="([^"]*)" id="ozk-action-{on_time}"', home).group(1)
    # a unit's item: on the home page of the unit's staff (the Müdür is in Özel Kalem: not his)
    assert "Fen işinin işi MT2" not in text(mudur.get("/"))
    assert "Muhtarlara başvuru formunu göndermek" in text(mudur.get("/"))   # demo: Özel Kalem's, overdue
    # a login linked to no staff member has no such section
    assert 'id="ozk-home-actions"' not in text(second_clerk.get("/"))
    # done: off the home page, completion date filled
    version = in_db(app, lambda: db.session.get(ActionItem, late.id).version)
    resp = memur.post(f"/actionitemview/edit/{late.id}", data={
        "meeting": str(meeting.id), "description": "Geciken iş MT2", "owner_staff": str(ayse), "due_date": late.due_date.isoformat(),
        "status": "tamamlandi", "record_version": str(version)})
    assert resp.status_code == 302, form_errors(resp)
    assert in_db(app, lambda: db.session.get(ActionItem, late.id).done_on) == TODAY
    assert "Geciken iş MT2" not in text(memur.get("/"))


def test_the_director_filters_action_items_by_unit(app, clients):
    mudur = clients["mudur"]
    fen = in_db(app, lambda: db.session.query(Unit.id).filter_by(name="Fen İşleri Müdürlüğü").scalar())
    page = text(mudur.get(f"/actionitemview/list/?_flt_0_owner_unit={fen}"))
    assert "Karla mücadele planını hazırlamak" in page
    assert "Bayram davetiyelerini göndermek" not in page
    assert "Gecikmiş" in page
    # the list filtered by status
    page = text(mudur.get("/actionitemview/list/?_flt_0_status=tamamlandi"))
    assert "Konser sahnesi için teklif almak" in page and "Karla mücadele" not in page


def test_demo_data(app):
    def check():
        calls = db.session.query(PhoneCall).all()
        days = {c.called_at.date() for c in calls if c.subject and "CB" not in c.subject and "QE" not in c.subject}
        assert len(days) >= 5
        assert any(c.callback_overdue for c in calls)
        assert any(c.callback_needed and c.callback_done_at for c in calls)
        meetings = db.session.query(Meeting).filter(~Meeting.title.contains("MT")).all()
        assert len(meetings) == 2
        assert all(m.agenda_items and m.action_items and m.participants for m in meetings)
        assert db.session.query(MeetingParticipant).count() >= 7
    in_db(app, check)
