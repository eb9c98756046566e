"""Gelen ve Giden Evrak (issue 16): the official sayı and its yearly sequence,
security levels hiding letters from the roles outside the settings (list,
search, filters, show, history, export, PDF, lookup, audit log), ilgi links
and the reply pre-filled from the incoming letter, templates, the official
letter PDF block by block, and who may do what — on SQLite and PostgreSQL."""
from __future__ import annotations

import datetime as dt
import html as htmllib
import io
import re

import pytest
from pypdf import PdfReader

from app.core.audit import AuditEntry
from app.extensions import db
from app.registers.correspondence.models import Letter, LetterTemplate
from app.registers.reference.models import Contact
from app.settings.models import save_settings

TODAY = dt.date.today()
DETSIS = "12345678"


def text(resp) -> str:
    return htmllib.unescape(resp.data.decode())


def errors(resp) -> str:
    found = re.findall(r'class="[^"]*(?:alert|help-block|text-danger|error)[^"]*"[^>]*>(.*?)</', text(resp), re.S)
    return " | ".join(" ".join(f.split()) for f in found if f.strip()) or text(resp)[-1500:]


def pdf_text(data: bytes) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture(scope="module")
def setup(app):
    with app.app_context():
        save_settings({"detsis": DETSIS, "letters_prefix": "E", "letters_kep": "ornekbelediye@hs01.kep.tr",
                       "letters_info_contact": "Ayşe YILMAZ, Memur, 0224 000 00 00",
                       "address": "Cumhuriyet Mah. Atatürk Cad. No: 1", "phone": "0224 000 00 00",
                       "email": "ozelkalem@ornek.bel.tr", "letters_secure_roles": "Müdür, Admin"})
        sender = Contact(kind="kurum", name="Test Valiliği")
        db.session.add(sender)
        db.session.commit()
        ids = {"sender": sender.id}
        db.session.remove()
    return ids


def add_letter(client, **values):
    data = {"direction": "gelen", "letter_date": TODAY.isoformat(), "kind": "external",
            "file_plan_code": "010.06", "subject": "Test yazısı", "security": "normal", "urgency": "normal"}
    data.update(values)
    return client.post("/letterview/add", data=data)


def last_letter(app):
    with app.app_context():
        item = db.session.query(Letter).order_by(Letter.id.desc()).first()
        data = {"id": item.id, "number": item.number, "version": item.version, "state": item.state,
                "answered_by_id": item.answered_by_id, "cited": [c.id for c in item.cited],
                "body": item.body, "subject": item.subject, "due_date": item.due_date}
        db.session.remove()
    return data


def get(app, pk):
    with app.app_context():
        item = db.session.get(Letter, pk)
        data = {"id": item.id, "number": item.number, "version": item.version, "state": item.state,
                "answered_by_id": item.answered_by_id, "cited": [c.id for c in item.cited]}
        db.session.remove()
    return data


def incoming(app, client, setup, **values) -> dict:
    resp = add_letter(client, contact=str(setup["sender"]), sender_number="E-99999999-010.06-55",
                      sender_date=(TODAY - dt.timedelta(days=2)).isoformat(), **values)
    assert resp.status_code == 302, errors(resp)
    return last_letter(app)


def approve(app, clients, pk):
    """Through the letter's signature chain: the clerk submits (her paraf), the
    Müdür parafs (internal: signs), the Başkan signs an external letter."""
    assert clients["memur"].post(f"/letterview/submit/{pk}").status_code == 302
    for signer in ("mudur", "baskan"):
        if get(app, pk)["state"] != "pending":
            break
        resp = clients[signer].post(f"/letterview/approve/{pk}", data={"version": str(get(app, pk)["version"])},
                                    follow_redirects=True)
    assert get(app, pk)["state"] == "approved", errors(resp)


# -- sayı ---------------------------------------------------------------------------

def test_sayi_official_form_and_sequence(app, clients, setup):
    first = incoming(app, clients["memur"], setup, subject="Sayı denemesi bir")
    second = incoming(app, clients["memur"], setup, subject="Sayı denemesi iki", file_plan_code="045.02")
    m1 = re.fullmatch(rf"E-{DETSIS}-010\.06-(\d+)", first["number"])
    m2 = re.fullmatch(rf"E-{DETSIS}-045\.02-(\d+)", second["number"])
    assert m1 and m2, (first["number"], second["number"])
    assert int(m2.group(1)) == int(m1.group(1)) + 1     # one sequence for the register


def test_sayi_sequence_restarts_each_year(app, clients, setup):
    last_year = TODAY.replace(year=TODAY.year - 1, day=min(TODAY.day, 28))
    created = incoming(app, clients["memur"], setup, subject="Geçen yılın yazısı", letter_date=last_year.isoformat())
    assert created["number"] == f"E-{DETSIS}-010.06-1"
    again = incoming(app, clients["memur"], setup, subject="Geçen yılın ikinci yazısı",
                     letter_date=last_year.isoformat())
    assert again["number"] == f"E-{DETSIS}-010.06-2"
    this_year = incoming(app, clients["memur"], setup, subject="Bu yılın yazısı")
    assert int(this_year["number"].rsplit("-", 1)[1]) > 2   # this year's counter went on (demo letters too)


def test_bad_input_gives_turkish_errors(app, clients, setup):
    resp = add_letter(clients["memur"], contact=str(setup["sender"]), file_plan_code="abc")
    assert resp.status_code == 200 and "Dosya planı kodunu 010.06 biçiminde girin." in text(resp)
    resp = add_letter(clients["memur"], contact=str(setup["sender"]), urgency="gunlu")
    assert resp.status_code == 200 and "Günlü yazı için cevap tarihini girin." in text(resp)
    resp = add_letter(clients["memur"], direction="giden", addressee="VALİLİĞE")
    assert resp.status_code == 200 and "Yazının metnini yazın veya bir şablon seçin." in text(resp)
    resp = add_letter(clients["memur"], subject="Gönderensiz")
    assert resp.status_code == 200 and "Yazıyı gönderen kişi veya kurumu seçin." in text(resp)
    resp = add_letter(clients["memur"], contact=str(setup["sender"]), cited=["999999"])
    assert resp.status_code == 200 and "Seçilen ilgi yazılarından biri bulunamadı." in text(resp)


# -- security levels ------------------------------------------------------------

@pytest.fixture(scope="module")
def secret(app, clients, setup):
    resp = add_letter(clients["mudur"], contact=str(setup["sender"]), subject="Zümrütgizli istihbarat notu",
                      security="gizli", sender_number="E-1-2-3")
    assert resp.status_code == 302, errors(resp)
    return last_letter(app)


def test_secured_letter_hidden_from_clerk(app, clients, secret):
    memur, mudur = clients["memur"], clients["mudur"]
    pk = secret["id"]
    assert "Zümrütgizli" in text(mudur.get("/letterview/list/?q=zümrütgizli"))
    assert "Zümrütgizli" in text(mudur.get(f"/letterview/show/{pk}"))
    # the clerk: no list row, no search hit, no filter hit, no show/history/PDF/edit, no export row, no lookup
    assert "Zümrütgizli" not in text(memur.get("/letterview/list/"))
    assert "Zümrütgizli" not in text(memur.get("/letterview/list/?q=zümrütgizli"))
    assert "Zümrütgizli" not in text(memur.get("/letterview/list/?_flt_0_security=gizli"))
    assert "Zümrütgizli" not in text(memur.get("/letterview/list/?_flt_2_subject=zümrüt"))
    for url in (f"/letterview/show/{pk}", f"/letterview/pdf/{pk}", f"/letterview/edit/{pk}",
                f"/letterview/attachment/{pk}/1"):
        assert memur.get(url).status_code == 404, url
    assert memur.post(f"/letterview/submit/{pk}").status_code == 404
    assert clients["denetci"].get(f"/letterview/history/{pk}").status_code == 404
    assert mudur.get(f"/letterview/history/{pk}").status_code == 200
    csv = memur.get("/letterview/export.csv")
    assert csv.status_code == 200 and "Zümrütgizli" not in csv.data.decode("utf-8-sig")
    assert "Zümrütgizli" in mudur.get("/letterview/export.csv").data.decode("utf-8-sig")
    assert pk not in [r["id"] for r in memur.get("/letterview/lookup?q=zümrüt").get_json()["results"]]
    assert pk in [r["id"] for r in mudur.get("/letterview/lookup?q=zümrüt").get_json()["results"]]
    # the ilgi choices of the add form do not offer it
    assert "Zümrütgizli" not in text(memur.get("/letterview/add"))
    # it cannot be cited by posting its id
    resp = add_letter(memur, direction="giden", addressee="VALİLİĞE", body="x", cited=[str(pk)])
    assert resp.status_code == 200 and "Seçilen ilgi yazılarından biri bulunamadı." in text(resp)
    # the reply pre-fill refuses it
    assert "Zümrütgizli" not in text(memur.get(f"/letterview/add?reply_to={pk}"))
    # the auditor is not in the settings' roles either
    assert clients["denetci"].get(f"/letterview/show/{pk}").status_code == 404


def test_secured_letter_never_in_audit_log(app, clients, secret):
    with app.app_context():
        entries = db.session.query(AuditEntry).filter_by(register="letter", record_id=secret["id"]).all()
        assert entries
        for e in entries:
            assert "Zümrütgizli" not in (e.summary or "") and "Zümrütgizli" not in str(e.changes or "")
        db.session.remove()
    log = text(clients["mudur"].get("/auditlogview/list/?q=zümrütgizli"))
    assert "Zümrütgizli" not in log


def test_settings_name_the_roles(app, clients, secret):
    with app.app_context():
        save_settings({"letters_secure_roles": "Müdür, Admin, Memur"})
        db.session.commit()
    try:
        assert clients["memur"].get(f"/letterview/show/{secret['id']}").status_code == 200
    finally:
        with app.app_context():
            save_settings({"letters_secure_roles": "Müdür, Admin"})
            db.session.commit()
    assert clients["memur"].get(f"/letterview/show/{secret['id']}").status_code == 404


def _overdue_letters_on_the_directors_tile(client) -> int:
    home = text(client.get("/"))
    if 'id="ozk-tile-overdue"' not in home:
        return 0
    tile = home.split('id="ozk-tile-overdue"')[1].split("</table>")[0]
    links = re.findall(r'<a href="([^"]+)" class="ozk-overdue-link">[^<]*: <strong>(\d+)</strong>', tile)
    return sum(int(n) for url, n in links if "letterview" in url)


def test_overdue_tile_follows_the_secure_roles_setting(app, clients, secret):
    """The tile's statement is kept per day, role set and settings (app/notify/tiles.py):
    a change of the roles that see secured letters changes the Müdür's count at once."""
    from sqlalchemy import update

    with app.app_context():
        db.session.execute(update(Letter).where(Letter.id == secret["id"]).values(
            direction="gelen", answered_by_id=None, due_date=TODAY - dt.timedelta(days=5)))
        db.session.commit()
    mudur = clients["mudur"]
    seen = _overdue_letters_on_the_directors_tile(mudur)
    assert seen >= 1
    with app.app_context():
        save_settings({"letters_secure_roles": "Admin"})
        db.session.commit()
    try:
        assert _overdue_letters_on_the_directors_tile(mudur) == seen - 1
    finally:
        with app.app_context():
            save_settings({"letters_secure_roles": "Müdür, Admin"})
            db.session.commit()
    assert _overdue_letters_on_the_directors_tile(mudur) == seen


# -- ilgi and replies ----------------------------------------------------------------

def test_reply_prefilled_from_incoming_letter(app, clients, setup):
    inc = incoming(app, clients["memur"], setup, subject="Bayram tebrik programı")
    page = text(clients["memur"].get(f"/letterview/show/{inc['id']}"))
    assert f"/letterview/add?reply_to={inc['id']}" in page
    form = text(clients["memur"].get(f"/letterview/add?reply_to={inc['id']}"))
    assert re.search(r'<option[^>]*selected[^>]*value="giden"|<option[^>]*value="giden"[^>]*selected', form)
    assert re.search(rf'<option[^>]*selected[^>]*value="{inc["id"]}"|<option[^>]*value="{inc["id"]}"[^>]*selected',
                     form), "the incoming letter is not pre-selected in İlgi"
    assert 'value="Bayram tebrik programı"' in form
    assert "Test Valiliği" in form     # recipient = the sender


def test_reply_answers_the_incoming_letter(app, clients, setup):
    inc = incoming(app, clients["memur"], setup, subject="Kermes alanı talebi")
    # the Müdür gives the incoming letter to the clerk (İşlerim) with a due date
    from app.core.assignment import Assignment
    from tests.test_approval_integrity import user_id

    due = (TODAY + dt.timedelta(days=3)).strftime("%d.%m.%Y")
    resp = clients["mudur"].post(f"/islerim/ata/LetterView/{inc['id']}",
                                 data={"user_id": str(user_id(app, "memur")), "due_date": due})
    assert resp.status_code == 302
    assert inc["number"] in text(clients["memur"].get("/islerim/"))
    resp = add_letter(clients["memur"], direction="giden", contact=str(setup["sender"]), subject="Kermes alanı talebi",
                      addressee="TEST VALİLİĞİNE", cited=[str(inc["id"])], body="Uygun görülmüştür.\n\nArz ederim.")
    assert resp.status_code == 302, errors(resp)
    reply = last_letter(app)
    assert reply["cited"] == [inc["id"]]
    show = text(clients["memur"].get(f"/letterview/show/{inc['id']}"))
    assert reply["number"] in show                      # "replies citing this letter"
    assert get(app, inc["id"])["answered_by_id"] is None
    approve(app, clients, reply["id"])
    assert get(app, inc["id"])["answered_by_id"] == reply["id"]
    assert f"/letterview/show/{inc['id']}\"" not in text(clients["memur"].get("/letterview/list/?open=1"))
    # answered: the assignment is closed with it
    with app.app_context():
        row = db.session.query(Assignment).filter_by(register="letter", record_id=inc["id"]).one()
        assert row.done_at is not None
        db.session.remove()


def test_overdue_incoming_highlighted(app, clients, setup):
    old = (TODAY - dt.timedelta(days=30)).isoformat()
    inc = incoming(app, clients["memur"], setup, subject="Gecikmiş cevap yazısı", letter_date=old)
    assert inc["due_date"] < TODAY
    page = text(clients["memur"].get("/letterview/list/?overdue=1"))
    assert "Gecikmiş cevap yazısı" in page and "ozk-overdue" in page
    assert "Gecikmiş cevap yazısı" in text(clients["memur"].get("/"))   # home: waiting for an answer


def test_incoming_letter_is_not_submitted(app, clients, setup):
    inc = incoming(app, clients["memur"], setup, subject="Onaya gitmeyen gelen yazı")
    assert inc["state"] == "registered"
    page = text(clients["memur"].get(f"/letterview/show/{inc['id']}"))
    assert 'id="ozk-state">Kayıtlı<' in page and "Taslak" not in page
    assert 'id="ozk-submit"' not in page
    resp = clients["memur"].post(f"/letterview/submit/{inc['id']}", follow_redirects=True)
    assert "Gelen evrak onaya gönderilmez" in text(resp)
    assert get(app, inc["id"])["state"] == "registered"
    # the list's status column says Kayıtlı, and the clerk's home lists no such "draft"
    listing = text(clients["memur"].get("/letterview/list/?_flt_0_subject=Onaya+gitmeyen"))
    row = listing.split(f"/letterview/show/{inc['id']}")[1].split("</tr>")[0]
    assert "Kayıtlı" in row and "Taslak" not in row
    assert f"/letterview/show/{inc['id']}" not in text(clients["memur"].get("/"))
    # turned into an outgoing letter it becomes a draft to be signed
    with app.app_context():
        letter = db.session.get(Letter, inc["id"])
        letter.direction = "giden"
        db.session.commit()
        assert letter.state == "draft"
        letter.direction = "gelen"
        db.session.commit()
        assert letter.state == "registered"
        db.session.remove()


def test_template_fills_the_text(app, clients, setup):
    with app.app_context():
        tpl = LetterTemplate(name="Test şablonu", subject="Davet hk.", body="Sayın {muhatap}, {ilgi} ile ilgili.")
        db.session.add(tpl)
        db.session.commit()
        tid = tpl.id
        db.session.remove()
    resp = add_letter(clients["memur"], direction="giden", addressee="İLÇE KAYMAKAMLIĞINA", subject="",
                      template=str(tid), reference_text="01.11.2026 tarihli ve 77 sayılı yazınız")
    assert resp.status_code == 200   # konu is required on the form
    resp = add_letter(clients["memur"], direction="giden", addressee="İLÇE KAYMAKAMLIĞINA", subject="Davet",
                      template=str(tid), reference_text="01.11.2026 tarihli ve 77 sayılı yazınız")
    assert resp.status_code == 302, errors(resp)
    body = last_letter(app)["body"]
    assert body == "Sayın İLÇE KAYMAKAMLIĞINA, 01.11.2026 tarihli ve 77 sayılı yazınız ile ilgili."
    resp = clients["memur"].post("/lettertemplateview/add", data={"name": "Kötü", "subject": "x", "body": "{yok}"})
    assert resp.status_code == 200 and "Bilinmeyen yer tutucu" in text(resp)


# -- the official letter PDF ----------------------------------------------------------

def _full_letter(app, clients, setup, security="normal"):
    a = incoming(app, clients["memur"], setup, subject="Birinci ilgi")
    b = incoming(app, clients["memur"], setup, subject="İkinci ilgi")
    resp = add_letter(clients["mudur"] if security != "normal" else clients["memur"], direction="giden",
                      contact=str(setup["sender"]), subject="Cumhuriyet Bayramı resepsiyonu",
                      addressee="TEST VALİLİĞİNE\nBURSA", cited=[str(a["id"]), str(b["id"])],
                      body="Başkanlığımızca düzenlenecek resepsiyona katılımınızı rica ederim.\n\nArz ederim.",
                      distribution_action="Test Valiliği\nİlçe Kaymakamlığı", distribution_info="Zabıta Müdürlüğü",
                      urgency="ivedi", security=security)
    assert resp.status_code == 302, errors(resp)
    letter = last_letter(app)
    from app.core.attachments import Attachment

    with app.app_context():
        db.session.add(Attachment(register="letter", record_id=letter["id"], filename="Davetiye.pdf",
                                  stored_name=f"x{letter['id']}", mime="application/pdf", size=10))
        db.session.commit()
        db.session.remove()
    return letter, a, b


def test_letter_pdf_blocks(app, clients, setup, tmp_path):
    letter, a, b = _full_letter(app, clients, setup)
    resp = clients["memur"].get(f"/letterview/pdf/{letter['id']}")
    assert resp.status_code == 200 and resp.mimetype == "application/pdf"
    draft = pdf_text(resp.data)
    assert "TASLAK" in draft and "Doğrulama kodu" not in draft
    # the Başkan has delegated his signature on letters to the Müdür (yetki devri: "a.")
    from tests.test_signing import grant

    from tests.test_signing import end_grant

    delegation = grant(app, "mudur", "Başkan", "a.", registers="letter")
    assert clients["memur"].post(f"/letterview/submit/{letter['id']}").status_code == 302
    try:
        for _step in ("paraf", "imza"):      # the Müdür parafs, then signs for the Başkan
            clients["mudur"].post(f"/letterview/approve/{letter['id']}",
                                  data={"version": str(get(app, letter["id"])["version"])})
    finally:
        end_grant(app, delegation)
    assert get(app, letter["id"])["state"] == "approved"
    resp = clients["memur"].get(f"/letterview/pdf/{letter['id']}")
    body = pdf_text(resp.data)
    flat = " ".join(body.split())
    assert "TASLAK" not in body
    for expected in ("T.C.", "Özel Kalem Müdürlüğü", f"Sayı : {letter['number']}", TODAY.strftime("%d.%m.%Y"),
                     "Konu : Cumhuriyet Bayramı resepsiyonu", "TEST VALİLİĞİNE", "BURSA", "İlgi :",
                     "a) ", "b) ", "E-99999999-010.06-55 sayılı yazınız", "resepsiyona katılımınızı rica ederim",
                     "İsmail ŞAHİN", "Belediye Başkanı a.", "Özel Kalem Müdürü", "Ek:", "1- Davetiye.pdf", "Dağıtım:", "Gereği:",
                     "İlçe Kaymakamlığı", "Bilgi:", "Zabıta Müdürlüğü", "Paraf:", "Hazırlayan", "KEP Adresi: ornekbelediye@hs01.kep.tr",
                     "Bilgi için: Ayşe YILMAZ", "Cumhuriyet Mah. Atatürk Cad.", "Doğrulama kodu", "İVEDİ", "Sayfa 1 / 1"):
        assert expected in flat, expected
    assert flat.index("T.C.") < flat.index("Sayı") < flat.index("Konu") < flat.index("TEST VALİLİĞİNE") \
        < flat.index("İlgi") < flat.index("resepsiyona") < flat.index("Belediye Başkanı a.") < flat.index("Ek:") \
        < flat.index("Dağıtım") < flat.index("Paraf")
    assert "GİZLİ" not in flat and "HİZMETE ÖZEL" not in flat
    # set in the Times-metric serif the rules ask for, embedded (the other PDFs keep Roboto)
    fonts = set()
    for page_ in PdfReader(io.BytesIO(resp.data)).pages:
        for font in (page_["/Resources"].get("/Font") or {}).values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    assert any("LiberationSerif" in f and "Bold" not in f for f in fonts), fonts
    assert any("LiberationSerif-Bold" in f for f in fonts), fonts
    import os

    (tmp_path / "letter.pdf").write_bytes(resp.data)
    if os.environ.get("LETTER_PDF_OUT"):     # to render and look at it
        with open(os.environ["LETTER_PDF_OUT"], "wb") as out:
            out.write(resp.data)


def test_secured_letter_pdf_marks_top_and_bottom(app, clients, setup):
    letter, _, _ = _full_letter(app, clients, setup, security="hizmete_ozel")
    resp = clients["mudur"].get(f"/letterview/pdf/{letter['id']}")
    assert resp.status_code == 200
    flat = " ".join(pdf_text(resp.data).split())
    assert flat.count("HİZMETE ÖZEL") >= 2
    import os

    if os.environ.get("LETTER_PDF_OUT"):
        with open(os.environ["LETTER_PDF_OUT"] + ".secured.pdf", "wb") as out:
            out.write(resp.data)
    assert clients["memur"].get(f"/letterview/pdf/{letter['id']}").status_code == 404


def test_internal_letter_signed_by_director(app, clients, setup):
    resp = add_letter(clients["memur"], direction="giden", kind="internal", addressee="FEN İŞLERİ MÜDÜRLÜĞÜNE",
                      subject="Sahne kurulumu", body="Sahne kurulmasını rica ederim.")
    assert resp.status_code == 302, errors(resp)
    letter = last_letter(app)
    approve(app, clients, letter["id"])
    flat = " ".join(pdf_text(clients["memur"].get(f"/letterview/pdf/{letter['id']}").data).split())
    assert "Belediye Başkanı a." not in flat and "Özel Kalem Müdürü" in flat
    with app.app_context():
        item = db.session.get(Letter, letter["id"])
        assert [s.kind for s in item.signature_chain[item.chain_key()]] == ["paraf", "imza"]
        assert item.signature_block()["delegation"] == ""
        # the preparer parafs; the Müdür signs (the signer does not paraf as well)
        assert [r["title"] for r in item.paraf_rows()] == ["Hazırlayan"]
        assert item.signature_block()["name"] == "İsmail ŞAHİN"
        assert item.signature_block()["title"] == "Özel Kalem Müdürü"
        db.session.remove()


# -- who may do what ------------------------------------------------------------------

def test_permissions(app, clients, secret):
    assert clients["bilgiislem"].get("/letterview/list/").status_code in (302, 403)
    assert clients["denetci"].get("/letterview/list/").status_code == 200
    assert clients["denetci"].post("/letterview/add", data={}).status_code in (302, 403)
    assert clients["memur"].get("/letter-settings/").status_code in (302, 403)
    assert clients["mudur"].get("/letter-settings/").status_code == 200
    assert clients["bilgiislem"].get("/letter-settings/").status_code == 200
    resp = clients["mudur"].post("/letter-settings/", data={
        "letters_prefix": "e1", "letters_secure_roles": "Müdür", "letters_answer_days": "10"})
    assert resp.status_code == 200 and "büyük harf" in text(resp)
    resp = clients["mudur"].post("/letter-settings/", data={
        "letters_prefix": "E", "letters_secure_roles": "Müdür, Admin", "letters_answer_days": "12",
        "letters_kep": "ornekbelediye@hs01.kep.tr", "letters_info_contact": "Ayşe YILMAZ, Memur, 0224 000 00 00"})
    assert resp.status_code == 302
    with app.app_context():
        from app.registers.correspondence.models import settings

        assert settings()["letters_answer_days"] == "12"
        save_settings({"letters_answer_days": "10"})
        db.session.commit()
        db.session.remove()


def test_demo_letters_loaded(app):
    with app.app_context():
        letters = db.session.query(Letter).all()
        assert sum(1 for x in letters if x.direction == "gelen") >= 8
        assert any(x.answered_by_id for x in letters)
        assert any(x.security != "normal" for x in letters)
        # a signed demo reply went through its chain on its own day: the paraf block and the
        # signature block print people, not a bare title
        from app.core import signing

        reply = next(x for x in letters if x.direction == "giden" and x.state == "approved"
                     and x.kind == "external" and x.created_by_id is not None)
        steps = signing.steps(reply)
        assert [s.state for s in steps] == ["signed"] * 3
        assert {s.signed_at.date() for s in steps} == {reply.letter_date}
        assert reply.signature_block()["name"] and [r["title"] for r in reply.paraf_rows()] == ["Hazırlayan", "Müdür"]
        from app.registers.correspondence import demo

        assert demo.load() == 0       # idempotent
        db.session.remove()


def test_clerk_edit_keeps_an_ilgi_they_cannot_see(app, clients, setup, secret):
    resp = add_letter(clients["mudur"], direction="giden", addressee="TEST VALİLİĞİNE", subject="Gizliye cevap",
                      body="Metin.", cited=[str(secret["id"])])
    assert resp.status_code == 302, errors(resp)
    reply = last_letter(app)
    page = text(clients["memur"].get(f"/letterview/show/{reply['id']}"))
    assert "Zümrütgizli" not in page and secret["number"] not in page
    resp = clients["memur"].post(f"/letterview/edit/{reply['id']}", data={
        "direction": "giden", "letter_date": TODAY.isoformat(), "kind": "external", "file_plan_code": "010.06",
        "subject": "Gizliye cevap (düzeltildi)", "security": "normal", "urgency": "normal",
        "addressee": "TEST VALİLİĞİNE", "body": "Metin.", "record_version": str(reply["version"])})
    assert resp.status_code == 302, errors(resp)
    assert get(app, reply["id"])["cited"] == [secret["id"]]
