"""Office settings (letterhead, thresholds, retention) stored as key/value rows."""
from __future__ import annotations

from flask import g, has_app_context
from flask_appbuilder import Model
from sqlalchemy import Column, String, Text

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


def get_settings() -> dict:
    """All settings, read once per request."""
    cached = getattr(g, "_ozk_settings", None) if has_app_context() else None
    if cached is not None:
        return cached
    values = dict(DEFAULTS)
    values.update({row.key: row.value for row in db.session.query(Setting)})
    if has_app_context():
        g._ozk_settings = values
    return values


def save_settings(values: dict):
    for key, value in values.items():
        row = db.session.get(Setting, key)
        if row is None:
            db.session.add(Setting(key=key, value=value or ""))
        else:
            row.value = value or ""
    if has_app_context():
        g.pop("_ozk_settings", None)
