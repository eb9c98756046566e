"""Work assignment in a real browser: the Müdür opens an action item, assigns
it to the clerk with a due date; the clerk finds it under İşlerim on her home
page and in her bell, opens it and marks it done; it leaves her list."""
from __future__ import annotations

import datetime as dt

import pytest

from tests.test_assignment import new_action
from tests.test_browser import browser, live_server  # noqa: F401  (fixtures)
from tests.test_browser_notify import _session

pytestmark = pytest.mark.browser


def test_the_director_assigns_and_the_clerk_finds_and_finishes_it(app, browser, live_server):  # noqa: F811
    base = live_server
    pk = new_action(app, "Tarayıcıda verilen iş")
    due = (dt.date.today() + dt.timedelta(days=4)).strftime("%d.%m.%Y")
    boss_ctx, boss = _session(browser, base, "mudur")
    clerk_ctx, clerk = _session(browser, base, "memur")
    try:
        boss.goto(f"{base}/actionitemview/show/{pk}")
        boss.select_option("#ozk-assign-user", label="Ayşe Yılmaz")
        boss.fill("#ozk-assign-due", due)
        boss.fill("#ozk-assign-note", "Pazartesiye kadar")
        boss.click("#ozk-assign")
        boss.wait_for_load_state("networkidle")
        assert "Ayşe Yılmaz kişisine verildi" in boss.inner_text("body")
        assert "Ayşe Yılmaz" in boss.inner_text("#ozk-assignments") and due in boss.inner_text("#ozk-assignments")

        clerk.goto(base + "/")
        work = clerk.inner_text("#ozk-home-work")
        assert "Tarayıcıda verilen iş" in work and due in work and "Pazartesiye kadar" in work
        bell = clerk.locator(".ozk-bell-menu .ozk-bell-item", has_text="Tarayıcıda verilen iş")
        assert bell.count() == 1 and "size görev olarak verildi" in bell.text_content()
        clerk.click("#ozk-home-work >> text=Tarayıcıda verilen iş")
        clerk.wait_for_load_state("networkidle")
        assert f"/actionitemview/show/{pk}" in clerk.url
        assert clerk.locator("#ozk-assign-form").count() == 0          # the clerk does not assign
        clerk.locator("#ozk-assignments button:has-text('Tamamlandı olarak işaretle')").first.click()
        clerk.wait_for_load_state("networkidle")
        assert "Tamamlandı olarak işaretlendi" in clerk.inner_text("body")
        clerk.goto(base + "/islerim/")
        assert "Tarayıcıda verilen iş" not in clerk.inner_text("#ozk-my-work")
    finally:
        boss_ctx.close()
        clerk_ctx.close()
