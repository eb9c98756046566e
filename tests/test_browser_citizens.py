"""Issue 15 in a real browser (Playwright + Debian's Chromium): a halk günü
request taken at intake, its receipt printed, routed, resolved, confirmed by
phone and closed by the Müdür; the citizen's status page (no login) shows each
stage. Screenshots (intake, the request page, the overdue list, the status
page) go to $SCREENSHOT_DIR when set."""
from __future__ import annotations

import re
import uuid

import pytest

from tests.test_browser import ARGS, CHROMIUM, _pdf_text, browser, live_server, login, page, shot  # noqa: F401

pytestmark = pytest.mark.browser


def _status(browser, base, number, last4):
    """The citizen's view: a fresh context, no login."""
    context = browser.new_context(locale="tr-TR", viewport={"width": 1100, "height": 800})
    p = context.new_page()
    p.goto(base + "/basvuru/")
    p.fill("#ozk-status-number", number)
    p.fill("#ozk-status-last4", last4)
    p.click("#ozk-status-submit")
    p.wait_for_load_state("networkidle")
    html = p.content()
    stage = p.inner_text("#ozk-status-stage") if p.locator("#ozk-status-stage").count() else ""
    return p, context, html, stage


def _move(page, to, note="", public=False):
    if note:
        page.fill("#ozk-stage-note", note)
    if public:
        page.check("#ozk-stage-public")
    page.click(f"#ozk-to-{to}")
    page.wait_for_load_state("networkidle")


def test_halk_gunu_request_from_intake_to_closing(app, page, browser):
    from app.registers.citizens.public import reset_limits

    reset_limits()
    tok = uuid.uuid4().hex[:5]
    login(page, "memur")
    page.goto(page.base + "/citizenrequestview/add")
    page.select_option("#channel", "halk_gunu")
    page.fill("#citizen_name", f"Şükran Öztürk {tok}")
    page.fill("#citizen_phone", "0542 318 27 64")
    page.fill("#citizen_address", "Hamidiye Mah. Çınar Sok. No 4")
    page.click("#category + .select2-container")
    page.keyboard.type("cop")                                        # ASCII keyboard finds "Çöp"
    page.locator(".select2-results__option", has_text="Çöp ve temizlik").first.click()
    page.fill("#subject", f"Konteyner boşaltılmıyor {tok}")
    page.fill("#description", "Çınar Sokak'taki konteyner iki haftadır boşaltılmadı.")
    page.fill("#neighbourhood", "Hamidiye")
    page.check("#kvkk_notice_given")
    shot(page, "citizens-intake")
    page.click(".container form[method=post] button[type=submit]:not(#ozk-logout):not(.ozk-bell-item)")
    page.wait_for_load_state("networkidle")
    assert "/citizenrequestview/show/" in page.url, page.content()[-3000:]
    number = re.search(r"TS-\d{4}-\d{4}", page.inner_text(".ozk-number")).group(0)
    assert page.inner_text("#ozk-stage") == "Kayıt"

    receipt = _pdf_text(page, page.base + page.locator("#ozk-receipt").get_attribute("href"))
    assert number in receipt and "BAŞVURU ALINDI BELGESİ" in receipt and "/basvuru/" in receipt

    p, ctx, html, stage = _status(browser, page.base, number, "2764")
    assert stage == "Kayıt" and "Şükran" not in html and "0542" not in html
    shot(p, "citizens-status-kayit")
    ctx.close()

    _move(page, "iletildi", "Temizlik İşleri ekibine iletildi.", public=True)
    assert page.inner_text("#ozk-stage") == "Birime iletildi"
    _move(page, "islemde")
    _move(page, "cozuldu", "Konteyner boşaltıldı, bölge yıkandı.", public=True)
    _move(page, "teyit")
    assert page.locator("#ozk-to-kapandi").count() == 0              # the clerk does not close
    page.select_option("#ozk-contact-channel", "telefon")
    page.click("#ozk-confirmed")
    page.wait_for_load_state("networkidle")
    assert "vatandaş teyit etti" in page.inner_text("#ozk-confirmation")
    assert "Başvuruyu Müdür kapatır." in page.inner_text("#ozk-close-who")
    shot(page, "citizens-request-page")
    url = page.url
    p, ctx, html, stage = _status(browser, page.base, number, "2764")
    assert stage == "Vatandaş teyidi" and "Konteyner boşaltıldı, bölge yıkandı." in html
    for seen in ("Kayıt", "Birime iletildi", "İşlemde", "Çözüldü"):
        assert seen in p.inner_text("#ozk-status-history")
    ctx.close()

    page.click("#ozk-user-menu")
    page.click("#ozk-logout")
    page.wait_for_load_state("networkidle")
    login(page, "mudur")
    page.goto(url)
    _move(page, "kapandi", "Vatandaş telefonda teyit etti.", public=True)
    assert page.inner_text("#ozk-stage") == "Kapandı"
    rows = page.locator("#ozk-stage-table .ozk-stage-row").all_inner_texts()
    assert len(rows) == 7 and "İsmail Şahin" in rows[-1]              # 6 stages + the phone confirmation
    p, ctx, html, stage = _status(browser, page.base, number, "2764")
    assert stage == "Kapandı" and "Vatandaş telefonda teyit etti." in html
    shot(p, "citizens-status-closed")
    ctx.close()


def test_overdue_list_in_the_browser(page):
    login(page, "memur")
    page.goto(page.base + "/citizenrequestview/list/")
    page.click("#ozk-overdue-list")
    page.wait_for_load_state("networkidle")
    assert page.locator("#ozk-overdue-title").count() == 1
    assert page.locator(".ozk-overdue").count() > 0                  # demo data has late requests
    shot(page, "citizens-overdue-list")
