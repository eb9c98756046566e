"""A record named in one line from SQL columns alone (no record loaded): its
number and its register's headline (``Register.headline``: the first listed
text column, else its first listed choice and date). Lists that span many
registers (the clerk's "My submissions", the Müdür's "Waiting for my
decision") select these columns in their one UNION query, so they cost one
query whatever registers their rows come from."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import String, cast, null

from app.core import turkish


def _text(model, name):
    return cast(getattr(model, name), String) if name else cast(null(), String)


def headline_columns(model) -> list:
    """Labelled columns ``number``, ``title``, ``choice``, ``day`` (text on both
    databases, so that a UNION over registers lines them up)."""
    head = model.headline
    return [_text(model, "number" if hasattr(model, "number") else None).label("number"),
            _text(model, head.get("text")).label("title"),
            _text(model, head.get("choice")).label("choice"),
            _text(model, head.get("date")).label("day")]


def headline_label(model, row, record_id=None) -> str:
    """"BT-2026-0002 Kış hazırlıkları", "Cenaze 12.11.2026"…; ``#id`` only
    when the register names nothing."""
    title = row.title
    if title is None:
        choices = (model.choices or {}).get(model.headline.get("choice"), {})
        choice = str(choices.get(row.choice, row.choice)) if row.choice else ""
        day = turkish.format_date(dt.date.fromisoformat(row.day[:10])) if row.day else ""
        title = " ".join(p for p in (choice, day) if p)
    return " ".join(p for p in (row.number, title) if p) or f"#{record_id if record_id is not None else row.id}"
