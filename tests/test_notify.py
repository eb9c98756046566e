"""Issue 17: notifications (the bell) and the home page's tiles per role, on
SQLite and PostgreSQL.

- a submission notifies the deciders, a decision notifies who prepared and
  submitted the record; nobody is told of their own act; a refused decision
  leaves no notification;
- the bell shows the unread count; opening a notification marks it read and
  goes to the record; nobody opens another person's notification;
- each tile's count equals the list behind its link.
"""
from __future__ import annotations

import datetime as dt
import os
import re

from app.extensions import db
from app.notify.models import Notification
from app.registers.office.models import Subscription
from tests.test_approval_integrity import new_subscription, seen, text, user_id


def notes_of(app, username, record_id=None, view_name="SubscriptionView"):
    with app.app_context():
        query = db.session.query(Notification).filter_by(user_id=user_id(app, username))
        if record_id is not None:   # a record id is per register: the view names which
            query = query.filter_by(record_id=record_id, view_name=view_name)
        rows = query.order_by(Notification.id).all()
        db.session.expunge_all()
        return rows


def bell_count(client):
    match = re.search(r'id="ozk-bell-count">(\d+)<', text(client.get("/")))
    return int(match.group(1)) if match else 0


def test_submit_notifies_the_decider_and_the_decision_notifies_the_clerk(app, clients):
    memur, mudur = clients["memur"], clients["mudur"]
    pk, name = new_subscription(app, memur, "Bildirim")
    before = bell_count(mudur)
    memur.post(f"/subscriptionview/submit/{pk}")
    to_director = notes_of(app, "mudur", pk)
    assert [n.kind for n in to_director] == ["submitted"]
    assert "Abonelikler" in to_director[0].text and "kararınızı bekliyor" in to_director[0].text
    assert bell_count(mudur) == before + 1
    assert notes_of(app, "memur", pk) == []            # not told of their own act
    mudur.post(f"/subscriptionview/reject/{pk}", data={"reason": "Fiyat teyit edilsin", **seen(app, Subscription, pk)})
    to_clerk = notes_of(app, "memur", pk)
    assert [n.kind for n in to_clerk] == ["rejected"]
    assert "reddedildi" in to_clerk[0].text and "Fiyat teyit edilsin" in to_clerk[0].text
    assert [n.kind for n in notes_of(app, "mudur", pk)] == ["submitted"]   # the Müdür acted himself
    memur.post(f"/subscriptionview/submit/{pk}")
    mudur.post(f"/subscriptionview/approve/{pk}", data=seen(app, Subscription, pk))
    assert [n.kind for n in notes_of(app, "memur", pk)] == ["rejected", "approved"]


def test_a_refused_decision_leaves_no_notification(app, clients):
    memur, mudur = clients["memur"], clients["mudur"]
    pk, _ = new_subscription(app, memur, "Bayat")
    memur.post(f"/subscriptionview/submit/{pk}")
    resp = mudur.post(f"/subscriptionview/approve/{pk}", data={"version": "999"})   # stale version: refused
    assert resp.status_code == 302
    with app.app_context():
        assert db.session.get(Subscription, pk).state == "pending"
    assert notes_of(app, "memur", pk) == []


def test_opening_marks_read_and_goes_to_the_record_and_is_private(app, clients):
    memur, mudur = clients["memur"], clients["mudur"]
    pk, _ = new_subscription(app, memur, "Açılış")
    memur.post(f"/subscriptionview/submit/{pk}")
    note = notes_of(app, "mudur", pk)[0]
    # the bell lists it; another person cannot open it
    assert f"/bildirimler/open/{note.id}" in text(mudur.get("/"))
    assert clients["denetci"].post(f"/bildirimler/open/{note.id}").status_code == 404
    assert memur.post(f"/bildirimler/open/{note.id}").status_code == 404
    assert mudur.get(f"/bildirimler/open/{note.id}").status_code == 405    # opening changes state: POST only
    resp = mudur.post(f"/bildirimler/open/{note.id}")
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/subscriptionview/show/{pk}")
    assert notes_of(app, "mudur", pk)[0].read_at is not None
    assert f"/bildirimler/open/{note.id}" not in text(mudur.get("/"))    # no longer in the bell
    page = text(mudur.get("/bildirimler/"))
    assert "Bildirimlerim" in page and note.text in page


def test_mark_all_read_touches_only_my_own(app, clients):
    memur, mudur = clients["memur"], clients["mudur"]
    pk, _ = new_subscription(app, memur, "Toplu")
    memur.post(f"/subscriptionview/submit/{pk}")
    mudur.post(f"/subscriptionview/reject/{pk}", data={"reason": "Eksik", **seen(app, Subscription, pk)})
    assert any(n.read_at is None for n in notes_of(app, "memur"))
    resp = mudur.post("/bildirimler/read-all")
    assert resp.status_code == 302
    assert all(n.read_at is not None for n in notes_of(app, "mudur"))
    assert any(n.read_at is None for n in notes_of(app, "memur"))
    assert bell_count(mudur) == 0


def _count(html, element_id):
    return int(re.search(rf'id="{element_id}">(\d+)<', html).group(1))


def test_director_tiles_match_the_lists_behind_them(app, clients):
    mudur, memur = clients["mudur"], clients["memur"]
    home = text(mudur.get("/"))
    assert 'id="ozk-director-tiles"' in home
    # waiting for my decision == the inbox's rows of the one-step registers (a letter waiting for
    # his paraf on its signature chain is under "İmzamı bekleyenler" on his home page)
    from app.core.registry import REGISTRY
    from app.core.signing import declares_chain

    chained = {e.name for e in REGISTRY if declares_chain(e.model)}
    inbox = text(mudur.get("/approvals/"))
    one_step = [v for v in re.findall(r'name="record" value="([^:"]+):', inbox) if v not in chained]
    assert _count(home, "ozk-waiting-count") == len(one_step)
    # subscriptions ending within 30 days == the subscription list with ?ending=30
    with app.app_context():
        today = dt.date.today()
        expected = (db.session.query(Subscription)
                    .filter(Subscription.archived.is_(False), Subscription.end_date >= today,
                            Subscription.end_date <= today + dt.timedelta(days=30),
                            Subscription.state.notin_(("rejected", "cancelled"))).count())
    assert _count(home, "ozk-ending-count") == expected
    listing = text(mudur.get("/subscriptionview/list/?ending=30&psize_SubscriptionView=100"))
    assert len(set(re.findall(r"/subscriptionview/show/(\d+)", listing))) == expected
    # the clerk and the auditor get no director tiles
    assert 'id="ozk-director-tiles"' not in text(memur.get("/"))
    assert 'id="ozk-director-tiles"' not in text(clients["denetci"].get("/"))


def test_it_tiles_match_the_security_events_list(app, clients, login):
    import pytest

    it = clients["bilgiislem"]
    with pytest.raises(AssertionError):
        login("memur", "wrong-password")       # one failed login today
    home = text(it.get("/"))
    assert 'id="ozk-it-tiles"' in home
    links = re.findall(r'<a href="(/securityevents/list/\?[^"]+)">[^<]+</a> <span class="badge ozk-security-count">(\d+)<',
                       home)
    assert len(links) == 3
    for url, count in links:
        listing = text(it.get(url.replace("&amp;", "&")))
        rows = listing.count('class="ozk-security-row"')
        assert rows == int(count), url
    assert int(links[0][1]) >= 1
    # users who never logged in are listed; the backup tile says when there is none
    assert 'id="ozk-idle-count"' in home
    backups = os.path.join(app.config["DATA_DIR"], "backups")
    if not os.path.isdir(backups) or not os.listdir(backups):
        assert "Yedek klasöründe yedek bulunamadı." in home
    for other in ("memur", "mudur", "denetci"):
        assert 'id="ozk-it-tiles"' not in text(clients[other].get("/"))
