"""Issue 14 in a real browser: a phone call is logged with the keyboard
alone (type, Tab, Enter: saved, and the next empty line is ready with the
focus in its first field); the call back shows on the assignee's home page and
is marked done there (CSRF on). Screenshots go to $SCREENSHOT_DIR when set."""
from __future__ import annotations

import uuid

import pytest

from tests.test_browser import ARGS, CHROMIUM, browser, live_server, login, page, shot  # noqa: F401

pytestmark = pytest.mark.browser


def _call(app, subject):
    from app.extensions import db
    from app.registers.phone.models import PhoneCall

    with app.app_context():
        try:
            return db.session.query(PhoneCall).filter_by(subject=subject).one_or_none()
        finally:
            db.session.expunge_all()
            db.session.remove()


def test_a_call_logged_with_the_keyboard_alone(page, app):
    tok = uuid.uuid4().hex[:5]
    login(page, "memur")
    page.goto(page.base + "/phonecallview/list/")
    page.click("#ozk-phone-quick")                          # reachable from the list
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.activeElement.id") == "q-time"
    # time stays "now": Tab to the direction, pick "Giden" by typing, on to the caller…
    page.keyboard.press("Tab")
    page.keyboard.type("Gi")
    page.keyboard.press("Tab")
    page.keyboard.type(f"Hasan Çelik {tok}")
    page.keyboard.press("Tab")
    page.keyboard.type("0532 765 43 21")
    page.keyboard.press("Tab")
    page.keyboard.type(f"Düğün davetiyesi {tok}")
    page.keyboard.press("Tab")
    page.keyboard.type("N")                                 # "Not alındı"
    page.keyboard.press("Tab")
    page.keyboard.press("Space")                            # call back needed
    page.keyboard.press("Tab")
    page.keyboard.type("Ay")                                # Ayşe Yılmaz (memur)
    shot(page, "phone-quick-entry-typed")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")
    assert "/phonecallview/quick" in page.url
    assert "Görüşme kaydedildi" in page.content()
    # the next line is ready: empty, the focus in its first field
    assert page.evaluate("document.activeElement.id") == "q-time"
    assert page.input_value("#q-subject") == "" and page.input_value("#q-caller") == ""
    assert page.locator("#ozk-quick-today", has_text=f"Düğün davetiyesi {tok}").count() == 1
    shot(page, "phone-quick-entry-saved")
    call = _call(app, f"Düğün davetiyesi {tok}")
    assert call is not None and call.direction == "giden" and call.outcome == "not_alindi"
    assert call.caller_name == f"Hasan Çelik {tok}" and call.phone == "0532 765 43 21"
    assert call.callback_needed and call.assignee is not None and call.assignee.username == "memur"

    # a second call right away, Enter from the subject field
    page.keyboard.type("")                                  # focus is on the time: Tab on
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.type(f"Ahmet Işık {tok}")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.type(f"Bayram programı {tok}")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert _call(app, f"Bayram programı {tok}") is not None

    # the call back is on the home page and is marked done there (POST with CSRF)
    page.goto(page.base + "/")
    row = page.locator(f"#ozk-callback-{call.id}")
    assert row.count() == 1
    shot(page, "phone-home-callbacks")
    with page.expect_navigation():
        row.locator("button").click()
    assert page.locator(f"#ozk-callback-{call.id}").count() == 0
    assert _call(app, f"Düğün davetiyesi {tok}").callback_done_at is not None
