"""``flask ozelkalem reminders``: due-tomorrow and overdue notices, once per
item, person and day (run it daily from cron or a systemd timer; running it
twice the same day adds nothing), then the daily e-mail digests.

A domain package adds what it knows to be due with ``@reminder_source``:
a function ``(session, today) -> iterable of Reminder`` (the person, the kind
"due"/"overdue", the register's view, the record id and the text). Work
assignment (İşlerim) is built in.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import click

REMINDER_SOURCES: list = []
# other daily jobs that queue their own messages (``fn(session, today) -> int``),
# e.g. the mayor's orders reminding overdue units by e-mail
DAILY_JOBS: list = []


@dataclass(frozen=True)
class Reminder:
    user_id: int
    kind: str            # "due" (tomorrow) | "overdue"
    view_name: str
    record_id: int
    text: str


def reminder_source(fn):
    REMINDER_SOURCES[:] = [s for s in REMINDER_SOURCES
                           if (s.__module__, s.__qualname__) != (fn.__module__, fn.__qualname__)]
    REMINDER_SOURCES.append(fn)
    return fn


def daily_job(fn):
    DAILY_JOBS[:] = [s for s in DAILY_JOBS
                     if (s.__module__, s.__qualname__) != (fn.__module__, fn.__qualname__)]
    DAILY_JOBS.append(fn)
    return fn


def due_kind(due, today):
    if due is None:
        return None
    if due < today:
        return "overdue"
    if due == today + dt.timedelta(days=1):
        return "due"
    return None


def suffix(kind, due) -> str:
    day = due.strftime("%d.%m.%Y")
    return f"yarın son gün ({day})." if kind == "due" else f"son gün {day} idi, gecikti."


@reminder_source
def assignments_due(session, today):
    from app.core.assignment import Assignment

    rows = (session.query(Assignment)
            .filter(Assignment.done_at.is_(None), Assignment.due_date.isnot(None),
                    Assignment.due_date <= today + dt.timedelta(days=1)).all())
    for row in rows:
        kind = due_kind(row.due_date, today)
        if kind:
            yield Reminder(row.assigned_to_id, kind, row.view_name, row.record_id,
                           f"{row.register_label} · {row.reference}: {suffix(kind, row.due_date)}")


def run(session, today=None) -> dict:
    """Queue today's reminders (idempotent) and digests; returns counts."""
    from app.notify.models import Notification

    today = today or dt.date.today()
    start = dt.datetime.combine(today, dt.time())
    # a notice belongs to the day it is for (``--date`` runs a given day)
    stamp = dt.datetime.combine(today, dt.datetime.now().time())
    sent_today = {(n.user_id, n.kind, n.view_name, n.record_id) for n in
                  session.query(Notification.user_id, Notification.kind, Notification.view_name,
                                Notification.record_id)
                  .filter(Notification.created_at >= start, Notification.created_at < start + dt.timedelta(days=1),
                          Notification.kind.in_(("due", "overdue"))).all()}
    added = 0
    users = set()
    for source in REMINDER_SOURCES:
        for item in source(session, today):
            key = (item.user_id, item.kind, item.view_name, item.record_id)
            if not item.user_id or key in sent_today:
                continue
            sent_today.add(key)
            session.add(Notification(user_id=item.user_id, kind=item.kind, text=item.text[:300],
                                     view_name=item.view_name, record_id=item.record_id, created_at=stamp))
            users.add(item.user_id)
            added += 1
    session.flush()
    jobs = sum(int(job(session, today) or 0) for job in DAILY_JOBS)
    from app.notify.email import queue_digests

    digests = queue_digests(session, today)
    session.commit()
    if users:
        from app.notify.views import forget_bell

        forget_bell(users)
    return {"reminders": added, "jobs": jobs, "digests": digests}


def _register_command():
    from app.cli import group

    @group.command("reminders")
    @click.option("--date", "day", default=None, help="Gün (gg.aa.yyyy); verilmezse bugün")
    def reminders_command(day):
        """Yarın son günü olan ve süresi geçen işler için bildirimleri (günde bir kez) ve günlük
        e-posta özetlerini sıraya koyar."""
        from app.core.turkish import parse_date_text
        from app.extensions import db

        today = parse_date_text(day) if day else dt.date.today()
        if today is None:
            raise click.BadParameter("Tarihi gg.aa.yyyy biçiminde yazın.", param_hint="--date")
        counts = run(db.session, today)
        click.echo(f"Hatırlatma: {counts['reminders']}, diğer işler: {counts['jobs']}, "
                   f"e-posta özeti: {counts['digests']}")


_register_command()
