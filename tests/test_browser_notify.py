"""Issue 17 in a real browser: the clerk submits, the Müdür sees it on his
home and in the bell, rejects it with a reason from the record's page, and
the clerk sees the rejection with the reason on her home and in her bell."""
from __future__ import annotations

import itertools

import pytest

from tests.conftest import PASSWORD
from tests.test_browser import browser, live_server  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser
_seq = itertools.count(1)


def _session(browser, base, username):  # noqa: F811
    context = browser.new_context(locale="tr-TR", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(base + "/login/")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_load_state("networkidle")
    return context, page


def test_submit_bell_reject_and_the_clerk_reads_why(app, browser, live_server, tmp_path):  # noqa: F811
    base = live_server
    name = f"Zil dergisi {next(_seq)}"
    clerk_ctx, clerk = _session(browser, base, "memur")
    boss_ctx, boss = _session(browser, base, "mudur")
    try:
        # the clerk records a subscription and submits it
        clerk.goto(base + "/subscriptionview/add")
        clerk.fill("#publication", name)
        clerk.select_option("#kind", "dergi")
        clerk.fill("#start_date", "01.01.2027")
        clerk.fill("#end_date", "31.12.2027")
        clerk.fill("#cost", "1.250,00")
        clerk.click(".container form[method=post] button[type=submit]:not(#ozk-logout):not(.ozk-bell-item)")
        clerk.wait_for_load_state("networkidle")
        with app.app_context():
            from app.extensions import db
            from app.registers.office.models import Subscription

            pk = db.session.query(Subscription.id).filter_by(publication=name).scalar()
            db.session.remove()
        if not pk:
            clerk.screenshot(path="/tmp/notify-save.png", full_page=True)
        assert pk, "the subscription was not saved"
        record_url = f"{base}/subscriptionview/show/{pk}"
        clerk.goto(record_url)
        clerk.click("#ozk-submit")
        clerk.wait_for_load_state("networkidle")
        assert clerk.locator("#ozk-submit").count() == 0          # submitted: no second submit

        # the Müdür: the home tile and the bell name it
        boss.goto(base + "/")
        tile = boss.locator("#ozk-tile-waiting")
        assert tile.count() == 1
        assert int(boss.locator("#ozk-bell-count").inner_text()) >= 1
        boss.click("#ozk-bell-toggle")
        item = boss.locator(".ozk-bell-item", has_text="kararınızı bekliyor").first
        assert item.is_visible()
        boss.screenshot(path=str(tmp_path / "bell.png"))
        item.click()
        boss.wait_for_load_state("networkidle")
        assert boss.url.split("?")[0] == record_url.split("?")[0]
        # rejects with a reason
        boss.fill("#ozk-reason", "Fiyat teklifini ekleyin")
        boss.click("#ozk-reject")
        boss.locator("#ozk-confirm-yes").click()              # "Reddetmek istiyor musunuz?" → Evet
        boss.wait_for_load_state("networkidle")
        assert boss.locator("#ozk-reject").count() == 0

        # the clerk: her bell and her home say why
        clerk.goto(base + "/")
        assert int(clerk.locator("#ozk-bell-count").inner_text()) >= 1
        home = clerk.locator("#ozk-my-submissions").inner_text()
        assert name in home and "Fiyat teklifini ekleyin" in home
        clerk.click("#ozk-bell-toggle")
        assert clerk.locator(".ozk-bell-item", has_text="Fiyat teklifini ekleyin").first.is_visible()
        clerk.screenshot(path=str(tmp_path / "clerk-home.png"))
    finally:
        clerk_ctx.close()
        boss_ctx.close()
