"""Office settings (letterhead, thresholds, retention) stored as key/value rows."""
from __future__ import annotations

from flask import g, has_app_context
from flask_appbuilder import Model
from sqlalchemy import Column, String, Text, event
from sqlalchemy.orm import Session

from app.extensions import db

DEFAULTS = {
    "municipality": "ÖRNEK BELEDİYE BAŞKANLIĞI",
    "unit": "Özel Kalem Müdürlüğü",
    "detsis": "",
    "address": "",
    "phone": "",
    "email": "",
    "web": "",
    "public_url": "",   # the installation's address printed under PDFs' QR codes
    "logo": "",
    "gift_threshold": "5000",
    "retention_years": "10",
}


class Setting(Model):
    __tablename__ = "setting"
    key = Column(String(64), primary_key=True)
    value = Column(Text, nullable=False, default="")


# Settings change rarely and are read on most pages: this process keeps them
# while the configuration version ``load_user`` reads is unchanged (every
# flush of a Setting replaces it: app/security/permcache.py, watch_config), and
# forgets them at once when it writes a Setting row. Without a version (no
# signed-in user) it keeps them for SETTINGS_SECONDS.
SETTINGS_SECONDS = 10
_PROCESS: dict = {}


def forget_settings():
    _PROCESS.clear()
    if has_app_context():
        g.pop("_ozk_settings", None)


def get_settings() -> dict:
    """All settings, read once per request (and at most every few seconds per process)."""
    import time

    cached = getattr(g, "_ozk_settings", None) if has_app_context() else None
    if cached is not None:
        return cached
    from app.security.permcache import config_version

    version = config_version()
    hit = _PROCESS.get(db.engine.url) if has_app_context() else None
    if hit is not None and (hit[2] == version if version is not None else hit[0] > time.monotonic()):
        values = dict(hit[1])
    else:
        values = dict(DEFAULTS)
        values.update({row.key: row.value for row in db.session.query(Setting)})
        if has_app_context():
            _PROCESS[db.engine.url] = (time.monotonic() + SETTINGS_SECONDS, dict(values), version)
    if has_app_context():
        g._ozk_settings = values
    return values


def _watch():
    from app.security.permcache import watch_config

    watch_config(Setting)


_watch()


@event.listens_for(Session, "after_flush")
def _forget_on_write(session, flush_context):
    if any(isinstance(obj, Setting) for obj in list(session.new) + list(session.dirty) + list(session.deleted)):
        _PROCESS.clear()


def save_settings(values: dict):
    for key, value in values.items():
        row = db.session.get(Setting, key)
        if row is None:
            db.session.add(Setting(key=key, value=value or ""))
        else:
            row.value = value or ""
    if has_app_context():
        g.pop("_ozk_settings", None)
