"""The numbers of the activity report. Every count is the count of the
register's own list filtered by the same period (``?created_from=…&created_to=…``
on any register list), so a reader can open the records behind a number."""
from __future__ import annotations

import calendar
import datetime as dt
import statistics
from dataclasses import dataclass

from sqlalchemy import extract, func

from app.core import approval
from app.core.register import REGISTRY
from app.extensions import db

MONTHS = ["Ocak", "Şubat", "Mart", "Nisan", "Mayıs", "Haziran", "Temmuz", "Ağustos", "Eylül", "Ekim",
          "Kasım", "Aralık"]


@dataclass
class Period:
    start: dt.date
    end: dt.date          # inclusive
    label: str
    kind: str             # "year" | "quarter" | "month"
    year: int
    part: int | None = None

    @property
    def months(self):
        return [(self.start.year, m) for m in range(self.start.month, self.end.month + 1)]

    def args(self):
        return {"created_from": self.start.isoformat(), "created_to": self.end.isoformat()}


def period_from_args(args, today=None) -> Period:
    """``?year=2026`` (default: this year), ``&quarter=1..4`` or ``&month=1..12``;
    anything else falls back to the whole year."""
    today = today or dt.date.today()
    year = args.get("year", type=int) if hasattr(args, "getlist") else args.get("year")
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        year = today.year
    kind = args.get("period") or "year"
    part = args.get("part", type=int) if hasattr(args, "getlist") else args.get("part")
    if kind == "quarter" and isinstance(part, int) and 1 <= part <= 4:
        start = dt.date(year, 3 * part - 2, 1)
        end_month = 3 * part
        end = dt.date(year, end_month, calendar.monthrange(year, end_month)[1])
        return Period(start, end, f"{year} yılı {part}. çeyrek", "quarter", year, part)
    if kind == "month" and isinstance(part, int) and 1 <= part <= 12:
        start = dt.date(year, part, 1)
        end = dt.date(year, part, calendar.monthrange(year, part)[1])
        return Period(start, end, f"{MONTHS[part - 1]} {year}", "month", year, part)
    return Period(dt.date(year, 1, 1), dt.date(year, 12, 31), f"{year} yılı", "year", year)


def _in_period(model, column, period):
    return (column >= dt.datetime.combine(period.start, dt.time.min),
            column < dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time.min))


def register_counts(period, entries):
    """[(entry, {month: count}, total)] of records created in the period,
    not archived (what the register's list shows for that period)."""
    rows = []
    for entry in entries:
        model = entry.model
        found = dict(db.session.query(extract("month", model.created_at), func.count(model.id))
                     .filter(model.archived.is_(False), *_in_period(model, model.created_at, period))
                     .group_by(extract("month", model.created_at)).all())
        per_month = {m: int(found.get(m, 0) or 0) for _, m in period.months}
        rows.append((entry, per_month, sum(per_month.values())))
    return rows


def approval_stats(period, entries):
    """Decisions taken in the period: approved, rejected and the median
    time from submission to decision (hours), per register and overall."""
    rows, all_hours = [], []
    for entry in entries:
        model = entry.model
        if not getattr(model, "__approvable__", False):
            continue
        decided = (db.session.query(model.state, model.submitted_at, model.decided_at)
                   .filter(model.archived.is_(False), model.decided_at.isnot(None),
                           model.state.in_((approval.APPROVED, approval.REJECTED)),
                           *_in_period(model, model.decided_at, period)).all())
        hours = [(d - s).total_seconds() / 3600 for _, s, d in decided if s and d and d >= s]
        all_hours += hours
        rows.append({"entry": entry,
                     "approved": sum(1 for st, _, _ in decided if st == approval.APPROVED),
                     "rejected": sum(1 for st, _, _ in decided if st == approval.REJECTED),
                     "median_hours": statistics.median(hours) if hours else None})
    overall = statistics.median(all_hours) if all_hours else None
    return rows, overall


CHART_COLUMNS = {"occasion": "vesileye göre", "direction": "yönüne göre"}


def by_choice(period, entries):
    """{title: [(choice label, count)]}: wreaths by occasion, gifts by
    direction… (approvable registers with such a choice column), records
    created in the period."""
    result = {}
    for entry in entries:
        model = entry.model
        choices = getattr(model, "choices", None) or {}
        column = next((c for c in CHART_COLUMNS if c in choices), None)
        if column is None or not getattr(model, "__approvable__", False):
            continue
        col = getattr(model, column)
        found = dict(db.session.query(col, func.count(model.id))
                     .filter(model.archived.is_(False), *_in_period(model, model.created_at, period))
                     .group_by(col).all())
        pairs = [(str(label), int(found.get(value, 0))) for value, label in choices[column].items()]
        result[f"{entry.label}: {CHART_COLUMNS[column]}"] = [p for p in pairs if p[1]]
    return result


def hours_text(hours):
    if hours is None:
        return "–"
    if hours < 48:
        return f"{hours:.1f} saat".replace(".", ",")
    return f"{hours / 24:.1f} gün".replace(".", ",")


def listed_entries(sm):
    return [e for e in REGISTRY if e.menu and sm.has_access("can_list", e.name)]
