"""Başkanlık Talimatları (follow-up per unit, overdue list, reminders, PDF),
Makam Onayına Sunulan Evrak (waiting longest first) and Meclis Üyeleri
Bilgilendirme (council members from the directory) — over HTTP on SQLite and
PostgreSQL."""
from __future__ import annotations

import datetime as dt
import html as htmllib
import io
import re

import pytest
from pypdf import PdfReader

from app.core.outbox import OutboxMessage
from app.core.registry import REGISTRY
from app.extensions import db
from app.registers.mayor.models import (
    ANSWERED, DONE, LATE, WAITING, CouncilBriefing, MayorOrder, OrderFollowUp, OrderReminder, Submission,
)
from app.registers.reference.models import Contact, Unit

TODAY = dt.date.today()
D = dt.timedelta


def text(resp) -> str:
    return htmllib.unescape(resp.data.decode())


def in_db(app, fn):
    with app.app_context():
        try:
            return fn()
        finally:
            db.session.remove()


def unit_id(app, name):
    return in_db(app, lambda: db.session.query(Unit.id).filter_by(name=name).scalar())


def form_errors(resp) -> str:
    found = re.findall(r'class="[^"]*(?:alert|help-block|text-danger)[^"]*"[^>]*>(.*?)</', text(resp), re.S)
    return " | ".join(" ".join(f.split()) for f in found if f.strip()) or text(resp)[-1500:]


def pdf_text(resp) -> str:
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(resp.data)).pages)


def new_order(client, subject, units, date=None, due=None, text_="Birimler durumu rapor edecek."):
    data = {"subject": subject, "date": (date or TODAY - D(days=10)).isoformat(),
            "due_date": (due or TODAY - D(days=2)).isoformat(), "text": text_, "issued_by": "Belediye Başkanı",
            "units": [str(u) for u in units]}
    return client.post("/mayororderview/add", data=data)


def order_of(app, subject):
    return in_db(app, lambda: db.session.query(MayorOrder.id).filter_by(subject=subject).scalar())


def rows_of(app, subject):
    def fetch():
        order = db.session.query(MayorOrder).filter_by(subject=subject).one()
        return {str(f.unit): (f.id, f.state) for f in order.follow_ups}
    return in_db(app, fetch)


def edit_follow_up(client, app, row_id, **values):
    def current():
        f = db.session.get(OrderFollowUp, row_id)
        return {"order": str(f.order_id), "unit": str(f.unit_id), "version": f.version}
    cur = in_db(app, current)
    data = {"order": cur["order"], "unit": cur["unit"], "record_version": str(cur["version"]),
            "status": WAITING, "answer": "", "answered_on": "", "due_date": ""}
    data.update(values)
    return client.post(f"/orderfollowupview/edit/{row_id}", data=data)


@pytest.fixture(scope="module")
def units(app):
    names = ["Fen İşleri Müdürlüğü", "Zabıta Müdürlüğü", "Kültür ve Sosyal İşler Müdürlüğü"]
    return {n: unit_id(app, n) for n in names}


# --- orders: follow-up states and overdue ------------------------------------------


def test_an_order_to_two_units_gets_a_number_and_one_row_per_unit(app, clients, units):
    resp = new_order(clients["memur"], "Talimat T1 kaldırım onarımı",
                     [units["Fen İşleri Müdürlüğü"], units["Zabıta Müdürlüğü"]])
    assert resp.status_code == 302, form_errors(resp)
    number = in_db(app, lambda: db.session.query(MayorOrder.number).filter_by(
        subject="Talimat T1 kaldırım onarımı").scalar())
    assert re.fullmatch(rf"BT-{TODAY.year}-\d{{4}}", number)
    rows = rows_of(app, "Talimat T1 kaldırım onarımı")
    assert set(rows) == {"Fen İşleri Müdürlüğü", "Zabıta Müdürlüğü"}
    assert {state for _id, state in rows.values()} == {LATE}       # due two days ago, no answer
    page = text(clients["memur"].get(f"/mayororderview/show/{order_of(app, 'Talimat T1 kaldırım onarımı')}"))
    assert "Fen İşleri Müdürlüğü" in page and "Zabıta Müdürlüğü" in page and "Gecikti" in page


def test_follow_up_states(app, clients, units):
    new_order(clients["memur"], "Talimat T2 durumlar",
              [units["Fen İşleri Müdürlüğü"], units["Zabıta Müdürlüğü"], units["Kültür ve Sosyal İşler Müdürlüğü"]],
              due=TODAY + D(days=5))
    rows = rows_of(app, "Talimat T2 durumlar")
    assert {s for _i, s in rows.values()} == {WAITING}              # not yet due
    fen, zabita, kultur = (rows[n][0] for n in ("Fen İşleri Müdürlüğü", "Zabıta Müdürlüğü",
                                                  "Kültür ve Sosyal İşler Müdürlüğü"))
    resp = edit_follow_up(clients["memur"], app, fen, status=ANSWERED, answer="Ekipler çalışmaya başladı.")
    assert resp.status_code == 302, form_errors(resp)
    resp = edit_follow_up(clients["memur"], app, zabita, status=DONE, answer="Tamamlandı.")
    assert resp.status_code == 302, form_errors(resp)
    # one unit with its own, earlier due date: overdue while the others are not
    resp = edit_follow_up(clients["memur"], app, kultur, due_date=(TODAY - D(days=1)).isoformat())
    assert resp.status_code == 302, form_errors(resp)
    rows = rows_of(app, "Talimat T2 durumlar")
    assert rows["Fen İşleri Müdürlüğü"][1] == ANSWERED
    assert rows["Zabıta Müdürlüğü"][1] == DONE
    assert rows["Kültür ve Sosyal İşler Müdürlüğü"][1] == LATE
    answered = in_db(app, lambda: db.session.get(OrderFollowUp, fen).answered_on)
    assert answered == TODAY                                        # filled in when answered
    # back to waiting clears the answer date
    edit_follow_up(clients["memur"], app, fen, status=WAITING, answer="Ekipler çalışmaya başladı.")
    assert in_db(app, lambda: db.session.get(OrderFollowUp, fen).answered_on) is None


def test_overdue_list_per_unit(app, clients, units):
    new_order(clients["memur"], "Talimat T3 gecikme listesi", [units["Kültür ve Sosyal İşler Müdürlüğü"]],
              due=TODAY - D(days=4))
    new_order(clients["memur"], "Talimat T3b zamanında", [units["Kültür ve Sosyal İşler Müdürlüğü"]],
              due=TODAY + D(days=4))
    page = text(clients["mudur"].get(f"/orderfollowupview/list/?overdue=1&unit={units['Kültür ve Sosyal İşler Müdürlüğü']}"))
    assert 'id="ozk-order-overdue-title"' in page
    assert "Talimat T3 gecikme listesi" in page and "Talimat T3b zamanında" not in page
    assert "Zabıta Müdürlüğü" not in page.split('id="ozk-order-overdue-title"')[1].split("</h4>")[1]
    # every row the overdue list shows is overdue; the waiting filter shows the not-yet-due one
    listing = text(clients["mudur"].get("/orderfollowupview/list/?overdue=1&psize_OrderFollowUpView=100"))
    assert "Talimat T3b zamanında" not in listing and "Talimat T3 gecikme listesi" in listing
    assert "Talimat T3b zamanında" in text(clients["mudur"].get(
        "/orderfollowupview/list/?status=bekliyor&psize_OrderFollowUpView=100"))
    # the Müdür's home: overdue orders by unit, linked to the unit's overdue list
    import html as htmlmod

    home = htmlmod.unescape(text(clients["mudur"].get("/")))
    tile = home.split('id="ozk-tile-overdue"')[1].split("</table>")[0]       # the Müdür's overdue-by-unit tile
    assert f"/orderfollowupview/list/?overdue=1&unit={units['Kültür ve Sosyal İşler Müdürlüğü']}" in tile
    # counts on the home equal the filtered list
    from app.registers.mayor.views import overdue_by_unit

    counts = in_db(app, lambda: {uid: n for uid, _name, n, _o in overdue_by_unit()})
    kultur = units["Kültür ve Sosyal İşler Müdürlüğü"]
    listed = text(clients["mudur"].get(f"/orderfollowupview/list/?overdue=1&unit={kultur}&psize_OrderFollowUpView=100"))
    assert listed.count("ozk-overdue") >= counts[kultur]
    import re

    shown = re.search(rf'/orderfollowupview/list/\?overdue=1&unit={kultur}" class="ozk-overdue-link">[^<]*: <strong>(\d+)</strong>',
                      tile)
    assert shown and int(shown.group(1)) == counts[kultur]
    # the clerk's home has no such tile
    assert 'id="ozk-tile-overdue"' not in text(clients["memur"].get("/"))


def test_reminders_queued_once_per_unit_per_day(app, clients, units):
    from app.registers.mayor.reminders import queue_overdue_reminders

    def run(day):
        return in_db(app, lambda: queue_overdue_reminders(day))

    def messages(day):
        return in_db(app, lambda: db.session.query(OutboxMessage).filter(
            OutboxMessage.register == "unit", OutboxMessage.subject.like("Başkanlık talimatı%"),
            OutboxMessage.created_at >= dt.datetime.combine(day, dt.time())).all())

    before = len(messages(TODAY))
    first = run(TODAY)
    assert first["queued"] >= 1
    sent = messages(TODAY)
    assert len(sent) == before + first["queued"]
    # one message per unit, naming every overdue order of that unit
    recipients = [m.recipient for m in sent]
    assert len(recipients) == len(set(recipients))
    fen = [m for m in sent if m.record_id == units["Fen İşleri Müdürlüğü"]]
    assert fen and "Talimat T1 kaldırım onarımı" in fen[0].body and "gün gecikti" in fen[0].body
    # the same day again: nothing new
    second = run(TODAY)
    assert second["queued"] == 0 and second["already"] == first["queued"]
    assert len(messages(TODAY)) == len(sent)
    # rows remember the reminder; the reminder table holds one row per unit and day
    assert in_db(app, lambda: db.session.query(OrderReminder).filter_by(day=TODAY).count()) == first["queued"]
    rows = rows_of(app, "Talimat T1 kaldırım onarımı")
    assert in_db(app, lambda: db.session.get(OrderFollowUp, rows["Fen İşleri Müdürlüğü"][0]).last_reminded_on) == TODAY
    # the next day: reminded again
    tomorrow = TODAY + D(days=1)
    assert run(tomorrow)["queued"] >= first["queued"]
    assert run(tomorrow)["queued"] == 0


def test_order_pdf(app, clients, units):
    order = order_of(app, "Talimat T2 durumlar")
    body = pdf_text(clients["memur"].get(f"/mayororderview/pdf/{order}"))
    flat = " ".join(body.split())
    number = in_db(app, lambda: db.session.get(MayorOrder, order).number)
    for expected in ("BAŞKANLIK TALİMATI", number, "Talimat T2 durumlar", "Birimlere göre takip",
                     "Fen İşleri Müdürlüğü", "Zabıta Müdürlüğü", "Kültür ve Sosyal İşler Müdürlüğü",
                     "Tamamlandı", "Gecikti", "Belediye Başkanı", TODAY.strftime("%d.%m.%Y")):
        assert expected in flat, expected


# --- Makam Onayına Sunulan Evrak ------------------------------------------------------


def test_submissions_waiting_longest_first(app, clients, units):
    memur = clients["memur"]
    for subject, days, result, note in (("Evrak S-yeni", 1, "bekletiliyor", ""), ("Evrak S-eski", 20, "bekletiliyor", ""),
                                        ("Evrak S-imzali", 30, "imzalandi", "")):
        resp = memur.post("/submissionview/add", data={
            "subject": subject, "from_unit": str(units["Fen İşleri Müdürlüğü"]),
            "submitted_on": (TODAY - D(days=days)).isoformat(), "result": result, "result_note": note,
            "returned_on": "", "distributed_to": "", "reference": ""})
        assert resp.status_code == 302, form_errors(resp)
    page = text(memur.get("/submissionview/list/?psize_SubmissionView=100"))
    positions = {s: page.index(s) for s in ("Evrak S-yeni", "Evrak S-eski", "Evrak S-imzali")}
    assert positions["Evrak S-eski"] < positions["Evrak S-yeni"] < positions["Evrak S-imzali"]
    assert "20 gün" in page
    signed = in_db(app, lambda: db.session.query(Submission).filter_by(subject="Evrak S-imzali").one())
    assert signed.returned_on == TODAY                          # filled when the result is in
    # open only
    open_page = text(memur.get("/submissionview/list/?open=1&psize_SubmissionView=100"))
    assert "Evrak S-eski" in open_page and "Evrak S-imzali" not in open_page


# --- Meclis Üyeleri Bilgilendirme -----------------------------------------------------


def test_briefing_members_are_council_members(app, clients):
    memur = clients["memur"]
    council = in_db(app, lambda: [c.id for c in db.session.query(Contact).filter_by(council_member=True)
                                  .order_by(Contact.id)])
    other = in_db(app, lambda: db.session.query(Contact.id).filter_by(name="Ahmet Işık").scalar())
    assert len(council) >= 2
    form = text(memur.get("/councilbriefingview/add"))
    assert f'value="{council[0]}"' in form and f'value="{other}"' not in form   # only council members offered
    data = {"meeting": "Ocak meclisi B1", "date": TODAY.isoformat(), "channel": "telefon",
            "content": "Gündem maddeleri anlatıldı.", "members": [str(council[0]), str(council[1])], "informed_by": ""}
    resp = memur.post("/councilbriefingview/add", data=data)
    assert resp.status_code == 302, form_errors(resp)
    briefing = in_db(app, lambda: (lambda b: (sorted(m.id for m in b.members), b.members_text))(
        db.session.query(CouncilBriefing).filter_by(meeting="Ocak meclisi B1").one()))
    assert briefing[0] == sorted(council[:2]) and briefing[1]
    # a contact that is not a council member is refused, in Turkish
    resp = memur.post("/councilbriefingview/add", data={**data, "meeting": "Ocak meclisi B2",
                                                        "members": [str(other)]})
    assert resp.status_code == 200 and "meclis üyesi" in form_errors(resp).lower()
    resp = memur.post("/councilbriefingview/add", data={**data, "meeting": "Ocak meclisi B3", "members": []})
    assert resp.status_code == 200 and "en az bir" in form_errors(resp).lower()
    assert in_db(app, lambda: db.session.query(CouncilBriefing).filter(
        CouncilBriefing.meeting.in_(["Ocak meclisi B2", "Ocak meclisi B3"])).count()) == 0
    # the directory filters on the flag
    assert "Council member" not in text(memur.get("/contactview/list/"))   # translated
    assert "Meclis üyesi" in text(memur.get(f"/contactview/show/{council[0]}"))


# --- bad input, permissions -------------------------------------------------------------


def test_bad_input_gives_turkish_errors(app, clients, units):
    memur = clients["memur"]
    resp = new_order(memur, "Talimat K1", [], due=TODAY - D(days=20), date=TODAY - D(days=10))
    assert resp.status_code == 200
    errors = form_errors(resp)
    assert "birim" in errors.lower() and "son tarih" in errors.lower(), errors
    resp = memur.post("/mayororderview/add", data={"subject": "Talimat K2", "date": "31.02.2026", "text": "x",
                                                   "units": ["abc"]})
    assert resp.status_code == 200 and resp.status_code != 500
    assert in_db(app, lambda: db.session.query(MayorOrder).filter(
        MayorOrder.subject.in_(["Talimat K1", "Talimat K2"])).count()) == 0
    # answered without an answer
    rows = rows_of(app, "Talimat T1 kaldırım onarımı")
    resp = edit_follow_up(memur, app, rows["Zabıta Müdürlüğü"][0], status=DONE, answer="")
    assert resp.status_code == 200 and "yanıt" in form_errors(resp).lower()
    # returned without a reason, return before submission
    resp = memur.post("/submissionview/add", data={
        "subject": "Evrak K3", "from_unit": str(units["Zabıta Müdürlüğü"]), "submitted_on": TODAY.isoformat(),
        "result": "iade", "result_note": "", "returned_on": (TODAY - D(days=3)).isoformat(), "distributed_to": ""})
    errors = form_errors(resp).lower()
    assert resp.status_code == 200 and "iade" in errors and "sunulma" in errors, errors


def test_registers_are_in_the_menu_and_matrix(app, clients):
    names = {e.name for e in REGISTRY if e.category == "mayor"}
    assert {"MayorOrderView", "OrderFollowUpView", "SubmissionView", "CouncilBriefingView"} <= names
    assert MayorOrder.assignable and Submission.assignable and CouncilBriefing.assignable
    assert not getattr(OrderFollowUp, "assignable", False)
    for view in ("mayororderview", "orderfollowupview", "submissionview", "councilbriefingview"):
        assert clients["memur"].get(f"/{view}/list/").status_code == 200
        assert clients["denetci"].get(f"/{view}/list/").status_code == 200
        assert clients["denetci"].get(f"/{view}/add").status_code in (302, 403)
    # Bilgi İşlem sees no register naming council members (KVKK), but the orders
    assert clients["bilgiislem"].get("/councilbriefingview/list/").status_code in (302, 403)
    assert clients["bilgiislem"].get("/mayororderview/list/").status_code == 200


def test_edit_adds_units_and_a_unit_is_on_an_order_once(app, clients, units):
    memur = clients["memur"]
    new_order(memur, "Talimat T4 birim ekleme", [units["Fen İşleri Müdürlüğü"]], due=TODAY + D(days=3))
    order = order_of(app, "Talimat T4 birim ekleme")
    version = in_db(app, lambda: db.session.get(MayorOrder, order).version)
    edit = text(memur.get(f"/mayororderview/edit/{order}"))
    assert "Birim ekle" in edit and 'checked' not in edit.split('id="units"')[1].split("</ul>")[0]
    resp = memur.post(f"/mayororderview/edit/{order}", data={
        "subject": "Talimat T4 birim ekleme", "date": (TODAY - D(days=10)).isoformat(),
        "due_date": (TODAY + D(days=3)).isoformat(), "text": "Birimler durumu rapor edecek.",
        "issued_by": "Belediye Başkanı", "record_version": str(version),
        "units": [str(units["Fen İşleri Müdürlüğü"]), str(units["Zabıta Müdürlüğü"])]})
    assert resp.status_code == 302, form_errors(resp)
    assert set(rows_of(app, "Talimat T4 birim ekleme")) == {"Fen İşleri Müdürlüğü", "Zabıta Müdürlüğü"}
    # a second row for the same unit is refused in Turkish, not a database error
    resp = memur.post(f"/orderfollowupview/add?_flt_0_order={order}", data={
        "order": str(order), "unit": str(units["Zabıta Müdürlüğü"]), "status": WAITING, "answer": "",
        "answered_on": "", "due_date": ""})
    assert resp.status_code == 200 and "zaten" in form_errors(resp), form_errors(resp)
    assert len(rows_of(app, "Talimat T4 birim ekleme")) == 2


def test_an_archived_row_or_order_is_not_overdue(app, clients, units):
    from app.registers.mayor.views import overdue_by_unit

    new_order(clients["memur"], "Talimat T5 arşiv", [units["Fen İşleri Müdürlüğü"]], date=TODAY - D(days=40),
              due=TODAY - D(days=30))
    before = in_db(app, lambda: dict((u, n) for u, _na, n, _o in overdue_by_unit()))
    order = order_of(app, "Talimat T5 arşiv")

    def archive():
        item = db.session.get(MayorOrder, order)
        item.archived = True
        db.session.commit()
    in_db(app, archive)
    after = in_db(app, lambda: dict((u, n) for u, _na, n, _o in overdue_by_unit()))
    assert after[units["Fen İşleri Müdürlüğü"]] == before[units["Fen İşleri Müdürlüğü"]] - 1
    assert "Talimat T5 arşiv" not in text(clients["mudur"].get(
        "/orderfollowupview/list/?overdue=1&psize_OrderFollowUpView=100"))


# --- a unit's answer recorded on the order's own page ------------------------------
def _version(app, row_id):
    return in_db(app, lambda: db.session.get(OrderFollowUp, row_id).version)


def test_a_units_answer_is_recorded_on_the_orders_page(app, clients, units):
    from app.core.audit import AuditEntry

    subject = "Talimat T9 satırdan yanıt"
    new_order(clients["memur"], subject, [units["Fen İşleri Müdürlüğü"], units["Zabıta Müdürlüğü"]],
              due=TODAY + D(days=5))
    order = order_of(app, subject)
    rows = rows_of(app, subject)
    fen, zabita = rows["Fen İşleri Müdürlüğü"][0], rows["Zabıta Müdürlüğü"][0]
    page = text(clients["memur"].get(f"/mayororderview/show/{order}"))
    table = page.split('id="ozk-order-units"')[1].split("</table>")[0]
    assert f'id="ozk-unit-{fen}"' in table and f'action="/orderfollowupview/answer/{fen}"' in table
    # the clerk writes Fen İşleri's answer in its row and lands back on the order, at the row
    resp = clients["memur"].post(f"/orderfollowupview/answer/{fen}", data={
        "answer": "Kaldırımlar 3 gün içinde onarılacak.", "answered_on": "", "status": ANSWERED,
        "version": str(_version(app, fen))})
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/mayororderview/show/{order}#ozk-unit-{fen}")
    row = in_db(app, lambda: (lambda f: (f.status, f.answer, f.answered_on))(db.session.get(OrderFollowUp, fen)))
    assert row == (ANSWERED, "Kaldırımlar 3 gün içinde onarılacak.", TODAY)
    page = text(clients["memur"].get(f"/mayororderview/show/{order}"))
    assert "Birimin yanıtı kaydedildi: Fen İşleri Müdürlüğü" in page
    fen_row = page.split(f'id="ozk-unit-{fen}"')[1].split("</tr>")[0]
    assert "Yanıtlandı" in fen_row and "Kaldırımlar 3 gün içinde onarılacak." in fen_row
    assert "ozk-answer-form" not in fen_row                        # answered: no form any more
    changes = in_db(app, lambda: [e.action for e in db.session.query(AuditEntry)
                                  .filter_by(register="mayor_order_unit", record_id=fen)])
    assert "update" in changes
    # a stale version (a colleague saved meanwhile) is refused, nothing overwritten, the text kept
    stale = _version(app, zabita)
    edit_follow_up(clients["mudur"], app, zabita, answer="Müdürün notu", status=ANSWERED)
    resp = clients["memur"].post(f"/orderfollowupview/answer/{zabita}", data={
        "answer": "Zabıta denetimi yapıldı.", "answered_on": TODAY.strftime("%d.%m.%Y"), "status": DONE,
        "version": str(stale)}, follow_redirects=True)
    page = text(resp)
    assert "siz bakarken değişti" in page
    assert in_db(app, lambda: db.session.get(OrderFollowUp, zabita).answer) == "Müdürün notu"
    kept = page.split(f'id="ozk-unit-{zabita}"')[1].split("</tr>")[0]
    assert "Zabıta denetimi yapıldı." in kept and "<details class=\"ozk-answer\" open" in kept


@pytest.mark.parametrize("values, message", [
    ({"answer": "  "}, "birimin yanıtını yazın"),
    ({"answered_on": "32.13.2026"}, "gg.aa.yyyy"),
    ({"answered_on": (TODAY + D(days=3)).isoformat()}, "ileri"),
    ({"status": "bekliyor"}, "Yanıtlandı veya Tamamlandı"),
    ({"answer": "<script>alert(1)</script>", "version": "0"}, "siz bakarken"),
])
def test_inline_answer_bad_input_saves_nothing(app, clients, units, values, message):
    subject = f"Talimat T10 hatalı yanıt {abs(hash(message)) % 10000}"
    new_order(clients["memur"], subject, [units["Fen İşleri Müdürlüğü"]], due=TODAY + D(days=5))
    row_id = rows_of(app, subject)["Fen İşleri Müdürlüğü"][0]
    data = {"answer": "Yanıt", "answered_on": "", "status": ANSWERED, "version": str(_version(app, row_id))}
    data.update(values)
    resp = clients["memur"].post(f"/orderfollowupview/answer/{row_id}", data=data, follow_redirects=True)
    flashed = re.findall(r'alert-(?:danger|success)[^>]*>(.*?)</div>', text(resp), re.S)
    assert resp.status_code == 200 and message in text(resp), flashed
    assert "<script>alert(1)</script>" not in resp.data.decode()
    row = in_db(app, lambda: (lambda f: (f.status, f.answer))(db.session.get(OrderFollowUp, row_id)))
    assert row == (WAITING, None)


def test_inline_answer_needs_the_right_to_edit_rows(app, clients, units, login):
    subject = "Talimat T11 yetki"
    new_order(clients["memur"], subject, [units["Fen İşleri Müdürlüğü"]], due=TODAY + D(days=5))
    order, row_id = order_of(app, subject), rows_of(app, subject)["Fen İşleri Müdürlüğü"][0]
    data = {"answer": "Denetçi yazdı", "status": ANSWERED, "version": str(_version(app, row_id))}
    page = text(clients["denetci"].get(f"/mayororderview/show/{order}"))
    assert f'id="ozk-unit-{row_id}"' in page and "ozk-answer-form" not in page
    for who in ("denetci", "bilgiislem"):
        assert clients[who].post(f"/orderfollowupview/answer/{row_id}", data=data).status_code in (302, 403)
    assert app.test_client().post(f"/orderfollowupview/answer/{row_id}", data=data).status_code in (302, 401, 403)
    assert in_db(app, lambda: db.session.get(OrderFollowUp, row_id).answer) is None
    assert clients["memur"].post("/orderfollowupview/answer/999999", data=data).status_code == 404


def test_a_long_refused_answer_is_kept_whole(app, clients, units):
    """The refused answer comes back in the same response (not through the
    session cookie, which a long Turkish text would overflow)."""
    subject = "Talimat T12 uzun yanıt"
    new_order(clients["memur"], subject, [units["Fen İşleri Müdürlüğü"]], due=TODAY + D(days=5))
    row_id = rows_of(app, subject)["Fen İşleri Müdürlüğü"][0]
    long_answer = "Şişli'de ışıklandırma çalışması sürüyor. " * 120          # ~4.900 characters
    resp = clients["memur"].post(f"/orderfollowupview/answer/{row_id}",
                                 data={"answer": long_answer, "status": ANSWERED, "version": "0"})
    assert resp.status_code == 200
    assert "siz bakarken değişti" in text(resp) and long_answer.strip() in text(resp)
    assert len(resp.headers.get("Set-Cookie", "")) < 4000
    assert in_db(app, lambda: db.session.get(OrderFollowUp, row_id).answer) is None
