"""Issues 11 and 20, the core polish at HTTP level (both databases):
"Filtre Ekle" takes dates the Turkish way (dd.MM.yyyy, a day or a minute),
date-time inputs are a date and a time validated in Turkish, the "Onaylar"
menu only for who may decide, PDFs carry title, author, subject and language.
The same screens in a real browser: tests/test_browser_keyboard.py."""
from __future__ import annotations

import datetime as dt
import html as htmllib
import io
import json
import re
import uuid

import pytest
from pypdf import PdfReader

from app.core import approval
from app.extensions import db
from app.registers.office.models import DutySlip
from app.registers.protocol.models import Event

DAY = dt.date(2031, 3, 5)   # far from the demo data


def text(resp) -> str:
    return htmllib.unescape(resp.data.decode())


@pytest.fixture(scope="module")
def events(app):
    """Three events of one token: 05.03.2031 09:30 and 17:00, 06.03.2031 10:00."""
    tok = uuid.uuid4().hex[:6]
    times = {"sabah": dt.datetime(2031, 3, 5, 9, 30), "aksam": dt.datetime(2031, 3, 5, 17, 0),
             "ertesi": dt.datetime(2031, 3, 6, 10, 0)}
    with app.app_context():
        for key, when in times.items():
            db.session.add(Event(name=f"Süzme {key} {tok}", starts_at=when))
        db.session.commit()
        db.session.remove()
    return tok


def _names(resp, tok):
    return sorted(set(re.findall(rf"Süzme (\w+) {tok}", text(resp))))


@pytest.mark.parametrize("flt, value, expected", [
    ("_flt_0_starts_at", "05.03.2031", ["aksam", "sabah"]),            # on that day, any time
    ("_flt_0_starts_at", "5.3.2031", ["aksam", "sabah"]),
    ("_flt_0_starts_at", "2031-03-05", ["aksam", "sabah"]),              # ISO still understood
    ("_flt_0_starts_at", "05.03.2031 17:00", ["aksam"]),                 # a minute
    ("_flt_1_starts_at", "05.03.2031", ["ertesi"]),                      # after the day
    ("_flt_2_starts_at", "06.03.2031", ["aksam", "sabah"]),              # before the day
    ("_flt_3_starts_at", "05.03.2031", ["ertesi"]),                      # not on the day
])
def test_date_time_filter_reads_turkish_dates(clients, events, flt, value, expected):
    resp = clients["memur"].get("/eventview/list/", query_string={flt: value, "q": events})
    assert resp.status_code == 200
    assert _names(resp, events) == expected


def test_date_filter_on_a_date_column(app, clients):
    from app.registers.office.models import Vehicle
    from app.registers.reference.models import Staff

    tok = uuid.uuid4().hex[:6]
    with app.app_context():
        vehicle = db.session.query(Vehicle).first()
        driver = db.session.query(Staff).first()
        for day in (DAY, DAY + dt.timedelta(days=1)):
            at = dt.datetime.combine(day, dt.time(9))
            db.session.add(DutySlip(slip_date=day, vehicle=vehicle, driver=driver, route=f"Rota {day.day} {tok}",
                                    departure_at=at, return_at=at + dt.timedelta(hours=2),
                                    purpose=f"Amaç {tok}", state="draft"))
        db.session.commit()
        db.session.remove()
    # 05.03 is ambiguous to a US-style parser (May 3rd): the Turkish reading wins
    resp = clients["memur"].get("/dutyslipview/list/", query_string={"_flt_0_slip_date": "05.03.2031", "q": tok})
    assert resp.status_code == 200
    body = text(resp)
    assert f"Rota 5 {tok}" in body and f"Rota 6 {tok}" not in body
    resp = clients["memur"].get("/dutyslipview/list/", query_string={"_flt_1_slip_date": "05.03.2031", "q": tok})
    assert f"Rota 6 {tok}" in text(resp) and f"Rota 5 {tok}" not in text(resp)


def test_a_filter_that_is_not_a_date_is_dropped_with_a_turkish_message(clients, events):
    client = clients["memur"]
    resp = client.get("/eventview/list/", query_string={"_flt_0_starts_at": "31.02.2031", "q": events})
    assert resp.status_code == 302
    assert "_flt_0_starts_at" not in resp.headers["Location"] and f"q={events}" in resp.headers["Location"]
    page = client.get(resp.headers["Location"])
    assert page.status_code == 200
    assert "Bir tarih filtresi uygulanmadı" in text(page)
    assert _names(page, events) == ["aksam", "ertesi", "sabah"]


def test_filtre_ekle_offers_turkish_date_inputs_and_operators(clients):
    body = text(clients["memur"].get("/eventview/list/"))
    assert "appbuilder_date" not in body and "appbuilder_datetime" not in body   # FAB's yyyy-MM-dd picker
    assert 'class=\\"form-control ozk-datetime\\"' in body or 'class="form-control ozk-datetime"' in body
    for operator in ("Tarihinde", "Sonra", "Önce", "Tarihi dışında"):
        assert operator in body or json.dumps(operator)[1:-1] in body
    body = text(clients["memur"].get("/dutyslipview/list/"))
    assert "ozk-date" in body and "appbuilder_date" not in body


def _event_form(**values):
    data = {"name": "Saat denemesi", "organiser": "", "place": "", "invitation_received_on": "",
            "decision": "", "representative": "", "speech": "", "press_note": "", "notes": "",
            "ends_at": ""}
    data.update(values)
    return data


def test_date_time_input_is_a_date_and_a_time(app, clients):
    client = clients["memur"]
    form = text(client.get("/eventview/add"))
    date_input = re.search(r'<input[^>]*id="starts_at"[^>]*>', form).group(0)
    time_input = re.search(r'<input[^>]*id="starts_at_time"[^>]*>', form).group(0)
    assert 'name="starts_at"' in date_input and "ozk-date" in date_input
    assert 'name="starts_at"' in time_input and 'aria-label="Başlangıç (saat)"' in time_input
    assert 'list="starts_at_times"' in time_input and '<option value="14:30">' in form
    name = f"Saat {uuid.uuid4().hex[:6]}"
    # the two inputs post under one name; the time written 1430 is understood
    from werkzeug.datastructures import MultiDict

    data = MultiDict(_event_form(name=name).items())
    data.setlist("starts_at", ["07.03.2031", "1430"])
    resp = client.post("/eventview/add", data=data)
    assert resp.status_code == 302
    with app.app_context():
        event = db.session.query(Event).filter_by(name=name).one()
        assert event.starts_at == dt.datetime(2031, 3, 7, 14, 30)
        pk = event.id
        db.session.remove()
    edit = text(client.get(f"/eventview/edit/{pk}"))
    assert re.search(r'id="starts_at"[^>]*value="07.03.2031"', edit)
    assert re.search(r'id="starts_at_time"[^>]*value="14:30"', edit)


@pytest.mark.parametrize("parts", [["07.03.2031", "25:00"], ["07.03.2031", "14:75"], ["31.02.2031", "10:00"],
                                   ["", "10:00"], ["07.03.2031", "öğlen"]])
def test_a_wrong_date_or_time_is_a_turkish_form_error(app, clients, parts):
    from werkzeug.datastructures import MultiDict

    name = f"Yanlış saat {uuid.uuid4().hex[:6]}"
    data = MultiDict(_event_form(name=name).items())
    data.setlist("starts_at", parts)
    resp = clients["memur"].post("/eventview/add", data=data)
    assert resp.status_code == 200
    body = text(resp)
    error = re.search(r'id="starts_at-errors"[^>]*>(.*?)</div>', body, re.S)
    assert error, "the error is tied to the field"
    assert "gg.aa.yyyy ss:dd biçiminde girin" in error.group(1) or "zorunlu" in error.group(1)
    assert re.search(r'id="starts_at_time"[^>]*value="' + re.escape(parts[1]) + '"', body)  # input kept
    with app.app_context():
        assert db.session.query(Event).filter_by(name=name).count() == 0
        db.session.remove()


def _menu(client):
    nav = text(client.get("/"))
    nav = nav[nav.index("<nav"):nav.index("</nav>")]
    return "Onaylar" in nav, "/approvals/" in nav


def test_onaylar_menu_only_for_who_may_decide(clients, monkeypatch):
    assert _menu(clients["mudur"]) == (True, True)
    for user in ("memur", "denetci", "bilgiislem", "admin"):
        assert _menu(clients[user]) == (False, False), user
    # the permission stays (a clerk holding the Müdür's proxy decides from the inbox)
    assert clients["memur"].get("/approvals/").status_code == 200
    assert clients["denetci"].get("/approvals/").status_code in (302, 403)


def test_onaylar_menu_for_a_clerk_holding_an_active_proxy(clients, monkeypatch):
    from app.core import inbox

    monkeypatch.setattr(inbox, "_MENU_CACHE", {})   # the menu remembers a minute
    monkeypatch.setattr(approval, "PROXY_PROVIDERS",
                        [lambda user, day: getattr(user, "username", None) == "memur"])
    assert _menu(clients["memur"]) == (True, True)
    assert _menu(clients["denetci"]) == (False, False)


def _pdf_info(data):
    reader = PdfReader(io.BytesIO(data))
    return reader.metadata, reader.trailer["/Root"].get("/Lang")


def test_record_pdf_carries_title_author_subject_and_language(app, clients):
    with app.app_context():
        slip = db.session.query(DutySlip).filter_by(archived=False).order_by(DutySlip.id).first()
        pk, number = slip.id, slip.number
        db.session.remove()
    resp = clients["memur"].get(f"/dutyslipview/pdf/{pk}")
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    meta, lang = _pdf_info(resp.data)
    assert lang == "tr"
    assert meta.title.startswith(number) and "GÖREV" in meta.title.upper()
    assert "BELEDİYE" in meta.author and "Özel Kalem Müdürlüğü" in meta.author and meta.subject
    assert number in meta["/Keywords"]


def test_list_pdf_carries_title_author_subject_and_language(clients):
    resp = clients["memur"].get("/giftview/export.pdf", query_string={"_flt_0_item": "a"})
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    meta, lang = _pdf_info(resp.data)
    reader = PdfReader(io.BytesIO(resp.data))
    assert lang == "tr"
    assert meta.title == "Hediyeler" or "Hediye" in meta.title
    assert meta.author and meta.creator == "Özel Kalem"
    assert meta.subject.startswith(meta.title) and "a" in meta.subject
    assert bool(reader.trailer["/Root"]["/ViewerPreferences"]["/DisplayDocTitle"])


@pytest.mark.parametrize("kind", ["csv", "xlsx", "pdf"])
def test_exports_of_a_filtered_list_name_the_filters(clients, kind):
    """FAB keeps each filter's values as a list: the export names them (this
    was a 500 on every export of a list with a column filter)."""
    resp = clients["memur"].get(f"/giftview/export.{kind}",
                                query_string={"_flt_0_item": "a", "_flt_0_state": "draft"})
    assert resp.status_code == 200
    if kind == "xlsx":
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(resp.data)).active
        top = " ".join(str(c.value or "") for row in sheet.iter_rows(max_row=3) for c in row)
        assert "Durum eşittir: Taslak" in top
