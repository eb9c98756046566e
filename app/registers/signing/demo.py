"""Demo: the Başkan Yardımcısı stands in for the Başkan ("V.") during a week
of next month (a leave of the mayor); idempotent."""
from __future__ import annotations

import datetime as dt

from app.core import signing
from app.extensions import db


def load() -> int:
    from flask_appbuilder.security.sqla.models import User

    if db.session.query(signing.SignatureDelegation.id).first() is not None:
        return 0
    deputy = db.session.query(User).filter_by(username="baskanyardimcisi").one_or_none()
    if deputy is None:
        return 0
    start = (dt.date.today().replace(day=1) + dt.timedelta(days=40)).replace(day=10)
    db.session.add(signing.SignatureDelegation(
        for_role=signing.PRESIDENT_ROLE, user_id=deputy.id, kind=signing.DEPUTY,
        date_from=start, date_to=start + dt.timedelta(days=6), registers="",
        note="Başkanın yıllık izni süresince Başkan Yardımcısı vekâlet eder.", active=True))
    return 1
