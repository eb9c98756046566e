"""Work assignment (Görev dağılımı, G m6): the Müdür gives a record of any
register that opts in (``assignable = True`` on its model) to a staff member
with a due date; the person finds it under "İşlerim" on the home page (overdue
first), is notified, and marks it done (or the register's own logic does:
``complete(record, user)``, e.g. an incoming letter answered).

One table for every register (``assignment``: the record is named by its
table and id), so a register gets assignment without a column of its own. The
row keeps the record's reference (number and description, never a person's
name: ``Register.audit_reference``) so that "İşlerim" is one query. Every
assignment and completion is written to the record's history.
"""
from __future__ import annotations

import datetime as dt
import functools

from flask_appbuilder import Model
from sqlalchemy import Column, Date, DateTime, ForeignKey, Index, Integer, String, case, event
from sqlalchemy.orm import Session
from sqlalchemy.orm import relationship

from app.extensions import db


class AssignmentError(Exception):
    """A refused assignment; the message is shown to the user (Turkish)."""


class Assignment(Model):
    __tablename__ = "assignment"

    id = Column(Integer, primary_key=True)
    register = Column(String(64), nullable=False)          # the record's table
    record_id = Column(Integer, nullable=False)
    view_name = Column(String(100), nullable=False)        # the register's view (link)
    register_label = Column(String(120), nullable=False, default="")
    reference = Column(String(200), nullable=False, default="")
    assigned_to_id = Column(Integer, ForeignKey("ab_user.id", ondelete="CASCADE"), nullable=False)
    assigned_by_id = Column(Integer, ForeignKey("ab_user.id"))
    assigned_at = Column(DateTime, nullable=False, default=dt.datetime.now)
    due_date = Column(Date)
    note = Column(String(500))
    done_at = Column(DateTime)
    done_by_id = Column(Integer, ForeignKey("ab_user.id"))

    assigned_to = relationship("User", foreign_keys=[assigned_to_id], lazy="joined")
    assigned_by = relationship("User", foreign_keys=[assigned_by_id], lazy="select")

    __table_args__ = (
        Index("ix_assignment_open", "assigned_to_id", "done_at", "due_date"),
        Index("ix_assignment_record", "register", "record_id"),
    )

    @property
    def is_open(self) -> bool:
        return self.done_at is None

    @property
    def overdue(self) -> bool:
        return self.is_open and self.due_date is not None and self.due_date < dt.date.today()

    def link(self):
        from app.core.rendering import record_url

        try:
            return record_url(f"{self.view_name}.show", self.record_id)
        except Exception:  # noqa: BLE001 - a register removed since: no link
            return None


def entry_of(record):
    from app.core.registry import REGISTRY

    for entry in REGISTRY:
        if entry.model is type(record):
            return entry
    return None


def is_assignable(record) -> bool:
    return bool(getattr(type(record), "assignable", False))


def reference_of(record) -> str:
    number = getattr(record, "number", None)
    described = record.audit_reference() if hasattr(record, "audit_reference") else str(record.id)
    if number and number not in described:
        described = f"{number} {described}"
    return described[:200]


def _audit(record, action, summary):
    from app.core import audit

    audit.record(record.__tablename__, record.id, action, summary, commit=False)


def assign(record, to_user, due_date, by_user, note=None) -> Assignment:
    """Give ``record`` to ``to_user`` (a User) with a due date. The same
    person assigned again gets the new due date and note (one open row per
    person and record)."""
    if not is_assignable(record):
        raise AssignmentError("Bu kayıt görevlendirilemez.")
    if getattr(record, "archived", False):
        raise AssignmentError("Arşivdeki kayıt görevlendirilemez.")
    if to_user is None or not getattr(to_user, "active", False):
        raise AssignmentError("Görevlendirilecek kişi bulunamadı veya hesabı etkin değil.")
    if due_date is not None and due_date < dt.date.today():
        raise AssignmentError("Son gün bugünden önce olamaz.")
    entry = entry_of(record)
    if entry is None:
        raise AssignmentError("Bu kayıt görevlendirilemez.")
    note = (note or "").strip()[:500] or None
    row = (db.session.query(Assignment)
           .filter(Assignment.register == record.__tablename__, Assignment.record_id == record.id,
                   Assignment.assigned_to_id == to_user.id, Assignment.done_at.is_(None))
           .first())
    if row is None:
        row = Assignment(register=record.__tablename__, record_id=record.id, view_name=entry.name,
                         assigned_to_id=to_user.id)
        db.session.add(row)
    row.register_label = str(entry.label)[:120]
    row.reference = reference_of(record)
    row.assigned_by_id = getattr(by_user, "id", None)
    row.assigned_at = dt.datetime.now()
    row.due_date = due_date
    row.note = note
    from app.core.turkish import format_date

    due = f", son gün {format_date(due_date)}" if due_date else ""
    _audit(record, "assign", f"Görevlendirildi: {to_user.get_full_name()}{due}"
           + (f" — {note}" if note else ""))
    return row


def complete(record, by_user, assignment: Assignment | None = None) -> int:
    """Close the record's open assignments (or the one given); returns how
    many were closed."""
    query = db.session.query(Assignment).filter(Assignment.register == record.__tablename__,
                                                Assignment.record_id == record.id,
                                                Assignment.done_at.is_(None))
    if assignment is not None:
        query = query.filter(Assignment.id == assignment.id)
    rows = query.all()
    now = dt.datetime.now()
    for row in rows:
        row.done_at = now
        row.done_by_id = getattr(by_user, "id", None)
        _audit(record, "assign_done", f"Görev tamamlandı: {row.assigned_to.get_full_name()}")
    return len(rows)


def for_record(record) -> list[Assignment]:
    return (db.session.query(Assignment)
            .filter(Assignment.register == record.__tablename__, Assignment.record_id == record.id)
            .order_by(Assignment.done_at.isnot(None), Assignment.assigned_at.desc()).all())


@functools.lru_cache(maxsize=None)
def _open_statement(limited: bool):
    """The person's open assignments, overdue first, then by due date
    (undated last): built once per process, the person, today and the limit
    bound at each run (the home page's "İşlerim" runs it on every visit)."""
    from sqlalchemy import bindparam, select

    today = bindparam("today", type_=Assignment.due_date.type)
    statement = (select(Assignment)
                 .where(Assignment.assigned_to_id == bindparam("user_id"), Assignment.done_at.is_(None))
                 .order_by(case((Assignment.due_date < today, 0), (Assignment.due_date.is_(None), 2), else_=1),
                           Assignment.due_date, Assignment.id))
    return statement.limit(bindparam("limit")) if limited else statement


def open_for(user_id, limit=None) -> list[Assignment]:
    params = {"user_id": user_id, "today": dt.date.today()}
    if limit:
        params["limit"] = limit
    return db.session.execute(_open_statement(bool(limit)), params).scalars().all()


def user_may_open(user, view_name) -> bool:
    """Whether ``user`` (not necessarily the one logged in) holds
    ``can_show`` on the register's view through one of their roles."""
    for role in getattr(user, "roles", []):
        if role.name == "Admin":
            return True
        for pv in role.permissions:
            if pv.permission and pv.view_menu and pv.permission.name == "can_show" \
                    and pv.view_menu.name == view_name:
                return True
    return False


def candidates(view_name) -> list:
    """Active users who may open the register's records (the assignee
    picker): nobody is given work they cannot see."""
    from flask_appbuilder.security.sqla.models import Permission, PermissionView, Role, User, ViewMenu
    from sqlalchemy import or_

    from app.core.turkish import sort_key

    may_show = Role.permissions.any(PermissionView.permission.has(Permission.name == "can_show")
                                    & PermissionView.view_menu.has(ViewMenu.name == view_name))
    users = (db.session.query(User)       # one query, whatever the number of users and roles
             .filter(User.active.is_(True), User.roles.any(or_(Role.name == "Admin", may_show)))
             .all())

    return sorted(users, key=lambda u: sort_key(u.get_full_name()))


@event.listens_for(Session, "before_flush")
def _close_finished(session, flush_context, instances):
    """A record whose own state says the work is finished
    (``assignment_finished()``: an action completed, a letter answered) closes
    its open assignments in the same transaction."""
    finished = [obj for obj in session.dirty
                if getattr(type(obj), "assignable", False) and hasattr(obj, "assignment_finished")
                and getattr(obj, "id", None) is not None and obj.assignment_finished()]
    if not finished:
        return
    from flask import g, has_app_context

    user = getattr(g, "user", None) if has_app_context() else None
    with session.no_autoflush:
        for obj in finished:
            rows = (session.query(Assignment)
                    .filter(Assignment.register == obj.__tablename__, Assignment.record_id == obj.id,
                            Assignment.done_at.is_(None)).all())
            for row in rows:
                row.done_at = dt.datetime.now()
                row.done_by_id = getattr(user, "id", None) if getattr(user, "is_authenticated", False) else None
