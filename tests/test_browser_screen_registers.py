"""Issue 18, part 3 in a real browser: Bilgi İşlem defines "Kayıp Eşya"
(lost property) with approval and a few fields on "Ekrandan kayıt
defterleri"; a clerk finds it in the menu at once (no restart) and records
one; the Müdür approves it."""
from __future__ import annotations

import random
import uuid

import pytest

from tests.test_browser import ARGS, CHROMIUM, _pdf_text, browser, live_server, login, logout, page, shot, SAVE, in_db as _db  # noqa: F401

pytestmark = pytest.mark.browser


def test_it_defines_lost_property_a_clerk_records_one_the_mudur_approves(page, app):
    from app.core.screenregisters import ScreenRecord, view_name

    key = "kayip_" + uuid.uuid4().hex[:6]
    base = "/" + view_name(key).lower()
    login(page, "bilgiislem")
    page.goto(page.base + "/screenregisters/add")
    assert "Ekrandan kayıt defteri" in page.content()
    page.fill("#label", "Kayıp Eşya")
    page.fill("#key", key)
    page.select_option("#category", "office")
    page.select_option("#icon", "fa-suitcase")
    page.check("#approval")
    prefix = "".join(random.choice("ABCDEFGHJKLMNPRSTUVYZ") for _ in range(5))
    page.fill("#prefix", prefix)
    page.fill("#fields_text", "*Eşya | metin\nBulunduğu yer\n*Bulunma tarihi | tarih\n"
                              "Durum | seçim | Bekliyor, Teslim edildi")
    shot(page, "screenregister-add")
    page.click(SAVE)
    page.wait_for_load_state("networkidle")
    assert "Kayıp Eşya" in page.content(), page.content()[:3000]
    logout(page)

    login(page, "memur")
    page.goto(page.base + "/")
    assert f"{base}/list/" in page.content()                 # in the clerk's menu, no restart
    page.goto(page.base + f"{base}/add")
    page.fill("#cf_esya", "Siyah deri cüzdan")
    page.fill("#cf_bulundugu_yer", "Belediye girişi")
    page.fill("#cf_bulunma_tarihi", "20.11.2026")
    page.select_option("#cf_durum", "bekliyor")
    shot(page, "screenregister-record-add")
    page.click(SAVE)
    page.wait_for_load_state("networkidle")
    rid = _db(app, lambda db: db.session.query(ScreenRecord.id).filter(ScreenRecord.register_key == key).scalar())
    assert rid is not None, page.content()[:3000]
    html = page.content()
    assert "Siyah deri cüzdan" in html and f"{prefix}-" in html
    page.click("#ozk-submit")
    page.wait_for_load_state("networkidle")
    assert _db(app, lambda db: db.session.get(ScreenRecord, rid).state) == "pending"
    logout(page)

    login(page, "mudur")
    page.goto(page.base + f"{base}/show/{rid}")
    page.click("#ozk-approve")
    page.wait_for_load_state("networkidle")
    assert _db(app, lambda db: db.session.get(ScreenRecord, rid).state) == "approved"
    shot(page, "screenregister-approved")
    href = page.get_attribute("#ozk-pdf", "href")
    text = _pdf_text(page, page.base + href)
    assert "Siyah deri cüzdan" in text and "KAYIP EŞYA" in text
