"""Gelen ve Giden Evrak in a real browser: the clerk registers an incoming
letter (it is "Kayıtlı", not a draft, and cannot be submitted), writes the
reply from it ("Cevap yaz": outgoing, citing it, to its sender), submits the
reply (her paraf); the Müdür parafs, the Başkan signs; the incoming letter
then reads "Cevaplandı" and the reply's official PDF carries the signer.
Screenshots go to $SCREENSHOT_DIR when set."""
from __future__ import annotations

import datetime as dt
import uuid

import pytest

from tests.test_browser import ARGS, CHROMIUM, browser, live_server, login, logout, page, shot, _pdf_text, SAVE  # noqa: F401

pytestmark = pytest.mark.browser


def _letter(app, **filters):
    from app.extensions import db
    from app.registers.correspondence.models import Letter

    with app.app_context():
        try:
            item = db.session.query(Letter).filter_by(**filters).order_by(Letter.id.desc()).first()
            return None if item is None else {"id": item.id, "state": item.state, "direction": item.direction,
                                              "number": item.number, "answered_by_id": item.answered_by_id,
                                              "cited": [c.id for c in item.cited]}
        finally:
            db.session.remove()


def test_incoming_letter_answered_signed_and_printed(page, app):
    tok = uuid.uuid4().hex[:5]
    subject = f"Muhtarlar toplantısı hakkında {tok}"
    today = dt.date.today()
    login(page, "memur")
    page.goto(page.base + "/letterview/add?direction=gelen")
    page.select_option("#direction", "gelen")
    page.fill("#letter_date", today.strftime("%d.%m.%Y"))
    page.fill("#file_plan_code", "010.06")
    page.click("#contact + .select2-container")
    page.keyboard.type("valiligi")                          # ASCII keyboard finds "Valiliği"
    page.locator(".select2-results__option", has_text="Bursa Valiliği").first.click()
    page.fill("#subject", subject)
    page.fill("#sender_number", "E-12345678-010.06-777")
    shot(page, "letters-incoming-add")
    page.click(SAVE)
    page.wait_for_load_state("networkidle")
    assert "/letterview/show/" in page.url, page.locator(".has-error, .alert-danger, .alert-warning").all_inner_texts()
    incoming = _letter(app, subject=subject, direction="gelen")
    assert incoming["state"] == "registered" and incoming["number"].startswith("E-")
    assert page.locator("#ozk-state").inner_text().strip() == "Kayıtlı"
    assert page.locator("#ozk-submit").count() == 0                   # an incoming letter is not signed
    shot(page, "letters-incoming-show")

    # "Cevap yaz": an outgoing letter citing it, to the same sender, same subject
    page.click("#ozk-reply")
    page.wait_for_load_state("networkidle")
    assert page.locator("#direction").input_value() == "giden"
    assert page.locator("#subject").input_value() == subject
    page.fill("#body", "İlgi yazınız incelenmiş olup toplantıya Özel Kalem Müdürü katılacaktır.\nBilgilerinize arz ederim.")
    page.click(SAVE)
    page.wait_for_load_state("networkidle")
    assert "/letterview/show/" in page.url, page.locator(".has-error, .alert-danger, .alert-warning").all_inner_texts()
    reply = _letter(app, subject=subject, direction="giden")
    assert reply["cited"] == [incoming["id"]] and reply["state"] == "draft"
    page.click("#ozk-submit")
    page.wait_for_load_state("networkidle")
    assert _letter(app, id=reply["id"])["state"] == "pending"
    logout(page)

    # the Müdür parafs, the Başkan signs
    login(page, "mudur")
    page.goto(page.base + f"/letterview/show/{reply['id']}")
    assert "Parafla" in page.locator("#ozk-approve").inner_text()
    shot(page, "letters-reply-mudur")
    page.click("#ozk-approve")
    page.wait_for_load_state("networkidle")
    logout(page)
    login(page, "baskan")
    page.goto(page.base + "/")
    assert subject in page.content()                                  # "İmzamı bekleyenler"
    page.goto(page.base + f"/letterview/show/{reply['id']}")
    assert "İmzala" in page.locator("#ozk-approve").inner_text()
    page.click("#ozk-approve")
    page.wait_for_load_state("networkidle")
    assert _letter(app, id=reply["id"])["state"] == "approved"
    logout(page)

    # the clerk: the incoming letter is answered by the reply; the reply prints signed
    login(page, "memur")
    assert _letter(app, id=incoming["id"])["answered_by_id"] == reply["id"]
    page.goto(page.base + f"/letterview/show/{incoming['id']}")
    assert "Cevaplandı" in page.content()
    shot(page, "letters-incoming-answered")
    text = _pdf_text(page, page.base + f"/letterview/pdf/{reply['id']}")
    assert "Kemal AYDIN" in text, text          # the signer, surname in capitals as the rules write it
    assert "E-12345678-010.06-777 sayılı yazınız" in text      # the incoming letter cited in İlgi
    assert "Belediye Başkanı" in text and subject in text
    assert "TASLAK" not in text
