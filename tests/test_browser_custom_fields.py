"""Issue 18, part 2 in a real browser: Bilgi İşlem adds a choice field
"Öncelik" to the wreaths on "Özel alanlar", a clerk fills it, filters the
list by it and finds it on the record's PDF."""
from __future__ import annotations

import uuid

import pytest

from tests.test_browser import ARGS, CHROMIUM, _pdf_text, browser, live_server, login, logout, page, shot, SAVE, in_db as _db  # noqa: F401

pytestmark = pytest.mark.browser


def test_it_adds_a_priority_to_wreaths_a_clerk_fills_filters_and_prints_it(page, app):
    from app.core.customfields import CustomField
    from app.registers.protocol.models import WreathOrder

    tok = uuid.uuid4().hex[:5]
    key = f"oncelik_{tok}"
    login(page, "bilgiislem")
    page.goto(page.base + "/customfields/list/")
    assert "Özel alanlar" in page.content()
    page.goto(page.base + "/customfields/add")
    page.select_option("#register", "wreath_order")
    page.fill("#key", key)
    page.fill("#label", "Öncelik")
    page.select_option("#kind", "choice")
    page.fill("#choices_text", "acil = Acil\nnormal = Normal\ndusuk = Düşük")
    for box in ("in_list", "in_form", "in_show", "in_search", "in_filter", "in_export", "in_pdf", "active"):
        page.check(f"#{box}")
    shot(page, "customfield-add")
    page.click(SAVE)
    page.wait_for_load_state("networkidle")
    field_id = _db(app, lambda db: db.session.query(CustomField.id).filter_by(key=key).scalar())
    assert field_id is not None
    try:
        logout(page)

        login(page, "memur")
        page.goto(page.base + "/wreathorderview/add")
        page.select_option("#occasion", "tebrik")
        page.select_option("#kind", "mesaj")
        page.click("#recipient + .select2-container")
        page.keyboard.type("işık")
        page.locator(".select2-results__option", has_text="Hüseyin İŞIK").first.click()
        message = f"Öncelikli tebrik {tok}"
        page.fill("#message", message)
        page.select_option(f"#cf_{key}", "acil")
        shot(page, "customfield-wreath-add")
        page.click(SAVE)
        page.wait_for_load_state("networkidle")
        wid = _db(app, lambda db: db.session.query(WreathOrder.id).filter_by(message=message).scalar())
        assert wid is not None, page.content()[:3000]
        assert "Acil" in page.content()                                  # the record's page
        other = f"Normal tebrik {tok}"

        def make_normal(db):
            w = WreathOrder(occasion="tebrik", kind="mesaj", recipient_id=db.session.get(WreathOrder, wid).recipient_id,
                            message=other, extra={key: "normal"})
            db.session.add(w)
            db.session.commit()
            return w.id

        wid2 = _db(app, make_normal)
        page.goto(page.base + "/wreathorderview/list/")
        page.fill("#ozk-q", tok)
        page.select_option(f"#ozk-cf_{key}", "acil")
        page.click(".ozk-quicksearch button[type=submit]")
        page.wait_for_load_state("networkidle")
        html = page.content()
        shot(page, "customfield-wreath-filtered")
        assert f"/wreathorderview/show/{wid}" in html and f"/wreathorderview/show/{wid2}" not in html
        assert "Öncelik" in html and "Acil" in html                      # the column in the list
        page.goto(page.base + f"/wreathorderview/show/{wid}")
        href = page.get_attribute("#ozk-pdf", "href")
        text = _pdf_text(page, page.base + href)
        assert "Öncelik" in text and "Acil" in text
    finally:
        def off(db):
            db.session.get(CustomField, field_id).active = False
            db.session.commit()

        _db(app, off)
