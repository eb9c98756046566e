"""Work assignment (G m6, issues 16/17): the Müdür gives a record to a
person with a due date; it is on that person's home page ("İşlerim", overdue
first) and in the bell, in the record's history, closed by the person or by
the register's own completion; nobody else assigns, closes or sees it.
Reminders (due tomorrow, overdue) are queued once per item and day, and
notifications reach people by e-mail per their preference."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from app.core.assignment import Assignment
from app.core.audit import AuditEntry
from app.extensions import db
from app.notify.models import Notification, NotificationPreference
from app.registers.meetings.models import ActionItem, Meeting
from tests.test_approval_integrity import text, user_id

DAY = dt.timedelta(days=1)


@pytest.fixture(autouse=True)
def _no_other_daily_jobs(monkeypatch):
    """The other daily jobs (the units' overdue-order e-mails) have their own tests:
    a reminders run here would take today's once-per-unit slot from them."""
    from app.notify import reminders

    monkeypatch.setattr(reminders, "DAILY_JOBS", [])


def new_action(app, description, **values):
    with app.app_context():
        meeting = db.session.query(Meeting).order_by(Meeting.id).first()
        unit_id = db.session.query(ActionItem.owner_unit_id).filter(ActionItem.owner_unit_id.isnot(None)).first()
        item = ActionItem(meeting_id=meeting.id, description=description, owner_unit_id=unit_id[0],
                          status="acik", **values)
        db.session.add(item)
        db.session.commit()
        pk = item.id
        db.session.remove()
        return pk


def assign(client, pk, username, app, due="", note=""):
    return client.post(f"/islerim/ata/ActionItemView/{pk}",
                       data={"user_id": str(user_id(app, username)), "due_date": due, "note": note})


def rows_of(app, pk):
    with app.app_context():
        rows = (db.session.query(Assignment).filter_by(register="action_item", record_id=pk)
                .order_by(Assignment.id).all())
        db.session.expunge_all()
        return rows


def test_the_director_assigns_and_the_person_sees_it_on_home_and_in_the_bell(app, clients):
    mudur, memur = clients["mudur"], clients["memur"]
    pk = new_action(app, "Basın bildirisini hazırlamak")
    due = (dt.date.today() + 5 * DAY).strftime("%d.%m.%Y")
    show = text(mudur.get(f"/actionitemview/show/{pk}"))
    assert 'id="ozk-assign-form"' in show and "Görevlendir" in show
    resp = assign(mudur, pk, "memur", app, due=due, note="Cuma gününe kadar")
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/actionitemview/show/{pk}")
    [row] = rows_of(app, pk)
    assert row.assigned_to_id == user_id(app, "memur") and row.due_date.strftime("%d.%m.%Y") == due
    home = text(memur.get("/"))
    assert 'id="ozk-home-work"' in home and "Basın bildirisini hazırlamak" in home and due in home
    mine = text(memur.get("/islerim/"))
    assert "Basın bildirisini hazırlamak" in mine and "Cuma gününe kadar" in mine
    with app.app_context():
        notes = db.session.query(Notification).filter_by(user_id=user_id(app, "memur"), record_id=pk,
                                                         kind="assigned").all()
        assert len(notes) == 1 and "size görev olarak verildi" in notes[0].text and due in notes[0].text
        history = db.session.query(AuditEntry).filter_by(register="action_item", record_id=pk,
                                                         action="assign").one()
        assert "Görevlendirildi" in history.summary and due in history.summary
        db.session.remove()
    # the record's show page names the assignee for everybody who opens it
    assert "Cuma gününe kadar" in text(memur.get(f"/actionitemview/show/{pk}"))
    # the history speaks words
    assert "İş görevlendirildi" in text(mudur.get(f"/actionitemview/history/{pk}"))


def test_only_the_director_assigns(app, clients):
    pk = new_action(app, "Yetki denemesi")
    for who in ("memur", "denetci", "bilgiislem"):
        resp = assign(clients[who], pk, "memur", app)
        assert resp.status_code in (302, 403) and "/login" in resp.headers.get("Location", "/login")
    assert rows_of(app, pk) == []
    # the clerk's show page has no assign form
    assert 'id="ozk-assign-form"' not in text(clients["memur"].get(f"/actionitemview/show/{pk}"))


def test_bad_input_gets_a_turkish_error_and_nothing_is_saved(app, clients):
    mudur = clients["mudur"]
    pk = new_action(app, "Hatalı giriş")
    yesterday = (dt.date.today() - DAY).strftime("%d.%m.%Y")
    for data, message in (({"user_id": "", "due_date": ""}, "kişiyi seçin"),
                          ({"user_id": "99999999", "due_date": ""}, "kişiyi seçin"),
                          ({"user_id": str(user_id(app, "memur")), "due_date": "31.02.2026"}, "gg.aa.yyyy"),
                          ({"user_id": str(user_id(app, "memur")), "due_date": yesterday}, "bugünden önce")):
        resp = mudur.post(f"/islerim/ata/ActionItemView/{pk}", data=data, follow_redirects=True)
        assert resp.status_code == 200 and message in text(resp), data
    assert rows_of(app, pk) == []
    # a register that does not opt in, an unknown view, a record that does not exist
    assert mudur.post("/islerim/ata/ContactView/1", data={"user_id": "1"}).status_code in (302, 404)
    assert mudur.post("/islerim/ata/NoSuchView/1", data={"user_id": "1"}).status_code == 404
    assert mudur.post("/islerim/ata/ActionItemView/99999999", data={"user_id": "1"}).status_code == 404


def test_nobody_gets_work_they_cannot_open(app, clients):
    from app.core.assignment import user_may_open

    pk = new_action(app, "Görme yetkisi")
    with app.app_context():
        from flask_appbuilder.security.sqla.models import User

        auditor = db.session.query(User).filter_by(username="bilgiislem").one()
        may = user_may_open(auditor, "ActionItemView")
        db.session.remove()
    resp = assign(clients["mudur"], pk, "bilgiislem", app)
    assert resp.status_code == 302
    assert (rows_of(app, pk) != []) == may


def test_overdue_first_and_done_by_the_person_or_by_completing_the_record(app, clients):
    mudur, memur = clients["mudur"], clients["memur"]
    late = new_action(app, "Gecikmiş iş")
    soon = new_action(app, "Yakın iş")
    assign(mudur, soon, "memur", app, due=(dt.date.today() + 2 * DAY).strftime("%d.%m.%Y"))
    assign(mudur, late, "memur", app, due=dt.date.today().strftime("%d.%m.%Y"))
    with app.app_context():    # the due date passes
        row = db.session.query(Assignment).filter_by(register="action_item", record_id=late).one()
        row.due_date = dt.date.today() - 2 * DAY
        db.session.commit()
        db.session.remove()
    mine = text(memur.get("/islerim/"))
    assert mine.index("Gecikmiş iş") < mine.index("Yakın iş")
    assert 'class="danger"' in mine
    # another person cannot close it; the assignee can
    [row] = rows_of(app, soon)
    assert clients["denetci"].post(f"/islerim/bitti/{row.id}").status_code in (302, 403, 404)
    assert rows_of(app, soon)[0].done_at is None
    assert memur.post(f"/islerim/bitti/{row.id}").status_code == 302
    assert rows_of(app, soon)[0].done_at is not None
    table = text(memur.get("/islerim/")).split('id="ozk-my-work"')[1].split("</table>")[0]
    assert "Yakın iş" not in table and "Gecikmiş iş" in table
    # completing the action item closes its assignment
    with app.app_context():
        item = db.session.get(ActionItem, late)
        item.status = "tamamlandi"
        item.done_on = dt.date.today()
        db.session.commit()
        db.session.remove()
    assert rows_of(app, late)[0].done_at is not None


def test_the_home_tile_counts_what_the_list_behind_it_shows(app, clients):
    memur = clients["memur"]
    home = text(memur.get("/"))
    with app.app_context():
        open_rows = db.session.query(Assignment).filter_by(assigned_to_id=user_id(app, "memur"),
                                                           done_at=None).count()
        db.session.remove()
    if open_rows:
        tile = re.search(r'id="ozk-home-work".*?<span class="badge">(\d+)\+?</span>', home, re.S)
        assert tile and int(tile.group(1)) == min(open_rows, 10)
        assert len(re.findall(r'class="ozk-work', home)) == min(open_rows, 10)
    mine = text(memur.get("/islerim/"))
    table = mine.split('id="ozk-my-work"')[1].split("</table>")[0]
    assert len(re.findall(r"/islerim/bitti/", table)) == open_rows


def test_reminders_are_queued_once_per_item_and_day(app, clients):
    from app.notify import reminders

    mudur = clients["mudur"]
    tomorrow = dt.date.today() + DAY
    pk = new_action(app, "Yarın biten iş")
    assign(mudur, pk, "memur", app, due=tomorrow.strftime("%d.%m.%Y"))
    runner = app.test_cli_runner()
    first = runner.invoke(args=["ozelkalem", "reminders"])
    assert first.exit_code == 0 and "Hatırlatma:" in first.output, first.output
    second = runner.invoke(args=["ozelkalem", "reminders"])
    assert second.exit_code == 0 and "Hatırlatma: 0," in second.output
    with app.app_context():
        due = (db.session.query(Notification).filter_by(user_id=user_id(app, "memur"), record_id=pk,
                                                        view_name="ActionItemView", kind="due").all())
        assert len(due) == 1 and "yarın son gün" in due[0].text
        # the next day the same item is overdue after its day: a new notice, once
        counts = reminders.run(db.session, tomorrow + 2 * DAY)
        again = reminders.run(db.session, tomorrow + 2 * DAY)
        assert counts["reminders"] >= 1 and again["reminders"] == 0
        overdue = (db.session.query(Notification).filter_by(user_id=user_id(app, "memur"), record_id=pk,
                                                            kind="overdue").all())
        assert len(overdue) == 1 and "gecikti" in overdue[0].text
        # the notices dated on that future day would stay the newest in the bell: remove them
        db.session.query(Notification).filter(
            Notification.created_at >= dt.datetime.combine(tomorrow + DAY, dt.time())).delete()
        db.session.commit()
        db.session.remove()
    bad = runner.invoke(args=["ozelkalem", "reminders", "--date", "yarın"])
    assert bad.exit_code != 0 and "gg.aa.yyyy" in bad.output


def _set_mode(app, username, mode):
    with app.app_context():
        from app.notify.email import set_mode

        set_mode(db.session, user_id(app, username), mode)
        db.session.commit()
        db.session.remove()


def _mails(app, username):
    from app.core.outbox import OutboxMessage
    from flask_appbuilder.security.sqla.models import User

    with app.app_context():
        email = db.session.query(User).filter_by(username=username).one().email
        rows = (db.session.query(OutboxMessage).filter_by(recipient=email)
                .filter(OutboxMessage.register.in_(("notification", "notification_digest")))
                .order_by(OutboxMessage.id).all())
        db.session.expunge_all()
        return rows


def test_email_at_once_through_a_real_smtp_server_queued_while_it_is_down(app, clients):
    from email import message_from_string
    from email.policy import default

    from aiosmtpd.controller import Controller

    from app.core.outbox import send_queued
    from tests.test_citizens import Inbox, free_port, wait_for

    _set_mode(app, "memur", "immediate")
    before = len(_mails(app, "memur"))
    pk = new_action(app, "E-posta işi")
    port = free_port()
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port, SMTP_TIMEOUT=2)
    try:
        assign(clients["mudur"], pk, "memur", app, due=(dt.date.today() + 3 * DAY).strftime("%d.%m.%Y"))
        mails = _mails(app, "memur")[before:]
        assert len(mails) == 1 and mails[0].status == "queued"
        assert mails[0].subject == "Özel Kalem: Size görev verildi"          # no names in the subject
        with app.app_context():                                             # the server is down
            assert send_queued()["sent"] == 0
            db.session.remove()
        assert _mails(app, "memur")[before].status == "queued"
        inbox = Inbox()
        controller = Controller(inbox, hostname="127.0.0.1", port=port)
        controller.start()
        try:
            with app.app_context():
                assert send_queued()["sent"] >= 1
                db.session.remove()
            assert wait_for(lambda: inbox.messages)
            _rcpt, raw = inbox.messages[-1]
            parsed = message_from_string(raw, policy=default)
            assert "size görev olarak verildi" in parsed.get_content()
            assert _mails(app, "memur")[before].status == "sent"
        finally:
            controller.stop()
    finally:
        app.config.update(SMTP_HOST=None, SMTP_PORT=None)


def test_digest_and_none_preferences(app, clients):
    from app.notify import reminders

    mudur, memur = clients["mudur"], clients["memur"]
    # the person sets the preference on their notifications page
    page = text(memur.get("/bildirimler/"))
    assert 'id="ozk-email-pref"' in page
    assert memur.post("/bildirimler/tercih", data={"email_mode": "digest"}).status_code == 302
    assert memur.post("/bildirimler/tercih", data={"email_mode": "hepsi"}, follow_redirects=True).status_code == 200
    with app.app_context():
        assert db.session.get(NotificationPreference, user_id(app, "memur")).email_mode == "digest"
        db.session.remove()
    before = len(_mails(app, "memur"))
    pk = new_action(app, "Özet işi")
    assign(mudur, pk, "memur", app)
    assert len(_mails(app, "memur")) == before          # no mail at once
    with app.app_context():
        pref = db.session.get(NotificationPreference, user_id(app, "memur"))
        pref.digest_sent_on = None
        db.session.commit()
        reminders.run(db.session)
        reminders.run(db.session)                       # once a day
        db.session.remove()
    digests = [m for m in _mails(app, "memur")[before:] if m.register == "notification_digest"]
    assert len(digests) == 1 and "Özet işi" in digests[0].body and "Günlük bildirim özeti" in digests[0].subject
    # none: nothing at all
    _set_mode(app, "memur", "none")
    before = len(_mails(app, "memur"))
    assign(mudur, new_action(app, "Sessiz iş"), "memur", app)
    assert len(_mails(app, "memur")) == before
    _set_mode(app, "memur", "immediate")
    # one person's preference is theirs alone: the form changes only the caller's row
    with app.app_context():
        assert db.session.get(NotificationPreference, user_id(app, "mudur")) is None or \
            db.session.get(NotificationPreference, user_id(app, "mudur")).email_mode != "none"
        db.session.remove()


def test_the_assignee_picker_offers_exactly_who_may_open_the_register_in_one_query(app):
    from sqlalchemy import event

    from app.core.assignment import candidates, user_may_open
    from flask_appbuilder.security.sqla.models import User

    with app.app_context():
        for view in ("ActionItemView", "LetterView", "MayorOrderView"):
            statements = []
            listener = lambda *a: statements.append(a[2])   # noqa: E731
            event.listen(db.engine, "before_cursor_execute", listener)
            try:
                offered = {u.username for u in candidates(view)}
            finally:
                event.remove(db.engine, "before_cursor_execute", listener)
            assert len(statements) == 1, statements
            expected = {u.username for u in db.session.query(User).filter(User.active.is_(True))
                        if user_may_open(u, view)}
            assert offered == expected and "mudur" in offered, view
            from app.core.registry import REGISTRY

            if next(e for e in REGISTRY if e.name == view).personal_data:
                assert "bilgiislem" not in offered      # KVKK: IT opens no register naming people
        db.session.remove()


def test_demo_assignments_name_their_record_once(app):
    """"BT-2026-0001 BT-2026-0001 Kış hazırlıkları" was what İşlerim read."""
    import re

    from app.core.assignment import Assignment

    with app.app_context():
        rows = db.session.query(Assignment).all()
        assert rows
        for row in rows:
            for number in re.findall(r"\b[A-Z]{1,3}-\d{4}-\d{4}\b", row.reference):
                assert row.reference.count(number) == 1, row.reference
        db.session.remove()
