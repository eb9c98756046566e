"""Approval events become notifications, in the transaction that makes them.

* submitted → everyone who may decide today (the Müdür, an active proxy);
* approved / rejected / reopened → who prepared and who submitted the record.
The person who acted is never notified of their own act.
"""
from __future__ import annotations

from flask import g, has_app_context
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from app.core import approval

MESSAGES = {
    "submitted": "{register} · {ref}: kararınızı bekliyor.",
    "approved": "{register} · {ref}: onaylandı.",
    "rejected": "{register} · {ref}: reddedildi. Gerekçe: {note}",
    "reopened": "{register} · {ref}: {note}",
}


def _entry_of(model):
    from app.core.register import REGISTRY

    for entry in REGISTRY:
        if entry.model is model:
            return entry
    return None


def reference(obj) -> str:
    """Number and description of a record, never a person's name
    (``Register.audit_reference`` gives the number alone then)."""
    number = getattr(obj, "number", None)
    described = obj.audit_reference()
    if number and number not in described:
        return f"{number} {described}"
    return described


def _actor_id():
    user = getattr(g, "user", None) if has_app_context() else None
    return getattr(user, "id", None) if getattr(user, "is_authenticated", False) else None


def _state_change(obj):
    history = inspect(obj).attrs.state.history
    if not history.added:
        return None
    old = history.deleted[0] if history.deleted else None
    new = history.added[0]
    if new == approval.PENDING and old != approval.PENDING:
        return "submitted"
    if new == approval.APPROVED and old == approval.PENDING:
        return "approved"
    if new == approval.REJECTED and old == approval.PENDING:
        return "rejected"
    if new == approval.DRAFT and old == approval.APPROVED:
        return "reopened"
    return None


def deciders(session):
    """Active users who may decide today: the Müdür role, then anybody a
    proxy provider names (leave with the Müdür's proxy)."""
    from flask_appbuilder.security.sqla.models import Role, User

    users = (session.query(User).filter(User.active.is_(True))
             .filter(User.roles.any(Role.name == approval.DIRECTOR_ROLE)).all())
    if approval.PROXY_PROVIDERS:
        others = session.query(User).filter(User.active.is_(True)).all()
        users += [u for u in others if u not in users and approval.has_active_proxy(u)]
    return [u.id for u in users]


@event.listens_for(Session, "before_flush")
def _notify_decisions(session, flush_context, instances):
    from app.notify.models import Notification

    events = []
    for obj in list(session.dirty):
        if not getattr(type(obj), "__approvable__", False) or getattr(obj, "id", None) is None:
            continue
        kind = _state_change(obj)
        if kind:
            events.append((kind, obj))
    if not events:
        return
    actor = _actor_id()
    with session.no_autoflush:
        for kind, obj in events:
            entry = _entry_of(type(obj))
            if entry is None:
                continue
            if kind == "submitted":
                recipients = deciders(session)
            else:
                recipients = [obj.created_by_id, obj.submitted_by_id]
            text = MESSAGES[kind].format(register=str(entry.label), ref=reference(obj),
                                         note=(obj.decision_note or "").strip())
            for user_id in dict.fromkeys(r for r in recipients if r and r != actor):
                session.info.setdefault("ozk_notified", set()).add(user_id)
                session.add(Notification(user_id=user_id, kind=kind, text=text[:300],
                                         view_name=entry.name, record_id=obj.id))


@event.listens_for(Session, "after_commit")
def _forget_bells(session):
    users = session.info.pop("ozk_notified", None)
    if users:
        from app.notify.views import forget_bell

        forget_bell(users)


@event.listens_for(Session, "after_rollback")
def _drop_pending(session):
    session.info.pop("ozk_notified", None)
    session.info.pop("ozk_new_notifications", None)


# -- work assigned → the assignee is notified -----------------------------------

@event.listens_for(Session, "before_flush")
def _notify_assignments(session, flush_context, instances):
    from app.core.assignment import Assignment
    from app.notify.models import Notification

    actor = _actor_id()
    for obj in list(session.new) + list(session.dirty):
        if not isinstance(obj, Assignment) or obj.done_at is not None or obj.assigned_to_id == actor:
            continue
        if obj in session.dirty and not inspect(obj).attrs.assigned_at.history.added:
            continue            # touched but not (re)assigned
        due = f" Son gün: {obj.due_date.strftime('%d.%m.%Y')}." if obj.due_date else ""
        text = f"{obj.register_label} · {obj.reference}: size görev olarak verildi.{due}"
        session.info.setdefault("ozk_notified", set()).add(obj.assigned_to_id)
        session.add(Notification(user_id=obj.assigned_to_id, kind="assigned", text=text[:300],
                                 view_name=obj.view_name, record_id=obj.record_id))


# -- notifications → e-mail (per the person's preference) -----------------------

@event.listens_for(Session, "after_flush")
def _collect_new_notifications(session, flush_context):
    from app.notify.models import Notification

    new = [obj.id for obj in session.new if isinstance(obj, Notification)]
    if new:
        session.info.setdefault("ozk_new_notifications", []).extend(new)


@event.listens_for(Session, "after_flush_postexec")
def _queue_emails(session, flush_context):
    ids = session.info.pop("ozk_new_notifications", None)
    if ids:
        from app.notify.email import queue_immediate

        with session.no_autoflush:
            queue_immediate(session, ids)
