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
        pytest.skip(f"{reason} (skipped only because CI is not true)")
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


# the form's own save button (not the logout or the bell's forms)
SAVE = ".container form[method=post] button[type=submit]:not(#ozk-logout):not(.ozk-bell-item)"


def in_db(app, fn):
    """``fn(db)`` in an app context of its own (the session removed afterwards)."""
    from app.extensions import db

    with app.app_context():
        try:
            return fn(db)
        finally:
            db.session.remove()


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
    page.click(".container form[method=post] button[type=submit]:not(#ozk-logout):not(.ozk-bell-item)")
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


def _show_url_after_save(page, view, text):
    page.goto(page.base + f"/{view}/list/?q=" + text)
    page.click(f"a[href*='/{view}/show/']")
    page.wait_for_load_state("networkidle")
    return page.url


def _pdf_text(page, url):
    import io

    from pypdf import PdfReader

    resp = page.request.get(url)
    assert resp.headers["content-type"].startswith("application/pdf")
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(resp.body())).pages)


def test_funeral_wreath_found_by_typing_isik_submitted_approved_printed(page, browser):
    login(page, "memur")
    page.goto(page.base + "/wreathorderview/add")
    page.select_option("#occasion", "cenaze")
    page.select_option("#kind", "celenk")
    page.click("#s2id_recipient, span.select2-selection, .select2-container")
    page.keyboard.type("işık")
    option = page.locator(".select2-results__option", has_text="Hüseyin İŞIK")
    option.first.click()
    page.fill("#delivery_address", "Merkez Camii, Gemlik")
    page.fill("#message", "Merhum Hüseyin İŞIK'a Allah'tan rahmet, ailesine başsağlığı dileriz.\nBelediye Başkanı")
    page.fill("#supplier", "Çiçekçi Gülşen")
    page.fill("#cost", "1850.00")
    shot(page, "wreath-add-filled")
    page.click(".container form[method=post] button[type=submit]:not(#ozk-logout):not(.ozk-bell-item)")
    page.wait_for_load_state("networkidle")
    show_url = _show_url_after_save(page, "wreathorderview", "rahmet işık")
    page.click("#ozk-submit")
    page.wait_for_load_state("networkidle")
    assert "Onay Bekliyor" in page.inner_text("#ozk-state")
    logout(page)

    login(page, "mudur")
    page.goto(show_url)
    page.click("#ozk-approve")
    page.wait_for_load_state("networkidle")
    assert "Onaylandı" in page.inner_text("#ozk-state")
    logout(page)

    login(page, "memur")
    page.goto(show_url)
    shot(page, "wreath-approved")
    href = page.get_attribute("#ozk-pdf", "href")
    text = _pdf_text(page, page.base + href)
    assert "Hüseyin İŞIK" in text and "başsağlığı" in text
    assert "Müdür" in text and "İsmail Şahin" in text and "TASLAK" not in text


def _one(app, model, **filters):
    from app.extensions import db

    with app.app_context():
        row = db.session.query(model).filter_by(**filters).order_by(model.id).first()
        result = row.id if row else None
        db.session.remove()
    return result


def test_director_approves_duty_slip_and_clerk_prints_it(page, app):
    from app.registers.office.models import DutySlip

    import datetime as dt

    from app.extensions import appbuilder, db

    with app.app_context():  # a pending slip of its own (the demo's stays for other tests)
        demo = db.session.query(DutySlip).order_by(DutySlip.id).first()
        memur = appbuilder.sm.find_user(username="memur")
        start = dt.datetime(2031, 3, 4, 9, 0)
        slip = DutySlip(driver_id=demo.driver_id, vehicle_id=demo.vehicle_id, slip_date=start.date(),
                        departure_at=start, return_at=start + dt.timedelta(hours=5),
                        route="Bursa Valiliği", purpose="Koordinasyon toplantısı", odometer_out=1000,
                        odometer_in=1090, state="pending", submitted_at=start,
                        created_by_id=memur.id, submitted_by_id=memur.id)
        db.session.add(slip)
        db.session.commit()
        slip_id = slip.id
        db.session.remove()
    login(page, "mudur")
    page.goto(page.base + "/approvals/")
    shot(page, "inbox")
    page.goto(page.base + f"/dutyslipview/show/{slip_id}")
    page.click("#ozk-approve")
    page.wait_for_load_state("networkidle")
    assert "Onaylandı" in page.inner_text("#ozk-state")
    logout(page)
    login(page, "memur")
    page.goto(page.base + f"/dutyslipview/show/{slip_id}")
    text = _pdf_text(page, page.base + page.get_attribute("#ozk-pdf", "href"))
    with app.app_context():
        from app.extensions import db

        slip = db.session.get(DutySlip, slip_id)
        plate, driver, number = slip.vehicle.plate, slip.driver.name, slip.number
        db.session.remove()
    assert "ŞOFÖR GÖREV KÂĞIDI" in text and plate in text and driver in text and number in text
    assert "Doğrulama kodu" in text and "TASLAK" not in text
    with app.app_context():  # leave the demo data as other tests expect it
        db.session.delete(db.session.get(DutySlip, slip_id))
        db.session.commit()
        db.session.remove()


def test_handover_approved_moves_custody_to_successor(page, app):
    from app.extensions import db
    from app.registers.office.models import CustodyItem, Handover

    with app.app_context():
        handover = (db.session.query(Handover).filter(Handover.state.in_(["draft", "pending"]),
                                                      Handover.archived.is_(False)).first())
        hid, successor = handover.id, handover.successor.name
        items = [line.custody_item_id for line in handover.lines if line.custody_item_id]
        for line in handover.lines:
            line.status = "teslim_edildi"
        db.session.commit()
        db.session.remove()
    assert items
    login(page, "memur")
    page.goto(page.base + f"/handoverview/show/{hid}")
    if page.locator("#ozk-submit").count():
        page.click("#ozk-submit")
        page.wait_for_load_state("networkidle")
    logout(page)
    login(page, "mudur")
    page.goto(page.base + f"/handoverview/show/{hid}")
    page.click("#ozk-approve")
    page.wait_for_load_state("networkidle")
    assert "Onaylandı" in page.inner_text("#ozk-state")
    page.goto(page.base + f"/custodyitemview/show/{items[0]}")
    assert successor in page.content()
    with app.app_context():
        assert all(db.session.get(CustodyItem, i).holder.name == successor for i in items)
        db.session.remove()


def test_clerk_submits_withdraws_resubmits_and_director_approves(page, app):
    """Issue 11/13: a submitted record is locked; the clerk withdraws it to
    Taslak, edits, submits again; the Müdür approves what was submitted.
    Screenshots: the show page as Taslak, Onay Bekliyor, Onaylandı and the
    clerk's home with "Onaya gönderdiklerim"."""
    import datetime as dt

    from app.extensions import db
    from app.registers.office.models import Subscription

    today = dt.date.today()
    login(page, "memur")
    page.goto(page.base + "/subscriptionview/add")
    page.fill("#publication", "Tarih Dergisi (tarayıcı)")
    page.fill("#publisher", "Kent Yayınları")
    page.select_option("#kind", "dergi")
    page.fill("#copies", "1")
    page.fill("#start_date", today.isoformat())
    page.fill("#end_date", "2034-06-30")  # far ahead: other tests' rows stay on the list's first page
    page.fill("#cost", "450")
    page.click(".container form[method=post] button[type=submit]:not(#ozk-logout):not(.ozk-bell-item)")
    page.wait_for_load_state("networkidle")
    with app.app_context():
        pk = db.session.query(Subscription.id).filter_by(publication="Tarih Dergisi (tarayıcı)").scalar()
        db.session.remove()
    assert pk
    page.goto(page.base + f"/subscriptionview/show/{pk}")
    assert "Taslak" in page.inner_text("#ozk-state")
    shot(page, "approval-show-taslak")
    page.click("#ozk-submit")
    page.wait_for_load_state("networkidle")
    assert "Onay Bekliyor" in page.inner_text("#ozk-state")
    assert page.locator("#ozk-withdraw").count() == 1 and page.locator("#ozk-submit").count() == 0
    shot(page, "approval-show-onay-bekliyor")
    # the list offers no edit pencil for it now
    page.goto(page.base + "/subscriptionview/list/?q=tarih dergisi")
    assert page.locator(f"a[href*='/subscriptionview/edit/{pk}']").count() == 0
    page.goto(page.base + "/")
    assert "Onaya gönderdiklerim" in page.inner_text("#ozk-my-submissions")
    assert "Tarih Dergisi (tarayıcı)" in page.inner_text("#ozk-my-submissions")
    shot(page, "approval-clerk-home")

    page.goto(page.base + f"/subscriptionview/show/{pk}")
    page.click("#ozk-withdraw")
    page.wait_for_load_state("networkidle")
    assert "Taslak" in page.inner_text("#ozk-state")
    assert "geri çekildi" in page.content()
    page.goto(page.base + f"/subscriptionview/edit/{pk}")
    page.fill("#copies", "2")
    page.click(".container form[method=post] button[type=submit]:not(#ozk-logout):not(.ozk-bell-item)")
    page.wait_for_load_state("networkidle")
    page.goto(page.base + f"/subscriptionview/show/{pk}")
    page.click("#ozk-submit")
    page.wait_for_load_state("networkidle")
    assert "Onay Bekliyor" in page.inner_text("#ozk-state")
    logout(page)

    login(page, "mudur")
    page.goto(page.base + f"/subscriptionview/show/{pk}")
    page.click("#ozk-approve")
    page.wait_for_load_state("networkidle")
    assert "Onaylandı" in page.inner_text("#ozk-state")
    shot(page, "approval-show-onaylandi")
    with app.app_context():
        sub = db.session.get(Subscription, pk)
        assert sub.state == "approved" and sub.copies == 2 and sub.decided_as == "Müdür"
        db.session.remove()
