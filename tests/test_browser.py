"""Screens in a real browser: Playwright for Python driving Debian's Chromium
(/usr/bin/chromium; never a downloaded browser). Skipped only without CI=true."""
from __future__ import annotations

import os
import threading

import pytest

from tests.conftest import CI, PASSWORD

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
SHOTS = os.environ.get("SCREENSHOT_DIR")

pytestmark = pytest.mark.browser


def _missing():
    try:
        import playwright  # noqa: F401
    except ImportError:
        return "playwright is not installed"
    if not os.path.exists(CHROMIUM):
        return f"{CHROMIUM} is missing (apt-get install chromium)"
    return None


@pytest.fixture(scope="module")
def live_server(app):
    reason = _missing()
    if reason:
        if CI:
            pytest.fail(f"CI=true: browser tests must run, but {reason}")
        pytest.skip(reason)
    from werkzeug.serving import make_server

    app.config["WTF_CSRF_ENABLED"] = True  # the browser goes through CSRF like a user
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    app.config["WTF_CSRF_ENABLED"] = False


@pytest.fixture(scope="module")
def browser(live_server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="tr-TR", viewport={"width": 1366, "height": 900})
    p = context.new_page()
    p.set_default_timeout(15000)
    p.base = live_server
    yield p
    context.close()


def shot(page, name):
    if SHOTS:
        os.makedirs(SHOTS, exist_ok=True)
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def login(page, username, password=PASSWORD):
    page.goto(page.base + "/login/")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("input[type=submit]")
    page.wait_for_load_state("networkidle")


def logout(page):
    page.click("#ozk-user-menu")
    page.click("#ozk-logout")
    page.wait_for_load_state("networkidle")


MENUS = {
    "memur": (["Tanımlar", "Protokol ve Temsil", "İdari İşler"], ["Güvenlik", "Ayarlar", "Denetim"]),
    "mudur": (["Protokol ve Temsil", "İdari İşler", "Onaylar", "Denetim", "Ayarlar"], ["Güvenlik"]),
    "bilgiislem": (["Güvenlik", "Ayarlar", "Denetim"], ["Onaylar"]),
    "denetci": (["Protokol ve Temsil", "Denetim"], ["Güvenlik", "Ayarlar", "Onaylar"]),
    "admin": (["Güvenlik", "Protokol ve Temsil", "Ayarlar"], []),
}


@pytest.mark.parametrize("username", list(MENUS))
def test_each_role_logs_in_sees_its_turkish_menu_and_logs_out(page, username):
    page.goto(page.base + "/login/")
    assert "Deneme kurulumu" in page.content()
    shot(page, "login")
    login(page, username)
    nav = page.inner_text(".navbar")
    present, absent = MENUS[username]
    for label in present:
        assert label in nav, f"{username} should see {label}: {nav}"
    for label in absent:
        assert label not in nav, f"{username} should not see {label}"
    assert "Hoş geldiniz" in page.content()
    shot(page, f"home-{username}")
    logout(page)
    assert "Giriş" in page.inner_text(".navbar")
    page.goto(page.base + "/contactview/list/")
    assert "/login" in page.url


def test_bilgiislem_creates_a_clerk_who_can_log_in(page):
    login(page, "bilgiislem")
    page.goto(page.base + "/users/add")
    page.fill("#first_name", "Şennur")
    page.fill("#last_name", "Işıkoğlu")
    page.fill("#username", "sennur")
    page.fill("#email", "sennur@ornek.bel.tr")
    page.evaluate("""() => { const s = document.querySelector('#roles');
        for (const o of s.options) { o.selected = (o.text === 'Memur'); }
        s.dispatchEvent(new Event('change')); }""")
    page.fill("#password", "Gemlik.Ozel2026!")
    page.fill("#conf_password", "Gemlik.Ozel2026!")
    page.click(".container form[method=post] button[type=submit]:not(#ozk-logout)")
    page.wait_for_load_state("networkidle")
    page.goto(page.base + "/users/list/?_flt_0_username=sennur")
    assert "sennur" in page.content(), page.content()[-2000:]
    logout(page)
    login(page, "sennur", "Gemlik.Ozel2026!")
    nav = page.inner_text(".navbar")
    assert "Protokol ve Temsil" in nav and "Güvenlik" not in nav


def test_settings_page(page):
    login(page, "bilgiislem")
    page.goto(page.base + "/settings/")
    assert page.locator("#municipality").count() == 1
    shot(page, "settings")
