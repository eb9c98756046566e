"""Citizens' requests (issue 15): categories and routing, intake rules, the
stages and who may move them, closing only after confirmation or failed
attempts, the outbox with a real local SMTP server, the receipt PDF, the
public status page, Open311 and the statistics — on SQLite and PostgreSQL."""
from __future__ import annotations

import datetime as dt
import html as htmllib
import io
import json
import re
import socket
from xml.etree import ElementTree as ET

import pytest
from pypdf import PdfReader

from app.core.outbox import OutboxMessage, send_queued
from app.extensions import db
from app.registers.citizens import public as public_module
from app.registers.citizens import stats as stats_module
from app.registers.citizens.models import CitizenRequest, RequestCategory, RequestStage
from app.registers.citizens.settings_view import issue_key
from app.registers.reference.models import Unit
from app.settings.models import save_settings

TODAY = dt.date.today()


def text(resp) -> str:
    return htmllib.unescape(resp.data.decode())


def errors(resp) -> str:
    found = re.findall(r'class="[^"]*(?:alert|help-block|text-danger|error)[^"]*"[^>]*>(.*?)</', text(resp), re.S)
    return " | ".join(" ".join(f.split()) for f in found if f.strip()) or text(resp)[-1500:]


@pytest.fixture(scope="module")
def setup(app):
    """A unit and a category of our own (10 days), beside the demo data."""
    with app.app_context():
        unit = Unit(name="Test Fen Birimi", active=True)
        other = Unit(name="Test Park Birimi", active=True)
        cat = RequestCategory(name="Test: Kaldırım", unit=unit, due_days=10, active=True)
        cat2 = RequestCategory(name="Test: Park", unit=other, due_days=20, active=True)
        db.session.add_all([unit, other, cat, cat2])
        db.session.commit()
        ids = {"unit": unit.id, "other": other.id, "cat": cat.id, "cat2": cat2.id}
        db.session.remove()
    return ids


def intake(client, setup, **overrides):
    data = {"channel": "halk_gunu", "received_on": TODAY.isoformat(), "citizen_name": "Hatice Güneş",
            "citizen_phone": "0532 111 22 33", "citizen_email": "hatice@example.com",
            "citizen_address": "Cumhuriyet Mah. 5. Sokak No 3", "category": str(setup["cat"]),
            "subject": "Kaldırım taşları kırık", "description": "Okul önündeki kaldırım kırık, çocuklar düşüyor.",
            "neighbourhood": "Cumhuriyet", "street": "5. Sokak", "kvkk_notice_given": "y"}
    data.update(overrides)
    return client.post("/citizenrequestview/add", data=data)


def new_request(app, client, setup, **overrides) -> int:
    resp = intake(client, setup, **overrides)
    assert resp.status_code == 302, errors(resp)
    with app.app_context():
        rid = db.session.query(CitizenRequest.id).order_by(CitizenRequest.id.desc()).limit(1).scalar()
        db.session.remove()
    return rid


def load(app, rid):
    with app.app_context():
        item = db.session.get(CitizenRequest, rid)
        data = {"stage": item.stage, "unit_id": item.unit_id, "due_date": item.due_date, "number": item.number,
                "version": item.version, "kvkk": item.kvkk_notice_version, "closed_at": item.closed_at,
                "stages": [(s.kind, s.to_stage, s.contact_result, s.note) for s in item.stages]}
        db.session.remove()
    return data


def move(client, rid, to, note="", **extra):
    return client.post(f"/citizenrequestview/stage/{rid}", data={"to": to, "note": note, **extra})


# --- 1. categories: routing and due dates -----------------------------------------


def test_intake_routes_to_the_categorys_unit_and_due_date(app, clients, setup):
    rid = new_request(app, clients["memur"], setup)
    rec = load(app, rid)
    assert rec["unit_id"] == setup["unit"]
    assert rec["due_date"] == TODAY + dt.timedelta(days=10)
    assert rec["stage"] == "kayit" and rec["number"].startswith(f"TS-{TODAY.year}-")
    assert rec["kvkk"] == "2026-1"                      # the notice version shown at intake
    assert rec["stages"][0][1] == "kayit"


def test_category_change_reroutes_and_due_date_change_needs_a_reason(app, clients, setup):
    client = clients["memur"]
    rid = new_request(app, client, setup)
    rec = load(app, rid)
    base = {"channel": "halk_gunu", "received_on": TODAY.isoformat(), "citizen_name": "Hatice Güneş",
            "citizen_phone": "0532 111 22 33", "category": str(setup["cat2"]), "subject": "Park",
            "description": "x", "due_date": rec["due_date"].isoformat(), "record_version": str(rec["version"])}
    resp = client.post(f"/citizenrequestview/edit/{rid}", data=base)
    assert resp.status_code == 302, errors(resp)
    rec = load(app, rid)
    assert rec["unit_id"] == setup["other"]             # the new category's unit
    later = (TODAY + dt.timedelta(days=40)).isoformat()
    resp = client.post(f"/citizenrequestview/edit/{rid}",
                       data={**base, "due_date": later, "record_version": str(rec["version"])})
    assert resp.status_code == 200 and "Son tarihin neden değiştiğini yazın" in text(resp)
    resp = client.post(f"/citizenrequestview/edit/{rid}",
                       data={**base, "due_date": later, "due_change_reason": "Ödenek bekleniyor",
                             "record_version": str(rec["version"])})
    assert resp.status_code == 302, errors(resp)
    assert load(app, rid)["due_date"].isoformat() == later


def test_categories_are_managed_by_the_director_not_the_clerk(app, clients, setup):
    with app.app_context():
        before = db.session.query(RequestCategory).count()
    data = {"name": "Test: Memur denemesi", "unit": str(setup["unit"]), "due_days": "5", "active": "y"}
    resp = clients["memur"].post("/requestcategoryview/add", data=data)
    with app.app_context():
        assert db.session.query(RequestCategory).count() == before
    assert "yalnızca Müdür veya Bilgi İşlem" in text(clients["memur"].get("/requestcategoryview/list/")) or \
        resp.status_code in (200, 302)
    resp = clients["mudur"].post("/requestcategoryview/add", data={**data, "name": "Test: Müdür kategorisi"})
    assert resp.status_code == 302, errors(resp)
    resp = clients["mudur"].post("/requestcategoryview/add", data={**data, "name": "Test: 0 gün", "due_days": "0"})
    assert resp.status_code == 200 and "1 ile 365" in text(resp)
    assert clients["bilgiislem"].get("/requestcategoryview/list/").status_code == 200   # no personal data


# --- 2. intake rules and personal data -----------------------------------------------


def test_intake_rules(app, clients, setup):
    client = clients["memur"]
    resp = intake(client, setup, channel="cimer")
    assert resp.status_code == 200 and "CİMER / Açıkkapı" in errors(resp)
    resp = intake(client, setup, kvkk_notice_given="")
    assert resp.status_code == 200 and "KVKK" in errors(resp)
    resp = intake(client, setup, citizen_phone="", citizen_email="")
    assert resp.status_code == 200 and "telefon numarasını veya e-posta" in errors(resp)
    resp = intake(client, setup, received_on=(TODAY + dt.timedelta(days=2)).isoformat())
    assert resp.status_code == 200 and "gelecekte" in errors(resp)
    resp = intake(client, setup, latitude="40.43")
    assert resp.status_code == 200 and "İki koordinatı" in errors(resp)
    rid = new_request(app, client, setup, channel="cimer", reference="C12345678", latitude="40.431234",
                      longitude="29.161234")
    assert load(app, rid)["stage"] == "kayit"


def test_personal_data_masked_and_it_kept_out(app, clients, setup):
    rid = new_request(app, clients["memur"], setup)
    assert "0532 111 22 33" in text(clients["memur"].get(f"/citizenrequestview/show/{rid}"))
    auditor = text(clients["denetci"].get(f"/citizenrequestview/show/{rid}"))
    assert "0532 111 22 33" not in auditor
    assert clients["bilgiislem"].get(f"/citizenrequestview/show/{rid}").status_code == 403
    assert clients["bilgiislem"].get("/citizenrequestview/list/").status_code == 403


# --- 3. stages and who may move them --------------------------------------------------

# (from stage, to stage, reason given) -> who may: clerk, director; nobody else
MATRIX = [
    ("kayit", "iletildi", True, True),
    ("iletildi", "islemde", True, True),
    ("islemde", "cozuldu", True, True),
    ("cozuldu", "teyit", True, True),
    ("iletildi", "kayit", False, True),       # back step
    ("islemde", "iletildi", False, True),
    ("teyit", "cozuldu", False, True),
    ("kayit", "reddedildi", False, True),
    ("islemde", "yetki_disi", False, True),
    ("kayit", "islemde", False, False),       # skipping a stage: nobody
    ("kayit", "kapandi", False, False),
]
PATH = ["kayit", "iletildi", "islemde", "cozuldu", "teyit"]


def bring_to(app, client, rid, stage):
    for step in PATH[1:PATH.index(stage) + 1]:
        assert move(client, rid, step).status_code == 302
    assert load(app, rid)["stage"] == stage


@pytest.mark.parametrize("frm,to,clerk,director", MATRIX)
def test_stage_permission_matrix(app, clients, setup, frm, to, clerk, director):
    for username, allowed in (("memur", clerk), ("mudur", director), ("denetci", False)):
        rid = new_request(app, clients["memur"], setup)
        bring_to(app, clients["mudur"], rid, frm)
        resp = move(clients[username], rid, to, note="Gerekçe: deneme")
        if username == "denetci":
            assert resp.status_code == 403
        rec = load(app, rid)
        assert (rec["stage"] == to) is allowed, f"{username} {frm}→{to}: {rec['stage']}"
        if allowed:
            assert rec["stages"][-1][1] == to and rec["stages"][-1][3] == "Gerekçe: deneme"
    assert clients["bilgiislem"].post(f"/citizenrequestview/stage/{rid}", data={"to": to}).status_code == 403


def test_back_steps_and_refusals_need_a_reason(app, clients, setup):
    rid = new_request(app, clients["memur"], setup)
    bring_to(app, clients["mudur"], rid, "islemde")
    resp = move(clients["mudur"], rid, "iletildi")
    assert load(app, rid)["stage"] == "islemde"
    page = text(clients["mudur"].get(f"/citizenrequestview/show/{rid}"))
    assert "gerekçe yazın" in page
    move(clients["mudur"], rid, "reddedildi", note="Mükerrer başvuru")
    rec = load(app, rid)
    assert rec["stage"] == "reddedildi" and rec["closed_at"] is not None


def test_closing_needs_confirmation_or_enough_failed_attempts(app, clients, setup):
    client, director = clients["memur"], clients["mudur"]
    rid = new_request(app, client, setup)
    bring_to(app, director, rid, "teyit")
    move(director, rid, "kapandi")
    assert load(app, rid)["stage"] == "teyit"
    page = text(director.get(f"/citizenrequestview/show/{rid}"))
    assert "Başvuru kapatılamaz" in page
    for n in range(3):       # the setting's default: 3 failed attempts
        assert client.post(f"/citizenrequestview/contact/{rid}",
                           data={"result": "unreachable", "channel": "telefon"}).status_code == 302
        move(director, rid, "kapandi")
        assert load(app, rid)["stage"] == ("kapandi" if n == 2 else "teyit")
    # a confirmation closes at once; a back step starts a new confirmation round
    rid = new_request(app, client, setup)
    bring_to(app, director, rid, "teyit")
    client.post(f"/citizenrequestview/contact/{rid}", data={"result": "confirmed", "channel": "telefon"})
    move(director, rid, "cozuldu", note="Vatandaş işin yarım kaldığını söyledi")
    move(director, rid, "teyit")
    move(director, rid, "kapandi")
    assert load(app, rid)["stage"] == "teyit"          # the old confirmation no longer counts
    client.post(f"/citizenrequestview/contact/{rid}", data={"result": "confirmed", "channel": "sms"})
    move(clients["memur"], rid, "kapandi")
    assert load(app, rid)["stage"] == "teyit"          # a clerk does not close
    move(director, rid, "kapandi")
    assert load(app, rid)["stage"] == "kapandi"


def test_contact_only_while_awaiting_confirmation_and_setting_n(app, clients, setup):
    rid = new_request(app, clients["memur"], setup)
    clients["memur"].post(f"/citizenrequestview/contact/{rid}", data={"result": "confirmed", "channel": "telefon"})
    assert all(s[0] == "stage" for s in load(app, rid)["stages"])
    with app.app_context():
        save_settings({"citizens_contact_attempts": "1"})
        db.session.commit()
    try:
        bring_to(app, clients["mudur"], rid, "teyit")
        clients["memur"].post(f"/citizenrequestview/contact/{rid}", data={"result": "unreachable", "channel": "telefon"})
        move(clients["mudur"], rid, "kapandi")
        assert load(app, rid)["stage"] == "kapandi"
    finally:
        with app.app_context():
            save_settings({"citizens_contact_attempts": "3"})
            db.session.commit()


def test_archived_request_takes_no_stage_or_contact(app, clients, setup):
    rid = new_request(app, clients["memur"], setup)
    bring_to(app, clients["mudur"], rid, "teyit")
    assert clients["memur"].post(f"/citizenrequestview/archive/{rid}").status_code == 302
    clients["memur"].post(f"/citizenrequestview/contact/{rid}", data={"result": "confirmed", "channel": "telefon"})
    move(clients["mudur"], rid, "cozuldu", note="geri")
    rec = load(app, rid)
    assert rec["stage"] == "teyit" and not any(s[0] == "contact" for s in rec["stages"])


def test_overdue_flagged_in_lists_and_on_the_page(app, clients, setup):
    rid = new_request(app, clients["memur"], setup, received_on=(TODAY - dt.timedelta(days=30)).isoformat(),
                      subject="Gecikmiş test başvurusu")
    rec = load(app, rid)
    assert rec["due_date"] == TODAY - dt.timedelta(days=20)
    listing = text(clients["memur"].get("/citizenrequestview/list/?overdue=1&q=Gecikmiş test"))
    assert "Gecikmiş test başvurusu" in listing and "Gecikti (20 gün)" in listing
    page = text(clients["memur"].get(f"/citizenrequestview/show/{rid}"))
    assert 'id="ozk-overdue"' in page
    bring_to(app, clients["mudur"], rid, "cozuldu")      # resolved: the unit's deadline no longer runs
    listing = text(clients["memur"].get("/citizenrequestview/list/?overdue=1&q=Gecikmiş test"))
    assert "Gecikmiş test başvurusu" not in listing


# --- 4. the outbox -----------------------------------------------------------------------


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, envelope.content.decode("utf-8", "replace")))
        return "250 OK"


def bodies(inbox):
    from email import message_from_string
    from email.policy import default

    return [message_from_string(raw, policy=default).get_content() for _, raw in inbox.messages]


def wait_for(check, seconds=5.0):
    import time

    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if check():
            return True
        time.sleep(0.05)
    return check()


def test_outbox_sends_by_smtp_and_keeps_messages_while_the_server_is_down(app, clients, setup):
    from email import message_from_string
    from email.policy import default

    from aiosmtpd.controller import Controller

    port = free_port()
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port, SMTP_TIMEOUT=3)
    try:
        rid = new_request(app, clients["memur"], setup, citizen_email="vatandas@example.com")
        # the server is down: the stage change succeeds, the messages stay queued
        assert move(clients["memur"], rid, "iletildi", inform="1").status_code == 302
        with app.app_context():
            mails = db.session.query(OutboxMessage).filter_by(register="citizen_request", record_id=rid).all()
            email = next(m for m in mails if m.channel == "email")
            sms = next(m for m in mails if m.channel == "sms")
            assert email.status == "queued" and email.attempts == 1 and email.last_error
            assert sms.status == "sent"              # the default SMS backend: the log and this table
            assert "birimine iletildi" in email.body and load(app, rid)["number"] in email.subject
            db.session.remove()
        inbox = Inbox()
        controller = Controller(inbox, hostname="127.0.0.1", port=port)
        controller.start()
        try:
            with app.app_context():
                counts = send_queued()
                assert counts["sent"] >= 1
                email_row = db.session.query(OutboxMessage).filter_by(register="citizen_request", record_id=rid,
                                                                     channel="email").one()
                assert email_row.status == "sent" and email_row.attempts == 2 and email_row.sent_at
                db.session.remove()
            assert wait_for(lambda: inbox.messages)
            rcpt, raw = next(m for m in inbox.messages if "vatandas@example.com" in m[0])
            parsed = message_from_string(raw, policy=default)
            assert "birimine iletildi" in parsed.get_content() and "Başvurunuz" in str(parsed["Subject"])
            # with the server up, the next stage's message goes out at once
            move(clients["memur"], rid, "islemde", inform="1")
            assert wait_for(lambda: any("çalışılıyor" in body for body in bodies(inbox))), bodies(inbox)
        finally:
            controller.stop()
    finally:
        app.config.update(SMTP_HOST=None, SMTP_PORT=None)


def test_outbox_command_retries(app, setup):
    from app.core import outbox

    runner = app.test_cli_runner()
    with app.app_context():
        app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=free_port(), SMTP_TIMEOUT=1)
        outbox.queue("email", "biri@example.com", "Konu", "Metin")
        db.session.commit()
    try:
        result = runner.invoke(args=["ozelkalem", "outbox", "--rounds", "2", "--wait", "0"])
        assert result.exit_code == 0 and "sırada: " in result.output
        with app.app_context():
            row = db.session.query(OutboxMessage).filter_by(recipient="biri@example.com").one()
            assert row.status == "queued" and row.attempts == 2
            db.session.remove()
    finally:
        app.config.update(SMTP_HOST=None, SMTP_PORT=None)


# --- 5. the receipt ------------------------------------------------------------------------


def test_receipt_pdf(app, clients, setup):
    with app.app_context():
        save_settings({"public_url": "https://ozelkalem.ornek.bel.tr"})
        db.session.commit()
    try:
        rid = new_request(app, clients["memur"], setup)
        resp = clients["memur"].get(f"/citizenrequestview/pdf/{rid}")
        assert resp.status_code == 200 and resp.data.startswith(b"%PDF")
        body = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(resp.data)).pages)
        number = load(app, rid)["number"]
        for expected in ("BAŞVURU ALINDI BELGESİ", number, "Kaldırım taşları kırık", TODAY.strftime("%d.%m.%Y"),
                         "https://ozelkalem.ornek.bel.tr/basvuru/", "son 4 rakamıyla", "Test Fen Birimi",
                         "Halk günü"):
            assert expected in body, expected
        assert "TASLAK" not in body
    finally:
        with app.app_context():
            save_settings({"public_url": ""})
            db.session.commit()


# --- 6. the public status page --------------------------------------------------------------


def test_public_status_page(app, clients, setup):
    public_module.reset_limits()
    rid = new_request(app, clients["memur"], setup, citizen_name="Zübeyde Kırkpınar",
                      citizen_phone="0533 444 55 66", citizen_email="zubeyde@example.com")
    move(clients["memur"], rid, "iletildi", note="Fen ekibine iletildi", public="1")
    move(clients["memur"], rid, "islemde", note="İç not: ustabaşı izinde")
    number = load(app, rid)["number"]
    anon = app.test_client()
    assert anon.get("/basvuru/").status_code == 200
    resp = anon.post("/basvuru/", data={"number": number, "last4": "5566"})
    page = text(resp)
    assert resp.status_code == 200 and "İşlemde" in page and "Fen ekibine iletildi" in page
    for secret in ("Zübeyde", "Kırkpınar", "0533", "zubeyde@", "Okul önündeki", "Cumhuriyet Mah", "İç not"):
        assert secret not in page, secret
    resp = anon.post("/basvuru/", data={"number": number, "last4": "1234"})
    assert resp.status_code == 404 and "eşleşen bir başvuru bulunamadı" in text(resp)
    resp = anon.post("/basvuru/", data={"number": number, "last4": "55"})
    assert resp.status_code == 400 and "son 4 rakamını" in text(resp)
    public_module.reset_limits()


def test_public_status_page_rate_limits(app, clients, setup):
    public_module.reset_limits()
    rid = new_request(app, clients["memur"], setup, citizen_phone="0533 777 88 99")
    number = load(app, rid)["number"]
    anon = app.test_client()
    for _ in range(5):      # wrong last four digits: 5 per number per 15 minutes
        assert anon.post("/basvuru/", data={"number": number, "last4": "0000"}).status_code == 404
    resp = anon.post("/basvuru/", data={"number": number, "last4": "8899"})
    assert resp.status_code == 429 and "15 dakika" in text(resp)
    public_module.reset_limits()
    other = app.test_client()
    codes = [other.post("/basvuru/", data={"number": "TS-1999-0001", "last4": "0000"}).status_code
             for _ in range(21)]
    assert codes[-1] == 429 and "bir dakika sonra" in text(other.post("/basvuru/", data={}))
    public_module.reset_limits()


# --- 7. Open311 GeoReport v2 -------------------------------------------------------------------

SERVICE_KEYS = {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
REQUEST_KEYS = {"service_request_id", "status", "status_notes", "service_name", "service_code", "description",
                "agency_responsible", "service_notice", "requested_datetime", "updated_datetime",
                "expected_datetime", "address", "address_id", "zipcode", "lat", "long", "media_url"}


def test_open311_services_json_and_xml(app, setup):
    anon = app.test_client()
    services = anon.get("/open311/v2/services.json").get_json()
    ours = next(s for s in services if s["service_name"] == "Test: Kaldırım")
    assert set(ours) == SERVICE_KEYS and ours["service_code"] == str(setup["cat"])
    assert ours["metadata"] is False and ours["type"] == "realtime"
    root = ET.fromstring(anon.get("/open311/v2/services.xml").data)
    assert root.tag == "services" and root[0].tag == "service"
    assert {c.tag for c in root[0]} == SERVICE_KEYS
    assert anon.get("/open311/v2/services.csv").status_code == 404


def test_open311_post_get_round_trip(app, clients, setup):
    anon = app.test_client()
    with app.app_context():
        key, _ = issue_key("Mobil uygulama")
        db.session.commit()
    data = {"service_code": str(setup["cat"]), "lat": "40.431234", "long": "29.161234",
            "description": "Parkın yanındaki kaldırım çökmüş.", "first_name": "Kemal", "last_name": "Sunal",
            "phone": "0555 123 45 67", "email": "kemal@example.com"}
    bad = anon.post("/open311/v2/requests.json", data={**data, "api_key": "yanlis"})
    assert bad.status_code == 403 and bad.get_json()[0]["code"] == 403
    resp = anon.post("/open311/v2/requests.json", data={**data, "api_key": key})
    assert resp.status_code == 200, resp.data
    created = resp.get_json()
    assert set(created[0]) == {"service_request_id", "service_notice", "account_id"}
    number = created[0]["service_request_id"]
    with app.app_context():
        item = db.session.query(CitizenRequest).filter_by(number=number).one()
        assert item.unit_id == setup["unit"] and item.due_date == TODAY + dt.timedelta(days=10)
        assert item.channel == "web" and item.citizen_name == "Kemal Sunal" and item.source == "open311"
        rid = item.id
        db.session.remove()
    one = anon.get(f"/open311/v2/requests/{number}.json").get_json()[0]
    assert set(one) == REQUEST_KEYS and one["status"] == "open" and one["service_request_id"] == number
    assert "Kemal" not in json.dumps(one) and "0555" not in json.dumps(one) and "çökmüş" not in json.dumps(one)
    bring_to(app, clients["mudur"], rid, "teyit")
    clients["memur"].post(f"/citizenrequestview/contact/{rid}", data={"result": "confirmed", "channel": "telefon"})
    move(clients["mudur"], rid, "kapandi", note="Kaldırım onarıldı.", public="1")
    listed = anon.get(f"/open311/v2/requests.json?service_request_id={number}").get_json()
    assert listed[0]["status"] == "closed" and listed[0]["status_notes"] == "Kaldırım onarıldı."
    root = ET.fromstring(anon.get(f"/open311/v2/requests.xml?service_request_id={number}").data)
    assert root.tag == "service_requests" and root[0].tag == "request"
    assert root[0].find("status").text == "closed" and {c.tag for c in root[0]} == REQUEST_KEYS
    closed = anon.get(f"/open311/v2/requests.json?status=closed&service_code={setup['cat']}").get_json()
    assert number in [r["service_request_id"] for r in closed]
    missing = anon.post("/open311/v2/requests.xml", data={"api_key": key, "service_code": "999999",
                                                          "description": "x", "lat": "1", "long": "1"})
    assert missing.status_code == 404 and ET.fromstring(missing.data).tag == "errors"
    no_place = anon.post("/open311/v2/requests.json", data={"api_key": key, "service_code": str(setup["cat"]),
                                                            "description": "x", "phone": "0555 123 45 67"})
    assert no_place.status_code == 400
    assert anon.get("/open311/v2/requests/TS-1999-9999.json").status_code == 404


def test_open311_keys_issued_by_it_only(app, clients):
    resp = clients["bilgiislem"].post("/open311-keys/issue", data={"name": "Belediye mobil"})
    page = text(resp)
    key = re.search(r"<code>(o311_[A-Za-z0-9_\-]+)</code>", page).group(1)
    from app.registers.citizens.models import Open311Key
    from app.registers.citizens.settings_view import hash_key

    with app.app_context():
        row = db.session.query(Open311Key).filter_by(name="Belediye mobil").one()
        assert row.key_hash == hash_key(key) and key not in (row.key_hash, row.prefix)
        db.session.remove()
    for username in ("memur", "mudur", "denetci"):
        assert clients[username].post("/open311-keys/issue", data={"name": "x"}).status_code == 403


# --- 8. statistics -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def stats_rows(app, setup):
    """Hand-counted fixtures in 2019 (no demo row is that old)."""
    rows = [  # received, channel, category, neighbourhood, stage, days to close, due
        (dt.date(2019, 3, 1), "telefon", "cat", "Hisar", "kapandi", 4, dt.date(2019, 3, 11)),
        (dt.date(2019, 3, 5), "telefon", "cat", "Hisar", "kapandi", 10, dt.date(2019, 3, 15)),
        (dt.date(2019, 3, 9), "cimer", "cat2", "Ata", "kapandi", 2, dt.date(2019, 3, 29)),
        (dt.date(2019, 4, 2), "halk_gunu", "cat2", "Ata", "kapandi", 30, dt.date(2019, 4, 22)),
        (dt.date(2019, 4, 3), "telefon", "cat", "Yeni", "islemde", None, dt.date(2019, 4, 13)),
        (dt.date(2019, 5, 7), "web", "cat", "Hisar", "iletildi", None, dt.date(2019, 5, 17)),
        (dt.date(2019, 5, 8), "web", "cat2", None, "cozuldu", None, dt.date(2019, 5, 28)),
    ]
    with app.app_context():
        for i, (received, channel, cat, hood, stage, days, due) in enumerate(rows):
            category = db.session.get(RequestCategory, setup[cat])
            item = CitizenRequest(channel=channel, received_on=received, citizen_name=f"İstatistik {i}",
                                  citizen_phone="0500 000 00 00", category=category, unit=category.unit,
                                  subject="İstatistik", description="x", neighbourhood=hood, stage=stage,
                                  reference="C1" if channel == "cimer" else None, due_date=due,
                                  kvkk_notice_given=True,
                                  closed_at=dt.datetime.combine(received + dt.timedelta(days=days), dt.time(12))
                                  if days is not None else None)
            db.session.add(item)
        db.session.commit()
        db.session.remove()


def test_statistics_against_hand_counted_fixtures(app, clients, stats_rows):
    with app.app_context():
        data = stats_module.compute(dt.date(2019, 1, 1), dt.date(2019, 12, 31), today=dt.date(2019, 6, 1))
    assert data["total"] == 7
    assert dict(data["channel"]) == {"Telefon": 3, "Web": 2, "CİMER": 1, "Halk günü": 1}
    assert dict(data["category"]) == {"Test: Kaldırım": 4, "Test: Park": 3}
    assert dict(data["unit"]) == {"Test Fen Birimi": 4, "Test Park Birimi": 3}
    assert dict(data["neighbourhood"]) == {"Hisar": 3, "Ata": 2, "Yeni": 1, "—": 1}
    assert data["month"] == [("Mart 2019", 3), ("Nisan 2019", 2), ("Mayıs 2019", 2)]
    assert data["closed"] == 4 and data["median_days"] == 7 and data["p90_days"] == 30  # 2, 4, 10, 30
    # overdue on 1 June 2019: the "işlemde" (13 Apr) and "iletildi" (17 May) ones, both Fen; "çözüldü" is not
    assert data["overdue"] == [("Test Fen Birimi", 2)]
    page = text(clients["mudur"].get("/citizenrequestview/stats?year=2019"))
    assert 'id="ozk-median">7<' in page and 'id="ozk-p90">30<' in page
    xlsx = clients["mudur"].get("/citizenrequestview/stats?year=2019&export=xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    pdf = clients["mudur"].get("/citizenrequestview/stats?year=2019&export=pdf")
    body = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Test Fen Birimi" in body and "Medyan" in body
    assert clients["denetci"].get("/citizenrequestview/stats?year=2019").status_code == 200
    assert clients["bilgiislem"].get("/citizenrequestview/stats").status_code == 403


def test_percentile_nearest_rank():
    assert stats_module.percentile([], 90) is None
    assert stats_module.percentile([5], 90) == 5
    assert stats_module.percentile(list(range(1, 11)), 90) == 9
    assert stats_module.percentile(list(range(1, 11)), 50) == 5


# --- settings and the home page -----------------------------------------------------------------


def test_settings_screen_and_message_templates(app, clients):
    page = clients["mudur"].get("/citizen-settings/")
    assert page.status_code == 200
    assert clients["memur"].get("/citizen-settings/").status_code == 403
    data = {"citizens_kvkk_version": "2026-2", "citizens_contact_attempts": "3", "citizens_reminder_days": "3",
            "citizens_msg_iletildi": "{number} {bilinmeyen}"}
    resp = clients["bilgiislem"].post("/citizen-settings/", data=data)
    assert resp.status_code == 200 and "Bilinmeyen yer tutucu" in text(resp)
    resp = clients["bilgiislem"].post("/citizen-settings/", data={**data, "citizens_msg_iletildi": "{number} iletildi"})
    assert resp.status_code == 302
    with app.app_context():
        from app.registers.citizens import workflow

        assert workflow.settings()["citizens_kvkk_version"] == "2026-2"
        save_settings({k: v for k, v in workflow.DEFAULT_SETTINGS.items()})
        db.session.commit()


def test_home_reminds_the_clerk_of_unanswered_confirmations(app, clients, setup):
    rid = new_request(app, clients["memur"], setup)
    bring_to(app, clients["mudur"], rid, "teyit")
    with app.app_context():
        item = db.session.get(CitizenRequest, rid)
        item.stage_at = dt.datetime.now() - dt.timedelta(days=5)
        db.session.commit()
        number = item.number
        db.session.remove()
    home = text(clients["memur"].get("/"))
    assert 'id="ozk-home-confirm"' in home and 'id="ozk-home-confirm-all"' in home
    listing = text(clients["memur"].get(f"/citizenrequestview/list/?stage=teyit&q={number}"))
    assert number in listing
    assert 'id="ozk-home-citizens"' not in text(clients["bilgiislem"].get("/"))
