"""Başkanlık Talimatları in a real browser: the clerk records an order to two
units, records one unit's answer; the Müdür sees the other unit overdue on his
home page and opens that unit's overdue list. Screenshots go to
$SCREENSHOT_DIR when set."""
from __future__ import annotations

import datetime as dt
import uuid

import pytest

from tests.test_browser import ARGS, CHROMIUM, browser, live_server, login, logout, page, shot, SAVE  # noqa: F401

pytestmark = pytest.mark.browser


def _rows(app, subject):
    from app.extensions import db
    from app.registers.mayor.models import MayorOrder

    with app.app_context():
        try:
            order = db.session.query(MayorOrder).filter_by(subject=subject).one()
            return {str(f.unit): (f.id, f.unit_id, f.state) for f in order.follow_ups}
        finally:
            db.session.remove()


def test_clerk_records_an_order_to_two_units_and_the_director_sees_the_overdue_one(page, app):
    tok = uuid.uuid4().hex[:5]
    subject = f"Sokak aydınlatmalarının kontrolü {tok}"
    today = dt.date.today()
    login(page, "memur")
    page.goto(page.base + "/mayororderview/add")
    page.fill("#subject", subject)
    page.fill("#date", (today - dt.timedelta(days=10)).strftime("%d.%m.%Y"))
    page.fill("#due_date", (today - dt.timedelta(days=3)).strftime("%d.%m.%Y"))
    page.fill("#text", "Arızalı sokak lambalarının tespit edilip onarılması ve sonucun bildirilmesi.")
    page.get_by_label("Zabıta Müdürlüğü", exact=True).check()
    page.get_by_label("Mali Hizmetler Müdürlüğü", exact=True).check()
    shot(page, "mayor-order-add")
    page.click(SAVE)
    page.wait_for_load_state("networkidle")
    assert "/mayororderview/show/" in page.url, page.content()[-3000:]
    content = page.content()
    assert "BT-" in content and "Zabıta Müdürlüğü" in content and "Mali Hizmetler Müdürlüğü" in content
    rows = _rows(app, subject)
    assert set(rows) == {"Zabıta Müdürlüğü", "Mali Hizmetler Müdürlüğü"}
    order_url = page.url

    # Zabıta answers: the clerk records it in the unit's row, on the order's own page
    row_id = rows["Zabıta Müdürlüğü"][0]
    page.click(f"#ozk-answer-open-{row_id}")
    page.fill(f"#ozk-answer-{row_id}", "Arızalı 12 lamba değiştirildi.")
    page.select_option(f"#ozk-answer-status-{row_id}", "yanitlandi")
    page.click(f"#ozk-answer-save-{row_id}")
    page.wait_for_load_state("networkidle")
    assert page.url.split("?")[0].split("#")[0] == order_url.split("?")[0].split("#")[0], page.content()[-3000:]
    assert "Birimin yanıtı kaydedildi: Zabıta Müdürlüğü" in page.content()
    assert "Arızalı 12 lamba değiştirildi." in page.locator(f"#ozk-unit-{row_id}").inner_text()
    shot(page, "mayor-order-show")
    rows = _rows(app, subject)
    assert rows["Zabıta Müdürlüğü"][2] == "yanitlandi" and rows["Mali Hizmetler Müdürlüğü"][2] == "gecikti"
    logout(page)

    # the Müdür: overdue orders by unit on the home page, the unit's list behind it
    login(page, "mudur")
    section = page.locator("#ozk-tile-overdue")
    assert section.count() == 1
    mali_id = rows["Mali Hizmetler Müdürlüğü"][1]
    zabita_id = rows["Zabıta Müdürlüğü"][1]
    link = section.locator(f'a.ozk-overdue-link[href="/orderfollowupview/list/?overdue=1&unit={mali_id}"]')
    assert link.count() == 1
    shot(page, "mayor-home-director")
    link.click()
    page.wait_for_load_state("networkidle")
    assert "overdue=1" in page.url and f"unit={mali_id}" in page.url
    listing = page.content()
    assert subject in listing and "Gecikti" in listing and "Mali Hizmetler Müdürlüğü" in listing
    shot(page, "mayor-overdue-list")
    # Zabıta's overdue list does not carry this order (it answered)
    page.goto(page.base + f"/orderfollowupview/list/?overdue=1&unit={zabita_id}")
    assert subject not in page.content()
