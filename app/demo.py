"""Demo data: realistic Turkish records for every register (idempotent: a
register that already has rows is left alone)."""
from __future__ import annotations

import importlib

from app.extensions import db
from app.registers import DOMAINS


def load_demo_data() -> int:
    created = 0
    for domain in DOMAINS:
        try:
            module = importlib.import_module(f"app.registers.{domain}.demo")
        except ModuleNotFoundError:
            continue
        created += module.load() or 0
        db.session.commit()
    created += demo_assignments()
    db.session.commit()
    return created


def demo_assignments() -> int:
    """A few records the Müdür gave the clerk ("İşlerim"): one overdue, one
    due tomorrow, one next week (idempotent: nothing when any exists)."""
    import datetime as dt

    from flask_appbuilder.security.sqla.models import User

    from app.core.assignment import Assignment, entry_of, reference_of

    if db.session.query(Assignment.id).first() is not None:
        return 0
    clerk = db.session.query(User).filter_by(username="memur").first()
    director = db.session.query(User).filter_by(username="mudur").first()
    if clerk is None or director is None:
        return 0
    from app.core.registry import REGISTRY

    records = []
    for entry in REGISTRY:
        if getattr(entry.model, "assignable", False):
            records += (db.session.query(entry.model).filter(entry.model.archived.is_(False))
                        .order_by(entry.model.id).limit(3).all())
    today = dt.date.today()
    dues = [today - dt.timedelta(days=3), today + dt.timedelta(days=1), today + dt.timedelta(days=7)]
    created = 0
    for record, due in zip(records, dues * 3):
        if getattr(record, "assignment_finished", lambda: False)():
            continue
        entry = entry_of(record)
        db.session.add(Assignment(
            register=record.__tablename__, record_id=record.id, view_name=entry.name,
            register_label=str(entry.label), reference=reference_of(record),
            assigned_to_id=clerk.id, assigned_by_id=director.id,
            assigned_at=dt.datetime.combine(due - dt.timedelta(days=10), dt.time(10)), due_date=due,
            note="Takip edip sonucu bildiriniz."))
        created += 1
    return created
