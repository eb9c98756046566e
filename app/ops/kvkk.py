"""KVKK (Law 6698) retention: ``flask kvkk anonymize [--dry-run]``, and masks.

Every register model with ``personal_fields`` keeps them for ``retention_years``
(setting; a register may override it with ``retention_years_<tablename>``)
counted from ``created_at``. Older records get those fields blanked: None
where the column allows it, otherwise a placeholder ("(anonimleştirildi)",
shortened to the column's length). A record whose personal fields are all
blank already is skipped, so the command is idempotent and adds nothing to
the schema. Changing the objects through the ORM recomputes ``search_key``
(the core's before_flush) and writes the per-record audit entries; one
``anonymize`` entry per register summarises the run.

The masks that hide personal numbers in lists (:func:`mask_phone`,
:func:`mask_identity`) live in ``app.core.personal`` and are re-exported here.
"""
from __future__ import annotations

import datetime as dt

import click
from flask import g, has_app_context
from flask.cli import AppGroup
from sqlalchemy import Date, DateTime, String, Text, and_, or_

from app.core import audit
from app.core.personal import mask_identity, mask_phone  # noqa: F401  (masks live in the core)
from app.extensions import db

group = AppGroup("kvkk", help="KVKK: saklama süresi dolan kişisel verilerin anonimleştirilmesi.")

PLACEHOLDER = "(anonimleştirildi)"
SHORT_PLACEHOLDER = "(anonim)"
BATCH = 500


# ---------------------------------------------------------------------------
# retention
# ---------------------------------------------------------------------------


class KvkkError(click.ClickException):
    pass


def _settings():
    from app.settings.models import get_settings

    from app.settings.models import forget_settings

    if has_app_context():
        forget_settings()              # always the current values
    return get_settings()


def retention_years(settings, tablename):
    key = f"retention_years_{tablename}"
    raw = settings.get(key)
    if raw is None or str(raw).strip() == "":
        key, raw = "retention_years", settings.get("retention_years", "10")
    try:
        years = int(str(raw).strip())
    except ValueError:
        raise KvkkError(f"Ayar '{key}' bir tam sayı (yıl) olmalı: {raw!r}") from None
    if years < 1:
        raise KvkkError(f"Ayar '{key}' en az 1 yıl olmalı: {raw!r}")
    return years


def cutoff_for(years, now=None):
    now = now or dt.datetime.now()
    try:
        return now.replace(year=now.year - years)
    except ValueError:  # 29 February
        return now.replace(year=now.year - years, day=28)


def personal_models():
    """Register models with personal fields, once each, in menu order."""
    from app.core.registry import REGISTRY

    seen, models = set(), []
    for entry in REGISTRY:
        model = entry.model
        if model in seen or not getattr(model, "personal_fields", ()):
            continue
        seen.add(model)
        models.append(model)
    return models


def _first_of_year(value):
    """A required date (a leave's dates) is coarsened to 1 January of its year:
    the day is personal data, the year is statistics."""
    return value.replace(month=1, day=1) if value is not None else value


def _blank_value(column):
    """What a personal column becomes, or raises for a column that cannot be blanked.
    A callable is applied to the current value (required dates)."""
    if column.nullable:
        return None
    if isinstance(column.type, (Date, DateTime)):
        return _first_of_year
    if isinstance(column.type, (String, Text)):
        length = getattr(column.type, "length", None)
        if length is None or length >= len(PLACEHOLDER):
            return PLACEHOLDER
        if length >= len(SHORT_PLACEHOLDER):
            return SHORT_PLACEHOLDER
        return "-"[:length]
    raise KvkkError(f"{column.table.name}.{column.name} kişisel veri olarak işaretli ama boşaltılamıyor "
                    "(zorunlu ve metin değil).")


def _fields(model):
    """[(name, column, blank value)] of the model's personal fields."""
    fields = []
    for name in model.personal_fields:
        column = model.__table__.columns.get(name)
        if column is None:
            raise KvkkError(f"{model.__tablename__}.{name} kişisel alan olarak işaretli ama bir sütun değil.")
        fields.append((name, column, _blank_value(column)))
    return fields


def _blank_values(column, blank):
    if isinstance(column.type, (String, Text)):
        return {"", PLACEHOLDER, SHORT_PLACEHOLDER, blank} - {None}
    return set()


def _pending_query(model, fields, cutoff):
    """Records older than the cutoff with at least one personal field not blank.
    Coarsened dates do not count (they are never blank); a register may narrow
    which records (``kvkk_condition``) or which fields of a record
    (``kvkk_field_conditions``, e.g. only a person's name, not an institution's)
    hold personal data."""
    conditions = []
    field_conditions = getattr(model, "kvkk_field_conditions", {}) or {}
    for name, column, blank in fields:
        if callable(blank):
            continue
        attr = getattr(model, name)
        values = _blank_values(column, blank)
        is_blank = or_(attr.is_(None), attr.in_(sorted(values))) if values else attr.is_(None)
        condition = ~is_blank
        if name in field_conditions:
            condition = and_(condition, field_conditions[name](model))
        conditions.append(condition)
    query = db.session.query(model).filter(model.created_at < cutoff, or_(*conditions))
    record_condition = getattr(model, "kvkk_condition", None)
    if record_condition is not None:
        query = query.filter(record_condition(model))
    return query


def plan(now=None):
    """[{model, register, years, cutoff, fields, count}] — changes nothing."""
    settings = _settings()
    result = []
    for model in personal_models():
        years = retention_years(settings, model.__tablename__)
        cutoff = cutoff_for(years, now)
        fields = _fields(model)
        count = _pending_query(model, fields, cutoff).order_by(None).count()
        result.append({"model": model, "register": model.__tablename__, "years": years,
                       "cutoff": cutoff, "fields": fields, "count": count})
    return result


def anonymize(dry_run=False, now=None):
    """Blank the personal fields of records past retention; one transaction
    and one ``anonymize`` audit entry per register. Returns the plan with
    ``count`` = records anonymized (or that would be, with ``dry_run``)."""
    steps = plan(now)
    if dry_run:
        db.session.rollback()
        return steps
    for step in steps:
        model, fields = step["model"], step["fields"]
        done, seen = 0, set()
        try:
            while True:
                batch = _pending_query(model, fields, step["cutoff"]).order_by(model.id).limit(BATCH).all()
                if not batch:
                    break
                if seen & {r.id for r in batch}:   # a hook refilled a field: never loop forever
                    raise KvkkError(f"{step['register']}: kişisel alanlar boşaltıldıktan sonra yeniden dolduruldu.")
                seen.update(r.id for r in batch)
                for record in batch:
                    names = set(record.personal_field_names())
                    for name, _column, blank in fields:
                        if name in names:
                            setattr(record, name, blank(getattr(record, name)) if callable(blank) else blank)
                db.session.flush()   # before_flush recomputes search_key; audit hook records the change
                done += len(batch)
            step["count"] = done
            audit.record(step["register"], None, "anonymize",
                         f"KVKK: {done} kayıt anonimleştirildi (saklama {step['years']} yıl, "
                         f"{step['cutoff']:%d.%m.%Y} öncesi)",
                         {"count": done, "retention_years": step["years"],
                          "cutoff": step["cutoff"].isoformat(timespec="seconds"),
                          "fields": [f[0] for f in fields]},
                         commit=False)
            db.session.commit()
        except Exception:
            db.session.rollback()
            raise
    LAST_CUSTOM.clear()
    LAST_CUSTOM.update(anonymize_custom(now=now))
    from app.core.exportjobs import purge_expired   # list PDF files kept past EXPORT_JOB_KEEP_HOURS

    purge_expired()
    db.session.commit()
    return steps


LAST_CUSTOM: dict = {}   # {register: records} of the last run's custom personal fields


def anonymize_custom(dry_run=False, now=None) -> dict:
    """Fields added from the screen and marked personal (app/core/customfields.py):
    their values in ``extra`` are removed from records past retention (the
    register's retention period). {register: records}."""
    from app.core import customfields
    from app.core.registry import REGISTRY

    settings = _settings()
    done = {}
    for entry in REGISTRY:
        model = entry.model
        keys = {d.key for d in customfields.definitions(model.__tablename__) if d.personal}
        if not keys or "extra" not in model.__table__.columns:
            continue
        cutoff = cutoff_for(retention_years(settings, model.__tablename__), now)
        count = 0
        try:
            last = 0
            while True:
                batch = (db.session.query(model).filter(model.created_at < cutoff, model.extra.isnot(None),
                                                        model.id > last)
                         .order_by(model.id).limit(BATCH).all())
                if not batch:
                    break
                last = batch[-1].id
                for record in batch:
                    extra = dict(record.extra or {})
                    if keys & {k for k, v in extra.items() if v not in (None, "")}:
                        count += 1
                        if not dry_run:
                            record.extra = {k: v for k, v in extra.items() if k not in keys} or None
                if not dry_run:
                    db.session.flush()   # search key recomputed, audit says "changed", not the value
            if count and not dry_run:
                audit.record(model.__tablename__, None, "anonymize",
                             f"KVKK: {count} kaydın özel kişisel alanları boşaltıldı",
                             {"count": count, "fields": sorted(keys)}, commit=False)
            if dry_run:
                db.session.rollback()
            else:
                db.session.commit()
        except Exception:
            db.session.rollback()
            raise
        if count:
            done[model.__tablename__] = count
    return done


@group.command("anonymize")
@click.option("--dry-run", is_flag=True, help="Yalnızca say; hiçbir şeyi değiştirme.")
def anonymize_command(dry_run):
    """Saklama süresi dolan kayıtların kişisel alanlarını boşaltır."""
    steps = anonymize(dry_run=dry_run)
    verb = "anonimleştirilecek" if dry_run else "anonimleştirildi"
    if dry_run:
        click.echo("Deneme (--dry-run): hiçbir kayıt değiştirilmedi.")
    for step in steps:
        click.echo(f"{step['register']}: {step['count']} kayıt {verb} "
                   f"(saklama {step['years']} yıl, {step['cutoff']:%d.%m.%Y} öncesi; "
                   f"alanlar: {', '.join(f[0] for f in step['fields'])})")
    custom = anonymize_custom(dry_run=True) if dry_run else dict(LAST_CUSTOM)
    for register, count in sorted(custom.items()):
        click.echo(f"{register}: {count} kaydın ekrandan eklenen kişisel alanları {verb}")
    click.echo(f"Toplam: {sum(s['count'] for s in steps)} kayıt {verb}.")
