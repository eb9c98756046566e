"""Content-Security-Policy in a real browser: the pages load with zero CSP
violations and no script errors (the headers themselves: tests/test_hardening.py)."""
from __future__ import annotations

import pytest

from app.extensions import db
from tests.conftest import PASSWORD
from tests.test_browser import browser, live_server  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser


def test_pages_load_without_csp_violations_in_a_real_browser(app, browser, live_server):  # noqa: F811
    """(live_server/browser: tests/test_browser.py's fixtures; with CI=true a
    missing browser fails the run there.)"""
    with app.app_context():
        from app.registers.protocol.models import Gift

        gift = db.session.query(Gift.id).limit(1).scalar()
        db.session.remove()
    base = live_server
    violations, errors, seen_csp = [], [], []
    context = browser.new_context(locale="tr-TR")
    try:
        context.add_init_script(
            "document.addEventListener('securitypolicyviolation', e => "
            "{(window.__csp = window.__csp || []).push(e.violatedDirective + ' ' + e.blockedURI)});")
        page = context.new_page()
        page.set_default_timeout(15000)
        page.on("console", lambda m: violations.append(m.text)
                if "Content Security Policy" in m.text or "Refused to" in m.text else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("response", lambda r: seen_csp.append(r.headers.get("content-security-policy"))
                if r.url.startswith(base) and r.request.resource_type == "document" else None)

        def visit(url):
            page.goto(base + url)
            page.wait_for_load_state("networkidle")
            violations.extend(page.evaluate("window.__csp || []"))

        visit("/login/")
        page.fill("#username", "memur")
        page.fill("#password", PASSWORD)
        page.click("input[type=submit]")
        page.wait_for_load_state("networkidle")
        visit("/giftview/list/")
        visit("/giftview/add")
        page.click("#s2id_counterpart, span.select2-selection, .select2-container")
        page.keyboard.type("a")
        page.wait_for_selector(".select2-results__option")       # the picker works under CSP
        violations.extend(page.evaluate("window.__csp || []"))
        page.click("input[name=date], #date")                     # the date input
        visit(f"/giftview/show/{gift}")
        visit("/yok-boyle-sayfa")
    finally:
        context.close()
    assert seen_csp and all(seen_csp), "a page was served without a CSP"
    assert violations == [], violations
    assert errors == [], errors
