"""Reminders of overdue mayor's orders: one e-mail per unit per day, through
the core outbox. ``queue_overdue_reminders(today)`` is called by the daily
``flask ozelkalem reminders``; running it twice a day queues nothing more
(one ``mayor_order_reminder`` row per unit and day, a unique key)."""
from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError

from app.core import outbox, turkish
from app.extensions import db
from app.registers.mayor.models import MayorOrder, OrderFollowUp, OrderReminder

log = logging.getLogger("ozelkalem.mayor")


def overdue_rows(today: dt.date):
    from app.registers.mayor.views import overdue_condition

    return (db.session.query(OrderFollowUp).join(MayorOrder, OrderFollowUp.order_id == MayorOrder.id)
            .filter(overdue_condition(today))
            .order_by(OrderFollowUp.unit_id, func.coalesce(OrderFollowUp.due_date, MayorOrder.due_date),
                      OrderFollowUp.id).all())


def reminder_text(unit, rows, today) -> tuple[str, str]:
    subject = f"Başkanlık talimatı hatırlatması: {len(rows)} talimat yanıt bekliyor"
    lines = [f"Sayın {unit.name} yetkilisi,", "",
             "Aşağıdaki Başkanlık talimatlarının son tarihi geçmiş ve Özel Kalem Müdürlüğüne henüz "
             "yanıt verilmemiştir:", ""]
    for row in rows:
        order = row.order
        days = (today - row.effective_due).days
        lines.append(f"- {order.number} {order.subject} (son tarih {turkish.format_day(row.effective_due)}, "
                     f"{days} gün gecikti)")
    lines += ["", "Yanıtınızı en kısa sürede iletmenizi rica ederiz.", "", "Özel Kalem Müdürlüğü"]
    return subject, "\n".join(lines)


def queue_overdue_reminders(today: dt.date | None = None, commit: bool = True) -> dict:
    """Queue one reminder e-mail per unit with overdue rows, once per day.
    Returns {"queued": n, "already": n, "no_email": n}. A unit without an
    e-mail address gets none (counted; it is reminded once an address is set)."""
    today = today or dt.date.today()
    counts = {"queued": 0, "already": 0, "no_email": 0}
    by_unit: dict = {}
    for row in overdue_rows(today):
        by_unit.setdefault(row.unit_id, []).append(row)
    if not by_unit:
        return counts
    done = {uid for (uid,) in db.session.query(OrderReminder.unit_id)
            .filter(OrderReminder.day == today, OrderReminder.unit_id.in_(list(by_unit)))}
    for unit_id, rows in by_unit.items():
        unit = rows[0].unit
        if unit_id in done:
            counts["already"] += 1
            continue
        if not (unit.email or "").strip():
            counts["no_email"] += 1
            continue
        subject, body = reminder_text(unit, rows, today)
        try:
            with db.session.begin_nested():
                message = outbox.queue("email", unit.email, subject, body, unit)
                db.session.flush()
                db.session.add(OrderReminder(unit_id=unit_id, day=today, orders=len(rows),
                                             outbox_id=message.id if message is not None else None))
                db.session.flush()
                for row in rows:
                    row.last_reminded_on = today
        except IntegrityError:       # another run took this unit for today meanwhile
            counts["already"] += 1
            continue
        counts["queued"] += 1
    if commit:
        db.session.commit()
    log.info("Talimat hatırlatmaları: %s", counts)
    return counts
