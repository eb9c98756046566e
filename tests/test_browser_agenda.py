"""The mayor's agenda in a real browser (Playwright + Debian's Chromium): the
Müdür drags an entry to another day in the week view and finds it in the
daily program PDF; a clerk schedules an appointment into a taken slot, reads
the warning naming the other entry and takes the offered free slot.
Screenshots of the day, week and month views go to $SCREENSHOT_DIR when set."""
from __future__ import annotations

import datetime as dt

import pytest

from tests.test_browser import SHOTS, _pdf_text, browser, live_server, login, page, shot, SAVE  # noqa: F401

pytestmark = pytest.mark.browser

MONDAY = dt.date(2030, 5, 6)


def _entry(app, **values):
    from app.extensions import db
    from app.registers.agenda.models import AgendaEntry

    with app.app_context():
        entry = AgendaEntry(**{"kind": "toplanti", "status": "planlandi", "attendee": "Başkan", **values})
        db.session.add(entry)
        db.session.commit()
        pk = entry.id
        db.session.remove()
        return pk


def _get(app, pk=None, **filters):
    from app.extensions import db
    from app.registers.agenda.models import AgendaEntry

    with app.app_context():
        query = db.session.query(AgendaEntry)
        row = db.session.get(AgendaEntry, pk) if pk else query.filter_by(**filters).first()
        values = None if row is None else (row.starts_at, row.ends_at, row.conflict_note)
        db.session.remove()
        return values


def test_director_drags_an_entry_to_another_day_and_prints_the_day(app, page):
    start = dt.datetime.combine(MONDAY, dt.time(10))
    pk = _entry(app, title="Sürüklenecek Kurul Toplantısı", starts_at=start, ends_at=start + dt.timedelta(hours=1),
                place="Meclis Salonu", participants="Kurul üyeleri")
    _entry(app, title="Özel Görüşme Tarayıcı", starts_at=start + dt.timedelta(days=1, hours=4),
           ends_at=start + dt.timedelta(days=1, hours=5), private=True, place="Gizli Yer")
    login(page, "mudur")
    page.goto(page.base + f"/agenda/calendar?view=week&date={MONDAY.isoformat()}")
    box = page.locator(f"#ozk-entry-{pk}")
    assert box.is_visible()
    shot(page, "agenda-week")
    target = page.locator('td.ozk-slot[data-start="2030-05-08T14:00"]')
    box.drag_to(target)
    page.wait_for_selector("#ozk-agenda-message.alert-success")
    assert "taşındı" in page.inner_text("#ozk-agenda-message")
    assert page.locator(f'td.ozk-slot[data-start="2030-05-08T14:00"] #ozk-entry-{pk}').count() == 1
    moved = _get(app, pk)
    assert moved[0] == dt.datetime(2030, 5, 8, 14) and moved[1] == dt.datetime(2030, 5, 8, 15)
    # the day's program PDF has it, at its new time
    page.goto(page.base + "/agenda/calendar?view=day&date=2030-05-08")
    shot(page, "agenda-day")
    url = page.base + "/agenda/program.pdf?view=day&date=2030-05-08"
    text = _pdf_text(page, url)
    if SHOTS:
        with open(f"{SHOTS}/agenda-day.pdf", "wb") as fh:
            fh.write(page.request.get(url).body())
    assert "Sürüklenecek Kurul Toplantısı" in text and "14:00" in text and "Meclis Salonu" in text
    page.goto(page.base + "/agenda/calendar?view=month&date=2030-05-08")
    assert page.locator(f"#ozk-entry-{pk}").is_visible()
    shot(page, "agenda-month")


def test_clerk_click_on_an_empty_slot_opens_the_add_form_at_that_time(app, page):
    login(page, "memur")
    page.goto(page.base + f"/agenda/calendar?view=week&date={MONDAY.isoformat()}")
    page.click('td.ozk-slot[data-start="2030-05-10T16:00"]')
    page.wait_for_url("**/agendaentryview/add?start=*")
    # a date-time field is a date input and a time input
    assert page.input_value("#starts_at") == "10.05.2030" and page.input_value("#starts_at_time") == "16:00"
    assert page.input_value("#ends_at") == "10.05.2030" and page.input_value("#ends_at_time") == "17:00"


def test_clerk_schedules_an_appointment_into_a_taken_slot_and_takes_the_free_slot(app, page):
    day = MONDAY + dt.timedelta(days=7)
    start = dt.datetime.combine(day, dt.time(10))
    _entry(app, title="Dolu Saat Toplantısı", starts_at=start, ends_at=start + dt.timedelta(hours=1))
    login(page, "memur")
    page.goto(page.base + "/appointmentrequestview/add")
    page.fill("#requester_name", "Tarayıcı Vatandaş")
    page.fill("#phone", "0532 000 11 22")
    page.fill("#subject", "Mahalle parkı talebi")
    page.select_option("#decision", "uygun")
    page.fill("#scheduled_start", "13.05.2030")
    page.fill("#scheduled_start_time", "10:15")
    page.fill("#scheduled_end", "13.05.2030")
    page.fill("#scheduled_end_time", "10:45")
    page.keyboard.press("Escape")      # close the date picker
    page.click("h1, h2, .ozk-panel, body >> nth=0", position={"x": 5, "y": 5})
    with page.expect_navigation():
        page.click(SAVE)
    body = page.inner_text("body")
    assert "Dolu Saat Toplantısı" in body and "çakışıyor" in body, body[-3000:]
    options = page.locator("#free_slot option").all_inner_texts()
    assert "08:00–08:30" in options and not any(o.startswith("10:") for o in options)
    shot(page, "agenda-conflict")
    page.select_option("#free_slot", label="11:00–11:30")
    with page.expect_navigation():
        page.click(SAVE)
    page.wait_for_url("**/appointmentrequestview/show/*")
    entry = _get(app, title="Randevu: Mahalle parkı talebi")
    assert entry[0] == dt.datetime(2030, 5, 13, 11) and entry[1] == dt.datetime(2030, 5, 13, 11, 30)
