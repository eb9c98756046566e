"""Issue 16 in a real browser: the clerk submits a record of a register with a
three-step chain (her paraf → the Müdür's paraf → the Başkan's imza); the
Müdür parafs it from his inbox; the Başkan signs it from "İmzamı bekleyenler"
on his home page. Screenshots go to $SCREENSHOT_DIR when set."""
from __future__ import annotations

import datetime as dt

import pytest

from app.core import approval
from app.core.signing import IMZA, PARAF, PREPARER, Step
from app.extensions import db
from app.registers.office.models import Subscription
from tests.test_browser import ARGS, CHROMIUM, browser, live_server, login, page, shot  # noqa: F401

pytestmark = pytest.mark.browser
CHAIN = [Step(PARAF, PREPARER), Step(PARAF, "Müdür"), Step(IMZA, "Başkan")]


def _as(browser, live_server, username):
    context = browser.new_context(locale="tr-TR", viewport={"width": 1366, "height": 900})
    p = context.new_page()
    p.set_default_timeout(15000)
    p.base = live_server
    login(p, username)
    return context, p


def _record(app, pk):
    with app.app_context():
        try:
            return db.session.get(Subscription, pk)
        finally:
            db.session.expunge_all()
            db.session.remove()


def _new_record(app):
    from flask_appbuilder.security.sqla.models import User

    with app.app_context():
        clerk = db.session.query(User).filter_by(username="memur").one()
        item = Subscription(publication=f"Tarih dergisi {dt.datetime.now():%H%M%S%f}", publisher="Kültür",
                            kind="dergi", copies=1, start_date=dt.date.today(),
                            end_date=dt.date(2036, 12, 31), created_by_id=clerk.id)
        db.session.add(item)
        db.session.commit()
        pk = item.id
        db.session.remove()
        return pk


def _axe_clean(p):
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(p, options={"runOnly": {"type": "tag",
                                                "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})
    assert results.response["violations"] == [], [v["id"] for v in results.response["violations"]]


def test_clerk_submits_mudur_parafs_baskan_signs_from_his_home(browser, live_server, app, monkeypatch):
    monkeypatch.setattr(Subscription, "signature_chain", CHAIN, raising=False)
    pk = _new_record(app)
    contexts = []
    try:
        # the clerk submits: her paraf is the first step
        context, clerk = _as(browser, live_server, "memur")
        contexts.append(context)
        clerk.goto(f"{live_server}/subscriptionview/show/{pk}")
        with clerk.expect_navigation():
            clerk.click("#ozk-submit")
        assert clerk.locator("#ozk-step-1").inner_text().find("Atıldı") >= 0
        assert "Bekliyor" in clerk.locator("#ozk-step-2").inner_text()
        shot(clerk, "signing-submitted")
        assert _record(app, pk).state == approval.PENDING

        # the Müdür finds it in his inbox and parafs
        context, mudur = _as(browser, live_server, "mudur")
        contexts.append(context)
        mudur.goto(f"{live_server}/approvals/")
        with mudur.expect_navigation():
            mudur.click(f"a[href='/subscriptionview/show/{pk}']")
        assert mudur.inner_text("#ozk-approve").strip() == "Parafla (Müdür)"
        with mudur.expect_navigation():
            mudur.click("#ozk-approve")
        assert "İsmail Şahin" in mudur.locator("#ozk-step-2").inner_text()
        assert _record(app, pk).state == approval.PENDING

        # the Başkan: "İmzamı bekleyenler" on his home page, opens it and signs
        context, baskan = _as(browser, live_server, "baskan")
        contexts.append(context)
        section = baskan.locator("#ozk-home-signing")
        assert "İmzamı bekleyenler" in section.inner_text()
        shot(baskan, "signing-baskan-home")
        _axe_clean(baskan)                                   # the home section
        with baskan.expect_navigation():
            section.locator(f"a[href='/subscriptionview/show/{pk}']").click()
        assert baskan.inner_text("#ozk-approve").strip() == "İmzala (Belediye Başkanı)"
        shot(baskan, "signing-baskan-show")
        with baskan.expect_navigation():
            baskan.click("#ozk-approve")
        assert "Onaylandı" in baskan.inner_text("#ozk-state")
        assert "Kemal Aydın" in baskan.locator("#ozk-step-3").inner_text()
        shot(baskan, "signing-signed")
        record = _record(app, pk)
        assert record.state == approval.APPROVED and record.decided_as == "Belediye Başkanı"
        _axe_clean(baskan)                                   # the steps table
        # nothing waits for him any more
        baskan.goto(live_server + "/")
        assert baskan.locator(f"#ozk-home-signing a[href='/subscriptionview/show/{pk}']").count() == 0
    finally:
        for context in contexts:
            context.close()
