"""Issue 11, the clerk's path through the register core (HTTP level, both
databases): ASCII search and its ranking, form defaults, no "__None",
Turkish numbers and dates, flash texts, where a save lands, the same-day
undo of an archive, choice filters, and the public verification page."""
from __future__ import annotations

import datetime as dt
import html as htmllib
import json
import re
import uuid

import pytest

from app.core import approval
from app.core.register import REGISTRY
from app.extensions import db
from app.registers.office.models import DutySlip, Vehicle
from app.registers.protocol.models import WreathOrder
from app.registers.reference.models import Contact, Staff

FAR = 2033


def text(resp) -> str:
    return htmllib.unescape(resp.data.decode())


def _contact(app, name, kind="kisi"):
    with app.app_context():
        c = Contact(kind=kind, name=name)
        db.session.add(c)
        db.session.commit()
        cid = c.id
        db.session.remove()
    return cid


@pytest.fixture(scope="module")
def tok():
    return uuid.uuid4().hex[:6].upper()


@pytest.fixture(scope="module")
def people(app, tok):
    names = {"isik": f"Kemal İsik {tok}", "Işık": f"Ayla Işık {tok}", "IŞIK": f"Veli IŞIK {tok}",
             "caglar": f"Çağlar Demir {tok}", "istanbul": f"İstanbul Temsilciliği {tok}"}
    return {k: (_contact(app, v), v) for k, v in names.items()}


# --- search -------------------------------------------------------------------------


def test_ascii_query_finds_turkish_spellings_and_ranks_exact_first(clients, people, tok):
    memur = clients["memur"]
    page = text(memur.get(f"/contactview/list/?q=isik {tok.lower()}"))
    for key in ("isik", "Işık", "IŞIK"):
        assert people[key][1] in page, key
    # the one spelled exactly "isik" (İsik folds to isik) comes before the ı spellings
    assert page.index(people["isik"][1]) < page.index(people["Işık"][1])
    assert page.index(people["isik"][1]) < page.index(people["IŞIK"][1])
    assert people["caglar"][1] in text(memur.get(f"/contactview/list/?q=caglar {tok}"))
    assert people["istanbul"][1] in text(memur.get(f"/contactview/list/?q=ISTANBUL {tok}"))


def test_query_with_turkish_letters_stays_exact(clients, people, tok):
    page = text(clients["memur"].get(f"/contactview/list/?q=ışık {tok}"))
    assert people["Işık"][1] in page and people["IŞIK"][1] in page
    assert people["isik"][1] not in page


def test_picker_lookup_ranks_exact_turkish_match_first(clients, people, tok):
    data = clients["memur"].get(f"/contactview/lookup?q=isik {tok}").get_json()["results"]
    texts = [r["text"] for r in data]
    assert texts[0].startswith(people["isik"][1]) and len(texts) == 3


def test_search_ascii_column_is_filled(app, people):
    with app.app_context():
        row = db.session.get(Contact, people["Işık"][0])
        assert "isik" in row.search_ascii and "ışık" in row.search_key
        db.session.remove()


# --- forms ----------------------------------------------------------------------------


def test_no_dunder_none_and_required_selects_start_empty(clients, app):
    memur = clients["memur"]
    for entry in REGISTRY:
        if entry.view.read_only or not entry.menu:
            continue
        route = entry.view.route_base or f"/{entry.name.lower()}"
        page = text(memur.get(f"{route}/add"))
        assert "__None" not in page, entry.name
        with app.app_context():
            first = db.session.query(entry.model).filter_by(archived=False).order_by(entry.model.id).first()
            pk = first.id if first is not None else None
            db.session.remove()
        if pk is not None:
            assert "__None" not in text(memur.get(f"{route}/edit/{pk}")), entry.name
    wreath = text(memur.get("/wreathorderview/add"))
    assert re.search(r'<select[^>]*id="kind"[^>]*>\s*<option selected value="">Seçiniz…</option>', wreath) or \
        re.search(r'id="kind".*?<option (?:selected )?value="">Seçiniz…', wreath, re.S)


def test_duty_slip_add_defaults_today_and_pickers_are_searchable(clients, app):
    memur = clients["memur"]
    page = text(memur.get("/dutyslipview/add"))
    assert f'value="{dt.date.today():%d.%m.%Y}"' in page            # today's date
    assert 'class="form-control ozk-ajax-select"' in page and "/dutyslipview/pick?f=driver" in page
    drivers = memur.get("/dutyslipview/pick?f=driver").get_json()["results"]
    with app.app_context():
        active = {s.name for s in db.session.query(Staff).filter_by(active=True, archived=False)}
        db.session.remove()
    names = [d["text"] for d in drivers]
    assert set(names) <= active and names
    from app.core.turkish import sort_key
    # by name, Turkish order (names starting with punctuation, left by other tests, are
    # placed differently by ICU and by the SQLite collation: compare the real names)
    real = [n for n in names if n[:1].isalpha()]
    assert real == sorted(real, key=sort_key)
    assert memur.get("/dutyslipview/pick?f=route").status_code == 404


def test_choosing_a_vehicle_brings_its_driver_and_last_odometer(clients, app):
    memur = clients["memur"]
    with app.app_context():
        vehicle = db.session.query(Vehicle).filter(Vehicle.driver_id.isnot(None)).first()
        plate, driver = vehicle.plate, vehicle.driver
        start = dt.datetime(FAR, 1, 5, 9, 0)
        slip = DutySlip(driver_id=driver.id, vehicle_id=vehicle.id, slip_date=start.date(),
                        departure_at=start, return_at=start + dt.timedelta(hours=2), route="Test",
                        purpose="Test", odometer_out=85100, odometer_in=85200)
        db.session.add(slip)
        db.session.commit()
        slip_id, driver_id = slip.id, driver.id
        db.session.remove()
    rows = memur.get(f"/dutyslipview/pick?f=vehicle&q={plate.split()[0]}").get_json()["results"]
    row = next(r for r in rows if r["text"].startswith(plate))
    assert row["fill"]["driver"]["id"] == driver_id
    assert row["fill"]["odometer_out"] == "85.200"
    with app.app_context():
        db.session.delete(db.session.get(DutySlip, slip_id))
        db.session.commit()
        db.session.remove()


def _slip_form(app, **over):
    with app.app_context():
        vehicle = db.session.query(Vehicle).filter_by(active=True).first()
        driver = db.session.query(Staff).filter_by(active=True).first()
        ids = vehicle.id, driver.id
        db.session.remove()
    day = dt.date(FAR, 6, 1)
    data = {"vehicle": ids[0], "driver": ids[1], "slip_date": day.strftime("%d.%m.%Y"),
            "departure_at": day.strftime("%d.%m.%Y") + " 09:00",
            "return_at": day.strftime("%d.%m.%Y") + " 11:30", "route": "Mudanya İskelesi",
            "purpose": "Karşılama", "passengers": "", "odometer_out": "85.200", "odometer_in": "85.320",
            "notes": ""}
    data.update(over)
    return data


def test_turkish_numbers_and_dates_are_accepted(clients, app):
    memur = clients["memur"]
    resp = memur.post("/dutyslipview/add", data=_slip_form(app, route=f"Mudanya {uuid.uuid4().hex[:5]}"))
    assert resp.status_code == 302, text(resp)[-1500:]
    with app.app_context():
        slip = db.session.query(DutySlip).order_by(DutySlip.id.desc()).first()
        assert (slip.odometer_out, slip.odometer_in, slip.km) == (85200, 85320, 120)
        assert slip.slip_date == dt.date(FAR, 6, 1) and slip.departure_at.hour == 9
        page = text(memur.get(f"/dutyslipview/edit/{slip.id}"))
        assert 'value="85.200"' in page and 'value="01.06.2033"' in page   # shown back the same way
        slip.archived = True
        db.session.commit()
        db.session.remove()
    bad = memur.post("/dutyslipview/add", data=_slip_form(app, odometer_out="85,2"))
    assert bad.status_code == 200 and "Geçerli bir tam sayı girin (ör. 85.200)." in text(bad)


# --- flash texts and landing ------------------------------------------------------------


def test_flash_is_a_turkish_sentence_and_add_lands_on_the_record(clients, app):
    memur = clients["memur"]
    name = f"Kayıt Deneme {uuid.uuid4().hex[:5]}"
    resp = memur.post("/contactview/add", data={"kind": "kisi", "name": name})
    assert resp.status_code == 302
    with app.app_context():
        cid = db.session.query(Contact.id).filter_by(name=name).scalar()
        db.session.remove()
    assert resp.headers["Location"].endswith(f"/contactview/show/{cid}")
    page = text(memur.get(resp.headers["Location"]))
    assert "Kayıt eklendi." in page and "Eklenen Satır" not in page


def test_edit_from_a_filtered_list_lands_back_on_that_list(clients, app):
    memur = clients["memur"]
    cid = _contact(app, f"Liste Dönüş {uuid.uuid4().hex[:5]}")
    came_from = "/contactview/list/?q=liste&page_ContactView=0"
    form = text(memur.get(f"/contactview/edit/{cid}", headers={"Referer": "http://localhost" + came_from}))
    assert re.search(r'name="next_url"[^>]*value="/contactview/list/\?q=liste', form) or \
        'value="/contactview/list/?q=liste&amp;page_ContactView=0"' in form.replace("&", "&amp;")
    with app.app_context():
        version = db.session.get(Contact, cid).version
        db.session.remove()
    resp = memur.post(f"/contactview/edit/{cid}", data={"kind": "kisi", "name": "Liste Dönüş Yeni",
                                                        "record_version": version, "next_url": came_from})
    assert resp.status_code == 302 and resp.headers["Location"].endswith(came_from)
    assert "Kayıt güncellendi." in text(memur.get(resp.headers["Location"]))


@pytest.mark.parametrize("next_url", ["https://evil.example/contactview/list/", "/users/list/",
                                      "/contactview/show/1"])
def test_landing_never_leaves_for_another_page_or_record(clients, app, next_url):
    memur = clients["memur"]
    cid = _contact(app, f"Güvenli Dönüş {uuid.uuid4().hex[:5]}")
    with app.app_context():
        version = db.session.get(Contact, cid).version
        db.session.remove()
    resp = memur.post(f"/contactview/edit/{cid}", data={"kind": "kisi", "name": "Güvenli Dönüş",
                                                        "record_version": version, "next_url": next_url})
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/contactview/show/{cid}")


def test_show_page_offers_edit_print_archive_and_list_hides_refused_pencils(clients, app):
    memur = clients["memur"]
    with app.app_context():
        draft = db.session.query(WreathOrder).filter_by(state="draft", archived=False).first()
        pending = db.session.query(WreathOrder).filter_by(state="pending", archived=False).first()
        ids = draft.id, pending.id if pending else None
        db.session.remove()
    page = text(memur.get(f"/wreathorderview/show/{ids[0]}"))
    assert 'id="ozk-edit"' in page and 'id="ozk-pdf"' in page and 'id="ozk-archive"' in page
    assert 'data-confirm="Bu kayıt arşivlensin mi?' in page
    assert 'id="ozk-history-link"' in text(clients["mudur"].get(f"/wreathorderview/show/{ids[0]}"))
    listing = text(memur.get("/wreathorderview/list/"))
    assert re.search(rf"/wreathorderview/edit/{ids[0]}(?!\d)", listing)
    if ids[1]:
        assert not re.search(rf"/wreathorderview/edit/{ids[1]}(?!\d)", listing)
        assert 'id="ozk-edit"' not in text(memur.get(f"/wreathorderview/show/{ids[1]}"))


def test_clerk_undoes_own_archive_the_same_day_only(clients, app):
    memur, mudur = clients["memur"], clients["mudur"]
    mine = _contact(app, f"Arşiv Geri {uuid.uuid4().hex[:5]}")
    assert memur.post(f"/contactview/archive/{mine}").status_code == 302
    page = text(memur.get(f"/contactview/show/{mine}"))
    assert 'id="ozk-unarchive"' in page
    resp = memur.post(f"/contactview/unarchive/{mine}")
    assert resp.status_code == 302
    assert "Arşivleme geri alındı" in text(memur.get(resp.headers["Location"]))
    with app.app_context():
        assert db.session.get(Contact, mine).archived is False
        db.session.remove()
    theirs = _contact(app, f"Arşiv Başkası {uuid.uuid4().hex[:5]}")
    assert mudur.post(f"/contactview/archive/{theirs}").status_code == 302
    assert "yalnızca Müdür" in text(memur.get(f"/contactview/show/{theirs}"))
    resp = memur.post(f"/contactview/unarchive/{theirs}")
    assert "bu kaydı arşivden Müdür geri yükleyebilir" in text(memur.get(resp.headers["Location"]))
    with app.app_context():
        assert db.session.get(Contact, theirs).archived is True
        db.session.remove()


def test_choice_and_state_filters_offer_equal_not_contains(clients):
    page = clients["memur"].get("/wreathorderview/list/").data.decode()
    ops = json.loads(re.search(r"AdminFilters\(\s*'#filter_form',\s*(\{.*?\}),\s*(\{.*?\}),\s*(\{.*?\}),",
                               page, re.S).group(3))
    assert ops["state"] == ["Eşittir", "Eşit değildir"] and ops["occasion"] == ["Eşittir", "Eşit değildir"]
    labels = json.loads(re.search(r"AdminFilters\(\s*'#filter_form',\s*(\{.*?\}),", page, re.S).group(1))
    assert labels["state"] == "Durum" and labels["occasion"] == "Vesile"


# --- verification page ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def approved_wreath(app):
    from app.core.documents import verification_code
    from app.extensions import appbuilder

    with app.app_context():
        recipient = db.session.query(Contact).filter_by(kind="kisi").first()
        mudur = appbuilder.sm.find_user(username="mudur")
        w = WreathOrder(occasion="cenaze", kind="celenk", recipient_id=recipient.id,
                        delivery_address="Gizli Sokak 7", delivery_date=dt.date(FAR, 2, 2),
                        message="Özel taziye metni", supplier="Çiçekçi", state=approval.DRAFT)
        db.session.add(w)
        db.session.commit()
        w.state, w.decided_by_id, w.decided_at, w.decided_as = (
            approval.APPROVED, mudur.id, dt.datetime(FAR, 2, 1, 10, 0), approval.DIRECTOR_TITLE)
        db.session.commit()
        data = {"id": w.id, "number": w.number, "code": verification_code(w),
                "recipient": recipient.name, "mudur": mudur.get_full_name()}
        db.session.remove()
    return data


def test_public_verify_page_without_login_shows_no_personal_data(app, approved_wreath):
    anon = app.test_client()
    w = approved_wreath
    resp = anon.get(f"/dogrula/wreath_order/{w['id']}?code={w['code']}")
    page = text(resp)
    assert resp.status_code == 200 and 'id="ozk-verify-ok"' in page
    assert (w["number"] or "") in page and "Onaylandı" in page and "Çelenk, Çiçek ve Mesajlar" in page
    assert re.search(r'id="ozk-fingerprint">[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}<', page)
    for secret in (w["recipient"], w["mudur"], "Gizli Sokak", "Özel taziye metni"):
        assert secret not in page, secret


def test_public_verify_page_wrong_code_says_so_in_turkish(app, approved_wreath):
    anon = app.test_client()
    resp = anon.get(f"/dogrula/wreath_order/{approved_wreath['id']}?code=AAAAAAAAAA")
    assert resp.status_code == 404
    page = text(resp)
    assert "bulunamadı" in page and "Onaylandı" not in page and approved_wreath["number"] not in page


def test_public_verify_page_is_rate_limited(app, approved_wreath):
    from app.core import documents

    anon = app.test_client()
    app.config["VERIFY_RATE_LIMIT"] = 3
    documents._HITS.clear()
    try:
        codes = [anon.get(f"/dogrula/wreath_order/{approved_wreath['id']}?code=X{i}").status_code
                 for i in range(4)]
        assert codes[:3] == [404, 404, 404] and codes[3] == 429
        assert "bir dakika sonra" in text(anon.get("/dogrula/wreath_order/1?code=Y"))
    finally:
        app.config.pop("VERIFY_RATE_LIMIT")
        documents._HITS.clear()


def test_printed_url_uses_the_public_address_from_settings(app, clients, approved_wreath):
    from app.settings.models import save_settings

    with app.app_context():
        save_settings({"public_url": "https://ozelkalem.ornek.bel.tr/"})
        db.session.commit()
    try:
        with app.test_request_context("/", base_url="http://127.0.0.1:8080"):
            from app.core.documents import public_verification_url

            w = db.session.get(WreathOrder, approved_wreath["id"])
            url = public_verification_url(w, approved_wreath["code"])
            assert url.startswith("https://ozelkalem.ornek.bel.tr/dogrula/wreath_order/")
            db.session.remove()
        settings_page = text(clients["mudur"].get("/settings/"))
        assert "Genel adres (URL)" in settings_page
    finally:
        with app.app_context():
            save_settings({"public_url": ""})
            db.session.commit()
            db.session.remove()


def test_validation_messages_follow_the_language(app, login):
    client = login("memur")
    data = {"kind": "kurum", "name": f"Dil Deneme {uuid.uuid4().hex[:5]}", "protocol_rank": "5000"}
    tr = text(client.post("/contactview/add", data=data))
    assert "Protokol sırası 1 ile 999 arasında olmalıdır." in tr
    client.get("/lang/en")
    en = text(client.post("/contactview/add", data=data))
    assert "The protocol rank must be between 1 and 999." in en and "Protokol sırası" not in en
    client.get("/lang/tr")


def test_big_integers_are_shown_with_turkish_separators(clients, app):
    with app.app_context():
        slip = db.session.query(DutySlip).filter(DutySlip.odometer_out >= 10000).first()
        pk, value = (slip.id, slip.odometer_out) if slip else (None, None)
        db.session.remove()
    assert pk is not None, "the demo data has a slip with a five-digit odometer"
    page = text(clients["mudur"].get(f"/dutyslipview/show/{pk}"))
    assert f"{value:,}".replace(",", ".") in page


def test_english_mode_home_and_approvals_title_are_english(login):
    client = login("mudur")
    client.get("/lang/en")
    try:
        home = text(client.get("/"))
        assert "New record" in home and "Awaiting my approval" in home and "Yeni kayıt" not in home
        inbox = text(client.get("/approvals/"))
        assert "Awaiting my approval" in inbox and "Onayımı bekleyenler" not in inbox
    finally:
        client.get("/lang/tr")
    assert "Yeni kayıt" in text(client.get("/"))


def test_wreath_prefilled_from_an_event_takes_its_occasion(clients, app):
    from app.registers.protocol.models import Event

    def make():
        ev = Event(name="Merhum Ali Rıza Bey'in cenaze töreni", starts_at=dt.datetime(FAR, 4, 4, 13, 0),
                   place="Merkez Camii", decision="celenk_mesaj")
        db.session.add(ev)
        db.session.commit()
        return ev.id

    with app.app_context():
        eid = make()
        db.session.remove()
    page = text(clients["memur"].get(f"/wreathorderview/add?event={eid}"))
    assert re.search(r'<option selected value="cenaze">|<option value="cenaze" selected>', page)
    assert 'value="04.04.2033"' in page and "Merkez Camii" in page
