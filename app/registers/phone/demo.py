"""Demo data: a week of the office's calls, some needing a call back, one of
them overdue (idempotent: skipped when the log has rows)."""
from __future__ import annotations

import datetime as dt

from app.extensions import db
from app.registers.phone.models import PhoneCall, next_working_day
from app.registers.reference.models import Contact

# (days ago, time, direction, contact or None, free caller, number, subject, outcome, call back by, done)
CALLS = [
    (6, "09:10", "gelen", "Ahmet Işık", None, "0224 513 10 10", "Cumhuriyet Bayramı tören programı", "baglandi", None, False),
    (6, "11:40", "gelen", None, "Hatice Demir (vatandaş)", "0532 111 22 33", "Kaldırım onarımı talebi", "not_alindi", "memur", True),
    (5, "10:05", "giden", "Gülşen Öztürk", None, "0224 513 11 11", "Halk günü güvenlik önlemleri", "baglandi", None, False),
    (1, "14:20", "gelen", None, "Yerel Haber Gazetesi", "0224 555 44 33", "Başkanla röportaj talebi", "not_alindi", "mudur", False),
    (4, "09:30", "gelen", "Ümit Yıldırım", None, "0224 513 13 13", "Oda genel kurulu daveti", "not_alindi", "memur", False),
    (3, "16:15", "gelen", "Ilgın Aksoy", None, "0532 000 00 01", "Mahalle parkı aydınlatması", "baglandi", None, False),
    (2, "10:50", "giden", "İbrahim Çağlar", None, "0224 513 12 12", "Kandil programı katılımı", "baglandi", None, False),
    (1, "13:05", "gelen", None, "Mehmet Kara (esnaf)", "0533 444 55 66", "Pazar yeri düzenlemesi", "not_alindi", "memur", False),
    (0, "09:20", "gelen", "Özge Kılıç", None, "0532 000 00 02", "Dernek kermesine davet", "not_alindi", "memur", False),
    (0, "10:45", "giden", "Şükrü Güneş", None, "0224 220 00 00", "Valilik koordinasyon toplantısı saati", "baglandi", None, False),
]


def _user(username):
    from flask_appbuilder.security.sqla.models import User

    return db.session.query(User).filter_by(username=username).first()


def load():
    if db.session.query(PhoneCall).first() is not None:
        return 0
    today = dt.date.today()
    created = 0
    for days, time, direction, contact, free, number, subject, outcome, assignee, done in CALLS:
        hour, minute = (int(x) for x in time.split(":"))
        at = dt.datetime.combine(today - dt.timedelta(days=days), dt.time(hour, minute))
        if at > dt.datetime.now():     # today's calls happened before now
            at = max(dt.datetime.combine(today, dt.time()), dt.datetime.now() - dt.timedelta(minutes=20 + 40 * created))
        call = PhoneCall(called_at=at, direction=direction, caller_name=free, phone=number,
                         subject=subject, outcome=outcome, callback_needed=assignee is not None,
                         contact=db.session.query(Contact).filter_by(name=contact).first() if contact else None)
        if assignee:
            call.assignee = _user(assignee)
            call.callback_due = next_working_day(at.date())
            if done:
                call.callback_done_at = at + dt.timedelta(hours=3)
                call.callback_done_by_id = call.assignee.id if call.assignee else None
        db.session.add(call)
        created += 1
    return created
